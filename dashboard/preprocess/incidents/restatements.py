"""Drafts that only restate another incident of the article -> folded into that incident.

In: an article's drafts (``drafts.read_drafts``) and its lead date. Out: :func:`merge_restatements`,
the drafts left, each host carrying the restating sentences in its evidence and the figures,
type and actor it lacked. A headline, a photo caption or a summary line often names the
article's main incident again ("Bomb kills three near X", then the body's own account).
"""

from __future__ import annotations

from dataclasses import replace

from dashboard.geodesy import km_between
from dashboard.preprocess.incidents.dates import DateReading
from dashboard.preprocess.incidents.drafts import Draft, date_of, filled, kinds, place_key, same_kinds
from dashboard.preprocess.incidents.casualties import Range
from dashboard.preprocess.incidents.sentences import Sentence
from dashboard.preprocess.incidents.triggers import OTHER
from dashboard.preprocess.ingest import Article
from dashboard.preprocess.places.geoparse import ResolvedMention
from dashboard.same_incident import targets_in, types_compatible

BROAD_KINDS = frozenset({"country", "admin1", "region"})
#: A headline place and a body place this close may name one incident's location.
HEADLINE_KM = 50.0


def merge_restatements(drafts: list[Draft], lead: DateReading, article: Article) -> list[Draft]:
    """Fold each draft that only restates another incident of the article into that incident.

    Three cases are folded:

    - a draft with no toll, when another draft gives a toll at the same places on the same day,
      with a compatible event type and no different target (the rules reconcile applies across
      articles);
    - figures with no event of their own ("Another 150 were injured.") that add kinds an earlier
      incident at the same places lacks;
    - the headline, when a later draft tells the same incident: the same day, a compatible event
      type, figures that do not disagree, and each headline place within :data:`HEADLINE_KM` of one
      of the body's places (headlines name the nearest well-known town).
    """
    current = list(drafts)
    # Both folds need the draft's places among the host's and the same day: the drafts a draft may
    # fold into are looked up by (its first place, its day), not searched for among all drafts.
    hosts: dict[tuple[str, DateReading], list[int]] = {}
    for i, d in enumerate(drafts):
        if d.tolls.any() and not is_headline(d.sentence, article):
            _file_by_place(hosts, i, d, lead)
    kept: list[int] = []
    kept_by_place: dict[tuple[str, DateReading], list[int]] = {}
    for i in range(len(current)):
        draft = current[i]
        host = None
        where = (place_key(draft.places[0]), date_of(draft.date, lead)) if draft.places else None
        if not draft.tolls.any():
            host = next((h for h in hosts.get(where, ()) if _restates(draft, current[h], lead)), None)
        elif draft.event_type == OTHER:
            host = next((k for k in reversed(kept_by_place.get(where, ())) if _completes(draft, current[k], lead)),
                        None)
        if host is None and is_headline(draft.sentence, article):
            host = next((j for j in range(len(current)) if j != i and _summarises(draft, current[j], lead)), None)
        if host is None:
            kept.append(i)
            _file_by_place(kept_by_place, i, draft, lead)
        else:
            current[host] = _folded(current[host], draft)
    return [current[i] for i in kept]


def _file_by_place(index: dict[tuple[str, DateReading], list[int]], position: int, draft: Draft,
                   lead: DateReading) -> None:
    """File a draft's position under each of its places with its day (once per place, in the order drafts come)."""
    day = date_of(draft.date, lead)
    for key in dict.fromkeys(place_key(p) for p in draft.places):
        index.setdefault((key, day), []).append(position)


def _folded(host: Draft, draft: Draft) -> Draft:
    """``host`` with the restating sentence in its evidence (its own sentence first) and its gaps filled."""
    evidence = sorted(host.evidence + (draft.sentence.text,), key=lambda text: text != host.sentence.text)
    return replace(host, evidence=tuple(evidence), actor=host.actor or draft.actor,
                   tolls=filled(host.tolls, draft.tolls),
                   event_type=draft.event_type if host.event_type == OTHER else host.event_type)


def _completes(draft: Draft, other: Draft, lead: DateReading) -> bool:
    """True when ``draft`` only adds figures of kinds ``other`` lacks, at its places, on its day, after it."""
    if other.sentence.start > draft.sentence.start or not draft.places:
        return False
    if {place_key(p) for p in draft.places} - {place_key(p) for p in other.places}:
        return False
    if same_kinds(draft.tolls, other.tolls):
        return False
    return date_of(draft.date, lead) == date_of(other.date, lead)


def is_headline(sentence: Sentence, article: Article) -> bool:
    """The article's first line when it is a title (the known title, or a line with no full stop)."""
    if sentence.start != 0:
        return False
    return sentence.text == article.title.strip() or not sentence.text.endswith((".", "!", "?", '"', "”"))


def _restates(draft: Draft, other: Draft, lead: DateReading) -> bool:
    places = {place_key(p) for p in draft.places}
    if not places or not places <= {place_key(p) for p in other.places}:
        return False
    return _same_incident(draft, other, lead)


def _summarises(headline: Draft, body: Draft, lead: DateReading) -> bool:
    """True when ``body`` tells the incident ``headline`` announces (see :func:`merge_restatements`)."""
    if not body.places or not all(_covers(place, body.places) for place in headline.places):
        return False
    pairs = list(zip(kinds(headline.tolls), kinds(body.tolls)))
    if any(mine != Range() and theirs != Range() and not _overlap(mine, theirs) for mine, theirs in pairs):
        return False
    if not any(mine != Range() and theirs != Range() for mine, theirs in pairs) and body.tolls.any():
        return False  # the body gives other kinds of figures: another incident
    return _same_incident(headline, body, lead)


def _covers(place: ResolvedMention, body_places: tuple[ResolvedMention, ...]) -> bool:
    """A headline place names where the body's incident is: the same country or province, or a point nearby."""
    if place.place is not None and place.place.kind in BROAD_KINDS:
        code, admin1 = place.place.country_code, place.place.admin1
        return any(p.place is not None and p.place.country_code == code
                   and (place.place.kind == "country" or p.place.admin1 == admin1) for p in body_places)
    if place.latitude is None or place.longitude is None:
        return False
    return any(p.latitude is not None and p.longitude is not None
               and km_between(place.latitude, place.longitude, p.latitude, p.longitude) <= HEADLINE_KM
               for p in body_places)


def _overlap(first: Range, second: Range) -> bool:
    low = max(first.low or 0, second.low or 0)
    highs = [h for h in (first.high, second.high) if h is not None]
    return not highs or low <= min(highs)


def _same_incident(draft: Draft, other: Draft, lead: DateReading) -> bool:
    if date_of(draft.date, lead) != date_of(other.date, lead):
        return False
    if not types_compatible(draft.event_type, other.event_type):
        return False
    mine, theirs = targets_in(draft.sentence.text), targets_in(" ".join(other.evidence))
    return not mine or not theirs or bool(mine & theirs)
