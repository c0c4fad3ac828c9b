"""Place names the gazetteer lacks, noticed from the words around them.

In: an article's text, a test ``is_known(name)`` (the gazetteer's), and the spans of places already
found. Out: :class:`Mention` s (words as written, character offsets), in text order, for
capitalised names that a context cue marks as a place and that are not known:

- before the name: "in X", "near X", "outside X", "north of X", "the outskirts of X", and the
  stronger "the village / town / district / neighbourhood ... of X" (also "the villages of X, Y
  and Z");
- after the name: "X district", "X province", "X village", "X neighbourhood", "X camp",
  "X checkpoint" ...; a capitalised feature noun belongs to the name ("X Square", "X Road").

Not kept: words that start a sentence or a phrase ("Many", "The"), months and weekdays, people
after a title ("General X", "Mr X"), organisations ("X Police", "X Institute"), nationalities,
languages and faiths ("Kurdish", "Sunni"), acronyms. After the weaker cues ("in", "near") a name
in the possessive ("in X's speech") is taken for a person. The vocabularies below are data and
hold for English news anywhere (data/words/places.toml).
"""

from __future__ import annotations

import bisect
import itertools
import re
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from dashboard import wordlists
from dashboard.preprocess.places.geoparse import PARTICLES, Mention

# --- vocabularies (data/words/places.toml, lower case) ----------------------------------------


def _words(name: str) -> frozenset[str]:
    return frozenset(word.lower() for word in wordlists.words("places", name))


WEAK_CUES = _words("weak_cues")
DIRECTIONS = _words("directions")
AREA_NOUNS = _words("area_nouns")
FEATURE_NOUNS = _words("feature_nouns")
TITLES = _words("titles")
SOFT_TITLES = _words("soft_titles")
ORGANISATION_WORDS = _words("organisation_words") | _words("brands")
ADJECTIVES = _words("adjectives")
CALENDAR = _words("calendar")
COMMON_WORDS = _words("sentence_words")

MAX_NAME_WORDS = 5
_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*+")  # possessive: never backtracks (faster, the same words)
_SPACE = (" ", "\u00a0")
_CUE_FORMS = frozenset(form for word in WEAK_CUES | DIRECTIONS | AREA_NOUNS | FEATURE_NOUNS
                       for form in (word, word.capitalize(), word.upper()))
_LONGEST_CUE = max(map(len, _CUE_FORMS))
_TOKENS_KEPT = 4096
_PIECE = 1 << 16  # characters of text matched at a time


@dataclass(slots=True)  # not frozen: a frozen dataclass is several times slower to build
class _Token:
    index: int
    text: str
    start: int
    end: int
    lower: str  # case-folded, without a possessive 's
    possessive: bool


def _pieces(text: str, size: int) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive pieces of ``text`` of about ``size`` characters, each cut just
    after a white-space character (the whole text when it has none)."""
    start = 0
    while start < len(text):
        end = start + size
        if end < len(text):
            cut = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
            end = cut + 1 if cut > start else len(text)
        yield start, min(end, len(text))
        start = end


class _Tokens(Sequence[_Token]):
    """The words of a text, each made into a :class:`_Token` only when looked at.

    Making every word of every article into an object costs more than the rest of the stage;
    the cues are found on the bare words and only the words around them are looked at.
    """

    def __init__(self, text: str, piece: int = _PIECE) -> None:
        # Word offsets in flat machine arrays (a list of match objects took some 35 bytes of memory
        # per byte of text), and the cue words' indices. The words are matched a piece of text at a
        # time (cut at white space, which no word crosses) and handed over by C-level maps: a Python
        # loop over every word cost more than the rest of the stage.
        self._text = text
        self._starts, self._ends = array("q"), array("q")
        self._cues: list[int] = []
        for start, end in _pieces(text, piece):
            matches = list(_TOKEN.finditer(text, start, end))
            base = len(self._starts)
            self._starts.extend(map(re.Match.start, matches))
            self._ends.extend(map(re.Match.end, matches))
            self._cues.extend(itertools.compress(range(base, base + len(matches)),
                                                 map(_CUE_FORMS.__contains__, map(re.Match.group, matches))))
        self._made: dict[int, _Token] = {}

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> _Token: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[_Token]: ...

    def __getitem__(self, index: int | slice) -> _Token | Sequence[_Token]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        token = self._made.get(index)
        if token is None:
            start, end = self._starts[index], self._ends[index]  # IndexError past the end, as a sequence should
            word = self._text[start:end]
            bare = _bare(word)
            token = _Token(index, word, start, end, bare.casefold(), bare != word)
            if len(self._made) >= _TOKENS_KEPT:
                self._made.clear()  # words are looked at around one cue at a time: memory stays flat
            self._made[index] = token
        return token

    def starts(self) -> array:
        """The words' start offsets, in order (for bisection)."""
        return self._starts

    def cues(self) -> list[int]:
        """Indices of the words that may be cues (lower case, Capitalised or UPPER case)."""
        return self._cues

    def word(self, index: int) -> str:
        """The word at ``index`` as written (no token made)."""
        return self._text[self._starts[index]:self._ends[index]]

    def may_be_name(self, index: int) -> bool:
        """Whether the word at ``index`` (if any) may start a name, told without making its token:
        it is capitalised or joined by a hyphen ("al-Qaim"). Most words after a cue are neither."""
        if not 0 <= index < len(self._starts):
            return False
        start = self._starts[index]
        return self._text[start].isupper() or "-" in self._text[start:self._ends[index]]


def find_unknown_names(text: str, is_known: Callable[[str], bool],
                       taken: Sequence[tuple[int, int]] = ()) -> list[Mention]:
    """Capitalised names that a context cue marks as places, not known and not overlapping ``taken``
    (the places already found: a name right before a parenthesis that opens with one of them, "X
    (Y LGA, Z)", is a place too)."""
    taken = sorted(taken)
    tokens = _Tokens(text)
    spans = _candidates(text, tokens) | _before_areas(text, tokens, {t_start for t_start, _ in taken})
    names: list[Mention] = []
    # Overlap with ``taken`` by bisection: the spans starting before ``end``, and the furthest any reaches.
    taken_starts = [t_start for t_start, _ in taken]
    taken_reach = list(itertools.accumulate((t_end for _, t_end in taken), max))
    # At one start the longest candidate is tried first ("Domiz camp" before "Domiz").
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        name = text[start:end]
        if names and names[-1].end > start:
            continue
        before_end = bisect.bisect_left(taken_starts, end) - 1
        if is_known(name) or (before_end >= 0 and taken_reach[before_end] > start):
            continue
        names.append(Mention(name, start, end))
    return names


def _candidates(text: str, tokens: _Tokens) -> set[tuple[int, int]]:
    """Every span a cue marks in ``tokens``, before the known / taken / overlap checks."""
    spans: set[tuple[int, int]] = set()
    for i in tokens.cues():
        # A cue marks a name only next to a word that may be one (``may_be_name``: "in the city" is
        # passed over without making a token); a cue is a plain word, so its folded form is its lower.
        word = tokens.word(i).casefold()
        if word in WEAK_CUES:
            if tokens.may_be_name(i + 1) or tokens.may_be_name(i + 2):  # "in X", "in the X"
                run = _forward(text, tokens, _skip_the(tokens, i + 1), strong=False)
                spans.update(_span(run, tokens, weak=True))
        elif ((word in DIRECTIONS or word in AREA_NOUNS) and (tokens.may_be_name(i + 2) or tokens.may_be_name(i + 3))
              and tokens[i + 1].lower == "of"):
            spans.update(_forward_list(text, tokens, _skip_the(tokens, i + 2)))
        if (word in AREA_NOUNS or word in FEATURE_NOUNS) and tokens.may_be_name(i - 1) \
                and text[tokens[i - 1].end:tokens[i].start] in _SPACE:
            token = tokens[i]
            span = _span(_backward(text, tokens, i - 1), tokens, weak=False)
            # A capitalised feature noun is part of the name ("Tahrir Square"); "Baghdad market" is Baghdad.
            named = word in FEATURE_NOUNS and token.text[:1].isupper()
            spans.update((start, token.end if named else end) for start, end in span)
    return spans


#: " (" after a word, then the place it opens with: ACLED's "X (Y LGA, Z)", GTD's "X (Y)".
_AREA_PARENTHESIS = re.compile(r"(?<=\w) \(\s*")


def _before_areas(text: str, tokens: _Tokens, place_starts: set[int]) -> set[tuple[int, int]]:
    """The names right before a parenthesis that opens with a place found ("Zqtunga (Jere LGA,
    Borno)"): the text gives where they lie, as "in X" would say they are places."""
    spans: set[tuple[int, int]] = set()
    if not place_starts:
        return spans
    for match in _AREA_PARENTHESIS.finditer(text):
        if match.end() not in place_starts:
            continue
        i = bisect.bisect_right(tokens.starts(), match.start()) - 1
        if i >= 0 and tokens.may_be_name(i) and tokens[i].end == match.start():
            spans.update(_span(_backward(text, tokens, i), tokens, weak=True))
    return spans


def _bare(word: str) -> str:
    """The word without a possessive 's ("Kirkuk's" -> "Kirkuk")."""
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _skip_the(tokens: Sequence[_Token], i: int) -> int:
    return i + 1 if i < len(tokens) and tokens[i].text in ("the", "The") else i


def _capitalised(token: _Token) -> bool:
    if token.text[:1].isupper():
        return True
    head, _, rest = token.text.partition("-")
    return head.casefold() in PARTICLES and rest[:1].isupper()  # "al-Qaim", "el-Fasher"


def _name_word(token: _Token, strong: bool) -> bool:
    """A capitalised word that can be part of a place name (after a strong cue, or a weak one)."""
    word = token.lower
    if word in SOFT_TITLES and not strong:
        return False
    # The cheap tests first: most words after a cue are lower case ("in the", "in a").
    if (not _capitalised(token) or len(word) < 2 or word in CALENDAR or word in COMMON_WORDS or word in TITLES
            or word in AREA_NOUNS):
        return False
    first, *others = _bare(token.text).split("-")
    return (not (len(first) > 1 and first.isupper())  # acronyms: "ISIS", "UN-run"
            and all(part[:1].isupper() or part in PARTICLES for part in others)  # not "X-held", "X-led"
            and not any(c.isdigit() for c in token.text))


def _particle(tokens: Sequence[_Token], i: int) -> bool:
    """A lower-case particle between two name words ("Ras al Ain")."""
    return (tokens[i].text in PARTICLES and 0 < i < len(tokens) - 1
            and _capitalised(tokens[i - 1]) and _capitalised(tokens[i + 1]))


def _forward(text: str, tokens: Sequence[_Token], i: int, strong: bool) -> list[_Token]:
    """The name that starts at token ``i``: name words (and inner particles) joined by single spaces."""
    run: list[_Token] = []
    while i < len(tokens) and len(run) < MAX_NAME_WORDS:
        token = tokens[i]
        if run and text[run[-1].end:token.start] not in _SPACE:
            break
        if not (_name_word(token, strong) or (run and _particle(tokens, i))):
            break
        run.append(token)
        if token.possessive:
            break
        i += 1
    return run


def _forward_list(text: str, tokens: Sequence[_Token], i: int) -> list[tuple[int, int]]:
    """After a strong cue: "the villages of A, B and C" gives A, B and C."""
    spans: list[tuple[int, int]] = []
    while True:
        run = _forward(text, tokens, i, strong=True)
        spans.extend(_span(run, tokens, weak=False))
        if not run:
            return spans
        i = run[-1].index + 1
        if i >= len(tokens):
            return spans
        gap = text[run[-1].end:tokens[i].start]
        if tokens[i].text == "and" and gap in (" ", ", "):
            i += 1
        elif gap != ", ":
            return spans


def _backward(text: str, tokens: Sequence[_Token], i: int) -> list[_Token]:
    """The name that ends at token ``i`` (just before an area or feature noun)."""
    run: list[_Token] = []
    while i >= 0 and len(run) < MAX_NAME_WORDS:
        token = tokens[i]
        if run and (text[token.end:run[0].start] not in _SPACE or token.possessive):
            break  # "Kirkuk's Domiz district": the owner is another place
        if not (_name_word(token, strong=True) or (run and _particle(tokens, i))):
            break
        run.insert(0, token)
        i -= 1
    return run


def _span(run: list[_Token], tokens: Sequence[_Token], weak: bool) -> list[tuple[int, int]]:
    """The candidate's span ([] or one), unless it names a person, an organisation or nothing."""
    while run and run[-1].text in PARTICLES:
        run = run[:-1]
    while run and run[0].lower in ADJECTIVES:  # "Iraqi Kurdistan" -> "Kurdistan"
        run = run[1:]
    if not run or any(t.lower in ORGANISATION_WORDS or t.lower in ADJECTIVES for t in run):
        return []
    before = tokens[run[0].index - 1] if run[0].index > 0 else None
    if before is not None and before.lower in TITLES and _capitalised(before):
        return []  # "General Abdul Amir district": a person's name
    if weak and run[-1].possessive:
        return []  # "in Smith's speech": more often a person than a place
    return [(run[0].start, run[-1].end - (2 if run[-1].possessive else 0))]
