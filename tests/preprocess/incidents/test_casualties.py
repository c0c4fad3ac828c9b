"""Toll phrases -> ranges: every convention of README "tolls", on short sentences written for the tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.preprocess.incidents.casualties import Range, Tolls, parse_tolls, read_tolls

N = Range()
N_TOLLS = Tolls()


def tolls(killed: tuple[int | None, int | None] = (None, None), injured: tuple[int | None, int | None] = (None, None),
          captured: tuple[int | None, int | None] = (None, None)) -> Tolls:
    return Tolls(Range(*killed), Range(*injured), Range(*captured))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # exact figures, active and passive voice
        ("The gunmen stormed a checkpoint, killing 10.", tolls(killed=(10, 10))),
        ("Six policemen were killed in the ambush.", tolls(killed=(6, 6))),
        ("Fourteen dead after a blast at the market.", tolls(killed=(14, 14))),
        ("Police said 12 bodies were found near the river.", tolls(killed=(12, 12))),
        ("Nine people lost their lives in the attack.", tolls(killed=(9, 9))),
        ("Twenty-five villagers died when raiders set the houses alight.", tolls(killed=(25, 25))),
        ("The death toll rose to 35 on Tuesday.", tolls(killed=(35, 35))),
        ("Officials said 1,200 people were wounded.", tolls(injured=(1200, 1200))),
        ("Eleven were hurt.", tolls(injured=(11, 11))),
        ("Troops arrested 14 suspects.", tolls(captured=(14, 14))),
        ("Forty farmers were abducted from their fields.", tolls(captured=(40, 40))),
        ("Two aid workers were taken hostage.", tolls(captured=(2, 2))),
        ("Gunmen kidnapped a teacher on her way home.", tolls(captured=(1, 1))),
        ("A policeman was killed and two civilians were wounded.", tolls(killed=(1, 1), injured=(2, 2))),
        ("A 25-year-old man was arrested.", tolls(captured=(1, 1))),
        ("The jihadists beheaded a hostage.", tolls(killed=(1, 1))),
        ("Five people were killed and 20 wounded.", tolls(killed=(5, 5), injured=(20, 20))),
        ("a hundred people died", tolls(killed=(100, 100))),
        ("one hundred and fifty people died", tolls(killed=(150, 150))),
        ("Gunmen killed a dozen worshippers.", tolls(killed=(12, 12))),
        ("Gunmen shot dead two policemen.", tolls(killed=(2, 2))),
        ("Ten people were shot dead.", tolls(killed=(10, 10))),
        ("Militants gunned down 4 farmers.", tolls(killed=(4, 4))),
        ("The attack left 25 people dead and 40 injured.", tolls(killed=(25, 25), injured=(40, 40))),
        ("Eight members of one family were killed.", tolls(killed=(8, 8))),
        ("Two soldiers and a civilian were killed.", tolls(killed=(3, 3))),
        ("A suicide bomber blew himself up, killing himself and 11 others.", tolls(killed=(12, 12))),
        ("The explosion injured at least 60 people, 12 of them seriously.", tolls(injured=(60, None))),
        # bounds
        ("More than 40 people died.", tolls(killed=(40, None))),
        ("At least 40 were killed.", tolls(killed=(40, None))),
        ("Over 40 soldiers were killed.", tolls(killed=(40, None))),
        ("As many as 40 people were killed.", tolls(killed=(None, 40))),
        ("Up to 40 civilians died.", tolls(killed=(None, 40))),
        ("Nearly 30 people were injured.", tolls(injured=(None, 30))),
        ("About 30 people were injured.", tolls(injured=(30, 30))),
        ("Between 13 and 19 people were killed.", tolls(killed=(13, 19))),
        ("13-19 people were killed.", tolls(killed=(13, 19))),
        ("The raid killed 13 to 19 people.", tolls(killed=(13, 19))),
        # vague amounts: lowest figure, no upper bound
        ("Dozens were killed.", tolls(killed=(12, None))),
        ("Several people were wounded.", tolls(injured=(3, None))),
        ("Scores of people died.", tolls(killed=(20, None))),
        ("A few guards were captured.", tolls(captured=(2, None))),
        ("Hundreds were detained.", tolls(captured=(100, None))),
        # figures in one clause add up; subsets do not
        ("The rocket killed 13 women and two children and injured 53 others.",
         tolls(killed=(15, 15), injured=(53, 53))),
        ("Thirteen women and two children were killed.", tolls(killed=(15, 15))),
        ("The leader of the cell and seven other militants were captured.", tolls(captured=(8, 8))),
        ("The driver and two other passengers were killed.", tolls(killed=(3, 3))),
        ("More than 40 people died, including several civilians.", tolls(killed=(40, None))),
        ("A bomb killed 10 people, including three children, at 9 a.m.", tolls(killed=(10, 10))),
        ("10 people, including three children, were killed.", tolls(killed=(10, 10))),
        ("The blast killed 5 and wounded 12, three of them critically.", tolls(killed=(5, 5), injured=(12, 12))),
        ("Five soldiers died on the road; the death toll rose to 40.", tolls(killed=(40, 40))),
        # a toll over a period is not this incident's toll
        ("Shelling killed 7 as the March toll passed 250.", tolls(killed=(7, 7))),
        ("A car bomb killed 11, bringing this year's death toll to 600.", tolls(killed=(11, 11))),
        ("The toll so far this year stands at 900 after gunmen killed 3 farmers.", tolls(killed=(3, 3))),
        ("The death toll from last week's bombing rose to 41.", tolls(killed=(41, 41))),
        # combined figures go into neither column
        ("Most of the 100 fighters have been killed or captured.", tolls()),
        ("Some 30 soldiers were killed or wounded.", tolls()),
        ("There were 15 casualties.", tolls()),
        # other countries' news
        ("Boko Haram fighters killed 10 villagers and abducted a dozen women in Borno State.",
         tolls(killed=(10, 10), captured=(12, 12))),
        ("Taliban insurgents killed four Afghan soldiers and wounded seven at a checkpoint in Helmand.",
         tolls(killed=(4, 4), injured=(7, 7))),
        ("Suspected herdsmen killed at least 23 people in attacks on three villages.", tolls(killed=(23, None))),
        ("Security forces detained 27 protesters, the ministry said.", tolls(captured=(27, 27))),
        ("Bandits abducted 80 passengers and killed 8 on the Kaduna highway.", tolls(killed=(8, 8), captured=(80, 80))),
        ("Three people were killed and five others wounded when a roadside bomb struck their car in Kandahar.",
         tolls(killed=(3, 3), injured=(5, 5))),
        # a participle and a short phrase after it, joined by "and" to the toll word: one passive
        ("The guard was pulled from his post and beaten, police said.", tolls()),
        ("The cashier was dragged out of the shop and injured.", tolls(injured=(1, 1))),
        ("Four farmers were taken to a forest and killed.", tolls(killed=(4, 4))),
        ("Two soldiers were shot by snipers and killed.", tolls(killed=(2, 2))),
        ("Three traders were kidnapped near the border and later killed.", tolls(killed=(3, 3), captured=(3, 3))),
        ("Five people were abducted from the village and 2 others were killed.",
         tolls(killed=(2, 2), captured=(5, 5))),  # a new clause: no second act on the same people
        # some of a group with a toll of their own; a part of the group's own toll stays a part
        ("Gunmen abducted 8 pupils and killed two of them.", tolls(killed=(2, 2), captured=(8, 8))),
        ("Eleven workers were wounded, three of whom later died.", tolls(killed=(3, 3), injured=(11, 11))),
        ("Militants stopped a lorry carrying 20 traders and killed 5 of them.", tolls(killed=(5, 5))),
        ("Nine people were killed, four of them police officers.", tolls(killed=(9, 9))),
        ("Fifteen were wounded, six of them were badly injured.", tolls(injured=(15, 15))),
        # a phrase of place or origin between the victims and their verb, ending at that verb
        ("A nurse at a clinic in the town was shot dead.", tolls(killed=(1, 1))),
        ("A herder from a nearby village was abducted.", tolls(captured=(1, 1))),
        ("Six guards from the oil company (NPC) were wounded.", tolls(injured=(6, 6))),
        ("8 pupils at the school in the district capital died.", tolls(killed=(8, 8))),
        ("4 elders in the village said 2 soldiers were killed.", tolls(killed=(2, 2))),
        ("Three events based on reports found in the press were recorded.", tolls()),
    ],
)
def test_toll_phrases(sentence: str, expected: Tolls) -> None:
    assert parse_tolls(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "There are possibly 37 militants still in the city.",
        "The 100 fighters crossed the river at night.",
        "The rocket was fired from seven miles away.",
        "A 25-year-old student spoke to reporters.",
        "Up to 3 million people live there.",
        "The 9th Brigade moved into the town.",
        "The offensive began on 21 October 2016.",
        "In 2014, the group seized the city.",
        "The curfew starts at 10:30 each night.",
        "The attack began at 9 p.m. and lasted two hours.",
        "Officials pledged $5 million for the 12 villages hit.",
        "Turnout fell by 40 percent.",
        "Troops captured two villages and 15 vehicles.",
        "The brigade has lost 3 tanks.",
        "No one was hurt.",
        "The group could have killed hundreds.",
        "Analysts say at least 5,000 fighters remain in the province.",
    ],
)
def test_numbers_that_are_not_tolls(sentence: str) -> None:
    assert not parse_tolls(sentence).any()


def test_a_combined_figure_is_reported_as_not_a_toll() -> None:
    sentence = "Most of the 100 fighters have been killed or captured."
    reading = read_tolls(sentence)
    assert not reading.figures
    assert [sentence[a:b] for a, b in reading.not_tolls] == ["100"]


def test_figures_give_the_words_naming_the_victims() -> None:
    sentence = "Reports said more than ten dead fighters lay on the road."
    (figure,) = read_tolls(sentence).figures
    assert (figure.kind, figure.low, figure.high) == ("killed", 10, None)
    assert "fighters" in sentence[figure.start:figure.end]


def test_a_sentence_without_figures_has_empty_tolls() -> None:
    assert parse_tolls("The city was calm on Sunday.") == Tolls(N, N, N)
    assert not Tolls().any()


# --- README's toll table: every example written as a sentence is checked here -----------------------

README = Path(__file__).resolve().parents[3] / "README.md"
_ROW = re.compile(r"^\| (?P<says>.+) \| (?P<low>\d+|empty) \| (?P<high>\d+|empty) \|$", re.MULTILINE)
_SENTENCE = re.compile(r'"([^"]+[.])"')


def _readme_sentences() -> list[tuple[str, int | None, int | None]]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("<!-- section: tolls -->"):text.index("<!-- section: places -->")]
    found = []
    for row in _ROW.finditer(section):
        low, high = (None if v == "empty" else int(v) for v in (row["low"], row["high"]))
        found += [(sentence, low, high) for sentence in _SENTENCE.findall(row["says"])]
    return found


def test_the_readme_toll_table_has_sentence_examples() -> None:
    assert len(_readme_sentences()) >= 20


@pytest.mark.parametrize(("sentence", "low", "high"), _readme_sentences())
def test_every_sentence_of_the_readme_toll_table(sentence: str, low: int | None, high: int | None) -> None:
    tolls_read = parse_tolls(sentence)
    figures = [r for r in (tolls_read.killed, tolls_read.injured, tolls_read.captured) if r != N]
    if low is None and high is None:
        assert not figures, tolls_read
    else:
        assert figures and all(r == Range(low, high) for r in figures), tolls_read


# --- who did what to whom, on more short texts ------------------------------------------------------

@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The soldier was wounded and the assailant was killed.", tolls(killed=(1, 1), injured=(1, 1))),
        ("The driver was killed and six passengers wounded in the explosion.", tolls(killed=(1, 1), injured=(6, 6))),
        ("One person was killed and another was injured.", tolls(killed=(1, 1), injured=(1, 1))),
        ("Gunmen killed his younger brother.", tolls(killed=(1, 1))),
        ("Raiders burned two suspected thieves to death.", tolls(killed=(2, 2))),
        ("Locals lynched a man.", tolls(killed=(1, 1))),
        ("Nine people including two policemen were killed.", tolls(killed=(9, 9))),
        ("One officer was killed in the attack, along with 2 others.", tolls(killed=(3, 3))),
        ("In addition to eight assailants, four soldiers were killed.", tolls(killed=(12, 12))),
        ("Gunmen shot and killed Jo Bloggs, a local teacher, in the market.", tolls(killed=(1, 1))),
        ("Okonkwo, the deputy mayor of the town, was killed in the attack.", tolls(killed=(1, 1))),
        ("Jones was killed in the attack.", tolls(killed=(1, 1))),
        ("Jones was shot and killed and his body was found a day later.", tolls(killed=(1, 1))),
        ("Gunmen shot dead Jo Bloggs, a trader, and Ann Roe, a nurse, in the market.", tolls(killed=(2, 2))),
        ("Jo Bloggs, a trader, and Ann Roe, a nurse, were wounded.", tolls(injured=(2, 2))),
        ("Gunmen killed Jo Bloggs, his wife and a neighbour.", tolls(killed=(3, 3))),
        ("The watchman was beaten and injured by the robbers.", tolls(injured=(1, 1))),
        ("Two herders were abducted and killed.", tolls(killed=(2, 2), captured=(2, 2))),
        ("Bandits kidnapped and killed the village head.", tolls(killed=(1, 1), captured=(1, 1))),
        ("At least 9 people, including children, were killed and 14 others were wounded.",
         tolls(killed=(9, None), injured=(14, 14))),
        ("A commander and four others were killed.", tolls(killed=(5, 5))),
        ("Eleven people (most of them traders) were killed.", tolls(killed=(11, 11))),
        ("Two herders and four farmers (including a village head) died.", tolls(killed=(6, 6))),
        ("Three injuries and one fatality were reported.", tolls(killed=(1, 1), injured=(3, 3))),
        ("A mob lynched a man who was involved in the killing of a trader.", tolls(killed=(1, 1))),
        ("Four vigilantes and Mende tribesmen were killed.", tolls(killed=(4, 4))),
        ("Police opened fire and 2 protesters were killed.", tolls(killed=(2, 2))),
        ("Gunmen killed the fishermen.", N_TOLLS),
        ("Students protested in the city against the killing of a teacher, and police killed one protester.",
         tolls(killed=(1, 1))),
        ("Residents were killed.", N_TOLLS),
        ("Police killed the gunmen.", N_TOLLS),
        ("Gunmen killing villagers is a growing fear.", N_TOLLS),
        ("Six dead and several wounded in two attacks.", N_TOLLS),
        ("No one was hurt and nobody died.", N_TOLLS),
    ],
)
def test_victims_named_without_a_number(sentence: str, expected: Tolls) -> None:
    assert parse_tolls(sentence) == expected


def test_attackers_are_not_the_victims_of_their_own_verb() -> None:
    reading = read_tolls("Three gunmen shot dead a councillor.")
    assert reading.tolls == tolls(killed=(1, 1))
    assert [reading.figures[0].low] == [1]


@pytest.mark.parametrize(("sentence", "killed"), [
    ("Two suicide bombers blew themselves up at the gate and 9 guards were killed.", (11, 11)),
    ("At least two attackers detonated themselves and 9 guards were killed.", (11, None)),
    ("A suicide bomber detonated himself outside the police station, killing three officers.", (4, 4)),
    ("A woman exploded herself at the checkpoint.", (1, 1)),
    # counted once when the text counts the attacker itself
    ("In addition to the bomber, six people died when a suicide bomber blew himself up at the rally.", (7, 7)),
    ("The bomber blew himself up in the crowd, killing himself and 5 others.", (6, 6)),
    # no reflexive: what was blown up is no one
    ("Insurgents blew up a pylon and detonated a mine on the road.", (None, None)),
])
def test_an_attacker_who_blew_himself_up_is_among_the_dead(sentence: str, killed: tuple[int | None, int | None]) -> None:
    assert read_tolls(sentence).tolls.killed == Range(*killed)


@pytest.mark.parametrize(("sentence", "killed", "captured"), [
    ("Bandits kidnapped 6 travellers and later killed them.", (6, 6), (6, 6)),
    ("Villagers caught two suspected robbers and lynched them near the well.", (2, 2), (None, None)),
    ("The soldiers stopped 4 herders and shot them dead.", (4, 4), (None, None)),
    # the attackers as the subject are not whom "them" stands for
    ("Three gunmen stormed the farm and killed them.", (None, None), (None, None)),
    ("Witnesses said three gunmen stormed the farm and killed them.", (None, None), (None, None)),
    # counted once: the figure already counts the dead
    ("Insurgents killed 5 guards and burned them.", (5, 5), (None, None)),
    # things are not people
    ("Rebels torched 30 huts and looted them.", (None, None), (None, None)),
])
def test_them_counts_the_people_told_before_it(sentence: str, killed: tuple[int | None, int | None],
                                                captured: tuple[int | None, int | None]) -> None:
    reading = read_tolls(sentence)
    assert (reading.tolls.killed, reading.tolls.captured) == (Range(*killed), Range(*captured))
