"""``python -m dashboard serve``: fetch the offline map assets when missing, then run Streamlit on loopback.

In: the table to show, a port and the resolved settings. Out: Streamlit's exit code. The table
reaches the app as ``--data FILE`` after ``--`` (see :func:`dashboard.ui.data.data_path`), the
``tiles`` setting through its environment variable.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Mapping

from dashboard.errors import DashboardError
from dashboard.settings import SETTINGS, Settings
from dashboard.ui.assets import ensure_assets, missing_assets

APP = Path(__file__).resolve().parents[1] / "app.py"
HOST = "127.0.0.1"

#: Every Streamlit option the dashboard runs with, in one place (there is no .streamlit/config.toml:
#: flags work from any folder). Loopback only; static serving for the map's JS and payloads. No
#: watching of source files: each new session would walk every loaded module's path on the server's
#: event loop (about a second of its time per visit, while the page loads) to offer a rerun that a
#: served dashboard never wants. No full garbage collection after each run of the page: it held the
#: server for 0.15 s at 100,000 rows, just when the browser asks for the code of the page's
#: elements (the collector still runs on its own thresholds).
STREAMLIT_OPTIONS: dict[str, str] = {
    "server.address": HOST,
    "server.headless": "true",
    "server.enableStaticServing": "true",
    "server.runOnSave": "false",
    "server.fileWatcherType": "none",
    "runner.postScriptGC": "false",
    "browser.gatherUsageStats": "false",
    "client.toolbarMode": "minimal",
    "theme.base": "light",
}


#: Runs ``streamlit run`` with Nagle's algorithm off (:mod:`dashboard.ui.server`: 40 ms less per request).
SERVER_MODULE = "dashboard.ui.server"


def streamlit_command(data: Path, port: int, app: Path = APP) -> list[str]:
    """The ``streamlit run`` command line (through :data:`SERVER_MODULE`); every option is given so
    it works from any folder."""
    options = [part for name, value in {**STREAMLIT_OPTIONS, "server.port": str(port)}.items()
               for part in (f"--{name}", value)]
    return [sys.executable, "-m", SERVER_MODULE, "run", str(app), *options, "--", "--data", str(data)]


def app_environment(settings: Settings, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for the app: ``base`` plus the dashboard's settings, so the app resolves the same values."""
    environ = dict(os.environ if base is None else base)
    for setting in SETTINGS:
        environ[setting.env] = str(getattr(settings, setting.name))
    return environ


def _server_environment(settings: Settings) -> dict[str, str]:
    """:func:`app_environment`, with this package importable (the server is started as its module)."""
    environ = app_environment(settings)
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(APP.parents[1]), environ.get("PYTHONPATH", "")]))
    return environ


def serve(data: Path, port: int, settings: Settings) -> int:
    """Open the dashboard on ``data`` at http://127.0.0.1:PORT; returns when Streamlit stops."""
    if missing_assets():
        print("fetching the map's offline assets from the npm registry (once)...", file=sys.stderr)
        ensure_assets()
    print(f"dashboard on http://{HOST}:{port} showing {data}", file=sys.stderr)
    return subprocess.call(streamlit_command(Path(data).resolve(), port), env=_server_environment(settings))


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_in_background(data: Path, settings: Settings, app: Path = APP,
                        timeout: float = 60.0) -> tuple[subprocess.Popen, str]:
    """Streamlit on a free loopback port, for tests, benchmarks and screenshots; returns it and its URL.

    Waits for ``/_stcore/health``; the caller stops the process. Raises DashboardError when it
    does not come up.
    """
    port = free_port()
    environ = _server_environment(settings)
    process = subprocess.Popen(streamlit_command(Path(data).resolve(), port, app=app), cwd=APP.parents[1],
                               env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise DashboardError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return process, base
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    process.kill()
    raise DashboardError(f"streamlit did not answer on {base} within {timeout:.0f} s")
