"""schema: the record, validation of every rule, CSV neutralisation, atomic round trips."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import pickle
from pathlib import Path

import pandas as pd
import pytest

from dashboard import schema
from dashboard.errors import SchemaError
from dashboard.schema import C, Incident


def make(**changes: object) -> Incident:
    base = Incident(
        incident_id="i1", date=dt.date(2020, 5, 1), date_precision="day", location="Town", mention="Town",
        admin1="Province", country="Country", country_code="CC", latitude=10.5, longitude=20.25,
        geo_precision="place", event_type="armed attack", killed_min=3, killed_max=5, injured_min=None,
        injured_max=None, captured_min=None, captured_max=None, actor="Gunmen", source="Agency",
        source_url="https://example.org/a", article="a.txt", title="Title", published=dt.date(2020, 5, 2),
        evidence="Gunmen killed between three and five people in Town.",
    )
    return dataclasses.replace(base, **changes)


def test_columns_follow_the_record_in_the_documented_order() -> None:
    assert schema.COLUMNS[:3] == ("incident_id", "date", "date_precision")
    assert schema.COLUMNS[-1] == "evidence"
    assert schema.INCIDENT_COLUMNS == schema.COLUMNS + ("sources",)
    assert len(schema.COLUMNS) == 25


def test_records_round_trip_through_csv_and_parquet(tmp_path: Path) -> None:
    records = [make(), make(incident_id="i2", date=None, date_precision="unknown", latitude=None, longitude=None,
                            geo_precision="", killed_min=None, killed_max=None, evidence="Town was named.",
                            event_type="mention")]
    for name in ("t.csv", "t.parquet"):
        path = schema.write_table(schema.to_frame(records), tmp_path / name)
        assert schema.from_frame(schema.read_table(path)) == records
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary file is left behind"


def test_a_table_made_from_records_as_cells_is_the_table_made_from_the_records() -> None:
    records = [make(), make(incident_id="i2", date=None, date_precision="unknown", latitude=None, longitude=None,
                            geo_precision="", killed_min=None, killed_max=None, actor="line\rbreak",
                            event_type="mention"), make(incident_id="i3", injured_min=3, injured_max=5)]
    cells = [schema.cells_of(record) for record in records]
    assert cells[1][schema.COLUMNS.index("actor")] == "line\rbreak"  # in column order
    made = schema.frame_of_cells(cells)
    pd.testing.assert_frame_equal(made, schema.to_frame(records))
    assert made.loc[1, "actor"] == "line break"  # coerced as to_frame's are
    pd.testing.assert_frame_equal(schema.frame_of_cells([]), schema.to_frame([]))


def test_a_record_pickles_as_its_values_and_comes_back_equal() -> None:
    record = make(injured_min=1, injured_max=2, captured_min=0, captured_max=4)
    assert record.__reduce__() == (Incident, dataclasses.astuple(record))
    assert pickle.loads(pickle.dumps([record, make(date=None)])) == [record, make(date=None)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"event_type": "riot"}, "event_type"), ({"latitude": 123.0}, "latitude outside"),
     ({"longitude": None}, "together"), ({"killed_min": 9, "killed_max": 2}, "killed_min is greater"),
     ({"injured_min": -1}, "negative"), ({"evidence": " "}, "evidence is empty"),
     ({"date": None}, "date is empty"), ({"geo_precision": "exact"}, "geo_precision")],
)
def test_validation_names_each_broken_rule(changes: dict, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        schema.validate(schema.to_frame([make(), make(**changes)]))


def test_validation_reports_every_problem_at_once_and_the_missing_columns() -> None:
    frame = schema.to_frame([make(event_type="riot", latitude=100.0)])
    with pytest.raises(SchemaError) as caught:
        schema.validate(frame)
    assert len(caught.value.problems) == 2
    with pytest.raises(SchemaError, match="missing column"):
        schema.validate(frame.drop(columns=[C.evidence]))


def test_a_text_that_is_not_a_number_in_a_toll_column_is_reported(tmp_path: Path) -> None:
    path = schema.write_table(schema.to_frame([make()]), tmp_path / "t.csv")
    path.write_text(path.read_text().replace(",3,5,", ",three,5,"))
    with pytest.raises(SchemaError, match="killed_min"):
        schema.read_table(path)


def test_files_that_are_not_tables_get_a_schema_error(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("name,value\na,1\n")
    (tmp_path / "x.parquet").write_bytes(b"not parquet")
    for name in ("x.csv", "x.parquet", "missing.csv"):
        with pytest.raises(SchemaError):
            schema.read_table(tmp_path / name)


def test_csv_neutralises_formulas_in_text_but_not_numbers() -> None:
    frame = schema.to_frame([make(evidence="=HYPERLINK(\"http://x\")", actor="+cmd", title="-2+3", source="@SUM(A1)",
                                  mention="\t=Town", killed_min=0, killed_max=0)])
    text = schema.to_csv_bytes(frame).decode()
    row = pd.read_csv(pd.io.common.StringIO(text), dtype=str, keep_default_na=False).iloc[0]
    assert row[C.evidence].startswith("'=") and row[C.actor] == "'+cmd" and row[C.title] == "'-2+3"
    assert row[C.source] == "'@SUM(A1)" and row[C.mention] == "' =Town"
    assert row[C.killed_min] == "0" and row[C.latitude] == "10.5"
    assert schema.neutralise_formula("'=already") == "'=already"
    assert schema.neutralise_formula(-5) == -5


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = schema.write_table(schema.to_frame([make()]), tmp_path / "t.csv")
    before = path.read_bytes()
    with pytest.raises(SchemaError):
        schema.write_table(schema.to_frame([make(event_type="nope")]), path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("hidden", ["\r", "\n", "\r\n", "\t", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029",
                                    "\x00", "\x7f", " \u200b", "\ufeff", "\u00a0", "\u202e"])
def test_controls_are_normalised_and_formulas_behind_them_neutralised(hidden: str) -> None:
    frame = schema.to_frame([make(source=f"Wire{hidden}=1+2", title=f"{hidden}=SUM(A1)", actor=f"{hidden}{hidden}@x")])
    text = schema.to_csv_bytes(frame).decode()
    assert text.count("\n") == 2 and "\r" not in text and "\u2028" not in text and "\u2029" not in text
    with io.StringIO(text, newline="") as stream:
        rows = list(csv.reader(stream))
    assert len(rows) == 2 and len(rows[1]) == len(schema.COLUMNS)
    row = dict(zip(rows[0], rows[1]))
    assert row[C.source].startswith("Wire") and "=1+2" in row[C.source]  # not at the start: no formula
    assert row[C.title].startswith("'") and row[C.actor].startswith("'")
    for cell in rows[1]:
        assert schema.first_visible(cell) not in ("=", "+", "-", "@")


def test_a_hand_made_table_with_controls_in_quoted_cells_reads_as_one_record_per_row(tmp_path: Path) -> None:
    path = schema.write_table(schema.to_frame([make(), make(incident_id="b")]), tmp_path / "t.csv")
    text = path.read_text().replace("Town,", '"To\rwn\u2028x",', 1)
    path.write_text(text, newline="")
    table = schema.read_table(path)
    assert len(table) == 2 and "\r" not in "".join(table[C.mention]) and "\u2028" not in "".join(table[C.mention])
