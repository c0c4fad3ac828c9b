"""README cannot drift: the settings table is the one SETTINGS makes (flag, variable, default, help), row by row.

Regenerate it after changing a setting: ``python -m tests.test_docs`` rewrites the table in README.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.settings import SETTINGS

README_PATH = Path(__file__).resolve().parents[1] / "README.md"
README = README_PATH.read_text(encoding="utf-8")
HEADER = ("| setting | flag | environment | default | meaning |\n"
          "| --- | --- | --- | --- | --- |\n")


def setting_row(setting) -> str:
    flag = "--" + setting.name.replace("_", "-")
    return f"| `{setting.name}` | `{flag}` | `{setting.env}` | `{setting.default}` | {setting.help} |"


def settings_table() -> str:
    return HEADER + "".join(setting_row(s) + "\n" for s in SETTINGS)


def _readme_table(text: str) -> str:
    match = re.search(r"^\| setting \| flag \|.*?\n(?=[^|]|\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, "README has no settings table"
    return match.group(0)


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_in_the_readme_table(setting) -> None:
    assert setting_row(setting) in README


def test_the_readme_table_is_the_declared_settings_in_order() -> None:
    assert _readme_table(README) == settings_table()


if __name__ == "__main__":
    README_PATH.write_text(README.replace(_readme_table(README), settings_table()), encoding="utf-8")
    print(f"settings table rewritten in {README_PATH}")
