"""``python -m dashboard.ui.server run APP ...``: ``streamlit run``, with small responses sent at once.

In: Streamlit's own command line (what :func:`dashboard.ui.launch.streamlit_command` builds). Out:
Streamlit's server, in this process, whose TCP connections have Nagle's algorithm off (``TCP_NODELAY``).

Why: Streamlit's server (uvicorn behind Starlette) binds its listening socket itself, with protocol
number 0, and asyncio turns ``TCP_NODELAY`` on only for sockets whose protocol is ``IPPROTO_TCP``; so
the connections it accepts keep Nagle's algorithm. A response written in two pieces (headers, then
body) then holds its body back until the browser acknowledges the headers, which a browser on a
kept-alive connection delays by 40 ms: every request after a connection's first took 44 ms on
loopback instead of 3. A page start makes about a hundred (Streamlit's script chunks, six at a time)
and the map's frame loads its scripts one after another, so this was a large part of the first map
paint. Linux passes a listening socket's ``TCP_NODELAY`` on to the connections it accepts, so the
option is set when a TCP socket starts listening: one place, whatever builds the server.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable

_TCP_FAMILIES = (socket.AF_INET, socket.AF_INET6)


def nodelay_on_listen() -> Callable[[], None]:
    """From now on, in this process, a TCP socket that starts listening gets ``TCP_NODELAY`` (and so
    does every connection it accepts). Returns the function that undoes it (for tests)."""
    original = socket.socket.listen

    def listen(self: socket.socket, *backlog: int) -> None:
        if self.family in _TCP_FAMILIES and self.type == socket.SOCK_STREAM:
            self.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        original(self, *backlog)

    socket.socket.listen = listen  # type: ignore[method-assign]

    def undo() -> None:
        socket.socket.listen = original  # type: ignore[method-assign]

    return undo


def main() -> int:
    """Streamlit's command line (``sys.argv[1:]`` as for ``python -m streamlit``), TCP_NODELAY on."""
    nodelay_on_listen()
    from streamlit.web.cli import main as streamlit_main

    return streamlit_main(prog_name="streamlit")  # the command line Streamlit itself would see


if __name__ == "__main__":
    sys.exit(main())
