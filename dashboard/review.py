"""Human review of report rows: a SQLite store of corrections, and the function that applies them.

In: a report table (:data:`dashboard.schema.COLUMNS`) and a :class:`ReviewStore` (SQLite in WAL
mode, by default ``<table>.review.sqlite3`` beside the table). Out: :func:`apply_reviews` gives the
same rows with the corrected values and the ``review`` column (unreviewed, verified, corrected,
rejected); :func:`export_csv` / :func:`import_csv` move the history between machines.

A row is named by its *report key* (:func:`report_keys`): a short hash of the article key, the
place words as written (``mention``), the evidence sentence, and the row's rank among the rows of
the same article sharing those three. None of these is ever corrected and none depends on other
articles, so the key survives a rebuild of the same articles (``incident_id`` does not: reconciling
gives a report the id of the incident it joins).

Nothing is overwritten: every correction is appended to ``history`` with who and when; ``current``
holds, per key, the fold of its history (each field's latest value, the latest state), rewritten in
the same transaction as the append. Writers take the lock first (``BEGIN IMMEDIATE``) and wait up
to :data:`BUSY_SECONDS` for it, so two writers at once lose nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

import numpy as np
import pandas as pd

from dashboard.errors import DashboardError
from dashboard.schema import (
    EVENT_TYPES,
    GEO_PRECISIONS,
    REVIEW_STATES,
    TOLL_KINDS,
    C,
    csv_cell,
    is_incident_table,
)

UNREVIEWED, VERIFIED, CORRECTED, REJECTED = "unreviewed", "verified", "corrected", "rejected"
assert tuple(REVIEW_STATES) == (UNREVIEWED, VERIFIED, CORRECTED, REJECTED)
#: Seconds a writer waits for another writer's lock before giving up.
BUSY_SECONDS = 15.0
#: The suffix of the default store beside a table.
SUFFIX = ".review.sqlite3"

#: The values a correction may set (all stored as text: NULL = not changed, "" = made empty).
PLACE_FIELDS: tuple[str, ...] = (C.location, C.latitude, C.longitude, C.geo_precision, C.admin1, C.country)
TOLL_FIELDS: tuple[str, ...] = tuple(f"{k}_{end}" for k in TOLL_KINDS for end in ("min", "max"))
FIELDS: tuple[str, ...] = PLACE_FIELDS + TOLL_FIELDS + (C.event_type, C.date, C.actor)
#: Columns of an exported file, in order.
EXPORT_COLUMNS: tuple[str, ...] = ("key", "at", "reviewer", "state", *FIELDS, "note")


class ReviewError(DashboardError, ValueError):
    """A correction, an import file or the review database cannot be used."""


@dataclass(frozen=True, slots=True)
class Correction:
    """One entry: who, about which row, the state it gives (None: corrected if it sets a value, else
    unchanged) and the values it sets (field -> text; "" empties a field)."""

    key: str
    reviewer: str
    state: str | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    note: str = ""


def default_path(table: str | Path) -> Path:
    """The store beside a table: ``data/incidents.csv`` -> ``data/incidents.csv.review.sqlite3``."""
    table = Path(table)
    return table.with_name(table.name + SUFFIX)


def store_path(table: str | Path, review_db: str = "") -> Path:
    """The ``review_db`` setting when given, else the default beside the table."""
    return Path(review_db) if review_db else default_path(table)


# --- keys ------------------------------------------------------------------------------------------


def report_keys(table: pd.DataFrame) -> pd.Series:
    """The stable report key of every row (see the module's docstring), aligned with ``table``.

    One SHA-1 per row of article, mention and evidence; the second and later rows sharing all three
    (rare) hash their rank onto it. About 0.15 s at 100,000 rows: the page computes it once per file.
    """
    base = [_base_key(a, m, e)
            for a, m, e in zip(table[C.article].tolist(), table[C.mention].tolist(), table[C.evidence].tolist())]
    keys = pd.Series(base, index=table.index, dtype=object)
    again = keys.duplicated(keep="first")
    if again.any():
        rank = keys.groupby(keys, sort=False).cumcount()
        keys[again] = [_ranked_key(k, r) for k, r in zip(keys[again], rank[again])]
    return keys


class KeysInOrder:
    """:func:`report_keys` of a table given a piece at a time (:meth:`of`), in table order, each
    article's rows together (as a build writes them): the rows an article repeats are ranked across
    the pieces its rows fall in."""

    def __init__(self) -> None:
        self._article: str | None = None
        self._seen: dict[str, int] = {}  # of the current article: how often each key was met

    def of(self, table: pd.DataFrame) -> pd.Series:
        keys = []
        for article, mention, evidence in zip(table[C.article].tolist(), table[C.mention].tolist(),
                                              table[C.evidence].tolist()):
            if article != self._article:
                self._article, self._seen = article, {}
            base = _base_key(article, mention, evidence)
            rank = self._seen.get(base, 0)
            self._seen[base] = rank + 1
            keys.append(base if rank == 0 else _ranked_key(base, rank))
        return pd.Series(keys, index=table.index, dtype=object)


def _base_key(article: str, mention: str, evidence: str) -> str:
    return hashlib.sha1(f"{article}\x1f{mention}\x1f{evidence}".encode("utf-8")).hexdigest()[:16]


def _ranked_key(base: str, rank: int) -> str:
    return hashlib.sha1(f"{base}\x1f{rank}".encode()).hexdigest()[:16]


# --- checking one correction ------------------------------------------------------------------------


def _number(name: str, text: str, low: float, high: float) -> None:
    try:
        value = float(text)
    except ValueError:
        raise ReviewError(f"{name}: {text!r} is not a number") from None
    if not (math.isfinite(value) and low <= value <= high):
        raise ReviewError(f"{name}: {text!r} is outside {low:g}..{high:g}")


def check(correction: Correction) -> Correction:
    """The correction with its values trimmed, or ReviewError naming the first unusable value."""
    if not correction.key.strip():
        raise ReviewError("a correction needs a report key")
    if not correction.reviewer.strip():
        raise ReviewError("a correction needs the reviewer's name")
    if correction.state is not None and correction.state not in REVIEW_STATES:
        raise ReviewError(f"state {correction.state!r} is not one of {', '.join(REVIEW_STATES)}")
    values = {name: str(text).strip() for name, text in correction.values.items()}
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise ReviewError(f"{unknown[0]!r} cannot be corrected (fields: {', '.join(FIELDS)})")
    for name, text in values.items():
        if text == "":
            continue
        if name == C.latitude:
            _number(name, text, -90, 90)
        elif name == C.longitude:
            _number(name, text, -180, 180)
        elif name in TOLL_FIELDS:
            if not (text.isascii() and text.isdigit()):
                raise ReviewError(f"{name}: {text!r} is not a whole number of 0 or more")
        elif name == C.event_type and text not in EVENT_TYPES:
            raise ReviewError(f"event_type: {text!r} is not one of {', '.join(EVENT_TYPES)}")
        elif name == C.geo_precision and text not in GEO_PRECISIONS:
            raise ReviewError(f"geo_precision: {text!r} is not one of {', '.join(GEO_PRECISIONS)}")
        elif name == C.date:
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                raise ReviewError(f"date: {text!r} is not a date written YYYY-MM-DD") from None
    if (C.latitude in values) != (C.longitude in values) or (
            C.latitude in values and (values[C.latitude] == "") != (values[C.longitude] == "")):
        raise ReviewError("latitude and longitude must be given together")
    for kind in TOLL_KINDS:
        low, high = values.get(f"{kind}_min", ""), values.get(f"{kind}_max", "")
        if low and high and int(low) > int(high):
            raise ReviewError(f"{kind}_min {low} is greater than {kind}_max {high}")
    return Correction(correction.key.strip(), correction.reviewer.strip(), correction.state, values,
                      correction.note.strip())


# --- the store --------------------------------------------------------------------------------------

_FIELD_COLUMNS = ", ".join(f"{name} TEXT" for name in FIELDS)
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL, at TEXT NOT NULL, reviewer TEXT NOT NULL, state TEXT,
    {_FIELD_COLUMNS}, note TEXT NOT NULL DEFAULT '',
    UNIQUE (key, at, reviewer)
);
CREATE INDEX IF NOT EXISTS history_key ON history (key, at, id);
CREATE TABLE IF NOT EXISTS current (
    key TEXT PRIMARY KEY, at TEXT NOT NULL, reviewer TEXT NOT NULL, state TEXT NOT NULL,
    {_FIELD_COLUMNS}, note TEXT NOT NULL DEFAULT ''
);
"""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


class ReviewStore:
    """The corrections of one table. Opening a missing file creates it only when ``create`` is True."""

    def __init__(self, path: str | Path, create: bool = True) -> None:
        self.path = Path(path)
        self._create = create

    def exists(self) -> bool:
        return self.path.is_file()

    @contextmanager
    def _connect(self, write: bool) -> Iterator[sqlite3.Connection]:
        if not write and not self.exists():
            raise ReviewError(f"{self.path} does not exist")
        if write and not self.exists() and not self._create:
            raise ReviewError(f"{self.path} does not exist")
        try:
            connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        except sqlite3.Error as err:
            raise ReviewError(f"{self.path} cannot be opened ({err})") from err
        with closing(connection):
            try:
                connection.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
                if write:
                    connection.execute("PRAGMA journal_mode = WAL")
                    connection.execute("BEGIN IMMEDIATE")
                    for statement in filter(str.strip, _SCHEMA.split(";")):
                        connection.execute(statement)
                yield connection
                if write:
                    connection.execute("COMMIT")
            except sqlite3.DatabaseError as err:
                _rollback(connection)
                raise ReviewError(f"{self.path} is not a usable review database ({err})") from err
            except BaseException:
                _rollback(connection)
                raise

    def add(self, correction: Correction, at: str | None = None) -> None:
        """Append one correction (checked first) and refold its key's current state, in one transaction."""
        entry = check(correction)
        with self._connect(write=True) as db:
            self._append(db, entry, at or _now())
            self._refold(db, [entry.key])

    def add_many(self, corrections: list[tuple[Correction, str]]) -> int:
        """Append (correction, at) pairs in one transaction (all or nothing); entries already there are
        skipped. Returns how many were new."""
        entries = [(check(c), at) for c, at in corrections]
        with self._connect(write=True) as db:
            before = db.total_changes
            for entry, at in entries:
                self._append(db, entry, at)
            added = db.total_changes - before
            self._refold(db, sorted({e.key for e, _ in entries}))
        return added

    @staticmethod
    def _append(db: sqlite3.Connection, entry: Correction, at: str) -> None:
        names = ["key", "at", "reviewer", "state", *entry.values, "note"]
        values = [entry.key, at, entry.reviewer, entry.state, *entry.values.values(), entry.note]
        db.execute(f"INSERT OR IGNORE INTO history ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                   values)

    @staticmethod
    def _refold(db: sqlite3.Connection, keys: list[str]) -> None:
        columns = ["at", "reviewer", "state", *FIELDS, "note"]
        for key in keys:
            state: dict[str, Any] = {"state": UNREVIEWED, "note": ""}
            rows = db.execute(f"SELECT {', '.join(columns)} FROM history WHERE key = ? ORDER BY at, id", (key,))
            for row in rows:
                entry = dict(zip(columns, row))
                sets = any(entry[name] is not None for name in FIELDS)
                state["at"], state["reviewer"] = entry["at"], entry["reviewer"]
                state["state"] = entry["state"] or (CORRECTED if sets else state["state"])
                state.update({name: entry[name] for name in FIELDS if entry[name] is not None})
                if entry["note"]:
                    state["note"] = entry["note"]
            if "at" not in state:
                continue
            names = ["key", *state]
            db.execute(f"INSERT OR REPLACE INTO current ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                       [key, *state.values()])

    def version(self) -> str:
        """Changes whenever an entry is added ("" when there is no store): a cache key for the page."""
        if not self.exists():
            return ""
        with self._connect(write=False) as db:
            count, last = db.execute("SELECT count(*), max(id) FROM history").fetchone()
        return f"{self.path.resolve()}:{count}:{last}"

    def current(self) -> pd.DataFrame:
        """The current state per key: key, at, reviewer, state, the fields (None = not corrected), note."""
        columns = ["key", "at", "reviewer", "state", *FIELDS, "note"]
        if not self.exists():
            return pd.DataFrame(columns=columns)
        with self._connect(write=False) as db:
            _check_tables(db, self.path)
            rows = db.execute(f"SELECT {', '.join(columns)} FROM current").fetchall()
        return pd.DataFrame(rows, columns=columns)

    def history(self, key: str | None = None) -> pd.DataFrame:
        """Every entry (of one key, or all), oldest first, with the columns of :data:`EXPORT_COLUMNS`."""
        if not self.exists():
            return pd.DataFrame(columns=list(EXPORT_COLUMNS))
        where, args = ("WHERE key = ?", (key,)) if key is not None else ("", ())
        with self._connect(write=False) as db:
            _check_tables(db, self.path)
            rows = db.execute(f"SELECT {', '.join(EXPORT_COLUMNS)} FROM history {where} ORDER BY at, id",
                              args).fetchall()
        return pd.DataFrame(rows, columns=list(EXPORT_COLUMNS))


def _rollback(connection: sqlite3.Connection) -> None:
    try:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
    except sqlite3.Error:
        pass  # closing the connection rolls back what is left


def _check_tables(db: sqlite3.Connection, path: Path) -> None:
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"history", "current"} <= names:
        raise ReviewError(f"{path} is not a review database (no history table)")


# --- applying ---------------------------------------------------------------------------------------


def apply_reviews(table: pd.DataFrame, store: ReviewStore | pd.DataFrame,
                  keys: pd.Series | None = None) -> pd.DataFrame:
    """A report table with the current corrections applied and its ``review`` column set.

    ``store`` may also be its :meth:`ReviewStore.current` frame, and ``keys`` the table's
    :func:`report_keys` (computed here when not given). Vectorised: the corrections' keys are looked
    up among the table's once, then each corrected column is copied and written at those positions;
    ``table`` itself is never changed. An incident table (several reports joined) is returned as it is.
    """
    current = store.current() if isinstance(store, ReviewStore) else store
    if is_incident_table(table):
        return table
    out = table.copy(deep=False)
    review = np.full(len(out), UNREVIEWED, dtype=object)
    if current.empty or out.empty:
        out[C.review] = review
        return out
    keys = report_keys(out) if keys is None else keys
    where = pd.Index(keys).get_indexer(current["key"].to_numpy())
    found = where >= 0
    rows, current = where[found], current[found]
    review[rows] = current["state"].to_numpy(dtype=object)
    out[C.review] = review
    if not found.any():
        return out
    for name in FIELDS:
        given = current[name].notna().to_numpy()
        if not given.any():
            continue
        text = pd.Series(current[name].to_numpy(dtype=object)[given], dtype="string").replace("", pd.NA)
        column = out[name].copy()
        if pd.api.types.is_datetime64_any_dtype(column):
            values: Any = pd.to_datetime(text, format="ISO8601").to_numpy()
        elif isinstance(column.dtype, pd.Int64Dtype):
            values = pd.to_numeric(text).astype("Int64").array
        elif pd.api.types.is_float_dtype(column):
            values = pd.to_numeric(text).astype("float64").to_numpy()
        else:
            values = text.fillna("").to_numpy(dtype=object)
        column.iloc[rows[given]] = values
        out[name] = column
    # a corrected date is a day (or none); a moved point with no precision is the place itself
    dated = rows[current[C.date].notna().to_numpy()]
    if len(dated):
        precision = out[C.date_precision].copy()
        precision.iloc[dated] = np.where(out[C.date].iloc[dated].isna(), "unknown", "day")
        out[C.date_precision] = precision
    moved = rows[current[C.latitude].notna().to_numpy()]
    if len(moved):
        precision = out[C.geo_precision].copy()
        has_point = out[C.latitude].iloc[moved].notna().to_numpy()
        empty = (precision.iloc[moved] == "").to_numpy()
        precision.iloc[moved[has_point & empty]] = "place"
        precision.iloc[moved[~has_point]] = ""
        out[C.geo_precision] = precision
    return out


def apply_stored(table: pd.DataFrame, table_path: str | Path, review_db: str = "") -> pd.DataFrame:
    """:func:`apply_reviews` with the store of a table (none yet: every row unreviewed; nothing created)."""
    return apply_reviews(table, ReviewStore(store_path(table_path, review_db), create=False))


# --- moving corrections between machines ------------------------------------------------------------


def export_csv(store: ReviewStore) -> bytes:
    """The whole history as CSV (:data:`EXPORT_COLUMNS`; empty cell = not changed, ``""`` kept as the
    two characters ``""`` would not survive spreadsheets, so a cleared field is written ``-``)."""
    history = store.history()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in history.itertuples(index=False, name=None):
        cells = []
        for name, value in zip(EXPORT_COLUMNS, row):
            if value is None:
                cells.append("")
            elif name in FIELDS and value == "":
                cells.append(CLEARED)
            else:
                cells.append(csv_cell(str(value)) if name in ("reviewer", "note", C.location, C.admin1, C.country,
                                                              C.actor) else str(value))
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


#: How an exported file writes "this field was made empty".
CLEARED = "-"


def read_export(data: bytes, name: str = "file") -> list[tuple[Correction, str]]:
    """An exported file -> (correction, at) pairs; ReviewError naming the first bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ReviewError(f"{name} is not UTF-8 text ({err.reason} at byte {err.start})") from err
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != EXPORT_COLUMNS:
        raise ReviewError(f"{name}: the first line must be the columns {','.join(EXPORT_COLUMNS)}")
    out = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(EXPORT_COLUMNS):
            raise ReviewError(f"{name} line {line}: {len(cells)} cells, expected {len(EXPORT_COLUMNS)}")
        row = dict(zip(EXPORT_COLUMNS, cells))
        try:
            at = dt.datetime.fromisoformat(row["at"]).isoformat(timespec="microseconds")
        except ValueError:
            raise ReviewError(f"{name} line {line}: at {row['at']!r} is not an ISO 8601 time") from None
        values = {f: ("" if row[f] == CLEARED else _unquote(row[f])) for f in FIELDS if row[f] != ""}
        correction = Correction(row["key"], _unquote(row["reviewer"]), row["state"] or None, values,
                                _unquote(row["note"]))
        try:
            out.append((check(correction), at))
        except ReviewError as err:
            raise ReviewError(f"{name} line {line}: {err}") from err
    return out


def _unquote(text: str) -> str:
    """Undo the formula guard of the export (a leading ``'`` before a formula character)."""
    return text[1:] if text.startswith("'") and csv_cell(text[1:]) == text else text


def import_csv(store: ReviewStore, data: bytes, name: str = "file") -> int:
    """Add every entry of an exported file in one transaction (a bad file adds nothing); returns the
    number of new entries (entries already in the store are skipped)."""
    return store.add_many(read_export(data, name))
