"""Every setting, declared once with its default and help text (as datasette's SETTINGS).

Precedence, lowest first: the default here, the environment (``DASHBOARD_<NAME>`` in upper case),
then a command-line flag. A value that cannot be used raises :class:`SettingError` with one line.
README's settings table is checked against this list by the tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from dashboard.errors import SettingError


#: The table the dashboard opens when none is named (built from the seed articles by `make data`).
DEFAULT_DATA = Path("data/incidents.csv")


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str
    choices: tuple[str, ...] = ()

    @property
    def env(self) -> str:
        return "DASHBOARD_" + self.name.upper()


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError("must be greater than 0")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError("must be greater than 0")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


SETTINGS: tuple[Setting, ...] = (
    Setting("max_article_bytes", 5_000_000, "Articles larger than this many bytes are skipped as oversized.",
            _positive_int),
    Setting("geocoder", "none", "Geocoder for names the embedded gazetteer lacks: none (offline) or nominatim.",
            str, ("none", "nominatim")),
    Setting("nominatim_url", "https://nominatim.openstreetmap.org",
            "Base URL of the Nominatim server (public or self-hosted)."),
    Setting("user_agent", "", "User agent that identifies you to the geocoding service (required with nominatim)."),
    Setting("cache", "data/cache", "Folder of the persistent geocoder cache (queries and answers, hits and misses) "
            "and of the imported gazetteer country files."),
    Setting("geocoder_timeout", 10.0, "Seconds to wait for one geocoder answer.", _positive_float),
    Setting("geocoder_budget", 120.0, "Most seconds of network time one build may spend geocoding.", _positive_float),
    Setting("geocoder_max_km", 300.0, "A geocoder answer farther than this many km from the article's other "
            "places is rejected (unless the text names its country right after it).", _positive_float),
    Setting("merge_km", 25.0, "Reports of one incident: their places are at most this many km apart.",
            _positive_float),
    Setting("merge_days", 1, "Reports of one incident: their dates are at most this many days apart.",
            _non_negative_int),
    Setting("gazetteer_url", "https://download.geonames.org/export/dump",
            "Base URL that 'gazetteer download CC' fetches CC.zip (a GeoNames country file) from."),
    Setting("tiles", "openstreetmap", "Map tiles: openstreetmap, none, or a tile URL template "
            "(e.g. http://127.0.0.1:8080/{z}/{x}/{y}.png for a local tile server)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def resolve(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The value of every setting: defaults, then the environment, then ``overrides`` (flags; None = not given)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = setting.default
        if setting.env in environ:
            value = parse(setting.name, environ[setting.env], origin=setting.env)
        given = (overrides or {}).get(setting.name)
        if given is not None:
            value = parse(setting.name, str(given), origin="--" + setting.name.replace("_", "-"))
        values[setting.name] = value
    unknown = set(overrides or {}) - set(_BY_NAME)
    if unknown:
        raise SettingError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    return values


def parse(name: str, text: str, origin: str | None = None) -> Any:
    """Parse one setting's text; raise SettingError with a one-line message naming where it came from."""
    setting = _BY_NAME.get(name)
    if setting is None:
        raise SettingError(f"unknown setting: {name}")
    where = origin or name
    try:
        value = setting.parse(text.strip())
    except ValueError as err:
        raise SettingError(f"{where}: {text!r} is not usable ({err})") from err
    if setting.choices and value not in setting.choices:
        raise SettingError(f"{where}: {text!r} is not one of {', '.join(setting.choices)}")
    return value
