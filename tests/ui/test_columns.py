"""The table's columns as arrays: filter masks, summary and timeline equal what the frame functions give."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from dashboard.schema import C, coerce
from dashboard.ui.columns import TableColumns, summary_of, timeline_of
from dashboard.ui.filters import FilterState, apply_filters, filter_mask
from dashboard.ui.summary import summarise, timeline
from tests.ui.tables import sample_reports

PLACES = ["Harbor City", "Old Market", "Riverbend", "Hilltop", ""]
SOURCES = ["Daily Example", "Evening Example", "Daily Example; Wire Example", "", "Straße Post"]
TYPES = ["armed attack", "mention", "bombing/explosion", "air or missile strike"]
WORDS = ["Gunmen", "gunmen", "GUNMEN", "shells", "STRASSE", "straße", "Ärzte", "ärzte", "port"]


def random_table(n: int, seed: int) -> pd.DataFrame:
    """``n`` rows of varied places, sources, figures (none, closed, open), dates (some none) and texts."""
    rng = np.random.default_rng(seed)
    base = sample_reports().iloc[[0] * n].reset_index(drop=True)
    pick = lambda values: [values[k] for k in rng.integers(0, len(values), n)]  # noqa: E731
    base[C.incident_id] = [f"inc-{k}" for k in rng.integers(0, n // 3 + 1, n)]
    base[C.location] = pick(PLACES)
    base[C.mention] = pick(["Harbor city", "the hill", ""])
    base[C.geo_precision] = pick(["place", "town"])
    base[C.latitude] = rng.choice([10.0, 10.01, 10.5, np.nan], n)
    base[C.longitude] = 20.0
    base[C.event_type] = pick(TYPES)
    base[C.source] = pick(SOURCES)
    low = rng.choice([np.nan, 0, 3, 12, 40], n)
    base[C.killed_min] = low
    base[C.killed_max] = np.where(rng.random(n) < 0.3, np.nan, low + rng.integers(0, 5, n))
    base[C.injured_min] = rng.choice([np.nan, 1, 5], n)
    base[C.injured_max] = rng.choice([np.nan, 5, 9], n)
    days = [dt.date(2024, 3, 1) + dt.timedelta(days=int(k)) for k in rng.integers(0, 20, n)]
    base[C.date] = [d if rng.random() > 0.2 else None for d in days]
    base[C.evidence] = [" ".join(pick(WORDS)[:3]) for _ in range(n)]
    return coerce(base)


def reference(rows: pd.DataFrame, state: FilterState) -> list[bool]:
    """The filters' meaning, one row at a time (the points lie on one meridian: 111.2 km a degree)."""
    chosen = rows[C.location].isin(state.locations)
    anchors = set(rows.loc[chosen & (rows[C.geo_precision] == "place"), C.latitude].dropna())
    near = ~chosen & (rows[C.geo_precision] == "town") & rows[C.latitude].map(
        lambda lat: any(abs(lat - a) * 111.2 <= 3.0 for a in anchors))
    keep = []
    for row, neighbourhood in zip(rows.itertuples(index=False), near):
        get = lambda name: getattr(row, name)  # noqa: E731
        ok = state.show_mentions or get(C.event_type) != "mention"
        if state.locations:
            ok &= get(C.location) in state.locations or neighbourhood
        if state.sources:
            ok &= any(p.strip() in state.sources for p in get(C.source).split(";"))
        if state.event_types:
            ok &= get(C.event_type) in state.event_types
        day = get(C.date)
        if state.date_from is not None:
            ok &= not pd.isna(day) and day.date() >= state.date_from
        if state.date_to is not None:
            ok &= not pd.isna(day) and day.date() <= state.date_to
        if state.min_killed:
            low, high = get(C.killed_min), get(C.killed_max)
            highest = math.inf if pd.isna(high) and not pd.isna(low) else (math.nan if pd.isna(high) else high)
            ok &= highest >= state.min_killed
        if state.text:
            ok &= state.text.upper() in get(C.evidence).upper()
        keep.append(bool(ok))
    return keep


STATES = [
    FilterState(), FilterState(show_mentions=True), FilterState(locations=("Riverbend", "Hilltop")),
    FilterState(sources=("Wire Example",)), FilterState(sources=("Daily Example", "Straße Post")),
    FilterState(event_types=("armed attack", "bombing/explosion")),
    FilterState(date_from=dt.date(2024, 3, 5)), FilterState(date_to=dt.date(2024, 3, 5)),
    FilterState(date_from=dt.date(2024, 3, 3), date_to=dt.date(2024, 3, 3)),
    FilterState(min_killed=3), FilterState(min_killed=41), FilterState(text="gunmen"), FilterState(text="ÄRZTE"), FilterState(text="strasse"),
    FilterState(text="nothing like it"),
    FilterState(event_types=("armed attack",), min_killed=1, text="port", sources=("Daily Example",)),
]


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("state", STATES, ids=repr)
def test_the_mask_keeps_the_rows_each_filter_means(seed, state) -> None:
    rows = random_table(300, seed)
    columns = TableColumns.of(rows)
    mask = filter_mask(rows, state, columns)
    assert mask.dtype == bool and list(mask) == reference(rows, state)
    if state.text != "nothing like it" and state.min_killed <= 40 and not state.show_mentions:
        assert 0 < mask.sum() < len(rows)  # the filter is put to work


@pytest.mark.parametrize("state", STATES, ids=repr)
def test_summary_and_timeline_of_a_mask_equal_those_of_the_rows_it_keeps(state) -> None:
    rows = random_table(300, 3)
    columns = TableColumns.of(rows)
    mask = filter_mask(rows, state, columns)
    kept = rows[mask]
    assert summary_of(columns, mask) == summarise(kept)
    pd.testing.assert_frame_equal(timeline_of(columns, mask), timeline(kept), check_dtype=False)


def test_the_sample_tables_summary_and_the_neighbourhood_rule_hold_on_columns() -> None:
    rows = sample_reports()
    columns = TableColumns.of(rows)
    for state in (FilterState(), FilterState(locations=("Harbor City",)), FilterState(show_mentions=True)):
        mask = filter_mask(rows, state, columns)
        assert list(apply_filters(rows, state, columns).index) == list(rows.index[mask])
        assert summary_of(columns, mask) == summarise(rows[mask])
        pd.testing.assert_frame_equal(timeline_of(columns, mask), timeline(rows[mask]), check_dtype=False)


def test_a_view_without_dated_rows_has_an_empty_timeline() -> None:
    rows = sample_reports()
    columns = TableColumns.of(rows.assign(**{C.date: pd.NaT}))
    assert timeline_of(columns, np.ones(len(rows), dtype=bool)).empty


@pytest.mark.parametrize("state", STATES[:6], ids=repr)
def test_the_map_points_of_a_mask_equal_those_of_the_rows_it_keeps(state) -> None:
    from dashboard.ui.mapview import map_points_json, map_points_json_of, row_positions

    rows = random_table(200, 4)
    columns = TableColumns.of(rows)
    mask = filter_mask(rows, state, columns)
    kept = rows[mask]
    assert map_points_json_of(columns, mask) == map_points_json(kept, row_positions(rows, kept))
