"""Integration: the build over ../shared/seeds shows what issue 2 asks (places, tolls, dates, sources)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard.geodesy import km_between
from dashboard import schema
from dashboard.preprocess.pipeline import BuildOptions, run_build
from dashboard.settings import Settings
from dashboard.schema import C

# Real positions (GeoNames / OpenStreetMap), to check the build against, not used by it.
KIRKUK = (35.4681, 44.3922)
DAQUQ = (35.1375, 44.4503)
HAWIJA = (35.3267, 43.7758)
IRAQ_BOX = (29.0, 38.8, 38.7, 48.8)  # south, north, west, east
KIRKUK_CITY_KM = 8.0


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return km_between(*a, *b)


@pytest.fixture(scope="module")
def built(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    out = tmp_path_factory.mktemp("build")
    summary = run_build(BuildOptions(inputs=(seeds_dir,), out=out / "reports.csv", incidents_out=out / "incidents.csv",
                                     manifest=seeds_dir / "manifest.csv", settings=Settings(geocoder="none")))
    assert summary.articles_read == 2 and not summary.skipped
    return schema.read_table(out / "reports.csv"), schema.read_table(out / "incidents.csv")


def rows_at(table: pd.DataFrame, words: str) -> pd.DataFrame:
    return table[table[C.mention].str.contains(words, case=False, regex=False)]


def point(row: pd.Series) -> tuple[float, float]:
    return float(row[C.latitude]), float(row[C.longitude])


@pytest.mark.parametrize(
    ("words", "where", "within_km"),
    [("Kirkuk", KIRKUK, 12.0), ("Dakuk", DAQUQ, 12.0), ("Hawija", HAWIJA, 12.0),
     ("Domiz", KIRKUK, KIRKUK_CITY_KM), ("Aruba", KIRKUK, KIRKUK_CITY_KM)],
)
def test_named_places_are_found_near_the_real_place(built, words: str, where, within_km: float) -> None:
    reports, _ = built
    rows = rows_at(reports, words)
    assert not rows.empty, f"no row for {words}"
    for _, row in rows.iterrows():
        assert km(point(row), where) <= within_km, f"{words} resolved to {row[C.location]} at {point(row)}"


def test_dakuk_resolves_to_daquq(built) -> None:
    reports, _ = built
    assert set(rows_at(reports, "Dakuk")[C.location]) == {"Daquq"}


def test_every_row_is_inside_iraq_with_source_and_evidence(built) -> None:
    reports, _ = built
    south, north, west, east = IRAQ_BOX
    assert (reports[C.country_code] == "IQ").all()
    assert reports[C.latitude].between(south, north).all() and reports[C.longitude].between(west, east).all()
    assert (reports[C.source].str.len() > 0).all() and (reports[C.evidence].str.len() > 0).all()


def test_dakuk_mosque_strike_killed_15_injured_53(built) -> None:
    reports, _ = built
    strike = rows_at(reports, "Dakuk")
    strike = strike[strike[C.killed_min].notna()]
    assert len(strike) == 1
    row = strike.iloc[0]
    assert (row[C.killed_min], row[C.killed_max], row[C.injured_min], row[C.injured_max]) == (15, 15, 53, 53)
    assert row[C.event_type] == "air or missile strike"


def test_power_plant_north_of_kirkuk_killed_10(built) -> None:
    reports, _ = built
    plant = reports[reports[C.evidence].str.contains("power plant") & (reports[C.killed_min] == 10)]
    assert len(plant) == 1
    assert plant.iloc[0][C.killed_max] == 10 and plant.iloc[0][C.location] == "Kirkuk"


def test_more_than_40_died_is_a_lower_bound_from_ara_news(built) -> None:
    reports, _ = built
    rows = reports[reports[C.killed_min] == 40]
    assert len(rows) == 1
    assert pd.isna(rows.iloc[0][C.killed_max]) and rows.iloc[0][C.source] == "ARA News"


def test_eight_captured_on_the_sunday_after_the_attack(built) -> None:
    reports, _ = built
    rows = reports[reports[C.captured_min] == 8]
    assert len(rows) == 1
    assert rows.iloc[0][C.captured_max] == 8
    assert rows.iloc[0][C.date] == pd.Timestamp("2016-10-23") and rows.iloc[0][C.date_precision] == "day"


def test_places_named_only_as_context_carry_no_toll(built) -> None:
    reports, _ = built
    for name in ("Mosul", "Hawija", "Erbil", "Baghdad"):
        rows = rows_at(reports, name)
        assert not rows.empty, f"{name} is named and must be findable"
        assert rows[list(schema.TOLL_COLUMNS)].isna().all().all(), f"{name} got a toll"


def test_combined_and_non_toll_numbers_give_no_toll(built) -> None:
    reports, _ = built
    tolls = reports[list(schema.TOLL_COLUMNS)]
    assert not tolls.isin([100, 37, 7, 3_000_000]).any().any()

