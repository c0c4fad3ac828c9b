"""Word lists the event and toll readers use, loaded from ``data/words/`` (general English news vocabulary).

The lists themselves are data (``numbers.toml``, ``tolls.toml``, ``triggers.toml``, ``scenes.toml``,
``actors.toml``, ``dates.toml``; each list says what it is for); this module gives them the shapes
the readers match with (sets, phrase tuples, word -> value tables). ``casualties``, ``dates`` and
``events`` compile them into regular expressions once, at import.
"""

from __future__ import annotations

from dashboard import wordlists


def _words(topic: str, name: str) -> tuple[str, ...]:
    return wordlists.words(topic, name)


def _set(topic: str, name: str) -> frozenset[str]:
    return frozenset(wordlists.words(topic, name))


def _valued(topic: str, name: str) -> dict[str, int]:
    """A list grouped by value ("12" = ["a dozen"]) -> word -> value."""
    return {word: int(value) for value, group in wordlists.groups(topic, name).items() for word in group}


def _kinds(topic: str, name: str) -> dict[str, str]:
    """A list grouped by kind ("killed" = [...]) -> word -> kind."""
    return {word: kind for kind, group in wordlists.groups(topic, name).items() for word in group}


# --- numbers ------------------------------------------------------------------------------------

UNITS: dict[str, int] = _valued("numbers", "units")
TENS: dict[str, int] = _valued("numbers", "tens")
SCALES: dict[str, int] = _valued("numbers", "scales")
#: Vague amounts -> the lowest figure they support (the upper bound stays empty). README "tolls".
VAGUE_AMOUNTS: dict[str, int] = _valued("numbers", "vague_amounts")
LOWER_BOUND: tuple[str, ...] = _words("numbers", "lower_bound")
UPPER_BOUND: tuple[str, ...] = _words("numbers", "upper_bound")
APPROXIMATE: tuple[str, ...] = _words("numbers", "approximate")
NON_TOLL_AFTER: frozenset[str] = _set("numbers", "non_toll_after")
NON_TOLL_BEFORE: frozenset[str] = _set("numbers", "non_toll_before")
PERSON_NOUNS: frozenset[str] = _set("numbers", "person_nouns")
PEOPLE_NOUNS: frozenset[str] = _set("numbers", "people_nouns")
NON_PERSON_NOUNS: frozenset[str] = _set("numbers", "non_person_nouns")
MONTHS: dict[str, int] = _valued("dates", "months")
WEEKDAYS: dict[str, int] = _valued("dates", "weekdays")
REPORTING: tuple[str, ...] = _words("dates", "reporting")
ABBREVIATIONS: frozenset[str] = _set("sentences", "abbreviations")

# --- toll words ---------------------------------------------------------------------------------

KILLED, INJURED, CAPTURED = "killed", "injured", "captured"

ACTIVE_TOLL_VERBS: dict[str, str] = _kinds("tolls", "active_toll_verbs")
PASSIVE_TOLL_WORDS: dict[str, str] = _kinds("tolls", "passive_toll_words")
KILLED_BY: frozenset[str] = _set("tolls", "killed_by")
TAKEN_AS: frozenset[str] = _set("tolls", "taken_as")
SELF_KILL_VERBS: frozenset[str] = _set("tolls", "self_kill_verbs")
REFLEXIVES: frozenset[str] = _set("tolls", "reflexives")
COMBINED_TOLL_WORDS: frozenset[str] = _set("tolls", "combined_toll_words")
PERIOD_WORDS: frozenset[str] = _set("tolls", "period_words")
PERIOD_AFTER_TOLL: tuple[tuple[str, ...], ...] = tuple(tuple(phrase.split()) for phrase in _words("tolls", "period_after_toll"))
PASSIVE_GLUE: frozenset[str] = _set("tolls", "passive_glue")
ACTIVE_GLUE: frozenset[str] = _set("tolls", "active_glue")
TOLL_GLUE: frozenset[str] = _set("tolls", "toll_glue")
PHRASE_STOPS: frozenset[str] = _set("tolls", "phrase_stops")
SUBSET_WORDS: frozenset[str] = _set("tolls", "subset_words")
CLAUSE_BREAKS: frozenset[str] = _set("tolls", "clause_breaks")
CLAUSE_OPENERS: frozenset[str] = _set("tolls", "clause_openers")
THEN_WORDS: frozenset[str] = _set("tolls", "then_words")
TOLL_HEDGES: frozenset[str] = _set("tolls", "toll_hedges")
HEDGES: frozenset[str] = _set("triggers", "hedges")

# --- event types (keys of dashboard.schema.EVENT_TYPES), most specific first ------------------------

EVENT_TRIGGERS: dict[str, tuple[str, ...]] = wordlists.groups("triggers", "event_triggers")
EVENT_NOUNS_BACK: frozenset[str] = _set("triggers", "event_nouns_back")

# --- places named only as context ---------------------------------------------------------------

CONTEXT_AFTER: tuple[str, ...] = _words("scenes", "context_after")
CONTEXT_BEFORE: frozenset[str] = _set("scenes", "context_before")
TREATMENT_VERBS: frozenset[str] = _set("scenes", "treatment_verbs")
TREATMENT_PLACES: frozenset[str] = _set("scenes", "treatment_places")
CONTEXT_LINKS: frozenset[str] = _set("scenes", "context_links")
LOCATIVE_WORDS: frozenset[str] = _set("scenes", "locative_words")
LOCATIVE_OF: frozenset[str] = _set("scenes", "locative_of")
PLACE_ADJECTIVES: frozenset[str] = _set("scenes", "place_adjectives")
ANAPHORA: tuple[str, ...] = _words("scenes", "anaphora")

# --- actors -------------------------------------------------------------------------------------

NAMED_ACTORS: tuple[str, ...] = _words("actors", "named_actors")
CASED_ACTORS: tuple[str, ...] = _words("actors", "cased_actors")
GENERIC_ACTORS: tuple[str, ...] = _words("actors", "generic_actors")
