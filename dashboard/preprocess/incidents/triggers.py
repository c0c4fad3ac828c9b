"""Event words in an article: where each is, its event type, and whether it names a new event.

In: article text (or one sentence). Out: :func:`scan` gives every trigger word of the text (offsets
and event type) and the start of every toll word; :func:`new_event` the first trigger of a sentence
that names an event the writer reports (not quoted, not hedged, not "the attack" told before);
:func:`event_type` the type of an incident from the triggers of its clause and its tolls. The words
are data: ``data/words/triggers.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import ahocorasick

from dashboard.preprocess.incidents import vocabulary as V
from dashboard.preprocess.incidents.casualties import TOLL_WORDS, Tolls

OTHER = "other"
CAPTURE = "capture/arrest"
#: Event types in the order a sentence naming several is typed (most specific first).
TYPE_ORDER = ("air or missile strike", "bombing/explosion", "execution/killing", "clash", "armed attack", CAPTURE)

#: Every trigger, matched on lower-cased text; the group that matched names the event type.
_TRIGGERS = re.compile(
    "|".join(f"(?P<t{i}>(?:{'|'.join(V.EVENT_TRIGGERS[kind])})\\b)" for i, kind in enumerate(TYPE_ORDER)))
_TRIGGER_TYPE = {f"t{i}": kind for i, kind in enumerate(TYPE_ORDER)}
#: The literal first letters (up to four) of every trigger, found at once by an Aho-Corasick automaton:
#: the large pattern is only tried where one starts a word (speed).
_TRIGGER_PREFIXES = frozenset(re.match(r"[a-z]{1,4}?(?=[a-z]?[?*{]|[^a-z]|$)|[a-z]{4}", f).group()  # type: ignore[union-attr]
                              for fs in V.EVENT_TRIGGERS.values() for f in fs)
_TRIGGER_PREFIX, _TOLL_WORD = 1, 2
_VERB_FORM = re.compile(r"(?:ed|ing)$|^(?:struck|fought|overran|shot|hit)$", re.IGNORECASE)
#: The words share one \b test (twice as fast as one alternative per word, the same matches).
_CLAUSE_SPLIT = re.compile(r",\s+but\b|;|\b(?:but|while|whereas|although)\b", re.IGNORECASE)
#: Case-sensitive so that the month "May" is no hedge; a sentence may start with a capitalised one.
_HEDGE = re.compile(r"\b(?:%s)\b" % "|".join(sorted(V.HEDGES | {w.capitalize() for w in V.HEDGES - {"may"}})))
_WORDS = re.compile(r"[\w'’-]+|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Trigger:
    """An event word in a sentence: offsets relative to the sentence, the word, its event type."""

    start: int
    end: int
    word: str
    event_type: str


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


def scan(text: str) -> tuple[list[tuple[int, int, str]], list[int]]:
    """One pass over the article: every event trigger (start, end, event type), in order and not
    overlapping, and the start of every toll word (a sentence without one is not read for tolls)."""
    lower = lower_same_length(text)
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


def lower_same_length(text: str) -> str:
    """``text.lower()``, keeping offsets: the few characters whose lower case is longer stay as they are."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def new_event(text: str, triggers: list[Trigger], in_quote: Callable[[int], bool]) -> Trigger | None:
    """The first trigger of sentence ``text`` naming a new event the writer reports (not quoted
    (``in_quote`` of its offset in the sentence), hedged or told before)."""
    for trigger in triggers:
        if in_quote(trigger.start):
            continue
        if told_before(text[max(0, trigger.start - 40):trigger.start]) and not _VERB_FORM.search(trigger.word):
            continue
        if _HEDGE.search(clause_around(text, trigger.start)):
            continue
        return trigger
    return None


def last_words(window: str, count: int) -> list[str]:
    """The last ``count`` words (and marks) of ``window``, lower-cased, curly apostrophes straightened."""
    return [w.lower().replace("’", "'") for w in _WORDS.findall(window)[-count:]]


def told_before(before: str) -> bool:
    """True when a trigger noun follows "the", "their", a possessive ...: an event already told."""
    words = last_words(before, 3)
    return any(w in V.EVENT_NOUNS_BACK or w.endswith("'s") for w in words)


def clause_span(text: str, offset: int) -> tuple[int, int]:
    """(start, end) of the clause of ``text`` holding ``offset`` (split at "but", ";", "while" ...)."""
    starts = [m.end() for m in _CLAUSE_SPLIT.finditer(text, 0, offset)]
    end = _CLAUSE_SPLIT.search(text, offset)
    return (starts[-1] if starts else 0, end.start() if end else len(text))


def clause_around(text: str, offset: int) -> str:
    start, end = clause_span(text, offset)
    return text[start:end]


def event_type(types: list[str], tolls: Tolls) -> str:
    """The incident's type: the most specific trigger type of its clause; captured only: capture/arrest."""
    captured_only = tolls.captured.low is not None or tolls.captured.high is not None
    hurt = any(r.low is not None or r.high is not None for r in (tolls.killed, tolls.injured))
    if captured_only and not hurt:
        return CAPTURE
    for kind in TYPE_ORDER:
        if kind in types and not (kind == CAPTURE and hurt):
            return kind
    return OTHER
