"""Resolving among namesakes in the countries a build is about: exact spellings, towns and hamlets,
and the area the text puts a place in. Made-up places (improbable names) in country files written
here, in the GeoNames dump layout; the build's focus comes from short texts written for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.geodesy import km_between
from dashboard.preprocess.places.gazetteer import Gazetteer, load_gazetteer
from dashboard.preprocess.places.geoparse import ResolvedMention, corpus_focus, geoparse
from dashboard.preprocess.places.locate import locate_places
from tests.preprocess.places.test_country_files import row, write_country

IQ_ROWS = [
    row(910000001, "Qzorrta", 35.70, 44.00, "P", "PPL"),  # spelled so; a Syrian "Qzorta" folds onto it
    row(910000002, "Qzbelda", 35.80, 44.20, "P", "PPL"),  # a hamlet named like a Syrian town
    row(910000003, "Qzfarm", 35.60, 44.10, "P", "PPL"),  # in Kirkuk province (13)
    row(910000004, "Qzremote", 34.20, 41.90, "P", "PPL"),  # in Kirkuk province as the file says, 268 km from the city
    row(910000005, "Qztwin", 34.30, 42.00, "P", "PPL"),  # in Kirkuk province, far from the city
    row(910000006, "Qztwin", 35.00, 43.80, "P", "PPL", admin1="18"),  # a namesake nearer the city, in another province
    row(910000007, "Qzlone", 33.00, 45.00, "P", "PPL"),  # a hamlet, no town near
    row(910000008, "Qzdistrict", 33.10, 45.10, "A", "ADM2"),
    row(910000009, "Qzmile", 34.50, 43.50, "P", "PPL"),  # a hamlet
    row(910000010, "Qzmila", 31.50, 46.50, "P", "PPL", population=30000),  # a town spelled alike, 400 km away
    row(910000011, "Qzaltname", 36.50, 42.50, "P", "PPL", admin1="15", alternates="Qzalt"),  # in Nineveh, also called Qzalt
    row(910000012, "Qzroblo", 36.20, 42.80, "P", "PPL", admin1="15"),  # in Nineveh; the news may write "Qzrobolo"
    row(910000013, "Qztwinsa", 36.30, 42.90, "P", "PPL", admin1="15"),  # two names alike, in Nineveh
    row(910000014, "Qztwinso", 36.40, 43.00, "P", "PPL", admin1="15"),
    row(910000015, "Qzhood", 36.30, 44.90, "P", "PPL"),  # a village 100 km from Kirkuk city
]
SY_ROWS = [
    row(920000001, "Qzorta", 36.20, 37.10, "P", "PPL", admin1="09", cc="SY"),
    row(920000002, "Qzbelda", 36.00, 37.30, "P", "PPL", admin1="09", population=25000, cc="SY"),
    row(920000003, "Texas", 36.05, 37.05, "P", "PPL", admin1="09", cc="SY"),  # a Syrian hamlet named like a US state
    row(920000004, "Qzbasin", 36.10, 37.10, "P", "PPL", admin1="09", population=3000, cc="SY"),
]


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    base = tmp_path_factory.mktemp("home")
    files = [write_country(base / "files", IQ_ROWS, "IQ.txt", concordance=False),
             write_country(base / "files", SY_ROWS, "SY.txt", concordance=False)]
    assert main(["gazetteer", "add", *map(str, files), "--cache", str(base / "cache")]) == 0
    return load_gazetteer(cache=base / "cache")


def places(text: str, gazetteer: Gazetteer, focus: dict[str, float]) -> dict[str, ResolvedMention]:
    return {m.mention.text: m for m in geoparse(text, gazetteer, focus)}


def unplaced(found: dict[str, ResolvedMention], name: str) -> bool:
    """The name got no place from the gazetteer (absent, or kept unresolved for the fallback)."""
    return name not in found or found[name].place is None


def test_an_exact_spelling_at_home_beats_a_folded_one(gazetteer: Gazetteer) -> None:
    # A build mostly about Syria, partly about Iraq: both are home.
    focus = corpus_focus(["Clashes in Aleppo and Homs.", "Shelling hit Hama.", "A protest in Baghdad."], gazetteer)
    found = places("A bomb went off near Qzorrta on Monday.", gazetteer, focus)["Qzorrta"]
    assert found.place.country_code == "IQ" and found.place.name == "Qzorrta"


def test_a_town_at_home_beats_a_hamlet_namesake_that_nothing_backs(gazetteer: Gazetteer) -> None:
    focus = corpus_focus(["Clashes in Mosul and Kirkuk.", "Shelling hit Basra.", "A protest in Aleppo."], gazetteer)
    assert places("Gunmen attacked a bakery in Qzbelda.", gazetteer, focus)["Qzbelda"].place.country_code == "SY"
    # A neighbour named backs the hamlet.
    near = places("Gunmen attacked a bakery in Qzbelda, west of Kirkuk.", gazetteer, focus)["Qzbelda"]
    assert near.place.country_code == "IQ"


def test_a_place_outside_the_province_the_text_names_is_not_that_place(gazetteer: Gazetteer) -> None:
    focus = corpus_focus(["Clashes in Mosul and Kirkuk."], gazetteer)
    inside = places("Gunmen raided Qzfarm, Kirkuk Province, Iraq.", gazetteer, focus)["Qzfarm"]
    assert km_between(inside.latitude, inside.longitude, 35.60, 44.10) < 1 and inside.geo_precision == "place"
    outside = places("Gunmen raided Qzfarm, Basra Province, Iraq.", gazetteer, focus).get("Qzfarm")
    assert outside is None or outside.place is None  # not the Kirkuk farm: the name is left to the fallback (the province, at region precision)
    assert places("Gunmen raided Qzfarm (Kirkuk, Iraq) at dawn.", gazetteer, focus)["Qzfarm"].place.name == "Qzfarm"
    assert unplaced(places("Gunmen raided Qzfarm (Basra, Iraq) at dawn.", gazetteer, focus), "Qzfarm")


def test_every_link_of_a_comma_chain_says_where_the_first_lies(gazetteer: Gazetteer) -> None:
    focus = corpus_focus(["Clashes in Mosul and Kirkuk."], gazetteer)
    assert places("Gunmen raided Qzfarm, Hawija, Kirkuk Province, Iraq.", gazetteer, focus)["Qzfarm"].place.name == "Qzfarm"
    assert unplaced(places("Gunmen raided Qzfarm, Zubayr, Basra Province, Iraq.", gazetteer, focus), "Qzfarm")


def test_a_town_named_like_its_province_may_stand_for_the_province(gazetteer: Gazetteer) -> None:
    focus = corpus_focus(["Clashes in Mosul and Kirkuk."], gazetteer)
    # "(Kirkuk, Iraq)" may be the province of Kirkuk: a place of that province far from the city fits it.
    far = places("Gunmen raided Qzremote (Kirkuk, Iraq) at dawn.", gazetteer, focus)["Qzremote"]
    assert far.place is not None and km_between(far.latitude, far.longitude, 34.20, 41.90) < 1
    # Mosul is no province's name: its town stands for the area around it only.
    assert unplaced(places("Gunmen raided Qzremote (Mosul, Iraq) at dawn.", gazetteer, focus), "Qzremote")
    # Between namesakes, the one in the province so named wins over one nearer the town.
    twin = places("Gunmen raided Qztwin, Kirkuk, Iraq.", gazetteer, focus)["Qztwin"]
    assert km_between(twin.latitude, twin.longitude, 34.30, 42.00) < 1


def test_a_comma_chain_that_reaches_a_country_places_its_first_name(gazetteer: Gazetteer) -> None:
    focus = corpus_focus(["Clashes in Mosul and Kirkuk."], gazetteer)
    # No "in X" and no town near it: the chain "X, district, country" alone says that X is a place.
    found = places("Assailants attacked Qzlone, Qzdistrict district, Iraq.", gazetteer, focus)
    assert found["Qzlone"].place is not None and km_between(found["Qzlone"].latitude, found["Qzlone"].longitude,
                                                            33.00, 45.00) < 1
    # A list of names with no area at its end says nothing of the kind.
    assert unplaced(places("Assailants attacked Qzlone, Qzdistrict and others.", gazetteer, focus), "Qzlone")


def test_a_province_named_lends_no_nearness_through_its_namesakes_abroad(gazetteer: Gazetteer) -> None:
    focus = corpus_focus(["A shooting in Houston.", "A shooting in Dallas, Texas."], gazetteer)
    # "Texas" is the US state; a Syrian hamlet of that name backs no Syrian place beside it.
    found = places("Qzbasin officers said gunmen attacked a checkpoint in Texas.", gazetteer, focus)
    assert found["Texas"].place is not None and found["Texas"].place.country_code == "US"
    assert unplaced(found, "Qzbasin")


def test_a_name_spelled_exactly_at_home_is_not_a_town_spelled_alike(gazetteer: Gazetteer) -> None:
    focus = corpus_focus(["Clashes in Mosul and Kirkuk."], gazetteer)
    # Nothing backs the hamlet Qzmile (no cue, no neighbour): no place, rather than the town Qzmila.
    assert unplaced(places("Youths of Qzmile beat a thief.", gazetteer, focus), "Qzmile")
    # Written "Qzmila", the town it is.
    assert places("Youths of Qzmila beat a thief.", gazetteer, focus)["Qzmila"].place.name == "Qzmila"


def test_a_foreign_force_named_makes_no_village_of_one_country_foreign(gazetteer: Gazetteer) -> None:
    # A build mostly about Syria, a little about Iraq.
    focus = corpus_focus(["Clashes in Aleppo.", "Shelling in Homs.", "A blast in Hama.", "Fighting in Idlib.",
                          "A protest in Kirkuk."], gazetteer)
    # Syrian warplanes strike across the border: the only Qzlone is in Iraq, and there it is.
    found = places("Syrian warplanes struck militants near Qzlone.", gazetteer, focus)["Qzlone"]
    assert found.place is not None and found.place.country_code == "IQ"


def test_the_second_of_a_pair_after_between_is_placed_when_the_first_is_unknown(gazetteer: Gazetteer) -> None:
    focus = corpus_focus(["Clashes in Mosul and Kirkuk."], gazetteer)
    found = places("Bandits killed two herders between Zzorvik and Qzlone on Monday.", gazetteer, focus)
    assert found["Qzlone"].place is not None and found["Qzlone"].place.name == "Qzlone"
    # "and" alone is no cue: a list of names is not a list of places.
    assert unplaced(places("Bandits killed Zzorvik and Qzlone on Monday.", gazetteer, focus), "Qzlone")


def test_a_place_known_by_another_spelling_is_backed_by_the_province_the_text_puts_it_in(gazetteer: Gazetteer) -> None:
    focus = corpus_focus(["Clashes in Mosul and Kirkuk."], gazetteer)
    found = places("Gunmen burned the school of Qzalt, Nineveh Governorate, Iraq.", gazetteer, focus)["Qzalt"]
    assert found.place is not None and found.place.name == "Qzaltname" and found.place.admin1 == "Nineveh"
    # In another province, the text says it is not that place.
    assert unplaced(places("Gunmen burned the school of Qzalt, Muthanna Governorate, Iraq.", gazetteer, focus), "Qzalt")


def test_a_name_the_gazetteer_lacks_is_the_one_place_of_its_province_spelled_nearly_so(gazetteer: Gazetteer) -> None:
    focus = corpus_focus(["Clashes in Mosul and Kirkuk."], gazetteer)

    def located(text: str) -> dict[str, ResolvedMention]:
        decisions: dict = {}
        found = {m.mention.text: m for m in locate_places(text, gazetteer, None, focus, decisions=decisions)}
        for m in found.values():
            why = decisions.get(m.mention.start)
            if m.place is not None and m.place.name == "Qzroblo":
                assert why is not None and "spelled nearly so (Qzroblo)" in why.reasons[0]
        return found

    moved = located("Gunmen attacked a school in Qzrobolo, Nineveh Governorate, Iraq.")["Qzrobolo"]
    assert moved.place is not None and moved.place.name == "Qzroblo" and moved.geo_precision == "place"
    # Two places of the province are spelled as nearly: the name stays at the province.
    kept = located("Gunmen attacked a school in Qztwins, Nineveh Governorate, Iraq.")["Qztwins"]
    assert kept.place is not None and kept.place.kind == "admin1" and kept.geo_precision == "region"
    # Another province named: not that place.
    other = located("Gunmen attacked a school in Qzrobolo, Muthanna Governorate, Iraq.")["Qzrobolo"]
    assert other.place is None or other.place.name != "Qzroblo"


def test_a_neighbourhood_written_with_its_town_lies_in_that_town(gazetteer: Gazetteer) -> None:
    focus = corpus_focus(["Clashes in Mosul and Kirkuk."], gazetteer)
    found = locate_places("A bomb hit the Qzhood neighbourhood, Kirkuk, on Monday.", gazetteer, None, focus)
    hood = next(m for m in found if m.mention.text == "Qzhood")
    # Not the village of that name 100 km away: the town's point, standing for its part.
    assert hood.place is not None and hood.place.name == "Kirkuk" and hood.geo_precision == "town"
    # Written as a village, it may be that village.
    assert places("Gunmen raided the village of Qzhood, north of Kirkuk.", gazetteer, focus)["Qzhood"].place.name == "Qzhood"
