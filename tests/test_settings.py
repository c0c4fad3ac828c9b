"""settings: defaults, environment, flags, and one clear line for a bad value."""

from __future__ import annotations

import pytest

from dashboard import settings
from dashboard.errors import SettingError


def test_defaults_then_environment_then_flags() -> None:
    assert settings.resolve({}, environ={}).merge_km == 25.0
    assert settings.resolve({}, environ={"DASHBOARD_MERGE_KM": "10"}).merge_km == 10.0
    assert settings.resolve({"merge_km": "5"}, environ={"DASHBOARD_MERGE_KM": "10"}).merge_km == 5.0


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
    assert settings.resolve({"country": "iq, ne"}, environ={}).country == "IQ,NE"
    with pytest.raises(SettingError, match="two-letter"):
        settings.resolve({"country": "Iraq"}, environ={})


def test_settings_are_one_typed_frozen_value() -> None:
    values = settings.resolve({"merge_days": "3", "port": "8600"}, environ={"DASHBOARD_COUNTRY": "iq,ne"})
    assert isinstance(values, settings.Settings)
    assert (values.merge_days, values.port, values.countries) == (3, 8600, ("IQ", "NE"))
    with pytest.raises(AttributeError):
        values.merge_days = 4  # type: ignore[misc]
    assert values.replace(merge_km="10").merge_km == 10.0
    with pytest.raises(SettingError):
        values.replace(port="0")


def test_the_declaration_and_the_typed_value_have_the_same_names() -> None:
    assert [s.name for s in settings.SETTINGS] == list(settings.Settings.__dataclass_fields__)
