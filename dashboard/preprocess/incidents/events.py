"""Sentences + resolved places -> Incident rows (type, tolls, actor, date, evidence).

In: an :class:`Article` and its resolved place mentions (offsets into ``article.text``, from
``geoparse``). Out: :func:`extract_incidents` gives :class:`dashboard.schema.Incident` rows: one per
(incident, place) the article reports, then one ``mention`` row for each distinct place named with
nothing reported there, so every named place can be found on the map.

The stage in order: ``sentences`` -> ``drafts`` (which sentences report an incident: ``triggers``,
``casualties``, ``actors``, ``dates``) -> ``restatements`` (a headline or summary telling an
incident again is folded into it) -> ``rows``. This module decides where each incident happened
(:class:`ArticleScenes`): the places the event is said to happen at ("in X", "north of X", "the
city" = the article's focus town); places named only as context ("the X offensive", a dateline, "a
reporter in X") are never an incident's place; a toll sentence naming no place falls back on its
paragraph's or the article's focus town, else the one country the article names (a region point),
else it is an incident with no place (a row without a point: its toll is not lost).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter

from dashboard.preprocess.incidents import vocabulary as V
from dashboard.preprocess.incidents.drafts import lead_date, read_drafts
from dashboard.preprocess.incidents.restatements import BROAD_KINDS, merge_restatements
from dashboard.preprocess.incidents.rows import incident_rows, mention_rows
from dashboard.preprocess.incidents.sentences import Sentence, quoted_spans, split_sentences
from dashboard.preprocess.incidents.triggers import Trigger, last_words
from dashboard.preprocess.ingest import Article
from dashboard.preprocess.places.geoparse import ResolvedMention
from dashboard.schema import Incident

TOWN_KINDS = frozenset({"city", "town", "village"})
_POSSESSIVE = re.compile(r"['’]s\s+$")
_COORDINATED = re.compile(r"^(?:\s*,\s*|\s+and\s+|\s+or\s+|\s*,\s*and\s+)(?:the\s+)?$", re.IGNORECASE)
#: Between two places: the second only locates the first ("in X, west of Y", "in X 20 km south of Y").
_LOCATOR = re.compile(
    r"^\s*,?\s*(?:(?:about|some|around|nearly)\s+)?(?:[\d.,]+\s*(?:km|kilometres|kilometers|miles)\s+)?"
    r"(?:(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of|near|outside|close\s+to)\s+(?:the\s+(?:city|town)\s+of\s+)?$",
    re.IGNORECASE)
_CONTEXT_AFTER = re.compile(r"^(?:\s+|-)(?:%s)\b" % "|".join(re.escape(w).lstrip("\\-") for w in V.CONTEXT_AFTER),
                            re.IGNORECASE)
_DATELINE_AFTER = re.compile(r"^\s*(?:\([^)\n]{0,30}\)\s*)?(?:,\s*[^–—:\n]{0,30}?)?\s*(?:[–—:]|-{1,2})\s")
_ANAPHORA = re.compile(r"\bthe\s+(?:%s)\b(?:['’]s)?(?!\s+of\b)" % "|".join(V.ANAPHORA), re.IGNORECASE)


def extract_incidents(article: Article, places: list[ResolvedMention], offset: int = 0) -> list[Incident]:
    """One article and its resolved places -> incident rows, then one mention row per place left;
    ``offset``: where the text starts in the whole article, when it is one of its sections (the
    rows' ids are made of places in the whole text)."""
    scenes = ArticleScenes(article, places)
    drafts = read_drafts(article, scenes.sentences, scenes)
    lead = lead_date(drafts, article)
    drafts = merge_restatements(drafts, lead, article)
    rows, used = incident_rows(article, drafts, lead, offset)
    return rows + mention_rows(article, places, used, scenes.sentence_at, offset)


class ArticleScenes:
    """Where things happen in one article: its sentences, quotes, places by sentence, context places
    and focus towns (see the module docstring)."""

    def __init__(self, article: Article, places: list[ResolvedMention]) -> None:
        self.article = article
        self.text = article.text
        self.sentences = split_sentences(self.text)
        self.starts = [s.start for s in self.sentences]
        self.quotes = quoted_spans(self.text)
        self.quote_starts = [a for a, _ in self.quotes]
        self.quote_reach = list(itertools.accumulate((b for _, b in self.quotes), max))
        self.places = sorted(places, key=lambda p: p.mention.start)
        #: Mention starts of the places named as a backdrop.
        self.context = frozenset(p.mention.start for p in self.places if self._is_context(p))
        self.by_sentence: dict[int, list[ResolvedMention]] = {}
        for place in self.places:
            index = self._sentence_index(place.mention.start)
            if index is not None:
                self.by_sentence.setdefault(index, []).append(place)
        self.focus = _focus([p for p in self.places if p.mention.start not in self.context])
        # a toll with no place at all falls back on any place named, a dateline included ("KABUL - A bomb ...")
        self.last_resort = self.focus or _focus(self.places) or _only_country(self.places)
        self.paragraph_focus: dict[int, ResolvedMention | None] = {}
        self.paragraph_sentences: dict[int, list[int]] | None = None

    # -- sentences and places --------------------------------------------------------------------

    def _sentence_index(self, offset: int) -> int | None:
        index = bisect.bisect_right(self.starts, offset) - 1
        if index >= 0 and offset < self.sentences[index].end:
            return index
        return None

    def sentence_at(self, offset: int) -> Sentence | None:
        index = self._sentence_index(offset)
        return None if index is None else self.sentences[index]

    def _is_context(self, place: ResolvedMention) -> bool:
        """A place named as a backdrop: "the X offensive", "a reporter in X", "taken to a hospital in X",
        a dateline "X –"."""
        start, end = place.mention.start, place.mention.end
        if _CONTEXT_AFTER.match(self.text[end:end + 30]):
            return True
        words = last_words(self.text[max(0, start - 60):start], 7)  # read once for both tests
        if _context_before(words[-6:]) or _treated_in(words):
            return True
        return _starts_line(self.text, start) and bool(_DATELINE_AFTER.match(self.text[end:end + 50]))

    def in_quote(self, offset: int) -> bool:
        # the last quote starting at or before ``offset`` is found by bisection; the running
        # maximum of the ends tells whether any of them reaches past it
        index = bisect.bisect_right(self.quote_starts, offset) - 1
        return index >= 0 and self.quote_reach[index] > offset

    def _paragraph_focus(self, paragraph: int) -> ResolvedMention | None:
        if paragraph not in self.paragraph_focus:
            if self.paragraph_sentences is None:  # grouped once, not scanned again for every paragraph
                self.paragraph_sentences = {}
                for i, s in enumerate(self.sentences):
                    self.paragraph_sentences.setdefault(s.paragraph, []).append(i)
            inside = [p for i in self.paragraph_sentences.get(paragraph, [])
                      for p in self.by_sentence.get(i, []) if p.mention.start not in self.context]
            self.paragraph_focus[paragraph] = _focus(inside) or self.focus
        return self.paragraph_focus[paragraph]

    # -- the places of an incident ---------------------------------------------------------------

    def attach(self, index: int, anchor: int, triggers: list[Trigger], only_after: bool) -> list[ResolvedMention]:
        """The places the event at ``anchor`` (offset in the sentence) is said to happen at.

        Places after the anchor, up to the next event trigger after the first of them, else (``only_after``
        False: a toll sentence) the nearest place before it; a sentence reporting only an event must name
        its place after it.
        """
        sentence = self.sentences[index]
        candidates = self.locative_places(index)
        if not candidates:
            return []
        after = [(at, p) for at, p in candidates if at >= anchor]
        if after:  # up to the next event named after the first place ("... in X on the day of the assault in Y")
            boundary = min((t.start for t in triggers if t.start > after[0][0]), default=len(sentence.text))
            after = [(at, p) for at, p in after if at < boundary]
        if after:
            chosen = [p for _, p in after]
        elif not only_after:
            before = [(at, p) for at, p in candidates if at < anchor]
            chosen = [before[-1][1]] if before else []
        else:
            chosen = []
        return _finest(chosen)

    def locative_places(self, index: int) -> list[tuple[int, ResolvedMention]]:
        """(offset in sentence, place) for each place the sentence puts something at, "the city" included."""
        sentence = self.sentences[index]
        found: list[tuple[int, ResolvedMention]] = []
        previous_end, previous_ok = -1, False
        for place in self.by_sentence.get(index, []):
            if place.mention.start in self.context:
                previous_ok = False
                continue
            start = place.mention.start
            if previous_ok and previous_end >= 0 and _LOCATOR.match(self.text[previous_end:start]):
                previous_end = place.mention.end  # a landmark for the place before it, not a place of the event
                continue
            before = self.text[max(sentence.start, start - 60):start]
            ok = _locative(before)
            if not ok and previous_ok and previous_end >= 0:
                gap = self.text[previous_end:start]
                ok = bool(_COORDINATED.match(gap) or _POSSESSIVE.fullmatch(gap))
            if ok:
                found.append((start - sentence.start, place))
            previous_end, previous_ok = place.mention.end, ok
        if self.focus is not None:
            for match in _ANAPHORA.finditer(sentence.text):
                if _locative(sentence.text[max(0, match.start() - 60):match.start()]):
                    found.append((match.start(), self.focus))
        return sorted(found, key=lambda pair: pair[0])

    def fallback_places(self, index: int) -> list[ResolvedMention]:
        focus = self._paragraph_focus(self.sentences[index].paragraph) or self.last_resort
        return [focus] if focus is not None else []


def _starts_line(text: str, offset: int) -> bool:
    """True when only white space lies between the start of its line and ``offset`` (looked at
    backwards from ``offset``, so that the cost is the white space's, not the line's)."""
    while offset > 0 and text[offset - 1] != "\n" and text[offset - 1].isspace():
        offset -= 1
    return offset == 0 or text[offset - 1] == "\n"


def _locative(before: str) -> bool:
    """True when the words before a place put something at it ("in the northern X", "north of X")."""
    words = last_words(before, 6)
    while words and words[-1] in V.PLACE_ADJECTIVES:
        words.pop()
    if not words:
        return False
    if words[-1] in V.LOCATIVE_WORDS:
        return True
    return words[-1] == "of" and len(words) > 1 and words[-2] in V.LOCATIVE_OF


def _context_before(words: list[str]) -> bool:
    """True for "a reporter in X", "the battle for X", "to distract forces from X" (``words``: the
    last six words before X, as :func:`last_words` gives them)."""
    words = list(words)
    while words and words[-1] in ("the", "a", "an"):
        words.pop()
    if words and words[-1] in V.CONTEXT_BEFORE:
        return True
    return bool(words) and words[-1] in V.CONTEXT_LINKS and any(w in V.CONTEXT_BEFORE for w in words[-5:-1])


def _treated_in(words: list[str]) -> bool:
    """True for "taken to a hospital in X", "treated at clinics in X": where the wounded went, not the
    scene (``words``: the last seven words before X, as :func:`last_words` gives them)."""
    if len(words) < 3 or words[-1] not in ("in", "at"):
        return False
    return any(w in V.TREATMENT_PLACES for w in words[-4:-1]) and any(w in V.TREATMENT_VERBS for w in words[:-1])


def _finest(chosen: list[ResolvedMention]) -> list[ResolvedMention]:
    """Drop a country, province or region (or a place's own parent) when a finer place is also named."""
    resolved = [p.place for p in chosen if p.place is not None]
    fine = any(place.kind not in BROAD_KINDS for place in resolved)
    parents = {place.parent for place in resolved if place.parent}
    out = []
    for p in chosen:
        if p.place is not None and ((fine and p.place.kind in BROAD_KINDS) or p.place.key in parents):
            continue
        out.append(p)
    return out


def _only_country(places: list[ResolvedMention]) -> ResolvedMention | None:
    """The one country the article names (its first mention), when it names exactly one; else None."""
    countries = [p for p in places if p.place is not None and p.place.kind == "country"]
    if len({p.place.key for p in countries if p.place is not None}) != 1:
        return None
    return countries[0]


def _focus(places: list[ResolvedMention]) -> ResolvedMention | None:
    """The most named town-level place (ties: the first named); else the most named resolved place."""
    for allowed in (TOWN_KINDS, None):
        counts: Counter[str] = Counter()
        first: dict[str, ResolvedMention] = {}
        for p in places:
            if p.place is None or (allowed is not None and p.place.kind not in allowed) or p.place.kind == "country":
                continue
            counts[p.place.key] += 1
            first.setdefault(p.place.key, p)
        if counts:
            best = max(counts.values())
            return next(first[k] for k in first if counts[k] == best)
    return None
