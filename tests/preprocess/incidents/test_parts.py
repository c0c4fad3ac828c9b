"""The parts of the incidents stage, each alone: triggers, actors, drafts, restatements, rows.

Short texts written for the tests; places are resolved by hand (tests/preprocess/incidents/test_events.py).
"""

from __future__ import annotations

import datetime as dt

from dashboard.preprocess.incidents import actors, drafts, restatements, rows, triggers
from dashboard.preprocess.incidents.casualties import Range, Tolls
from dashboard.preprocess.incidents.dates import DAY, DateReading
from dashboard.preprocess.incidents.events import ArticleScenes
from dashboard.preprocess.incidents.sentences import Sentence, split_sentences
from tests.preprocess.incidents.test_events import article, resolve

DAY_ONE = DateReading(dt.date(2019, 3, 10), DAY)


# --- triggers -----------------------------------------------------------------------------------

def test_scan_finds_triggers_with_their_types_and_toll_words() -> None:
    text = "A car bomb exploded near a market; gunmen then opened fire, killing two."
    found, tolls = triggers.scan(text)
    kinds = [(text[a:b], kind) for a, b, kind in found]
    assert ("car bomb", "bombing/explosion") in kinds and ("opened fire", "armed attack") in kinds
    assert [text[t:t + 7] for t in tolls] == ["killing"]


def test_new_event_skips_quoted_hedged_and_told_before_triggers() -> None:
    text = "The attack was condemned; officials said rebels could attack again; but rebels raided a camp."
    found = [triggers.Trigger(a, b, text[a:b], kind) for a, b, kind in triggers.scan(text)[0]]
    event = triggers.new_event(text, found, lambda at: False)
    assert event is not None and event.word == "raided"
    assert triggers.new_event(text, found, lambda at: True) is None


def test_event_type_prefers_the_most_specific_and_capture_only_for_captures() -> None:
    killed = Tolls(killed=Range(2, 2))
    assert triggers.event_type(["armed attack", "bombing/explosion"], killed) == "bombing/explosion"
    assert triggers.event_type(["armed attack"], Tolls(captured=Range(3, 3))) == "capture/arrest"
    assert triggers.event_type([], killed) == "other"


# --- actors -------------------------------------------------------------------------------------

def test_actor_by_first_then_named_then_generic_never_the_victims() -> None:
    assert actors.actor("Ten people were killed by suspected Boko Haram fighters.", []) == "Boko Haram"
    assert actors.actor("Militants killed 10 Taliban fighters.", [(16, 31)]) == "Militants"
    assert actors.actor("Gunmen clashed with the Taliban.", []) == "Gunmen"
    assert actors.actor("Five people died.", []) == ""



def test_every_actor_name_starts_with_a_word_character() -> None:
    # actors._ACTORS tries the names only where a word starts: a name starting with a mark would be missed
    import re

    from dashboard.preprocess.incidents import vocabulary

    for name in (*vocabulary.NAMED_ACTORS, *vocabulary.GENERIC_ACTORS):
        assert re.match(r"(?:\(\?:)*\w", name), name
    assert actors.actor("Ten died when al-Nusra Front fighters attacked a post.", []) == "al-Nusra Front"
    assert actors.actor("Ten died when U.S.-led coalition jets struck a post.", []) == "U.S.-led coalition"
    assert actors.actor("Ten died when (militants) attacked.", []) == "militants"

# --- drafts -------------------------------------------------------------------------------------

def test_a_toll_sentence_with_no_place_completes_the_incident_it_follows() -> None:
    a = article("Rebels raided a camp in Brook on Sunday. Four soldiers were killed.")
    scenes = ArticleScenes(a, resolve(a.text))
    found = drafts.read_drafts(a, scenes.sentences, scenes)
    assert len(found) == 1
    assert found[0].tolls.killed == Range(4, 4) and len(found[0].evidence) == 2
    assert [p.mention.text for p in found[0].places] == ["Brook"]


def test_subject_head_is_the_noun_the_sentence_points_back_to() -> None:
    assert drafts.subject_head("The suicide bomber killed three guards.") == "bomber"
    assert drafts.subject_head("Gunmen killed three guards.") == ""


def test_lead_date_is_the_first_dated_draft_else_the_publication_week() -> None:
    sentence = Sentence("x", 0, 1, 0)
    dated = drafts.Draft(sentence, (), Tolls(), "other", "", DAY_ONE)
    undated = drafts.Draft(sentence, (), Tolls(), "other", "", None)
    a = article("x")
    assert drafts.lead_date([undated, dated], a) == DAY_ONE
    assert drafts.lead_date([undated], a).precision == "week"


# --- restatements -------------------------------------------------------------------------------

def _draft(text: str, start: int, tolls: Tolls, kind: str = "bombing/explosion") -> drafts.Draft:
    where = tuple(resolve("in Brook"))
    return drafts.Draft(Sentence(text, start, start + len(text), start), where, tolls, kind, "", DAY_ONE, (text,))


def test_a_draft_without_toll_is_folded_into_the_incident_with_one() -> None:
    told = _draft("A bomb went off in Brook.", 100, Tolls())
    host = _draft("The bomb in Brook killed five.", 200, Tolls(killed=Range(5, 5)))
    kept = restatements.merge_restatements([told, host], DAY_ONE, article("body"))
    assert len(kept) == 1 and kept[0].tolls.killed == Range(5, 5)
    assert kept[0].evidence == (host.sentence.text, told.sentence.text)
    assert host.evidence == (host.sentence.text,)  # drafts are values: the input is unchanged


def test_two_incidents_with_their_own_tolls_both_stay() -> None:
    first = _draft("A bomb killed five in Brook.", 100, Tolls(killed=Range(5, 5)))
    second = _draft("A bomb killed two in Brook.", 200, Tolls(killed=Range(2, 2)))
    assert len(restatements.merge_restatements([first, second], DAY_ONE, article("body"))) == 2


# --- rows ---------------------------------------------------------------------------------------

def test_rows_one_per_distinct_place_then_mentions_of_the_rest() -> None:
    a = article("Gunmen killed two in Brook and Brook. Carrow was calm.")
    places = resolve(a.text)
    draft = drafts.Draft(split_sentences(a.text)[0], tuple(places[:2]), Tolls(killed=Range(2, 2)), "armed attack",
                         "Gunmen", DAY_ONE, ("Gunmen killed two in Brook and Brook.",))
    made, used = rows.incident_rows(a, [draft], DAY_ONE)
    assert [(r.location, r.killed_min, r.date) for r in made] == [("Brook", 2, DAY_ONE.date)]
    mentions = rows.mention_rows(a, places, used, lambda offset: None)
    assert [(r.location, r.event_type, r.evidence) for r in mentions] == [("Carrow", "mention", "Carrow")]
    assert rows.short_id("a", "1") == rows.short_id("a", "1") != rows.short_id("a", "2")
