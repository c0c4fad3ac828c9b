"""README cannot drift: every column (with its type and meaning) and every event type is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import schema

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def section(name: str) -> str:
    start = README.index(f"<!-- section: {name} -->")
    end = README.find("<!-- section:", start + 1)
    return README[start:end if end >= 0 else len(README)]


@pytest.mark.parametrize("column", schema.INCIDENT_SCHEMA, ids=lambda c: c.name)
def test_every_column_is_in_the_columns_table(column: schema.Column) -> None:
    required = "yes" if column.required else ""
    assert f"| `{column.name}` | {column.kind} | {required} | {column.description} |" in section("columns")


def test_the_columns_table_is_in_schema_order() -> None:
    text = section("columns")
    positions = [text.index(f"| `{name}` |") for name in schema.INCIDENT_COLUMNS]
    assert positions == sorted(positions)


@pytest.mark.parametrize("event_type", list(schema.EVENT_TYPES))
def test_every_event_type_is_documented(event_type: str) -> None:
    assert f"| `{event_type}` | {schema.EVENT_TYPES[event_type]} |" in section("columns")


@pytest.mark.parametrize(("name", "values"), [("geo_precision", schema.GEO_PRECISIONS),
                                              ("date_precision", schema.DATE_PRECISIONS)])
def test_every_precision_is_documented(name: str, values: dict[str, str]) -> None:
    for key, meaning in values.items():
        assert f"| `{key}` | {meaning} |" in section("columns"), f"{name} {key}"


def test_the_toll_conventions_are_documented() -> None:
    text = section("tolls")
    for phrase in ("more than 40", "as many as 40", "dozens", "several", "killed or captured", "including"):
        assert phrase in text
