"""Sentences + resolved places -> incident rows, on short reports written for the tests.

Places are resolved by hand here (a small table of known names), so these tests do not depend on
the geoparser: each test states which words are places and what they resolve to.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dashboard import schema
from dashboard.preprocess.incidents.events import extract_incidents
from dashboard.preprocess.places.gazetteer import Place
from dashboard.preprocess.places.geoparse import Mention, ResolvedMention
from dashboard.preprocess.ingest import Article
from dashboard.schema import Incident


def place(key: str, name: str, kind: str, lat: float, lon: float, cc: str = "XX", parent: str = "") -> Place:
    return Place(key, name, lat, lon, kind, cc, "Testland", "North", 1000, parent)


PLACES: dict[str, Place] = {
    "Ashford": place("t:ashford", "Ashford", "city", 10.0, 20.0),
    "Brook": place("t:brook", "Brook", "town", 10.5, 20.5),
    "Carrow": place("t:carrow", "Carrow", "town", 11.0, 21.0),
    "Dunmore": place("t:dunmore", "Dunmore", "city", 12.0, 22.0),
    "Elm Street": place("t:elm", "Elm Street", "neighbourhood", 10.01, 20.01, parent="t:ashford"),
    "Fairview": place("t:fairview", "Fairview", "neighbourhood", 10.02, 20.02, parent="t:ashford"),
    "Testland": place("t:testland", "Testland", "country", 9.0, 19.0),
    "North Province": place("t:north", "North Province", "admin1", 10.0, 21.0),
    "Kukawa": place("ng:kukawa", "Kukawa", "town", 12.92, 13.57, "NG"),
    "Borno State": place("ng:borno", "Borno", "admin1", 11.5, 13.0, "NG"),
    "Kabul": place("af:kabul", "Kabul", "city", 34.53, 69.17, "AF"),
}
_NAMES = re.compile(r"\b(%s)\b" % "|".join(sorted(map(re.escape, PLACES), key=len, reverse=True) + ["Nowhereville"]))


def resolve(text: str) -> list[ResolvedMention]:
    """Every known name in the text, resolved from PLACES ("Nowhereville" is named but unresolved)."""
    out = []
    for m in _NAMES.finditer(text):
        where = PLACES.get(m.group())
        out.append(ResolvedMention(Mention(m.group(), m.start(), m.end()), where,
                                   where.latitude if where else None, where.longitude if where else None,
                                   "place" if where else ""))
    return out


def article(text: str, published: dt.date | None = dt.date(2019, 3, 12), name: str = "report.txt") -> Article:
    return Article(name=name, text=text, title="A headline", source="The Test Herald", published=published,
                   url="https://example.org/report")


def rows_for(text: str, **kwargs) -> list[Incident]:
    a = article(text, **kwargs)
    return extract_incidents(a, resolve(a.text))


def at(rows: list[Incident], location: str) -> list[Incident]:
    return [r for r in rows if r.location == location]


def only(rows: list[Incident], location: str) -> Incident:
    found = at(rows, location)
    assert len(found) == 1, found
    return found[0]


# --- tolls at the place the sentence names ------------------------------------------------------

def test_a_toll_at_a_place_gives_one_full_row() -> None:
    text = "Gunmen stormed a police station in Brook on Sunday, killing 10 officers and wounding 4."
    row = only(rows_for(text), "Brook")
    assert (row.killed_min, row.killed_max, row.injured_min, row.injured_max) == (10, 10, 4, 4)
    assert row.captured_min is None and row.captured_max is None
    assert row.event_type == "armed attack"
    assert row.actor == "Gunmen"
    assert row.date == dt.date(2019, 3, 10) and row.date_precision == "day"
    assert row.evidence == text
    assert (row.source, row.source_url, row.article, row.title, row.published) == (
        "The Test Herald", "https://example.org/report", "report.txt", "A headline", dt.date(2019, 3, 12))
    assert (row.mention, row.country_code, row.admin1, row.latitude, row.geo_precision) == (
        "Brook", "XX", "North", 10.5, "place")


def test_one_incident_at_two_places_shares_its_id() -> None:
    rows = rows_for("Militants attacked checkpoints in Elm Street and Fairview, killing six soldiers.")
    first, second = only(rows, "Elm Street"), only(rows, "Fairview")
    assert first.incident_id == second.incident_id and first.killed_min == second.killed_min == 6


def test_incident_ids_are_stable_and_differ_between_incidents() -> None:
    text = "A car bomb killed 5 people in Brook. A day later, gunmen killed 3 villagers in Carrow."
    once, again = rows_for(text), rows_for(text)
    assert [r.incident_id for r in once] == [r.incident_id for r in again]
    assert only(once, "Brook").incident_id != only(once, "Carrow").incident_id
    assert only(once, "Brook").event_type == "bombing/explosion"


def test_a_wider_region_named_with_the_town_is_only_mentioned() -> None:
    rows = rows_for("Rebels launched an attack on a base in the city of Dunmore in northern Testland.")
    assert only(rows, "Dunmore").event_type == "armed attack"
    assert only(rows, "Testland").event_type == "mention"


def test_a_neighbourhood_named_with_its_town_keeps_the_finer_place() -> None:
    rows = rows_for("Two soldiers were killed in Fairview, Ashford.")
    assert only(rows, "Fairview").killed_min == 2
    assert only(rows, "Ashford").event_type == "mention"


# --- places named only as context --------------------------------------------------------------

def test_context_places_get_mention_rows_without_tolls() -> None:
    text = ("Dunmore – Militants attacked Ashford to distract forces from the Carrow offensive, "
            "killing 12 people, a reporter in Brook said.")
    rows = rows_for(text)
    assert only(rows, "Ashford").killed_min == 12
    for name in ("Dunmore", "Carrow", "Brook"):
        row = only(rows, name)
        assert row.event_type == "mention"
        assert all(getattr(row, c) is None for c in schema.TOLL_COLUMNS)
        assert row.evidence == text and row.date is None and row.date_precision == "unknown"


def test_opinion_in_quotes_and_speculation_are_not_incidents() -> None:
    rows = rows_for('"We expect attacks on Brook soon," an analyst said. '
                    "Officials believe the group could strike Carrow next.")
    assert {r.event_type for r in rows} == {"mention"}
    assert {r.location for r in rows} == {"Brook", "Carrow"}


def test_an_event_told_before_is_not_a_new_incident() -> None:
    rows = rows_for("Fighters attacked a school in Brook on Monday. The attack shocked people in Carrow.")
    assert only(rows, "Brook").event_type == "armed attack"
    assert only(rows, "Carrow").event_type == "mention"


def test_every_place_named_has_one_row_even_unresolved() -> None:
    rows = rows_for("Officials in Brook and Nowhereville met. Officials in Brook met again.")
    assert len(at(rows, "Brook")) == 1
    unresolved = [r for r in rows if r.mention == "Nowhereville"]
    assert len(unresolved) == 1 and unresolved[0].location == "" and unresolved[0].latitude is None


# --- toll sentences that name no place ----------------------------------------------------------

def test_the_city_is_the_articles_focus_town() -> None:
    text = ("Ashford was calm on Monday. Elsewhere in Ashford, shops opened. "
            "On Saturday, gunmen stormed a power station north of the city, killing 7 guards.")
    row = [r for r in rows_for(text) if r.killed_min == 7]
    assert len(row) == 1 and row[0].location == "Ashford" and row[0].date == dt.date(2019, 3, 9)


def test_a_toll_sentence_takes_the_place_of_the_sentence_it_points_back_to() -> None:
    text = ("Militants attacked Ashford on Friday.\n"
            "Observers want an inquiry into a rocket strike on a market in Brook on the same day as the assault "
            "in Ashford. The rocket killed 9 traders and two children and injured 30 others.")
    rows = rows_for(text)
    strike = [r for r in rows if r.killed_min is not None]
    assert len(strike) == 1
    row = strike[0]
    assert row.location == "Brook" and row.event_type == "air or missile strike"
    assert (row.killed_min, row.killed_max, row.injured_min, row.injured_max) == (11, 11, 30, 30)
    assert row.date == dt.date(2019, 3, 8)  # the day of the assault it is dated by
    assert "The rocket killed" in row.evidence
    assert all(r.killed_min is None for r in at(rows, "Ashford"))


def test_a_toll_continuing_the_previous_sentence_completes_that_incident() -> None:
    rows = rows_for("Insurgents on Friday launched an attack on government offices in Carrow. "
                    "More than 40 people died, including several civilians.")
    row = only(rows, "Carrow")
    assert (row.killed_min, row.killed_max, row.event_type) == (40, None, "armed attack")
    assert row.date == dt.date(2019, 3, 8)


def test_a_claimed_toll_the_next_sentence_doubts_is_no_toll() -> None:
    doubted = rows_for("Troops clashed with rebels near Carrow on Friday. The army claimed that 60 rebels were "
                       "killed in Carrow. The figure could not be independently verified.")
    assert [r.killed_min for r in at(doubted, "Carrow") if r.killed_min is not None] == []
    assert at(doubted, "Carrow")  # the clash is still a row, without the claimed toll
    believed = rows_for("Troops clashed with rebels near Carrow on Friday. The army claimed that 60 rebels were "
                        "killed in Carrow. The rebels withdrew.")
    assert [r.killed_min for r in at(believed, "Carrow") if r.killed_min is not None] == [60]


def test_a_toll_with_no_place_at_all_goes_to_the_focus_town() -> None:
    text = ("Gunmen raided Dunmore on Friday. Dunmore is tense.\n\n"
            "The leader of the cell and seven other gunmen were captured Sunday.")
    row = [r for r in rows_for(text) if r.captured_min is not None]
    assert len(row) == 1
    assert (row[0].location, row[0].captured_min, row[0].captured_max) == ("Dunmore", 8, 8)
    assert (row[0].event_type, row[0].date) == ("capture/arrest", dt.date(2019, 3, 10))


def test_numbers_that_are_not_tolls_make_no_incident() -> None:
    rows = rows_for("Most of the 100 fighters in Brook have been killed or captured. "
                    "There are possibly 37 fighters still in Carrow, seven miles away.")
    assert all(getattr(r, c) is None for r in rows for c in schema.TOLL_COLUMNS)


# --- actors -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Three shops were torched in Brook by suspected militants on Monday.", "militants"),
        ("Islamic State fighters killed 4 shepherds near Brook.", "Islamic State"),
        ("Troops killed 10 Taliban fighters in Brook.", "Troops"),
        ("Seven people were killed in Brook.", ""),
    ],
)
def test_actor_as_named_never_the_victims(text: str, actor: str) -> None:
    assert only(rows_for(text), "Brook").actor == actor


# --- dates --------------------------------------------------------------------------------------

def test_an_undated_sentence_takes_the_lead_incident_date() -> None:
    rows = rows_for("Gunmen attacked Brook on Saturday. A bomb exploded in Carrow, killing 2.")
    assert only(rows, "Carrow").date == dt.date(2019, 3, 9)


def test_with_no_date_words_the_publication_week_is_used() -> None:
    row = only(rows_for("A bomb exploded in Carrow, killing 2."), "Carrow")
    assert (row.date, row.date_precision) == (dt.date(2019, 3, 12), "week")


def test_without_a_publication_date_the_date_is_unknown() -> None:
    row = only(rows_for("A bomb exploded in Carrow on Friday, killing 2.", published=None), "Carrow")
    assert (row.date, row.date_precision) == (None, "unknown")


# --- reports from elsewhere ----------------------------------------------------------------------

def test_a_nigerian_style_report() -> None:
    rows = rows_for("Boko Haram insurgents on Saturday attacked Kukawa in Borno State, killing 12 villagers "
                    "and abducting 20 women, residents said.")
    row = only(rows, "Kukawa")
    assert (row.killed_min, row.captured_min, row.actor, row.country_code) == (12, 20, "Boko Haram", "NG")
    assert row.date == dt.date(2019, 3, 9)
    assert only(rows, "Borno").event_type == "mention"


def test_an_afghan_style_report() -> None:
    row = only(rows_for("A suicide bomber killed at least 14 people at a wedding hall in Kabul on Friday, "
                        "officials said."), "Kabul")
    assert (row.killed_min, row.killed_max, row.event_type, row.actor) == (14, None, "bombing/explosion",
                                                                           "suicide bomber")


def test_rows_fit_the_schema() -> None:
    rows = rows_for("Gunmen raided Dunmore on Friday, killing 3. Officials in Nowhereville and Testland met.")
    table = schema.validate(schema.to_frame(rows))
    assert len(table) == len(rows) == 3
    assert {r.event_type for r in rows} == {"armed attack", "mention"}


def test_an_incident_whose_place_is_unknown_is_still_a_row_with_its_toll() -> None:
    rows = extract_incidents(article("Militants ambushed a convoy near a village on Friday, killing 7 fighters "
                                     "and wounding 31."), [])
    assert len(rows) == 1
    row = rows[0]
    assert (row.killed_min, row.injured_min, row.event_type) == (7, 31, "clash")
    assert row.latitude is None and row.longitude is None and row.mention == "" and row.location == ""
    assert row.date == dt.date(2019, 3, 8) and row.evidence.startswith("Militants ambushed")
    assert len(schema.validate(schema.to_frame(rows))) == 1


def test_an_incident_with_only_its_country_named_is_placed_at_the_country() -> None:
    rows = rows_for("Gunmen attacked a remote hamlet, killing four herders. Officials in Testland condemned it.")
    row = only(rows, "Testland")
    assert row.killed_min == 4 and row.event_type == "armed attack"


def test_an_article_without_places_or_tolls_has_no_rows() -> None:
    assert extract_incidents(article("Officials met on Friday to discuss the attack."), []) == []


@pytest.mark.parametrize(
    "text",
    [
        "Militants killed 5 guards in Ashford, a Carrow-based monitor said.",
        "Militants killed 5 guards in Ashford during the Carrow offensive.",
        "Militants killed 5 guards in Ashford to draw troops away from Carrow.",
        "Militants killed 5 guards in Ashford as the battle for Carrow went on.",
    ],
)
def test_a_place_named_as_a_backdrop_in_a_toll_sentence_gets_no_toll(text: str) -> None:
    rows = rows_for(text)
    assert only(rows, "Ashford").killed_min == 5
    assert only(rows, "Carrow").event_type == "mention" and only(rows, "Carrow").killed_min is None


def test_a_toll_sentence_may_name_its_place_before_the_event() -> None:
    row = only(rows_for("In Carrow, gunmen killed 4 people on Monday."), "Carrow")
    assert (row.killed_min, row.date) == (4, dt.date(2019, 3, 11))


def test_a_paragraph_about_another_town_keeps_its_toll_there() -> None:
    text = ("Ashford held a festival. Ashford was calm. Ashford police said so.\n\n"
            "Carrow has been tense for weeks. Gunmen killed 4 people there on Monday, police said.")
    row = [r for r in rows_for(text) if r.killed_min == 4]
    assert len(row) == 1 and row[0].location == "Carrow"


def test_a_toll_reported_in_quotes_still_counts() -> None:
    row = only(rows_for('"Five soldiers were killed in Brook on Sunday," the army said.'), "Brook")
    assert (row.killed_min, row.killed_max) == (5, 5)


def test_the_month_may_is_not_speculation() -> None:
    row = only(rows_for("On 5 May 2018 gunmen attacked a market in Brook."), "Brook")
    assert (row.event_type, row.date) == ("armed attack", dt.date(2018, 5, 5))


def test_a_dateline_is_the_last_resort_for_a_toll_with_no_other_place() -> None:
    rows = rows_for("Kabul - A suicide bomber killed 14 people at a wedding hall in the Afghan capital on Friday.")
    row = only(rows, "Kabul")
    assert (row.killed_min, row.event_type) == (14, "bombing/explosion")


def test_a_dateline_gets_no_toll_when_the_report_names_the_place() -> None:
    rows = rows_for("Kabul - Gunmen killed 6 guards in Brook on Friday.")
    assert only(rows, "Brook").killed_min == 6 and only(rows, "Kabul").event_type == "mention"


# --- one incident told twice in one article -------------------------------------------------------

def test_a_headline_restating_the_body_incident_joins_it() -> None:
    text = ("Gunmen attack checkpoint in Brook\n\nGunmen attacked a checkpoint in Brook on Sunday. "
            "They killed six soldiers, police said.")
    rows = [r for r in rows_for(text) if r.event_type != "mention"]
    assert len(rows) == 1
    assert (rows[0].killed_min, rows[0].killed_max) == (6, 6)
    assert "Gunmen attack checkpoint in Brook" in rows[0].evidence


def test_a_toll_less_event_with_another_target_stays_its_own_incident() -> None:
    text = ("A bomb exploded at a market in Brook on Sunday, killing 7 people. "
            "Gunmen also attacked a mosque in Brook on Sunday.")
    rows = [r for r in rows_for(text) if r.location == "Brook"]
    assert len({r.incident_id for r in rows}) == 2


def test_a_headline_with_a_toll_near_the_body_place_is_the_same_incident() -> None:
    text = "Bomb kills six near Ashford\n\nA roadside bomb killed six soldiers in Fairview on Sunday, officials said."
    rows = [r for r in rows_for(text) if r.event_type != "mention"]
    assert len({r.incident_id for r in rows}) == 1
    assert {r.location for r in rows} == {"Fairview"}


def test_a_headline_with_another_figure_stays_apart() -> None:
    text = "Bomb kills six near Ashford\n\nA roadside bomb killed two soldiers in Fairview on Sunday, officials said."
    rows = [r for r in rows_for(text) if r.event_type != "mention"]
    assert len({r.incident_id for r in rows}) == 2


def test_a_landmark_after_the_place_is_not_a_place_of_the_event() -> None:
    text = "A bomb killed four people on Monday in the village of Brook, west of Ashford, police said."
    rows = rows_for(text)
    assert only(rows, "Brook").killed_min == 4
    assert only(rows, "Ashford").event_type == "mention"


def test_figures_with_no_event_of_their_own_complete_the_incident_before_them() -> None:
    text = ("Car bomb hits Brook\n\nA car bomb exploded in Brook on Sunday, killing 9 people, officials said.\n\n"
            "Another 30 people were injured, the health ministry said.")
    rows = [r for r in rows_for(text) if r.event_type != "mention"]
    assert len(rows) == 1
    assert (rows[0].killed_min, rows[0].injured_min, rows[0].event_type) == (9, 30, "bombing/explosion")


def test_a_place_named_before_an_operation_word_is_context() -> None:
    text = "Militants attacked a checkpoint near Brook and the Ashford offensive stalled, killing 5 soldiers."
    rows = rows_for(text)
    assert only(rows, "Ashford").event_type == "mention"
    assert only(rows, "Brook").killed_min == 5


def test_the_town_where_the_wounded_were_treated_is_not_the_scene() -> None:
    text = ("Gunmen killed 4 farmers in Brook on Sunday. Nine people were wounded and taken to a hospital "
            "in Ashford, officials said.")
    rows = rows_for(text)
    assert only(rows, "Ashford").event_type == "mention"
    brook = [r for r in at(rows, "Brook") if r.event_type != "mention"]
    assert [(r.killed_min, r.injured_min) for r in brook] == [(4, 9)]


def test_a_hospital_that_was_hit_is_still_the_scene() -> None:
    rows = rows_for("A rocket hit a hospital in Brook on Sunday, killing 3 patients.")
    assert only(rows, "Brook").killed_min == 3


# --- tolls per place, restated tolls ---------------------------------------------------------------

def test_figures_per_place_give_one_incident_per_place() -> None:
    rows = rows_for("Ten fighters were killed in Ashford and 3 in Brook on Monday.")
    ashford, brook = only(rows, "Ashford"), only(rows, "Brook")
    assert (ashford.killed_min, brook.killed_min) == (10, 3)
    assert ashford.incident_id != brook.incident_id


def test_one_figure_at_two_places_stays_one_incident() -> None:
    rows = rows_for("Militants attacked Ashford and Brook, killing 5 soldiers.")
    assert only(rows, "Ashford").incident_id == only(rows, "Brook").incident_id


def test_a_sentence_repeating_the_toll_adds_nothing() -> None:
    rows = rows_for("Gunmen attacked a checkpoint in Brook on Monday, killing two soldiers. 2 fatalities.")
    (row,) = [r for r in rows if r.event_type != "mention"]
    assert (row.location, row.killed_min) == ("Brook", 2)
    assert row.evidence.endswith("2 fatalities.")


def test_attackers_killed_in_a_later_sentence_are_their_own_figure_not_a_restatement() -> None:
    rows = rows_for("A bomb killed four people in Brook on Monday. The bomber also died.")
    killed = sum(r.killed_min or 0 for r in {r.incident_id: r for r in rows if r.event_type != "mention"}.values())
    assert killed == 5


def test_an_event_between_two_places_is_at_both_not_at_the_province_named_after_them() -> None:
    # The province is named twice (the ACLED-style "(Province, Province)"): without "between" as a
    # place word, the incident fell back on it, the most named place.
    rows = rows_for("A roadside bomb exploded between Brook and Carrow (North Province, North Province), "
                    "killing 4 passengers.")
    brook, carrow = only(rows, "Brook"), only(rows, "Carrow")
    assert brook.incident_id == carrow.incident_id and brook.killed_min == carrow.killed_min == 4
    assert brook.event_type == "bombing/explosion"
    assert only(rows, "North Province").event_type == "mention"


def test_shots_fired_at_someone_at_a_place_are_an_attack_there() -> None:
    row = only(rows_for("Soldiers fired at a bus of aid workers in Carrow on Sunday. Nobody was hurt."), "Carrow")
    assert row.event_type == "armed attack" and row.killed_min is None
