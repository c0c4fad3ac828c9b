"""The app's logic through Streamlit's AppTest: each filter, the URL, summary, table, downloads, errors."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from dashboard.aggregate import incidents_from_reports
from dashboard.schema import C, read_table, write_table
from dashboard.ui import panels
from dashboard.ui.data import DATA_ENV
from dashboard.ui.export import csv_bytes
from tests.ui.tables import sample_reports, write_reports

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


@pytest.fixture()
def downloads(monkeypatch) -> dict[str, Callable[[], bytes]]:
    """Each download button's deferred data callable, by file name (AppTest does not serve files)."""
    recorded: dict[str, Callable[[], bytes]] = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        recorded[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return recorded


def start(monkeypatch, path: Path, query: dict[str, str | list[str]] | None = None) -> AppTest:
    monkeypatch.setenv(DATA_ENV, str(path))
    monkeypatch.setenv("DASHBOARD_TILES", "none")
    app = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, app.exception
    return app


@pytest.fixture()
def reports_file(tmp_path) -> Path:
    return write_reports(tmp_path)


def shown(app: AppTest) -> pd.DataFrame:
    return app.dataframe[0].value


def query(app: AppTest, key: str) -> list[str]:
    value = app.query_params[key]
    return [value] if isinstance(value, str) else list(value)


def metrics(app: AppTest) -> dict[str, str]:
    """The summary's figures by label (they are drawn as HTML, see dashboard.ui.summary_html)."""
    [block] = app.get("html")
    return dict(re.findall(r'data-label="([^"]+)".*?class="incident-figure-value"[^>]*>([^<]*)<', block.proto.body))


def test_opens_on_incidents_with_mentions_hidden(monkeypatch, reports_file) -> None:
    app = start(monkeypatch, reports_file)
    assert list(shown(app)[C.incident_id]) == ["inc-harbor", "inc-market", "inc-bridge", "inc-hill", "inc-east"]
    assert metrics(app) == {"Incidents": "5", "Places": "5", "Sources": "3",
                            "Killed (min-max)": "53+", "Injured (min-max)": "5"}
    assert not app.error
    [summary] = app.get("html")  # with the timeline: incidents per day, coloured by type
    assert "Incidents per day by type" in summary.proto.body
    assert summary.proto.body.count('class="incident-bar"') == 5  # one bar per day with an incident (mentions hidden)


def test_switch_to_reports(monkeypatch, reports_file) -> None:
    app = start(monkeypatch, reports_file)
    app.sidebar.radio(key="filter_view").set_value("reports").run()
    assert len(shown(app)) == 6  # seven reports, one of them a mention
    assert metrics(app)["Incidents"] == "5"
    assert query(app, "view") == ["reports"]


def test_incident_table_has_no_switch(monkeypatch, tmp_path) -> None:
    path = tmp_path / "incidents.csv"
    write_table(incidents_from_reports(sample_reports()), path)
    app = start(monkeypatch, path)
    assert len(app.sidebar.radio) == 0
    assert len(shown(app)) == 5


def test_location_filter_selects_the_neighbourhood_and_goes_to_the_url(monkeypatch, reports_file) -> None:
    app = start(monkeypatch, reports_file)
    app.sidebar.multiselect(key="filter_locations").select("Harbor City").run()
    assert list(shown(app)[C.incident_id]) == ["inc-harbor", "inc-market"]
    assert query(app, "place") == ["Harbor City"]


def test_source_filter(monkeypatch, reports_file) -> None:
    app = start(monkeypatch, reports_file)
    app.sidebar.multiselect(key="filter_sources").select("Evening Example").run()
    assert list(shown(app)[C.incident_id]) == ["inc-harbor", "inc-bridge"]


def test_date_range_filter(monkeypatch, reports_file) -> None:
    app = start(monkeypatch, reports_file)
    app.sidebar.date_input(key="filter_dates").set_value((dt.date(2024, 3, 3), dt.date(2024, 3, 4))).run()
    assert list(shown(app)[C.incident_id]) == ["inc-bridge", "inc-east"]
    assert query(app, "from") == ["2024-03-03"]


def test_event_type_filter(monkeypatch, reports_file) -> None:
    app = start(monkeypatch, reports_file)
    app.sidebar.multiselect(key="filter_event_types").select("capture/arrest").run()
    assert list(shown(app)[C.incident_id]) == ["inc-east"]


def test_minimum_killed_filter(monkeypatch, reports_file) -> None:
    app = start(monkeypatch, reports_file)
    app.sidebar.number_input(key="filter_min_killed").set_value(20).run()
    assert list(shown(app)[C.incident_id]) == ["inc-market"]
    assert metrics(app)["Killed (min-max)"] == "40+"


def test_text_search_filter(monkeypatch, reports_file) -> None:
    app = start(monkeypatch, reports_file)
    app.sidebar.text_input(key="filter_text").input("arrested").run()
    assert list(shown(app)[C.incident_id]) == ["inc-east"]


def test_mention_switch(monkeypatch, reports_file) -> None:
    app = start(monkeypatch, reports_file)
    app.sidebar.toggle(key="filter_show_mentions").set_value(True).run()
    assert "inc-lake" in list(shown(app)[C.incident_id])


def test_url_query_restores_filters_and_reset_clears_them(monkeypatch, reports_file) -> None:
    app = start(monkeypatch, reports_file, {"type": ["air or missile strike", "capture/arrest"], "q": "police"})
    assert list(shown(app)[C.incident_id]) == ["inc-east"]
    assert app.sidebar.text_input(key="filter_text").value == "police"
    app.sidebar.button(key="filter_reset").click().run()
    assert len(shown(app)) == 5
    assert dict(app.query_params) == {}


def test_a_large_file_opens_with_the_table_closed_and_it_stays_open_once_opened(monkeypatch, reports_file) -> None:
    monkeypatch.setattr(panels, "TABLE_OPEN_ROWS", 4)  # the sample file has 5 incidents: "large"
    app = start(monkeypatch, reports_file)
    assert len(app.dataframe) == 0 and app.expander[0].label == "Table of the filtered rows"
    app.session_state[panels.TABLE_KEY] = True  # what a click on the expander does
    app.run()
    assert len(shown(app)) == 5
    app.sidebar.text_input(key="filter_text").input("arrested").run()  # a filter change keeps it open
    assert list(shown(app)[C.incident_id]) == ["inc-east"]


def test_the_table_shows_at_most_its_limit_and_says_so(monkeypatch, reports_file) -> None:
    monkeypatch.setattr(panels, "TABLE_MAX_ROWS", 2)
    app = start(monkeypatch, reports_file)
    assert len(shown(app)) == 2
    assert any("first 2 of 5 rows" in caption.value for caption in app.caption)


def test_downloads_are_exactly_the_filtered_rows(monkeypatch, reports_file, downloads) -> None:
    app = start(monkeypatch, reports_file)
    app.sidebar.multiselect(key="filter_locations").select("Harbor City").run()
    csv_name = next(name for name in downloads if name.endswith(".csv"))
    data = downloads[csv_name]()
    table = shown(app)
    assert data == csv_bytes(table)
    back = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert list(back[C.incident_id]) == list(table[C.incident_id]) == ["inc-harbor", "inc-market"]
    assert back[C.source].tolist() == ["Daily Example; Evening Example", "Daily Example"]
    geojson_name = next(name for name in downloads if name.endswith(".geojson"))
    assert b'"inc-market"' in downloads[geojson_name]() and b'"inc-east"' not in downloads[geojson_name]()


def test_a_file_that_is_not_a_table_gets_a_message(monkeypatch, tmp_path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("name,colour\nx,blue\n", encoding="utf-8")
    app = start(monkeypatch, path)
    assert [error.value for error in app.error] == ["The table cannot be shown."]
    [message] = [text.value for text in app.text]  # the reason, as plain text
    assert "not an incident table" in message and "missing column" in message
    assert len(app.dataframe) == 0


def test_a_missing_file_gets_a_message(monkeypatch, tmp_path) -> None:
    app = start(monkeypatch, tmp_path / "absent.csv")
    assert len(app.error) == 1
    assert "cannot be opened" in app.text[0].value


def test_the_table_on_disk_is_read_again_when_it_changes(monkeypatch, reports_file) -> None:
    app = start(monkeypatch, reports_file)
    smaller = read_table(reports_file).head(2)
    write_table(smaller, reports_file)
    app.run()
    assert list(shown(app)[C.incident_id]) == ["inc-harbor"]


def test_the_filters_are_read_before_the_map_and_drawn_at_the_top_of_the_sidebar(monkeypatch, reports_file) -> None:
    """The page reads the filters' state before the map and draws their widgets after it: the
    state is the widgets' (a filter set through the URL and one set through a widget both apply)
    and the filters keep their place at the top of the sidebar, above "Add articles"."""
    app = start(monkeypatch, reports_file, {"place": "Harbor City"})
    assert list(shown(app)[C.incident_id]) == ["inc-harbor", "inc-market"]
    assert app.sidebar.multiselect(key="filter_locations").value == ["Harbor City"]
    app.sidebar.multiselect(key="filter_sources").select("Evening Example").run()
    assert list(shown(app)[C.incident_id]) == ["inc-harbor"]
    assert query(app, "place") == ["Harbor City"] and query(app, "source") == ["Evening Example"]
    sidebar = list(app.sidebar)  # the sidebar's elements, depth first, in the order they are shown
    kinds = [getattr(node, "type", "") for node in sidebar]
    header = kinds.index("header")
    assert sidebar[header].value == "Filters"
    articles = [i for i, node in enumerate(sidebar) if getattr(node, "label", "") == "Add articles"]
    assert articles and all(i > header for i in articles), kinds
