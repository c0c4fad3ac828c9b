"""Geocoding the place names the embedded gazetteer lacks, through geopy's Nominatim client.

In: the article's unknown place mentions (from :mod:`dashboard.preprocess.unknown_names`) and the
places geoparsing already resolved in the same article (the context). Out: one
:class:`ResolvedMention` per unknown mention, in the same order, never an exception.
:func:`add_unknown_places` does both steps for the pipeline: geoparse's rows in, all rows out.

The chain: the gazetteer has already been asked (by geoparse). When the build enables it, geopy's
real :class:`geopy.geocoders.Nominatim` is asked next, behind geopy's
:class:`~geopy.extra.rate_limiter.RateLimiter` (one request a second, Nominatim's usage policy).
Each query is restricted to the countries the article's places lie in and biased to a viewbox
around them; an answer is kept only when plausible (within ``geocoder_max_km`` of the article's
other places, or inside the country the text names right after the mention, as in "X, Syria").
Every answer, hits and misses, is kept in a persistent cache, so a re-run asks nothing.

A name that is not resolved (no geocoder, a failure, a miss, an implausible answer) falls back to
the town it belongs to (the one named right after it, else the article's focus town) with
``geo_precision`` "town", else to the focus region ("region"); the row keeps the words as written. Failures never abort a build: they are counted in
:class:`GeocoderStats` and, after a few in a row or when the time budget is spent, the geocoder
stops asking for the rest of the build.
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from geopy.adapters import AdapterHTTPError, RequestsAdapter
from geopy.exc import (
    ConfigurationError,
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from dashboard.errors import GeocoderError, SettingError
from dashboard.geodesy import km_between
from dashboard.preprocess.gazetteer import Place
from dashboard.preprocess.geoparse import Mention, ResolvedMention
from dashboard.preprocess.unknown_names import find_unknown_names

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
#: Degrees added around the article's places for the viewbox that biases a query (~110 km).
VIEWBOX_MARGIN_DEGREES = 1.0
#: A country or province named at most this many characters after the mention qualifies it
#: ("Tal Abyad, Syria", "X in Syria"): the text says where it is, however far.
QUALIFIER_GAP = 4
#: A city or town named at most this many characters after an unknown name is the town it belongs
#: to in the fallback (" neighbourhood of ", ", a village south of ").
OWNER_GAP = 30
#: Place kinds that stand for a town in the fallback, and for a region.
TOWN_KINDS = frozenset({"city", "town"})
REGION_KINDS = frozenset({"admin1", "region", "country"})
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
#: Answers that mean "stop asking" (the public server's answer to a policy breach is 403).
REASONS_REFUSED = frozenset({"HTTP 401", "HTTP 403"})


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
    def from_settings(cls, settings: Mapping[str, Any]) -> GeocoderConfig:
        """The nominatim settings, checked; SettingError (one line) when they cannot be used."""
        url = str(settings["nominatim_url"]).strip().rstrip("/")
        if not _base_url(url):
            raise SettingError(f"--nominatim-url: {url!r} is not an http(s) base URL such as "
                               "https://nominatim.openstreetmap.org")
        agent = str(settings["user_agent"]).strip()
        if not agent:
            raise SettingError("--geocoder nominatim needs --user-agent (or DASHBOARD_USER_AGENT) naming "
                               "you or your application, as Nominatim's usage policy requires")
        return cls(url=url, user_agent=agent, cache_dir=Path(settings["cache"]),
                   timeout=float(settings["geocoder_timeout"]), budget=float(settings["geocoder_budget"]),
                   max_km=float(settings["geocoder_max_km"]))


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
class _Query:
    text: str
    country_codes: tuple[str, ...]
    viewbox: tuple[tuple[float, float], tuple[float, float]] | None
    qualifier: Place | None  # a country/province the text names right after the mention


class _Failure(Exception):
    """One name the service did not answer; ``reason`` is counted in the stats."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Geocoder:
    """Nominatim through geopy, rate limited, cached, with a time budget per build (one per build)."""

    def __init__(self, config: GeocoderConfig) -> None:
        self.config = config
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
        self._limited = RateLimiter(self._nominatim.geocode, min_delay_seconds=MIN_DELAY_SECONDS,
                                    max_retries=0, swallow_exceptions=False)
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

    def resolve(self, unknown: list[Mention], context: list[ResolvedMention]) -> list[ResolvedMention]:
        """One resolved mention per unknown one (same order): the geocoder's answer or the fallback."""
        self.stats.names += len(unknown)
        hits = [self._resolve_one(mention, context) for mention in unknown]
        fallbacks = iter(fall_back([m for m, hit in zip(unknown, hits) if hit is None], context))
        return [hit if hit is not None else next(fallbacks) for hit in hits]

    def _resolve_one(self, mention: Mention, context: list[ResolvedMention]) -> ResolvedMention | None:
        query = _make_query(mention, context)
        if query is None:
            self.stats.failed["no context"] += 1
            return None
        key = self._key(query)
        answer = self._cached(key)
        if answer is not None:
            self.stats.cached += 1
        else:
            try:
                answer = self._ask(key, query)
            except _Failure as failure:
                self.stats.failed[failure.reason] += 1
                return None
            self._store(key, answer)
        if not answer:
            self.stats.not_found += 1
            return None
        for raw in answer:
            place = _place(raw)
            if _plausible(place, query, context, self.config.max_km):
                self.stats.found += 1
                return ResolvedMention(mention, place, place.latitude, place.longitude, "place")
        self.stats.implausible += 1
        return None

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

    def _key(self, query: _Query) -> str:
        return json.dumps({"url": self.config.url, "q": " ".join(query.text.casefold().split()),
                           "countrycodes": query.country_codes, "viewbox": query.viewbox,
                           "limit": CANDIDATES, "language": LANGUAGE}, sort_keys=True)

    def _ask(self, key: str, query: _Query) -> list[dict[str, Any]]:
        """The service's answer (raw places, [] for none), or _Failure; stops asking when it must."""
        if key in self._failed_queries:
            raise _Failure(self._failed_queries[key])
        if self._stopped:
            raise _Failure(self._stopped)
        try:
            answer = self._ask_with_retries(query)
        except _Failure as failure:
            self._failed_queries[key] = failure.reason
            if failure.reason in REASONS_REFUSED:  # the server refuses us: asking more makes it worse
                self._stopped = failure.reason
            elif failure.reason not in (REASON_BUDGET, REASON_GAVE_UP):
                self._consecutive_failures += 1
                if self._consecutive_failures >= MAX_CONSECUTIVE_FAILURES:
                    self._stopped = REASON_GAVE_UP
            raise
        self._consecutive_failures = 0
        return answer

    def _ask_with_retries(self, query: _Query) -> list[dict[str, Any]]:
        for attempt in range(MAX_RATE_LIMIT_RETRIES + 1):
            remaining = self.config.budget - self._spent
            if remaining <= 0:
                self._stopped = REASON_BUDGET
                raise _Failure(REASON_BUDGET)
            started = time.monotonic()
            try:
                return self._request(query, timeout=min(self.config.timeout, remaining))
            except GeocoderRateLimited as err:
                wait = DEFAULT_RETRY_AFTER if err.retry_after is None else float(err.retry_after)
                if attempt == MAX_RATE_LIMIT_RETRIES:
                    raise _Failure("rate limited") from err
                if wait > self.config.budget - self._spent - (time.monotonic() - started):
                    # Waiting as asked would spend the budget: stop asking, as the server wants.
                    self._stopped = "rate limited"
                    raise _Failure("rate limited") from err
                time.sleep(wait)
            finally:
                self._spent += time.monotonic() - started
        raise AssertionError("unreachable")  # the loop returns or raises

    def _request(self, query: _Query, timeout: float) -> list[dict[str, Any]]:
        """One HTTP request through the rate limiter; geopy's errors become _Failure reasons."""
        self.stats.requests += 1
        try:
            locations = self._limited(query.text, exactly_one=False, limit=CANDIDATES, addressdetails=True,
                                      country_codes=list(query.country_codes), viewbox=query.viewbox,
                                      language=LANGUAGE, timeout=timeout)
        except GeocoderRateLimited:
            raise
        except GeocoderParseError as err:
            raise _Failure("malformed answer") from err
        except GeocoderTimedOut as err:
            status = _status(err)
            raise _Failure("timeout" if status in (None, 408) else f"HTTP {status}") from err
        except GeocoderUnavailable as err:
            raise _Failure("unavailable") from err
        except GeocoderQueryError as err:
            raise _Failure("rejected") from err
        except GeocoderServiceError as err:
            status = _status(err)
            raise _Failure("service error" if status is None else f"HTTP {status}") from err
        except (ValueError, TypeError, AttributeError, KeyError) as err:
            # geopy parsed JSON of the wrong shape (not a list of places).
            raise _Failure("malformed answer") from err
        raw = [location.raw for location in locations or []]
        if not all(_valid_raw(place) for place in raw):
            raise _Failure("malformed answer")
        return raw


def _adapter_without_retries(*, proxies: Any, ssl_context: Any) -> RequestsAdapter:
    # geopy's default adapter lets urllib3 resend a request that timed out, twice, at once: that
    # would break the one-request-a-second policy and the time budget. Every retry here is ours.
    return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)


def make_geocoder(settings: Mapping[str, Any]) -> Geocoder | None:
    """The build's geocoder from its settings: None for ``geocoder=none`` (fully offline)."""
    if settings["geocoder"] == "none":
        return None
    config = GeocoderConfig.from_settings(settings)
    try:
        return Geocoder(config)
    except ConfigurationError as err:  # e.g. geopy's own sample user agent on the public server
        raise SettingError(f"--user-agent: {err}".splitlines()[0]) from err


def add_unknown_places(text: str, found: list[ResolvedMention], is_known: Callable[[str], bool],
                       geocoder: Geocoder | None) -> list[ResolvedMention]:
    """Geoparse's places plus the ones it lacks, in text order: the pipeline's one call here.

    ``found`` is geoparse's output for ``text``; its unresolved mentions and the names that
    :func:`find_unknown_names` notices around them go to the geocoder (or straight to the
    fallback when there is none); its resolved places are their context and stay as they are.
    """
    context = [r for r in found if r.place is not None]
    unknown = [r.mention for r in found if r.place is None]
    unknown += find_unknown_names(text, is_known, [(r.mention.start, r.mention.end) for r in found])
    unknown.sort(key=lambda mention: mention.start)
    added = geocoder.resolve(unknown, context) if geocoder is not None else fall_back(unknown, context)
    return sorted([*context, *added], key=lambda r: (r.mention.start, r.mention.end))


def fall_back(unknown: list[Mention], context: list[ResolvedMention]) -> list[ResolvedMention]:
    """Each unknown mention placed at the town it belongs to, with the mention's own words kept.

    That town is the city or town named right after it ("the village of X, south of Y", "the X
    neighbourhood of Y"), else the article's focus town (the one it names most often), both with
    ``geo_precision`` "town"; else the focus province or country ("region"); else no point.
    """
    town = _focus(context, TOWN_KINDS)
    region = None if town is not None else _focus(context, REGION_KINDS)
    ordered = sorted((r for r in context if r.place is not None), key=lambda r: r.mention.start)
    starts = [r.mention.start for r in ordered]
    rows = []
    for mention in unknown:
        place, precision = _owner(mention, ordered, starts) or town, "town"
        if place is None:
            place, precision = region, "region"
        if place is None:
            rows.append(ResolvedMention(mention, None, None, None, ""))
        else:
            rows.append(ResolvedMention(mention, place, place.latitude, place.longitude, precision))
    return rows


def _owner(mention: Mention, ordered: Sequence[ResolvedMention], starts: Sequence[int]) -> Place | None:
    """The city or town named next after ``mention``, at most OWNER_GAP characters on.

    ``ordered`` are the resolved places in text order and ``starts`` their starts: the next one
    is found by bisection, not by a scan of the article's places for every mention.
    """
    index = bisect.bisect_left(starts, mention.end)
    if index >= len(ordered):
        return None
    nearest = ordered[index]
    place = nearest.place
    if place is None or place.kind not in TOWN_KINDS or nearest.mention.start - mention.end > OWNER_GAP:
        return None
    return place


def _focus(context: Iterable[ResolvedMention], kinds: frozenset[str]) -> Place | None:
    """The most mentioned resolved place of these kinds (the first mentioned on a tie)."""
    counts: Counter[str] = Counter()
    first: dict[str, tuple[int, Place]] = {}
    for resolved in context:
        place = resolved.place
        if place is None or place.kind not in kinds:
            continue
        counts[place.key] += 1
        if place.key not in first or resolved.mention.start < first[place.key][0]:
            first[place.key] = (resolved.mention.start, place)
    if not counts:
        return None
    best = min(counts, key=lambda key: (-counts[key], first[key][0]))
    return first[best][1]


def _points(context: Iterable[ResolvedMention]) -> list[tuple[float, float]]:
    """The article's places as points; a country's centroid says nothing about where things are."""
    return [(r.latitude, r.longitude) for r in context
            if r.place is not None and r.latitude is not None and r.longitude is not None
            and r.place.kind != "country"]


def _make_query(mention: Mention, context: Sequence[ResolvedMention]) -> _Query | None:
    """The query for one name, restricted and biased by the article's places; None without any."""
    qualifier = next((r.place for r in context if r.place is not None and r.place.kind in ("country", "admin1")
                      and 0 <= r.mention.start - mention.end <= QUALIFIER_GAP), None)
    text = " ".join(mention.text.split())
    if qualifier is not None:
        box = _viewbox([(qualifier.latitude, qualifier.longitude)]) if qualifier.kind == "admin1" else None
        return _Query(text, (qualifier.country_code.lower(),), box, qualifier)
    codes = Counter(r.place.country_code.lower() for r in context if r.place is not None and r.place.country_code)
    if not codes:
        return None
    points = _points(context)
    # The focus country first; Nominatim takes the list as a filter.
    ordered = tuple(code for code, _ in sorted(codes.items(), key=lambda item: (-item[1], item[0])))
    return _Query(text, ordered, _viewbox(points) if points else None, None)


def _viewbox(points: Sequence[tuple[float, float]]) -> tuple[tuple[float, float], tuple[float, float]]:
    """The box around ``points`` with a margin, rounded so that the cache key stays stable."""
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return ((round(max(min(lats) - VIEWBOX_MARGIN_DEGREES, -90.0), 1),
             round(max(min(lons) - VIEWBOX_MARGIN_DEGREES, -180.0), 1)),
            (round(min(max(lats) + VIEWBOX_MARGIN_DEGREES, 90.0), 1),
             round(min(max(lons) + VIEWBOX_MARGIN_DEGREES, 180.0), 1)))


def _plausible(place: Place, query: _Query, context: Sequence[ResolvedMention], max_km: float) -> bool:
    qualifier = query.qualifier
    if qualifier is not None:  # "X, Syria": in Syria; "X, Nineveh": in Iraq, near Nineveh
        in_country = place.country_code == qualifier.country_code.upper()
        return in_country and (qualifier.kind == "country" or km_between(
            place.latitude, place.longitude, qualifier.latitude, qualifier.longitude) <= max_km)
    points = _points(context)
    if points:
        return min(km_between(place.latitude, place.longitude, lat, lon) for lat, lon in points) <= max_km
    return place.country_code.lower() in query.country_codes


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

