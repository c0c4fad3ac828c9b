"""A table's columns as numpy arrays, made once per data file, and what the page computes from them.

In: a validated table (report or incident rows, :mod:`dashboard.schema`). Out: :class:`TableColumns`
(each text column as codes into its distinct values, figures as float arrays with NaN for none,
dates as days), from which a row mask (a numpy ``bool`` array, one entry per row) is computed by
:func:`dashboard.ui.filters.filter_mask`, and, for the rows a mask keeps, :func:`summary_of` and
:func:`timeline_of`: the same values as :func:`dashboard.ui.summary.summarise` and
:func:`~dashboard.ui.summary.timeline` give for those rows, without selecting them from the table.

Why: at a million rows, selecting the filtered rows copies every column (a quarter of a second
for a seventh of them) and the frame functions group strings (seconds); on codes made once per
file, a filter change is a few passes over small arrays.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.schema import C
from dashboard.ui.summary import COUNT, DAY, Summary


@dataclass(frozen=True, slots=True)
class Coded:
    """A text column as ``codes`` (one per row, int32) into ``values`` (its distinct texts, sorted)."""

    codes: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, column: pd.Series) -> "Coded":
        codes, values = pd.factorize(column.fillna(""), sort=True)
        return cls(codes.astype(np.int32, copy=False), np.asarray(values, dtype=object))

    def code(self, text: str) -> int:
        """The code of ``text``; -1 when no row holds it."""
        at = int(np.searchsorted(self.values, text))
        return at if at < len(self.values) and self.values[at] == text else -1

    def isin(self, texts) -> np.ndarray:
        """Rows whose text is one of ``texts``."""
        wanted = np.zeros(len(self.values) + 1, dtype=bool)  # the last entry: texts no row holds
        wanted[[self.code(str(t)) for t in texts]] = True
        wanted[-1] = False
        return wanted[self.codes]

    def present(self, mask: np.ndarray) -> np.ndarray:
        """For each distinct text, whether a row kept by ``mask`` holds it."""
        return np.bincount(self.codes[mask], minlength=len(self.values)) > 0


def _floats(column: pd.Series) -> np.ndarray:
    return column.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


@dataclass(eq=False)
class TableColumns:
    """The columns the filters, the summary and the map read, as arrays (see the module's docstring).

    Made once per data file and view (:func:`dashboard.ui.data.columns_for`) and shared by every
    rerun and session: nothing may change them. The evidence in upper case (for the text search)
    is made on the first search.
    """

    rows: int
    event_type: Coded
    location: Coded
    place: Coded  # the location, or the words as written when there is none (what the summary counts)
    geo_precision: Coded
    source: Coded
    incident: Coded
    review: Coded | None
    latitude: np.ndarray
    longitude: np.ndarray
    day: np.ndarray  # days since 1970-01-01, int64; NO_DAY when the row has no date
    killed_min: np.ndarray
    killed_max: np.ndarray
    injured_min: np.ndarray
    injured_max: np.ndarray
    evidence: pd.Series = field(repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    NO_DAY = np.iinfo(np.int64).min

    @classmethod
    def of(cls, table: pd.DataFrame) -> "TableColumns":
        dates = pd.to_datetime(table[C.date])
        days = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
        days[dates.isna().to_numpy()] = cls.NO_DAY
        location = table[C.location].fillna("")
        return cls(
            rows=len(table),
            event_type=Coded.of(table[C.event_type]),
            location=Coded.of(location),
            place=Coded.of(location.where(location != "", table[C.mention].fillna(""))),
            geo_precision=Coded.of(table[C.geo_precision]),
            source=Coded.of(table[C.source]),
            incident=Coded.of(table[C.incident_id]),
            review=Coded.of(table[C.review]) if C.review in table.columns else None,
            latitude=_floats(table[C.latitude]),
            longitude=_floats(table[C.longitude]),
            day=days,
            killed_min=_floats(table[C.killed_min]),
            killed_max=_floats(table[C.killed_max]),
            injured_min=_floats(table[C.injured_min]),
            injured_max=_floats(table[C.injured_max]),
            evidence=table[C.evidence],
        )

    @cached_property
    def _evidence_upper(self) -> pa.Array:
        # Python's upper case (as pandas' case-insensitive search: "ß" -> "SS"), once; Arrow searches it
        upper = [text.upper() for text in self.evidence.fillna("").to_numpy(dtype=object)]
        return pa.array(upper, type=pa.large_string())

    def evidence_contains(self, text: str) -> np.ndarray:
        """Rows whose evidence contains ``text``, ignoring case (both in upper case), literally."""
        with self._lock:  # two sessions' first searches make the upper-case copy once
            upper = self._evidence_upper
        found = pc.match_substring(upper, text.upper())
        return found.to_numpy(zero_copy_only=False).astype(bool, copy=False)

    @cached_property
    def source_parts(self) -> list[frozenset[str]]:
        """The source names of each distinct source text (an incident table joins several: "A; B")."""
        return [frozenset(p.strip() for p in str(text).split(";")) - {""} for text in self.source.values]

    def has_point(self) -> np.ndarray:
        return ~(np.isnan(self.latitude) | np.isnan(self.longitude))


def _toll_total(low: np.ndarray, high: np.ndarray) -> tuple[int, int | None]:
    """As :func:`dashboard.ui.summary.toll_total`, on the kept rows' arrays."""
    has_figure = ~np.isnan(low) | ~np.isnan(high)
    low_total = int(np.nansum(low))
    if (has_figure & np.isnan(high)).any():
        return low_total, None
    return low_total, int(np.nansum(high))


def summary_of(columns: TableColumns, mask: np.ndarray) -> Summary:
    """:func:`dashboard.ui.summary.summarise` of the rows ``mask`` keeps."""
    places = columns.place.present(mask)
    blank = columns.place.code("")
    if blank >= 0:
        places[blank] = False
    names: set[str] = set()
    for k in np.flatnonzero(columns.source.present(mask)):
        names |= columns.source_parts[k]
    return Summary(
        rows=int(np.count_nonzero(mask)),
        incidents=int(np.count_nonzero(columns.incident.present(mask))),
        places=int(np.count_nonzero(places)),
        sources=len(names),
        killed=_toll_total(columns.killed_min[mask], columns.killed_max[mask]),
        injured=_toll_total(columns.injured_min[mask], columns.injured_max[mask]),
        without_point=int(np.count_nonzero(~columns.has_point()[mask])),
    )


def timeline_of(columns: TableColumns, mask: np.ndarray) -> pd.DataFrame:
    """:func:`dashboard.ui.summary.timeline` of the rows ``mask`` keeps: incidents per day and event type."""
    kept = mask & (columns.day != TableColumns.NO_DAY)
    if not kept.any():
        return pd.DataFrame({DAY: pd.Series(dtype="datetime64[ns]"), C.event_type: pd.Series(dtype=object),
                             COUNT: pd.Series(dtype="int64")})
    days = columns.day[kept]
    first = int(days.min())
    types, incidents = len(columns.event_type.values), len(columns.incident.values)
    # one number per (day, type, incident), so distinct incidents per day and type are distinct numbers
    key = ((days - first) * types + columns.event_type.codes[kept]) * incidents + columns.incident.codes[kept]
    day_type, counts = np.unique(np.unique(key) // incidents, return_counts=True)
    return pd.DataFrame({
        DAY: (day_type // types + first).astype("datetime64[D]").astype("datetime64[ns]"),
        C.event_type: columns.event_type.values[day_type % types],
        COUNT: counts.astype("int64"),
    })
