"""Map payloads published as static files, so the browser fetches them beside the map, not inside it.

In: the bytes of :func:`dashboard.ui.mapview.map_points_json` or ``map_details_json``. Out: the URL,
under ``/app/static/cache/``, of their gzip file (Streamlit's static serving). Files are named by their content's hash, so
sessions share them and a name never points at other data; the least recently used are removed
beyond :data:`KEEP` files. The folder is git-ignored run-time state.

A payload that takes long to make is published *later*: :func:`publish_later` names its file
after what it is made from, returns that URL at once and makes the file in a background thread;
the map asks for it until it is there. The popup texts of a table come in *pieces* of
:data:`PIECE_ROWS` rows (:func:`publish_pieces`): the map fetches the piece of a row when its
popup opens, so a page never loads every row's texts (a million rows' texts are hundreds of
megabytes and take the server seconds to write). The first pieces are made when the page loads,
the others when a marker click asks for them (:func:`pieces_of`).

The map's place labels (the file ``build`` writes beside the table, :func:`dashboard.files.labels_file`)
are published as they are by :func:`publish_labels`, after a check of their shape.

Why gzip files: Streamlit's server compresses what it sends from ``/app/static`` anew on every
request (0.2 s for the points of 100,000 rows, 0.4 s for their texts) but passes
``application/gzip`` through untouched. So each payload is compressed once, here, with a fast
level, and the map unpacks it in the browser (``DecompressionStream``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable, Iterable

from dashboard.files import atomic_write_bytes, labels_file
from dashboard.ui.assets import CACHE_DIR, CACHE_URL
#: Payload files kept; a page showing an older one keeps its markers until it changes its filters.
KEEP = 64
SUFFIX = ".json.gz"
#: gzip level: 1 packs 2.4 MB of points into a third of it in about 20 ms; higher levels cost far more time.
GZIP_LEVEL = 1


def payload_name(data: bytes) -> str:
    """The file name of ``data``: its content's hash."""
    return hashlib.blake2b(data, digest_size=16).hexdigest() + SUFFIX


def publish(data: bytes, cache_dir: Path = CACHE_DIR, keep: int = KEEP, name: str | None = None) -> str:
    """Write ``data`` gzipped (once per content) and return the URL the browser loads it from.

    ``name``: :func:`payload_name` of ``data`` when the caller kept it (hashing 17 MB takes a
    noticeable part of a rerun).
    """
    name = name or payload_name(data)
    path = cache_dir / name
    if path.exists():
        os.utime(path)  # recently used: pruned last
    else:
        atomic_write_bytes(path, gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))
        prune(cache_dir, keep)
    return f"{CACHE_URL}/{name}"


def prune(cache_dir: Path = CACHE_DIR, keep: int = KEEP) -> list[Path]:
    """Remove all but the ``keep`` most recently used payloads; return what was removed.

    Another thread (the background maker) may prune at the same time: a file gone between the
    listing and its look-up is passed over.
    """
    used = []
    for path in cache_dir.glob("*" + SUFFIX):
        try:
            used.append((path.stat().st_mtime, path))
        except FileNotFoundError:
            continue
    files = [path for _, path in sorted(used, key=lambda item: item[0], reverse=True)]
    for old in files[keep:]:
        old.unlink(missing_ok=True)
    return files[keep:]


_LOG = logging.getLogger(__name__)
_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="map-payloads")
_PENDING: dict[str, Future] = {}
_PENDING_LOCK = threading.Lock()


def later_name(source: str) -> str:
    """The file name of a payload made from ``source`` (a text naming its inputs and its format)."""
    return hashlib.blake2b(source.encode("utf-8"), digest_size=16).hexdigest() + SUFFIX


def publish_later(source: str, make: Callable[[], bytes], cache_dir: Path = CACHE_DIR, keep: int = KEEP) -> str:
    """The URL of the payload ``make()`` returns, named after ``source``; made in the background if missing.

    ``source`` must change whenever the bytes would (the file version, the view, the code that
    writes them). Returns at once; the file appears when ``make`` is done (a failure is logged and
    tried again on the next call). While it is being made, asking again does not start it twice.
    """
    return _publish_named_later(later_name(source), make, cache_dir, keep)


#: Rows of the table per piece of the popup texts (a piece takes about 0.05 s to make).
PIECE_ROWS = 4096
#: Pieces made in the background when a page loads: a table up to PIECE_ROWS * AHEAD_PIECES rows
#: has every popup text ready; a larger one the first pieces, the rest when a click asks for them.
AHEAD_PIECES = 4
#: Stands for the piece's number in the URL template handed to the map.
PIECE_FIELD = "{piece}"


def piece_url(source: str, piece: int) -> str:
    """The URL of one piece of the payload named after ``source``."""
    return f"{CACHE_URL}/{_piece_name(source, piece)}"


def _piece_name(source: str, piece: int) -> str:
    return later_name(source).removesuffix(SUFFIX) + f"-{piece}" + SUFFIX


def pieces_of(positions: Iterable[int], piece_rows: int = PIECE_ROWS) -> list[int]:
    """The pieces holding the rows at ``positions`` (places in the table), each once, in order."""
    return sorted({int(p) // piece_rows for p in positions})


def publish_pieces(source: str, rows: int, make: Callable[[int, int], bytes], pieces: Iterable[int] | None = None,
                   cache_dir: Path = CACHE_DIR, keep: int = KEEP, piece_rows: int = PIECE_ROWS) -> dict[str, Any]:
    """The map's handle on a payload in pieces: ``{"url": template, "rows": rows per piece, "pieces": count}``.

    ``make(start, end)`` returns the bytes of the table's rows ``start:end``; ``rows`` is the
    table's length. The ``pieces`` asked for (default: the first :data:`AHEAD_PIECES`) are made in
    the background when missing (:func:`publish_later`); the URL template names piece ``n`` when
    ``{piece}`` is replaced by ``n``. ``source`` as for :func:`publish_later`.
    """
    count = -(-rows // piece_rows)
    wanted = range(min(AHEAD_PIECES, count)) if pieces is None else [p for p in pieces if 0 <= p < count]
    for piece in wanted:
        start = piece * piece_rows
        _publish_named_later(_piece_name(source, piece), partial(make, start, min(start + piece_rows, rows)),
                             cache_dir, keep)
    return {"url": f"{CACHE_URL}/{_piece_name(source, 0).removesuffix('-0' + SUFFIX)}-{PIECE_FIELD}{SUFFIX}",
            "rows": piece_rows, "pieces": count}


def _publish_named_later(name: str, make: Callable[[], bytes], cache_dir: Path, keep: int) -> str:
    path = cache_dir / name
    if path.exists():
        os.utime(path)
        return f"{CACHE_URL}/{name}"
    with _PENDING_LOCK:
        if name not in _PENDING:
            _PENDING[name] = _WORKER.submit(_make_and_publish, name, make, cache_dir, keep)
    return f"{CACHE_URL}/{name}"


def _make_and_publish(name: str, make: Callable[[], bytes], cache_dir: Path, keep: int) -> None:
    try:
        publish(make(), cache_dir, keep, name=name)
    except Exception:  # noqa: BLE001 - logged; the next rerun tries again
        _LOG.exception("map payload %s could not be made", name)
    finally:
        with _PENDING_LOCK:
            _PENDING.pop(name, None)


def wait_for_pending(timeout: float = 60.0) -> None:
    """Block until the payloads being made are written (for tests and tools)."""
    with _PENDING_LOCK:
        pending = list(_PENDING.values())
    for future in pending:
        future.result(timeout=timeout)


#: The labels file's format this app reads (``dashboard.preprocess.map_labels.FORMAT``).
LABELS_FORMAT = 1
_LABEL_KEYS = ("name", "lat", "lng", "z", "c")


def publish_labels(table: str | Path, cache_dir: Path = CACHE_DIR, keep: int = KEEP) -> str | None:
    """The URL of the place labels of ``table`` (the file ``build`` wrote beside it), or None.

    None when there is no such file (a table made otherwise, or by an older build) or it is not a
    labels file this app reads (a warning is logged): the map then draws the outline only.
    """
    path = labels_file(table)
    try:
        status = path.stat()
    except OSError:
        return None
    data = _checked_labels(str(path), status.st_mtime_ns, status.st_size)
    return None if data is None else publish(data, cache_dir, keep)


@lru_cache(maxsize=8)
def _checked_labels(path: str, modified: int, size: int) -> bytes | None:
    """The file's bytes when they are a labels file of our format (cached per file version)."""
    try:
        data = Path(path).read_bytes()
        labels = json.loads(data)
        lengths = {len(labels[key]) for key in _LABEL_KEYS}
        if labels.get("format") != LABELS_FORMAT or len(lengths) != 1:
            raise ValueError("not a labels file of format %d" % LABELS_FORMAT)
    except (OSError, ValueError, KeyError, TypeError) as err:
        _LOG.warning("the map's place labels %s cannot be used: %s", path, err)
        return None
    return data
