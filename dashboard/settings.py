"""Every setting, declared once with its default and help text (as datasette's SETTINGS), resolved
once into one typed, frozen :class:`Settings` that every stage and the app receive.

Precedence, lowest first: the default here, the environment (``DASHBOARD_<NAME>`` in upper case),
then a command-line flag. A value that cannot be used raises :class:`SettingError` with one line.
README's settings table is checked against this declaration by the tests.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from dashboard.errors import SettingError


@dataclass(frozen=True, slots=True)
class Setting:
    """How one setting is declared: its name, default, help text, parser and allowed values."""

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


def _country_codes(text: str) -> str:
    """ "iq, ne" -> "IQ,NE" (kept as text so that it travels through the environment unchanged)."""
    codes = [code.strip().upper() for code in text.split(",") if code.strip()]
    bad = [code for code in codes if len(code) != 2 or not code.isalpha()]
    if bad:
        raise ValueError(f"{bad[0]!r} is not a two-letter ISO country code")
    return ",".join(codes)


def _port(text: str) -> int:
    value = int(text)
    if not 0 < value < 65536:
        raise ValueError("must be between 1 and 65535")
    return value


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("must be true or false")


def _declare(default: Any, help: str, parse: Callable[[str], Any] = str, choices: tuple[str, ...] = ()) -> Any:
    return dataclasses.field(default=default, metadata={"help": help, "parse": parse, "choices": choices})


@dataclass(frozen=True, slots=True)
class Settings:
    """The value of every setting, resolved once (:func:`resolve`) and passed to whoever needs it."""

    max_article_bytes: int = _declare(5_000_000, "Articles larger than this many bytes are skipped as oversized.",
                                      _positive_int)
    geocoder: str = _declare("none", "Geocoder for names the embedded gazetteer lacks: none (offline) or nominatim.",
                             str, ("none", "nominatim"))
    nominatim_url: str = _declare("https://nominatim.openstreetmap.org",
                                  "Base URL of the Nominatim server (public or self-hosted).")
    user_agent: str = _declare("", "User agent that identifies you to the geocoding service (required with "
                               "nominatim).")
    cache: str = _declare("data/cache", "Folder of the persistent caches (geocoder answers, imported gazetteer "
                          "files).")
    geocoder_timeout: float = _declare(10.0, "Seconds to wait for one geocoder answer.", _positive_float)
    geocoder_budget: float = _declare(120.0, "Most seconds of network time one build may spend geocoding.",
                                      _positive_float)
    geocoder_max_km: float = _declare(300.0, "A geocoder answer farther than this many km from the article's "
                                      "other places is rejected (unless the text names its country right after "
                                      "it).", _positive_float)
    country: str = _declare("", "Countries the articles are about (ISO codes, e.g. IQ or NG,NE): a hint that "
                            "weighs like a country each article names; empty: the build's own focus only.",
                            _country_codes)
    merge_km: float = _declare(25.0, "Reports of one incident: their places are at most this many km apart.",
                               _positive_float)
    merge_days: int = _declare(1, "Reports of one incident: their dates are at most this many days apart.",
                               _non_negative_int)
    jobs: int = _declare(0, "Worker processes for the per-article stages of 'build'; 0: every core this "
                         "process may use.", _non_negative_int)
    dask: str = _declare("", "Address of a Dask scheduler (tcp://HOST:PORT): 'build' runs the per-article "
                         "stages on its workers; empty: on this machine.")
    data: str = _declare("data/incidents.csv", "The table the dashboard shows (CSV or Parquet written by "
                         "'build'); built from the seed articles by 'make data'.")
    port: int = _declare(8501, "Port of the dashboard on 127.0.0.1.", _port)
    gazetteer_url: str = _declare("https://download.geonames.org/export/dump", "Base URL that 'gazetteer "
                                  "download CC' fetches CC.zip (a GeoNames country file) from.")
    tiles: str = _declare("openstreetmap", "Map tiles: openstreetmap, none, or a tile URL template "
                          "(e.g. http://127.0.0.1:8080/{z}/{x}/{y}.png for a local tile server).")
    review_db: str = _declare("", "SQLite file of the reviewers' corrections; empty: <table>.review.sqlite3 "
                              "beside the table.")
    read_only: bool = _declare(False, "Serve the page without any editing control (for a page shared with "
                               "others).", _boolean)
    articles: str = _declare("", "Folder of the articles the table is built from: articles added on the page are "
                             "saved there and the table rebuilt from it (with its manifest.csv when present); "
                             "empty: the page takes no articles.")

    @property
    def countries(self) -> tuple[str, ...]:
        """The ``country`` hint as ISO codes."""
        return tuple(code for code in self.country.split(",") if code)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed, each parsed and checked as if given as a flag."""
        return dataclasses.replace(self, **{name: parse(name, str(value)) for name, value in changes.items()})


#: The declarations, in order (for flags, the environment, README's table and the docs test).
SETTINGS: tuple[Setting, ...] = tuple(
    Setting(f.name, f.default, f.metadata["help"], f.metadata["parse"], f.metadata["choices"])
    for f in dataclasses.fields(Settings)
)
#: The table the dashboard opens when none is named.
DEFAULT_DATA = Path(Settings().data)

_BY_NAME = {s.name: s for s in SETTINGS}


def resolve(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
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
    return Settings(**values)


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
