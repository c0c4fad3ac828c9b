"""THE incident record and table schema: the one definition of a row.

The pipeline produces :class:`Incident` records, :func:`to_frame` turns them into a table,
:func:`validate` checks a table (every problem at once, like pandera's lazy validation),
:func:`write_table` writes it atomically and :func:`read_table` reads and validates it for the app.
Column names are never typed as bare strings elsewhere: use the ``Incident`` fields or ``COLUMNS``.

A report table (``build --out``) has :data:`COLUMNS`; an incident table (``build --incidents``)
has :data:`INCIDENT_COLUMNS`, the same plus ``sources``. Both end with ``review`` (:data:`REVIEW_COLUMN`),
which :func:`validate` adds as ``unreviewed`` to a table written without it.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import math
import operator
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from dashboard.errors import SchemaError
from dashboard.files import atomic_write_bytes
from dashboard.pickling import as_values

#: Event types, with what each means (documented in README).
EVENT_TYPES: dict[str, str] = {
    "armed attack": "an assault by gunmen or militants on people, buildings or positions",
    "bombing/explosion": "a bomb, IED, car or suicide bombing, or another explosion on the ground",
    "air or missile strike": "an air strike, drone strike, missile, rocket, shelling or mortar fire",
    "clash": "fighting between armed groups or forces, battles, sieges, ambushes answered",
    "capture/arrest": "people captured, arrested, detained, abducted or taken prisoner",
    "execution/killing": "people executed, hanged, beheaded, shot dead or killed outside fighting",
    "other": "violence with a toll that fits none of the above",
    "mention": "a place the article names with nothing reported there (so it can still be found)",
}

#: What the point of a row stands for.
GEO_PRECISIONS: dict[str, str] = {
    "place": "the point is the place itself",
    "town": "the point is the town that contains the place (a neighbourhood, street or site "
    "without coordinates of its own, or a name the geocoder could not find)",
    "region": "the point is a wider region: the province or country the place is in",
}

#: How exact ``date`` is.
DATE_PRECISIONS: dict[str, str] = {
    "day": "the day itself is stated or follows from the publication date",
    "week": "only the week is known (e.g. 'last week')",
    "month": "only the month is known",
    "unknown": "no date could be found; ``date`` is empty",
}

TOLL_KINDS = ("killed", "injured", "captured")


@as_values  # rows cross from workers and go to disk past a budget
@dataclass(frozen=True, slots=True)
class Incident:
    """One row: one incident an article reports at one place (or one place it only mentions)."""

    incident_id: str
    date: dt.date | None
    date_precision: str
    location: str
    mention: str
    admin1: str
    country: str
    country_code: str
    latitude: float | None
    longitude: float | None
    geo_precision: str
    event_type: str
    killed_min: int | None
    killed_max: int | None
    injured_min: int | None
    injured_max: int | None
    captured_min: int | None
    captured_max: int | None
    actor: str
    source: str
    source_url: str
    article: str
    title: str
    published: dt.date | None
    evidence: str


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the table: its name, kind and what it means."""

    name: str
    kind: str  # "text" | "int" | "float" | "date"
    description: str
    required: bool = False  # may not be empty


_DESCRIPTIONS: dict[str, tuple[str, str, bool]] = {
    "incident_id": ("text", "Stable id of the incident this row reports (the same input gives the same id).", True),
    "date": ("date", "Day the incident happened (ISO 8601), relative words resolved against `published`.", False),
    "date_precision": ("text", "How exact `date` is: day, week, month or unknown.", True),
    "location": ("text", "The resolved place name (gazetteer or geocoder).", False),
    "mention": ("text", "The place as the article writes it (empty: an incident whose place the text does not give).", False),
    "admin1": ("text", "Province, state or governorate of the place.", False),
    "country": ("text", "Country name.", False),
    "country_code": ("text", "ISO 3166-1 alpha-2 country code.", False),
    "latitude": ("float", "WGS84 latitude of the point (see `geo_precision`).", False),
    "longitude": ("float", "WGS84 longitude of the point.", False),
    "geo_precision": ("text", "What the point stands for: place, town (the town containing it) or region.", False),
    "event_type": ("text", "One of the event types below; `mention` for a place named with nothing reported.", True),
    "killed_min": ("int", "Lowest number killed the text supports (empty: no figure).", False),
    "killed_max": ("int", "Highest number killed the text supports (empty: no upper bound given).", False),
    "injured_min": ("int", "Lowest number injured.", False),
    "injured_max": ("int", "Highest number injured.", False),
    "captured_min": ("int", "Lowest number captured, arrested or abducted.", False),
    "captured_max": ("int", "Highest number captured, arrested or abducted.", False),
    "actor": ("text", "Who did it, as the text names them (empty when not said).", False),
    "source": ("text", "Publisher of the report (manifest, front matter or the text's own 'Source:' line).", False),
    "source_url": ("text", "Address of the report, when known.", False),
    "article": ("text", "Key of the article the row comes from: its path below the input folder it was found in, or its file name (see 'Building the table').", True),
    "title": ("text", "Headline of the article.", False),
    "published": ("date", "Publication date of the article (ISO 8601).", False),
    "evidence": ("text", "The sentence the row was read from.", True),
}

SCHEMA: tuple[Column, ...] = tuple(
    Column(f.name, *_DESCRIPTIONS[f.name]) for f in dataclasses.fields(Incident)
)
COLUMNS: tuple[str, ...] = tuple(c.name for c in SCHEMA)

#: The extra column of an incident table (several reports reconciled into one incident).
SOURCES_COLUMN = Column("sources", "int", "Incident tables only: how many reports (sources) the incident joins; "
                        "`source` then lists their names joined with '; '.", True)
INCIDENT_SCHEMA: tuple[Column, ...] = SCHEMA + (SOURCES_COLUMN,)
INCIDENT_COLUMNS: tuple[str, ...] = tuple(c.name for c in INCIDENT_SCHEMA)

#: What a human reviewer said about a row (see 'Reviewing rows' in README).
REVIEW_STATES: dict[str, str] = {
    "unreviewed": "nobody has reviewed the row yet",
    "verified": "a reviewer checked the row and found it right",
    "corrected": "a reviewer corrected some of its values (the table holds the corrected values)",
    "rejected": "a reviewer found the row wrong (the page hides it unless the review filter shows it)",
}
#: The last column of every table a build writes: the review state (a table without it reads as unreviewed).
REVIEW_COLUMN = Column("review", "text", "Review state: unreviewed, verified, corrected or rejected "
                       "(see 'Reviewing rows'); a table written without it reads as unreviewed.", True)

#: Column names as attributes (``C.killed_min``), so code never spells a column name as a bare string.
C = SimpleNamespace(**{name: name for name in INCIDENT_COLUMNS + (REVIEW_COLUMN.name,)})

TOLL_COLUMNS: tuple[str, ...] = tuple(f"{k}_{end}" for k in TOLL_KINDS for end in ("min", "max"))
_COLUMN_BY_NAME = {c.name: c for c in INCIDENT_SCHEMA + (REVIEW_COLUMN,)}

#: First visible characters a spreadsheet reads as a formula (OWASP CSV injection), with their
#: full-width forms, which some spreadsheets take for the same.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: Characters a text cell never holds: every C0 and C1 control (tab, line feed and carriage return
#: included), DEL, and the Unicode line and paragraph separators. Some reader takes each of them for
#: the end of a record or a field, or shows nothing; a run of them becomes one space.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
#: Unicode categories that may draw nothing before a cell's first visible character (unassigned,
#: private-use and surrogate code points included: a reader may skip or blank them).
_INVISIBLE = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zs", "Zl", "Zp"})


def is_incident_table(frame: pd.DataFrame) -> bool:
    """True for a reconciled incident table (it has ``sources``), False for a report table."""
    return SOURCES_COLUMN.name in frame.columns


#: A record -> its cells, a tuple in :data:`COLUMNS` order (what :func:`frame_of_cells` takes).
cells_of = operator.attrgetter(*COLUMNS)

#: A row as its cells (:data:`cells_of`), each under its :class:`Incident` field's name: what the
#: article cache gives back, made without the record's constructor (which sets each of its fields
#: in turn); reconciling and the explanations read its fields as they read a record's.
IncidentCells = collections.namedtuple("IncidentCells", COLUMNS)  # type: ignore[misc]


def cells_of_row(row: Incident | tuple[Any, ...]) -> tuple[Any, ...]:
    """:data:`cells_of` of a record; a row given as its cells (:data:`IncidentCells`) is its cells."""
    return row if isinstance(row, tuple) else cells_of(row)


def to_frame(records: Iterable[Incident]) -> pd.DataFrame:
    """Records -> a table with the schema's column order and dtypes."""
    return frame_of_cells(list(map(cells_of, records)))


def frame_of_cells(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """The table of records given as their cells (:data:`cells_of`), with the schema's column order
    and dtypes: its columns made by transposing the tuples (no two-dimensional block of every cell
    to split again)."""
    if not rows:
        return coerce(pd.DataFrame(columns=list(COLUMNS)))
    return _coerced(pd.DataFrame(dict(zip(COLUMNS, map(list, zip(*rows, strict=True)))), copy=False))


def frame_of_cell_columns(rows: list[tuple[Any, ...]], names: Sequence[str]) -> pd.DataFrame:
    """Some columns (``names``) of :func:`frame_of_cells`'s table, as it would give them."""
    return _coerced(pd.DataFrame({name: [row[at] for row in rows] for name, at in
                                  zip(names, map(COLUMNS.index, names))}, copy=False))


def from_frame(frame: pd.DataFrame) -> list[Incident]:
    """A validated table -> records (the inverse of :func:`to_frame`)."""
    out = []
    for row in frame[list(COLUMNS)].itertuples(index=False, name=None):
        values = [_python_value(_COLUMN_BY_NAME[name], v) for name, v in zip(COLUMNS, row)]
        out.append(Incident(*values))
    return out


def _python_value(column: Column, value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return "" if column.kind == "text" else None
    if column.kind == "int":
        return int(value)
    if column.kind == "float":
        return float(value)
    if column.kind == "date":
        return value.date() if isinstance(value, pd.Timestamp) else value
    return str(value)


def coerce(frame: pd.DataFrame) -> pd.DataFrame:
    """Give every known column its dtype: text -> str ('' for empty), int -> Int64, date -> datetime64.

    Values that cannot be converted are left for :func:`validate` to report (as NaN/NaT markers
    are indistinguishable from empties, conversion errors are collected by ``validate`` first).
    """
    return _coerced(frame.copy())


def _coerced(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`coerce` in place, on a frame of the caller's own."""
    for name in frame.columns:
        column = _COLUMN_BY_NAME.get(name)
        if column is None or _has_kind(frame[name], column.kind):
            continue
        series = frame[name]
        if column.kind == "text":
            text = series.astype("string").fillna("")
            if _has_controls(text.tolist()):
                text = text.str.replace(_CONTROLS, " ", regex=True)
            frame[name] = text.astype(object)
        elif column.kind == "int":
            frame[name] = pd.to_numeric(series, errors="coerce").astype("Float64").round().astype("Int64")
        elif column.kind == "float":
            frame[name] = pd.to_numeric(series, errors="coerce").astype("float64")
        elif column.kind == "date":
            days = _days(series)
            frame[name] = days if days is not None else pd.to_datetime(series.astype("string").fillna(""),
                                                                        errors="coerce", format="ISO8601")
    return frame


#: Whole numbers a float64 holds exactly: an Int64 column within them comes out of :func:`coerce` as it went in.
_EXACT_INT = 2**53


def _has_kind(series: pd.Series, kind: str) -> bool:
    """True when :func:`coerce` would give ``series`` back as it is: the column already has its
    dtype (text: every cell a string, none holding a control character)."""
    dtype = series.dtype
    if kind == "text":
        return (dtype == object and pd.api.types.infer_dtype(series, skipna=False) == "string"
                and not _has_controls(series.tolist()))
    if kind == "int":
        return isinstance(dtype, pd.Int64Dtype) and not bool((series.abs() > _EXACT_INT).any())
    if kind == "float":
        return dtype == np.float64
    return dtype == np.dtype("datetime64[ns]")


#: The days a datetime64[ns] holds (from midnight), as proleptic ordinals: other days read as no date.
_FIRST_DAY, _LAST_DAY = dt.date(1677, 9, 22).toordinal(), dt.date(2262, 4, 11).toordinal()
_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()


def _days(series: pd.Series) -> pd.Series | None:
    """A column of ``datetime.date`` values (or None), as a record's dates are, made datetime64 from
    their day numbers: what parsing their ISO text gives, without the text. None for other columns."""
    values = series.tolist()
    if not set(map(type, values)) <= {dt.date, type(None)}:
        return None
    days = np.array([0 if value is None else value.toordinal() for value in values], dtype=np.int64)
    held = (days >= _FIRST_DAY) & (days <= _LAST_DAY)
    out = np.full(len(days), np.datetime64("NaT"), dtype="datetime64[ns]")
    out[held] = (days[held] - _EPOCH_DAY).astype("datetime64[D]")
    return pd.Series(out, index=series.index)


def _has_controls(values: list[str]) -> bool:
    """True when a cell of a text column holds a character of :data:`_CONTROLS`: one scan of the
    column, not a search per cell (``str.isprintable`` first: it is false for every such
    character, and several times faster than the search on the text most columns hold)."""
    joined = "".join(values)
    return not joined.isprintable() and _CONTROLS.search(joined) is not None


def _conversion_problems(frame: pd.DataFrame) -> list[str]:
    problems = []
    for name in frame.columns:
        column = _COLUMN_BY_NAME.get(name)
        if column is None or column.kind == "text":
            continue
        raw = frame[name]
        if column.kind == "date" and pd.api.types.is_datetime64_any_dtype(raw):
            continue
        if column.kind != "date" and pd.api.types.is_numeric_dtype(raw):
            bad = raw.notna() & np.isinf(raw.astype("float64"))  # one vector test, not a call per value
        else:
            text = raw.astype("string").fillna("").str.strip()
            if column.kind == "date":
                parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
            else:
                parsed = pd.to_numeric(text, errors="coerce")
            bad = (text != "") & parsed.isna()
        if column.kind == "int" and not bad.any():
            numbers = pd.to_numeric(raw, errors="coerce")
            bad = numbers.notna() & (numbers != numbers.round())
        if bad.any():
            first = raw[bad].iloc[0]
            problems.append(f"column {name}: {int(bad.sum())} value(s) are not {column.kind} (e.g. {first!r})")
    return problems


def validate(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a table against the schema and return it coerced; raise :class:`SchemaError` listing every problem."""
    expected = (INCIDENT_COLUMNS if is_incident_table(frame) else COLUMNS) + (REVIEW_COLUMN.name,)
    if REVIEW_COLUMN.name not in frame.columns:
        frame = frame.assign(**{REVIEW_COLUMN.name: "unreviewed"})
    missing = [c for c in expected if c not in frame.columns]
    if missing:
        raise SchemaError([f"missing column(s): {', '.join(missing)}"])
    selected = frame[list(expected)]  # a frame of its own (columns are only replaced in it, never changed)
    problems = _conversion_problems(selected)
    table = _coerced(selected)
    problems += _value_problems(table)
    if problems:
        raise SchemaError(problems)
    table.index = pd.RangeIndex(len(table))  # reset_index(drop=True), without copying the columns
    return table


@dataclass(frozen=True, slots=True)
class Validated:
    """A table :func:`validate` has passed, as it returned it: :func:`table_chunks` (and
    :func:`table_bytes`, :func:`write_table`) write it without checking it again. Its frame is
    not to be changed afterwards (make a new :func:`validated` table instead)."""

    frame: pd.DataFrame


def validated(frame: pd.DataFrame) -> Validated:
    """:func:`validate` once, for steps that then trust the table (a build writes what it checked)."""
    return Validated(validate(frame))


def _value_problems(table: pd.DataFrame) -> list[str]:
    problems: list[str] = []

    def check(mask: pd.Series, message: str) -> None:
        if bool(mask.any()):
            rows = ", ".join(str(i + 2) for i in list(mask[mask].index[:3]))  # +2: header line, 1-based
            problems.append(f"{message} ({int(mask.sum())} row(s), first at line {rows})")

    for column in INCIDENT_SCHEMA + (REVIEW_COLUMN,):
        if column.required and column.name in table.columns:
            values = table[column.name]
            empty = values.isna() if column.kind != "text" else _blank(values)
            check(empty, f"column {column.name} is empty")
    for name, allowed in (("event_type", EVENT_TYPES), ("date_precision", DATE_PRECISIONS),
                          (REVIEW_COLUMN.name, REVIEW_STATES)):
        check(~table[name].isin(list(allowed)), f"column {name} has a value outside {sorted(allowed)}")
    has_point = table["latitude"].notna() & table["longitude"].notna()
    check(table["latitude"].notna() != table["longitude"].notna(), "latitude and longitude must be given together")
    check(has_point & ~table["geo_precision"].isin(list(GEO_PRECISIONS)),
          f"column geo_precision must be one of {sorted(GEO_PRECISIONS)} where there is a point")
    check(table["latitude"].notna() & ~table["latitude"].between(-90, 90), "latitude outside -90..90")
    check(table["longitude"].notna() & ~table["longitude"].between(-180, 180), "longitude outside -180..180")
    for kind in TOLL_KINDS:
        low, high = table[f"{kind}_min"], table[f"{kind}_max"]
        check((low < 0).fillna(False) | (high < 0).fillna(False), f"{kind} figures must not be negative")
        check((low > high).fillna(False), f"{kind}_min is greater than {kind}_max")
    check(table["date"].isna() & (table["date_precision"] != "unknown"), "date is empty but date_precision is not 'unknown'")
    if "sources" in table.columns:
        check((table["sources"] < 1).fillna(False), "sources must be at least 1")
    return problems


def _blank(text: pd.Series) -> pd.Series:
    """Cells of a coerced text column (every cell a string) that are empty or white space only."""
    return pd.Series([not value or value.isspace() for value in text.tolist()], index=text.index, dtype=bool)


def clean_text(value: str) -> str:
    """``value`` with every run of control characters and line or paragraph separators made one space."""
    return _CONTROLS.sub(" ", value)


def first_visible(value: str) -> str:
    """The first character of ``value`` that is not whitespace, a control or a format character ('' if none)."""
    for char in value:
        if not char.isspace() and unicodedata.category(char) not in _INVISIBLE:
            return char
    return ""


def neutralise_formula(value: Any) -> Any:
    """Prefix text a spreadsheet would run as a formula with ``'`` (OWASP); numbers pass unchanged.

    A formula is text whose first visible character (after any whitespace, control or format
    character) is one of :data:`FORMULA_TRIGGERS`.
    """
    if isinstance(value, str) and first_visible(value) in FORMULA_TRIGGERS:
        return "'" + value
    return value


def csv_cell(value: Any) -> Any:
    """A text value as a CSV cell: controls normalised (:func:`clean_text`), then formulas neutralised."""
    return neutralise_formula(clean_text(value)) if isinstance(value, str) else value


#: A cell (each after the line feed put before it) whose first character is neither a letter, a digit
#: nor '_': only such a cell may be a formula.
_ODD_START = re.compile(r"\n[^\w\n]")


def _csv_text(values: list[Any], checked: bool = False) -> list[Any]:
    """:func:`csv_cell` over a column. Most cells start with a letter or digit (a word character:
    visible, no formula trigger) and hold no control character: those are passed as they are, and a
    column of such cells is passed whole after one scan of its text. ``checked``: the column is a
    text column of a validated table (every cell a string, no control character in any)."""
    if checked or set(map(type, values)) <= {str}:
        if not checked and _has_controls(values):
            return [csv_cell(value) for value in values]
        if _ODD_START.search("\n" + "\n".join(values)) is None:
            return values
        return [value if not value or value[0].isalnum() else neutralise_formula(value) for value in values]
    if not _has_controls([v for v in values if isinstance(v, str)]):
        return [value if not isinstance(value, str) or not value or value[0].isalnum() else csv_cell(value)
                for value in values]
    return [csv_cell(value) for value in values]


def _iso_dates(series: pd.Series) -> pd.Series:
    """A date column as ``YYYY-MM-DD`` text ('' for none)."""
    if series.dtype == np.dtype("datetime64[ns]"):  # numpy's own formatting, not a strftime per cell
        values = series.to_numpy()
        text = np.datetime_as_string(values, unit="D").astype(object)
        text[np.isnat(values)] = ""
        return pd.Series(text, index=series.index, dtype=object)
    return series.dt.strftime("%Y-%m-%d").fillna("")


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV, ISO dates, text cells through :func:`csv_cell` (one line per record, no formulas).

    ``dashboard build`` and the page's download both write CSV through this one function.
    """
    return _csv_bytes(frame, checked=False)


def _csv_bytes(frame: pd.DataFrame, checked: bool) -> bytes:
    """:func:`to_csv_bytes`; ``checked``: ``frame`` is (a slice of) a validated table, whose text
    columns hold strings without control characters (:func:`coerce` made them so)."""
    out = frame.copy(deep=False)  # every column changed here is a new one: ``frame`` stays as it is
    for name in out.columns:
        column = _COLUMN_BY_NAME.get(name)
        kind = column.kind if column else ("text" if out[name].dtype == object else "other")
        if kind == "date":
            out[name] = _iso_dates(out[name])
        elif kind == "text":
            values = out[name].tolist()
            cells = _csv_text(values, checked and column is not None)
            if cells is not values:  # else the column is written as it is
                out[name] = pd.Series(cells, index=out.index, dtype=object)
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def csv_lines(frame: pd.DataFrame) -> tuple[str, list[str]]:
    """A validated table's CSV (:func:`to_csv_bytes`) as its header and its lines, one a row (a
    validated table's text cells hold no line break), without their line feeds."""
    lines = _csv_bytes(frame, checked=True).decode("utf-8").split("\n")
    return lines[0], lines[1:-1]


#: Rows of a table written at a time: CSV lines appended, one Parquet row group each.
CHUNK_ROWS = 50_000


def table_bytes(frame: pd.DataFrame | Validated, path: str | Path) -> bytes:
    """Validate a table (unless it is :class:`Validated`) and give the bytes of its file: ``.parquet``
    as Parquet, anything else as CSV."""
    return b"".join(table_chunks(frame, path))


def table_chunks(frame: pd.DataFrame | Validated, path: str | Path) -> Iterator[bytes]:
    """:func:`table_bytes` in pieces of CHUNK_ROWS rows, validated (unless it is :class:`Validated`)
    when the first is taken: the bytes of the whole file are never in memory at once (a build
    writes them to its temporary file)."""
    table = frame.frame if isinstance(frame, Validated) else validate(frame)
    starts = range(0, max(len(table), 1), CHUNK_ROWS)
    yield from pieces_chunks((table.iloc[start:start + CHUNK_ROWS] for start in starts), path)


def pieces_chunks(pieces: Iterable[pd.DataFrame], path: str | Path) -> Iterator[bytes]:
    """The bytes of one table file made of ``pieces``, validated frames of the same columns taken
    one after the other (a row group of Parquet each; CSV lines, the header once): what
    :func:`table_chunks` writes of a whole table, for a writer that never holds the whole table
    (:mod:`dashboard.preprocess.outputs`). There must be at least one piece (it may have no rows)."""
    if Path(path).suffix.lower() == ".parquet":
        yield from _parquet_chunks(pieces)
        return
    for number, piece in enumerate(pieces):
        data = _csv_bytes(piece, checked=True)
        yield data if number == 0 else data[data.index(b"\n") + 1:]  # the header once


class _Sink:
    """A write-only file for pyarrow that hands over what was written so far (:meth:`take`)."""

    closed = False

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.pieces.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        data, self.pieces = b"".join(self.pieces), []
        return data


def _parquet_chunks(pieces: Iterable[pd.DataFrame]) -> Iterator[bytes]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = _Sink()
    writer = None
    try:
        for piece in pieces:
            if writer is None:
                # every piece has the schema's dtypes (text columns hold strings): the first one's types are all's
                schema = pa.Schema.from_pandas(piece, preserve_index=False)
                writer = pq.ParquetWriter(sink, schema)
            writer.write_table(pa.Table.from_pandas(piece, schema=schema, preserve_index=False))
            yield sink.take()
    finally:
        if writer is not None:
            writer.close()
    yield sink.take()


def write_table(frame: pd.DataFrame | Validated, path: str | Path) -> Path:
    """Validate and write a table atomically (:func:`table_bytes`); OutputError when it cannot be written."""
    path = Path(path)
    atomic_write_bytes(path, table_bytes(frame, path))
    return path


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV or Parquet table that ``dashboard build`` wrote, validated; raise SchemaError otherwise."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise SchemaError([f"{path.name} cannot be read as a table ({type(err).__name__}: {err})"]) from err
    except ImportError as err:  # pyarrow missing for Parquet
        raise SchemaError([f"{path.name}: reading Parquet needs pyarrow ({err})"]) from err
    return validate(frame)
