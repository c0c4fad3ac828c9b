"""Hostile input: the build never crashes, names every bad input, writes the good rows, and every CSV
cell it writes (and the page's download writes) is one record with no spreadsheet formula.

Our own payloads for each case of issue 10 (control characters and formulas in metadata, one file name
in two folders, BOMs and invalid bytes, broken links and FIFOs, damaged caches), then fuzzed
articles, tables and manifests (hypothesis, few examples each so that the suite stays fast).
"""

from __future__ import annotations

import csv
import io
import logging
import marshal
import os
import sqlite3
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from dashboard import schema
from dashboard.errors import ArticleError, ManifestError
from dashboard.preprocess.places import world_index
from dashboard.preprocess.places.nominatim import AnswerCache
from dashboard.preprocess.ingest import parse_article, read_manifest
from dashboard.preprocess.pipeline import BuildOptions, run_build
from dashboard.settings import Settings
from dashboard.schema import C
from dashboard.ui.export import csv_bytes

BODY = "A roadside bomb killed {n} soldiers near {town} on Monday, officials said."
FORMULAS = ("=1+2", "+SUM(A1)", "-2+3", "@SUM(A1)", '=HYPERLINK("http://127.0.0.2/x","y")')
HIDDEN = ("\r", "\n", "\r\n", "\t", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\x00", "\x7f", "\u200b",
          "\ufeff", "\u00a0", "\u202e", " \r ")
TRIGGERS = ("=", "+", "-", "@")


def visible_start(cell: str) -> str:
    """The cell without the whitespace, control and format characters in front of it."""
    index = 0
    while index < len(cell) and (cell[index].isspace() or unicodedata.category(cell[index])[0] in "CZ"):
        index += 1
    return cell[index:]


def assert_safe_csv(data: bytes, rows: int) -> list[list[str]]:
    """``data`` reads as ``rows`` records of the header's width in Python's csv and in pandas, no formula."""
    text = data.decode("utf-8")
    with io.StringIO(text, newline="") as stream:
        records = list(csv.reader(stream))
    assert len(records) == rows + 1
    assert all(len(record) == len(records[0]) for record in records)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert frame.shape == (rows, len(records[0]))
    assert frame.values.tolist() == records[1:]
    for record in records:
        for cell in record:
            assert not visible_start(cell).startswith(TRIGGERS), repr(cell)
    return records


# --- our own payloads: one build over every case ---------------------------------------------------


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("hostile")
    inputs = root / "in"
    for folder in ("a", "b", "html", "enc"):
        (inputs / folder).mkdir(parents=True)
    good: dict[str, str] = {}

    def article(key: str, data: bytes) -> None:
        (inputs / key).write_bytes(data)
        good[key] = key

    # one file name in two folders: two articles
    article("a/report.txt", f"Bomb near Kirkuk\n\n{BODY.format(n='four', town='Kirkuk')}\n".encode())
    article("b/report.txt", f"Bomb near Basra\n\n{BODY.format(n='nine', town='Basra')}\n".encode())
    # a lone carriage return (and other hidden characters) before a formula in HTML metadata
    for number, hidden in enumerate(HIDDEN):
        entity = "".join(f"&#{ord(c)};" for c in hidden)
        formula = FORMULAS[number % len(FORMULAS)].replace('"', "&quot;")
        article(f"html/page{number}.html", (
            f"<html><head><meta property='og:site_name' content='{entity}{formula}'>"
            f"<meta property='og:title' content='Wire{entity}{formula}'><title>t</title></head><body><article>"
            f"<p>{BODY.format(n='three', town='Mosul')}</p></article></body></html>").encode())
    # formulas behind controls in front matter and in the text's own lines
    for number, formula in enumerate(FORMULAS):
        hidden = HIDDEN[number * 3 % len(HIDDEN)].replace("\n", " ").replace("\r", " ")
        article(f"a/front{number}.md", (
            f"---\ntitle: {hidden}{formula}\nsource: \t{formula}\n---\n{BODY.format(n='two', town='Tikrit')}\n"
            f"Source: {formula}\n").encode())
    # encodings: BOMs, UTF-16 without one, one invalid byte
    text = f"Caf\u00e9 attack in Herat\n\n{BODY.format(n='five', town='Herat')}\n"
    article("enc/utf8bom.txt", text.encode("utf-8-sig"))
    article("enc/utf16.txt", text.encode("utf-16"))
    article("enc/utf16be.txt", b"\xfe\xff" + text.encode("utf-16-be"))
    article("enc/utf16nobom.txt", text.encode("utf-16-le"))
    article("enc/invalid.txt", text.encode("utf-8").replace(b"attack", b"att\xffack"))
    # file names that hold line breaks and a formula
    article("a/line\nbreak\r=1+2.txt", f"Bomb near Mosul\n\n{BODY.format(n='two', town='Mosul')}\n".encode())
    (inputs / "empty\n=SUM(A1).txt").write_bytes(b"")
    # bad inputs, each to be named in the summary
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "binary.txt").write_bytes(b"\x00\x01\x02\x03PK" * 100)
    (inputs / "notes.pdf").write_bytes(b"%PDF")
    (inputs / "dangling.txt").symlink_to(inputs / "nowhere.txt")
    os.mkfifo(inputs / "pipe.txt")
    out, incidents = root / "reports.csv", root / "incidents.csv"
    summary = run_build(BuildOptions(inputs=(inputs,), out=out, incidents_out=incidents, settings=Settings(geocoder="none")))
    return {"summary": summary, "out": out, "incidents": incidents,
            "good": {key.replace("\n", "\\n").replace("\r", "\\r") for key in good}}


def test_the_build_reads_every_good_article_under_its_own_key(hostile_build) -> None:
    reports = schema.read_table(hostile_build["out"])
    assert set(reports[C.article]) == hostile_build["good"]
    assert hostile_build["summary"].articles_read == len(hostile_build["good"])
    two = reports[reports[C.article].isin(["a/report.txt", "b/report.txt"]) & (reports[C.event_type] != "mention")]
    assert sorted(zip(two[C.article], two[C.killed_min])) == [("a/report.txt", 4), ("b/report.txt", 9)]


def test_every_bad_input_is_named_with_its_reason(hostile_build) -> None:
    summary = hostile_build["summary"]
    named = {Path(s.name).name: s.reason for s in summary.skipped + summary.passed_over}
    assert "empty" in named["empty.txt"] and "binary" in named["binary.txt"]
    assert "suffix" in named["notes.pdf"] and "broken link" in named["dangling.txt"] and "FIFO" in named["pipe.txt"]
    rendered = summary.render()
    for name in ("empty.txt", "binary.txt", "notes.pdf", "dangling.txt", "pipe.txt", "empty\\n=SUM(A1).txt"):
        assert name in rendered
    assert all(line.startswith(("articles read", "  ", "invalid bytes", "wrote")) for line in rendered.split("\n"))


def test_encodings_are_honoured_and_invalid_bytes_counted(hostile_build) -> None:
    reports = schema.read_table(hostile_build["out"])
    titles = dict(zip(reports[C.article], reports[C.title]))
    for key in ("enc/utf8bom.txt", "enc/utf16.txt", "enc/utf16be.txt", "enc/utf16nobom.txt"):
        assert titles[key] == "Caf\u00e9 attack in Herat"
    assert titles["enc/invalid.txt"] == "Caf\u00e9 att\ufffdack in Herat"  # the rest intact
    assert hostile_build["summary"].replaced == [("enc/invalid.txt", 1)]
    assert "invalid bytes replaced: 1" in hostile_build["summary"].render()


def test_built_tables_and_their_downloads_are_one_record_per_row_without_formulas(hostile_build) -> None:
    for path in (hostile_build["out"], hostile_build["incidents"]):
        table = schema.read_table(path)
        records = assert_safe_csv(path.read_bytes(), len(table))
        assert len(records) > 20
        assert_safe_csv(csv_bytes(table), len(table))
    sources = set(schema.read_table(hostile_build["out"])[C.source])
    assert any(s.startswith("'") and "=1+2" in s for s in sources)  # neutralised, not dropped


# --- fuzzed cells, articles, manifests and builds -------------------------------------------------

CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
HOSTILE_CELL = st.one_of(CELL, st.tuples(st.sampled_from(HIDDEN), st.sampled_from(FORMULAS), CELL).map("".join))


@settings(max_examples=40, deadline=None)
@given(title=HOSTILE_CELL, source=HOSTILE_CELL, actor=HOSTILE_CELL, mention=HOSTILE_CELL, evidence=HOSTILE_CELL)
def test_any_text_cell_is_one_csv_record_without_a_formula(title, source, actor, mention, evidence) -> None:
    row = {name: "" for name in schema.COLUMNS} | {
        C.incident_id: "id", C.date_precision: "unknown", C.event_type: "mention", C.article: "a.txt",
        C.title: title, C.source: source, C.actor: actor, C.mention: "m" + mention, C.evidence: "e" + evidence}
    table = schema.validate(pd.DataFrame([row, row | {C.incident_id: "id2"}]))
    for data in (schema.to_csv_bytes(table), csv_bytes(table)):
        records = assert_safe_csv(data, 2)
        record = dict(zip(records[0], records[1]))
        assert record[C.mention].lstrip("'").startswith("m") and record[C.evidence].lstrip("'").startswith("e")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=600), CELL.map(lambda t: t.encode("utf-8")),
                      st.tuples(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"]),
                                st.text(max_size=300)).map(lambda p: p[1].encode(p[0], errors="replace"))),
       html=st.booleans())
def test_any_bytes_are_an_article_or_one_article_error(data: bytes, html: bool) -> None:
    try:
        article = parse_article("fuzz.html" if html else "fuzz.txt", data, is_html=html)
    except ArticleError as err:
        assert err.name in str(err) and err.reason
        return
    assert article.text.strip() and "\x00" not in article.text and article.replaced >= 0


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(CELL, max_size=7), max_size=6), header=st.lists(
    st.sampled_from(["file", "source", "published", "url", "title", "other", ""]), min_size=1, max_size=6))
def test_any_manifest_is_read_or_refused_with_one_manifest_error(tmp_path_factory, rows, header) -> None:
    path = tmp_path_factory.mktemp("manifest") / "manifest.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows([header, *rows])
    try:
        entries = read_manifest(path)
    except ManifestError as err:
        assert str(err).count("\n") == 0 and "manifest" in str(err)
        return
    assert all(isinstance(key, str) and key for key in entries)


NAMES = st.text(alphabet="abcdefghij_-", min_size=1, max_size=8)


# A build per example: no shrinking (a failure is reported as found).
@settings(max_examples=12, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(files=st.dictionaries(st.tuples(st.sampled_from(["", "x/", "y/"]), NAMES,
                                       st.sampled_from([".txt", ".md", ".html", ".csv"])).map("".join),
                             st.one_of(st.binary(max_size=300), HOSTILE_CELL.map(str.encode)), max_size=4))
def test_a_build_over_fuzzed_files_names_every_file_and_writes_the_good_rows(tmp_path_factory, files) -> None:
    root = tmp_path_factory.mktemp("fuzzbuild")
    inputs = root / "in"
    (inputs / "x").mkdir(parents=True)
    (inputs / "y").mkdir()
    (inputs / "good.txt").write_text(f"Clash in Ramadi\n\n{BODY.format(n='six', town='Ramadi')}\n")
    for name, data in files.items():
        (inputs / name).write_bytes(data)
    out = root / "reports.csv"
    summary = run_build(BuildOptions(inputs=(inputs,), out=out, settings=Settings(geocoder="none")))
    table = schema.read_table(out)
    read = set(summary.read)
    assert "good.txt" in set(table[C.article]) and set(table[C.article]) <= read
    assert summary.articles_read == len(read)
    reported = {s.name for s in summary.skipped} | {Path(s.name).relative_to(inputs).as_posix()
                                                    for s in summary.passed_over}
    for name in files:
        assert (name in read) != (name in reported), name  # read, or reported with a reason: one of the two
    assert_safe_csv(out.read_bytes(), len(table))


# --- damaged caches: rebuilt with a warning, never a crash ------------------------------------------


def tiny_world() -> world_index.WorldIndex:
    builder = world_index.IndexBuilder()
    builder.add(1, "Town", 1.0, 2.0, "CC", "", 10, "city")
    return builder.finish()


@pytest.mark.parametrize("content", [
    b"", b"hand made", marshal.dumps([1, 2, 3]), marshal.dumps({"name": 3}),
    marshal.dumps({field: None for field in world_index.WorldIndex.__slots__}),
    world_index._MAGIC + b"\x00" * 32 + marshal.dumps({"name": "x"}),
])
def test_a_damaged_or_hand_made_gazetteer_cache_is_rebuilt_with_a_warning(tmp_path: Path, caplog, monkeypatch,
                                                                          content: bytes) -> None:
    monkeypatch.setattr(world_index, "build_world", tiny_world)
    path = world_index.cache_file(tmp_path)
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="dashboard"):
        index = world_index.load_world(tmp_path)
    assert list(index.name) == ["Town"]
    assert "gazetteer cache" in caplog.text and "rebuilt" in caplog.text
    caplog.clear()
    assert list(world_index.load_world(tmp_path).name) == ["Town"] and not caplog.text  # the rebuilt file is good


def test_a_tampered_gazetteer_cache_with_a_good_header_is_rebuilt(tmp_path: Path, caplog, monkeypatch) -> None:
    monkeypatch.setattr(world_index, "build_world", tiny_world)
    good = world_index._to_bytes(tiny_world())
    path = world_index.cache_file(tmp_path)
    path.write_bytes(good[:-3] + b"\x00\x00\x00")
    with caplog.at_level(logging.WARNING, logger="dashboard"):
        assert list(world_index.load_world(tmp_path).name) == ["Town"]
    assert "digest" in caplog.text


@pytest.mark.parametrize("damage", ["bytes", "other table"])
def test_a_damaged_geocoder_cache_is_set_aside_and_built_anew(tmp_path: Path, caplog, damage: str) -> None:
    path = tmp_path / AnswerCache.FILE_NAME
    if damage == "bytes":
        path.write_bytes(b"not a database " * 100)
    else:
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE answers (x)")
        connection.close()
    cache = AnswerCache(tmp_path)
    with caplog.at_level(logging.WARNING, logger="dashboard"):
        assert cache.get("k") is None
        cache.put("k", [])
        assert cache.get("k") == []
    cache.close()
    assert "geocoder cache" in caplog.text and (tmp_path / (AnswerCache.FILE_NAME + ".damaged")).exists()
