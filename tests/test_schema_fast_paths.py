"""schema's shortcuts give what the plain way gives: CSV text cells, ISO dates, coercing a typed table."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest

from dashboard import schema
from tests.test_schema import make

#: Characters a cell may start with or hold: letters, digits, '_', spaces, formula triggers (and their
#: full-width forms), controls, format characters, line separators.
ALPHABET = ["a", "Z", "7", "_", " ", "\u00a0", "=", "+", "-", "@", "\uff1d", "\uff20", "\t", "\n", "\r", "\x00",
            "\x85", "\u2028", "\u200b", "\ufeff", "(", "'", "\u201c", "\u00e9", "\u0663"]


def _cell(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 4)))


@pytest.mark.parametrize("seed", range(40))
def test_csv_text_of_a_column_is_csv_cell_of_each_cell(seed: int) -> None:
    rng = random.Random(seed)
    plain = ["Word", "9 killed", "_x", "", "\u00e9t\u00e9", "a; b"]
    values = [rng.choice(plain) for _ in range(30)]
    for _ in range(rng.choice([0, 0, 1, 3])):  # most columns plain, some with odd cells
        values[rng.randrange(len(values))] = _cell(rng)
    if seed % 5 == 0:
        values[0] = rng.choice([None, float("nan"), 3, pd.NA])  # a column that is not all text
    expected = [schema.csv_cell(v) for v in values]
    assert schema._csv_text(list(values)) == expected


@pytest.mark.parametrize("odd", [*schema.FORMULA_TRIGGERS, " =", "\u200b@", "\t+", "(", "\u201c"])
def test_one_odd_cell_among_plain_ones_is_made_a_cell(odd: str) -> None:
    values = ["Word", "9 killed", "", f"{odd}SUM(A1)", "_x"]
    assert schema._csv_text(list(values)) == [schema.csv_cell(v) for v in values]
    assert schema._csv_text(list(values))[3] != values[3] or odd in ("(", "\u201c")


def test_a_column_of_plain_cells_is_passed_whole() -> None:
    values = ["Word", "_x", "", "9"]
    assert schema._csv_text(values) is values


@pytest.mark.parametrize("seed", range(5))
def test_iso_dates_are_strftime_dates(seed: int) -> None:
    rng = np.random.default_rng(seed)
    nanoseconds = rng.integers(-(10**18), 2 * 10**18, size=200)  # 1938..2033, with times of day
    series = pd.Series(pd.to_datetime(nanoseconds))
    series[rng.integers(0, 200, size=20)] = pd.NaT
    assert schema._iso_dates(series).tolist() == series.dt.strftime("%Y-%m-%d").fillna("").tolist()


def test_coerce_gives_a_coerced_table_back_as_it_is() -> None:
    table = schema.to_frame([make(), make(incident_id="i2", date=None, date_precision="unknown", latitude=None,
                                         longitude=None, killed_min=None, killed_max=None)])
    pd.testing.assert_frame_equal(schema.coerce(table), table)


def test_coerce_still_cleans_text_cells_that_are_all_strings() -> None:
    frame = pd.DataFrame({"title": ["Tab\there", "Line\u2028end", "plain"]}, dtype=object)
    assert schema.coerce(frame)["title"].tolist() == ["Tab here", "Line end", "plain"]


def test_coerce_still_converts_columns_of_other_dtypes() -> None:
    frame = pd.DataFrame({"killed_min": [1.0, None], "latitude": ["1.5", ""], "date": [dt.date(2020, 1, 2), None],
                          "evidence": [None, "x"]})
    out = schema.coerce(frame)
    assert str(out["killed_min"].dtype) == "Int64" and out["latitude"].dtype == np.float64
    assert out["date"].dtype == np.dtype("datetime64[ns]") and out["evidence"].tolist() == ["", "x"]


def test_a_whole_number_too_large_for_a_float_is_coerced_as_before() -> None:
    frame = pd.DataFrame({"killed_min": pd.array([2**53 + 1, 7], dtype="Int64")})
    assert schema.coerce(frame)["killed_min"].tolist() == [2**53, 7]


def test_record_dates_are_coerced_as_their_iso_text_would_be() -> None:
    days = [dt.date(2020, 5, 1), None, dt.date(1677, 9, 21), dt.date(1677, 9, 22), dt.date(2262, 4, 11),
            dt.date(2262, 4, 12), dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1969, 12, 31)]
    frame = pd.DataFrame({"date": pd.Series(days, dtype=object)})
    by_text = pd.to_datetime(pd.Series([d.isoformat() if d else "" for d in days], dtype="string"),
                             errors="coerce", format="ISO8601")
    pd.testing.assert_series_equal(schema.coerce(frame)["date"], by_text, check_names=False)
    assert schema._days(pd.Series([dt.datetime(2020, 1, 1, 5)], dtype=object)) is None  # a time of day: parsed


def test_a_validated_table_is_written_without_a_second_check(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = schema.to_frame([make(), make(incident_id="i2", title="=1+1")])
    expected = schema.table_bytes(frame, "t.csv")
    checked = schema.validated(frame)

    def refuse(_frame: pd.DataFrame) -> pd.DataFrame:
        raise AssertionError("validated twice")

    monkeypatch.setattr(schema, "validate", refuse)
    assert schema.table_bytes(checked, "t.csv") == expected
    with pytest.raises(AssertionError):
        schema.table_bytes(frame, "t.csv")  # a plain frame is still checked


def test_validated_refuses_a_broken_table() -> None:
    with pytest.raises(schema.SchemaError):
        schema.validated(schema.to_frame([make(event_type="nope")]))


@pytest.mark.parametrize("seed", range(10))
def test_a_validated_table_is_written_as_to_csv_bytes_writes_it(seed: int) -> None:
    rng = random.Random(seed)
    records = [make(incident_id=f"i{n}", title=_cell(rng) + "T", actor=_cell(rng), source=rng.choice(["=x", "Wire"]),
                    evidence=_cell(rng) + " killed 3.") for n in range(20)]
    table = schema.validate(schema.to_frame(records))
    assert schema.table_bytes(schema.Validated(table), "t.csv") == schema.to_csv_bytes(table)
