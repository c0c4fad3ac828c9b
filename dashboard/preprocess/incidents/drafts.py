"""Sentences -> incident drafts: each sentence that reports an incident, with its places, tolls,
type, actor and date; a toll sentence naming no place completes or borrows from the one it points to.

In: an article, its sentences, and a :class:`Scenes` (which places a sentence puts an event at;
``events`` gives one). Out: :func:`read_drafts`, the drafts in article order. A toll sentence with
no place of its own points back: to the sentence naming its subject ("The missile killed ..." ->
the latest sentence naming a missile), else to the incident told just before in its paragraph;
when that incident had no figure of the same kind, the toll completes it (one incident), else
the new draft takes its places and date. Drafts are frozen: a completed draft is a new value.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Protocol

from dashboard.preprocess.incidents import vocabulary as V
from dashboard.preprocess.incidents.actors import actor
from dashboard.preprocess.incidents.casualties import Figure, Range, TollReading, Tolls, claim_doubted, read_tolls
from dashboard.preprocess.incidents.dates import UNKNOWN, WEEK, DateReading, find_date
from dashboard.preprocess.incidents.sentences import Sentence
from dashboard.preprocess.incidents.triggers import (CAPTURE, OTHER, Trigger, clause_span, event_type, new_event,
                                                     scan)
from dashboard.preprocess.ingest import Article
from dashboard.preprocess.places.geoparse import ResolvedMention

_NO_TOLLS = TollReading(Tolls(), (), ())
_LOOK_BACK = 6  # sentences searched for the noun a toll sentence points back to
_SUBJECT = re.compile(r"^(?:the|this|that|these|those|such)\s+((?:[a-z-]+\s+){0,3})", re.IGNORECASE)
_FUNCTION_WORDS = V.PHRASE_STOPS | V.PASSIVE_GLUE | {"of", "and", "the", "a", "an"}


@dataclass(frozen=True, slots=True)
class Draft:
    """An incident read from one sentence (and the sentences folded into it)."""

    sentence: Sentence
    places: tuple[ResolvedMention, ...]
    tolls: Tolls
    event_type: str
    actor: str
    date: DateReading | None
    evidence: tuple[str, ...] = ()
    part: int = 0  # a sentence giving figures per place: one draft per place (0, 1, ...)
    figures: tuple[Figure, ...] = ()  # the figures read from its own sentence


class Scenes(Protocol):
    """Where the events of an article's sentences happen (``events.ArticleScenes``)."""

    def attach(self, index: int, anchor: int, triggers: list[Trigger],
               only_after: bool) -> list[ResolvedMention]: ...

    def locative_places(self, index: int) -> list[tuple[int, ResolvedMention]]: ...

    def fallback_places(self, index: int) -> list[ResolvedMention]: ...

    def in_quote(self, offset: int) -> bool: ...


def read_drafts(article: Article, sentences: list[Sentence], scenes: Scenes) -> list[Draft]:
    """Every sentence reporting an incident -> a draft (toll sentences with no place: see the module)."""
    hits, toll_words = scan(article.text)
    hit_starts = [h[0] for h in hits]
    drafts: list[Draft] = []
    by_sentence: dict[int, int] = {}  # sentence index -> position of its draft in ``drafts``
    totals = [0, 0, 0]  # the sum of the drafts' lower figures, kind by kind (kept as drafts come and change)
    for index, sentence in enumerate(sentences):
        first, last = bisect.bisect_left(hit_starts, sentence.start), bisect.bisect_left(hit_starts, sentence.end)
        triggers = [Trigger(a - sentence.start, b - sentence.start, article.text[a:b], kind)
                    for a, b, kind in hits[first:last]]
        may_have_toll = bisect.bisect_left(toll_words, sentence.start) < bisect.bisect_left(toll_words, sentence.end)
        following = sentences[index + 1].text if index + 1 < len(sentences) else ""
        draft = _sentence_draft(article, sentence, index, triggers, may_have_toll, scenes, following)
        if draft is None:
            continue
        parts = per_place(draft, draft.figures) if len(draft.places) > 1 else []
        if parts:
            for part in parts:
                by_sentence[index] = len(drafts)
                drafts.append(part)
                _count(totals, part, 1)
            continue
        if not draft.places:
            position, earlier = _antecedent(index, sentences, drafts, by_sentence, scenes, article)
            if position is not None and earlier is not None and (
                    not same_kinds(earlier.tolls, draft.tolls) or restates_toll(draft, earlier, totals)):
                _count(totals, earlier, -1)
                drafts[position] = _completed(earlier, draft)
                _count(totals, drafts[position], 1)
                by_sentence[index] = position
                continue
            draft = _borrowed(draft, earlier, scenes, index)
        by_sentence[index] = len(drafts)
        drafts.append(draft)
        _count(totals, draft, 1)
    return drafts


def _sentence_draft(article: Article, sentence: Sentence, index: int, triggers: list[Trigger],
                    may_have_toll: bool, scenes: Scenes, following: str = "") -> Draft | None:
    """The incident a sentence reports by itself (places empty: a toll whose place is found elsewhere);
    ``following``: the next sentence's text (it may say that this one's claimed toll is unconfirmed)."""
    if not may_have_toll and not triggers:
        return None  # most sentences report nothing
    reading = read_tolls(sentence.text) if may_have_toll else _NO_TOLLS
    if reading.tolls.any() and claim_doubted(sentence.text, following):
        reading = _NO_TOLLS
    has_toll = reading.tolls.any()
    if not has_toll and not triggers:
        return None
    anchor = new_event(sentence.text, triggers, lambda at: scenes.in_quote(sentence.start + at))
    if not has_toll and anchor is None:
        return None
    anchor_at = min(f.start for f in reading.figures) if anchor is None else anchor.start
    attached = scenes.attach(index, anchor_at, triggers, only_after=not has_toll)
    if not attached and not has_toll:
        return None
    clause = clause_span(sentence.text, anchor_at)
    types = [t.event_type for t in triggers if clause[0] <= t.start < clause[1]]
    return Draft(sentence, tuple(attached), reading.tolls, event_type(types, reading.tolls),
                 actor(sentence.text, [(f.start, f.end) for f in reading.figures]),
                 find_date(sentence.text, article.published), (sentence.text,), figures=reading.figures)


def per_place(draft: Draft, figures: tuple[Figure, ...]) -> list[Draft]:
    """One draft per place when a sentence gives a figure of one kind per place ("10 were killed in A
    and 3 in B": two incidents, 10 and 3); empty when it does not."""
    if len(figures) < 2 or len({f.kind for f in figures}) != 1:
        return []
    ordered = sorted(figures, key=lambda f: f.end)
    offsets = [(p.mention.start - draft.sentence.start, p) for p in draft.places]
    parts = []
    for number, figure in enumerate(ordered):
        until = ordered[number + 1].end if number + 1 < len(ordered) else len(draft.sentence.text)
        places = tuple(p for at, p in offsets if figure.end <= at < until)
        if not places:
            return []
        tolls = Tolls(**{figure.kind: Range(figure.low, figure.high)})
        parts.append(replace(draft, places=places, tolls=tolls, part=number, figures=(figure,)))
    return parts


def restates_toll(toll: Draft, earlier: Draft, totals: list[int]) -> bool:
    """True when a toll sentence with no event of its own only gives again the figures already told:
    those of the incident it follows, or the article's sum ("... killing two soldiers. 2 fatalities.");
    ``totals``: the sum of the lower figures of the drafts read so far, kind by kind."""
    if toll.event_type != OTHER:
        return False
    for mine, theirs, total in zip(kinds(toll.tolls), kinds(earlier.tolls), totals):
        if mine == Range():
            continue
        if mine != theirs and mine != Range(total, total):
            return False
    return True


def _count(totals: list[int], draft: Draft, sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) a draft's lower figures to the running ``totals``."""
    for kind, figure in enumerate(kinds(draft.tolls)):
        totals[kind] += sign * (figure.low or 0)


def _completed(earlier: Draft, toll: Draft) -> Draft:
    """``earlier`` completed by a toll sentence that points back to it (its kinds of figures added)."""
    kind = earlier.event_type
    if toll.event_type != OTHER and not (toll.event_type == CAPTURE and earlier.event_type != OTHER):
        kind = toll.event_type
    return replace(earlier, tolls=filled(earlier.tolls, toll.tolls), event_type=kind,
                   actor=earlier.actor or toll.actor, evidence=earlier.evidence + toll.evidence)


def _borrowed(toll: Draft, earlier: Draft | None, scenes: Scenes, index: int) -> Draft:
    """A toll sentence with no place: the places (type, date, actor when missing) of the incident it
    points back to, else its paragraph's focus town; no place at all: still an incident (no places)."""
    where = tuple(earlier.places) if earlier else tuple(scenes.fallback_places(index))
    if earlier is None:
        return replace(toll, places=where)
    return replace(toll, places=where,
                   event_type=earlier.event_type if toll.event_type == OTHER else toll.event_type,
                   date=earlier.date if toll.date is None else toll.date, actor=toll.actor or earlier.actor)


def _antecedent(index: int, sentences: list[Sentence], drafts: list[Draft], by_sentence: dict[int, int],
                scenes: Scenes, article: Article) -> tuple[int | None, Draft | None]:
    """The incident a toll sentence with no place of its own points back to.

    Returns (position, draft): a position in ``drafts`` when the draft is an incident already read
    (the toll sentence may then complete it), None when only the place and date were borrowed from
    a sentence that was not an incident by itself.
    """
    sentence = sentences[index]
    head = subject_head(sentence.text)
    if head:
        pattern = re.compile(rf"\b{re.escape(head)}(?:s|es)?\b", re.IGNORECASE)
        for back in range(index - 1, max(-1, index - 1 - _LOOK_BACK), -1):
            match = pattern.search(sentences[back].text)
            if match is None:
                continue
            if back in by_sentence:
                return by_sentence[back], drafts[by_sentence[back]]
            where = [p for at, p in scenes.locative_places(back) if at >= match.start()]
            if where:
                date = find_date(sentences[back].text, article.published)
                return None, Draft(sentences[back], tuple(where[:1]), Tolls(), OTHER, "", date)
    # the nearest earlier sentence that told an incident, if it is in this paragraph: sentences are
    # read in order, so it is the last one filed (and paragraph numbers only grow)
    back = next(reversed(by_sentence), None)
    if back is not None and back < index and sentences[back].paragraph == sentence.paragraph:
        return by_sentence[back], drafts[by_sentence[back]]
    return None, None


def subject_head(text: str) -> str:
    """The head noun of a sentence's definite subject ("The suicide bomber killed ..." -> "bomber")."""
    subject = _SUBJECT.match(text)
    if subject is None:
        return ""
    head = ""
    for word in subject.group(1).split():
        lower = word.lower()
        if lower in _FUNCTION_WORDS or lower in V.ACTIVE_TOLL_VERBS or lower in V.PASSIVE_TOLL_WORDS:
            break
        head = word
    return head


# --- tolls and dates of drafts ------------------------------------------------------------------


def kinds(tolls: Tolls) -> tuple[Range, Range, Range]:
    return tolls.killed, tolls.injured, tolls.captured


def same_kinds(first: Tolls, second: Tolls) -> bool:
    """True when both give a figure of one kind (killed, injured or captured)."""
    return any(mine != Range() and theirs != Range() for mine, theirs in zip(kinds(first), kinds(second)))


def filled(host: Tolls, extra: Tolls) -> Tolls:
    """``host``'s figures, with the kinds it lacks taken from ``extra``."""
    return Tolls(*(mine if mine != Range() else theirs for mine, theirs in zip(kinds(host), kinds(extra))))


def lead_date(drafts: list[Draft], article: Article) -> DateReading:
    """The day of the article's first dated incident; else the publication week; else unknown."""
    for draft in drafts:
        if draft.date is not None and not draft.date.refers_back and draft.date.date is not None:
            return draft.date
    if article.published is not None:
        return DateReading(article.published, WEEK)
    return DateReading(None, UNKNOWN)


def date_of(reading: DateReading | None, lead: DateReading) -> DateReading:
    """A draft's date: its own, else (none, or "the same day as ...") the lead incident's."""
    if reading is None or reading.refers_back or reading.date is None:
        return lead
    return reading


def place_key(place: ResolvedMention) -> str:
    """One key per place: the resolved place, else the words as written."""
    return place.place.key if place.place is not None else "unresolved:" + place.mention.text.casefold()
