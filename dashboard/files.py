"""Writing files so that a reader never sees half of one: write beside, flush, then rename.

:func:`atomic_write_bytes` replaces one file; :func:`atomic_write_many` replaces several together
(the reports and incidents tables of one build). Failures become :class:`OutputError` with one line,
as do those of the temporary files a build keeps meanwhile (:func:`temporary_space`).
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Sequence, Union

#: What a file is made of: its bytes, or its bytes in pieces (a large table written in chunks, so
#: that the whole file is never in memory at once).
Content = Union[bytes, Iterable[bytes]]

from dashboard.errors import OutputError


@contextmanager
def temporary_space(what: str, folder: Path | None) -> Iterator[None]:
    """An OSError meanwhile (a full disk under a build's temporary file of ``what``, in ``folder`` or
    the system's temporary folder) as one :class:`OutputError` line."""
    try:
        yield
    except OutputError:
        raise
    except OSError as err:
        raise OutputError(f"cannot keep {what} in a temporary file in {folder or tempfile.gettempdir()}: "
                          f"{err.strerror or err}") from err


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a crash leaves the old file or the new one, never a mix."""
    atomic_write_many([(Path(path), data)])


def atomic_write_many(items: Sequence[tuple[Path, Content]]) -> None:
    """Replace every file of ``items`` with its data, or none of them.

    Every new file is first written completely beside its target (flushed to disk), and a hard link
    (or copy) of each existing target is kept; only then are the targets replaced, one rename each,
    back to back. When writing or renaming fails, or the run is interrupted (Ctrl-C, SIGTERM made an
    exception by the CLI), the files already replaced are put back as they were (or removed if they
    did not exist), so every target holds its old content. Temporary files and links are removed on
    every exit path. Only a hard kill (SIGKILL, power loss) in the instant between two renames can
    leave the first file new and the second old, and it leaves stray ``.tmp`` / ``.old`` files behind.
    """
    items = [(Path(path), data) for path, data in items]
    temporaries: list[Path] = []
    backups: dict[Path, Path | None] = {}
    done: list[Path] = []
    current = items[0][0] if items else Path()
    try:
        for current, data in items:
            temporaries.append(_write_temporary(current, data))
        for current, _ in items:
            backups[current] = _backup(current)
        for (current, _), temporary in zip(items, temporaries):
            os.replace(temporary, current)
            done.append(current)
    except BaseException as err:
        for path in reversed(done):  # put back what was replaced
            backup = backups.get(path)
            try:
                if backup is not None:
                    os.replace(backup, path)
                else:
                    path.unlink(missing_ok=True)
            except OSError:
                pass  # nothing more can be done; the error below names the first failure
        if isinstance(err, OSError) and not isinstance(err, OutputError):
            raise OutputError(f"cannot write {current}: {err.strerror or err}") from err
        raise
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        for backup in backups.values():
            if backup is not None:
                backup.unlink(missing_ok=True)


def _write(stream, data: bytes) -> None:  # type: ignore[no-untyped-def]
    """Write and flush to disk (a seam: tests put a failing writer here, e.g. a full disk)."""
    stream.write(data)
    stream.flush()
    os.fsync(stream.fileno())


def _write_temporary(path: Path, data: Content) -> Path:
    """``data`` (bytes, or pieces written one after the other) in a new temporary file beside ``path``,
    with the permissions ``path`` should have."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            for piece in [data] if isinstance(data, bytes) else data:
                _write(stream, piece)
        os.chmod(temporary, _mode_for(path))  # mkstemp's 0600 would hide the file from other users
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _backup(path: Path) -> Path | None:
    """A hard link (else a copy) of the existing ``path`` beside it, to put it back; None when there is none."""
    if not path.exists():
        return None
    for _ in range(100):
        backup = path.parent / f".{path.name}.{secrets.token_hex(6)}.old"
        try:
            os.link(path, backup)
            return backup
        except FileExistsError:
            continue
        except OSError:
            break  # no hard links here: a copy
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent)
    os.close(handle)
    try:
        shutil.copy2(path, name)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _mode_for(path: Path) -> int:
    """The existing file's permissions, else what a plain ``open(path, "w")`` would give."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def labels_file(table: str | Path) -> Path:
    """Where the map's place labels of a table live: beside it (``incidents.csv`` -> ``incidents.labels.json``).

    Written by ``build`` (:mod:`dashboard.preprocess.map_labels`), read by the app
    (:func:`dashboard.ui.payloads.publish_labels`); the one place both find the name.
    """
    table = Path(table)
    return table.with_name(f"{table.stem}.labels.json")
