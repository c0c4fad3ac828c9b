"""Local copies of the map's JavaScript and CSS, so the map works with no internet; our own map code.

In: nothing (the npm registry, through ``npm pack``, at setup time only).
Out: ``dashboard/static/vendor/<package>/...`` (git-ignored), which Streamlit serves at
``/app/static/vendor/...`` when ``server.enableStaticServing`` is on; :func:`asset_url` gives
the URL of one file. Nothing third-party is committed: the files are fetched by
:func:`ensure_assets` (``python -m dashboard fetch-assets``, ``make assets``, or ``serve`` when
they are missing). The app itself never touches the network.

The map's own code is committed beside them, in ``dashboard/static/map/`` (served at
``/app/static/map/``), as plain script files: :data:`MAP_CODE_FILES`. The
map loads them as one file, :func:`map_code_bundle` (their text joined in loading order, written at
run time into the git-ignored ``static/cache/``): the map's frame loads its scripts one after
another, so each file was one more round trip before the first draw.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dashboard.errors import AssetError

#: Streamlit serves ``static/`` beside the main script (dashboard/app.py).
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
#: Where the browser finds VENDOR_DIR.
VENDOR_URL = "/app/static/vendor"
#: The map's own JavaScript (ours, committed), and where the browser finds it.
MAP_CODE_DIR = STATIC_DIR / "map"
MAP_CODE_URL = "/app/static/map"
#: Its files in loading order: each after the files it uses; ``offline_layer.js`` and
#: ``incident_layer.js`` (Leaflet and the DOM) use the pure ones before them.
MAP_CODE_FILES: tuple[str, ...] = ("tolls.js", "links.js", "payload.js", "grid.js", "labels.js", "offline_layer.js",
                                   "incident_layer.js")
#: Run-time files the browser loads (map payloads, the map code's bundle): git-ignored, served at CACHE_URL.
CACHE_DIR = STATIC_DIR / "cache"
CACHE_URL = "/app/static/cache"
BUNDLE_PREFIX = "map-code-"


@dataclass(frozen=True, slots=True)
class Package:
    """One npm package and the files of its tarball the map needs (paths inside ``package/``)."""

    name: str
    version: str
    files: tuple[str, ...]

    @property
    def folder(self) -> str:
        return self.name


PACKAGES: tuple[Package, ...] = (
    Package("leaflet", "1.9.4", (
        "dist/leaflet.js", "dist/leaflet.css", "dist/images/layers.png", "dist/images/layers-2x.png",
        "dist/images/marker-icon.png", "dist/images/marker-icon-2x.png", "dist/images/marker-shadow.png",
        "LICENSE",
    )),
    # world-atlas is TopoJSON; topojson-client turns it into GeoJSON in the browser.
    Package("topojson-client", "3.1.0", ("dist/topojson-client.min.js", "LICENSE")),
    Package("world-atlas", "2.0.2", ("countries-110m.json", "LICENSE")),
)
_BY_NAME = {p.name: p for p in PACKAGES}


def asset_path(package: str, file: str, vendor_dir: Path = VENDOR_DIR) -> Path:
    """Where one file of one package lives on disk."""
    return vendor_dir / _BY_NAME[package].folder / file


def asset_url(package: str, file: str) -> str:
    """The URL the browser loads one file of one package from."""
    return f"{VENDOR_URL}/{_BY_NAME[package].folder}/{file}"


def map_code_bundle(version: str, cache_dir: Path = CACHE_DIR, code_dir: Path | None = None) -> str:
    """The URL of the map's code as one script: the files of :data:`MAP_CODE_FILES` joined in order.

    ``version`` names the code (``dashboard.ui.mapview.MAP_CODE_VERSION``, a hash of the files): the
    file ``map-code-VERSION.js`` is written once (atomically) and bundles of other versions are
    removed, so a browser never runs an older copy. Each file is one function call (``(function
    (name, make) {...})(...)``), so joined they run as they do one by one.
    """
    name = f"{BUNDLE_PREFIX}{version}.js"
    path = cache_dir / name
    if not path.is_file():
        from dashboard.files import atomic_write_bytes

        folder = MAP_CODE_DIR if code_dir is None else code_dir
        parts = [f"// {file}\n".encode() + (folder / file).read_bytes().rstrip() + b"\n;\n" for file in MAP_CODE_FILES]
        cache_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, b"".join(parts))
        for old in cache_dir.glob(f"{BUNDLE_PREFIX}*.js"):
            if old.name != name:
                old.unlink(missing_ok=True)
    return f"{CACHE_URL}/{name}"


def missing_assets(vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """``package/file`` of every needed file that is not on disk (empty: the map can work offline)."""
    return [f"{p.name}/{f}" for p in PACKAGES for f in p.files if not asset_path(p.name, f, vendor_dir).is_file()]


def ensure_assets(vendor_dir: Path = VENDOR_DIR, npm: str = "npm") -> Path:
    """Fetch every package that has a file missing (``npm pack``), unpack the needed files; return the folder.

    Raises :class:`AssetError` when npm is missing, the registry cannot be reached, or a tarball
    lacks a file we expect.
    """
    wanted = [p for p in PACKAGES if any(not asset_path(p.name, f, vendor_dir).is_file() for f in p.files)]
    if not wanted:
        return vendor_dir
    if shutil.which(npm) is None:
        raise AssetError(f"'{npm}' is not installed: it is needed once to fetch the map's offline assets "
                         "(apt-get install npm)")
    with tempfile.TemporaryDirectory(prefix="dashboard-assets-") as temporary:
        work = Path(temporary)
        for package in wanted:
            tarball = _npm_pack(npm, f"{package.name}@{package.version}", work)
            _unpack(tarball, package, vendor_dir)
    still = missing_assets(vendor_dir)
    if still:
        raise AssetError(f"assets still missing after fetching: {', '.join(still)}")
    return vendor_dir


def _npm_pack(npm: str, spec: str, work: Path) -> Path:
    try:
        result = subprocess.run([npm, "pack", spec, "--pack-destination", str(work), "--silent"],
                                capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise AssetError(f"npm pack {spec} failed: {err}") from err
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise AssetError(f"npm pack {spec} failed: {reason}")
    names = [line.strip() for line in result.stdout.splitlines() if line.strip().endswith(".tgz")]
    if not names or not (work / names[-1]).is_file():
        raise AssetError(f"npm pack {spec} did not write a tarball")
    return work / names[-1]


def _unpack(tarball: Path, package: Package, vendor_dir: Path) -> None:
    """Copy only the listed files out of the tarball (never extract arbitrary paths)."""
    target = vendor_dir / package.folder
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            for file in package.files:
                try:
                    member = archive.getmember(f"package/{file}")
                except KeyError as err:
                    raise AssetError(f"{tarball.name} has no {file}") from err
                source = archive.extractfile(member)
                if source is None:
                    raise AssetError(f"{tarball.name}: {file} is not a regular file")
                destination = target / file
                destination.parent.mkdir(parents=True, exist_ok=True)
                partial = destination.with_name(destination.name + ".part")
                with source, partial.open("wb") as out:
                    shutil.copyfileobj(source, out)
                partial.replace(destination)
    except (tarfile.TarError, OSError) as err:
        raise AssetError(f"cannot unpack {tarball.name}: {err}") from err
