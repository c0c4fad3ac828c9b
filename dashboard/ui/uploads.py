"""Articles added from the page: checked, saved into the articles folder, and the table rebuilt.

In: uploaded files (their names and bytes) or a pasted text with its title, source, date and URL;
the table the page shows and the folder it is built from (the ``articles`` setting). Out: the new
files in that folder and the table rebuilt from the whole folder, or an :class:`UploadError` naming
the file at fault, with nothing changed (no file saved, the table as it was).

The app never runs the pipeline itself (an import-linter contract): both steps run the ``build``
command in a subprocess, with the app's environment, so with the same settings (the ``DASHBOARD_*``
variables ``serve`` sets) and the same review database:

1. **check**: a build of the new files alone, from a temporary folder into a temporary table;
   every new file must be read (the build names a file it skips or passes over, and why);
2. **save**: each file is written into the folder (atomically), under a name that is safe and free;
3. **rebuild**: ``build FOLDER --out TABLE`` (with ``FOLDER/manifest.csv`` when present): every
   article of the folder, reconciled together; the build replaces the table atomically. When it
   fails, the files saved in step 2 are removed again.

A pasted text is saved as a ``.txt`` file whose front matter (``title:``, ``source:``,
``published:``, ``url:``) the build reads. Two sessions adding articles at once take turns (a lock
on the folder). HTML is saved as it came: the build reduces it to the article (trafilatura).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dashboard.errors import DashboardError, one_line
from dashboard.files import atomic_write_bytes

#: Suffixes the build reads as articles in a folder (``.markdown``/``.htm`` too).
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
#: The manifest the rebuild passes when the folder holds one.
MANIFEST = "manifest.csv"
#: What a progress callback receives: the fraction done (0..1) and what is being done.
Progress = Callable[[float, str], None]

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_BREAKS = re.compile("[\\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SUMMARY_LINE = re.compile(r"^  (skipped|passed over) (.+?): (.+)$")


class UploadError(DashboardError):
    """An article cannot be added (the message names it); nothing was changed."""


@dataclass(frozen=True, slots=True)
class NewArticle:
    """One article to add: the file name it came with (or was given) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Added:
    """What an addition did: the names the files were saved under, and the build's summary line."""

    saved: tuple[str, ...]
    summary: str


def safe_name(name: str) -> str:
    """A file name the folder can hold: the last part of ``name``, letters, digits, ``.``, ``_`` and ``-`` only.

    Raises UploadError when its suffix is not an article's (.txt, .md, .html).
    """
    base = re.split(r"[\\/]", name)[-1]
    folded = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    stem, dot, suffix = folded.rpartition(".")
    suffix = "." + suffix.lower() if dot else ""
    if suffix not in ARTICLE_SUFFIXES:
        raise UploadError(f"{one_line(base)}: not an article file (.txt, .md or .html)")
    stem = _UNSAFE.sub("-", stem).strip(".-_")[:100] or "article"
    return stem + suffix


def pasted_article(text: str, title: str = "", source: str = "", published: dt.date | None = None,
                   url: str = "") -> NewArticle:
    """A pasted text as a ``.txt`` article with front matter; raises UploadError when it cannot be one."""
    if not text.strip():
        raise UploadError("pasted text: it is empty")
    url = _single_line(url)
    if url and not re.match(r"https?://[^\s]+$", url, re.IGNORECASE):
        raise UploadError("pasted text: the URL must start with http:// or https://")
    fields = {"title": title, "source": source, "published": published.isoformat() if published else "", "url": url}
    front = "".join(f"{key}: {_single_line(value)}\n" for key, value in fields.items() if _single_line(value))
    body = text.replace("\r\n", "\n").strip("\n") + "\n"
    data = (f"---\n{front}---\n{body}" if front else body).encode("utf-8")
    stem = _UNSAFE.sub("-", unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii"))
    stem = stem.strip(".-_").lower()[:60] or "pasted"
    return NewArticle(f"{stem}-{hashlib.sha1(data).hexdigest()[:8]}.txt", data)


def _single_line(value: str) -> str:
    """A front-matter value: every run of whitespace and control characters one space."""
    return _BREAKS.sub(" ", value).strip()


def free_names(folder: Path, articles: Sequence[NewArticle]) -> list[str]:
    """The name each article is saved under in ``folder``: its safe name, with ``-2``, ``-3`` ... when taken.

    Raises UploadError for a file the folder already holds (same name, same bytes).
    """
    taken: set[str] = set()
    names = []
    for article in articles:
        wanted = safe_name(article.name)
        stem, suffix = os.path.splitext(wanted)
        name, number = wanted, 1
        while name.lower() in taken or (folder / name).exists():
            if (folder / name).is_file() and (folder / name).read_bytes() == article.data:
                raise UploadError(f"{one_line(article.name)}: already in the articles folder (as {name})")
            number += 1
            name = f"{stem}-{number}{suffix}"
        taken.add(name.lower())
        names.append(name)
    return names


def build_command(inputs: Sequence[Path], out: Path, *extra: str) -> list[str]:
    """``python -m dashboard build INPUTS --out OUT`` (with the folder's manifest when it has one)."""
    command = [sys.executable, "-m", "dashboard", "build", *map(str, inputs), "--out", str(out), *extra]
    for folder in inputs:
        if (folder / MANIFEST).is_file():
            command += ["--manifest", str(folder / MANIFEST)]
            break
    return command


def _run_build(command: list[str]) -> subprocess.CompletedProcess[str]:
    environ = dict(os.environ)  # the app's settings (serve puts every one there) reach the build as they are
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PACKAGE_ROOT), environ.get("PYTHONPATH", "")]))
    return subprocess.run(command, env=environ, capture_output=True, text=True, errors="replace",
                          stdin=subprocess.DEVNULL, check=False)


def _error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The build's own one-line error (``error: ...``), else its last line of output."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line.removeprefix("error: ") for line in lines if line.startswith("error: ")]
    return one_line(errors[-1] if errors else (lines[-1] if lines else f"exit code {result.returncode}"))


def not_read(stderr: str, names: Sequence[str]) -> list[str]:
    """``name: reason`` for each of ``names`` the build's summary says it skipped or passed over."""
    wanted = set(names)
    found = []
    for line in stderr.splitlines():
        match = _SUMMARY_LINE.match(line)
        if match:
            name = re.split(r"[\\/]", match.group(2))[-1]
            if name in wanted:
                found.append(f"{name}: {match.group(3)}")
    return found


def check_articles(articles: Sequence[NewArticle], names: Sequence[str], manifest: Path | None = None) -> None:
    """Build the new articles alone (under their new names) into a throw-away table; UploadError unless each is read."""
    with tempfile.TemporaryDirectory(prefix="dashboard-upload-") as scratch:
        staged = Path(scratch) / "articles"
        staged.mkdir()
        for article, name in zip(articles, names):
            (staged / name).write_bytes(article.data)
        extra = ["--no-cache", "--jobs", "1"]
        if manifest is not None:
            extra += ["--manifest", str(manifest)]
        result = _run_build([sys.executable, "-m", "dashboard", "build", str(staged), "--out",
                             str(Path(scratch) / "check.csv"), *extra])
        if result.returncode != 0:  # nothing read: the build's line, naming the files without the scratch folder
            line = _error_line(result).replace(str(staged) + os.sep, "").replace(str(staged), "the new files")
            raise UploadError(f"not added: {line}")
        bad = not_read(result.stderr, names)
        if bad:
            raise UploadError("not added: " + "; ".join(bad))


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """One addition at a time per folder (another session waits for its turn)."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def add_articles(articles: Sequence[NewArticle], table: Path, folder: Path,
                 progress: Progress = lambda fraction, text: None) -> Added:
    """Check, save and rebuild (see the module docstring); raises UploadError with nothing changed."""
    if not articles:
        raise UploadError("choose a file or paste a text first")
    if not folder.is_dir():
        raise UploadError(f"the articles folder {folder} does not exist (the 'articles' setting)")
    manifest = folder / MANIFEST if (folder / MANIFEST).is_file() else None
    with _folder_lock(folder):
        names = free_names(folder, articles)
        progress(0.1, f"checking {len(articles)} article(s)")
        check_articles(articles, names, manifest)
        saved: list[Path] = []
        try:
            progress(0.45, f"saving {len(articles)} article(s) into {folder}")
            for article, name in zip(articles, names):
                atomic_write_bytes(folder / name, article.data)
                saved.append(folder / name)
            progress(0.5, "rebuilding the table from every article of the folder")
            result = _run_build(build_command([folder], table))
            if result.returncode != 0:
                raise UploadError(f"not added: the rebuild failed: {_error_line(result)}")
        except BaseException:
            for path in saved:  # nothing else changes: the table was not replaced
                path.unlink(missing_ok=True)
            raise
    progress(1.0, "done")
    first = next((line for line in result.stderr.splitlines() if line.startswith("articles read")), "")
    return Added(tuple(names), one_line(first))
