"""Numbers and toll phrases -> killed / injured / captured ranges, coded conservatively (ACLED-style).

In: one sentence (plain text). Out: :class:`Tolls` (three :class:`Range` values) from
:func:`parse_tolls`, or a :class:`TollReading` from :func:`read_tolls`, which also gives each figure
read (with its character span, so callers know which words name the victims) and the spans of
every number that was looked at and found not to be a toll.

How a figure becomes a toll (README section "tolls" has the full table):

* a figure is the object of a toll verb ("killing 10", "wounded at least 20") or the subject of a
  toll word after it ("40 people died", "14 dead", "seven others were captured");
* figures joined in one clause add up ("killed 13 women and two children"); "X and seven other
  fighters" counts X as one more; a subset ("including three children", "five of them") never adds;
* a figure for two kinds at once ("killed or captured", "casualties") goes into neither column;
* numbers that count something else (ages, distances, times, money, years, dates, unit numbers,
  "100 fighters" with no toll word) are never tolls.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from dashboard.preprocess.incidents import vocabulary as V
from dashboard.preprocess.incidents import victims as W


@dataclass(frozen=True, slots=True)
class Range:
    low: int | None = None  # None: no figure
    high: int | None = None  # None: no upper bound given


@dataclass(frozen=True, slots=True)
class Tolls:
    killed: Range = Range()
    injured: Range = Range()
    captured: Range = Range()

    def any(self) -> bool:
        """True when at least one kind has a figure (a lower or an upper bound)."""
        return any(r.low is not None or r.high is not None for r in (self.killed, self.injured, self.captured))


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure read as a toll: its kind, range, and the span of the words naming the victims."""

    kind: str  # vocabulary.KILLED | INJURED | CAPTURED
    low: int | None
    high: int | None
    start: int  # character offsets in the sentence: the number up to its toll word / noun phrase
    end: int


@dataclass(frozen=True, slots=True)
class TollReading:
    tolls: Tolls
    figures: tuple[Figure, ...]  # figures that made the tolls
    not_tolls: tuple[tuple[int, int], ...]  # spans of numbers read and rejected (combined, subset, units ...)


def parse_tolls(sentence: str) -> Tolls:
    """One sentence -> killed / injured / captured ranges (empty ranges when it states none)."""
    return read_tolls(sentence).tolls


# --- tokens -------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|[A-Za-z]+(?:['’\-][A-Za-z]+)*|[^\s\w]")
_DIGITS = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?$")
_COMPOUND = re.compile(r"(%s)-(%s)$" % ("|".join(V.TENS), "|".join(list(V.UNITS)[1:10])))


def _phrases(words: tuple[str, ...]) -> dict[tuple[str, ...], str]:
    return {tuple(w.split()): w for w in words}


_LOWER = _phrases(V.LOWER_BOUND)
_UPPER = _phrases(V.UPPER_BOUND)
_APPROX = _phrases(V.APPROXIMATE)
_VAGUE = {tuple(k.split()): v for k, v in V.VAGUE_AMOUNTS.items()}
_MAX_PHRASE = max(len(k) for k in (*_LOWER, *_UPPER, *_APPROX, *_VAGUE))
_RANGE_JOINS = frozenset({"-", "–", "to", "or"})
_CHAIN_JOINS = frozenset({"and", ",", "&"})
#: Every word that can make a toll: a sentence with none of them is not read further (speed).
TOLL_WORDS = frozenset(V.ACTIVE_TOLL_VERBS) | frozenset(V.PASSIVE_TOLL_WORDS) | V.COMBINED_TOLL_WORDS | {
    "toll", "death", "body"}
#: Words without one of which a sentence holds no toll: the toll words, and the verbs of an
#: attacker's own death ("blew himself up"), which are no toll words on their own.
_TOLL_CUES = TOLL_WORDS | V.SELF_KILL_VERBS
_LETTERS = re.compile(r"[a-z]+")
#: Words a number expression can start with (besides digits).
_NUMBER_STARTS = frozenset(V.UNITS) | frozenset(V.TENS) | {k[0] for k in _VAGUE} | {"a", "an"}


@dataclass(slots=True)
class _Number:
    first: int  # token index where the expression starts (qualifiers included)
    last: int  # token index after the expression
    low: int | None
    high: int | None
    vague: bool = False
    rejected: bool = False  # counts something else
    subset: bool = False
    plus_one: bool = False  # "X and seven other fighters": X is one more


class _Sentence:
    """A sentence's tokens, lower-cased words and offsets."""

    __slots__ = ("text", "words", "starts", "ends", "clause", "clause_ends")

    def __init__(self, text: str) -> None:
        self.text = text
        if "\u0130" in text or "\u212a" in text:  # the only letters whose lower case is longer or ASCII
            matches = list(_TOKEN.finditer(text))
            self.words = [m.group().lower().replace("’", "'") for m in matches]
        else:  # the same words, matched on the lower-cased text: no Python step per word
            matches = list(_TOKEN.finditer(text.lower().replace("’", "'")))
            self.words = list(map(re.Match.group, matches))
        self.starts = list(map(re.Match.start, matches))
        self.ends = list(map(re.Match.end, matches))
        # a clause break word opens the next clause: clause numbers are the running count of breaks
        self.clause = list(itertools.accumulate(map(V.CLAUSE_BREAKS.__contains__, self.words), initial=0))[1:]
        clause = self.clause[-1] if self.clause else 0
        # the token each clause ends before (clauses are numbered in order, one after another)
        self.clause_ends = [len(self.words)] * (clause + 1)
        for j in range(1, len(self.clause)):
            if self.clause[j] != self.clause[j - 1]:
                self.clause_ends[self.clause[j - 1]] = j

    def word(self, i: int) -> str:
        return self.words[i] if 0 <= i < len(self.words) else ""


# --- numbers ------------------------------------------------------------------------------------


def _word_number(s: _Sentence, i: int) -> tuple[int, int] | None:
    """Number words from token i ("twenty-five", "one hundred and fifty", "two dozen") -> (value, end)."""
    total = current = 0
    j, seen = i, False
    while j < len(s.words):
        w = s.words[j]
        compound = _COMPOUND.match(w)
        if w in V.UNITS:
            current += V.UNITS[w]
        elif w in V.TENS:
            current += V.TENS[w]
        elif compound:
            current += V.TENS[compound.group(1)] + V.UNITS[compound.group(2)]
        elif w in V.SCALES and seen:
            if w == "hundred":
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * V.SCALES[w]
                current = 0
        elif w == "dozen" and seen:
            current *= 12
        elif w == "and" and seen and s.word(j - 1) in V.SCALES and (s.word(j + 1) in V.UNITS or s.word(j + 1) in V.TENS
                                                                   or _COMPOUND.match(s.word(j + 1))):
            pass
        else:
            break
        seen = True
        j += 1
    return (total + current, j) if seen else None


def _match_phrase(s: _Sentence, end: int, table: dict[tuple[str, ...], object]) -> int | None:
    """Start index of the longest phrase from ``table`` ending just before token ``end``."""
    for size in range(_MAX_PHRASE, 0, -1):
        if end - size >= 0 and tuple(s.words[end - size:end]) in table:
            return end - size
    return None


def _bare_number(s: _Sentence, i: int) -> _Number | None:
    w = s.words[i]
    if _DIGITS.match(w):
        value = float(w.replace(",", ""))
        j = i + 1
        if s.word(j) in ("million", "thousand", "hundred"):
            value *= V.SCALES[s.word(j)]
            j += 1
        return _Number(i, j, int(value), int(value))
    for size in range(_MAX_PHRASE, 0, -1):
        key = tuple(s.words[i:i + size])
        if len(key) == size and key in _VAGUE:
            return _Number(i, i + size, _VAGUE[key], None, vague=True)
    if w in ("a", "an") and s.word(i + 1) in ("dozen", "hundred", "thousand", "million"):
        value = 12 if s.word(i + 1) == "dozen" else V.SCALES[s.word(i + 1)]
        return _Number(i, i + 2, value, value)
    if w in ("a", "an") and s.word(i - 1) not in ("such", "what", "quite"):
        for j in range(i + 1, min(i + 5, len(s.words))):
            if s.words[j] in V.PERSON_NOUNS:
                return _Number(i, i + 1, 1, 1)
            if not (s.words[j].isalnum() or s.words[j] == "-" or "-" in s.words[j]) or s.words[j] in V.PHRASE_STOPS:
                break
        return None
    parsed = _word_number(s, i)
    if parsed is None or s.word(i - 1) == "no" and w == "one":
        return None
    value, j = parsed
    return _Number(i, j, value, value)


def _is_label(s: _Sentence, n: _Number, raw: str) -> bool:
    """True when the number is an age, year, time, distance, amount, date or a unit's number."""
    after = n.last
    if after < len(s.words) and s.words[after] in ("-", "–") and after + 1 < len(s.words):
        after += 1
    nxt = s.word(after)
    if nxt in V.NON_TOLL_AFTER or nxt.split("-")[0] in V.NON_TOLL_AFTER or nxt in V.MONTHS:
        return True
    if n.last < len(s.words) and s.starts[n.last] == s.ends[n.last - 1] and s.words[n.last].isalpha():
        return True  # glued letters: "9th", "10pm", "5km"
    if nxt == ":" and _DIGITS.match(s.word(after + 1)) or nxt in ("a", "p") and s.word(after + 1) == "." \
            and s.word(after + 2) == "m":
        return True  # a time: "10:30", "9 a.m."
    before = s.word(n.first - 1)
    if before in V.NON_TOLL_BEFORE or before in V.MONTHS:
        return True
    if re.fullmatch(r"1[89]\d\d|20\d\d", raw) and nxt not in V.PEOPLE_NOUNS:
        return True
    return nxt in V.NON_PERSON_NOUNS or s.word(after + 1) in V.NON_PERSON_NOUNS and nxt not in V.PEOPLE_NOUNS


def _numbers(s: _Sentence) -> list[_Number]:
    out: list[_Number] = []
    i = 0
    while i < len(s.words):
        w = s.words[i]
        n = _bare_number(s, i) if w[0].isdigit() or w in _NUMBER_STARTS or "-" in w and _COMPOUND.match(w) else None
        if n is None:
            i += 1
            continue
        raw = s.words[i]
        # a range: "13-19", "13 to 19", "13 or 14", "between 13 and 19"
        join = s.word(n.last)
        between = s.word(n.first - 1) == "between"
        if (join in _RANGE_JOINS or between and join == "and") and not n.vague and n.last + 1 < len(s.words):
            second = _bare_number(s, n.last + 1)
            if second is not None and not second.vague and s.words[n.last + 1] not in ("a", "an"):
                n = _Number(n.first - between, second.last, min(n.low or 0, second.low or 0),
                            max(n.high or 0, second.high or 0))
        n.rejected = _is_label(s, n, raw)
        if not n.vague:
            qualifier = None
            for table, kind in ((_LOWER, "low"), (_UPPER, "high"), (_APPROX, "same")):
                start = _match_phrase(s, n.first, table)
                if start is not None:
                    qualifier = (start, kind)
                    break
            if qualifier is not None:
                n.first = qualifier[0]
                if qualifier[1] == "low":
                    n.high = None
                elif qualifier[1] == "high":
                    n.low = None
        out.append(n)
        i = n.last
    return out


# --- toll words ---------------------------------------------------------------------------------

_ACTIVE, _PASSIVE, _COMBINED, _TOLL = "active", "passive", "combined", "toll"


def _period_toll(s: _Sentence, i: int) -> bool:
    """The toll word ``i`` counts over a period: "the January toll", "the monthly death toll",
    "this year's toll", "the toll so far this year"."""
    before = [s.word(k) for k in range(max(0, i - 3), i) if s.word(k) not in ("death", "overall", "the")]
    if before and before[-1] in V.PERIOD_WORDS:
        return True
    return any(tuple(s.word(i + 1 + k) for k in range(len(phrase))) == phrase for phrase in V.PERIOD_AFTER_TOLL)


def _toll_words(s: _Sentence) -> dict[int, tuple[str, str]]:
    """Token index -> (role, kind) for every toll word; adjacent words of two kinds become combined."""
    found: dict[int, tuple[str, str]] = {}
    for i, w in enumerate(s.words):
        if w in V.COMBINED_TOLL_WORDS:
            found[i] = (_COMBINED, "")
        elif w == "toll":
            if _period_toll(s, i):
                continue  # "as the January toll tops 800": a count over a period, not this incident's
            found[i] = (_COMBINED, "") if s.word(i - 1) in ("casualty", "injury") else (_TOLL, V.KILLED)
        elif w == "taken" and s.word(i + 1) not in V.TAKEN_AS:
            continue
        elif w == "death" and s.word(i - 1) == "to":  # "stoned to death a thief", "burned two men to death"
            found[i] = (_ACTIVE if W.item_at(s, i + 1, len(s.words), set(), {}) else _PASSIVE, V.KILLED)
        elif w == "death" and s.word(i + 1) == "of":  # "the death of a child"
            found[i] = (_ACTIVE, V.KILLED)
        elif W.body_found(s, i):  # "the body of a policeman was found"
            found[i] = (_PASSIVE, V.KILLED)
        elif w in V.SELF_KILL_VERBS:
            if s.word(i + 1) in V.REFLEXIVES and not _attacker_counted(s):  # "the bomber blew himself up"
                found[i] = (_PASSIVE, V.KILLED)
        elif w in V.ACTIVE_TOLL_VERBS and W.past_crime(s, i):  # "suspected of killing", "who had killed"
            continue
        elif w in V.PASSIVE_TOLL_WORDS or w in V.ACTIVE_TOLL_VERBS:
            kind = V.PASSIVE_TOLL_WORDS.get(w) or V.ACTIVE_TOLL_VERBS[w]
            role = _ACTIVE if w in V.ACTIVE_TOLL_VERBS else _PASSIVE
            if w == "dead" and s.word(i - 1) in V.KILLED_BY:  # "shot dead two guards"
                role = _ACTIVE
            found[i] = (role, kind)
    for i in sorted(found):
        j = i + 2
        if s.word(i + 1) in ("or", "and", "/") and j in found and found[j][1] and found[i][1] \
                and found[j][1] != found[i][1] and not _captives_killed(s, i, found[i][1], found[j][1]):
            found[i] = found[j] = (_COMBINED, "")
    return found


def _attacker_counted(s: _Sentence) -> bool:
    """True when the sentence counts the attackers' deaths otherwise ("in addition to the bomber, four
    people were killed", "killing himself and 11 others"): its self-kill verb ("... blew himself up")
    is the same death."""
    return any((W.phrase_before(s, k, W.BESIDES) is not None and W.is_attacker(s, k, k + 3))
               or (w in V.REFLEXIVES and s.words[k - 1] in V.ACTIVE_TOLL_VERBS) for k, w in enumerate(s.words) if k)


def _captives_killed(s: _Sentence, i: int, first: str, second: str) -> bool:
    """"abducted and killed" (token ``i`` and the one two after it): the same people taken, then killed
    (each toll counts them), unlike "killed and injured" or "killed or abducted", which share them out."""
    return first == V.CAPTURED and second == V.KILLED and s.word(i + 1) == "and"


def _hedged(s: _Sentence, first: int, last: int) -> bool:
    """A modal verb between the figure and its toll word, or just before them ("could have killed 10")."""
    return any(w in V.TOLL_HEDGES for w in s.words[max(0, first - 3):last])


def _object_follows(s: _Sentence, i: int, numbers_at: dict[int, _Number]) -> bool:
    """True when toll verb i has a figure as its object ("killed 10"): it is then not a passive word."""
    if W.item_at(s, i + 1, len(s.words), set(), {}) is not None:
        return True  # "three gunmen shot dead a councillor": the figure is the attackers'
    j = i + 1
    while j < len(s.words) and j - i <= 4:
        if j in numbers_at:
            return True
        if s.words[j] not in V.ACTIVE_GLUE and s.words[j] not in ("'", '"', "at", "least", "more", "than", "up",
                                                                   "to", "as", "many", "over"):
            return False
        j += 1
    return False


# Kept for the sentences of the article being read: the build's explanations read each row's
# evidence sentence again right after the incidents stage read it (the reading is frozen, so
# sharing it is safe). The build empties it between articles (``read_tolls.cache_clear()``), so
# that no figure is ever carried from one article to another. It holds every sentence of a section
# of the longest texts (:mod:`~dashboard.preprocess.sections`: a million characters, some 12,000
# sentences), whose explanations would otherwise read them all again.
@functools.lru_cache(maxsize=16_384)
def read_tolls(sentence: str) -> TollReading:
    """One sentence -> tolls, the figures that made them and the numbers rejected as tolls."""
    if _TOLL_CUES.isdisjoint(_LETTERS.findall(sentence.lower())):
        return TollReading(Tolls(), (), ())
    s = _Sentence(sentence)
    numbers = _numbers(s)
    words = _toll_words(s)
    if not numbers and not words:
        return TollReading(Tolls(), (), ())
    _mark_subsets(s, numbers, words)
    attached, rejected = _link_figures(s, numbers, words)
    attached += _named_victims(s, words, attached, numbers)
    kept = []
    cues = W.total_cues(s) if attached else []
    for entry in attached:
        n, word, end = entry
        if W.related_total(s, min(n.first, word), max(end, word + 1), _clause_end(s, n.first), cues) \
                or W.unconfirmed_claim(s, min(n.first, word)):
            rejected.append(n)  # "across all five attacks": a total of related events, not this one's toll
        else:
            kept.append(entry)
    return _total(s, kept, words, rejected)


def claim_doubted(sentence: str, following: str) -> bool:
    """True when ``sentence`` gives a party's claim ("government sources claimed that 270 fighters
    were killed") that the ``following`` sentence says was not confirmed ("These fatalities could
    not be corroborated"): coders code no toll, as for a claim doubted in its own sentence."""
    if W.CLAIM_WORDS.isdisjoint(_LETTERS.findall(sentence.lower())):
        return False
    after = _LETTERS.findall(following.lower())
    return any(word == "not" and not W.UNCONFIRMED.isdisjoint(after[k + 1:k + 4]) for k, word in enumerate(after))


_Link = tuple[_Number, int, int]  # a figure, its toll word, the end token of the victims' phrase


def _link_figures(s: _Sentence, numbers: list[_Number], words: dict[int, tuple[str, str]]
                  ) -> tuple[list[_Link], list[_Number]]:
    """Each figure -> its toll word (after it: passive; before it: active), or rejected."""
    numbers_at = {n.first: n for n in numbers}
    starts_at = {k: n for n in numbers for k in range(n.first, n.last)}
    attached: list[_Link] = []
    rejected: list[_Number] = []
    last_active: tuple[int, int] | None = None  # (toll word, end token of the previous object)
    for n in numbers:
        if n.rejected or n.subset:
            rejected.append(n)
            continue
        link = _besides_link(s, n, words) or _passive_link(s, n, words, starts_at, numbers_at) \
            or _active_link(s, n, words, last_active) or _elided_link(s, n, attached)
        if link is None:
            rejected.append(n)
            last_active = None
            continue
        word, end = link
        if words[word][0] == _COMBINED or _hedged(s, min(word, n.first), max(word, n.last)):
            rejected.append(n)
            continue
        attached.append((n, word, end))
        if word > n.last:  # a number inside the victims' phrase counts nothing ("eight members of one family")
            for k in range(n.last + 1, word):
                if k in numbers_at and s.word(k - 1) not in _CHAIN_JOINS:
                    numbers_at[k].subset = True
        if words[word][0] in (_ACTIVE, _TOLL) and word < n.first:
            last_active = (word, end)
        # "a commander and five others": one more; not after a toll word ("13 people, including
        # civilians, were killed and 20 others were wounded": others than the dead, 20)
        if s.word(n.first - 1) == "and" and s.word(n.last) in ("other", "others") and n.first - 2 not in words \
                and not any(a[0].last >= n.first - 7 and a[0] is not n for a in attached):
            n.plus_one = True
    return attached, rejected


def _besides_link(s: _Sentence, n: _Number, words: dict[int, tuple[str, str]]) -> tuple[int, int] | None:
    """A figure counted on top of another: "in addition to eight assailants, four soldiers were killed"
    (the toll word after it), "two died, as well as two assailants" (the toll word before it)."""
    if W.phrase_before(s, n.first, W.BESIDES) is not None:
        later = [k for k in words if k > n.last and words[k][0] != _COMBINED and s.clause[k] == s.clause[n.first]]
        if later:
            return min(later), _phrase_end(s, n.last, words)
    at = n.first - 1 if s.word(n.first - 1) == "," else n.first
    if W.phrase_before(s, at, W.ALONG_WITH) is not None or W.phrase_before(s, n.first, W.ALONG_WITH) is not None:
        earlier = [k for k in words if k < n.first and words[k][0] != _COMBINED and s.clause[k] == s.clause[n.first]]
        if earlier:
            return max(earlier), _phrase_end(s, n.last, words)
    return None


def _elided_link(s: _Sentence, n: _Number, attached: list[_Link]) -> tuple[int, int] | None:
    """A figure whose toll word is left out, at another place: "10 were killed in A and 3 in B"."""
    if not attached or s.word(n.first - 1) not in ("and", ",") or s.word(n.last) not in ("in", "at", "near"):
        return None
    previous, word, _ = attached[-1]
    if not previous.last <= word < n.first or s.clause[word] != s.clause[n.first]:
        return None
    return word, n.last


def _clause_end(s: _Sentence, i: int) -> int:
    """The token the clause of token ``i`` ends before (looked up, not walked to)."""
    return s.clause_ends[s.clause[i]] if i < len(s.words) else i


_AUXILIARIES = V._set("tolls", "auxiliaries")


def _active_form(s: _Sentence, i: int, role: str) -> bool:
    """True when toll word ``i`` is a verb with its victims after it ("killed the driver"), not a
    passive ("the driver was killed") or a noun ("deaths")."""
    if role != _ACTIVE:
        return False
    j = i - 1
    while j >= 0:
        if s.words[j] == "and" and (participle := W.participle_before_and(s, j)) is not None:
            j = participle - 1  # "was shot and killed", "was dragged from his car and beaten": passive
        elif s.words[j] in ("also", "reportedly", "allegedly", "later", "then", "fatally", "and"):
            j -= 1
        else:
            break
    return s.word(j) not in _AUXILIARIES


def _named_victims(s: _Sentence, words: dict[int, tuple[str, str]], attached: list[_Link],
                   numbers: list[_Number]) -> list[_Link]:
    """Victims named without a figure ("killed the driver", "the bomber and the driver both died",
    "in addition to the bomber, ..."): one link per person, ``victims`` reads who they are; a
    plural pronoun counts the people it stands for ("seized three men and killed them": 3)."""
    tolls = set(words)
    figures = {n.first: n.last for n, _, _ in attached}
    taken = {k for n, _, _ in attached for k in range(n.first, n.last)}
    linked: dict[int, list[_Number]] = {}
    for n, word, _ in attached:
        linked.setdefault(word, []).append(n)
    found: list[_Link] = []
    for i, (role, kind) in words.items():
        if role in (_COMBINED, _TOLL) or not kind or any(n.plus_one for n in linked.get(i, [])) \
                or _hedged(s, i, i + 1):
            continue
        if _active_form(s, i, role):
            items = W.objects_after(s, i, _clause_end(s, i), tolls, figures)
        else:
            items = W.subject_before(s, i, tolls, figures)
        if s.words[i] == "body":
            continue  # counted below, when no other figure gives the dead
        for item in items:
            if taken.intersection(range(item.first, item.last)):
                continue
            if item.count is not None:
                found.append((_Number(item.first, item.last, item.count, item.count), i, item.last))
            elif item.head in W.ANTECEDENT_PRONOUNS:  # "killed them", "shot them dead"
                earlier = _antecedent(s, item.first, kind, numbers, attached, words)
                if earlier is not None:
                    found.append((_Number(item.first, item.last, earlier.low, earlier.high), i, item.last))
    found += _besides_victims(s, words, tolls, figures, taken)
    killed = [k for _, k, _ in attached + found if words[k][1] == V.KILLED]
    bodies = [i for i in words if s.words[i] == "body"]
    if bodies and not killed:  # "the body of a policeman was found"; "... killed, and his body was found" is one
        found.append((_Number(bodies[0] - 1, bodies[0] + 1, 1, 1), bodies[0], bodies[0] + 1))
    return found


def _antecedent(s: _Sentence, at: int, kind: str, numbers: list[_Number], attached: list[_Link],
                words: dict[int, tuple[str, str]]) -> _Number | None:
    """The figure a plural pronoun at ``at`` stands for: the last figure before it in the sentence
    that counts people ("abducted 10 villagers and killed them", "a mob set two kidnappers ablaze
    and killed them"), unless it is the attackers as the subject ("two gunmen entered and killed
    them") or already counts this kind ("killed 5 soldiers and beheaded them")."""
    kinds = {id(n): words[word][1] for n, word, _ in attached}
    before = [n for n in numbers if n.last <= at]
    if not before:
        return None
    n = before[-1]
    if n.rejected or n.subset or n.low is None or kinds.get(id(n)) == kind:
        return None
    opens_clause = n.first == 0 or s.words[n.first - 1] in V.CLAUSE_OPENERS or s.clause[n.first - 1] != s.clause[n.first]
    if opens_clause and W.is_attacker(s, n.first, _phrase_end(s, n.last, words)):
        return None
    return n


def _besides_victims(s: _Sentence, words: dict[int, tuple[str, str]], tolls: set[int], figures: dict[int, int],
                     taken: set[int]) -> list[_Link]:
    """People named after "in addition to" / "besides" (no figure), counted with the next toll word."""
    found: list[_Link] = []
    for k in range(len(s.words)):
        if W.phrase_before(s, k, W.BESIDES) is None:
            continue
        later = [j for j in words if j > k and words[j][0] != _COMBINED and s.clause[j] == s.clause[k]]
        if not later:
            continue
        for item in W.read_list(s, k, min(later), tolls, figures):
            if item.count is not None and not taken.intersection(range(item.first, item.last)):
                found.append((_Number(item.first, item.last, item.count, item.count), min(later), item.last))
    return found


def _mark_subsets(s: _Sentence, numbers: list[_Number], words: dict[int, tuple[str, str]]) -> None:
    """A figure after "including"/"among" (up to the next comma or toll word), or before "of them", is a subset."""
    inside = False
    by_first = {n.first: n for n in numbers}
    for i, w in enumerate(s.words):
        if w in V.SUBSET_WORDS:
            inside = True
        elif w in (",", ";") or i in words or w in V.CLAUSE_BREAKS:
            inside = False
        elif inside and i in by_first:
            by_first[i].subset = True
    for n in numbers:
        if s.word(n.last) == "of" and s.word(n.last + 1) in ("them", "whom", "those", "these") \
                and not _own_toll_of_a_group(s, n, words):
            n.subset = True


def _own_toll_of_a_group(s: _Sentence, n: _Number, words: dict[int, tuple[str, str]]) -> bool:
    """True when "N of them" is the figure of its own toll word, one of a kind no other toll word of
    the sentence has ("kidnapped 10 farmers and killed two of them", "... two of them were later
    killed"): a second act on part of the group, not a part of the group's own toll ("12 people were
    killed, five of them children"; "20 were wounded, three of them seriously injured")."""
    before = n.first - 1
    own = before if before in words and _active_form(s, before, words[before][0]) else None
    if own is None:
        j = n.last + 2
        while s.word(j) in V.PASSIVE_GLUE and j not in words:
            j += 1
        own = j if j in words and words[j][0] != _COMBINED and not _active_form(s, j, words[j][0]) else None
    if own is None:
        return False
    kind = words[own][1]
    return all(other[1] != kind for k, other in words.items() if k != own)


def _passive_link(s: _Sentence, n: _Number, words: dict[int, tuple[str, str]], starts_at: dict[int, _Number],
                  numbers_at: dict[int, _Number]) -> tuple[int, int] | None:
    """The toll word after a figure ("40 people died", "13 women and two children were killed")."""
    j, content = n.last, 0
    while j < len(s.words) and content <= 6:
        w = s.words[j]
        if j in words:
            role = words[j][0]
            if role == _COMBINED or role == _PASSIVE or (w in V.PASSIVE_TOLL_WORDS
                                                         and not _object_follows(s, j, numbers_at)):
                return j, _phrase_end(s, j + 1, words)  # "ten dead fighters": the victims go on after it
            return None
        if w == "to" and s.word(j + 1) == "death" and j + 1 in words:
            j += 1
            continue
        if w in V.SUBSET_WORDS and s.word(j - 1) != ",":  # "nine people including two policemen were killed"
            k = j + 1
            while k < len(s.words) and k - j <= 6 and k not in words and s.words[k] not in (",", ";"):
                k += 1
            if k in words:
                j = k
                continue
            return None
        if w == "," and s.word(j + 1) in V.SUBSET_WORDS:
            while j + 1 < len(s.words) and s.words[j + 1] != ",":  # skip "..., including three children,"
                j += 1
            j += 2
            continue
        if j in starts_at:
            j = starts_at[j].last
            continue
        if w == "(":  # an aside: "9 people (believed to be soldiers) were killed", "7 men of the unit (UIR)"
            close = next((k for k in range(j + 1, min(j + 14, len(s.words))) if s.words[k] in (")", "(")), None)
            if close is not None and s.words[close] == ")" and not any(k in words for k in range(j, close)):
                j = close + 1
                continue
        if w in W.PARTICIPLE_PHRASE_STARTS and (joined := W.and_after_participle(s, j - 1)) is not None:
            j = joined + 1  # "two herders were taken to the forest and killed"
            continue
        if w in W.SUBJECT_PHRASE_STARTS and not any(s.words[k].endswith(("ed", "ing")) for k in range(n.last, j)) \
                and (verb := W.subject_phrase_end(s, j, words.keys(), starts_at.keys())) is not None:
            j = verb  # "7 men from the unit (UIR) were killed"; not "five events based on corpses found"
            continue
        if w in V.PHRASE_STOPS or w in V.CLAUSE_BREAKS or w in V.SUBSET_WORDS or w in V.NON_PERSON_NOUNS \
                or not (w.isalpha() or "-" in w or "'" in w or w in (",", "&")):
            return None
        if w == "," and s.word(j + 1) not in ("and",) and s.word(j + 1) not in V.PASSIVE_TOLL_WORDS:
            return None
        if w not in V.PASSIVE_GLUE:
            content += 1
        j += 1
    return None


def _active_link(s: _Sentence, n: _Number, words: dict[int, tuple[str, str]],
                 last_active: tuple[int, int] | None) -> tuple[int, int] | None:
    """The toll verb before a figure ("killing 10", "the toll rose to 40"), or that of the figure it is listed with."""
    for glue, roles, reach in ((V.ACTIVE_GLUE, (_ACTIVE, _COMBINED), 3), (V.TOLL_GLUE | V.ACTIVE_GLUE, (_TOLL,), 5)):
        j = n.first - 1
        while j >= 0 and n.first - j <= reach + 1:
            w = s.words[j]
            if j in words:
                role = words[j][0]
                if role in roles and (w != "lives" or s.word(j + 1) == "of"):
                    return j, _phrase_end(s, n.last, words)
                break
            if w not in glue and w not in ("'", '"'):
                break
            j -= 1
    j = n.first - 1
    while j >= 0 and s.words[j] in ("to", "at", "of"):
        j -= 1
    if j >= 0 and s.words[j] in V.TOLL_GLUE:  # "the toll from Monday's attacks reached 30"
        for k in range(j - 1, max(-1, j - 8), -1):
            if k in words and words[k][0] == _TOLL and s.clause[k] == s.clause[n.first]:
                return k, _phrase_end(s, n.last, words)
    j = n.first - 1
    while j >= 0 and s.words[j] in ("a", "an", "the", "another"):
        j -= 1
    if s.word(j) == "and" and s.word(j - 1) in ("himself", "herself", "themselves") and j - 2 in words \
            and words[j - 2][0] == _ACTIVE:  # "killing himself and 11 others" (12 with "and N others")
        return j - 2, _phrase_end(s, n.last, words)
    single = n.low == 1 and s.words[n.first] in ("a", "an")  # "..., a reporter said" is no victim
    if last_active is not None and j >= 0 and s.words[j] in (("and", "&") if single else _CHAIN_JOINS):
        verb, previous_end = last_active
        if previous_end <= j and s.clause[verb] == s.clause[n.first] and not any(
                k in words for k in range(previous_end, j)):
            return verb, _phrase_end(s, n.last, words)
    return None


def _phrase_end(s: _Sentence, j: int, words: dict[int, tuple[str, str]]) -> int:
    """End of the victims' noun phrase after an object figure ("13 Turkmen women" -> after "women")."""
    limit = min(len(s.words), j + 5)
    while j < limit and s.words[j].isalpha() and s.words[j] not in V.PHRASE_STOPS and j not in words \
            and s.words[j] not in _CHAIN_JOINS and s.words[j] not in V.SUBSET_WORDS:
        j += 1
    return j


def _total(s: _Sentence, attached: list[tuple[_Number, int, int]], words: dict[int, tuple[str, str]],
           rejected: list[_Number]) -> TollReading:
    """Figures of one kind in one clause add up; across clauses (or a running "toll") the largest stands."""
    groups: dict[tuple[str, int, bool, bool], list[_Number]] = {}
    figures = []
    for n, word, end in attached:
        role, kind = words[word]
        additive = W.is_attacker(s, n.first, end) or "also" in s.words[min(n.first, word):max(end, word + 1)] \
            or W.phrase_before(s, n.first, W.BESIDES) is not None
        groups.setdefault((kind, s.clause[n.first], role == _TOLL, additive), []).append(n)
        start_tok, end_tok = min(n.first, word), max(end, word + 1)
        extra = 1 if n.plus_one else 0
        figures.append(Figure(kind, None if n.low is None else n.low + extra,
                              None if n.high is None else n.high + extra,
                              s.starts[start_tok], s.ends[end_tok - 1]))
    best: dict[str, Range] = {}
    added: dict[str, list[_Number]] = {}
    for (kind, _, _, additive), members in groups.items():
        if additive:  # attackers' deaths, "also", "in addition to": on top of the others
            added.setdefault(kind, []).extend(members)
            continue
        total = _sum(members)
        current = best.get(kind)
        if current is None or _size(total) > _size(current):
            best[kind] = total
    for kind, members in added.items():
        best[kind] = _plus(best.get(kind), _sum(members))
    taken_then_killed = any(kind == V.CAPTURED and (k := _joined_toll(s, i, words)) is not None
                            and words[k][1] == V.KILLED for i, (_, kind) in words.items())
    if V.KILLED not in best and V.CAPTURED in best and (_bodies_of_captives(s) or taken_then_killed):
        best[V.KILLED] = best[V.CAPTURED]
    if V.CAPTURED not in best and V.KILLED in best and taken_then_killed:
        best[V.CAPTURED] = best[V.KILLED]  # "abducted and killed two soldiers": taken, then killed
    spans = tuple((s.starts[n.first], s.ends[n.last - 1]) for n in rejected)
    return TollReading(Tolls(best.get(V.KILLED, Range()), best.get(V.INJURED, Range()), best.get(V.CAPTURED, Range())),
                       tuple(figures), spans)


def _plus(first: Range | None, second: Range) -> Range:
    if first is None:
        return second
    low = None if first.low is None and second.low is None else (first.low or 0) + (second.low or 0)
    high = None if first.high is None or second.high is None else first.high + second.high
    return Range(low, high)


def _joined_toll(s: _Sentence, i: int, words: dict[int, tuple[str, str]]) -> int | None:
    """The toll word that "and" joins to toll word ``i`` as a second act on the same people
    ("abducted and killed", "kidnapped near the border and later killed"), or None."""
    joined = i + 1 if s.word(i + 1) == "and" else W.and_after_participle(s, i)
    if joined is None:
        return None
    k = joined + 1
    while s.word(k) in V.THEN_WORDS:
        k += 1
    return k if k in words else None


def _bodies_of_captives(s: _Sentence) -> bool:
    """"abducted 10 officers; their bodies were found": the captives were killed."""
    return any(w == "bodies" and s.word(i - 1) in ("their", "the") for i, w in enumerate(s.words))


def _sum(members: list[_Number]) -> Range:
    lows = [n.low + n.plus_one if n.low is not None else None for n in members]
    highs = [n.high + n.plus_one if n.high is not None else None for n in members]
    low = sum(v for v in lows if v is not None) if any(v is not None for v in lows) else None
    high = sum(highs) if all(v is not None for v in highs) else None  # type: ignore[arg-type]
    return Range(low, high)


def _size(r: Range) -> int:
    return r.low if r.low is not None else (r.high if r.high is not None else -1)
