"""The page against hostile input, through AppTest: bad query values and text that is Markdown or HTML.

A bad value of any filter parameter is dropped with a note that names the parameter (never the
value); text from the table is drawn only by elements that show plain text.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.schema import C
from dashboard.ui import panels
from tests.ui.tables import (
    HTML_IMAGE, IMAGE_HOST, MARKDOWN_IMAGE, image_reports, write_reports, write_table_quoting_an_image,
)
from tests.ui.test_app import shown, start

#: Elements that draw their text as plain text (no Markdown, no HTML): st.text, st.code, table
#: cells, the options of a multiselect (the widget's label and help are Markdown, its options not),
#: and the value of a text input (the review form shows a row's values to correct).
PLAIN = {"text", "code", "dataframe", "multiselect", "text_input"}


def warnings(app: AppTest) -> list[str]:
    return [warning.value for warning in app.warning]


@pytest.mark.parametrize(("query", "parameter"), [
    ({"killed": "\u00b2"}, "killed"),  # a superscript two: str.isdigit() says yes, int() says no
    ({"killed": "9" * 5000}, "killed"),  # more digits than int() reads
    ({"killed": "-3"}, "killed"),
    ({"killed": "1e3"}, "killed"),
    ({"killed": "1_000"}, "killed"),
    ({"killed": "\ufffd"}, "killed"),  # what an invalid %FF becomes
    ({"killed": "12345678901"}, "killed"),
    ({"from": "yesterday"}, "from"),
    ({"to": "2024-02-30"}, "to"),
    ({"from": "20240301"}, "from"),
    ({"from": "2024-03-05", "to": "2024-03-02"}, "from, to"),
    ({"from": "1999-01-01"}, "from, to"),  # before the table's first day
    ({"type": "picnic"}, "type"),
    ({"view": "<b>x</b>"}, "view"),
    ({"mentions": "yes"}, "mentions"),
    ({"place": "Atlantis"}, "place"),
    ({"source": ["Daily Example", "Nobody"]}, "source"),
])
def test_a_bad_query_value_is_ignored_with_a_note(monkeypatch, tmp_path, query, parameter) -> None:
    app = start(monkeypatch, write_reports(tmp_path), query)  # start() asserts no exception
    [note] = warnings(app)
    assert note.startswith("Ignored in the page's address: " + parameter + ":"), note
    for value in query.values():
        for one in [value] if isinstance(value, str) else value:
            if one not in ("Daily Example",):
                assert one not in note  # the untrusted value is not echoed
    assert len(shown(app)) >= 1  # the page is there, with its table
    kept = dict(app.query_params)  # the address is rewritten without the bad value
    assert all(key not in kept for key in parameter.split(", ") if key != "source")


def test_good_values_beside_a_bad_one_are_kept(monkeypatch, tmp_path) -> None:
    app = start(monkeypatch, write_reports(tmp_path), {"killed": "9" * 5000, "type": "capture/arrest"})
    assert list(shown(app)[C.incident_id]) == ["inc-east"]
    assert app.sidebar.number_input(key="filter_min_killed").value == 0
    assert dict(app.query_params) == {"type": "capture/arrest"}


def test_hundreds_of_places_in_the_address_are_read_once_each(monkeypatch, tmp_path) -> None:
    # (Streamlit itself ignores a query string of more than 1,000 parameters)
    places = ["Hilltop"] * 3 + [f"Nowhere {n}" for n in range(990)]
    app = start(monkeypatch, write_reports(tmp_path), {"place": places})
    assert list(shown(app)[C.incident_id]) == ["inc-hill"]
    assert warnings(app) == ["Ignored in the page's address: place: 990 value(s) not in this table"]


def test_a_good_address_has_no_note_and_a_note_goes_when_a_filter_changes(monkeypatch, tmp_path) -> None:
    path = write_reports(tmp_path)
    assert warnings(start(monkeypatch, path, {"killed": "20", "from": "2024-03-02"})) == []
    app = start(monkeypatch, path, {"killed": "\u00b2"})
    app.run()  # a rerun with the same filters keeps the note
    assert len(warnings(app)) == 1
    app.sidebar.text_input(key="filter_text").input("arrested").run()
    assert warnings(app) == []


def elements(node) -> list:
    """Every element below ``node`` of AppTest's tree."""
    children = getattr(node, "children", None)
    if children is None:
        return [node]
    return [element for child in children.values() for element in elements(child)]


def drawn_with(app: AppTest, needle: str) -> set[str]:
    """The types of the elements whose message holds ``needle``."""
    return {element.type for element in elements(app._tree) if needle in str(element.proto)}


def clicking(monkeypatch, lat: float, lng: float) -> None:
    """The map reports a click on (lat, lng), as streamlit-folium does after a marker click."""
    monkeypatch.setattr(panels, "st_folium", lambda *args, **kwargs: {"last_object_clicked": {"lat": lat, "lng": lng}})


def test_image_markup_in_the_table_is_drawn_as_plain_text_only(monkeypatch, tmp_path) -> None:
    clicking(monkeypatch, 12.0, 22.0)  # Hilltop, whose text cells hold the image markup
    app = start(monkeypatch, write_reports(tmp_path, image_reports()))
    texts = [text.value for text in app.text]
    assert f"as written: {MARKDOWN_IMAGE} {HTML_IMAGE}" in texts  # the details panel, as written
    assert any(MARKDOWN_IMAGE in text and HTML_IMAGE in text for text in texts)  # the evidence
    assert IMAGE_HOST in str(shown(app)[C.mention].tolist())  # the table
    assert drawn_with(app, IMAGE_HOST) <= PLAIN, drawn_with(app, IMAGE_HOST)
    assert {"text", "dataframe", "multiselect"} <= drawn_with(app, IMAGE_HOST)


def test_a_bad_files_message_quoting_image_markup_is_plain_text(monkeypatch, tmp_path) -> None:
    app = start(monkeypatch, write_table_quoting_an_image(tmp_path))
    assert [error.value for error in app.error] == ["The table cannot be shown."]
    assert any(MARKDOWN_IMAGE in text.value for text in app.text)
    assert drawn_with(app, IMAGE_HOST) == {"text"}


def test_a_file_name_is_plain_text(monkeypatch, tmp_path) -> None:
    app = start(monkeypatch, write_reports(tmp_path, name="**bold** ![x](x.png).csv"))
    assert any(text.value.startswith("**bold** ![x](x.png).csv: 5 of ") for text in app.text)
    assert drawn_with(app, "**bold**") <= PLAIN | {"download_button"}  # a download's file name is no Markdown
