"""Where the data path comes from, the serve command, and fetching assets (with a stand-in npm)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from dashboard.errors import AssetError
from dashboard.settings import resolve
from dashboard.ui import assets
from dashboard.ui.data import DATA_ENV, DEFAULT_DATA, data_path
from dashboard.ui.launch import APP, SERVER_MODULE, app_environment, streamlit_command


def test_data_path_prefers_the_flag_then_the_environment() -> None:
    assert data_path(["--data", "x.parquet"], {DATA_ENV: "y.csv"}) == Path("x.parquet")
    assert data_path([], {DATA_ENV: "y.csv"}) == Path("y.csv")
    assert data_path(["--other"], {}) == DEFAULT_DATA


def test_serve_runs_streamlit_on_loopback_with_the_data_after_a_double_dash() -> None:
    command = streamlit_command(Path("/d/t.csv"), 8600)
    assert command[1:4] == ["-m", SERVER_MODULE, "run"] and command[4] == str(APP)
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("--server.port") + 1] == "8600"
    assert command[command.index("--server.enableStaticServing") + 1] == "true"
    assert command[-3:] == ["--", "--data", "/d/t.csv"]


def test_settings_reach_the_app_through_the_environment() -> None:
    environ = app_environment(resolve({"tiles": "none"}, environ={}), base={})
    assert environ["DASHBOARD_TILES"] == "none"
    assert resolve(environ=environ) == resolve({"tiles": "none"}, environ={})  # every value, not only tiles


def _fake_npm(folder: Path) -> str:
    """An 'npm' that answers 'pack NAME@VERSION --pack-destination DIR' with a tarball of empty files."""
    script = folder / "npm"
    script.write_text(f"""#!/usr/bin/env python3
import io, sys, tarfile
sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
from dashboard.ui.assets import PACKAGES
spec, out = sys.argv[2], sys.argv[sys.argv.index("--pack-destination") + 1]
name = spec.rsplit("@", 1)[0]
package = next(p for p in PACKAGES if p.name == name)
tgz = f"{{out}}/{{name}}.tgz"
with tarfile.open(tgz, "w:gz") as archive:
    for file in package.files + ("../../escape.txt",):
        data = ("// " + file).encode()
        info = tarfile.TarInfo("package/" + file)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
print(f"{{name}}.tgz")
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_ensure_assets_unpacks_only_the_listed_files(tmp_path) -> None:
    vendor = tmp_path / "vendor"
    npm = _fake_npm(tmp_path)
    assert assets.missing_assets(vendor)
    assert assets.ensure_assets(vendor, npm=npm) == vendor
    assert assets.missing_assets(vendor) == []
    assert (vendor / "leaflet" / "dist" / "leaflet.js").read_text() == "// dist/leaflet.js"
    assert not (tmp_path / "escape.txt").exists() and not list(vendor.rglob("escape.txt"))


def test_ensure_assets_without_npm_says_what_to_install(tmp_path) -> None:
    with pytest.raises(AssetError, match="npm"):
        assets.ensure_assets(tmp_path / "vendor", npm=str(tmp_path / "no-such-npm"))


def test_asset_urls_are_under_the_static_route() -> None:
    assert assets.asset_url("leaflet", "dist/leaflet.js") == "/app/static/vendor/leaflet/dist/leaflet.js"
    assert assets.VENDOR_DIR.parent == APP.parent / "static"
