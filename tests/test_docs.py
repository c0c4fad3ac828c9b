"""README cannot drift: every setting is documented with its flag, variable and default."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.settings import SETTINGS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_in_the_readme_table(setting) -> None:
    flag = "--" + setting.name.replace("_", "-")
    row = f"| `{setting.name}` | `{flag}` | `{setting.env}` | `{setting.default}` |"
    assert row in README
