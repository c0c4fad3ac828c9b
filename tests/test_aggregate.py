"""Report table -> incident table: one row per incident_id, its lowest and highest figures, every source."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from dashboard.aggregate import incidents_from_reports
from dashboard.same_incident import toll_range
from dashboard.schema import INCIDENT_COLUMNS, Incident, is_incident_table, read_table, to_frame, validate, write_table

DAY = dt.date(2022, 6, 5)
TOWN = dict(location="Gao", admin1="Gao", country="Mali", country_code="ML", latitude=16.2717, longitude=-0.0447)


def row(incident_id: str, article: str, **fields) -> Incident:
    values = dict(
        incident_id=incident_id, date=DAY, date_precision="day", mention="Gao", geo_precision="place",
        event_type="armed attack", killed_min=None, killed_max=None, injured_min=None, injured_max=None,
        captured_min=None, captured_max=None, actor="", source=article.split(".")[0].upper(), source_url="",
        article=article, title=f"Title of {article}", published=DAY, evidence=f"Sentence of {article}.",
    )
    values.update(TOWN)
    values.update(fields)
    return Incident(**values)


def table(*rows: Incident) -> pd.DataFrame:
    return incidents_from_reports(validate(to_frame(rows)))


@pytest.mark.parametrize(
    ("lows", "highs", "expected"),
    [
        ([10, 16], [10, 19], (10, 19)),
        ([40, 10], [None, 10], (10, None)),  # "more than 40" keeps the incident's high open
        ([None, 10], [40, 10], (None, 40)),  # "as many as 40" gives no low
        ([None, 13], [None, 13], (13, 13)),  # a report with no figure takes no part
        ([None, None], [None, None], (None, None)),
        ([pd.NA, 7], [pd.NA, 9], (7, 9)),
        ([], [], (None, None)),
    ],
)
def test_toll_range(lows: list, highs: list, expected: tuple) -> None:
    assert toll_range(lows, highs) == expected


def test_one_row_per_incident_in_order_of_first_report() -> None:
    result = table(row("b", "x.txt"), row("a", "y.txt"), row("b", "z.txt"))
    assert list(result.incident_id) == ["b", "a"]
    assert list(result.columns) == [*INCIDENT_COLUMNS, "review"]  # validated reports carry their review state
    assert is_incident_table(result)
    assert list(result.sources) == [2, 1]


def test_figures_span_every_report_and_each_kind_separately() -> None:
    result = table(
        row("k", "ara.txt", killed_min=40, killed_max=None, injured_min=5, injured_max=5),
        row("k", "wfb.txt", killed_min=10, killed_max=10, captured_min=8, captured_max=8),
        row("k", "third.txt", killed_min=13, killed_max=19),
    ).iloc[0]
    assert result.killed_min == 10 and pd.isna(result.killed_max)  # "more than 40" leaves the high open
    assert (result.injured_min, result.injured_max) == (5, 5)
    assert (result.captured_min, result.captured_max) == (8, 8)


def test_sources_count_articles_and_list_names_once_in_publication_order() -> None:
    result = table(
        row("k", "late.txt", source="Late Paper", published=DAY + dt.timedelta(days=3), source_url="http://l/1"),
        row("k", "early.txt", source="Early Wire", published=DAY, source_url="http://e/1"),
        row("k", "early.txt", source="Early Wire", published=DAY, mention="Gao airport", location="Gao airport"),
        row("k", "again.txt", source="Early Wire", published=DAY + dt.timedelta(days=1)),
    ).iloc[0]
    assert result.sources == 3
    assert result.source == "Early Wire; Late Paper"
    assert result.source_url == "http://e/1; http://l/1"
    assert result.article == "early.txt; again.txt; late.txt"
    assert result.published == pd.Timestamp(DAY)
    assert result.evidence == "Sentence of early.txt. | Sentence of again.txt. | Sentence of late.txt."


def test_the_most_precise_place_with_a_point_is_shown() -> None:
    district = dict(TOWN, location="Chateau", mention="Chateau")
    region = dict(TOWN, location="Gao Region", latitude=16.0, longitude=0.5)
    result = table(
        row("k", "a.txt", geo_precision="region", **region),
        row("k", "b.txt", geo_precision="town", **district),
        row("k", "c.txt", geo_precision="place", **dict(TOWN, location="Nowhere", latitude=None, longitude=None)),
        row("k", "d.txt", geo_precision="place"),
    ).iloc[0]
    assert (result.location, result.geo_precision, result.latitude) == ("Gao", "place", TOWN["latitude"])
    no_place_row = table(
        row("k", "b.txt", geo_precision="town", **district),
        row("k", "c.txt", geo_precision="place", **dict(TOWN, location="Nowhere", latitude=None, longitude=None)),
    ).iloc[0]
    assert (no_place_row.location, no_place_row.geo_precision) == ("Chateau", "town")


def test_the_most_precise_date_and_the_usual_event_type_are_shown() -> None:
    result = table(
        row("k", "a.txt", date=DAY - dt.timedelta(days=6), date_precision="week", event_type="clash"),
        row("k", "b.txt", date=DAY + dt.timedelta(days=1), event_type="armed attack"),
        row("k", "c.txt", date=DAY, event_type="armed attack"),
        row("k", "c.txt", event_type="mention"),
    ).iloc[0]
    assert result.date == pd.Timestamp(DAY)
    assert result.date_precision == "day"
    assert result.event_type == "armed attack"
    only_mentions = table(row("m", "a.txt", event_type="mention")).iloc[0]
    assert only_mentions.event_type == "mention"


def test_the_incident_table_follows_the_schema_and_survives_a_round_trip(tmp_path) -> None:
    result = table(row("a", "x.txt", killed_min=3, killed_max=3), row("a", "y.txt", killed_min=5, killed_max=None),
                   row("b", "z.txt", date=None, date_precision="unknown", latitude=None, longitude=None))
    path = write_table(result, tmp_path / "incidents.csv")
    back = read_table(path)
    assert is_incident_table(back)
    pd.testing.assert_frame_equal(back, validate(result))


def test_no_reports_give_an_empty_incident_table() -> None:
    result = table()
    assert result.empty and list(result.columns) == [*INCIDENT_COLUMNS, "review"]


# --- an incident of one report: taken column by column, as its group of one would be summarised ---------


def _every_group_summarised(reports: pd.DataFrame) -> pd.DataFrame:
    """The reference: every incident, one report or many, through the group summary."""
    from dashboard.aggregate import _summarise
    from dashboard.schema import COLUMNS, coerce

    names = [*COLUMNS, "review"]
    groups: dict[str, list[dict]] = {}
    for values in zip(*(reports[name].tolist() for name in names)):
        record = dict(zip(names, values))
        groups.setdefault(record["incident_id"], []).append(record)
    return coerce(pd.DataFrame([_summarise(g) for g in groups.values()], columns=[*INCIDENT_COLUMNS, "review"]))


def _mixed_reports(seed: int) -> pd.DataFrame:
    import random

    rng = random.Random(seed)
    odd_texts = ["", " padded ", "A; B; A", "A;  B", "x; ", "plain", "=SUM(A1)", "Ünïcode"]
    rows = []
    for n in range(60):
        killed = rng.choice([None, 0, 3, 12])
        rows.append(row(
            f"i{rng.randint(0, 30)}", f"{n}.txt", source=rng.choice(odd_texts), title=rng.choice(odd_texts),
            source_url=rng.choice(odd_texts), actor=rng.choice(["", "gunmen", " militants "]),
            evidence=rng.choice(["A bomb went off.", "  Spaced sentence.  ", "Sentence | with a bar."]),
            event_type=rng.choice(["mention", "armed attack", "clash"]),
            killed_min=killed, killed_max=rng.choice([killed, None]) if killed is not None else None,
            date=rng.choice([DAY, None]) if rng.random() < 0.5 else DAY,
            date_precision="day", published=rng.choice([DAY, None]),
            **rng.choice([TOWN, dict(TOWN, latitude=None, longitude=None)]),
        ))
    frame = validate(to_frame([_unknown_when_undated(r) for r in rows]))
    frame["review"] = [rng.choice(["unreviewed", "verified", "corrected", "rejected"]) for _ in range(len(frame))]
    return frame


def _unknown_when_undated(record: Incident) -> Incident:
    return record if record.date is not None else dataclasses.replace(record, date_precision="unknown")


@pytest.mark.parametrize("seed", range(8))
def test_incidents_of_one_report_are_those_of_their_group_summary(seed: int) -> None:
    reports = _mixed_reports(seed)
    result = incidents_from_reports(reports)
    assert (result.sources == 1).any() and (result.sources > 1).any()  # both kinds are in the table
    pd.testing.assert_frame_equal(result, _every_group_summarised(reports))


def test_an_incident_of_one_report_trims_its_names_and_evidence() -> None:
    result = table(row("a", "x.txt", source="Wire; Paper; Wire", title=" Headline ", evidence=" One sentence. ",
                       event_type="mention", actor="")).iloc[0]
    assert (result.source, result.title, result.evidence) == ("Wire; Paper", "Headline", "One sentence.")
    assert (result.event_type, result.actor, result.sources) == ("mention", "", 1)
