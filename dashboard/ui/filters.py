"""The filter state, the pure function that applies it (rejected rows hidden unless the review
filter names them), and its round trip through the URL query.

In: a validated table and a :class:`FilterState`. Out: the rows that pass (same columns, same
order). :func:`to_query` / :func:`from_query` turn a state into ``st.query_params`` values and
back, so a filtered view can be bookmarked; unusable query values are ignored with a note, never fatal.

Locations: "a city also selects its neighbourhoods". A neighbourhood, street or site without
coordinates of its own is written with ``geo_precision == "town"`` and the point of the town that
contains it, under its own name. So selecting a place also selects every ``town``-precision row
whose point lies within :data:`TOWN_RADIUS_KM` of one of that place's own ``place``-precision
points. Selecting a neighbourhood selects only it (its rows are ``town``, not ``place``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields, replace
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from dashboard.geodesy import km_between_many
from dashboard.schema import EVENT_TYPES, REVIEW_STATES, C
from dashboard.ui.columns import TableColumns
from dashboard.ui.summary import source_names

VIEW_INCIDENTS, VIEW_REPORTS = "incidents", "reports"
#: How near (km) a ``town``-precision row's point must be to a selected place's point to belong to it.
TOWN_RADIUS_KM = 3.0


@dataclass(frozen=True, slots=True)
class FilterState:
    """What the sidebar asks for; the defaults show everything except ``mention`` rows."""

    locations: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    event_types: tuple[str, ...] = ()
    min_killed: int = 0
    text: str = ""
    show_mentions: bool = False
    view: str = VIEW_INCIDENTS
    reviews: tuple[str, ...] = ()  # review states shown; empty: every state but rejected


#: Query parameter names (short, stable: they are in bookmarks).
QUERY_KEYS: dict[str, str] = {
    "locations": "place", "sources": "source", "date_from": "from", "date_to": "to",
    "event_types": "type", "min_killed": "killed", "text": "q", "show_mentions": "mentions", "view": "view",
    "reviews": "review",
}
#: The review state hidden unless the review filter asks for it.
HIDDEN_REVIEW = "rejected"


@dataclass(frozen=True, slots=True)
class FilterOptions:
    """The choices the widgets offer, read from the table."""

    locations: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)
    first_date: dt.date | None = None
    last_date: dt.date | None = None


def filter_options(rows: pd.DataFrame) -> FilterOptions:
    """Sorted places, sources and event types present, and the date span."""
    dates = rows[C.date].dropna()
    return FilterOptions(
        locations=sorted({v for v in rows[C.location] if v}),
        sources=sorted(source_names(rows)),
        event_types=[t for t in EVENT_TYPES if t in set(rows[C.event_type])],
        first_date=dates.min().date() if not dates.empty else None,
        last_date=dates.max().date() if not dates.empty else None,
    )


def location_mask(rows: pd.DataFrame, locations: Sequence[str], radius_km: float = TOWN_RADIUS_KM,
                  columns: TableColumns | None = None) -> np.ndarray:
    """Rows at one of the places, plus the ``town``-precision rows (neighbourhoods) lying at one of them."""
    columns = columns if columns is not None else TableColumns.of(rows)
    chosen = columns.location.isin(locations)
    has_point = columns.has_point()
    precision = columns.geo_precision
    anchors = chosen & precision.isin(["place"]) & has_point
    candidates = precision.isin(["town"]) & has_point & ~chosen
    if not anchors.any() or not candidates.any():
        return chosen
    points = np.unique(np.column_stack([columns.latitude[anchors], columns.longitude[anchors]]), axis=0)
    lat, lng = columns.latitude[candidates], columns.longitude[candidates]
    inside = np.zeros(len(lat), dtype=bool)
    for lat0, lng0 in points:
        inside |= km_between_many(lat, lng, float(lat0), float(lng0)) <= radius_km
    near = np.zeros(len(chosen), dtype=bool)
    near[np.flatnonzero(candidates)[inside]] = True
    return chosen | near


def _sources_mask(columns: TableColumns, sources: Sequence[str]) -> np.ndarray:
    """Rows naming one of ``sources`` (an incident table's "A; B" names both), decided once per distinct text."""
    wanted = set(sources)
    texts = np.array([not parts.isdisjoint(wanted) for parts in columns.source_parts] + [False], dtype=bool)
    return texts[columns.source.codes]


def filter_mask(rows: pd.DataFrame, state: FilterState, columns: TableColumns | None = None) -> np.ndarray:
    """Which rows pass every filter of ``state`` (an empty choice means "no restriction"), one bool per row.

    ``columns``: the table's :class:`~dashboard.ui.columns.TableColumns`, kept per data file
    (:func:`dashboard.ui.data.columns_for`); made here when not given. Nothing of the table is copied.
    """
    columns = columns if columns is not None else TableColumns.of(rows)
    keep = np.ones(columns.rows, dtype=bool)
    if not state.show_mentions:
        keep &= ~columns.event_type.isin(["mention"])
    if columns.review is not None:
        if state.reviews:
            keep &= columns.review.isin(state.reviews)
        else:
            keep &= ~columns.review.isin([HIDDEN_REVIEW])
    if state.locations:
        keep &= location_mask(rows, state.locations, columns=columns)
    if state.sources:
        keep &= _sources_mask(columns, state.sources)
    if state.event_types:
        keep &= columns.event_type.isin(state.event_types)
    dated = columns.day != TableColumns.NO_DAY
    if state.date_from is not None:
        keep &= dated & (columns.day >= _days(state.date_from))
    if state.date_to is not None:
        keep &= dated & (columns.day <= _days(state.date_to))
    if state.min_killed > 0:
        # a row passes when the highest figure it allows reaches the minimum ("40+" always does)
        low, high = columns.killed_min, columns.killed_max
        highest = np.where(np.isnan(high) & ~np.isnan(low), np.inf, high)  # open high; no figure at all: NaN, fails
        keep &= highest >= state.min_killed
    if state.text.strip():
        keep &= columns.evidence_contains(state.text.strip())
    return keep


def _days(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def apply_filters(rows: pd.DataFrame, state: FilterState, columns: TableColumns | None = None) -> pd.DataFrame:
    """The rows that pass every filter of ``state`` (:func:`filter_mask`; ``columns`` as there)."""
    keep = filter_mask(rows, state, columns)
    return rows if keep.all() else rows[keep]  # nothing filtered out: no copy of a large table


def to_query(state: FilterState) -> dict[str, str | list[str]]:
    """The state as query parameters; values equal to the default are left out (short URLs)."""
    default = FilterState()
    out: dict[str, str | list[str]] = {}
    for f in fields(FilterState):
        value = getattr(state, f.name)
        if value == getattr(default, f.name):
            continue
        key = QUERY_KEYS[f.name]
        if isinstance(value, tuple):
            out[key] = list(value)
        elif isinstance(value, bool):
            out[key] = "1" if value else "0"
        elif isinstance(value, dt.date):
            out[key] = value.isoformat()
        else:
            out[key] = str(value)
    return out


#: Highest "minimum killed" a URL may ask for (the widget's maximum): larger values are ignored.
MAX_KILLED = 1_000_000_000
_WHOLE_NUMBER = re.compile(r"[0-9]{1,10}")  # ASCII digits only: int() also takes "²", "1_0", " 7"
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # fromisoformat also takes "20240301", "2024-W09"


def read_query(params: Mapping[str, str | Sequence[str]]) -> tuple[FilterState, tuple[str, ...]]:
    """A state from query parameters (a value may be one string or a list), and a note per value ignored.

    Any value is safe: an unusable one is dropped and named in a note (the parameter and why, never
    the value itself, which is untrusted and may be anything); the state keeps the default there.
    """
    notes: list[str] = []

    def values(name: str) -> list[str]:  # each value once, in order
        raw = params.get(QUERY_KEYS[name])
        if raw is None:
            return []
        return [raw] if isinstance(raw, str) else list(dict.fromkeys(str(v) for v in raw))

    def one(name: str) -> str | None:
        found = values(name)
        return found[-1] if found else None

    def date(name: str) -> dt.date | None:
        text = one(name)
        if not text:
            return None
        if _ISO_DAY.fullmatch(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:  # 2024-02-30
                pass
        notes.append(f"{QUERY_KEYS[name]}: not a date written YYYY-MM-DD")
        return None

    min_killed = 0
    killed_text = one("min_killed")
    if killed_text:
        if _WHOLE_NUMBER.fullmatch(killed_text) and int(killed_text) <= MAX_KILLED:
            min_killed = int(killed_text)
        else:
            notes.append(f"{QUERY_KEYS['min_killed']}: not a whole number from 0 to {MAX_KILLED:,}")
    date_from, date_to = date("date_from"), date("date_to")
    if date_from is not None and date_to is not None and date_from > date_to:
        notes.append(f"{QUERY_KEYS['date_from']}, {QUERY_KEYS['date_to']}: the first date is after the last")
        date_from = date_to = None
    event_types = values("event_types")
    if any(t not in EVENT_TYPES for t in event_types):
        notes.append(f"{QUERY_KEYS['event_types']}: not an event type")
    mentions = one("show_mentions")
    if mentions not in (None, "", "0", "1"):
        notes.append(f"{QUERY_KEYS['show_mentions']}: not 0 or 1")
    reviews = values("reviews")
    if any(r not in REVIEW_STATES for r in reviews):
        notes.append(f"{QUERY_KEYS['reviews']}: not a review state")
    view = one("view")
    if view not in (None, "", VIEW_INCIDENTS, VIEW_REPORTS):
        notes.append(f"{QUERY_KEYS['view']}: not {VIEW_INCIDENTS} or {VIEW_REPORTS}")
    state = FilterState(
        locations=tuple(values("locations")),
        sources=tuple(values("sources")),
        date_from=date_from,
        date_to=date_to,
        event_types=tuple(t for t in event_types if t in EVENT_TYPES),
        min_killed=min_killed,
        text=one("text") or "",
        show_mentions=mentions == "1",
        view=view if view in (VIEW_INCIDENTS, VIEW_REPORTS) else VIEW_INCIDENTS,
        reviews=tuple(r for r in reviews if r in REVIEW_STATES),
    )
    return state, tuple(notes)


def from_query(params: Mapping[str, str | Sequence[str]]) -> FilterState:
    """A state from query parameters; unusable values are dropped (:func:`read_query` also says which)."""
    return read_query(params)[0]


def restrict_to(state: FilterState, options: FilterOptions) -> FilterState:
    """Drop choices the table does not offer (a bookmark from another data set must not break widgets)."""
    locations, sources, types = set(options.locations), set(options.sources), {*options.event_types, "mention"}
    return replace(
        state,
        locations=tuple(v for v in state.locations if v in locations),
        sources=tuple(v for v in state.sources if v in sources),
        event_types=tuple(v for v in state.event_types if v in types),
    )
