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
  (:data:`dashboard.same_incident.COMPATIBLE_TYPES`); ``mention`` rows take no part and never make a group;
- **target**: the target nouns in their evidence sentences (:data:`dashboard.same_incident.TARGETS`) share one, or one
  of them names none (a mosque bombing and a market bombing the same day are two incidents);
- **toll**: their killed ranges are not wildly apart (:func:`tolls_conflict`; 10 and 40 dead
  is a usual spread for one attack, 2 and 50 is not).

Grouping is greedy complete linkage: candidate pairs are taken strongest first (:class:`Strength`:
most targets in common, fewest days apart, a shared event type, fewest km; then their keys, so
the order is deterministic), and two groups are joined only if every report of one is compatible
with every report of the other and no article would appear twice. Chains cannot drift: a report
naming no target cannot bridge a mosque attack and a market attack, and reports more than
``merge_days`` apart cannot be joined through one in between. Candidates are found through an
index of days and place keys (:func:`_place_keys`), so the cost grows with the reports that could
match, not with the square of the corpus.

The id of an incident is a short hash of its smallest report key (article + extraction id):
the same input gives the same ids, and an article that joins no incident changes no id.
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
import hashlib
import math
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple, Sequence

from dashboard.geodesy import EARTH_RADIUS_KM, km_between
from dashboard.same_incident import MENTION, targets_in, toll_range, tolls_conflict, types_compatible
from dashboard.schema import Incident, IncidentCells

#: Week-precision dates stand for the date +- this many days ("last week").
WEEK_DAYS = 7

#: Hex digits of an incident id (48 bits: no collision in any realistic corpus).
ID_HEX_DIGITS = 12


# Incident's fields after incident_id, to rebuild rows quickly (dataclasses.replace is slow).
_FIELDS_AFTER_ID = tuple(f.name for f in dataclasses.fields(Incident))[1:]
assert dataclasses.fields(Incident)[0].name == "incident_id"


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


def report_key(row: Incident | IncidentCells) -> str:
    """The key of the report a row belongs to (the unit of grouping)."""
    return f"{row.article}\x1f{row.incident_id}"


def incident_id(key: str) -> str:
    """The id of the incident whose smallest report key is ``key``."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:ID_HEX_DIGITS]


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _place(row: Incident | IncidentCells) -> Place:
    point = None
    if row.latitude is not None and row.longitude is not None:
        point = (float(row.latitude), float(row.longitude))
        if not all(map(math.isfinite, point)):  # NaN from a careless caller: no point, not a crash
            point = None
    return Place(
        name=_fold(row.location or row.mention),
        admin1=_fold(row.admin1),
        country_code=row.country_code.strip().upper(),
        point=point,
        region=row.geo_precision == "region",
    )


def _span(row: Incident | IncidentCells) -> tuple[int, int] | None:
    if row.date is None or row.date_precision == "unknown":
        if row.published is None:
            return None
        day = row.published.toordinal()
        return day, day
    day = row.date.toordinal()
    if row.date_precision == "week":
        return day - WEEK_DAYS, day + WEEK_DAYS
    if row.date_precision == "month":
        first = row.date.replace(day=1)
        last = row.date.replace(day=calendar.monthrange(row.date.year, row.date.month)[1])
        return first.toordinal(), last.toordinal()
    return day, day


def _one(shared: dict[Any, Any], value: Any) -> Any:
    return shared.setdefault(value, value)


def _profile(rows: Sequence[Incident | IncidentCells], shared: dict[Any, Any]) -> Profile | None:
    """``shared``: values met before, each kept once (a corpus names the same places, types and
    targets again and again): an equal value is the one kept."""
    events = [r for r in rows if r.event_type != MENTION]
    spans = [_span(r) for r in events]
    if not events or any(s is None for s in spans):
        return None
    one = functools.partial(_one, shared)
    return Profile(
        places=one(tuple(dict.fromkeys(one(_place(r)) for r in events))),
        span=one((min(s[0] for s in spans if s), max(s[1] for s in spans if s))),
        types=one(frozenset(r.event_type for r in events)),
        targets=one(frozenset().union(*(targets_in(r.evidence) for r in events))),
        killed=toll_range([r.killed_min for r in events], [r.killed_max for r in events]),
    )


def place_distance(first: Place, second: Place, merge_km: float) -> float | None:
    """How far apart two places are in km (0 for a name match), or None when they cannot be one place."""
    same_country = not first.country_code or not second.country_code or first.country_code == second.country_code
    if not same_country:
        return None
    if first.region or second.region:
        region, other = (first, second) if first.region else (second, first)
        if region.name and region.name in (other.name, other.admin1):
            return 0.0
        if region.admin1 and region.admin1 == other.admin1:  # a province row ("X Governorate", admin1 X)
            return 0.0
        return None
    if first.point is not None and second.point is not None:
        km = km_between(*first.point, *second.point)
        return km if km <= merge_km else None
    return 0.0 if first.name and first.name == second.name else None


def _day_gap(first: Profile, second: Profile) -> int:
    return max(0, max(first.span[0], second.span[0]) - min(first.span[1], second.span[1]))


class Strength(NamedTuple):
    """How well two compatible reports match; the smaller sorts first and is joined first."""

    shared_targets: int  # minus the number of targets both name: naming the same target counts most
    days: int  # days apart
    other_type: bool  # no event type in common
    km: float  # km between their closest places (0 for a name match)


def match_strength(first: Profile, second: Profile, merge_km: float, merge_days: int) -> Strength | None:
    """How well two reports match when they are compatible, else None."""
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
    return Strength(-len(first.targets & second.targets), gap, not first.types & second.types, min(distances))


def compatible(first: Profile, second: Profile, merge_km: float, merge_days: int) -> bool:
    """True when two reports (of different articles) may describe one incident."""
    return match_strength(first, second, merge_km, merge_days) is not None


def reports_of(rows: Sequence[Incident]) -> list[Report]:
    """Rows -> reports (rows sharing article and extraction id), in order of first row."""
    found = ReportsOf()
    found.add(rows)
    return found.reports


class ReportsOf:
    """:func:`reports_of` of a build's rows, taken as they come (:meth:`add`, an article's rows at a
    time: a report's rows are all in one call), so that no row needs to be kept for reconciling."""

    def __init__(self) -> None:
        self.reports: list[Report] = []
        self.rows = 0  # rows added so far
        self._shared: dict[Any, Any] = {}

    def add(self, rows: Sequence[Incident | IncidentCells]) -> None:
        keys = list(map(report_key, rows))
        if len(set(keys)) == len(keys):  # each row a report of its own (most articles): no grouping
            self.reports += [Report(key, row.article, (index,), _profile((row,), self._shared))
                             for index, (key, row) in enumerate(zip(keys, rows), start=self.rows)]
            self.rows += len(rows)
            return
        members: dict[str, list[Incident]] = {}
        positions: dict[str, list[int]] = {}
        for index, (key, row) in enumerate(zip(keys, rows), start=self.rows):
            members.setdefault(key, []).append(row)
            positions.setdefault(key, []).append(index)
        self.reports += [Report(key, report[0].article, tuple(positions[key]), _profile(report, self._shared))
                         for key, report in members.items()]
        self.rows += len(rows)


class _Groups:
    """Union-find over reports that joins two groups only if no article would appear twice and
    every profile of one is compatible with every profile of the other (complete linkage)."""

    def __init__(self, reports: Sequence[Report], profile_ids: Sequence[int | None],
                 compatible_ids: Callable[[int, int], bool]) -> None:
        self.parent = list(range(len(reports)))
        # Each group's articles and profiles, kept as its one report's (an article, a profile id or
        # None) until it first joins another: most reports never do, and need no sets.
        self.articles: list[str | set[str]] = [r.article for r in reports]
        self.profiles: list[int | None | set[int]] = list(profile_ids)
        self.compatible_ids = compatible_ids

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def _articles(self, root: int) -> set[str]:
        kept = self.articles[root]
        return kept if isinstance(kept, set) else {kept}

    def _profiles(self, root: int) -> set[int]:
        kept = self.profiles[root]
        return kept if isinstance(kept, set) else set() if kept is None else {kept}

    def join(self, first: int, second: int) -> bool:
        a, b = self.find(first), self.find(second)
        if a == b:
            return False
        articles_a, articles_b = self._articles(a), self._articles(b)
        if not articles_a.isdisjoint(articles_b):
            return False
        profiles_a, profiles_b = self._profiles(a), self._profiles(b)
        if not all(self.compatible_ids(p, q) for p in profiles_a for q in profiles_b):
            return False
        if len(articles_a) < len(articles_b):  # keep the larger sets, so joining n reports one by one costs n
            a, b, articles_a, articles_b, profiles_a, profiles_b = b, a, articles_b, articles_a, profiles_b, profiles_a
        self.parent[b] = a
        articles_a |= articles_b
        profiles_a |= profiles_b
        self.articles[a], self.profiles[a] = articles_a, profiles_a
        self.articles[b], self.profiles[b] = set(), set()
        return True


def _cell(point: tuple[float, float], merge_km: float) -> tuple[int, int, int]:
    """The cell, ``merge_km`` wide, of a 3-D grid around the earth that holds a point."""
    lat, lon = map(math.radians, point)
    xyz = (math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat))
    x, y, z = (math.floor(c * EARTH_RADIUS_KM / merge_km) for c in xyz)
    return x, y, z


@functools.lru_cache(maxsize=65536)
def _place_keys(place: Place, merge_km: float) -> tuple[frozenset[tuple], frozenset[tuple]]:
    """Blocking keys a place is filed under, and those it looks up: every compatible pair shares one.

    Points within ``merge_km`` fall in the same or neighbouring cells of a 3-D grid (a chord is
    never longer than its arc); a name match needs the same name; a region matches the places
    whose name or province is its name, or whose province is its province.
    """
    filed: set[tuple] = {("name", place.name), ("admin1", place.admin1)}
    looked: set[tuple] = {("name", place.name)}
    if place.region:
        looked |= {("admin1", place.name), ("admin1", place.admin1)} if place.admin1 else {("admin1", place.name)}
    elif place.point is not None:
        x, y, z = _cell(place.point, merge_km)
        filed.add(("cell", x, y, z))
        looked |= {("cell", x + i, y + j, z + k) for i in (-1, 0, 1) for j in (-1, 0, 1) for k in (-1, 0, 1)}
    return frozenset(filed), frozenset(looked)


def _candidate_pairs(profiles: Sequence[Profile], merge_km: float, merge_days: int) -> set[tuple[int, int]]:
    """Pairs of different profiles that share a day (give or take ``merge_days``) and a place key.

    The index holds each profile under its days and filed keys; the keys a profile looks up are
    made when it is its turn and let go (kept for every profile they would outweigh the index).
    """
    index: dict[tuple, list[int]] = {}
    for position, profile in enumerate(profiles):
        first, last = profile.span
        filed = set().union(*(_place_keys(place, merge_km)[0] for place in profile.places))
        for day in range(first, last + 1):
            for key in filed:
                index.setdefault((day, key), []).append(position)
    pairs: set[tuple[int, int]] = set()
    for position, profile in enumerate(profiles):
        first, last = profile.span
        looked = set().union(*(_place_keys(place, merge_km)[1] for place in profile.places))
        for day in range(first - merge_days, last + merge_days + 1):
            for key in looked:
                for other in index.get((day, key), ()):
                    if other != position:
                        pairs.add((other, position) if other < position else (position, other))
    return pairs


@dataclass(frozen=True, slots=True)
class _Edges:
    """Reports bundled by equal profile, and the pairs of bundles that may join, strongest first."""

    bundles: list[list[int]]  # report positions of each distinct profile, in key order
    profile_ids: list[int | None]  # each report's bundle (None: no profile)
    edges: list[tuple[int, int]]  # (bundle, bundle), strongest match first, then by first key
    joinable: Callable[[int, int], bool]  # whether two profiles may be one incident


def _edges(reports: Sequence[Report], merge_km: float, merge_days: int) -> _Edges:
    ids: dict[Profile, int] = {}
    bundles: list[list[int]] = []
    profile_ids: list[int | None] = [None] * len(reports)
    for position in sorted(range(len(reports)), key=lambda i: reports[i].key):
        profile = reports[position].profile
        if profile is None:
            continue
        profile_ids[position] = ids.setdefault(profile, len(ids))
        if profile_ids[position] == len(bundles):
            bundles.append([])
        bundles[ids[profile]].append(position)
    profiles = list(ids)
    strengths: dict[tuple[int, int], Strength | None] = {}

    def strength(a: int, b: int) -> Strength | None:
        if (a, b) not in strengths:
            strengths[a, b] = strengths[b, a] = match_strength(profiles[a], profiles[b], merge_km, merge_days)
        return strengths[a, b]

    pairs = _candidate_pairs(profiles, merge_km, merge_days)
    pairs |= {(a, a) for a, bundle in enumerate(bundles) if len(bundle) > 1}
    first_key = [reports[bundle[0]].key for bundle in bundles]
    edges = sorted((s, first_key[a], first_key[b], a, b) for a, b in pairs if (s := strength(a, b)) is not None)
    return _Edges(bundles, profile_ids, [(a, b) for *_, a, b in edges], lambda a, b: strength(a, b) is not None)


def group_reports(reports: Sequence[Report], merge_km: float, merge_days: int) -> list[int]:
    """For each report, the position of a report of its incident group (the same for the whole group).

    Reports with equal profiles are bundled, so a corpus that repeats one story costs one
    comparison per pair of distinct stories, not per pair of reports.
    """
    return grouped(reports, merge_km, merge_days).roots


@dataclass(frozen=True, slots=True)
class Grouped:
    """:func:`group_reports`'s groups, and the parts of the graph of compatible pairs they lie in."""

    roots: list[int]  # each report's group, as the position of one of its reports
    # Each report's component (-1: no profile, never joined): reports joined by a chain of
    # compatible pairs, or with equal profiles that match some report. Grouping one component
    # alone gives its groups as grouping everything does: a join needs a compatible pair, the
    # pairs are taken in an order of their own keys, and a group never leaves its component.
    components: list[int]


def grouped(reports: Sequence[Report], merge_km: float, merge_days: int) -> Grouped:
    """:func:`group_reports` with each report's component."""
    found = _edges(reports, merge_km, merge_days)
    bundles = found.bundles
    groups = _Groups(reports, found.profile_ids, found.joinable)
    for a, b in found.edges:
        # A refusal between two groups holds for good (groups only grow, and a larger group has
        # more articles and profiles to clash), and a join leaves both in one group. So once a
        # report of this edge has been tried against every report after it, a later report already
        # in its group (the group still rooted where it was) would only be refused again: skipped.
        # A repeated story costs one pass per bundle, not one join per pair of its reports.
        tried: set[int] = set()
        for n, i in enumerate(bundles[a]):
            if groups.find(i) in tried:
                continue
            for j in bundles[b][n + 1:] if a == b else bundles[b]:
                groups.join(i, j)
            tried.add(groups.find(i))
    return Grouped([groups.find(i) for i in range(len(reports))], _components(found, len(reports)))


def _components(found: _Edges, count: int) -> list[int]:
    """Each report's component (numbered from 0 in report order; -1: no profile): the bundles an
    edge links are one, and a bundle no edge touches leaves each of its reports alone."""
    parent = list(range(len(found.bundles)))

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    linked = [False] * len(found.bundles)
    for a, b in found.edges:
        linked[a] = linked[b] = True
        parent[root(a)] = root(b)
    numbers: dict[tuple[bool, int], int] = {}
    components = [-1] * count
    for position, bundle in enumerate(found.profile_ids):
        if bundle is not None:
            label = (True, root(bundle)) if linked[bundle] else (False, position)
            components[position] = numbers.setdefault(label, len(numbers))
    return components


def filed_keys(profile: Profile, merge_km: float) -> frozenset[tuple]:
    """The place keys a profile could be found under by any other's lookup, or could find another's
    filed under: its filed keys and the keys it looks up beyond the grid's cells (a neighbouring
    cell finds it through its own). Two reports that may be candidates (:func:`_candidate_pairs`)
    share one of these with :func:`looked_keys` of the other."""
    keys: set[tuple] = set()
    for place in profile.places:
        filed, looked = _place_keys(place, merge_km)
        keys |= filed
        keys |= {key for key in looked if key[0] != "cell"}
    return frozenset(keys)


def looked_keys(profile: Profile, merge_km: float) -> frozenset[tuple]:
    """Every place key a profile is filed under or looks up (see :func:`filed_keys`)."""
    return frozenset().union(*(k for place in profile.places for k in _place_keys(place, merge_km)))


def reconcile(reports: Sequence[Incident], merge_km: float, merge_days: int) -> list[Incident]:
    """The same rows in the same order, each with the ``incident_id`` of the incident it belongs to.

    ``merge_km`` > 0 and ``merge_days`` >= 0 are the settings' own checks (:mod:`dashboard.settings`).
    """
    new_ids = incident_ids(reports, merge_km, merge_days)
    return [Incident(new_id, *(getattr(row, name) for name in _FIELDS_AFTER_ID))
            for row, new_id in zip(reports, new_ids)]


def incident_ids(reports: Sequence[Incident], merge_km: float, merge_days: int) -> list[str]:
    """:func:`reconcile`'s ids alone, one per row in order (a build sets them in its table
    without a second copy of every row)."""
    found = ReportsOf()
    found.add(reports)
    return ids_of_reports(found, merge_km, merge_days)


def group_ids(units: Sequence[Report], roots: Sequence[int]) -> dict[int, str]:
    """Each group's incident id (:func:`incident_id` of its smallest report key), by its root; one
    id text an incident, shared by its rows."""
    smallest: dict[int, str] = {}
    for unit, root in zip(units, roots):
        smallest[root] = min(smallest.get(root, unit.key), unit.key)
    return {root: incident_id(key) for root, key in smallest.items()}


def ids_of_reports(found: ReportsOf, merge_km: float, merge_days: int) -> list[str]:
    """:func:`incident_ids` of the rows ``found`` has taken (its reports are let go meanwhile)."""
    return reconciled(found, merge_km, merge_days).ids


@dataclass(frozen=True, slots=True)
class Reconciled:
    """Each row's incident id and component (:attr:`Grouped.components`), and the profile and
    first row of each report that has a profile (what a later build needs to find the components a
    new report may touch)."""

    ids: list[str]
    components: list[int]
    profiled: list[tuple[Profile, int]]


def reconciled(found: ReportsOf, merge_km: float, merge_days: int, profiles: bool = False) -> Reconciled:
    """:func:`ids_of_reports` with the rows' components (and, when ``profiles``, the reports'
    profiles with their first rows); ``found``'s reports are let go meanwhile."""
    units, found.reports = found.reports, []
    groups = grouped(units, merge_km, merge_days)
    ids = group_ids(units, groups.roots)
    new_ids: list[str] = [""] * found.rows
    components = [-1] * found.rows
    profiled = []
    for unit, root, component in zip(units, groups.roots, groups.components):
        for row in unit.rows:
            new_ids[row] = ids[root]
            components[row] = component
        if profiles and unit.profile is not None:
            profiled.append((unit.profile, unit.rows[0]))
    return Reconciled(new_ids, components, profiled)
