"""The rules that make two reports one incident, shared by every stage and the app.

Extraction uses them to tell a restatement from a new incident in one article, reconciliation to
join reports of several articles, and the incident table to summarise a group: which event types
one incident may be given (:func:`types_compatible`), which targets a sentence names
(:func:`targets_in`), when two killed figures are too far apart to be one incident
(:func:`tolls_conflict`), and the range that covers several reports' figures (:func:`toll_range`).
"""

from __future__ import annotations

import functools
import re
from typing import Any, Iterable

import pandas as pd

from dashboard import wordlists
from dashboard.schema import EVENT_TYPES

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
TARGETS: dict[str, tuple[str, ...]] = wordlists.groups("targets", "targets")

#: Killed figures of two reports are wildly apart, so two incidents, when the larger report's
#: lowest figure exceeds the smaller's highest figure times this, plus the slack below.
TOLL_RATIO = 10
TOLL_SLACK = 10

def _word_pattern(word: str) -> str:
    """A word or phrase, any spacing, singular or plural (mosque(s), church(es), ministry/ministries)."""
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy", "uy")):
        return re.escape(word[:-1]).replace(r"\ ", r"\s+") + r"(?:y|ies)"
    return re.escape(word).replace(r"\ ", r"\s+") + r"(?:e?s)?"


# One pattern for every target word; the name of the group that matched says which target it is.
_TARGET_NAMES = tuple(TARGETS)
_TARGET_PATTERN = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(f"(?P<t{n}>" + "|".join(_word_pattern(w) for w in sorted(TARGETS[target], key=len, reverse=True)) + ")"
               for n, target in enumerate(_TARGET_NAMES))
    + r")(?![\w-])",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=4096)
def targets_in(text: str) -> frozenset[str]:
    """The targets (keys of :data:`TARGETS`) a sentence names."""
    return frozenset(_TARGET_NAMES[int(m.lastgroup[1:])] for m in _TARGET_PATTERN.finditer(text) if m.lastgroup)


def types_compatible(first: str, second: str) -> bool:
    """True when two reports may give one incident these two event types."""
    return frozenset((first, second)) in COMPATIBLE_TYPES


def tolls_conflict(first: tuple[int | None, int | None], second: tuple[int | None, int | None]) -> bool:
    """True when two killed ranges (min, max) are too far apart to be one incident's reports."""
    for (_, high), (low, _) in ((first, second), (second, first)):
        if high is not None and low is not None and low > high * TOLL_RATIO + TOLL_SLACK:
            return True
    return False


def toll_range(lows: Iterable[Any], highs: Iterable[Any]) -> tuple[int | None, int | None]:
    """The range covering several reports' ranges: lowest low, highest high (an open high stays open).

    A report with no figure at all takes no part; a report with a low but no high ("more than 40")
    makes the incident's high open too.
    """
    pairs = [(_int(lo), _int(hi)) for lo, hi in zip(lows, highs)]
    pairs = [(lo, hi) for lo, hi in pairs if lo is not None or hi is not None]
    if not pairs:
        return None, None
    known_lows = [lo for lo, _ in pairs if lo is not None]
    low = min(known_lows) if len(known_lows) == len(pairs) else None
    high = None if any(hi is None for _, hi in pairs) else max(hi for _, hi in pairs)
    return low, high


def _int(value: Any) -> int | None:
    missing = value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)
    return None if missing else int(value)
