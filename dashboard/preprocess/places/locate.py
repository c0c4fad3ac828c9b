"""The places stage: article text -> every place it names, resolved to a point where possible.

In: an article's text and the gazetteer (and, when the build enables one, a Nominatim client).
Out: one :class:`ResolvedMention` per place mention, in text order. The order of the stage lives
here and nowhere else:

1. the gazetteer (:func:`dashboard.preprocess.places.geoparse.geoparse`): the names it knows,
   resolved from the article's context;
2. the names it lacks (its unresolved mentions, and the names
   :func:`~dashboard.preprocess.places.unknown_names.find_unknown_names` notices by their cues)
   go to the geocoder, asked with a query restricted to the countries of the article's places
   and biased to a box around them; an answer is kept only when plausible (within
   ``geocoder_max_km`` of the article's other places, or inside the country or province the text
   names right after the mention, as in "X, Syria");
3. a name still unresolved gets the smallest area the text puts it in (:func:`fall_back`): the
   town it is a part of ("the X neighbourhood of Y") at ``geo_precision`` "town"; the place named
   right after it otherwise ("X, a village south of Y", "X (Y LGA, Z)", "X in the Y countryside")
   at "region", and so is every other mention of the same name; else the province or country the
   article names most, at "region"; else no point. It is never drawn at another town's point as if
   it were there. The row keeps the words as written;
4. a name the fallback put at an area moves to the one place of that area's province spelled
   nearly as the text writes it (:func:`spelled_nearly`), when there is exactly one.

The build's focus (:func:`corpus_focus`: the countries of the sure places over all its articles,
and the user's ``country`` hint) is a prior for every article, weaker than its own evidence.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from typing import Callable, Iterable, Sequence

from dashboard.geodesy import km_between
from dashboard.preprocess.places.gazetteer import Gazetteer, Place
from dashboard.preprocess.places.geoparse import Decision, Mention, Parsed, ResolvedMention, corpus_focus, geoparse
from dashboard.preprocess.places.nominatim import Geocoder, Query
from dashboard.preprocess.places.placenames import fold_name
from dashboard.preprocess.places.unknown_names import find_unknown_names

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
#: The words between a name and the town after it that say the name is a part of that town
#: ("the Aruba neighbourhood of Kirkuk", "Shorja market in Kirkuk", "the Antioch neighbourhood,
#: Nashville"); anything else ("a village south of", "countryside of", "LGA,", a comma alone as in
#: GTD's "X, Mopti, Mali") says only that it lies in that town's area.
_PART_OF = re.compile(r"(?:\s+(?:neighbou?rhoods?|quarters?|districts?|suburbs?|areas?|streets?|roads?|markets?|"
                      r"squares?|of|in|the|city|town))*"
                      r"(?:\s+(?:neighbou?rhoods?|quarters?|suburbs?|streets?|markets?|squares?)\s*,)?\s*", re.IGNORECASE)

__all__ = ["add_unknown_places", "corpus_focus", "fall_back", "locate_places", "make_query", "resolve_unknown"]


def add_unknown_places(text: str, found: list[ResolvedMention], is_known: Callable[[str], bool],
                       geocoder: Geocoder | None, decisions: dict[int, Decision] | None = None,
                       gazetteer: Gazetteer | None = None) -> list[ResolvedMention]:
    """Geoparse's places plus the ones it lacks, in text order: the pipeline's one call here.

    ``found`` is geoparse's output for ``text``; its unresolved mentions and the names that
    :func:`find_unknown_names` notices around them go to the geocoder (or straight to the
    fallback when there is none); its resolved places are their context and stay as they are.
    ``decisions``, when given, gets the :class:`Decision` of each added mention (by its start).
    ``gazetteer``, when given, is searched for a name spelled nearly so in the province the
    fallback puts a name in (:func:`spelled_nearly`).
    """
    context = [r for r in found if r.place is not None]
    unknown = [r.mention for r in found if r.place is None]
    unknown += find_unknown_names(text, is_known, [(r.mention.start, r.mention.end) for r in found])
    unknown.sort(key=lambda mention: mention.start)
    added = resolve_unknown(unknown, context, geocoder, text)
    areas: dict[int, Place] = {}
    if gazetteer is not None:
        added, areas = spelled_nearly(added, gazetteer)
    if decisions is not None:
        for r in added:
            decisions[r.mention.start] = (_near_spelling_decision(r, areas[r.mention.start])
                                          if r.mention.start in areas else _unknown_decision(r, is_known(r.mention.text)))
    return sorted([*context, *added], key=lambda r: (r.mention.start, r.mention.end))


#: How alike (difflib's ratio of the folded names) a place of the province a name falls back to
#: must be to stand for it: about one letter in ten ("Robolo" and "Roblo", "Namisguima" and
#: "Namissiguima"); names of fewer than NEAR_SPELLING_LETTERS letters are never matched so.
NEAR_SPELLING = 0.9
NEAR_SPELLING_LETTERS = 5


def spelled_nearly(rows: list[ResolvedMention], gazetteer: Gazetteer) -> tuple[list[ResolvedMention], dict[int, Place]]:
    """Names the fallback put at an area, each moved to the one place of that area's province
    whose name is spelled nearly (or exactly) as the text writes it (NEAR_SPELLING), at "place"
    precision (a name the gazetteer knows that the article's evidence did not place, such as a
    village far from the district town written after it, is placed so too);
    several such places (or none) leave it at the area. Also gives the area of each one moved,
    by the mention's start."""
    moved: list[ResolvedMention] = []
    areas: dict[int, Place] = {}
    for row in rows:
        area = row.place
        if (area is None or row.geo_precision != "region" or area.kind == "country" or not area.admin1
                or len(fold_name(row.mention.text)) < NEAR_SPELLING_LETTERS):
            moved.append(row)
            continue
        near = gazetteer.spelled_nearly(row.mention.text, area, NEAR_SPELLING)
        if len(near) == 1 or (len(near) > 1 and near[0][0] > near[1][0]):
            place = near[0][1]
            moved.append(ResolvedMention(row.mention, place, place.latitude, place.longitude, place.geo_precision))
            areas[row.mention.start] = area
        else:
            moved.append(row)
    return moved, areas


def _near_spelling_decision(resolved: ResolvedMention, area: Place) -> Decision | None:
    place = resolved.place
    if place is None:
        return None
    if fold_name(place.name) == fold_name(resolved.mention.text):
        why = (f"no place of this name fits the article's other places: the one of {area.admin1}, the "
               "province of the area the text gives for it")
    else:
        why = (f"not in the gazetteer as written: the one place of {area.admin1}, the province of the area "
               f"the text gives for it, spelled nearly so ({place.name})")
    return Decision(place, 0.0, (), (), (why,))


def fall_back(unknown: list[Mention], context: list[ResolvedMention], text: str = "") -> list[ResolvedMention]:
    """Each unknown mention at the smallest area the text puts it in, its own words kept.

    The town it is a part of ("the X neighbourhood of Y") at ``geo_precision`` "town"; else the
    place named right after it ("X, south of Y", "X (Y LGA, Z)") at "region", or where another
    mention of the same name is put so; else the province, else the country the article names
    most, at "region"; else no point. Never the point of a town it is not said to be in. ``text``
    is the article (the words between a name and its town).
    """
    region = _focus(context, frozenset({"admin1", "region"})) or _focus(context, frozenset({"country"}))
    # the resolved places in text order (a stable sort: on a tie, the first given), found by bisection
    ordered = sorted((r for r in context if r.place is not None), key=lambda r: r.mention.start)
    starts = [r.mention.start for r in ordered]
    owners = [_owner(mention, ordered, starts, text) for mention in unknown]
    # One sense per name: a mention with no place after it ("attacks in X") is where another
    # mention of the same name is said to be ("in X, Gao region"), not at the article's focus.
    said: dict[str, tuple[Place, str]] = {}
    for mention, owner in zip(unknown, owners):
        if owner is not None:
            said.setdefault(fold_name(mention.text), owner)
    rows = []
    for mention, owner in zip(unknown, owners):
        owner = owner if owner is not None else said.get(fold_name(mention.text))
        place, precision = owner if owner is not None else (region, "region")
        if place is None:
            rows.append(ResolvedMention(mention, None, None, None, ""))
        else:
            rows.append(ResolvedMention(mention, place, place.latitude, place.longitude, precision))
    return rows


def _owner(mention: Mention, ordered: Sequence[ResolvedMention], starts: Sequence[int],
           text: str) -> tuple[Place, str] | None:
    """The place named next after ``mention`` (at most OWNER_GAP characters on) and the precision
    it gives: "town" when the words between make the mention a part of that town, else "region".
    ``ordered``: the resolved places sorted by start (``starts``, their starts)."""
    at = bisect.bisect_left(starts, mention.end)
    if at == len(ordered):
        return None
    nearest = ordered[at]
    place, gap = nearest.place, nearest.mention.start - mention.end
    if place is None or gap > OWNER_GAP:
        return None
    between = text[mention.end:nearest.mention.start] if len(text) >= nearest.mention.start else None
    part_of = (place.kind in TOWN_KINDS and nearest.geo_precision == "place" and between is not None
               and bool(_PART_OF.fullmatch(between)))
    return place, ("town" if part_of else "region")


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


def make_query(mention: Mention, context: Sequence[ResolvedMention]) -> tuple[Query, Place | None] | None:
    """The query for one name, restricted and biased by the article's places, and the country or
    province the text names right after it (its qualifier); None without any place to go by."""
    qualifier = next((r.place for r in context if r.place is not None and r.place.kind in ("country", "admin1")
                      and 0 <= r.mention.start - mention.end <= QUALIFIER_GAP), None)
    text = " ".join(mention.text.split())
    if qualifier is not None:
        box = _viewbox([(qualifier.latitude, qualifier.longitude)]) if qualifier.kind == "admin1" else None
        return Query(text, (qualifier.country_code.lower(),), box), qualifier
    codes = Counter(r.place.country_code.lower() for r in context if r.place is not None and r.place.country_code)
    if not codes:
        return None
    points = _points(context)
    # The focus country first; Nominatim takes the list as a filter.
    ordered = tuple(code for code, _ in sorted(codes.items(), key=lambda item: (-item[1], item[0])))
    return Query(text, ordered, _viewbox(points) if points else None), None


def _viewbox(points: Sequence[tuple[float, float]]) -> tuple[tuple[float, float], tuple[float, float]]:
    """The box around ``points`` with a margin, rounded so that the cache key stays stable."""
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return ((round(max(min(lats) - VIEWBOX_MARGIN_DEGREES, -90.0), 1),
             round(max(min(lons) - VIEWBOX_MARGIN_DEGREES, -180.0), 1)),
            (round(min(max(lats) + VIEWBOX_MARGIN_DEGREES, 90.0), 1),
             round(min(max(lons) + VIEWBOX_MARGIN_DEGREES, 180.0), 1)))


def _plausible(place: Place, query: Query, qualifier: Place | None, context: Sequence[ResolvedMention],
               max_km: float) -> bool:
    if qualifier is not None:  # "X, Syria": in Syria; "X, Nineveh": in Iraq, near Nineveh
        in_country = place.country_code == qualifier.country_code.upper()
        return in_country and (qualifier.kind == "country" or km_between(
            place.latitude, place.longitude, qualifier.latitude, qualifier.longitude) <= max_km)
    points = _points(context)
    if points:
        return min(km_between(place.latitude, place.longitude, lat, lon) for lat, lon in points) <= max_km
    return place.country_code.lower() in query.country_codes


def locate_places(text: str, gazetteer: Gazetteer, geocoder: Geocoder | None = None,
                  focus: dict[str, float] | None = None, parsed: Parsed | None = None,
                  decisions: dict[int, Decision] | None = None) -> list[ResolvedMention]:
    """Every place the text names: gazetteer first, then the geocoder, else the fallback;
    ``focus`` is the build's prior over countries (:func:`corpus_focus`); ``parsed``: the text's
    :func:`parse` when the build's first pass made it; ``decisions``, when given, gets why each
    mention got its place, by the mention's start offset."""
    return add_unknown_places(text, geoparse(text, gazetteer, focus, parsed, decisions), gazetteer.is_known,
                              geocoder, decisions, gazetteer)


def _unknown_decision(resolved: ResolvedMention, known: bool = False) -> Decision | None:
    """What placed a name the gazetteer lacks (or, ``known``, whose places there nothing in the
    article backs): the geocoder, or the fallback's honest area."""
    place = resolved.place
    if place is None:
        return None
    lacks = "no place of this name in the gazetteer fits the article" if known else "not in the gazetteer"
    if place.key.startswith("osm:"):  # nominatim's answers (see nominatim._place)
        why = f"{lacks}: found by the geocoder near the article's other places"
    elif resolved.geo_precision == "town":
        why = f"{lacks}: put at the town it is said to be a part of ({place.name})"
    elif place.kind in REGION_KINDS:
        why = (f"{lacks}: put at the area the text gives for it ({place.name}: the place named "
               "right after it, else the province or country the article names most), as a region")
    else:
        why = f"{lacks}: put in the area of the place named right after it ({place.name}), as a region"
    return Decision(place, 0.0, (), (), (why,))


def resolve_unknown(unknown: list[Mention], context: list[ResolvedMention],
                    geocoder: Geocoder | None, text: str = "") -> list[ResolvedMention]:
    """One resolved mention per unknown one (same order): the geocoder's answer or the fallback."""
    if geocoder is None:
        return fall_back(unknown, context, text)
    geocoder.stats.names += len(unknown)
    hits = [_geocode(mention, context, geocoder) for mention in unknown]
    fallbacks = iter(fall_back([m for m, hit in zip(unknown, hits) if hit is None], context, text))
    return [hit if hit is not None else next(fallbacks) for hit in hits]


def _geocode(mention: Mention, context: list[ResolvedMention], geocoder: Geocoder) -> ResolvedMention | None:
    """The first plausible answer of the geocoder for ``mention``; None when there is none."""
    asked = make_query(mention, context)
    if asked is None:
        geocoder.stats.failed["no context"] += 1
        return None
    query, qualifier = asked
    places = geocoder.lookup(query)
    if not places:
        return None
    for place in places:
        if _plausible(place, query, qualifier, context, geocoder.config.max_km):
            geocoder.stats.found += 1
            return ResolvedMention(mention, place, place.latitude, place.longitude, "place")
    geocoder.stats.implausible += 1
    return None
