"""``python -m dashboard serve``: fetch the offline map assets when missing, then run Streamlit on loopback.

In: the table to show, a port and the resolved settings. Out: Streamlit's exit code. The table
reaches the app as ``--data FILE`` after ``--`` (see :func:`dashboard.ui.data.data_path`), the
``tiles`` setting through its environment variable.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping

from dashboard.settings import SETTINGS
from dashboard.ui.assets import ensure_assets, missing_assets

APP = Path(__file__).resolve().parents[1] / "app.py"
HOST = "127.0.0.1"


def streamlit_command(data: Path, port: int, app: Path = APP) -> list[str]:
    """The ``streamlit run`` command line; every option is given so it works from any folder."""
    return [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", HOST, "--server.port", str(port), "--server.headless", "true",
        "--server.enableStaticServing", "true", "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
        "--", "--data", str(data),
    ]


def app_environment(settings: Mapping[str, Any], base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for the app: ``base`` plus the dashboard's settings, so the app resolves the same values."""
    environ = dict(os.environ if base is None else base)
    for setting in SETTINGS:
        if setting.name in settings:
            environ[setting.env] = str(settings[setting.name])
    return environ


def serve(data: Path, port: int, settings: dict) -> int:
    """Open the dashboard on ``data`` at http://127.0.0.1:PORT; returns when Streamlit stops."""
    if missing_assets():
        print("fetching the map's offline assets from the npm registry (once)...", file=sys.stderr)
        ensure_assets()
    print(f"dashboard on http://{HOST}:{port} showing {data}", file=sys.stderr)
    return subprocess.call(streamlit_command(Path(data).resolve(), port), env=app_environment(settings))
