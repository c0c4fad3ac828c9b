"""The review store: corrections keyed by a stable report key, a history that loses nothing, applied
to a table (and by every build), moved between machines as CSV."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pandas as pd
import pytest

from dashboard import cli
from dashboard.aggregate import incidents_from_reports
from dashboard.review import (
    Correction,
    ReviewError,
    ReviewStore,
    apply_reviews,
    default_path,
    export_csv,
    import_csv,
    report_keys,
)
from dashboard.schema import REVIEW_COLUMN, REVIEW_STATES, Incident, read_table, to_frame, validate, write_table

DAY = dt.date(2023, 3, 2)
README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def row(article: str, mention: str, evidence: str, incident_id: str = "x1", **fields) -> Incident:
    values = dict(
        incident_id=incident_id, date=DAY, date_precision="day", location=mention, mention=mention, admin1="North",
        country="Testland", country_code="TL", latitude=10.0, longitude=20.0, geo_precision="place",
        event_type="armed attack", killed_min=3, killed_max=3, injured_min=None, injured_max=None,
        captured_min=None, captured_max=None, actor="", source="Wire", source_url="", article=article,
        title="A title", published=DAY, evidence=evidence,
    )
    values.update(fields)
    return Incident(**values)


def reports(*rows: Incident) -> pd.DataFrame:
    return validate(to_frame(rows))


@pytest.fixture()
def table() -> pd.DataFrame:
    return reports(row("a.txt", "Alpha", "Gunmen killed three in Alpha.", "i1"),
                   row("a.txt", "Beta", "Gunmen killed three in Alpha.", "i1"),
                   row("b.txt", "Alpha", "Three died in Alpha.", "i2"))


@pytest.fixture()
def store(tmp_path: Path) -> ReviewStore:
    return ReviewStore(tmp_path / "t.csv.review.sqlite3")


def test_the_review_column_is_documented() -> None:
    column = REVIEW_COLUMN
    assert f"| `{column.name}` | {column.kind} | yes | {column.description} |" in README
    assert "## Reviewing rows" in README
    for state in REVIEW_STATES:
        assert f"`{state}`" in README


def test_keys_are_unique_and_survive_a_new_incident_id_and_other_articles(table: pd.DataFrame) -> None:
    keys = report_keys(table)
    assert keys.is_unique
    rebuilt = reports(row("z.txt", "Gamma", "Other news."),
                      row("a.txt", "Alpha", "Gunmen killed three in Alpha.", "joined"),
                      row("a.txt", "Beta", "Gunmen killed three in Alpha.", "joined"),
                      row("b.txt", "Alpha", "Three died in Alpha.", "joined"))
    assert list(report_keys(rebuilt))[1:] == list(keys)


def test_two_rows_alike_in_one_article_get_different_keys() -> None:
    same = reports(row("a.txt", "Alpha", "Two attacks in Alpha."), row("a.txt", "Alpha", "Two attacks in Alpha."))
    assert report_keys(same).is_unique


def test_apply_sets_values_and_states(table: pd.DataFrame, store: ReviewStore) -> None:
    keys = list(report_keys(table))
    store.add(Correction(keys[0], "Ann", values={"location": "Delta", "latitude": "11.5", "longitude": "21.25",
                                                 "killed_min": "4", "killed_max": "", "event_type": "clash"}))
    store.add(Correction(keys[1], "Bob", state="rejected", note="not an incident"))
    store.add(Correction(keys[2], "Ann", state="verified"))
    out = apply_reviews(table, store)
    assert list(out["review"]) == ["corrected", "rejected", "verified"]
    first = out.iloc[0]
    assert (first["location"], first["latitude"], first["longitude"]) == ("Delta", 11.5, 21.25)
    assert first["killed_min"] == 4 and pd.isna(first["killed_max"]) and first["event_type"] == "clash"
    assert out.iloc[2]["location"] == "Alpha"  # verified: unchanged
    validate(out)  # still a valid table
    assert list(apply_reviews(out, store)["location"]) == list(out["location"])  # applying twice changes nothing


def test_unreviewed_without_a_store_and_nothing_created(table: pd.DataFrame, tmp_path: Path) -> None:
    store = ReviewStore(tmp_path / "none.sqlite3", create=False)
    assert set(apply_reviews(table, store)["review"]) == {"unreviewed"}
    assert not store.path.exists()


def test_history_keeps_every_entry_and_the_state_folds_them(table: pd.DataFrame, store: ReviewStore) -> None:
    key = report_keys(table).iloc[0]
    store.add(Correction(key, "Ann", values={"actor": "Group A"}))
    store.add(Correction(key, "Bob", values={"killed_min": "5", "killed_max": "5"}))
    store.add(Correction(key, "Cy", state="verified"))
    history = store.history(key)
    assert list(history["reviewer"]) == ["Ann", "Bob", "Cy"]
    current = store.current().set_index("key").loc[key]
    assert (current["actor"], current["killed_min"], current["state"], current["reviewer"]) == (
        "Group A", "5", "verified", "Cy")


@pytest.mark.parametrize(("values", "message"), [
    ({"latitude": "95", "longitude": "1"}, "latitude"),
    ({"latitude": "5"}, "together"),
    ({"killed_min": "-1"}, "whole number"),
    ({"killed_min": "9", "killed_max": "2"}, "greater"),
    ({"event_type": "picnic"}, "event_type"),
    ({"date": "yesterday"}, "date"),
    ({"incident_id": "x"}, "cannot be corrected"),
])
def test_a_bad_correction_is_refused(store: ReviewStore, values: dict, message: str) -> None:
    with pytest.raises(ReviewError, match=message):
        store.add(Correction("k", "Ann", values=values))
    assert store.history().empty


def test_two_writers_at_once_lose_nothing(store: ReviewStore) -> None:
    store.add(Correction("k0", "setup", state="verified"))
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            for i in range(25):
                store.add(Correction(f"k{i % 3}", name, values={"note" if False else "actor": f"{name}{i}"}))
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=write, args=(name,)) for name in ("Ann", "Bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    history = store.history()
    assert len(history) == 51
    assert sorted(history[history["key"] == "k1"]["reviewer"].value_counts().to_dict().items()) == [
        ("Ann", 8), ("Bob", 8)]


def test_export_import_round_trip(table: pd.DataFrame, store: ReviewStore, tmp_path: Path) -> None:
    keys = list(report_keys(table))
    store.add(Correction(keys[0], "=cmd|' /C calc'!A0", values={"actor": "+Group", "killed_max": ""},
                         note="moved, see map"))
    store.add(Correction(keys[1], "Bob", state="rejected"))
    data = export_csv(store)
    assert b"'=cmd" in data and b"'+Group" in data  # formulas neutralised in the file
    other = ReviewStore(tmp_path / "other.sqlite3")
    assert import_csv(other, data) == 2
    assert import_csv(other, data) == 0  # the same file twice adds nothing
    pd.testing.assert_frame_equal(other.history(), store.history())
    pd.testing.assert_frame_equal(apply_reviews(table, other), apply_reviews(table, store))


@pytest.mark.parametrize("content", [
    b"not,the,header\n",
    b"\xff\xfe\x00",
    "key,at,reviewer\n".encode(),
])
def test_a_bad_import_stops_and_imports_nothing(store: ReviewStore, content: bytes) -> None:
    store.add(Correction("k", "Ann", state="verified"))
    with pytest.raises(ReviewError):
        import_csv(store, content)
    assert len(store.history()) == 1


def test_a_bad_line_late_in_the_file_imports_nothing(store: ReviewStore, tmp_path: Path) -> None:
    source = ReviewStore(tmp_path / "source.sqlite3")
    for i in range(3):
        source.add(Correction(f"k{i}", "Ann", values={"killed_min": str(i)}))
    lines = export_csv(source).decode().splitlines()
    lines[-1] = lines[-1].replace(",2,", ",two,")
    with pytest.raises(ReviewError, match="line 4"):
        import_csv(store, "\n".join(lines).encode())
    assert store.history().empty


def test_a_corrupt_database_stops_with_one_line_and_is_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"this is no database " * 200)
    before = path.read_bytes()
    store = ReviewStore(path)
    for action in (store.current, lambda: store.add(Correction("k", "Ann", state="verified")),
                   lambda: import_csv(store, export_csv(ReviewStore(tmp_path / "empty.sqlite3")))):
        with pytest.raises(ReviewError) as err:
            action()
        assert "\n" not in str(err.value)
    assert path.read_bytes() == before


def test_incidents_leave_out_rejected_reports_and_say_how_reviewed(store: ReviewStore) -> None:
    table = reports(row("a.txt", "Alpha", "One.", "i1", killed_min=3, killed_max=3),
                    row("b.txt", "Alpha", "Two.", "i1", killed_min=30, killed_max=30),
                    row("c.txt", "Beta", "Three.", "i2"))
    keys = list(report_keys(table))
    store.add(Correction(keys[1], "Ann", state="rejected"))
    store.add(Correction(keys[2], "Ann", state="rejected"))
    incidents = incidents_from_reports(apply_reviews(table, store))
    assert list(incidents["review"]) == ["unreviewed", "rejected"]
    assert incidents.iloc[0]["killed_max"] == 3 and incidents.iloc[0]["sources"] == 1


def test_cli_export_and_import(table: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = write_table(table, tmp_path / "t.csv")
    ReviewStore(default_path(data)).add(Correction(report_keys(table).iloc[0], "Ann", state="verified"))
    out = tmp_path / "moved.csv"
    assert cli.main(["review", "export", str(out), "--data", str(data)]) == 0
    copy = write_table(table, tmp_path / "copy.csv")
    assert cli.main(["review", "import", str(out), "--data", str(copy)]) == 0
    assert list(ReviewStore(default_path(copy)).history()["reviewer"]) == ["Ann"]
    bad = tmp_path / "bad.csv"
    bad.write_text("nonsense\n", encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["review", "import", str(bad), "--data", str(copy)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and err.count("\n") == 1
    assert len(ReviewStore(default_path(copy)).history()) == 1
    assert read_table(copy)["review"].tolist() == ["unreviewed"] * 3  # the table file itself is not rewritten
