"""Several reports of one incident -> one incident id.

In: every :class:`Incident` row of a build (the reports of many articles, as extraction wrote
them). Out: the same rows in the same order, each with ``incident_id`` replaced by the id of the
incident it belongs to; :func:`dashboard.aggregate.incidents_from_reports` then summarises each id.

A *report* is one incident as one article's extraction gave it: the rows sharing an article and
an extraction ``incident_id`` (the same sentence's incident at one or several places). Reports,
never single rows, are grouped, so the rows of one report always stay together and two reports
of one article are never joined.

Two reports are *compatible* (:func:`compatible`) when they come from different articles and:

- **place**: some place of one is some place of the other: both points within ``merge_km``
  (a neighbourhood without coordinates carries its town's point, ``geo_precision`` "town"),
  or the same resolved name in the same country when a point is missing; a ``region`` row
  (province or country) only matches the same region or a place whose ``admin1`` it is;
- **date**: each row stands for the days it may mean (day: that day; week: the date +- 7 days;
  month: the whole month; unknown: the publication day, as news is about the last few days).
  The two spans come within ``merge_days`` of each other; a row with neither date nor
  publication date is never merged;
- **type**: every event type of one is compatible with every event type of the other
  (:data:`COMPATIBLE_TYPES`); ``mention`` rows take no part and never make a group;
- **target**: the target nouns in their evidence sentences (:data:`TARGETS`) share one, or one
  of them names none (a mosque bombing and a market bombing the same day are two incidents);
- **toll**: their killed ranges are not wildly apart (:func:`tolls_conflict`; 10 and 40 dead
  is a usual spread for one attack, 2 and 50 is not).

Grouping is greedy complete linkage: candidate pairs are taken strongest first (fewest days
apart, then fewest km, then their keys, so the order is deterministic) and two groups are joined
only if every report of one is compatible with every report of the other and no article would
appear twice. Chains cannot drift: a report naming no target cannot bridge a mosque attack and a
market attack, and reports three days apart cannot be joined through one in between.

The id of an incident is a short hash of its smallest report key (article + extraction id):
the same input gives the same ids, and an article that joins no incident changes no id.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass
from typing import Sequence

from dashboard.aggregate import toll_range
from dashboard.schema import EVENT_TYPES, Incident

MENTION = "mention"

#: Event types that two reports of one incident may give it, besides each type itself (``mention``
#: matches nothing, not even itself). Outlets describe one complex attack as an assault, a battle
#: or a bombing, and one blast as a bombing or a strike; an arrest is a different event from a fight.
COMPATIBLE_TYPE_PAIRS: tuple[tuple[str, str], ...] = (
    ("armed attack", "clash"),
    ("armed attack", "bombing/explosion"),
    ("armed attack", "execution/killing"),
    ("armed attack", "other"),
    ("clash", "other"),
    ("bombing/explosion", "air or missile strike"),
    ("bombing/explosion", "other"),
    ("air or missile strike", "other"),
    ("execution/killing", "other"),
)
COMPATIBLE_TYPES: frozenset[frozenset[str]] = frozenset(
    [frozenset(pair) for pair in COMPATIBLE_TYPE_PAIRS] + [frozenset((t,)) for t in EVENT_TYPES if t != MENTION]
)

#: What an attack hit, as the evidence sentence names it: one target -> the words for it
#: (singular; plurals are matched too). Two reports naming only different targets are two incidents.
TARGETS: dict[str, tuple[str, ...]] = {
    "mosque": ("mosque", "masjid", "husseiniya", "husseiniyah", "hussainiya", "imambargah"),
    "church": ("church", "cathedral", "chapel"),
    "synagogue": ("synagogue",),
    "temple": ("temple", "gurdwara", "pagoda", "monastery"),
    "shrine": ("shrine", "mausoleum", "tomb"),
    "market": ("market", "marketplace", "bazaar", "souk", "souq", "shopping centre", "shopping center",
               "shopping mall", "mall"),
    "power plant": ("power plant", "power station", "electricity station", "power generating station",
                    "substation"),
    "oil facility": ("refinery", "oil field", "oilfield", "oil well", "pipeline", "gas plant", "gas station",
                     "petrol station", "fuel station"),
    "checkpoint": ("checkpoint", "check point", "roadblock"),
    "police station": ("police station", "police headquarters", "police post", "police building"),
    "security building": ("security building", "security headquarters", "intelligence headquarters",
                          "security compound"),
    "military base": ("military base", "army base", "air base", "airbase", "barracks", "garrison",
                      "military camp", "army camp", "outpost"),
    "convoy": ("convoy", "patrol"),
    "prison": ("prison", "jail", "detention centre", "detention center"),
    "government building": ("government building", "ministry", "governor's office", "provincial council",
                            "council building", "city hall", "town hall", "parliament", "courthouse",
                            "municipality building"),
    "embassy": ("embassy", "consulate"),
    "hotel": ("hotel", "guesthouse", "guest house"),
    "school": ("school", "madrasa", "madrassa", "kindergarten"),
    "university": ("university", "college", "campus"),
    "hospital": ("hospital", "clinic", "health centre", "health center", "medical centre", "medical center"),
    "bank": ("bank",),
    "restaurant": ("restaurant", "cafe", "café", "coffee shop", "teahouse", "tea house"),
    "bus": ("bus", "minibus", "bus station", "bus stop", "bus terminal"),
    "airport": ("airport",),
    "funeral": ("funeral", "mourning tent", "mourners"),
    "wedding": ("wedding",),
    "stadium": ("stadium", "football pitch", "football field"),
    "displacement camp": ("refugee camp", "displacement camp", "idp camp", "displaced persons camp"),
}

#: Killed figures of two reports are wildly apart, so two incidents, when the larger report's
#: lowest figure exceeds the smaller's highest figure times this, plus the slack below.
TOLL_RATIO = 10
TOLL_SLACK = 10

#: Week-precision dates stand for the date +- this many days ("last week").
WEEK_DAYS = 7

#: Hex digits of an incident id (48 bits: no collision in any realistic corpus).
ID_HEX_DIGITS = 12

_EARTH_KM = 6371.0088


def _target_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") + r"(?:e?s)?" for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


_TARGET_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (target, _target_pattern(words)) for target, words in TARGETS.items()
)


def targets_in(text: str) -> frozenset[str]:
    """The targets (keys of :data:`TARGETS`) a sentence names."""
    return frozenset(target for target, pattern in _TARGET_PATTERNS if pattern.search(text))


def types_compatible(first: str, second: str) -> bool:
    """True when two reports may give one incident these two event types."""
    return frozenset((first, second)) in COMPATIBLE_TYPES


def tolls_conflict(first: tuple[int | None, int | None], second: tuple[int | None, int | None]) -> bool:
    """True when two killed ranges (min, max) are too far apart to be one incident's reports."""
    for (_, high), (low, _) in ((first, second), (second, first)):
        if high is not None and low is not None and low > high * TOLL_RATIO + TOLL_SLACK:
            return True
    return False


@dataclass(frozen=True, slots=True)
class Place:
    """Where one row of a report is, as far as matching needs it."""

    name: str  # folded resolved name (or the mention when unresolved)
    admin1: str  # folded
    country_code: str  # upper case
    point: tuple[float, float] | None
    region: bool  # the point stands for a province or country


@dataclass(frozen=True, slots=True)
class Profile:
    """What a report says, without who says it: two reports with equal profiles match alike."""

    places: tuple[Place, ...]
    span: tuple[int, int]  # first and last day (proleptic ordinals) the report may mean
    types: frozenset[str]
    targets: frozenset[str]
    killed: tuple[int | None, int | None]


@dataclass(frozen=True, slots=True)
class Report:
    """One incident as one article reports it: the rows sharing an article and an extraction id."""

    key: str  # article + extraction incident_id: unique, and stable when other articles change
    article: str
    rows: tuple[int, ...]  # positions in the input
    profile: Profile | None  # None: mention only, or no date at all (never merged)


def report_key(row: Incident) -> str:
    """The key of the report a row belongs to (the unit of grouping)."""
    return f"{row.article}\x1f{row.incident_id}"


def incident_id(key: str) -> str:
    """The id of the incident whose smallest report key is ``key``."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:ID_HEX_DIGITS]


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _place(row: Incident) -> Place:
    point = None
    if row.latitude is not None and row.longitude is not None:
        point = (float(row.latitude), float(row.longitude))
    return Place(
        name=_fold(row.location or row.mention),
        admin1=_fold(row.admin1),
        country_code=row.country_code.strip().upper(),
        point=point,
        region=row.geo_precision == "region",
    )


def _span(row: Incident) -> tuple[int, int] | None:
    if row.date is None or row.date_precision == "unknown":
        if row.published is None:
            return None
        day = row.published.toordinal()
        return day, day
    day = row.date.toordinal()
    if row.date_precision == "week":
        return day - WEEK_DAYS, day + WEEK_DAYS
    if row.date_precision == "month":
        last = calendar.monthrange(row.date.year, row.date.month)[1]
        return dt.date(row.date.year, row.date.month, 1).toordinal(), dt.date(row.date.year, row.date.month, last).toordinal()
    return day, day


def _profile(rows: Sequence[Incident]) -> Profile | None:
    events = [r for r in rows if r.event_type != MENTION]
    spans = [_span(r) for r in events]
    if not events or any(s is None for s in spans):
        return None
    return Profile(
        places=tuple(dict.fromkeys(_place(r) for r in events)),
        span=(min(s[0] for s in spans if s), max(s[1] for s in spans if s)),
        types=frozenset(r.event_type for r in events),
        targets=frozenset().union(*(targets_in(r.evidence) for r in events)),
        killed=toll_range([r.killed_min for r in events], [r.killed_max for r in events]),
    )


def _km(first: tuple[float, float], second: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*first, *second))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def place_distance(first: Place, second: Place, merge_km: float) -> float | None:
    """How far apart two places are in km (0 for a name match), or None when they cannot be one place."""
    same_country = not first.country_code or not second.country_code or first.country_code == second.country_code
    if not same_country:
        return None
    if first.region or second.region:
        region, other = (first, second) if first.region else (second, first)
        if region.name and region.name in (other.name, other.admin1):
            return 0.0
        return None
    if first.point is not None and second.point is not None:
        km = _km(first.point, second.point)
        return km if km <= merge_km else None
    return 0.0 if first.name and first.name == second.name else None


def _day_gap(first: Profile, second: Profile) -> int:
    return max(0, max(first.span[0], second.span[0]) - min(first.span[1], second.span[1]))


def match_strength(first: Profile, second: Profile, merge_km: float, merge_days: int) -> tuple[int, float] | None:
    """(days apart, km apart) when two reports are compatible, else None; smaller is stronger."""
    gap = _day_gap(first, second)
    if gap > merge_days:
        return None
    if not all(types_compatible(a, b) for a in first.types for b in second.types):
        return None
    if first.targets and second.targets and not first.targets & second.targets:
        return None
    if tolls_conflict(first.killed, second.killed):
        return None
    distances = [d for a in first.places for b in second.places if (d := place_distance(a, b, merge_km)) is not None]
    if not distances:
        return None
    return gap, min(distances)


def compatible(first: Profile, second: Profile, merge_km: float, merge_days: int) -> bool:
    """True when two reports (of different articles) may describe one incident."""
    return match_strength(first, second, merge_km, merge_days) is not None


def reports_of(rows: Sequence[Incident]) -> list[Report]:
    """Rows -> reports (rows sharing article and extraction id), in order of first row."""
    positions: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        positions.setdefault(report_key(row), []).append(index)
    return [
        Report(key, rows[members[0]].article, tuple(members), _profile([rows[i] for i in members]))
        for key, members in positions.items()
    ]


class _Groups:
    """Union-find over reports that joins two groups only if all their reports stay compatible."""

    def __init__(self, reports: Sequence[Report], merge_km: float, merge_days: int) -> None:
        self.parent = list(range(len(reports)))
        self.articles = [{r.article} for r in reports]
        self.profiles = [{r.profile} if r.profile else set() for r in reports]
        self.merge_km = merge_km
        self.merge_days = merge_days
        self._cache: dict[tuple[Profile, Profile], bool] = {}

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def _compatible(self, first: Profile, second: Profile) -> bool:
        pair = (first, second)
        if pair not in self._cache:
            self._cache[pair] = compatible(first, second, self.merge_km, self.merge_days)
        return self._cache[pair]

    def join(self, first: int, second: int) -> bool:
        a, b = self.find(first), self.find(second)
        if a == b or self.articles[a] & self.articles[b]:
            return False
        if not all(self._compatible(p, q) for p in self.profiles[a] for q in self.profiles[b]):
            return False
        keep, gone = min(a, b), max(a, b)
        self.parent[gone] = keep
        self.articles[keep] |= self.articles[gone]
        self.profiles[keep] |= self.profiles[gone]
        self.articles[gone], self.profiles[gone] = set(), set()
        return True


def _candidate_pairs(reports: Sequence[Report], merge_days: int) -> set[tuple[int, int]]:
    """Pairs of mergeable reports of different articles whose date spans are close enough."""
    by_day: dict[int, list[int]] = {}
    for index, report in enumerate(reports):
        if report.profile:
            for day in range(report.profile.span[0], report.profile.span[1] + 1):
                by_day.setdefault(day, []).append(index)
    pairs: set[tuple[int, int]] = set()
    for index, report in enumerate(reports):
        if not report.profile:
            continue
        first, last = report.profile.span
        for day in range(first - merge_days, last + merge_days + 1):
            for other in by_day.get(day, ()):
                if other > index and reports[other].article != report.article:
                    pairs.add((index, other))
    return pairs


def group_reports(reports: Sequence[Report], merge_km: float, merge_days: int) -> list[int]:
    """For each report, the position of the first report of its incident group."""
    edges = []
    for i, j in _candidate_pairs(reports, merge_days):
        first, second = reports[i].profile, reports[j].profile
        assert first is not None and second is not None  # only mergeable reports are candidates
        strength = match_strength(first, second, merge_km, merge_days)
        if strength is not None:
            low, high = sorted((reports[i].key, reports[j].key))
            edges.append((strength, low, high, i, j))
    edges.sort()
    groups = _Groups(reports, merge_km, merge_days)
    for *_, i, j in edges:
        groups.join(i, j)
    return [groups.find(i) for i in range(len(reports))]


def reconcile(reports: Sequence[Incident], merge_km: float, merge_days: int) -> list[Incident]:
    """The same rows in the same order, each with the ``incident_id`` of the incident it belongs to."""
    units = reports_of(reports)
    roots = group_reports(units, merge_km, merge_days)
    smallest: dict[int, str] = {}
    for unit, root in zip(units, roots):
        smallest[root] = min(smallest.get(root, unit.key), unit.key)
    new_ids: list[str] = [""] * len(reports)
    for unit, root in zip(units, roots):
        for row in unit.rows:
            new_ids[row] = incident_id(smallest[root])
    return [dataclasses.replace(row, incident_id=new_id) for row, new_id in zip(reports, new_ids)]
