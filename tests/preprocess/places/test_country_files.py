"""GeoNames country files: import, duplicates, list/remove, download, bad files, use by a build.

The files here are written by the tests (made-up places with improbable names near Kirkuk), in
the 19-column layout of download.geonames.org/export/dump.
"""

from __future__ import annotations

import csv
import functools
import http.server
import threading
import zipfile
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.geodesy import km_between
from dashboard.preprocess.places import country_files
from dashboard.preprocess.places.gazetteer import load_gazetteer

KIRKUK_ID = 94787


def row(gid: int, name: str, lat: float, lon: float, fclass: str, fcode: str, admin1: str = "13",
        alternates: str = "", population: int = 0, cc: str = "IQ") -> str:
    fields = [str(gid), name, name, alternates, str(lat), str(lon), fclass, fcode, cc, "", admin1, "", "", "",
              str(population), "", "300", "Asia/Baghdad", "2020-01-01"]
    assert len(fields) == 19
    return "\t".join(fields)


GOOD_ROWS = [
    row(900000001, "Qzorvillage", 35.61, 44.12, "P", "PPL", alternates='Qzor Village,"Qzor" Qaryat'),
    row(900000002, "Qzorvillage", 35.615, 44.125, "P", "PPL", alternates="Qzorvillaj"),  # the same, 0.7 km off
    row(900000003, "Qzorvillage", 36.60, 44.12, "P", "PPLL"),  # a namesake 110 km away: another place
    row(KIRKUK_ID, "Kirkuk", 35.46806, 44.39222, "P", "PPLA", alternates="Kerkukzqa", population=1031000),
    row(421190751, "Karkuk", 35.47, 44.40, "P", "PPL", admin1="", alternates="Kerkukzqb"),  # WOF row, concordance
    row(900000004, "Zqxabad District", 35.70, 44.20, "A", "ADM2", population=250000),
    row(900000005, "Zqx Air Base", 35.50, 44.30, "S", "AIRB", admin1=""),
    row(900000006, "Zqx Mountains", 35.90, 44.60, "T", "MTS"),
    row(900000007, "Zqxtown Quarter", 35.47, 44.39, "P", "PPLX"),
    row(900000008, "Syria", 35.80, 44.50, "P", "PPL", alternates="Zqxsyria"),  # a hamlet with a country's name
]


def write_country(folder: Path, rows: list[str], name: str = "IQ.txt", concordance: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    if concordance:
        (folder / "wof_concordance.tsv").write_text(
            "country_code\twof_id\tgeonameid\twikidata_id\twof_placetype\n"
            f"IQ\t421190751\t{KIRKUK_ID}\tQ1\tlocality\nIQ\t421190752\t\tQ2\tlocality\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder with the good file imported through the command line."""
    base = tmp_path_factory.mktemp("imported")
    source = write_country(base / "files", GOOD_ROWS)
    assert main(["gazetteer", "add", str(source), "--cache", str(base / "cache")]) == 0
    return base / "cache"


def test_every_feature_class_is_imported_with_its_kind_and_province(imported: Path) -> None:
    places = load_gazetteer(cache=imported)
    village = [p for p in places.lookup("Qzorvillage") if p.country_code == "IQ"]
    assert {p.kind for p in village} == {"village"} and village[0].admin1 == "Kirkuk"
    assert village[0].geo_precision == "place"
    district = places.lookup("Zqxabad District")
    assert [p.kind for p in district] == ["admin2"] and district[0].geo_precision == "region"
    assert district[0].admin1 == "Kirkuk" and district[0].population == 0  # an area never outweighs its towns
    assert [p.kind for p in places.lookup("Zqx Air Base")] == ["site"]
    assert [p.kind for p in places.lookup("Zqx Mountains")] == ["terrain"]
    assert [p.kind for p in places.lookup("Zqxtown Quarter")] == ["neighbourhood"]
    assert places.get("gn:900000005").name == "Zqx Air Base"
    # A hamlet spelled as a country is found by its other names, never by the country's.
    assert "gn:900000008" not in {p.key for p in places.lookup("Syria")}
    assert [p.key for p in places.lookup("Zqxsyria")] == ["gn:900000008"]


def test_duplicates_merge(imported: Path) -> None:
    places = load_gazetteer(cache=imported)
    # Twice in the file, 0.7 km apart: one place answering to both rows' spellings.
    near = [p for p in places.lookup("Qzorvillaj")]
    assert [p.key for p in near] == ["gn:900000001"]
    assert "gn:900000001" in {p.key for p in places.lookup("Qzor Village")}
    # The namesake 110 km away stays a place of its own.
    assert {p.key for p in places.lookup("Qzorvillage")} == {"gn:900000001", "gn:900000003"}
    # The world's Kirkuk, by its GeoNames id and by the WOF concordance: still one place.
    kirkuk = [p for p in places.lookup("Kirkuk") if p.country_code == "IQ" and p.kind == "city"]
    assert [p.key for p in kirkuk] == [f"gn:{KIRKUK_ID}"]
    assert [p.key for p in places.lookup("Kerkukzqa")] == [f"gn:{KIRKUK_ID}"]
    assert [p.key for p in places.lookup("Kerkukzqb")] == [f"gn:{KIRKUK_ID}"]
    assert places.get("gn:421190751").key == f"gn:{KIRKUK_ID}"
    [entry] = country_files.list_imported(imported)
    assert (entry.places, entry.added, entry.merged) == (10, 7, 3)


def test_the_default_gazetteer_does_not_see_another_cache(imported: Path, tmp_path: Path) -> None:
    assert load_gazetteer(cache=tmp_path).lookup("Qzorvillage") == []


def test_list_and_remove(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    cache = tmp_path / "cache"
    source = write_country(tmp_path / "files", GOOD_ROWS[:1])
    assert main(["gazetteer", "list", "--cache", str(cache)]) == 0
    assert "no country file imported" in capsys.readouterr().out
    assert main(["gazetteer", "add", str(source), "--cache", str(cache)]) == 0
    assert capsys.readouterr().out.startswith("IQ: 1 places from")
    assert load_gazetteer(cache=cache).lookup("Qzorvillage")
    assert main(["gazetteer", "list", "--cache", str(cache)]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("IQ\t1 places") and str(source.resolve()) in listed
    assert main(["gazetteer", "remove", "SO", "--cache", str(cache)]) == 2
    assert "not imported: SO" in capsys.readouterr().err
    assert main(["gazetteer", "remove", "iq", "--cache", str(cache)]) == 0
    assert country_files.list_imported(cache) == []
    assert load_gazetteer(cache=cache).lookup("Qzorvillage") == []
    assert not list((cache / "gazetteer").glob("*.marshal"))


@pytest.mark.parametrize("bad, line, fragment", [
    (row(1, "Zqa", 35.0, 44.0, "P", "PPL").rsplit("\t", 1)[0], 2, "18 tab-separated columns"),
    (row(1, "Zqa", 95.0, 44.0, "P", "PPL"), 2, "out of range"),
    (row(1, "Zqa", 35.0, 44.0, "P", "PPL").replace("35.0", "north"), 2, "not numbers"),
    (row(1, "Zq\udcffa", 35.0, 44.0, "P", "PPL"), 2, "not UTF-8"),
])
def test_a_bad_file_stops_with_one_line_and_leaves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                          bad: str, line: int, fragment: str) -> None:
    cache = tmp_path / "cache"
    good = write_country(tmp_path / "files", GOOD_ROWS[:1], name="SY.txt", concordance=False)
    path = tmp_path / "files" / "IQ.txt"
    path.write_bytes(("\n".join([GOOD_ROWS[0], bad, GOOD_ROWS[2]]) + "\n").encode("utf-8", "surrogateescape"))
    assert main(["gazetteer", "add", str(good), str(path), "--cache", str(cache)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{path} line {line}" in err and fragment in err
    assert not (cache / "gazetteer").exists() or not any((cache / "gazetteer").iterdir())
    assert country_files.list_imported(cache) == []


def test_a_bad_file_keeps_what_was_imported_before(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    good = write_country(tmp_path / "good", GOOD_ROWS[:1])
    assert main(["gazetteer", "add", str(good), "--cache", str(cache)]) == 0
    before = sorted(p.name for p in (cache / "gazetteer").iterdir())
    bad = write_country(tmp_path / "bad", [GOOD_ROWS[0], "1\tonly three\tcolumns"], name="SY.txt")
    assert main(["gazetteer", "add", str(bad), "--cache", str(cache)]) == 2
    assert sorted(p.name for p in (cache / "gazetteer").iterdir()) == before
    assert [e.country_code for e in country_files.list_imported(cache)] == ["IQ"]


def test_download_from_a_loopback_server(tmp_path: Path) -> None:
    served = tmp_path / "served" / "dump"
    served.mkdir(parents=True)
    with zipfile.ZipFile(served / "IQ.zip", "w") as archive:
        archive.writestr("IQ.txt", "\n".join(GOOD_ROWS[:3]) + "\n")
        archive.writestr("readme.txt", "not a place file")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served.parent))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/dump"
        cache = tmp_path / "cache"
        assert main(["gazetteer", "download", "IQ", "--gazetteer-url", base, "--cache", str(cache)]) == 0
        [entry] = country_files.list_imported(cache)
        assert entry.source == f"{base}/IQ.zip" and entry.places == 3
        assert load_gazetteer(cache=cache).lookup("Qzorvillaj")
        assert main(["gazetteer", "download", "SO", "--gazetteer-url", base, "--cache", str(cache)]) == 2
        assert [e.country_code for e in country_files.list_imported(cache)] == ["IQ"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_build_uses_the_imported_village(imported: Path, tmp_path: Path) -> None:
    article = tmp_path / "articles" / "report.txt"
    article.parent.mkdir()
    article.write_text("Village raid\n\nGunmen killed four farmers in the village of Qzorvillage on Monday, "
                       "police said.\n", encoding="utf-8")
    out = tmp_path / "table.csv"
    assert main(["build", str(article.parent), "--out", str(out), "--quiet", "--cache", str(imported)]) == 0
    with out.open(encoding="utf-8") as stream:
        rows = [r for r in csv.DictReader(stream) if r["mention"] == "Qzorvillage"]
    assert rows and rows[0]["geo_precision"] == "place" and rows[0]["admin1"] == "Kirkuk"
    assert km_between(float(rows[0]["latitude"]), float(rows[0]["longitude"]), 35.61, 44.12) < 1
    # Without the import the name is unknown: no point at that village.
    plain = tmp_path / "plain.csv"
    assert main(["build", str(article.parent), "--out", str(plain), "--quiet", "--cache", str(tmp_path / "none")]) == 0
    with plain.open(encoding="utf-8") as stream:
        assert not any(r["latitude"] and km_between(float(r["latitude"]), float(r["longitude"]), 35.61, 44.12) < 1
                       for r in csv.DictReader(stream))


def test_kinds_of_feature_codes() -> None:
    assert country_files.kind_of("A", "ADM1", 0) == "admin1"
    assert country_files.kind_of("A", "ADM3", 0) == "admin2"
    assert country_files.kind_of("A", "PCLI", 0) == "country"
    assert country_files.kind_of("P", "PPLC", 0) == "city"
    assert country_files.kind_of("P", "PPL", 20000) == "city"
    assert country_files.kind_of("P", "PPLA2", 0) == "town"
    assert country_files.kind_of("P", "PPL", 50) == "village"
    assert country_files.kind_of("S", "CMPRF", 0) == "camp"
    assert country_files.kind_of("H", "WAD", 0) == "terrain"


def test_a_rebuild_after_an_import_does_not_reuse_rows_made_without_it(tmp_path: Path) -> None:
    """The article cache lives in the same cache folder: an import must make the rows anew."""
    article = tmp_path / "articles" / "report.txt"
    article.parent.mkdir()
    article.write_text("Village raid\n\nGunmen killed four farmers in the village of Qzorvillage on Monday.\n",
                       encoding="utf-8")
    cache = tmp_path / "cache"

    def qzor_rows() -> list[dict]:
        out = tmp_path / "table.csv"
        assert main(["build", str(article.parent), "--out", str(out), "--quiet", "--cache", str(cache)]) == 0
        with out.open(encoding="utf-8") as stream:
            return [r for r in csv.DictReader(stream) if r["mention"] == "Qzorvillage" and r["latitude"]]

    assert not any(km_between(float(r["latitude"]), float(r["longitude"]), 35.61, 44.12) < 1 for r in qzor_rows())
    source = write_country(tmp_path / "files", GOOD_ROWS)
    assert main(["gazetteer", "add", str(source), "--cache", str(cache)]) == 0
    rows = qzor_rows()
    assert rows and km_between(float(rows[0]["latitude"]), float(rows[0]["longitude"]), 35.61, 44.12) < 1


def test_an_imported_area_is_drawn_at_the_town_of_its_name_inside_it(tmp_path: Path) -> None:
    source = write_country(tmp_path / "files", [
        row(900000101, "Zqseat District", 35.90, 44.00, "A", "ADM2"),
        row(900000102, "Zqseat", 35.80, 44.10, "P", "PPLA2", population=4000),  # 14 km off, same province
        row(900000103, "Zqlone District", 35.20, 43.80, "A", "ADM2"),           # no town of its name
    ])
    assert main(["gazetteer", "add", str(source), "--cache", str(tmp_path / "cache")]) == 0
    places = load_gazetteer(cache=tmp_path / "cache")
    [seated] = places.lookup("Zqseat District")
    assert (seated.latitude, seated.longitude) == (35.80, 44.10) and seated.geo_precision == "region"
    [lone] = places.lookup("Zqlone District")
    assert (lone.latitude, lone.longitude) == (35.20, 43.80)
