"""Reconciliation on hand-built report rows: which reports become one incident, and its id."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.aggregate import incidents_from_reports
from dashboard.preprocess.reconcile import (
    COMPATIBLE_TYPE_PAIRS,
    COMPATIBLE_TYPES,
    TARGETS,
    incident_id,
    reconcile,
    report_key,
    targets_in,
    tolls_conflict,
    types_compatible,
)
from dashboard.schema import EVENT_TYPES, Incident, to_frame, validate
from dashboard.settings import SETTINGS

DEFAULTS = {s.name: s.default for s in SETTINGS}
KM, DAYS = DEFAULTS["merge_km"], DEFAULTS["merge_days"]  # the shipped behaviour
DAY = dt.date(2021, 3, 14)

# Kano, Nigeria, and places around it (facts, not test answers: any town would do).
KANO = dict(location="Kano", admin1="Kano", country="Nigeria", country_code="NG", latitude=12.0022, longitude=8.5920)
SABON_GARI = dict(location="Sabon Gari", admin1="Kano", country="Nigeria", country_code="NG",
                  latitude=12.0167, longitude=8.5333)  # a district of Kano with its own point, ~6.6 km away
WUDIL = dict(location="Wudil", admin1="Kano", country="Nigeria", country_code="NG",
             latitude=11.8094, longitude=8.8453)  # a town ~35 km south-east of Kano
KANO_STATE = dict(location="Kano State", admin1="Kano", country="Nigeria", country_code="NG",
                  latitude=11.75, longitude=8.5, geo_precision="region")


def report(article: str, eid: str = "e1", *, place: dict | None = None, **fields) -> Incident:
    """One report row; every field can be overridden."""
    values = dict(
        incident_id=eid, date=DAY, date_precision="day", mention="Kano", geo_precision="place",
        event_type="bombing/explosion", killed_min=None, killed_max=None, injured_min=None, injured_max=None,
        captured_min=None, captured_max=None, actor="", source=article.split(".")[0].title(), source_url="",
        article=article, title="", published=DAY + dt.timedelta(days=1), evidence="A bomb went off.",
    )
    values.update(KANO if place is None else place)
    values.setdefault("mention", values["location"])
    values.update(fields)
    return Incident(**values)


def ids(rows: list[Incident]) -> list[str]:
    return [r.incident_id for r in reconcile(rows, KM, DAYS)]


def groups(rows: list[Incident]) -> list[set[int]]:
    """Row positions grouped by their reconciled incident id, in order of first row."""
    found: dict[str, set[int]] = {}
    for position, new_id in enumerate(ids(rows)):
        found.setdefault(new_id, set()).add(position)
    return list(found.values())


# --- issue 5's cases -------------------------------------------------------------------------------


def test_one_bombing_reported_a_day_apart_with_different_tolls_is_one_incident() -> None:
    rows = [
        report("daily.txt", evidence="A car bomb exploded in Kano on Sunday, killing 12 people.",
               killed_min=12, killed_max=12),
        report("weekly.txt", date=DAY + dt.timedelta(days=1), published=DAY + dt.timedelta(days=3),
               evidence="The car bomb in Kano killed 18 and wounded 30.", killed_min=18, killed_max=18,
               injured_min=30, injured_max=30),
    ]
    assert groups(rows) == [{0, 1}]
    table = incidents_from_reports(validate(to_frame(reconcile(rows, KM, DAYS))))
    assert len(table) == 1
    incident = table.iloc[0]
    assert (incident.killed_min, incident.killed_max) == (12, 18)
    assert (incident.injured_min, incident.injured_max) == (30, 30)
    assert incident.sources == 2
    assert incident.source == "Daily; Weekly"


def test_two_attacks_in_one_city_on_one_day_with_different_targets_stay_apart() -> None:
    rows = [
        report("a.txt", evidence="A suicide bomber struck a mosque in Kano, killing 9.", killed_min=9, killed_max=9),
        report("b.txt", evidence="Gunmen threw explosives into a crowded market in Kano, killing 7.",
               killed_min=7, killed_max=7),
    ]
    assert groups(rows) == [{0}, {1}]


def test_same_target_in_different_words_still_merges() -> None:
    rows = [
        report("a.txt", event_type="armed attack", evidence="Militants stormed a power station and police buildings."),
        report("b.txt", event_type="armed attack", evidence="The attackers took a power plant, killing 4.",
               killed_min=4, killed_max=4),
    ]
    assert groups(rows) == [{0, 1}]


def test_neighbourhood_report_without_own_point_merges_with_the_city_report() -> None:
    district = dict(KANO, location="Fagge", mention="Fagge")
    rows = [
        report("city.txt", event_type="armed attack", killed_min=20, killed_max=20),
        report("local.txt", place=district, geo_precision="town", event_type="armed attack"),
    ]
    assert groups(rows) == [{0, 1}]


def test_neighbourhood_with_its_own_point_inside_the_city_merges() -> None:
    rows = [report("city.txt"), report("local.txt", place=SABON_GARI)]
    assert groups(rows) == [{0, 1}]


def test_attacks_weeks_apart_stay_apart() -> None:
    rows = [report("a.txt"), report("b.txt", date=DAY + dt.timedelta(days=21), published=DAY + dt.timedelta(days=22))]
    assert groups(rows) == [{0}, {1}]


def test_reports_of_one_article_stay_apart() -> None:
    rows = [report("a.txt", "e1"), report("a.txt", "e2", killed_min=3, killed_max=3)]
    assert groups(rows) == [{0}, {1}]


def test_rows_of_one_sentence_incident_keep_one_id() -> None:
    rows = [report("a.txt", "e1"), report("a.txt", "e1", place=WUDIL), report("b.txt", place=WUDIL)]
    assert groups(rows) == [{0, 1, 2}]


# --- ids ----------------------------------------------------------------------------------------------


def _corpus() -> list[Incident]:
    return [
        report("a.txt", evidence="A bomb hit a market."),
        report("b.txt", evidence="The market bombing killed 5.", killed_min=5, killed_max=5),
        report("b.txt", "e2", place=WUDIL, event_type="capture/arrest", captured_min=3, captured_max=3),
        report("c.txt", "e9", event_type="mention"),
    ]


def test_ids_are_deterministic_and_do_not_depend_on_row_order() -> None:
    rows = _corpus()
    first = dict(zip(map(report_key, rows), ids(rows)))
    assert first == dict(zip(map(report_key, rows), ids(rows)))
    shuffled = rows[:]
    random.Random(5).shuffle(shuffled)
    assert dict(zip(map(report_key, shuffled), ids(shuffled))) == first


def test_incident_id_is_the_hash_of_the_smallest_report_key() -> None:
    rows = _corpus()
    new = ids(rows)
    assert new[0] == new[1] == incident_id(min(report_key(rows[0]), report_key(rows[1])))
    assert new[2] == incident_id(report_key(rows[2]))
    assert len(set(new)) == 3
    assert all(re.fullmatch(r"[0-9a-f]{12}", i) for i in new)  # short, and no article name in it


def test_adding_an_unrelated_article_keeps_every_id() -> None:
    rows = _corpus()
    before = ids(rows)
    unrelated = [
        report("0-first-by-name.txt", place=WUDIL, date=DAY + dt.timedelta(days=40),
               published=DAY + dt.timedelta(days=40)),
        report("0-first-by-name.txt", "e2", event_type="armed attack", evidence="Gunmen attacked a hotel."),
    ]
    after = ids(unrelated + rows)
    assert after[len(unrelated):] == before
    assert len(set(after)) == len(set(before)) + 2


def test_a_related_article_changes_only_its_incident() -> None:
    rows = _corpus()
    before = ids(rows)
    joined = ids(rows + [report("0-early.txt", place=WUDIL, event_type="capture/arrest")])
    assert joined[:2] == before[:2] and joined[3] == before[3]
    assert joined[2] == joined[4] != before[2]


# --- rules --------------------------------------------------------------------------------------------


def test_mention_rows_are_never_merged() -> None:
    rows = [report("a.txt", event_type="mention"), report("b.txt", event_type="mention"), report("c.txt")]
    assert groups(rows) == [{0}, {1}, {2}]


def test_places_farther_apart_than_merge_km_stay_apart() -> None:
    rows = [report("a.txt"), report("b.txt", place=WUDIL)]
    assert groups(rows) == [{0}, {1}]
    assert len({r.incident_id for r in reconcile(rows, 40.0, DAYS)}) == 1  # the setting is used


def test_same_name_in_another_country_stays_apart() -> None:
    elsewhere = dict(KANO, country="Elsewhere", country_code="ZZ", latitude=None, longitude=None)
    rows = [report("a.txt", place=dict(KANO, latitude=None, longitude=None)), report("b.txt", place=elsewhere),
            report("c.txt", place=dict(KANO, latitude=None, longitude=None), geo_precision="")]
    assert groups(rows) == [{0, 2}, {1}]


def test_a_province_report_merges_with_a_town_of_that_province() -> None:
    rows = [report("a.txt", place=KANO_STATE), report("b.txt", place=WUDIL)]
    assert groups(rows) == [{0, 1}]
    named_by_its_province = dict(KANO_STATE, location="Kano", admin1="")
    assert groups([report("a.txt", place=named_by_its_province), report("b.txt", place=WUDIL)]) == [{0, 1}]
    other_state = dict(KANO_STATE, location="Kaduna State", admin1="Kaduna")
    assert groups([report("a.txt", place=other_state), report("b.txt", place=WUDIL)]) == [{0}, {1}]
    country = dict(KANO_STATE, location="Nigeria", admin1="")
    assert groups([report("a.txt", place=country), report("b.txt", place=WUDIL)]) == [{0}, {1}]
    assert groups([report("a.txt", place=country), report("b.txt", place=country)]) == [{0, 1}]


@pytest.mark.parametrize(
    ("first", "second", "merged"),
    [
        ("armed attack", "clash", True),
        ("bombing/explosion", "air or missile strike", True),
        ("armed attack", "air or missile strike", False),
        ("capture/arrest", "armed attack", False),
        ("capture/arrest", "capture/arrest", True),
    ],
)
def test_event_types(first: str, second: str, merged: bool) -> None:
    rows = [report("a.txt", event_type=first), report("b.txt", event_type=second)]
    assert (len(groups(rows)) == 1) is merged


def test_type_table_is_symmetric_data_over_the_schema_vocabulary() -> None:
    for pair in COMPATIBLE_TYPES:
        assert pair <= set(EVENT_TYPES)
    for first in EVENT_TYPES:
        assert types_compatible(first, first) is (first != "mention")
        for second in EVENT_TYPES:
            assert types_compatible(first, second) == types_compatible(second, first)


@pytest.mark.parametrize(
    ("first", "second", "apart"),
    [((10, 10), (40, None), False), ((10, 10), (40, 40), False), ((1, 1), (50, 50), True),
     ((None, None), (50, 50), False), ((2, 2), (30, 30), False), ((0, 0), (30, 30), True)],
)
def test_wildly_different_tolls(first: tuple, second: tuple, apart: bool) -> None:
    assert tolls_conflict(first, second) is apart
    rows = [report("a.txt", killed_min=first[0], killed_max=first[1]),
            report("b.txt", killed_min=second[0], killed_max=second[1])]
    assert (len(groups(rows)) == 2) is apart


@pytest.mark.parametrize(
    ("precision", "offset", "merged"),
    [("day", DAYS, True), ("day", DAYS + 1, False), ("week", 7 + DAYS, True), ("week", 8 + DAYS, False),
     ("month", 16, True), ("month", 40, False)],
)
def test_vague_dates_match_the_days_they_may_mean(precision: str, offset: int, merged: bool) -> None:
    vague_date = dt.date(2021, 3, 1) if precision == "month" else DAY + dt.timedelta(days=offset)
    exact = DAY if precision != "month" else dt.date(2021, 3, 1) + dt.timedelta(days=offset)
    rows = [report("a.txt", date=exact, published=exact),
            report("b.txt", date=vague_date, date_precision=precision, published=max(exact, vague_date))]
    assert (len(groups(rows)) == 1) is merged


def test_an_undated_report_stands_for_its_publication_day() -> None:
    undated = dict(date=None, date_precision="unknown")
    rows = [report("a.txt"), report("b.txt", published=DAY + dt.timedelta(days=DAYS), **undated),
            report("c.txt", published=DAY + dt.timedelta(days=9), **undated),
            report("d.txt", published=None, **undated)]
    assert groups(rows) == [{0, 1}, {2}, {3}]


def test_a_report_without_targets_cannot_bridge_two_different_targets() -> None:
    rows = [
        report("a.txt", evidence="A bomb hit a mosque."),
        report("b.txt", evidence="A bomb went off in the city."),
        report("c.txt", evidence="A bomb hit a market."),
    ]
    found = groups(rows)
    assert len(found) == 2 and {0, 2} not in found and not any({0, 2} <= g for g in found)


def test_dates_cannot_drift_through_a_chain() -> None:
    rows = [report(f"{n}.txt", date=DAY + dt.timedelta(days=DAYS * n), published=DAY + dt.timedelta(days=DAYS * n + 1))
            for n in range(3)]
    found = groups(rows)
    assert not any({0, 2} <= g for g in found)
    assert len(found) == 2


def test_an_article_joins_an_incident_once_with_its_closest_report() -> None:
    rows = [
        report("a.txt", "early", date=DAY - dt.timedelta(days=1)),
        report("b.txt"),
        report("a.txt", "same-day"),
    ]
    assert groups(rows) == [{0}, {1, 2}]


def test_output_keeps_every_row_and_field_but_the_id() -> None:
    rows = _corpus()
    out = reconcile(rows, KM, DAYS)
    assert len(out) == len(rows)
    for before, after in zip(rows, out):
        assert dataclasses.replace(after, incident_id=before.incident_id) == before


def test_empty_input() -> None:
    assert reconcile([], KM, DAYS) == []


# --- the target vocabulary ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Two mosques and a church were hit.", {"mosque", "church"}),
        ("Militants stormed a power station north of the town.", {"power plant"}),
        ("A bomb exploded at an army checkpoint near the Central Market.", {"checkpoint", "market"}),
        ("Gunmen killed five people in the village.", set()),
        ("The marketing director was shot.", set()),
        ("Police said the hotels were searched.", {"hotel"}),
        ("Two ministries and the embassies nearby were closed.", {"government building", "embassy"}),
        ("Buses were hit at the check point.", {"bus", "checkpoint"}),
    ],
)
def test_targets_in(sentence: str, expected: set[str]) -> None:
    assert targets_in(sentence) == expected


def test_every_target_word_finds_its_own_target() -> None:
    for target, words in TARGETS.items():
        for word in words:
            assert target in targets_in(f"An attack on the {word} killed three."), word


def test_a_report_naming_the_same_target_is_preferred_over_a_closer_date() -> None:
    rows = [
        report("a.txt", evidence="Gunmen attacked the central hotel."),
        report("b.txt", "vague", evidence="Fighting went on in the city."),
        report("b.txt", "hotel", date=DAY + dt.timedelta(days=1), evidence="The hotel siege ended."),
    ]
    assert groups(rows) == [{0, 2}, {1}]


def test_readme_documents_the_targets_types_and_defaults() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: reconcile -->")[1].split("<!-- section:")[0]
    for target in TARGETS:
        assert target in section, target
    for first, second in COMPATIBLE_TYPE_PAIRS:
        documented = f"{first} ~ {second}" in section or (second == "other" and "other ~ every type" in section)
        assert documented, (first, second)
    defaults = {s.name: s.default for s in SETTINGS}
    for name in ("merge_km", "merge_days"):
        assert f"| `{name}` | {defaults[name]:g} |" in section, name


def test_ids_do_not_depend_on_the_process_hash_seed() -> None:
    # Sets and dicts of strings iterate in an order that changes with PYTHONHASHSEED.
    script = (
        "import random, sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from test_reconcile import _corpus, ids, report, WUDIL\n"
        "rows = _corpus() + [report(f'n{i}.txt', place=WUDIL if i % 2 else None) for i in range(8)]\n"
        "print(ids(rows))\n"
    )
    here = Path(__file__).resolve()
    outputs = {
        subprocess.run([sys.executable, "-c", script, str(here.parents[2]), str(here.parent)], check=True,
                       capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1 and outputs.pop().startswith("['")
