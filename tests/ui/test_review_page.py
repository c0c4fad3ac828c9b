"""Reviewing in the page (AppTest): verify, reject, correct a report row; read-only shows no control."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.review import ReviewStore, default_path, report_keys
from dashboard.schema import C, read_table
from tests.ui.tables import write_reports
from tests.ui.test_app import shown, start
from tests.ui.test_page_hostile import clicking

HILLTOP = (12.0, 22.0)  # one report, c1.txt


@pytest.fixture()
def data(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.delenv("DASHBOARD_READ_ONLY", raising=False)
    monkeypatch.delenv("DASHBOARD_REVIEW_DB", raising=False)
    clicking(monkeypatch, *HILLTOP)
    return write_reports(tmp_path)


def hill_key(path: Path) -> str:
    table = read_table(path)
    return str(report_keys(table)[table[C.location] == "Hilltop"].iloc[0])


def history(path: Path):
    return ReviewStore(default_path(path)).history()


def named(app, name: str = "Ann"):
    app.text_input(key="review_name").input(name)
    return app


def test_verify_is_stored_with_who_and_shown(monkeypatch, data: Path) -> None:
    app = named(start(monkeypatch, data))
    key = hill_key(data)
    app.button(key=f"verify_{key}").click().run()
    assert not app.exception
    entries = history(data)
    assert list(zip(entries["key"], entries["reviewer"], entries["state"])) == [(key, "Ann", "verified")]
    assert "review: verified" in [t.value for t in app.text]
    assert "verified" in shown(app)[C.review].tolist()


def test_verify_without_a_name_stores_nothing(monkeypatch, data: Path) -> None:
    app = start(monkeypatch, data)
    app.button(key=f"verify_{hill_key(data)}").click().run()
    assert [e.value for e in app.error] == ["Review not saved."]
    assert not default_path(data).exists() or history(data).empty


def test_reject_hides_the_row_unless_the_filter_shows_it(monkeypatch, data: Path) -> None:
    app = named(start(monkeypatch, data))
    assert "Hilltop" in shown(app)[C.location].tolist()
    app.button(key=f"reject_{hill_key(data)}").click().run()
    assert "Hilltop" not in shown(app)[C.location].tolist()
    app.multiselect(key="filter_reviews").set_value(["rejected"]).run()
    assert shown(app)[C.location].tolist() == ["Hilltop"]


def test_correct_tolls_and_place_is_stored_and_shown(monkeypatch, data: Path) -> None:
    app = named(start(monkeypatch, data))
    key = hill_key(data)
    app.text_input(key=f"review_{key}_killed_min").input("2")
    app.text_input(key=f"review_{key}_killed_max").input("5")
    app.text_input(key=f"review_{key}_location").input("Hill Fort")
    app.text_input(key=f"review_{key}_note").input("figures from the ministry")
    app.button(key=f"save_{key}").click().run()
    assert not app.exception
    entry = history(data).iloc[0]
    assert (entry["killed_min"], entry["killed_max"], entry["location"], entry["state"]) == ("2", "5", "Hill Fort", None)
    assert entry["latitude"] is None  # untouched fields are not part of the entry
    row = shown(app).set_index(C.location).loc["Hill Fort"]
    assert (row[C.killed_min], row[C.killed_max], row[C.review]) == (2, 5, "corrected")


def test_a_bad_correction_says_why_and_stores_nothing(monkeypatch, data: Path) -> None:
    app = named(start(monkeypatch, data))
    key = hill_key(data)
    app.text_input(key=f"review_{key}_latitude").input("123")
    app.button(key=f"save_{key}").click().run()
    assert [e.value for e in app.error] == ["Review not saved."]
    assert any("latitude" in t.value and "outside" in t.value for t in app.text)
    assert not default_path(data).exists() or history(data).empty


EDITING = {"Verify", "Reject", "Save correction", "Your name (for reviews)", "Correct this row"}


def controls(app) -> set[str]:
    return {w.label for w in [*app.button, *app.text_input, *app.expander]}


@pytest.mark.parametrize("read_only", ["true", "false"])
def test_read_only_shows_no_editing_control(monkeypatch, data: Path, read_only: str) -> None:
    monkeypatch.setenv("DASHBOARD_READ_ONLY", read_only)
    app = start(monkeypatch, data)
    assert any(t.value == "Hilltop" for t in app.text)  # the details are there either way
    if read_only == "true":
        assert not EDITING & controls(app), controls(app)
    else:
        assert EDITING <= controls(app), controls(app)
