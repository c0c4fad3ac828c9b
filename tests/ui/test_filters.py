"""FilterState -> rows, and the URL round trip."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.schema import C
from dashboard.ui.filters import (
    MAX_KILLED,
    FilterState,
    apply_filters,
    filter_options,
    from_query,
    location_mask,
    read_query,
    restrict_to,
    to_query,
)
from tests.ui.tables import sample_reports


@pytest.fixture()
def rows():
    return sample_reports()


def ids(frame) -> list[str]:
    return list(frame[C.incident_id])


def test_default_hides_mention_rows_only(rows) -> None:
    shown = apply_filters(rows, FilterState())
    assert "inc-lake" not in ids(shown)
    assert len(shown) == len(rows) - 1
    assert "inc-lake" in ids(apply_filters(rows, FilterState(show_mentions=True)))


def test_a_city_selects_its_neighbourhood_but_not_the_next_town(rows) -> None:
    shown = apply_filters(rows, FilterState(locations=("Harbor City",)))
    assert ids(shown) == ["inc-harbor", "inc-harbor", "inc-market"]


def test_a_neighbourhood_selects_only_itself(rows) -> None:
    assert ids(apply_filters(rows, FilterState(locations=("Old Market",)))) == ["inc-market"]


def test_town_rows_far_from_the_city_are_not_its_neighbourhoods(rows) -> None:
    far = rows.copy()
    far.loc[far[C.incident_id] == "inc-market", C.latitude] = 10.2  # about 22 km north
    assert not location_mask(far, ["Harbor City"])[far[C.incident_id] == "inc-market"].any()


def test_source_filter_matches_joined_incident_sources(rows) -> None:
    from dashboard.aggregate import incidents_from_reports

    incidents = incidents_from_reports(rows)
    shown = apply_filters(incidents, FilterState(sources=("Evening Example",)))
    assert ids(shown) == ["inc-harbor", "inc-bridge"]


def test_date_range_is_inclusive(rows) -> None:
    state = FilterState(date_from=dt.date(2024, 3, 2), date_to=dt.date(2024, 3, 3))
    assert ids(apply_filters(rows, state)) == ["inc-market", "inc-bridge"]


def test_event_type(rows) -> None:
    assert ids(apply_filters(rows, FilterState(event_types=("air or missile strike",)))) == ["inc-hill"]


def test_minimum_killed_uses_the_highest_figure_and_open_ranges_pass(rows) -> None:
    # 10, 13-19, 40+ and 3: a minimum of 15 keeps 13-19 and 40+, drops rows with no figure
    assert ids(apply_filters(rows, FilterState(min_killed=15))) == ["inc-harbor", "inc-market"]
    assert ids(apply_filters(rows, FilterState(min_killed=41))) == ["inc-market"]


def test_text_search_is_case_insensitive_and_literal(rows) -> None:
    assert ids(apply_filters(rows, FilterState(text="GUNMEN"))) == ["inc-harbor", "inc-harbor", "inc-bridge"]
    assert ids(apply_filters(rows, FilterState(text="(\"http"))) == ["inc-hill"]


def test_query_round_trip_keeps_every_field() -> None:
    state = FilterState(locations=("Harbor City", "Easton"), sources=("Daily Example",),
                        date_from=dt.date(2024, 3, 2), date_to=dt.date(2024, 3, 4),
                        event_types=("armed attack", "clash"), min_killed=3, text="port",
                        show_mentions=True, view="reports")
    assert from_query(to_query(state)) == state


def test_default_state_is_an_empty_query_and_bad_values_are_dropped() -> None:
    assert to_query(FilterState()) == {}
    state = from_query({"killed": "many", "from": "yesterday", "type": ["armed attack", "picnic"], "view": "x"})
    assert state == FilterState(event_types=("armed attack",))


@pytest.mark.parametrize("killed", ["\u00b2", "\u0663", "9" * 5000, "-1", "+1", " 1", "1_0", "1e3", "0x10",
                                    str(MAX_KILLED + 1), "\ufffd"])
def test_a_minimum_killed_that_is_not_a_plain_whole_number_is_noted_and_dropped(killed) -> None:
    state, notes = read_query({"killed": killed})
    assert state == FilterState()
    assert notes == (f"killed: not a whole number from 0 to {MAX_KILLED:,}",)  # the value is not echoed


def test_usable_values_give_no_note() -> None:
    state, notes = read_query({"killed": str(MAX_KILLED), "from": "2024-03-01", "to": "2024-03-01",
                               "mentions": "0", "view": "reports", "type": "clash", "q": "![x](y)"})
    assert notes == ()
    assert state == FilterState(min_killed=MAX_KILLED, date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 1),
                                view="reports", event_types=("clash",), text="![x](y)")


@pytest.mark.parametrize(("params", "noted"), [
    ({"from": "2024-3-1"}, ["from"]),
    ({"to": "2024-02-30"}, ["to"]),
    ({"from": "2024-W09-1"}, ["from"]),
    ({"from": "2024-03-04", "to": "2024-03-01"}, ["from, to"]),
    ({"type": ["clash", "<b>picnic</b>"]}, ["type"]),
    ({"mentions": "true"}, ["mentions"]),
    ({"view": "everything", "killed": "x"}, ["killed", "view"]),
])
def test_each_unusable_value_is_noted_by_its_parameter(params, noted) -> None:
    state, notes = read_query(params)
    assert [note.split(": ")[0] for note in notes] == noted
    assert "<b>" not in " ".join(notes)
    assert state.date_from is None and state.date_to is None and state.view == "incidents"


def test_restrict_to_drops_choices_the_table_lacks(rows) -> None:
    state = restrict_to(FilterState(locations=("Atlantis", "Easton"), sources=("Nobody",)), filter_options(rows))
    assert state.locations == ("Easton",) and state.sources == ()
