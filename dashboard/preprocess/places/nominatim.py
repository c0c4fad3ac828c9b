"""A Nominatim client through geopy: it asks and answers, nothing else.

In: a :class:`Query` (a name, the countries to search, a box to prefer). Out: the places the
service knows by that name, as gazetteer :class:`Place` records ([] for none), or None when the
service did not answer. Which names to ask about, and whether an answer is plausible, is the
places stage's business (:mod:`dashboard.preprocess.places.locate`).

geopy's real :class:`geopy.geocoders.Nominatim` is asked behind geopy's
:class:`~geopy.extra.rate_limiter.RateLimiter` (one request a second, Nominatim's usage policy).
Every answer, hits and misses, is kept in a persistent SQLite cache, so a re-run asks nothing.
Failures never abort a build: they are counted in :class:`GeocoderStats` and, after a few in a
row or when the time budget is spent, the client stops asking for the rest of the build.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from geopy.adapters import AdapterHTTPError, RequestsAdapter
from geopy.exc import (
    ConfigurationError,
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderQuotaExceeded,
    GeopyError,
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderRateLimited,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from dashboard.errors import GeocoderError, SettingError
from dashboard.settings import Settings
from dashboard.preprocess.places.gazetteer import Place

#: Nominatim's usage policy: at most one request per second.
MIN_DELAY_SECONDS = 1.0
#: Names in answers: English, as the rest of the table (without it Nominatim answers in local scripts).
LANGUAGE = "en"
#: Candidates asked for per query; the first plausible one is kept.
CANDIDATES = 5
_LOG = logging.getLogger(__name__)

#: After this many failed requests in a row the service is taken as down for the rest of the build.
MAX_CONSECUTIVE_FAILURES = 3
#: How often one query is retried after HTTP 429 (each time after its Retry-After).
MAX_RATE_LIMIT_RETRIES = 2
#: Wait after a 429 that gives no Retry-After.
DEFAULT_RETRY_AFTER = 5.0
#: Nominatim's place types -> the gazetteer's kinds.
_KINDS: Mapping[str, str] = {
    "city": "city", "town": "town", "village": "village", "hamlet": "village",
    "isolated_dwelling": "village", "suburb": "neighbourhood", "neighbourhood": "neighbourhood",
    "quarter": "neighbourhood", "city_district": "neighbourhood", "borough": "neighbourhood",
    "county": "district", "district": "district", "state_district": "district", "municipality": "district",
    "state": "admin1", "province": "admin1", "region": "admin1", "country": "country",
    "road": "street", "street": "street", "residential": "street", "primary": "street",
    "secondary": "street", "tertiary": "street", "camp": "camp", "refugee_site": "camp",
}

REASON_BUDGET = "budget spent"
REASON_GAVE_UP = "service down"
REASON_RATE_LIMITED = "rate limited"
#: geopy's errors that mean "stop asking" (401, 402, 403, 407: the public server's answer to a
#: policy breach is 403): asking more would make it worse.
REFUSALS: tuple[type[GeopyError], ...] = (GeocoderAuthenticationFailure, GeocoderInsufficientPrivileges,
                                          GeocoderQuotaExceeded)


@dataclass(frozen=True, slots=True)
class GeocoderConfig:
    """Where and how to ask: read from the settings by :meth:`from_settings`."""

    url: str
    user_agent: str
    cache_dir: Path
    timeout: float
    budget: float
    max_km: float

    @classmethod
    def from_settings(cls, settings: Settings) -> GeocoderConfig:
        """The nominatim settings, checked; SettingError (one line) when they cannot be used."""
        url = settings.nominatim_url.strip().rstrip("/")
        if not _base_url(url):
            raise SettingError(f"--nominatim-url: {url!r} is not an http(s) base URL such as "
                               "https://nominatim.openstreetmap.org")
        agent = settings.user_agent.strip()
        if not agent:
            raise SettingError("--geocoder nominatim needs --user-agent (or DASHBOARD_USER_AGENT) naming "
                               "you or your application, as Nominatim's usage policy requires")
        return cls(url=url, user_agent=agent, cache_dir=Path(settings.cache), timeout=settings.geocoder_timeout,
                   budget=settings.geocoder_budget, max_km=settings.geocoder_max_km)


def _base_url(url: str) -> bool:
    """Whether ``url`` is an http(s) server address (with a port and path if any, no query)."""
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 (only to see it parse: a port that is not a number raises)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.query and not parts.fragment


@dataclass
class GeocoderStats:
    """What the geocoder did in one build, for the build summary."""

    names: int = 0  # unknown names it was asked to resolve
    requests: int = 0  # HTTP requests sent (retries included)
    cached: int = 0  # names answered from the cache, no request
    found: int = 0  # names resolved to a plausible answer
    not_found: int = 0  # the service knew no such place
    implausible: int = 0  # answers too far from the article's places
    failed: Counter[str] = field(default_factory=Counter)  # names not answered, by reason
    cache_error: str = ""  # why the cache was not used ("" when it was)

    def render(self) -> str:
        failures = ", ".join(f"{reason} {n}" for reason, n in sorted(self.failed.items()))
        line = (f"geocoder: {self.names} names, {self.requests} requests, {self.cached} from cache, "
                f"{self.found} found, {self.not_found} not found, {self.implausible} implausible, "
                f"{sum(self.failed.values())} failed")
        line += f" ({failures})" if failures else ""
        return line + (f"; cache not used: {self.cache_error}" if self.cache_error else "")


class AnswerCache:
    """Every query and its answer (the raw Nominatim list; [] for a miss) in one SQLite file.

    SQLite rather than a file per query: one file for thousands of answers, transactions for
    atomic writes, and its locking makes it safe for several build processes at once (WAL lets
    readers go on while one writes; the busy timeout makes a writer wait for the lock instead of
    failing). Failures are never stored, so a later run asks again.
    """

    FILE_NAME = "nominatim.sqlite3"
    BUSY_TIMEOUT_SECONDS = 30.0

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / self.FILE_NAME
        self._connection: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        # Opened on first use, so that making a geocoder touches no file.
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._connection = self._open()
            except sqlite3.DatabaseError as err:  # not this cache (damaged or hand-made): set aside, start anew
                damaged = self.path.with_name(self.path.name + ".damaged")
                os.replace(self.path, damaged)
                for companion in ("-wal", "-shm"):
                    self.path.with_name(self.path.name + companion).unlink(missing_ok=True)
                _LOG.warning("the geocoder cache %s is damaged (%s); it was moved to %s and is built anew",
                             self.path, err, damaged.name)
                self._connection = self._open()
        return self._connection

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=self.BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("CREATE TABLE IF NOT EXISTS answers "
                               "(key TEXT PRIMARY KEY, answer TEXT NOT NULL, stored TEXT NOT NULL)")
            connection.execute("SELECT key, answer, stored FROM answers LIMIT 0")  # a table of another shape fails
        except sqlite3.DatabaseError:
            connection.close()
            raise
        return connection

    def get(self, key: str) -> list[dict[str, Any]] | None:
        """The stored answer to ``key``, or None when it was never stored (or is unreadable)."""
        try:
            row = self._connect().execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
        except (sqlite3.Error, OSError) as err:
            raise GeocoderError(f"geocoder cache {self.path} cannot be read: {err}") from err
        if row is None:
            return None
        try:
            answer = json.loads(row[0])
        except ValueError:
            return None  # a damaged entry is asked again
        return answer if isinstance(answer, list) and all(map(_valid_raw, answer)) else None

    def put(self, key: str, answer: list[dict[str, Any]]) -> None:
        stored = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        try:
            self._connect().execute("INSERT OR REPLACE INTO answers (key, answer, stored) VALUES (?, ?, ?)",
                                    (key, json.dumps(answer, sort_keys=True), stored))
        except (sqlite3.Error, OSError) as err:
            raise GeocoderError(f"geocoder cache {self.path} cannot be written: {err}") from err

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


@dataclass(frozen=True, slots=True)
class Query:
    """One name to look up, restricted to these countries (the first is the focus) and biased to a box."""

    text: str
    country_codes: tuple[str, ...]
    viewbox: tuple[tuple[float, float], tuple[float, float]] | None


class LookupFailed(GeocoderError):
    """The service did not answer one query. ``reason`` is what the stats count ("timeout",
    "HTTP 503" ...); ``refused`` is True when the service refuses us (stop asking at once). The
    geopy error it comes from, when there is one, is its ``__cause__``."""

    def __init__(self, reason: str, refused: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.refused = refused

    @classmethod
    def from_geopy(cls, err: GeopyError) -> LookupFailed:
        """The failure one of geopy's typed errors stands for."""
        status = _status(err)
        if isinstance(err, GeocoderParseError):
            reason = "malformed answer"
        elif isinstance(err, GeocoderTimedOut):  # geopy also raises it for 503 and 504
            reason = "timeout" if status in (None, 408) else f"HTTP {status}"
        elif isinstance(err, GeocoderUnavailable):
            reason = "unavailable"
        elif isinstance(err, GeocoderRateLimited):
            reason = REASON_RATE_LIMITED
        elif isinstance(err, GeocoderQueryError):
            reason = "rejected"
        else:
            reason = "service error" if status is None else f"HTTP {status}"
        # A 429 is a GeocoderQuotaExceeded too, but it asks us to wait, not to stop.
        return cls(reason, refused=isinstance(err, REFUSALS) and not isinstance(err, GeocoderRateLimited))


class Geocoder:
    """Nominatim through geopy, rate limited, cached, with a time budget per build (one per build)."""

    def __init__(self, config: GeocoderConfig, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        """``clock`` and ``sleep`` are the seams for time (the rate limit, Retry-After, the budget):
        tests hand in a fake clock so that waits cost no real seconds."""
        self.config = config
        self._clock, self._sleep = clock, sleep
        self.stats = GeocoderStats()
        self.cache = AnswerCache(config.cache_dir)
        parts = urlsplit(config.url)
        # A loopback server is never reached through a proxy from the environment.
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        self._nominatim = Nominatim(domain=parts.netloc + parts.path, scheme=parts.scheme,
                                    user_agent=config.user_agent, timeout=config.timeout,
                                    adapter_factory=_adapter_without_retries,
                                    **({"proxies": {}} if loopback else {}))
        # Retries are ours (Retry-After, budget), so the limiter only spaces the requests.
        self._limited = _RateLimiter(self._nominatim.geocode, min_delay_seconds=MIN_DELAY_SECONDS,
                                     max_retries=0, swallow_exceptions=False)
        self._limited.clock, self._limited.sleep = clock, sleep
        self._spent = 0.0
        self._consecutive_failures = 0
        self._stopped = ""  # why the geocoder stopped asking ("" while it still asks)
        self._failed_queries: dict[str, str] = {}  # this build's failures, not asked twice

    def close(self) -> None:
        self.cache.close()

    def __enter__(self) -> Geocoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, query: Query) -> list[Place] | None:
        """The service's places for ``query`` (cached, or asked), [] for a miss; None when it failed.

        Every outcome is counted in :attr:`stats`; a failure never raises.
        """
        key = self._key(query)
        answer = self._cached(key)
        if answer is not None:
            self.stats.cached += 1
        else:
            try:
                answer = self._ask(key, query)
            except LookupFailed as failure:
                self.stats.failed[failure.reason] += 1
                return None
            self._store(key, answer)
        if not answer:
            self.stats.not_found += 1
        return [_place(raw) for raw in answer]

    def _cached(self, key: str) -> list[dict[str, Any]] | None:
        if self.stats.cache_error:
            return None
        try:
            return self.cache.get(key)
        except GeocoderError as err:  # an unusable cache costs speed, never the build
            self.stats.cache_error = str(err)
            return None

    def _store(self, key: str, answer: list[dict[str, Any]]) -> None:
        if self.stats.cache_error:
            return
        try:
            self.cache.put(key, answer)
        except GeocoderError as err:
            self.stats.cache_error = str(err)

    def _key(self, query: Query) -> str:
        return json.dumps({"url": self.config.url, "q": " ".join(query.text.casefold().split()),
                           "countrycodes": query.country_codes, "viewbox": query.viewbox,
                           "limit": CANDIDATES, "language": LANGUAGE}, sort_keys=True)

    def _ask(self, key: str, query: Query) -> list[dict[str, Any]]:
        """The service's answer (raw places, [] for none), or LookupFailed; stops asking when it must."""
        if key in self._failed_queries:
            raise LookupFailed(self._failed_queries[key])
        if self._stopped:
            raise LookupFailed(self._stopped)
        try:
            answer = self._ask_with_retries(query)
        except LookupFailed as failure:
            self._failed_queries[key] = failure.reason
            if failure.refused:
                self._stopped = failure.reason
            elif failure.reason not in (REASON_BUDGET, REASON_GAVE_UP):
                self._consecutive_failures += 1
                if self._consecutive_failures >= MAX_CONSECUTIVE_FAILURES:
                    self._stopped = REASON_GAVE_UP
            raise
        self._consecutive_failures = 0
        return answer

    def _ask_with_retries(self, query: Query) -> list[dict[str, Any]]:
        for attempt in range(MAX_RATE_LIMIT_RETRIES + 1):
            remaining = self.config.budget - self._spent
            if remaining <= 0:
                self._stopped = REASON_BUDGET
                raise LookupFailed(REASON_BUDGET)
            started = self._clock()
            try:
                return self._request(query, timeout=min(self.config.timeout, remaining))
            except GeocoderRateLimited as err:
                wait = DEFAULT_RETRY_AFTER if err.retry_after is None else float(err.retry_after)
                if attempt == MAX_RATE_LIMIT_RETRIES:
                    raise LookupFailed(REASON_RATE_LIMITED) from err
                if wait > self.config.budget - self._spent - (self._clock() - started):
                    # Waiting as asked would spend the budget: stop asking, as the server wants.
                    self._stopped = REASON_RATE_LIMITED
                    raise LookupFailed(REASON_RATE_LIMITED) from err
                self._sleep(wait)
            finally:
                self._spent += self._clock() - started
        raise AssertionError("unreachable")  # the loop returns or raises

    def _request(self, query: Query, timeout: float) -> list[dict[str, Any]]:
        """One HTTP request through the rate limiter; geopy's errors become LookupFailed reasons."""
        self.stats.requests += 1
        try:
            locations = self._limited(query.text, exactly_one=False, limit=CANDIDATES, addressdetails=True,
                                      country_codes=list(query.country_codes), viewbox=query.viewbox,
                                      language=LANGUAGE, timeout=timeout)
        except GeocoderRateLimited:
            raise
        except GeopyError as err:
            raise LookupFailed.from_geopy(err) from err
        except (ValueError, TypeError, AttributeError, KeyError) as err:
            # geopy parsed JSON of the wrong shape (not a list of places).
            raise LookupFailed("malformed answer") from err
        raw = [location.raw for location in locations or []]
        if not all(_valid_raw(place) for place in raw):
            raise LookupFailed("malformed answer")
        return raw


class _RateLimiter(RateLimiter):
    """geopy's RateLimiter reading the geocoder's clock and sleeping through its sleep (its own seams)."""

    clock: Callable[[], float] = staticmethod(time.monotonic)  # type: ignore[assignment]
    sleep: Callable[[float], None] = staticmethod(time.sleep)  # type: ignore[assignment]

    def _clock(self) -> float:
        return self.clock()

    def _sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def _adapter_without_retries(*, proxies: Any, ssl_context: Any) -> RequestsAdapter:
    # geopy's default adapter lets urllib3 resend a request that timed out, twice, at once: that
    # would break the one-request-a-second policy and the time budget. Every retry here is ours.
    return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)


def make_geocoder(settings: Settings) -> Geocoder | None:
    """The build's geocoder from its settings: None for ``geocoder=none`` (fully offline)."""
    if settings.geocoder == "none":
        return None
    config = GeocoderConfig.from_settings(settings)
    try:
        return Geocoder(config)
    except ConfigurationError as err:  # e.g. geopy's own sample user agent on the public server
        raise SettingError(f"--user-agent: {err}".splitlines()[0]) from err


def _valid_raw(raw: Any) -> bool:
    if not isinstance(raw, dict):
        return False
    try:
        latitude, longitude = float(raw["lat"]), float(raw["lon"])
    except (KeyError, TypeError, ValueError):
        return False
    return -90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0


def _place(raw: Mapping[str, Any]) -> Place:
    """A Nominatim answer as a gazetteer Place (key ``osm:<type>/<id>`` when the answer has one)."""
    address: Mapping[str, Any] = raw["address"] if isinstance(raw.get("address"), dict) else {}
    latitude, longitude = float(raw["lat"]), float(raw["lon"])
    display = str(raw.get("display_name") or "")
    name = str(raw.get("name") or display.split(",")[0]).strip()
    osm_type, osm_id = raw.get("osm_type"), raw.get("osm_id")
    key = f"osm:{osm_type}/{osm_id}" if osm_type and osm_id else f"osm:{latitude:.5f},{longitude:.5f}"
    place_type = str(raw.get("addresstype") or raw.get("type") or "")
    return Place(key=key, name=name, latitude=latitude, longitude=longitude,
                 kind=_KINDS.get(place_type, "site"),
                 country_code=str(address.get("country_code", "")).upper(),
                 country=str(address.get("country", "")),
                 admin1=str(address.get("state") or address.get("province") or address.get("region") or ""),
                 population=0, parent="")


def _status(err: BaseException) -> int | None:
    cause = err.__cause__
    return cause.status_code if isinstance(cause, AdapterHTTPError) else None

