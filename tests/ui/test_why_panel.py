"""The "Why here, why this toll" section, the popup brief and the place search: pure parts, hostile text."""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from dashboard.errors import DashboardError
from dashboard.schema import C
from dashboard.ui.reviewing import place_values, point_values
from dashboard.ui.why import brief, briefs, marked_parts, search_places, why_html
from dashboard.why import (FORMAT, Span, WhyData, WhyPlace, WhyRow, parse_why, read_why, row_json, why_bytes,
                           why_chunks, why_file)

HOSTILE = '<script>window.__x=1</script><img src=x onerror="alert(1)">**bold** [a](http://127.0.0.2/x) & "q"'


def place(name: str, population: int = 0, kind: str = "town", admin1: str = "North", score: float | None = None
          ) -> WhyPlace:
    return WhyPlace(name, kind, admin1, "Examplestan", "EX", population, 10.5, 20.25, score)


class Tags(HTMLParser):
    """Every start tag and attribute of an HTML text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]


def tags_of(text: str) -> Tags:
    parser = Tags()
    parser.feed(text)
    return parser


def test_marked_parts_cut_the_sentence_at_its_spans_and_keep_every_character() -> None:
    sentence = "A bomb in Daquq killed five people."
    spans = (Span(10, 15, "place"), Span(23, 34, "killed"), Span(12, 14, "place"))  # the last overlaps: dropped
    parts = marked_parts(sentence, spans)
    assert "".join(text for text, _ in parts) == sentence
    assert [(t, w) for t, w in parts if w] == [("Daquq", "place"), ("five people", "killed")]


def test_hostile_text_in_every_field_is_escaped_and_makes_no_tag_but_ours() -> None:
    evidence = HOSTILE + " in Daquq killed five people."
    start = evidence.index("Daquq")
    why = WhyRow(HOSTILE, place(HOSTILE, 5000, kind=HOSTILE, admin1=HOSTILE),
                 beaten=(place(HOSTILE, 10, score=1.5),), unbacked=(place(HOSTILE),), reasons=(HOSTILE,),
                 spans=(Span(0, 10, "place"), Span(start, start + 5, "place"),
                        Span(start + 13, len(evidence) - 1, HOSTILE)))
    text = why_html(why, evidence)
    found = tags_of(text)
    assert set(found.tags) <= {"div", "b", "ul", "li", "mark"}  # no script, img, a ...
    assert set(found.attributes) <= {"class", "style", "data-why", "title"}  # no onerror, src, href
    assert "<script" not in text and "<img" not in text
    assert html.escape(HOSTILE) in text  # shown as the text it is
    assert text.count("<mark") == 3


def test_the_brief_says_the_place_how_many_it_beat_and_what_decided_first() -> None:
    why = WhyRow("Daquq", place("Daquq", 1000), beaten=(place("Daquq East"),), unbacked=(place("Daquk"),),
                 reasons=("near another place named (Kirkuk, 40 km)", "the largest"))
    assert brief(why) == "Daquq, town (over 2 others): near another place named (Kirkuk, 40 km)"
    assert brief(WhyRow("X", None, reasons=("no place found",))) == "no place found"
    assert brief(None) == ""


def test_briefs_of_incident_rows_come_from_their_first_report() -> None:
    reports = pd.DataFrame({C.incident_id: ["i1", "i1", "i2"]}, index=[10, 11, 12])
    keys = pd.Series(["k1", "k2", "k3"], index=reports.index)
    data = WhyData({"k1": WhyRow("A", place("A")), "k3": WhyRow("C", place("C"))}, ())
    incidents = pd.DataFrame({C.incident_id: ["i2", "i1", "i3"]})
    assert briefs(incidents, keys, data, reports).tolist() == ["C, town", "A, town", ""]
    assert briefs(reports, keys, data).tolist() == ["A, town", "", "C, town"]
    assert briefs(reports, keys, None).tolist() == ["", "", ""]


def test_the_search_finds_names_by_their_start_then_inside_without_accents() -> None:
    places = (place("Kirkuk", 900), place("Daquq", 50), place("Al Daquqiya", 40), place("Dāqūq Camp", 10))
    assert [p.name for p in search_places(places, "daq")] == ["Daquq", "Dāqūq Camp", "Al Daquqiya"]
    assert search_places(places, "  ") == []
    assert search_places(places, "zzz") == []


def test_a_place_correction_moves_the_row_whole() -> None:
    values = place_values(place("Daquq", 1000))
    assert values == {C.location: "Daquq", C.latitude: "10.5", C.longitude: "20.25", C.geo_precision: "place",
                      C.admin1: "North", C.country: "Examplestan"}
    assert point_values(35.123456789, 44.5) == {C.latitude: "35.123457", C.longitude: "44.500000",
                                                C.geo_precision: "place"}


def test_the_why_file_joined_from_each_rows_text_is_the_file_encoded_at_once() -> None:
    # Each row's explanation is made as JSON text where the row is made; the file joins them.
    rows = {"b\u00e9/\"2\"": WhyRow(HOSTILE + "\n\u0645\u0648\u0635\u0644", place("D\u00e2quq", 3, score=2.25),
                                   (place("B"),), (place("U"),), ("r", "\t"), (Span(1, 2, "killed"),)),
            "a": WhyRow("", None), "c\\": WhyRow("x", place("Y"))}
    places = (place("P"), place("\u00c7ukurca", 7))
    at_once = json.dumps({"format": FORMAT, "rows": {key: rows[key].to_json() for key in sorted(rows)},
                          "places": [p.to_list() for p in places]}, ensure_ascii=False, separators=(",", ":"))
    assert why_bytes(rows, places) == at_once.encode("utf-8")
    texts = {key: row_json(row.to_json()) for key, row in rows.items()}
    lists = [p.to_list() for p in places]
    assert all(b"".join(why_chunks(texts, lists, size)) == at_once.encode("utf-8") for size in (1, 2, 3, 9))
    assert why_bytes({}, ()) == b'{"format":1,"rows":{},"places":[]}'
    assert parse_why(why_bytes(rows, places)) == WhyData(rows, places)


def test_the_why_file_reads_back_what_was_written_and_a_bad_one_is_one_line(tmp_path: Path) -> None:
    rows = {"k": WhyRow(HOSTILE, place("Daquq", 3, score=2.25), (place("B"),), (), ("r",), (Span(1, 2, "killed"),))}
    table = tmp_path / "reports.csv"
    why_file(table).write_bytes(why_bytes(rows, (place("P"),)))
    assert read_why(table) == WhyData(rows, (place("P"),))
    assert read_why(tmp_path / "other.csv") is None
    for bad in (b"{", b'{"format": 99}', b'{"format": 1, "rows": {"k": {"chosen": [1]}}}', b"\xff"):
        with pytest.raises(DashboardError) as caught:
            parse_why(bad, "x.why.json")
        assert "\n" not in str(caught.value) and "x.why.json" in str(caught.value)
