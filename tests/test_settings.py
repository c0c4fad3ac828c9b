"""settings: defaults, environment, flags, and one clear line for a bad value."""

from __future__ import annotations

import pytest

from dashboard import settings
from dashboard.errors import SettingError


def test_defaults_then_environment_then_flags() -> None:
    assert settings.resolve({}, environ={})["merge_km"] == 25.0
    assert settings.resolve({}, environ={"DASHBOARD_MERGE_KM": "10"})["merge_km"] == 10.0
    assert settings.resolve({"merge_km": "5"}, environ={"DASHBOARD_MERGE_KM": "10"})["merge_km"] == 5.0


@pytest.mark.parametrize(
    ("overrides", "environ", "fragment"),
    [({"merge_km": "-1"}, {}, "--merge-km"), ({"merge_days": "two"}, {}, "--merge-days"),
     ({}, {"DASHBOARD_GEOCODER": "google"}, "DASHBOARD_GEOCODER"), ({"colour": "red"}, {}, "unknown setting")],
)
def test_bad_values_stop_with_one_line_naming_where_they_came_from(overrides: dict, environ: dict, fragment: str) -> None:
    with pytest.raises(SettingError) as caught:
        settings.resolve(overrides, environ=environ)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_country_hint_is_a_list_of_iso_codes() -> None:
    assert settings.resolve({"country": "iq, ne"}, environ={})["country"] == "IQ,NE"
    with pytest.raises(SettingError, match="two-letter"):
        settings.resolve({"country": "Iraq"}, environ={})
