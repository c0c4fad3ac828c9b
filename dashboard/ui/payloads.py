"""Map payloads published as static files, so the browser fetches them beside the map, not inside it.

In: the bytes of :func:`dashboard.ui.mapview.map_points_json` or ``map_details_json``. Out: their URL under
``/app/static/cache/`` (Streamlit's static serving). Files are named by their content's hash, so
sessions share them and a name never points at other data; the least recently used are removed
beyond :data:`KEEP` files. The folder is git-ignored run-time state.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from dashboard.files import atomic_write_bytes
from dashboard.ui.assets import STATIC_DIR

CACHE_DIR = STATIC_DIR / "cache"
CACHE_URL = "/app/static/cache"
#: Payload files kept; a page showing an older one keeps its markers until it changes its filters.
KEEP = 64


def publish(data: bytes, cache_dir: Path = CACHE_DIR, keep: int = KEEP) -> str:
    """Write ``data`` (once per content) and return the URL the browser loads it from."""
    name = hashlib.blake2b(data, digest_size=16).hexdigest() + ".json"
    path = cache_dir / name
    if path.exists():
        os.utime(path)  # recently used: pruned last
    else:
        atomic_write_bytes(path, data)
        prune(cache_dir, keep)
    return f"{CACHE_URL}/{name}"


def prune(cache_dir: Path = CACHE_DIR, keep: int = KEEP) -> list[Path]:
    """Remove all but the ``keep`` most recently used payloads; return what was removed."""
    files = sorted(cache_dir.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)
    return files[keep:]
