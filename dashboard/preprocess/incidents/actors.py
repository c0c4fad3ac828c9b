"""Who did it: the perpetrator of an incident as its sentence names them.

In: a sentence and the spans of its victims' words (from ``casualties``). Out: :func:`actor`, the
words naming the perpetrator ("by X" first, else a named group, else a generic one), never the
victims' words or a target ("clashes with X"); empty when the sentence does not say. The names are
data: ``data/words/actors.toml``.
"""

from __future__ import annotations

import re

from dashboard.preprocess.incidents import vocabulary as V
from dashboard.preprocess.incidents.triggers import lower_same_length

#: Named groups, then generic perpetrators, matched on lower-cased text (faster than ignoring case);
#: acronyms that are also common words ("IS") are matched on the text as written. Every name starts
#: with a letter, so "(?=\w)" after the first "\b" lets the engine try the names only where a word
#: starts, not also where one ends (the same matches, some 40% faster).
_ACTORS = re.compile(r"\b(?=\w)(?:(?P<named>%s)|(?P<generic>%s))\b" % (
    "|".join(V.NAMED_ACTORS).lower(), "|".join(V.GENERIC_ACTORS).lower()))
_CASED_ACTORS = re.compile(r"\b(?:%s)\b" % "|".join(V.CASED_ACTORS))
_BY = re.compile(r"\bby\s+(?:the\s+|a\s+|an\s+)?(?:(?:suspected|alleged|armed|local|rival|unidentified)\s+)?",
                 re.IGNORECASE)
_TARGET_BEFORE = re.compile(r"\b(?:against|targeting|on|at|with|from|into)\s+(?:the\s+)?$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def actor(text: str, victims: list[tuple[int, int]]) -> str:
    """Who did it, as named: "by X" first, else a named group, else a generic one, never the victims."""
    lower = lower_same_length(text)
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
