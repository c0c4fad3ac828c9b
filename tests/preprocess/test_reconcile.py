"""Reconciliation: which reports become one incident, and its id.

First on hand-built report rows, then on short articles of our own through the pipeline, then on the seeds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard.aggregate import incidents_from_reports
from dashboard.preprocess.places.gazetteer import Gazetteer, load_gazetteer
from dashboard.preprocess.ingest import Article, find_article_files, read_article, read_manifest
from dashboard.preprocess.pipeline import process_article
from dashboard.preprocess.reconcile import incident_id, reconcile, report_key
from dashboard.same_incident import (
    COMPATIBLE_TYPE_PAIRS,
    COMPATIBLE_TYPES,
    TARGETS,
    targets_in,
    tolls_conflict,
    types_compatible,
)
from dashboard.errors import SettingError
from dashboard.schema import EVENT_TYPES, C, Incident, to_frame, validate
from dashboard import settings
from dashboard.settings import Settings

KM, DAYS = Settings().merge_km, Settings().merge_days  # the shipped behaviour
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


@pytest.mark.parametrize(("merge_km", "merge_days"), [("0", "1"), ("-5", "1"), ("nan", "1"), ("25", "-1")])
def test_unusable_thresholds_are_refused_by_the_settings(merge_km: str, merge_days: str) -> None:
    with pytest.raises(SettingError, match="merge"):
        settings.resolve({"merge_km": merge_km, "merge_days": merge_days}, environ={})


def test_a_nan_coordinate_counts_as_no_point() -> None:
    nan = dict(KANO, latitude=float("nan"), longitude=float("nan"))
    rows = [report("a.txt", place=nan), report("b.txt")]
    assert groups(rows) == [{0, 1}]  # matched by name, as a row without a point is


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
    for name in ("merge_km", "merge_days"):
        assert f"| `{name}` | {getattr(Settings(), name):g} |" in section, name


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


# --- through the pipeline: our own short articles, then the seeds -------------------------------------


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def article(name: str, source: str, published: dt.date, text: str) -> Article:
    return Article(name=name, text=text, title="", source=source, published=published, url="")


def build(gazetteer: Gazetteer, *articles: Article) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Articles -> the reconciled report table, its incident table, and how many reports extraction gave."""
    rows = [row for a in articles for row in process_article(a, gazetteer)]
    reports = validate(to_frame(reconcile(rows, KM, DAYS)))
    extracted = len({report_key(r) for r in rows if r.event_type != "mention"})
    return reports, incidents_from_reports(reports), extracted


def events(table: pd.DataFrame) -> pd.DataFrame:
    return table[table[C.event_type] != "mention"].reset_index(drop=True)


SUNDAY = dt.date(2021, 3, 14)
MARKET_1 = article("herald.txt", "Coast Herald", SUNDAY,
                   "A car bomb exploded at a crowded market in Kano on Sunday, killing 12 people, police said.")
MARKET_2 = article("courier.txt", "Plains Courier", SUNDAY + dt.timedelta(days=1),
                   "The car bomb that hit a market in Kano on Sunday killed 18 people, officials said on Monday.")
MOSQUE = article("gazette.txt", "Northern Gazette", SUNDAY,
                 "A suicide bomber blew himself up inside a mosque in Kano on Sunday, killing 9 worshippers.")
LATER = article("later.txt", "Coast Herald", SUNDAY + dt.timedelta(days=26),
                "A car bomb exploded at a crowded market in Kano on Friday, killing 5 people, police said.")


def test_text_one_bombing_in_two_papers_is_one_incident_with_both_figures(gazetteer: Gazetteer) -> None:
    _, incidents, extracted = build(gazetteer, MARKET_1, MARKET_2)
    assert extracted == 2
    found = events(incidents)
    assert len(found) == 1
    incident = found.iloc[0]
    assert (incident[C.killed_min], incident[C.killed_max]) == (12, 18)
    assert incident[C.sources] == 2
    assert set(incident[C.source].split("; ")) == {"Coast Herald", "Plains Courier"}


def test_text_a_mosque_bombing_the_same_day_in_the_same_city_stays_apart(gazetteer: Gazetteer) -> None:
    _, incidents, extracted = build(gazetteer, MARKET_1, MARKET_2, MOSQUE)
    assert extracted == 3
    assert sorted(events(incidents)[C.sources]) == [1, 2]


def test_text_the_same_kind_of_attack_weeks_later_stays_apart(gazetteer: Gazetteer) -> None:
    _, incidents, extracted = build(gazetteer, MARKET_1, LATER)
    assert extracted == 2 and len(events(incidents)) == 2


def test_text_a_neighbourhood_report_and_a_city_report_merge(gazetteer: Gazetteer) -> None:
    city = article("city.txt", "Coast Herald", SUNDAY,
                   "Gunmen attacked a police station in Kirkuk on Sunday, killing 6 officers.")
    local = article("local.txt", "Plains Courier", SUNDAY + dt.timedelta(days=1),
                    "Gunmen stormed the police station in the Domiz neighbourhood of Kirkuk on Sunday, "
                    "killing 7 policemen.")
    reports, incidents, extracted = build(gazetteer, city, local)
    assert extracted == 2
    assert set(events(reports)[C.location]) == {"Kirkuk", "Domiz"}  # a city row and a neighbourhood row
    found = events(incidents)
    assert len(found) == 1 and found.iloc[0][C.sources] == 2
    assert (found.iloc[0][C.killed_min], found.iloc[0][C.killed_max]) == (6, 7)


def test_text_two_incidents_of_one_article_stay_apart(gazetteer: Gazetteer) -> None:
    roundup = article("roundup.txt", "Coast Herald", SUNDAY,
                      "A car bomb exploded at a market in Kano on Sunday, killing 12 people. "
                      "In a separate attack, a roadside bomb killed 3 soldiers in Kano on Sunday.")
    _, incidents, extracted = build(gazetteer, roundup)
    assert extracted == 2 and len(events(incidents)) == 2


def test_text_adding_an_unrelated_article_keeps_the_ids(gazetteer: Gazetteer) -> None:
    before, _, _ = build(gazetteer, MARKET_1, MARKET_2, MOSQUE)
    after, _, _ = build(gazetteer, LATER, MARKET_1, MARKET_2, MOSQUE)
    after = after[after[C.article] != LATER.name].reset_index(drop=True)
    assert list(after[C.incident_id]) == list(before[C.incident_id])


def test_seeds_one_kirkuk_attack_from_both_papers_and_the_dakuk_strike_alone(
        seeds_dir: Path, gazetteer: Gazetteer) -> None:
    manifest = read_manifest(seeds_dir / "manifest.csv")
    files, _ = find_article_files([seeds_dir])
    reports, incidents, extracted = build(gazetteer, *(read_article(p, manifest.get(p.name)) for p in files))
    assert len(incidents) < len(reports)
    assert len(events(incidents)) < extracted  # reports of different articles were joined

    def incident_of(report: pd.DataFrame) -> pd.Series:
        assert len(report) == 1
        return incidents[incidents[C.incident_id] == report.iloc[0][C.incident_id]].iloc[0]

    plant = reports[reports[C.evidence].str.contains("power plant") & (reports[C.killed_min] == 10)]
    more_than_40 = reports[(reports[C.killed_min] == 40) & reports[C.killed_max].isna()]
    attack = incident_of(plant)
    assert attack[C.incident_id] == incident_of(more_than_40)[C.incident_id]
    assert attack[C.sources] == 2
    assert set(attack[C.source].split("; ")) == {"ARA News", "Washington Free Beacon"}
    assert attack[C.killed_min] == 10 and pd.isna(attack[C.killed_max])  # 10 to more than 40

    dakuk = reports[reports[C.mention].str.contains("Dakuk") & reports[C.killed_min].notna()]
    strike = incident_of(dakuk)
    assert (strike[C.sources], strike[C.source]) == (1, "Washington Free Beacon")
    assert (strike[C.killed_min], strike[C.injured_min]) == (15, 53)
    assert (reports[C.incident_id] == strike[C.incident_id]).sum() == 1



# --- repeated stories: one pass per bundle gives the groups every pairwise join would ---------------


def _random_corpus(seed: int) -> list[Incident]:
    """Stories told again by many articles (some articles telling two), with clashing variants."""
    rng = random.Random(seed)
    stories = [
        dict(evidence="A bomb hit a market."),
        dict(evidence="A bomb hit a mosque."),
        dict(place=WUDIL, event_type="armed attack", evidence="Gunmen attacked a bus.", killed_min=2, killed_max=2),
        dict(place=SABON_GARI, evidence="A blast in a market killed 40.", killed_min=40, killed_max=40),
        dict(event_type="capture/arrest", captured_min=3, captured_max=3),
        dict(date=DAY + dt.timedelta(days=3), evidence="A bomb went off again."),
    ]
    rows = []
    for n in range(rng.randint(20, 60)):
        article = f"{rng.randint(0, 25):02d}.txt"  # articles repeat: an article may tell two stories
        rows.append(report(article, f"e{n}", **stories[rng.randrange(len(stories))]))
    return rows


def _plain_grouping(reports: list) -> list[int]:
    """group_reports with every pair of every edge's bundles joined (its loop without the shortcut)."""
    from dashboard.preprocess import reconcile as rec

    found = rec._edges(reports, KM, DAYS)
    groups = rec._Groups(reports, found.profile_ids, found.joinable)
    for a, b in found.edges:
        for n, i in enumerate(found.bundles[a]):
            for j in found.bundles[b][n + 1:] if a == b else found.bundles[b]:
                groups.join(i, j)
    return [groups.find(i) for i in range(len(reports))]


def _partition(roots: list[int]) -> list[list[int]]:
    return sorted(sorted(i for i, r in enumerate(roots) if r == root) for root in set(roots))


@pytest.mark.parametrize("seed", range(12))
def test_repeated_stories_group_as_with_every_pair_joined(seed: int) -> None:
    from dashboard.preprocess import reconcile as rec

    reports = rec.reports_of(_random_corpus(seed))
    fast = rec.group_reports(reports, KM, DAYS)
    assert _partition(fast) == _partition(_plain_grouping(reports))
    assert len(set(fast)) < len(fast)  # some stories were joined across articles


@pytest.mark.parametrize("seed", range(3))
def test_reports_taken_an_article_at_a_time_are_those_of_the_whole_table(seed: int) -> None:
    from dashboard.preprocess import reconcile as rec

    rows = []
    for n, row in enumerate(sorted(_random_corpus(seed), key=lambda r: r.article)):  # a build's order: by article
        rows.append(row)
        if n % 3 == 0:  # the same incident at a second place: a report of two rows
            rows.append(dataclasses.replace(row, **WUDIL, mention="Wudil"))
    found = rec.ReportsOf()
    start = 0
    for end in [i for i in range(1, len(rows)) if rows[i].article != rows[i - 1].article] + [len(rows)]:
        found.add(rows[start:end])  # one article's rows
        start = end
    assert found.rows == len(rows) and len(found.reports) > 10
    assert any(len(report.rows) == 2 for report in found.reports)
    assert found.reports == rec.reports_of(rows)
    assert rec.ids_of_reports(found, KM, DAYS) == rec.incident_ids(rows, KM, DAYS)
    assert found.reports == []  # let go once the ids are made


def test_a_story_repeated_by_many_articles_is_joined_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.preprocess import reconcile as rec

    joins: list[tuple[int, int]] = []
    real_join = rec._Groups.join

    def counted(self, first: int, second: int) -> bool:
        joins.append((first, second))
        return real_join(self, first, second)

    monkeypatch.setattr(rec._Groups, "join", counted)
    rows = [report(f"{n:03d}.txt") for n in range(200)]
    assert len(set(ids(rows))) == 1
    assert len(joins) < 2 * len(rows)  # every pair would be 19,900
