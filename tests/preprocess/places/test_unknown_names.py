"""Unknown place names noticed from context cues, on short texts written for these tests."""

from __future__ import annotations

import pytest

from dashboard.preprocess.places.geoparse import Mention
from dashboard.preprocess.places.unknown_names import find_unknown_names

KNOWN = {"kirkuk", "iraq", "mosul", "aleppo", "maiduguri", "kurdistan", "baghdad", "syria"}


def known(name: str) -> bool:
    return name.casefold() in KNOWN


def names(text: str, taken: tuple[tuple[int, int], ...] = ()) -> list[str]:
    found = find_unknown_names(text, known, taken)
    for mention in found:  # every mention points at its own words
        assert text[mention.start:mention.end] == mention.text
    return [m.text for m in found]


@pytest.mark.parametrize(("text", "expected"), [
    ("Fighting raged in the Wahid Huzairan neighbourhood of Kirkuk.", ["Wahid Huzairan"]),
    ("Gunmen entered the village of Bashir, south of Kirkuk.", ["Bashir"]),
    ("Troops retook the villages of Taza, Yaychi and Tel Ward on the road.", ["Taza", "Yaychi", "Tel Ward"]),
    ("A bomb went off in Tuz Khurmatu after dark.", ["Tuz Khurmatu"]),
    ("Shells fell near Bashiqa and outside Qaraqosh.", ["Bashiqa", "Qaraqosh"]),
    ("The convoy was hit 20 km north of al-Qaim.", ["al-Qaim"]),
    ("Residents fled the Hamdaniya district as the army advanced.", ["Hamdaniya"]),
    ("Police blocked roads in Nineveh Province.", ["Nineveh"]),
    ("The vote was held in Ras al Ain, local media said.", ["Ras al Ain"]),
    ("Thousands gathered in Tahrir Square in the capital.", ["Tahrir Square"]),
    ("Clashes erupted in the Sheikh Maqsoud neighbourhood of Aleppo.", ["Sheikh Maqsoud"]),
    ("Insurgents stormed the town of Konduga, near Maiduguri.", ["Konduga"]),
    ("Farmers were killed in Rann, in the Kala Balge district.", ["Rann", "Kala Balge"]),
    ("A bomb hit a school in Kabul's Dasht-e-Barchi district.", ["Dasht-e-Barchi"]),
    ("Militants attacked a post in Boulkessi, close to the border.", ["Boulkessi"]),
])
def test_a_cue_marks_an_unknown_name(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize("text", [
    "The attack came in March, and again in Monday's raid.",  # months and weekdays
    "Many village elders said the district chief had fled.",  # sentence-initial common words
    "The strike killed a commander near General Salah Hamid's house.",  # a person after a title
    "The talks were held near Sheikh Ali's home.",  # a title after a weak cue
    "Analysts in the Washington Institute and at Brookings Doha Center disagreed.",  # organisations
    "Fighters gathered near Kirkuk Police headquarters.",  # an organisation named after a town
    "Shots were fired near the Syrian border and in the Kurdish village.",  # adjectives, not places
    "Children were taught in Arabic and in English.",  # languages
    "Civilians fled ISIS-held areas in northern Iraq.",  # an acronym, a known country
    "He said in Smith's view the town was lost.",  # a possessive after a weak cue: a person
    "Gunmen struck in Kirkuk and near Mosul.",  # known places
    "The blast hit a Baghdad market.",  # a lower-case feature noun is not part of the name
    "Fighters in the Peshmerga shelled positions near Taliban lines.",  # armed groups
])
def test_no_place_is_invented(text: str) -> None:
    assert names(text) == []


def test_known_names_and_taken_spans_are_left_out() -> None:
    text = "Mortars hit the Domiz neighbourhood and the Aruba district of Kirkuk."
    start = text.index("Domiz")
    assert names(text) == ["Domiz", "Aruba"]
    assert names(text, taken=((start, start + len("Domiz")),)) == ["Aruba"]
    assert find_unknown_names(text, lambda name: name in ("Domiz", "Aruba", "Kirkuk")) == []


def test_offsets_are_those_of_the_words() -> None:
    text = "Smoke rose over the Hay al-Askari neighbourhood."
    [mention] = find_unknown_names(text, known)
    assert mention == Mention("Hay al-Askari", text.index("Hay"), text.index("Hay") + len("Hay al-Askari"))


def test_a_name_is_not_continued_across_a_sentence_or_a_line() -> None:
    assert names("Shots were heard in Daquq. Kirkuk officials said.") == ["Daquq"]
    assert names("Tents burned at the Domiz\ncamp outside Duhok.") == ["Duhok"]


def test_a_name_found_by_two_cues_is_given_once() -> None:
    # "in X" and "X district" both see the same words.
    assert names("Gunmen struck in Sinjar district at dawn.") == ["Sinjar"]


def test_the_longer_name_wins_at_one_start() -> None:
    assert names("Families sheltered in the Khazir Camp for weeks.") == ["Khazir Camp"]


def test_empty_and_lower_case_text_give_nothing() -> None:
    assert names("") == []
    assert names("fighting in the north of the country near the river") == []


def test_words_are_the_same_when_the_text_is_read_in_pieces() -> None:
    """The words (and cue words) of a long text are matched a piece at a time, cut at white space:
    the same as one match over the whole text, whatever the piece's size."""
    import re

    from dashboard.preprocess.places import unknown_names

    text = ("Gunmen attacked  the village of Abu-Tala near Dar'a,\nnorth of Kirkuk's airport.\n\n"
            "Fighting in Ramla district went on.") * 3
    expected = [(m.start(), m.end()) for m in re.finditer(unknown_names._TOKEN, text)]
    cue_words = [i for i, m in enumerate(re.finditer(unknown_names._TOKEN, text))
                 if m.group() in unknown_names._CUE_FORMS]
    assert cue_words  # "near", "north", "district", "in" ...
    for size in (1, 5, 17, 64, 1 << 16):
        tokens = unknown_names._Tokens(text, piece=size)
        assert [(t.start, t.end) for t in tokens] == expected
        assert tokens.cues() == cue_words


def _taken(text: str, *places: str) -> tuple[tuple[int, int], ...]:
    return tuple((text.index(p), text.index(p) + len(p)) for p in places)


def test_a_name_before_a_parenthesis_that_opens_with_a_place_is_a_place() -> None:
    # "X (Y LGA, Z)", "X (Y)": the text says where X lies, as "in X" would say it is a place.
    text = "Militants raided Zqtunga (Kirkuk district, Iraq) and Wadi Qarmuz (Mosul) overnight."
    assert names(text, _taken(text, "Kirkuk", "Iraq", "Mosul")) == ["Zqtunga", "Wadi Qarmuz"]
    # Not when the parenthesis opens with something else, nor without a place found there.
    assert names("Fighters of Jamaat Zqx (JZX) raided a post.", ()) == []
    other = "Troops met Commander Zqbar (Mosul) and the Peshmerga (Kirkuk) at dawn."
    assert names(other, _taken(other, "Mosul", "Kirkuk")) == []
