"""Sentences + resolved places -> Incident rows (type, tolls, actor, date, evidence).

In: an :class:`Article` and its resolved place mentions (offsets into ``article.text``, from
``geoparse``). Out: :func:`extract_incidents` gives :class:`dashboard.schema.Incident` rows: one per
(incident, place) the article reports, then one ``mention`` row for each distinct place named with
nothing reported there, so every named place can be found on the map.

A sentence reports an incident when it states a toll (``casualties``), or when, outside quotes and
speculation, it names a new event (an event-type trigger, not "the attack" told before) at a place.
Its places are those the event is said to happen at ("in X", "north of X", "the city" = the
article's focus town); places named only as context ("the X offensive", a dateline, "a reporter in
X") are never an incident's place. A toll sentence naming no place takes the place of the sentence it
points back to ("The missile killed ..." -> the sentence that named the missile strike and where),
else of the incident told just before it in its paragraph, else the paragraph's or the article's
focus town; when the incident it points back to had no toll yet, the two sentences are one incident.
Dates: ``dates.find_date``; a sentence without date words gets the article's lead incident date.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

import ahocorasick

from dashboard.geodesy import km_between
from dashboard.preprocess.incidents import vocabulary as V
from dashboard.preprocess.incidents.casualties import TOLL_WORDS, Range, TollReading, Tolls, read_tolls
from dashboard.preprocess.incidents.dates import UNKNOWN, WEEK, DateReading, find_date
from dashboard.preprocess.places.geoparse import ResolvedMention
from dashboard.preprocess.ingest import Article
from dashboard.same_incident import targets_in, types_compatible
from dashboard.preprocess.incidents.sentences import Sentence, quoted_spans, split_sentences
from dashboard.schema import Incident

TOWN_KINDS = frozenset({"city", "town", "village"})
BROAD_KINDS = frozenset({"country", "admin1", "region"})
MENTION = "mention"
OTHER = "other"
CAPTURE = "capture/arrest"
#: Event types in the order a sentence naming several is typed (most specific first).
_TYPE_ORDER = ("air or missile strike", "bombing/explosion", "execution/killing", "clash", "armed attack", CAPTURE)

#: Every trigger, matched on lower-cased text; the group that matched names the event type.
_TRIGGERS = re.compile(
    "|".join(f"(?P<t{i}>(?:{'|'.join(V.EVENT_TRIGGERS[kind])})\\b)" for i, kind in enumerate(_TYPE_ORDER)))
_TRIGGER_TYPE = {f"t{i}": kind for i, kind in enumerate(_TYPE_ORDER)}
#: The literal first letters (up to four) of every trigger, found at once by an Aho-Corasick automaton:
#: the large pattern is only tried where one starts a word (speed).
_TRIGGER_PREFIXES = frozenset(re.match(r"[a-z]{1,4}?(?=[a-z]?[?*{]|[^a-z]|$)|[a-z]{4}", f).group()
                              for fs in V.EVENT_TRIGGERS.values() for f in fs)
_TRIGGER_PREFIX, _TOLL_WORD = 1, 2


def _word_automaton() -> ahocorasick.Automaton:
    """One automaton for trigger prefixes and whole toll words: value (kinds bit set, length)."""
    kinds: dict[str, int] = {}
    for prefix in _TRIGGER_PREFIXES:
        kinds[prefix] = kinds.get(prefix, 0) | _TRIGGER_PREFIX
    for word in TOLL_WORDS:
        kinds[word] = kinds.get(word, 0) | _TOLL_WORD
    automaton = ahocorasick.Automaton()
    for key, kind in kinds.items():
        automaton.add_word(key, (kind, len(key)))
    automaton.make_automaton()
    return automaton


_AUTOMATON = _word_automaton()
_VERB_FORM = re.compile(r"(?:ed|ing)$|^(?:struck|fought|overran|shot|hit)$", re.IGNORECASE)
#: The words share one \b test (twice as fast as one alternative per word, the same matches).
_CLAUSE_SPLIT = re.compile(r",\s+but\b|;|\b(?:but|while|whereas|although)\b", re.IGNORECASE)
#: Case-sensitive so that the month "May" is no hedge; a sentence may start with a capitalised one.
_HEDGE = re.compile(r"\b(?:%s)\b" % "|".join(sorted(V.HEDGES | {w.capitalize() for w in V.HEDGES - {"may"}})))
_WORDS = re.compile(r"[\w'’-]+|[^\w\s]")
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
_SUBJECT = re.compile(r"^(?:the|this|that|these|those|such)\s+((?:[a-z-]+\s+){0,3})", re.IGNORECASE)
_FUNCTION_WORDS = V.PHRASE_STOPS | V.PASSIVE_GLUE | {"of", "and", "the", "a", "an"}
#: Named groups, then generic perpetrators, matched on lower-cased text (faster than ignoring case);
#: acronyms that are also common words ("IS") are matched on the text as written.
_ACTORS = re.compile(r"\b(?:(?P<named>%s)|(?P<generic>%s))\b" % (
    "|".join(V.NAMED_ACTORS).lower(), "|".join(V.GENERIC_ACTORS).lower()))
_CASED_ACTORS = re.compile(r"\b(?:%s)\b" % "|".join(V.CASED_ACTORS))
_BY = re.compile(r"\bby\s+(?:the\s+|a\s+|an\s+)?(?:(?:suspected|alleged|armed|local|rival|unidentified)\s+)?",
                 re.IGNORECASE)
_TARGET_BEFORE = re.compile(r"\b(?:against|targeting|on|at|with|from|into)\s+(?:the\s+)?$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_NO_TOLLS = TollReading(Tolls(), (), ())
_LOOK_BACK = 6  # sentences searched for the noun a toll sentence points back to


@dataclass(frozen=True, slots=True)
class _Trigger:
    """An event word in a sentence: offsets relative to the sentence, the word, its event type."""

    start: int
    end: int
    word: str
    event_type: str


@dataclass(slots=True)
class _Draft:
    """An incident being assembled from one sentence (and the toll sentence merged into it)."""

    sentence: Sentence
    places: list[ResolvedMention]
    tolls: Tolls
    event_type: str
    actor: str
    date: DateReading | None
    evidence: list[str] = field(default_factory=list)


def extract_incidents(article: Article, places: list[ResolvedMention]) -> list[Incident]:
    """One article and its resolved places -> incident rows, then one mention row per place left."""
    reader = _ArticleReader(article, places)
    drafts = reader.drafts()
    rows: list[Incident] = []
    used: set[str] = set()
    lead = _lead_date(drafts, article)
    drafts = _merge_restatements(drafts, lead, article)
    for draft in drafts:
        date = _date_of(draft.date, lead)
        incident_id = _short_id(article.name, str(draft.sentence.start))
        seen: set[str] = set()
        for place in draft.places:
            key = _place_key(place)
            if key in seen:
                continue
            seen.add(key)
            used.add(key)
            rows.append(_row(article, incident_id, place, draft.event_type, draft.tolls, draft.actor, date,
                             _one_line(" ".join(draft.evidence))))
    for place in sorted(places, key=lambda p: p.mention.start):
        key = _place_key(place)
        if key in used:
            continue
        used.add(key)
        sentence = reader.sentence_at(place.mention.start)
        evidence = _one_line(sentence.text if sentence else place.mention.text)
        rows.append(_row(article, _short_id(article.name, "mention", str(place.mention.start)), place, MENTION,
                         Tolls(), "", DateReading(None, UNKNOWN), evidence))
    return rows


class _ArticleReader:
    """What one article says: its sentences, quotes, places by sentence, context places and focus towns."""

    def __init__(self, article: Article, places: list[ResolvedMention]) -> None:
        self.article = article
        self.text = article.text
        self.sentences = split_sentences(self.text)
        self.starts = [s.start for s in self.sentences]
        self.quotes = quoted_spans(self.text)
        self.quote_starts = [a for a, _ in self.quotes]
        self.quote_reach = list(itertools.accumulate((b for _, b in self.quotes), max))
        self.places = sorted(places, key=lambda p: p.mention.start)
        self.context = {id(p): self._is_context(p) for p in self.places}
        self.by_sentence: dict[int, list[ResolvedMention]] = {}
        for place in self.places:
            index = self._sentence_index(place.mention.start)
            if index is not None:
                self.by_sentence.setdefault(index, []).append(place)
        self.focus = _focus([p for p in self.places if not self.context[id(p)]])
        # a toll with no place at all falls back on any place named, a dateline included ("KABUL - A bomb ...")
        self.last_resort = self.focus or _focus(self.places)
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
        before = self.text[max(0, start - 60):start]
        if _CONTEXT_AFTER.match(self.text[end:end + 30]) or _context_before(before) or _treated_in(before):
            return True
        return _starts_line(self.text, start) and bool(_DATELINE_AFTER.match(self.text[end:end + 50]))

    def _in_quote(self, offset: int) -> bool:
        # the last quote starting at or before ``offset`` is found by bisection; the running
        # maximum of the ends tells whether any of them reaches past it (quotes may nest)
        index = bisect.bisect_right(self.quote_starts, offset) - 1
        return index >= 0 and self.quote_reach[index] > offset

    def _paragraph_focus(self, paragraph: int) -> ResolvedMention | None:
        if paragraph not in self.paragraph_focus:
            if self.paragraph_sentences is None:  # grouped once, not scanned again for every paragraph
                self.paragraph_sentences = {}
                for i, s in enumerate(self.sentences):
                    self.paragraph_sentences.setdefault(s.paragraph, []).append(i)
            inside = [p for i in self.paragraph_sentences.get(paragraph, [])
                      for p in self.by_sentence.get(i, []) if not self.context[id(p)]]
            self.paragraph_focus[paragraph] = _focus(inside) or self.focus
        return self.paragraph_focus[paragraph]

    # -- incidents -------------------------------------------------------------------------------

    def drafts(self) -> list[_Draft]:
        drafts: list[_Draft] = []
        by_sentence: dict[int, _Draft] = {}
        hits, toll_words = _scan(self.text)
        hit_starts = [h[0] for h in hits]
        for index, sentence in enumerate(self.sentences):
            first, last = bisect.bisect_left(hit_starts, sentence.start), bisect.bisect_left(hit_starts, sentence.end)
            triggers = [_Trigger(a - sentence.start, b - sentence.start, self.text[a:b], kind)
                        for a, b, kind in hits[first:last]]
            may_have_toll = (bisect.bisect_left(toll_words, sentence.start)
                             < bisect.bisect_left(toll_words, sentence.end))
            if not may_have_toll and not triggers:
                continue  # most sentences report nothing
            reading = read_tolls(sentence.text) if may_have_toll else _NO_TOLLS
            has_toll = reading.tolls.any()
            if not has_toll and not triggers:
                continue
            anchor = self._new_event(sentence, triggers)
            if not has_toll and anchor is None:
                continue
            if anchor is None:
                anchor_at = min(f.start for f in reading.figures)
            else:
                anchor_at = anchor.start
            attached = self._attach(index, anchor_at, triggers, only_after=not has_toll)
            victims = [(f.start, f.end) for f in reading.figures]
            clause = _clause_span(sentence.text, anchor_at)
            types = [t.event_type for t in triggers if clause[0] <= t.start < clause[1]]
            event_type = _event_type(types, reading.tolls)
            actor = _actor(sentence.text, victims)
            date = find_date(sentence.text, self.article.published)
            if attached:
                draft = _Draft(sentence, attached, reading.tolls, event_type, actor, date, [sentence.text])
            elif has_toll:
                earlier, told = self._antecedent(index, by_sentence)
                if earlier is not None and told and not _same_kinds(earlier.tolls, reading.tolls):
                    earlier.tolls = _filled(earlier.tolls, reading.tolls)
                    if event_type != OTHER and not (event_type == CAPTURE and earlier.event_type != OTHER):
                        earlier.event_type = event_type
                    earlier.actor = earlier.actor or actor
                    earlier.evidence.append(sentence.text)
                    by_sentence[index] = earlier
                    continue
                where = earlier.places if earlier else self._fallback_places(index)
                if not where:
                    continue
                if event_type == OTHER and earlier is not None:
                    event_type = earlier.event_type
                if date is None and earlier is not None:
                    date = earlier.date
                draft = _Draft(sentence, where, reading.tolls, event_type, actor or (earlier.actor if earlier else ""),
                               date, [sentence.text])
            else:
                continue
            drafts.append(draft)
            by_sentence[index] = draft
        return drafts

    def _new_event(self, sentence: Sentence, triggers: list[_Trigger]) -> _Trigger | None:
        """The first trigger naming a new event the writer reports (not quoted, hedged or told before)."""
        text = sentence.text
        for trigger in triggers:
            if self._in_quote(sentence.start + trigger.start):
                continue
            if _told_before(text[max(0, trigger.start - 40):trigger.start]) and not _VERB_FORM.search(trigger.word):
                continue
            if _HEDGE.search(_clause_around(text, trigger.start)):
                continue
            return trigger
        return None

    def _attach(self, index: int, anchor: int, triggers: list[_Trigger], only_after: bool) -> list[ResolvedMention]:
        """The places the event at ``anchor`` (offset in the sentence) is said to happen at.

        Places after the anchor, up to the next event trigger after the first of them, else (``only_after``
        False: a toll sentence) the nearest place before it; a sentence reporting only an event must name
        its place after it.
        """
        sentence = self.sentences[index]
        candidates = self._locative_places(index)
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

    def _locative_places(self, index: int) -> list[tuple[int, ResolvedMention]]:
        """(offset in sentence, place) for each place the sentence puts something at, "the city" included."""
        sentence = self.sentences[index]
        found: list[tuple[int, ResolvedMention]] = []
        previous_end, previous_ok = -1, False
        for place in self.by_sentence.get(index, []):
            if self.context[id(place)]:
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

    def _antecedent(self, index: int, by_sentence: dict[int, _Draft]) -> tuple[_Draft | None, bool]:
        """The incident a toll sentence with no place of its own points back to.

        Returns (draft, told): ``told`` is True when the draft is an incident already extracted (the
        toll sentence may then complete it), False when only the place and date were borrowed from a
        sentence that was not an incident by itself.
        """
        sentence = self.sentences[index]
        head = _subject_head(sentence.text)
        if head:
            pattern = re.compile(rf"\b{re.escape(head)}(?:s|es)?\b", re.IGNORECASE)
            for back in range(index - 1, max(-1, index - 1 - _LOOK_BACK), -1):
                match = pattern.search(self.sentences[back].text)
                if match is None:
                    continue
                if back in by_sentence:
                    return by_sentence[back], True
                where = [p for at, p in self._locative_places(back) if at >= match.start()]
                if where:
                    date = find_date(self.sentences[back].text, self.article.published)
                    return _Draft(self.sentences[back], where[:1], Tolls(), OTHER, "", date), False
        # the nearest earlier sentence that told an incident, if it is in this paragraph: sentences are
        # read in order, so it is the last one filed (and paragraph numbers only grow)
        back = next(reversed(by_sentence), None)
        if back is not None and back < index and self.sentences[back].paragraph == sentence.paragraph:
            return by_sentence[back], True
        return None, False

    def _fallback_places(self, index: int) -> list[ResolvedMention]:
        focus = self._paragraph_focus(self.sentences[index].paragraph) or self.last_resort
        return [focus] if focus is not None else []


def _starts_line(text: str, offset: int) -> bool:
    """True when only spaces lie between the start of its line and ``offset`` (looked at backwards
    from ``offset``, so that the cost is the spaces', not the line's)."""
    while offset > 0 and text[offset - 1] != "\n" and text[offset - 1].isspace():
        offset -= 1
    return offset == 0 or text[offset - 1] == "\n"


def _last_words(window: str, count: int) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORDS.findall(window)[-count:]]


def _locative(before: str) -> bool:
    """True when the words before a place put something at it ("in the northern X", "north of X")."""
    words = _last_words(before, 6)
    while words and words[-1] in V.PLACE_ADJECTIVES:
        words.pop()
    if not words:
        return False
    if words[-1] in V.LOCATIVE_WORDS:
        return True
    return words[-1] == "of" and len(words) > 1 and words[-2] in V.LOCATIVE_OF


def _context_before(before: str) -> bool:
    """True for "a reporter in X", "the battle for X", "to distract forces from X"."""
    words = _last_words(before, 6)
    while words and words[-1] in ("the", "a", "an"):
        words.pop()
    if words and words[-1] in V.CONTEXT_BEFORE:
        return True
    return bool(words) and words[-1] in V.CONTEXT_LINKS and any(w in V.CONTEXT_BEFORE for w in words[-5:-1])


def _treated_in(before: str) -> bool:
    """True for "taken to a hospital in X", "treated at clinics in X": where the wounded went, not the scene."""
    words = _last_words(before, 7)
    if len(words) < 3 or words[-1] not in ("in", "at"):
        return False
    return any(w in V.TREATMENT_PLACES for w in words[-4:-1]) and any(w in V.TREATMENT_VERBS for w in words[:-1])


def _told_before(before: str) -> bool:
    """True when a trigger noun follows "the", "their", a possessive ...: an event already told."""
    words = _last_words(before, 3)
    return any(w in V.EVENT_NOUNS_BACK or w.endswith("'s") for w in words)


def _scan(text: str) -> tuple[list[tuple[int, int, str]], list[int]]:
    """One pass over the article: every event trigger (start, end, event type), in order and not
    overlapping, and the start of every toll word (a sentence without one is not read for tolls)."""
    lower = _lower_same_length(text)
    triggers: list[tuple[int, int, str]] = []
    toll_words: list[int] = []
    end = 0
    for last, (kind, size) in _AUTOMATON.iter(lower):
        start = last - size + 1
        if start > 0 and lower[start - 1].isalpha():
            continue
        if kind & _TOLL_WORD and not lower[last + 1:last + 2].isalpha():
            toll_words.append(start)
        if kind & _TRIGGER_PREFIX and start >= end:
            match = _TRIGGERS.match(lower, start)
            if match:
                triggers.append((start, match.end(), _TRIGGER_TYPE[match.lastgroup or ""]))
                end = match.end()
    return triggers, toll_words


def _lower_same_length(text: str) -> str:
    """``text.lower()``, keeping offsets: the few characters whose lower case is longer stay as they are."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _subject_head(text: str) -> str:
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


def _clause_span(text: str, offset: int) -> tuple[int, int]:
    """(start, end) of the clause of ``text`` holding ``offset`` (split at "but", ";", "while" ...)."""
    starts = [m.end() for m in _CLAUSE_SPLIT.finditer(text, 0, offset)]
    end = _CLAUSE_SPLIT.search(text, offset)
    return (starts[-1] if starts else 0, end.start() if end else len(text))


def _clause_around(text: str, offset: int) -> str:
    start, end = _clause_span(text, offset)
    return text[start:end]


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


def _event_type(types: list[str], tolls: Tolls) -> str:
    captured_only = tolls.captured.low is not None or tolls.captured.high is not None
    hurt = any(r.low is not None or r.high is not None for r in (tolls.killed, tolls.injured))
    if captured_only and not hurt:
        return CAPTURE
    for kind in _TYPE_ORDER:
        if kind in types and not (kind == CAPTURE and hurt):
            return kind
    return OTHER


def _actor(text: str, victims: list[tuple[int, int]]) -> str:
    """Who did it, as named: "by X" first, else a named group, else a generic one, never the victims."""
    lower = _lower_same_length(text)
    for by in _BY.finditer(text):
        match = _ACTORS.match(lower, by.end()) or _CASED_ACTORS.match(text, by.end())
        if match:
            return _SPACES.sub(" ", text[match.start():match.end()])
    named: list[tuple[int, int]] = [m.span() for m in _CASED_ACTORS.finditer(text)]
    generic: list[tuple[int, int]] = []
    for match in _ACTORS.finditer(lower):
        (named if match.lastgroup == "named" else generic).append(match.span())
    for spans in (sorted(named), generic):
        for start, end in spans:
            if any(a <= start < b for a, b in victims):
                continue
            if _TARGET_BEFORE.search(text[max(0, start - 20):start]):
                continue
            return _SPACES.sub(" ", text[start:end])
    return ""


def _merge_restatements(drafts: list[_Draft], lead: DateReading, article: Article) -> list[_Draft]:
    """Fold each draft that only restates another incident of the article into that incident.

    A headline, a photo caption or a summary line often names the article's main incident again
    ("Bomb kills three near X", then the body's own account). Two cases are folded:

    - a draft with no toll, when another draft gives a toll at the same places on the same day,
      with a compatible event type and no different target (the rules reconcile applies across
      articles);
    - the headline, when a later draft tells the same incident: the same day, a compatible event
      type, figures that do not disagree, and each headline place within :data:`HEADLINE_KM` of one
      of the body's places (headlines name the nearest well-known town).

    The restating sentence joins the host's evidence; its actor and figures fill the host's gaps.
    """
    # Both folds need the draft's places among the host's and the same day: the hosts a draft may
    # fold into are looked up by (its first place, its day), not searched for among all drafts.
    hosts: dict[tuple[str, DateReading], list[_Draft]] = {}
    for d in drafts:
        if d.tolls.any() and not _is_headline(d.sentence, article):
            _file_by_place(hosts, d, lead)
    kept: list[_Draft] = []
    kept_by_place: dict[tuple[str, DateReading], list[_Draft]] = {}
    for draft in drafts:
        host = None
        where = (_place_key(draft.places[0]), _date_of(draft.date, lead)) if draft.places else None
        if where is not None and not draft.tolls.any():
            host = next((other for other in hosts.get(where, ()) if _restates(draft, other, lead)), None)
        elif where is not None and draft.event_type == OTHER:  # figures with no event of their own: "Another 150 were injured."
            host = next((other for other in reversed(kept_by_place.get(where, ())) if _completes(draft, other, lead)),
                        None)
        if host is None and _is_headline(draft.sentence, article):
            host = next((other for other in drafts if other is not draft and _summarises(draft, other, lead)), None)
        if host is None:
            kept.append(draft)
            _file_by_place(kept_by_place, draft, lead)
            continue
        host.evidence.append(draft.sentence.text)
        host.evidence.sort(key=lambda text: text != host.sentence.text)  # the host's own sentence first
        host.actor = host.actor or draft.actor
        host.tolls = _filled(host.tolls, draft.tolls)
        if host.event_type == OTHER:
            host.event_type = draft.event_type
    return kept


def _file_by_place(index: dict[tuple[str, DateReading], list[_Draft]], draft: _Draft, lead: DateReading) -> None:
    """File ``draft`` under each of its places with its day (once per place, in the order drafts come)."""
    day = _date_of(draft.date, lead)
    for key in dict.fromkeys(_place_key(p) for p in draft.places):
        index.setdefault((key, day), []).append(draft)


#: A headline place and a body place this close may name one incident's location.
HEADLINE_KM = 50.0


def _kinds(tolls: Tolls) -> tuple[Range, Range, Range]:
    return tolls.killed, tolls.injured, tolls.captured


def _same_kinds(first: Tolls, second: Tolls) -> bool:
    """True when both give a figure of one kind (killed, injured or captured)."""
    return any(mine != Range() and theirs != Range() for mine, theirs in zip(_kinds(first), _kinds(second)))


def _filled(host: Tolls, extra: Tolls) -> Tolls:
    """``host``'s figures, with the kinds it lacks taken from ``extra``."""
    return Tolls(*(mine if mine != Range() else theirs for mine, theirs in zip(_kinds(host), _kinds(extra))))


def _completes(draft: _Draft, other: _Draft, lead: DateReading) -> bool:
    """True when ``draft`` only adds figures of kinds ``other`` lacks, at its places, on its day, after it."""
    if other.sentence.start > draft.sentence.start or not draft.places:
        return False
    if {_place_key(p) for p in draft.places} - {_place_key(p) for p in other.places}:
        return False
    if _same_kinds(draft.tolls, other.tolls):
        return False
    return _date_of(draft.date, lead) == _date_of(other.date, lead)


def _is_headline(sentence: Sentence, article: Article) -> bool:
    """The article's first line when it is a title (the known title, or a line with no full stop)."""
    if sentence.start != 0:
        return False
    return sentence.text == article.title.strip() or not sentence.text.endswith((".", "!", "?", '"', "”"))


def _restates(draft: _Draft, other: _Draft, lead: DateReading) -> bool:
    places = {_place_key(p) for p in draft.places}
    if not places or not places <= {_place_key(p) for p in other.places}:
        return False
    return _same_incident(draft, other, lead)


def _summarises(headline: _Draft, body: _Draft, lead: DateReading) -> bool:
    """True when ``body`` tells the incident ``headline`` announces (see :func:`_merge_restatements`)."""
    if not headline.places or not all(_covers(place, body.places) for place in headline.places):
        return False
    pairs = list(zip(_kinds(headline.tolls), _kinds(body.tolls)))
    if any(mine != Range() and theirs != Range() and not _overlap(mine, theirs) for mine, theirs in pairs):
        return False
    if not any(mine != Range() and theirs != Range() for mine, theirs in pairs) and body.tolls.any():
        return False  # the body gives other kinds of figures: another incident
    return _same_incident(headline, body, lead)


def _covers(place: ResolvedMention, body_places: list[ResolvedMention]) -> bool:
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


def _same_incident(draft: _Draft, other: _Draft, lead: DateReading) -> bool:
    if _date_of(draft.date, lead) != _date_of(other.date, lead):
        return False
    if not types_compatible(draft.event_type, other.event_type):
        return False
    mine, theirs = targets_in(draft.sentence.text), targets_in(" ".join(other.evidence))
    return not mine or not theirs or bool(mine & theirs)


def _lead_date(drafts: list[_Draft], article: Article) -> DateReading:
    """The day of the article's first dated incident; else the publication week; else unknown."""
    for draft in drafts:
        if draft.date is not None and not draft.date.refers_back and draft.date.date is not None:
            return draft.date
    if article.published is not None:
        return DateReading(article.published, WEEK)
    return DateReading(None, UNKNOWN)


def _date_of(reading: DateReading | None, lead: DateReading) -> DateReading:
    if reading is None or reading.refers_back or reading.date is None:
        return lead
    return reading


def _one_line(text: str) -> str:
    """Evidence on one line: runs of white space (line breaks included) become one space."""
    return " ".join(text.split())


def _place_key(place: ResolvedMention) -> str:
    return place.place.key if place.place is not None else "unresolved:" + place.mention.text.casefold()


def _short_id(*parts: str) -> str:
    return hashlib.sha1("\x00".join(parts).encode("utf-8")).hexdigest()[:12]


def _row(article: Article, incident_id: str, place: ResolvedMention, event_type: str, tolls: Tolls, actor: str,
         date: DateReading, evidence: str) -> Incident:
    where = place.place
    killed, injured, captured = tolls.killed, tolls.injured, tolls.captured
    return Incident(
        incident_id=incident_id,
        date=date.date,
        date_precision=date.precision if date.date is not None else UNKNOWN,
        location=where.name if where else "",
        mention=place.mention.text,
        admin1=where.admin1 if where else "",
        country=where.country if where else "",
        country_code=where.country_code if where else "",
        latitude=place.latitude,
        longitude=place.longitude,
        geo_precision=place.geo_precision if place.latitude is not None else "",
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

