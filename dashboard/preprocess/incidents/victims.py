"""Who did what to whom in a clause: victims named without a number, and who counts as an attacker.

In: a sentence's tokens (``casualties``), the index of a toll word and the figures already read.
Out: :class:`Item` values, one per noun phrase of a list of victims ("the governor, his bodyguard
and two passers-by": three items, the last a figure ``casualties`` reads), with the count each
adds: one for a singular noun after a determiner ("the driver", "a party coordinator", "his
wife"), a pronoun ("killing her") or a name ("Tizon was killed"); two for "both gunmen"; none
(unknown) for a plural without a number ("killing villagers").

* :func:`objects_after` reads the victims after an active toll verb ("killed a police commander,
  his wife and a companion"); :func:`subject_before` the victims before a passive one ("the bomber
  and the driver both died"). A comma-joined phrase counts only in a list closed by "and"
  ("A, B and C"); otherwise it restates the one before ("killed Jo Bloggs, a teacher": one).
* :func:`is_attacker` tells a perpetrator's noun ("gunmen", "the assailant"): their deaths are added
  to the victims', as coders count them, and they are never the victims of their own verb
  ("three gunmen shot dead a councillor" is one killed).

The words are data: ``data/words/victims.toml``.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from dashboard import wordlists
from dashboard.preprocess.incidents import vocabulary as V


def _set(name: str) -> frozenset[str]:
    return frozenset(wordlists.words("victims", name))


ONE_DETERMINERS = _set("one_determiners")
BOTH = _set("both")
ONE_PRONOUNS = _set("one_pronouns")
UNKNOWN_PRONOUNS = _set("unknown_pronouns")
ANTECEDENT_PRONOUNS = _set("antecedent_pronouns")
PHRASE_ENDS = _set("phrase_ends")
CLAUSE_STARTS = _set("clause_starts")
BETWEEN = _set("between_subject_and_toll")
PARTICIPLE_PHRASE_STARTS = _set("participle_phrase_starts")
PASSIVE_AUXILIARIES = _set("passive_auxiliaries")
SUBJECT_PHRASE_STARTS = _set("subject_phrase_starts")
#: Words a phrase of place or origin may hold between the victims and their verb (asides excepted).
SUBJECT_PHRASE_WORDS = 12
#: Words a phrase after a participle may hold before "and" ("from his car" is three).
PARTICIPLE_PHRASE_WORDS = 5
ATTACKERS = _set("attackers")


class Phrases:
    """Phrases of a few words, filed by their last word: whether one ends just before a token is
    then one look-up for most tokens (:func:`phrase_before`)."""

    __slots__ = ("by_last",)

    def __init__(self, phrases: Iterable[str]) -> None:
        self.by_last: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            words = tuple(phrase.split())
            self.by_last.setdefault(words[-1], []).append(words)


BESIDES = Phrases(wordlists.words("victims", "besides"))
ALONG_WITH = Phrases(wordlists.words("victims", "along_with"))
PAST_CRIME = _set("past_crime")
PROTEST_WORDS = _set("protest_words")
BODY_FOUND = _set("body_found")
RELATED_EVENTS = _set("related_events")
CLAIM_WORDS = _set("claim_words")
UNCONFIRMED = _set("unconfirmed")
_NAME_LINKS = _set("name_links")
_NOT_NAMES = frozenset(V.MONTHS) | frozenset(V.WEEKDAYS) | _set("not_names")
_MAX_WORDS = 6  # words of one noun phrase after its determiner


class Tokens(Protocol):
    """What a sentence's tokens give (``casualties._Sentence``)."""

    text: str
    words: list[str]
    starts: list[int]

    def word(self, i: int) -> str: ...


@dataclass(frozen=True, slots=True)
class Item:
    """One noun phrase of a list of victims: tokens [first, last), its count and head noun."""

    first: int
    last: int
    count: int | None  # None: a figure (read by casualties) or a number the text does not give
    head: str
    numeric: bool = False


def _capitalised(s: Tokens, i: int) -> bool:
    return i < len(s.words) and s.text[s.starts[i]].isupper() and s.words[i][0].isalpha()


def _wordlike(word: str) -> bool:
    return word.replace("-", "").replace("'", "").isalpha()


def _plural(head: str) -> bool:
    return head in V.PEOPLE_NOUNS or head == "police" or (
        head.endswith("s") and not head.endswith(("ss", "'s")) and head not in V.PERSON_NOUNS) or (
        head.endswith("men") and head not in V.PERSON_NOUNS)  # "militiamen", "gunmen", "women"


def item_at(s: Tokens, j: int, limit: int, tolls: set[int], figures: dict[int, int]) -> Item | None:
    """The noun phrase naming people that starts at token ``j`` (``figures``: first -> last token of
    each figure read as a toll), or None when none starts there."""
    if j >= limit:
        return None
    w = s.words[j]
    if w in ONE_PRONOUNS and not (w == "her" and j + 1 < limit and _wordlike(s.words[j + 1])
                                  and s.words[j + 1] not in PHRASE_ENDS and j + 1 not in tolls):
        return Item(j, j + 1, 1, w)
    if w in UNKNOWN_PRONOUNS:
        return Item(j, j + 1, None, w)
    if j in figures:
        start, numeric, det = figures[j], True, ""
    elif w in ONE_DETERMINERS or w in BOTH or (w.endswith("'s") and len(w) > 2):
        start, numeric, det = j + 1, False, w
    elif _capitalised(s, j) and w not in _NOT_NAMES:
        return _named(s, j, limit, tolls)
    else:
        return None
    k, head = start, ""
    while k < limit and k - start < _MAX_WORDS and _wordlike(s.words[k]) and s.words[k] not in PHRASE_ENDS \
            and s.words[k] != "of" and k not in tolls:
        head, k = s.words[k], k + 1
    k = _of_phrase(s, k, limit, tolls, figures)
    if numeric:
        return Item(j, max(k, figures[j]), None, head, numeric=True)
    if not head and det == "another":
        return Item(j, k, 1, det)  # "one was killed and another injured"
    if not head or head in V.NON_PERSON_NOUNS or head in V.NON_TOLL_AFTER or head in RELATED_EVENTS:
        return None
    if det in BOTH:
        return Item(j, k, 2 if _plural(head) else None, head)
    return Item(j, k, None if _plural(head) else 1, head)


def _named(s: Tokens, j: int, limit: int, tolls: set[int]) -> Item | None:
    """A name ("Jo Bloggs", "Kola H. Dia"), or a name used as a modifier ("Taliban fighters")."""
    k = j
    while k < limit and (_capitalised(s, k) or s.words[k] in _NAME_LINKS and _capitalised(s, k + 1)
                         or s.words[k] == "." and k > j and len(s.words[k - 1]) == 1):
        k += 1
    head, name_end = s.words[k - 1], k
    while k < limit and k - j < _MAX_WORDS and _wordlike(s.words[k]) and s.words[k] not in PHRASE_ENDS \
            and k not in tolls and not _verb_after_name(s, k):
        head, k = s.words[k], k + 1
    if head in V.NON_PERSON_NOUNS or head in RELATED_EVENTS:
        return None
    if k == name_end and name_end - j > 1:
        return Item(j, k, 1, head)  # a full name: one person, whatever its last letter
    return Item(j, k, None if _plural(head) else 1, head)


def _verb_after_name(s: Tokens, k: int) -> bool:
    """A past tense after a name ("Police opened fire"): the name is a subject, its phrase ends
    there; "Fulani armed men" goes on (a people noun follows)."""
    return s.words[k].endswith("ed") and s.word(k + 1) not in V.PEOPLE_NOUNS and s.word(k + 1) not in V.PERSON_NOUNS


def _of_phrase(s: Tokens, k: int, limit: int, tolls: set[int], figures: dict[int, int]) -> int:
    """After a head noun, "of the committee" / "of a village" belongs to the phrase: its end."""
    if s.word(k) != "of":
        return k
    inner = item_at(s, k + 1, limit, tolls, figures)
    return inner.last if inner is not None and not inner.numeric else k


def read_list(s: Tokens, j: int, limit: int, tolls: set[int], figures: dict[int, int]) -> list[Item]:
    """The noun phrases of a list from token ``j`` ("A, B and C"); a comma-joined phrase that no
    "and" closes restates the one before it and is dropped."""
    items: list[Item] = []
    joins: list[str] = []
    item = item_at(s, j, limit, tolls, figures)
    while item is not None:
        items.append(item)
        k = item.last
        if s.word(k) == "," and s.word(k + 1) == "and":
            join, k = "and", k + 2
        elif s.word(k) in ("and", "&", ",") and not (s.word(k) == "," and s.word(k + 1) in ONE_PRONOUNS):
            join, k = ("," if s.word(k) == "," else "and"), k + 1
        else:
            break
        item = item_at(s, k, limit, tolls, figures)
        if item is not None and join == "," and _describes(s, items[-1], item):
            k = item.last + 1  # "Jo Bloggs, a teacher, and ...": the aside names no one else
            join = "and" if s.word(k) == "and" else ","
            item = item_at(s, k + (join == "and"), limit, tolls, figures)
        if item is not None:
            joins.append(join)
    if "and" not in joins:
        return items[:1]
    last_and = len(joins) - joins[::-1].index("and")
    return items[:last_and + 1]


def _describes(s: Tokens, name: Item, aside: Item) -> bool:
    """True when ``aside`` ("a village chief") is set off by commas right after a person's ``name``
    ("Jo Bloggs, a village chief, and ..."): it tells who the named person is."""
    return (name.count == 1 and _capitalised(s, name.first) and not name.numeric
            and s.words[aside.first] in ONE_DETERMINERS and s.word(aside.last) == ",")


def objects_after(s: Tokens, i: int, limit: int, tolls: set[int], figures: dict[int, int]) -> list[Item]:
    """The victims of the active toll verb at ``i`` ("killed the driver", "the death of a child")."""
    j = i + 1
    if s.word(i) == "death" and s.word(j) == "of":
        j += 1
    return read_list(s, j, limit, tolls, figures)


def subject_before(s: Tokens, i: int, tolls: set[int], figures: dict[int, int]) -> list[Item]:
    """The victims before the passive toll word at ``i`` ("the bomber and the driver both died"):
    the longest list that ends right before the words between subject and toll and starts a clause."""
    end = i
    while end > 0:
        if s.words[end - 1] == "and" and (participle := participle_before_and(s, end - 1)) is not None:
            end = participle  # "the driver was dragged from his car and beaten"
        elif s.words[end - 1] in BETWEEN and s.words[end - 1] != "and" or joined_participle(s, end - 1):
            end -= 1
        else:
            break
    if end == i and s.words[i] in V.ACTIVE_TOLL_VERBS and s.words[i] not in V.PASSIVE_TOLL_WORDS:
        return []
    if end < i and s.words[end] in ("who", "whom"):
        return []
    singular = any(s.words[k] in ("was", "is", "has") for k in range(end, i))
    if s.word(end - 1) == ",":  # "Dia, the deputy mayor of the town, was killed": the name before the aside
        aside = next((k for k in range(end - 2, max(-1, end - 14), -1) if s.words[k] == ","), None)
        if aside is not None and item_at(s, aside + 1, end - 1, tolls, figures) is not None:
            end = aside
    best = _subject_list(s, end, tolls, figures)
    if not best:  # "a teacher at a school in Kano was killed": the list ends where the phrase starts
        phrase = next((k for k in range(end - 1, max(-1, end - SUBJECT_PHRASE_WORDS - 1), -1)
                       if subject_phrase_end(s, k, tolls, figures.keys()) == end), None)
        if phrase is not None:
            best = _subject_list(s, phrase, tolls, figures)
    if singular and len(best) == 1 and best[0].count is None and not best[0].numeric \
            and best[0].head not in UNKNOWN_PRONOUNS:
        return [Item(best[0].first, best[0].last, 1, best[0].head)]  # "Flores was killed": one person
    return best


def _subject_list(s: Tokens, end: int, tolls: set[int], figures: dict[int, int]) -> list[Item]:
    """The longest list of victims that starts a clause and ends right at ``end``."""
    best: list[Item] = []
    for start in range(end - 1, max(-1, end - 16), -1):
        before = s.word(start - 1)
        if start == 0 or before in CLAUSE_STARTS or before in (",", ";", ":", "(", "-"):
            found = read_list(s, start, end, tolls, figures)
            if found and found[-1].last == end:
                best = found  # the longest list that ends at the verb
        if before in V.CLAUSE_BREAKS or before in ("but", "while", "before", "after", "when", "because"):
            break
    return best


def joined_participle(s: Tokens, k: int) -> bool:
    """True when token ``k`` is a participle joined by "and" to the toll word after it ("shot and
    killed", "beaten and injured", "abducted and killed")."""
    word = s.word(k)
    return s.word(k + 1) == "and" and (word in V.KILLED_BY or word.endswith("ed"))


def participle_before_and(s: Tokens, a: int) -> int | None:
    """The participle that "and" at ``a`` joins to the toll word after it, also across a short phrase
    of place or agent after the participle ("was dragged from his car and beaten", "were taken to
    the forest and killed"): its index, or None."""
    if joined_participle(s, a - 1):
        return a - 1
    for k in range(a - 2, max(-1, a - 2 - PARTICIPLE_PHRASE_WORDS), -1):
        word = s.word(k)
        if word in (",", ";", "and") or word in CLAUSE_STARTS:
            return None
        if s.word(k + 1) in PARTICIPLE_PHRASE_STARTS and (word in V.KILLED_BY or word.endswith(("ed", "en"))) \
                and s.word(k - 1) in PASSIVE_AUXILIARIES:
            return k
    return None


def and_after_participle(s: Tokens, k: int) -> int | None:
    """The "and" after participle ``k`` and its short phrase that joins it to a toll word
    (:func:`participle_before_and`, read forwards): its index, or None."""
    for a in range(k + 2, min(len(s.words), k + 3 + PARTICIPLE_PHRASE_WORDS)):
        if s.words[a] == "and":
            return a if participle_before_and(s, a) == k else None
    return None


def subject_phrase_end(s: Tokens, start: int, verbs: Collection[int], stops: Collection[int]) -> int | None:
    """Where a phrase of place or origin after the victims' noun ends at their passive verb ("a
    teacher at a school in Kano was killed", "7 men from the unit (UIR) were killed"): the index of
    auxiliary or of the toll word of ``verbs``, or None when something else comes first (a figure of
    ``stops``, a comma, a new clause: "5 people in the village said 3 soldiers were killed")."""
    if s.word(start) not in SUBJECT_PHRASE_STARTS:
        return None
    depth = 0
    for k in range(start + 1, min(len(s.words), start + 1 + SUBJECT_PHRASE_WORDS)):
        w = s.words[k]
        if w in ("(", ")"):
            depth += 1 if w == "(" else -1
            if depth < 0:
                return None
            continue
        if depth:
            continue  # "(Bauchi LGA, Bauchi)": an aside naming the place
        if w in PASSIVE_AUXILIARIES or k in verbs:
            return k
        if k in stops or w in CLAUSE_STARTS or w in V.CLAUSE_BREAKS or w in V.CLAUSE_OPENERS \
                or not _wordlike(w):
            return None
    return None


def is_attacker(s: Tokens, first: int, last: int) -> bool:
    """True when the words of a figure or phrase name perpetrators ("two assailants", "the bomber")."""
    return any(s.words[k] in ATTACKERS for k in range(first, min(last + 1, len(s.words))))


def phrase_before(s: Tokens, j: int, phrases: Phrases) -> int | None:
    """Start of one of ``phrases`` ending right before token ``j``."""
    if j < 1 or j > len(s.words):
        return None
    for phrase in phrases.by_last.get(s.words[j - 1], ()):
        size = len(phrase)
        if j - size >= 0 and tuple(s.words[j - size:j]) == phrase:
            return j - size
    return None


def past_crime(s: Tokens, i: int) -> bool:
    """True when the toll verb at ``i`` tells a crime spoken of, not this incident's toll ("suspected
    of killing", "a man who had killed his father", "having killed")."""
    j = i - 1
    while j >= 0 and s.words[j] in ("allegedly", "reportedly", "previously", "earlier", "already", "once"):
        j -= 1
    before = s.word(j)
    if before in ("having", "had"):
        return True
    if before == "the" and s.word(i + 1) == "of":  # "involved in the killing of a child"
        j -= 1
        before = s.word(j)
        if before in ("against", "over") and any(s.word(k) in PROTEST_WORDS for k in range(j - 12, j)):
            return True  # "villagers demonstrated in X against the killing of a guard": an earlier event
    return before in ("of", "for", "with", "in") and s.word(j - 1) in PAST_CRIME


def body_found(s: Tokens, i: int) -> bool:
    """True for one body found: "the body of a policeman was found", "a man's body was discovered"."""
    if s.words[i] != "body":
        return False
    before = s.word(i - 1)
    if before not in ONE_DETERMINERS and not before.endswith("'s"):
        return False
    return s.word(i + 1) == "of" or any(s.word(k) in BODY_FOUND for k in range(i + 1, i + 5))


def related_total(s: Tokens, first: int, last: int, clause_end: int, cues: Sequence[int] | None = None) -> bool:
    """True when a figure is a total over several events: its verb's subject is "the four attacks",
    or "across all five attacks" follows it in its clause. ``cues``: the sentence's
    :func:`total_cues` when the caller has them (found by bisection, not by a walk to the clause end)."""
    for k in range(max(0, first - 4), first):  # "the four attacks killed a total of 35"
        if s.words[k] in RELATED_EVENTS and s.words[k].endswith("s") and (
                s.word(k - 1) in _SEVERAL or s.word(k - 1).isdigit() or s.word(k - 2) in _SEVERAL):
            return True
    if cues is None:
        return any(_total_cue(s, k) for k in range(last, clause_end))
    at = bisect.bisect_left(cues, last)
    return at < len(cues) and cues[at] < clause_end


def total_cues(s: Tokens) -> list[int]:
    """The tokens of a sentence that say a figure before them is a total over several events, in order."""
    return [k for k in range(len(s.words)) if _total_cue(s, k)]


def _total_cue(s: Tokens, k: int) -> bool:
    if s.words[k] == "across" and any(s.word(m) in RELATED_EVENTS for m in range(k + 1, k + 5)):
        return True
    return s.words[k] == "in" and s.word(k + 1) in _SEVERAL and s.word(k + 2) in RELATED_EVENTS  # "six dead in two attacks"


_SEVERAL = _set("several_events")


def unconfirmed_claim(s: Tokens, first: int) -> bool:
    """True when a figure is a party's claim the text says was not confirmed ("ISWAP claimed to have
    killed six soldiers, however this was not independently verified"): coders code no toll."""
    claimed = any(s.words[k] in CLAIM_WORDS for k in range(max(0, first - 12), first))
    return claimed and any(s.words[k] == "not" and s.word(k + 1) in UNCONFIRMED or s.words[k] in UNCONFIRMED
                           and s.word(k - 1) in ("be", "been") and s.word(k - 2) == "not"
                           or s.words[k] == "not" and s.word(k + 1) in ("be", "been") and s.word(k + 2) in UNCONFIRMED
                           for k in range(len(s.words)))
