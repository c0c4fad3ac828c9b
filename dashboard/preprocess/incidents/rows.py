"""Drafts -> incident rows: one row per (incident, place), then one ``mention`` row per place left.

In: an article, its final drafts (``restatements``), its lead date and its resolved places. Out:
:func:`incident_rows` and :func:`mention_rows`, :class:`dashboard.schema.Incident` values. An
incident whose place the text does not give is one row without a place or point. An incident's id is a short SHA-1 of the article name and its sentence's offset, shared by its rows
at several places; a place named with nothing reported there gets a ``mention`` row (no toll, no
date) whose evidence is the first sentence naming it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from dashboard.preprocess.incidents.casualties import Tolls
from dashboard.preprocess.incidents.dates import UNKNOWN, DateReading
from dashboard.preprocess.incidents.drafts import Draft, date_of, place_key
from dashboard.preprocess.incidents.sentences import Sentence
from dashboard.preprocess.ingest import Article
from dashboard.preprocess.places.geoparse import ResolvedMention
from dashboard.schema import Incident

MENTION = "mention"


def incident_rows(article: Article, drafts: list[Draft], lead: DateReading,
                  offset: int = 0) -> tuple[list[Incident], set[str]]:
    """One row per (draft, distinct place), and the keys of the places used; ``offset``: where the
    text starts in the whole article (a section's), for the ids."""
    rows: list[Incident] = []
    used: set[str] = set()
    for draft in drafts:
        date = date_of(draft.date, lead)
        incident_id = short_id(article.name, str(offset + draft.sentence.start), *([str(draft.part)] if draft.part else []))
        if not draft.places:  # the text gives no place: a row without a point keeps the toll
            rows.append(row(article, incident_id, None, draft.event_type, draft.tolls, draft.actor, date,
                            one_line(" ".join(draft.evidence))))
        seen: set[str] = set()
        for place in draft.places:
            key = place_key(place)
            if key in seen:
                continue
            seen.add(key)
            used.add(key)
            rows.append(row(article, incident_id, place, draft.event_type, draft.tolls, draft.actor, date,
                            one_line(" ".join(draft.evidence))))
    return rows, used


def mention_rows(article: Article, places: list[ResolvedMention], used: set[str],
                 sentence_at: Callable[[int], Sentence | None], offset: int = 0) -> list[Incident]:
    """One ``mention`` row per distinct place not in ``used``, in text order."""
    rows: list[Incident] = []
    used = set(used)
    for place in sorted(places, key=lambda p: p.mention.start):
        key = place_key(place)
        if key in used:
            continue
        used.add(key)
        sentence = sentence_at(place.mention.start)
        evidence = one_line(sentence.text if sentence else place.mention.text)
        rows.append(row(article, short_id(article.name, "mention", str(offset + place.mention.start)), place, MENTION,
                        Tolls(), "", DateReading(None, UNKNOWN), evidence))
    return rows


def one_line(text: str) -> str:
    """Evidence on one line: runs of white space (line breaks included) become one space."""
    return " ".join(text.split())


def short_id(*parts: str) -> str:
    return hashlib.sha1("\x00".join(parts).encode("utf-8")).hexdigest()[:12]


def row(article: Article, incident_id: str, place: ResolvedMention | None, event_type: str, tolls: Tolls, actor: str,
        date: DateReading, evidence: str) -> Incident:
    where = place.place if place is not None else None
    killed, injured, captured = tolls.killed, tolls.injured, tolls.captured
    return Incident(
        incident_id=incident_id,
        date=date.date,
        date_precision=date.precision if date.date is not None else UNKNOWN,
        location=where.name if where else "",
        mention=place.mention.text if place is not None else "",
        admin1=where.admin1 if where else "",
        country=where.country if where else "",
        country_code=where.country_code if where else "",
        latitude=place.latitude if place is not None else None,
        longitude=place.longitude if place is not None else None,
        geo_precision=place.geo_precision if place is not None and place.latitude is not None else "",
        event_type=event_type,
        killed_min=killed.low, killed_max=killed.high,
        injured_min=injured.low, injured_max=injured.high,
        captured_min=captured.low, captured_max=captured.high,
        actor=actor,
        source=article.source,
        source_url=article.url,
        article=article.name,
        title=article.title,
        published=article.published,
        evidence=evidence,
    )
