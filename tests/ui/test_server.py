"""The server's connections send small responses at once (TCP_NODELAY), whoever opens the listening socket."""

from __future__ import annotations

import socket
import subprocess
import sys

from dashboard.ui.launch import SERVER_MODULE
from dashboard.ui.server import nodelay_on_listen


def _accepted_nodelay(listener: socket.socket) -> int:
    """TCP_NODELAY of a connection ``listener`` (bound, not yet listening) accepts."""
    with listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()) as client:
            accepted, _ = listener.accept()
            with accepted:
                client.sendall(b"x")
                assert accepted.recv(1) == b"x"
                return accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_a_listening_socket_made_with_protocol_zero_passes_nodelay_to_its_connections() -> None:
    # protocol 0, as Streamlit's server binds it: asyncio leaves such connections with Nagle on
    assert _accepted_nodelay(socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)) == 0
    undo = nodelay_on_listen()
    try:
        assert _accepted_nodelay(socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)) != 0
    finally:
        undo()
    assert _accepted_nodelay(socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)) == 0  # undone


def test_the_server_module_is_streamlit_s_command_line() -> None:
    answer = subprocess.run([sys.executable, "-m", SERVER_MODULE, "run", "--help"], capture_output=True, text=True,
                            timeout=120, check=False)
    assert answer.returncode == 0, answer.stderr
    assert "Usage: streamlit run" in answer.stdout
