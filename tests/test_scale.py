"""Issue 14: the per-article stages on every core, from the article cache, or on a Dask cluster,
give the same tables, byte for byte, as one process reading every article anew."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import sqlite3
import time
from pathlib import Path

import pytest

from dashboard import cli, schema
from dashboard.preprocess import article_cache, pipeline, runner, sections
from dashboard.preprocess.pipeline import BuildOptions, BuildSummary, run_build
from dashboard.settings import Settings

# Our own short reports: places in several countries, tolls, dates, and sources.
PLACES = ["Kirkuk", "Mosul", "Tikrit", "Maiduguri", "Kano", "Kabul", "Kandahar", "Mogadishu", "Aleppo", "Homs"]
TEMPLATES = [
    "{place}, {month} {day} (Wire) - A car bomb exploded near a market in {place} on {weekday}, killing {n} people "
    "and wounding {m} others, police said.\n\nNo group claimed the attack.",
    "Gunmen attacked a checkpoint outside {place} late on {weekday}, killing {n} soldiers, officials said on "
    "{month} {day}. {m} attackers were captured.",
    "At least {n} civilians were killed when a suicide bomber struck a mosque in {place}, a local official said. "
    "{other} was calm.",
]
MONTHS = ["January", "March", "May", "July", "September", "November"]
WEEKDAYS = ["Monday", "Tuesday", "Friday", "Sunday"]


def article_text(number: int, variant: int = 0) -> str:
    template = TEMPLATES[(number + variant) % len(TEMPLATES)]
    return template.format(place=PLACES[number % len(PLACES)], other=PLACES[(number * 3 + 1) % len(PLACES)],
                           month=MONTHS[number % len(MONTHS)], day=1 + number % 27,
                           weekday=WEEKDAYS[number % len(WEEKDAYS)], n=2 + number % 9 + variant, m=1 + number % 5)


def write_corpus(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"a{number:03d}.txt").write_text(article_text(number), encoding="utf-8")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")  # skipped: empty
    (folder / "page.html").write_text(f"<html><head><title>T</title></head><body><p>{article_text(7, 1)}</p>"
                                      "</body></html>", encoding="utf-8")
    return folder


def build(inputs: tuple[Path, ...], out: Path, cache: Path | None = None, manifest: Path | None = None,
          **settings: object) -> tuple[BuildSummary, bytes, bytes]:
    out.mkdir(parents=True, exist_ok=True)
    values = Settings(geocoder="none", cache=str(cache or out / "cache"), **settings)  # type: ignore[arg-type]
    summary = run_build(BuildOptions(inputs=inputs, out=out / "reports.csv", incidents_out=out / "incidents.parquet",
                                     manifest=manifest, settings=values, use_cache=cache is not None))
    return summary, (out / "reports.csv").read_bytes(), (out / "incidents.parquet").read_bytes()


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of a few articles: the made-up corpus's 42 go out in many tasks, whatever the default
    batch, so that workers finish them in any order and a build killed midway has made some."""
    monkeypatch.setattr(runner, "BATCH", 8)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus") / "articles", 40)


@pytest.fixture(scope="module")
def one_process(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildSummary, bytes, bytes]:
    return build((corpus,), tmp_path_factory.mktemp("one"), jobs=1)


def test_the_made_up_corpus_gives_rows(one_process) -> None:
    summary, reports, _ = one_process
    assert summary.articles_read == 41 and [s.name for s in summary.skipped] == ["empty.txt"]
    assert summary.rows >= 41 and reports.count(b"\n") == summary.rows + 1


def test_two_processes_equal_one_on_a_made_up_corpus(corpus: Path, one_process, tmp_path: Path) -> None:
    summary, reports, incidents = build((corpus,), tmp_path, jobs=2)
    assert summary.runner == "2 processes" and one_process[0].runner == "1 process"
    assert (reports, incidents) == one_process[1:]
    assert summary.read == one_process[0].read and summary.skipped == one_process[0].skipped


def test_two_processes_equal_one_on_the_seeds(seeds_dir: Path, tmp_path: Path) -> None:
    manifest = seeds_dir / "manifest.csv"
    first = build((seeds_dir,), tmp_path / "one", manifest=manifest, jobs=1)
    second = build((seeds_dir,), tmp_path / "two", manifest=manifest, jobs=2)
    assert first[0].rows > 0
    assert first[1:] == second[1:]


def test_the_focus_is_the_same_summed_in_parts(corpus: Path) -> None:
    from dashboard.preprocess.places.gazetteer import load_gazetteer
    from dashboard.preprocess.places.geoparse import corpus_focus, focus_from_votes, focus_votes

    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("a*.txt"))]
    gazetteer = load_gazetteer()
    whole = corpus_focus(texts, gazetteer, ("IQ",))
    assert len(whole) >= 3 and whole == focus_from_votes([focus_votes(t, gazetteer) for t in texts], ("IQ",))


# --- the article cache -------------------------------------------------------------------------


def entries(cache: Path) -> int:
    with sqlite3.connect(cache / article_cache.ArticleCache.FILE_NAME) as connection:
        return connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def test_a_rebuild_of_unchanged_articles_makes_no_rows(corpus: Path, one_process, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = build((corpus,), tmp_path / "first", cache, jobs=1)
    again = build((corpus,), tmp_path / "again", cache, jobs=2)
    assert "0 of 42 articles known; rows made for 41" in first[0].cache
    assert "42 of 42 articles known; rows made for 0; 0 old entries dropped" in again[0].cache
    assert first[1:] == again[1:] == one_process[1:]
    assert entries(cache) == 42


def build_files(inputs: tuple[Path, ...], out: Path, cache: Path | None = None) -> dict[str, bytes]:
    """Every file a build of ``inputs`` with a CSV reports table alone writes into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    run_build(BuildOptions(inputs=inputs, out=out / "reports.csv", use_cache=cache is not None,
                           settings=Settings(geocoder="none", jobs=1, cache=str(cache or out / "cache"))))
    return {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}


def stored_lines(cache: Path) -> list[str]:
    with sqlite3.connect(cache / article_cache.ArticleCache.FILE_NAME) as connection:
        return [lines for (lines,) in connection.execute("SELECT lines FROM lines")]


def test_an_entry_stored_anew_loses_its_lines_and_a_dropped_one_takes_them_along(tmp_path: Path) -> None:
    cache = article_cache.ArticleCache(tmp_path, "corpus")
    row = _row(1)
    entry = article_cache.Entry((), 0, "", "focus one", [row], ['{"mention":""}'])
    cache.put("k1", entry)
    cache.put("k2", entry)
    cache.flush()
    cache.put_lines("k1", ["cells of row one"], ["0123456789abcdef"])
    cache.put_lines("k2", ["cells of row two"], ["fedcba9876543210"])
    cache.flush()
    assert [(stored.lines, stored.keys) for stored in cache.rows_of(["k1", "k2"])] == \
        [(["cells of row one"], ["0123456789abcdef"]), (["cells of row two"], ["fedcba9876543210"])]
    with pytest.raises(ValueError):
        cache.put_lines("k1", ["cells of row one"], ["short"])
    cache.put("k1", dataclasses.replace(entry, focus="focus two"))  # its rows made again, under another focus
    cache.flush()
    assert [(stored.lines, stored.keys) for stored in cache.rows_of(["k1", "k2"])] == \
        [(None, None), (["cells of row two"], ["fedcba9876543210"])]
    assert cache.keep_only(["k1"]) == 1
    assert list(cache.rows_of(["k2"])) == [None]
    with sqlite3.connect(tmp_path / article_cache.ArticleCache.FILE_NAME) as connection:
        assert connection.execute("SELECT COUNT(*) FROM lines").fetchone()[0] == 0
    cache.close()


@pytest.mark.parametrize("name", ["a.txt", "dir/é ü.txt", 'q"uo\\te\n\x1b.txt', "日本.html"])
def test_an_entry_key_hashes_the_json_of_version_name_and_metadata_with_the_bytes_digest(name: str) -> None:
    import datetime as dt
    import json

    from dashboard.preprocess.ingest import Metadata

    digest = hashlib.sha256(b"the article's bytes").digest()
    for metadata in (None, Metadata(title="Titre é", source="Wire", published=dt.date(2016, 10, 21), url="u")):
        meta = None if metadata is None else [metadata.title, metadata.source, str(metadata.published), metadata.url]
        head = json.dumps(["version", name, meta]).encode("utf-8")
        assert article_cache.entry_key("version", name, metadata, digest) == \
            hashlib.sha256(head + b"\0" + digest).hexdigest()


@pytest.mark.parametrize("per_query", [2, 1_000])  # this corpus's entries read in one pass, or by their keys
def test_entries_are_found_whichever_corpus_stored_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        per_query: int) -> None:
    monkeypatch.setattr(article_cache, "KEYS_A_QUERY", per_query)
    ours, theirs = article_cache.ArticleCache(tmp_path, "ours"), article_cache.ArticleCache(tmp_path, "theirs")
    for number in range(6):
        entry = article_cache.Entry((("IQ", float(number)),), number, "", f"focus {number}", [_row(number)],
                                    ['{"mention":""}'], ("IQ",))
        (ours if number % 2 else theirs).put(f"k{number}", entry)
    ours.flush()
    theirs.flush()
    with sqlite3.connect(tmp_path / article_cache.ArticleCache.FILE_NAME) as connection:
        connection.execute("UPDATE articles SET votes = 'not JSON' WHERE key = 'k3'")  # damaged: made anew
    found = ours.get_many(["k0", "k1", "k3", "k4", "k5", "missing"])
    assert sorted(found) == ["k0", "k1", "k4", "k5"] and ours.hits == 4  # k0 and k4 are the other corpus's
    assert [(found[k].votes, found[k].replaced, found[k].focus, found[k].stored) for k in ("k0", "k5")] == \
        [((("IQ", 0.0),), 0, "focus 0", True), ((("IQ", 5.0),), 5, "focus 5", True)]
    assert ours.get_many([]) == {}
    ours.close()
    theirs.close()


def test_the_entries_a_build_did_not_use_are_dropped_whichever_way_it_found_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(article_cache, "KEYS_A_QUERY", 2)  # this corpus's entries read in one pass
    ours, theirs = article_cache.ArticleCache(tmp_path, "ours"), article_cache.ArticleCache(tmp_path, "theirs")
    entry = article_cache.Entry((), 0, "", "focus", [_row(1)], ['{"mention":""}'])
    for key in ("k0", "k1", "k2", "k3", "k4"):
        ours.put(key, entry)
    theirs.put("t0", entry)
    ours.flush()
    theirs.flush()
    assert sorted(ours.get_many(["k0", "k1", "t0"])) == ["k0", "k1", "t0"]
    ours.put("k9", entry)  # new in this build
    ours.put("t0", entry)  # now this corpus's too
    assert ours.keep_only(["k0", "k1", "k9", "t0"]) == 3
    assert ours.keep_only(["k0", "k1", "k9"]) == 1  # asked again, from what is stored now
    with sqlite3.connect(tmp_path / article_cache.ArticleCache.FILE_NAME) as connection:
        assert sorted(k for (k,) in connection.execute("SELECT key FROM articles")) == ["k0", "k1", "k9"]
    ours.close()
    theirs.close()


def test_a_rebuild_writes_the_rows_it_knows_as_the_lines_the_table_gave_them(corpus: Path, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.preprocess import outputs, report_rows

    cache = tmp_path / "cache"
    clean = build_files((corpus,), tmp_path / "clean")
    first = build_files((corpus,), tmp_path / "first", cache)
    lines = stored_lines(cache)
    table = clean["reports.csv"].decode("utf-8")
    assert len(lines) == 41 and all(line in table for text in lines for line in text.split("\n"))
    assert not any(line.startswith(tuple("0123456789abcdef")) and line[12] == "," for text in lines
                   for line in text.split("\n")), "stored without the incident id"
    # rows in small pieces, kept on disk: an article's rows and lines may fall in two
    monkeypatch.setattr(outputs, "PIECE_ROWS", 3)
    monkeypatch.setattr(report_rows, "KEPT_ROWS", 4)
    monkeypatch.setattr(report_rows, "RUN_ROWS", 5)
    with sqlite3.connect(cache / article_cache.ArticleCache.FILE_NAME) as connection:
        connection.execute("DELETE FROM builds")  # not grown from the last build's files: from the lines
    again = build_files((corpus,), tmp_path / "again", cache)
    assert clean == first == again
    with sqlite3.connect(cache / article_cache.ArticleCache.FILE_NAME) as connection:
        connection.execute("UPDATE lines SET lines = replace(lines, 'Kirkuk', 'Kirkuq')")
        connection.execute("DELETE FROM builds")  # not grown from the last build's files: from the lines
    known = build_files((corpus,), tmp_path / "known", cache)["reports.csv"].decode("utf-8")
    assert "Kirkuq" in known and "Kirkuk" not in known  # the stored lines were written, not the rows made again
    assert known.replace("Kirkuq", "Kirkuk") == table


def test_a_rebuild_takes_the_report_keys_stored_with_the_lines_and_makes_damaged_ones_anew(corpus: Path,
                                                                                          tmp_path: Path) -> None:
    import json

    from dashboard.review import report_keys

    cache = tmp_path / "cache"
    clean = build_files((corpus,), tmp_path / "clean")
    build_files((corpus,), tmp_path / "first", cache)
    clean_keys = report_keys(schema.read_table(tmp_path / "clean" / "reports.csv")).tolist()
    with sqlite3.connect(cache / article_cache.ArticleCache.FILE_NAME) as connection:
        stored = "".join(keys for (keys,) in connection.execute("SELECT keys FROM lines"))
        assert sorted(stored[at:at + 16] for at in range(0, len(stored), 16)) == sorted(clean_keys)
        original = dict(connection.execute("SELECT key, keys FROM lines"))
        first = connection.execute("SELECT key, keys FROM lines ORDER BY key LIMIT 1").fetchone()
        connection.execute("UPDATE lines SET keys = ? WHERE key = ?", ("f" * 16 + first[1][16:], first[0]))
        connection.execute("DELETE FROM builds")  # not grown from the last build's files: from the lines
    marked = build_files((corpus,), tmp_path / "marked", cache)
    why = json.loads(marked["reports.why.json"])["rows"]
    assert "f" * 16 in why and first[1][:16] not in why  # the stored key was taken, not made again
    assert marked["reports.csv"] == clean["reports.csv"]
    with sqlite3.connect(cache / article_cache.ArticleCache.FILE_NAME) as connection:
        connection.execute("UPDATE lines SET keys = substr(keys, 2)")  # damaged: lines and keys made anew
        connection.execute("DELETE FROM builds")
    assert build_files((corpus,), tmp_path / "again", cache) == clean
    with sqlite3.connect(cache / article_cache.ArticleCache.FILE_NAME) as connection:
        assert dict(connection.execute("SELECT key, keys FROM lines")) == original  # and stored again


def test_a_row_a_reviewer_corrected_is_made_anew_and_the_rest_written_from_their_lines(
        corpus: Path, tmp_path: Path) -> None:
    from dashboard.review import Correction, ReviewStore, default_path, report_keys

    cache = tmp_path / "cache"
    build_files((corpus,), tmp_path / "first", cache)
    first = schema.read_table(tmp_path / "first" / "reports.csv")
    keys = report_keys(first)
    row = first.index[first[schema.C.event_type] != "mention"][0]
    verified = first.index[first[schema.C.article] != first.loc[row, schema.C.article]][0]
    for folder in ("again", "clean"):
        (tmp_path / folder).mkdir()
        store = ReviewStore(default_path(tmp_path / folder / "reports.csv"))
        store.add(Correction(keys[row], "Ann", values={"killed_min": "77", "killed_max": "78", "location": "Xanadu"}))
        store.add(Correction(keys[verified], "Bob", state="verified"))
    with sqlite3.connect(cache / article_cache.ArticleCache.FILE_NAME) as connection:
        connection.execute("UPDATE lines SET lines = replace(lines, 'Kirkuk', 'Kirkuq')")
        connection.execute("DELETE FROM builds")  # not grown from the last build's files: from the lines
    again = build_files((corpus,), tmp_path / "again", cache)
    clean = build_files((corpus,), tmp_path / "clean")
    table = schema.read_table(tmp_path / "again" / "reports.csv").set_index(keys)
    assert (table.loc[keys[row], schema.C.killed_max], table.loc[keys[row], schema.C.location]) == (78, "Xanadu")
    assert table.loc[keys[row], schema.C.review] == "corrected" and table.loc[keys[verified], "review"] == "verified"
    assert again["reports.csv"].replace(b"Kirkuq", b"Kirkuk") == clean["reports.csv"]
    assert [again[name] == clean[name] for name in ("reports.labels.json", "reports.why.json")] == [True, True]


def test_changed_added_and_deleted_articles_are_handled(corpus: Path, tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "articles", 30)
    cache = tmp_path / "cache"
    build((folder,), tmp_path / "first", cache, jobs=1)
    (folder / "a003.txt").write_text(article_text(3, variant=1), encoding="utf-8")  # changed
    (folder / "a005.txt").unlink()  # deleted
    (folder / "b000.txt").write_text(article_text(41), encoding="utf-8")  # added
    summary, reports, incidents = build((folder,), tmp_path / "second", cache, jobs=2)
    clean = build((folder,), tmp_path / "clean", None, jobs=1)
    assert (reports, incidents) == clean[1:]
    assert summary.read == clean[0].read and "a005.txt" not in summary.read and "b000.txt" in summary.read
    assert "30 of 32 articles known" in summary.cache and "2 old entries dropped" in summary.cache
    assert entries(cache) == 32


def test_a_rebuild_reads_no_file_whose_signature_is_unchanged(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_corpus(tmp_path / "articles", 12)
    cache = tmp_path / "cache"
    monkeypatch.setattr(article_cache, "RACY_SECONDS", 0)  # the files were written a moment ago
    first = build((folder,), tmp_path / "first", cache, jobs=1)
    changed = folder / "a004.txt"
    text = article_text(4)
    changed.write_text(text.replace("Baghdad", "Karbala") if "Baghdad" in text else text.replace("a", "o", 1),
                       encoding="utf-8")
    assert changed.stat().st_size == len(text.encode("utf-8")), "a change that keeps the size"
    read: list[str] = []
    real = pipeline.read_bytes

    def counted(path: Path, *args: object) -> bytes:
        read.append(path.name)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "read_bytes", counted)
    again = build((folder,), tmp_path / "again", cache, jobs=1)
    assert read == ["a004.txt"], "only the changed file is read here (the others are known by their signature)"
    assert "13 of 14 articles known" in again[0].cache and "13 files known by their signature" in again[0].cache
    clean = build((folder,), tmp_path / "clean", None, jobs=1)
    assert again[1:] == clean[1:] and again[1] != first[1]
    (folder / "a007.txt").unlink()
    build((folder,), tmp_path / "third", cache, jobs=1)
    with sqlite3.connect(cache / article_cache.ArticleCache.FILE_NAME) as connection:
        signed = sorted(Path(path).name for (path,) in connection.execute("SELECT path FROM files"))
    assert "a007.txt" not in signed and len(signed) == 13, "a deleted file's signature is dropped, the others kept"


def test_a_damaged_signature_makes_the_file_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_corpus(tmp_path / "articles", 3)
    cache = tmp_path / "cache"
    monkeypatch.setattr(article_cache, "RACY_SECONDS", 0)
    first = build((folder,), tmp_path / "first", cache, jobs=1)
    with sqlite3.connect(cache / article_cache.ArticleCache.FILE_NAME) as connection:
        assert connection.execute("UPDATE files SET digest = 'not bytes'").rowcount == 5
    again = build((folder,), tmp_path / "again", cache, jobs=1)
    assert again[1:] == first[1:] and "5 of 5 articles known" in again[0].cache


def test_stored_rows_found_damaged_when_their_turn_comes_are_made_anew(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "articles", 6)
    cache = tmp_path / "cache"
    first = build((folder,), tmp_path / "first", cache, jobs=1)
    with sqlite3.connect(cache / article_cache.ArticleCache.FILE_NAME) as connection:
        damaged = connection.execute("UPDATE articles SET rows = '[[1, 2' WHERE key = (SELECT key FROM articles "
                                     "WHERE rows IS NOT NULL ORDER BY key LIMIT 1)").rowcount
        connection.execute("UPDATE articles SET why = 'not a JSON object' WHERE key = (SELECT key FROM articles "
                           "WHERE rows IS NOT NULL AND rows != '[[1, 2' ORDER BY key LIMIT 1)")
    assert damaged == 1
    again = build((folder,), tmp_path / "again", cache, jobs=1)
    assert again[1:] == first[1:]
    assert "8 of 8 articles known; rows made for 2" in again[0].cache
    third = build((folder,), tmp_path / "third", cache, jobs=1)
    assert third[1:] == first[1:] and "rows made for 0" in third[0].cache, "stored anew"


def test_a_file_changed_just_before_a_build_gets_no_signature(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("text", encoding="utf-8")
    status = path.stat()
    assert article_cache.signature(status, time.time_ns()) == ""
    later = max(status.st_mtime_ns, status.st_ctime_ns) + int(article_cache.RACY_SECONDS * 1e9) + 1
    assert article_cache.signature(status, later) == f"{status.st_size}:{status.st_mtime_ns}:" \
                                                     f"{status.st_ctime_ns}:{status.st_ino}"


def poison(cache: Path) -> None:
    """Rewrite every stored row's mention, to see whether a build takes the rows from the cache."""
    with sqlite3.connect(cache / article_cache.ArticleCache.FILE_NAME) as connection:
        connection.execute("UPDATE articles SET rows = replace(rows, '\"Kirkuk\"', '\"Poisoned\"')")


def test_rows_come_from_the_cache_and_no_cache_ignores_it(corpus: Path, one_process, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build((corpus,), tmp_path / "first", cache, jobs=1)
    poison(cache)
    cached = build((corpus,), tmp_path / "cached", cache, jobs=1)
    assert b"Poisoned" in cached[1]
    code = cli.main(["build", str(corpus), "--out", str(tmp_path / "fresh.csv"), "--cache", str(cache),
                     "--no-cache", "--jobs", "2", "--quiet"])
    assert code == 0
    assert (tmp_path / "fresh.csv").read_bytes() == one_process[1]
    assert b"Poisoned" in build((corpus,), tmp_path / "still", cache, jobs=1)[1]  # --no-cache left it as it was


def test_a_build_killed_midway_leaves_whole_entries(corpus: Path, one_process, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setattr(article_cache.ArticleCache, "COMMIT_EVERY", 7)
    made = {"batches": 0}
    real = pipeline.rows_batch

    def dies_midway(jobs, focus, cache=None):
        made["batches"] += 1
        if made["batches"] == 2:
            raise KeyboardInterrupt
        return real(jobs, focus, cache)

    monkeypatch.setattr(pipeline, "rows_batch", dies_midway)
    with pytest.raises(KeyboardInterrupt):
        build((corpus,), tmp_path / "killed", cache, jobs=1)
    assert not (tmp_path / "killed" / "reports.csv").exists()
    kept = entries(cache)
    assert 0 < kept < 42
    monkeypatch.setattr(pipeline, "rows_batch", real)
    summary, reports, incidents = build((corpus,), tmp_path / "rerun", cache, jobs=1)
    assert f"{kept} of 42 articles known" in summary.cache
    assert (reports, incidents) == one_process[1:]


def test_a_change_of_code_version_makes_rows_anew(corpus: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    build((corpus,), tmp_path / "first", cache, jobs=1)
    monkeypatch.setattr(article_cache, "code_version", lambda: "another version")
    summary = build((corpus,), tmp_path / "second", cache, jobs=1)[0]
    assert "0 of 42 articles known; rows made for 41; 42 old entries dropped" in summary.cache


def test_a_damaged_cache_is_set_aside(corpus: Path, one_process, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / article_cache.ArticleCache.FILE_NAME).write_bytes(b"not a database at all" * 100)
    summary, reports, _ = build((corpus,), tmp_path / "out", cache, jobs=1)
    assert reports == one_process[1] and (cache / (article_cache.ArticleCache.FILE_NAME + ".damaged")).exists()


# --- a Dask cluster ----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_local_dask_cluster_gives_the_same_tables(corpus: Path, one_process, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import distributed  # in the test extras

    long = tmp_path / "long"  # a text of several sections, each sent to the cluster as a task of its own
    write_texts(long, {"archive.txt": "\n".join(article_text(number) for number in range(12))})
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        summary, reports, incidents = build((corpus,), tmp_path / "corpus", dask=cluster.scheduler_address)
        monkeypatch.setattr(sections, "SECTION_CHARS", 600)
        sectioned = build((long,), tmp_path / "sectioned", dask=cluster.scheduler_address)
    assert summary.runner.startswith("Dask cluster tcp://127.0.0.1:") and "2 workers" in summary.runner
    assert (reports, incidents) == one_process[1:]
    assert sectioned[1:] == build((long,), tmp_path / "here", jobs=1)[1:]
    assert all(f"killing {2 + number % 9} ".encode() in sectioned[1] for number in range(0, 12, 3))


# --- rows kept when the focus moves elsewhere --------------------------------------------------


def write_texts(folder: Path, texts: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")


def half_and_half(count: int) -> dict[str, str]:
    """``count`` articles about Kirkuk, as many about Maiduguri: the focus is IQ and NG, half each."""
    texts = {f"iq{n:02d}.txt": f"A car bomb killed {n + 2} people at a market in Kirkuk on Monday." for n in range(count)}
    texts |= {f"ng{n:02d}.txt": f"Gunmen killed {n + 3} farmers near Maiduguri on Friday." for n in range(count)}
    return texts


def test_an_article_that_leaves_the_others_focus_as_it_was_makes_only_its_own_rows(tmp_path: Path) -> None:
    folder, cache = tmp_path / "articles", tmp_path / "cache"
    write_texts(folder, half_and_half(60))
    build((folder,), tmp_path / "first", cache, jobs=1)
    # Iraq and Nigeria stay half each (rounded), Afghanistan enters with a small share that no
    # article about Kirkuk or Maiduguri reads: only the new article is made.
    write_texts(folder, {"af.txt": "A roadside bomb killed 4 soldiers in Kandahar on Sunday."})
    summary, reports, incidents = build((folder,), tmp_path / "second", cache, jobs=1)
    assert "120 of 121 articles known; rows made for 1;" in summary.cache
    assert (reports, incidents) == build((folder,), tmp_path / "clean", None, jobs=1)[1:]
    assert b"Kandahar" in reports


def test_rows_whose_part_of_the_focus_moved_are_made_anew(tmp_path: Path) -> None:
    folder, cache = tmp_path / "articles", tmp_path / "cache"
    tripoli = {"tripoli.txt": "Clashes were reported in Tripoli, killing 3 people on Monday."}
    write_texts(folder, tripoli | {f"lb{n}.txt": f"A blast killed {n + 2} people in Beirut on Friday." for n in range(3)})
    first = build((folder,), tmp_path / "first", cache, jobs=1)[1]
    # Libya becomes the corpus's focus: Tripoli (named alone) is now the Libyan one.
    write_texts(folder, {f"ly{n}.txt": f"Militias fought in Benghazi, killing {n + 4} people." for n in range(8)})
    summary, reports, incidents = build((folder,), tmp_path / "second", cache, jobs=1)
    clean = build((folder,), tmp_path / "clean", None, jobs=1)
    assert (reports, incidents) == clean[1:]
    tripoli_row = next(line for line in reports.decode().splitlines() if line.count("tripoli.txt"))
    assert ",LY," in tripoli_row and ",LB," in next(line for line in first.decode().splitlines() if "tripoli.txt" in line)
    assert "4 of 12 articles known" in summary.cache


# --- tables written in chunks ------------------------------------------------------------------


def test_tables_written_in_small_chunks_are_the_same_tables(corpus: Path, one_process, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow.parquet as pq

    from dashboard import schema

    monkeypatch.setattr(schema, "CHUNK_ROWS", 4)
    summary, reports, incidents = build((corpus,), tmp_path, jobs=1)
    assert reports == one_process[1]  # CSV: the same bytes, appended four rows at a time
    chunked = pq.ParquetFile(tmp_path / "incidents.parquet")
    assert chunked.metadata.num_row_groups == -(-chunked.metadata.num_rows // 4) > 1
    whole = tmp_path / "whole.parquet"
    whole.write_bytes(one_process[2])
    assert chunked.read().to_pandas().equals(pq.read_table(whole).to_pandas())


def _build_files(corpus: Path, out: Path, suffix: str) -> dict[str, bytes]:
    """Every file a one-process build of ``corpus`` writes into ``out`` (reports table in ``suffix``)."""
    out.mkdir(parents=True, exist_ok=True)
    run_build(BuildOptions(inputs=(corpus,), out=out / f"reports{suffix}", incidents_out=out / "incidents.csv",
                           settings=Settings(geocoder="none", jobs=1, cache=str(out / "cache")), use_cache=False))
    return {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_reports_table_made_a_few_rows_at_a_time_gives_the_same_files(corpus: Path, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch,
                                                                           suffix: str) -> None:
    from dashboard.preprocess import outputs

    whole = _build_files(corpus, tmp_path / "whole", suffix)
    made: list[int] = []  # rows of each piece
    real = outputs.frame_of_cells
    monkeypatch.setattr(outputs, "frame_of_cells", lambda rows: made.append(len(rows)) or real(rows))
    monkeypatch.setattr(outputs, "PIECE_ROWS", 3)
    pieces = _build_files(corpus, tmp_path / "pieces", suffix)
    assert len(made) > 5 and set(made[:-1]) == {3}  # the last piece has what is left
    assert sorted(pieces) == sorted(whole) and len(whole) == 5  # the two tables, their labels, the why file
    if suffix == ".csv":
        assert pieces == whole
    else:
        import pyarrow.parquet as pq

        assert {name: data for name, data in pieces.items() if name != "reports.parquet"} == \
            {name: data for name, data in whole.items() if name != "reports.parquet"}
        chunked, one = pq.ParquetFile(tmp_path / "pieces" / "reports.parquet"), tmp_path / "whole" / "reports.parquet"
        assert chunked.metadata.num_row_groups == len(made)  # a row group a piece
        assert chunked.read().to_pandas().equals(pq.read_table(one).to_pandas())


def test_rows_kept_on_disk_past_the_budget_give_the_same_files(corpus: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.preprocess import report_rows

    whole = _build_files(corpus, tmp_path / "held", ".csv")
    spilled: list[int] = []  # rows of each run pickled to the temporary file
    real = report_rows.ReportRows._spill

    def spill(self):  # type: ignore[no-untyped-def]
        spilled.append(len(self._held.cells))
        real(self)

    monkeypatch.setattr(report_rows.ReportRows, "_spill", spill)
    monkeypatch.setattr(report_rows, "KEPT_ROWS", 4)
    monkeypatch.setattr(report_rows, "RUN_ROWS", 3)
    on_disk = _build_files(corpus, tmp_path / "disk", ".csv")
    assert len(spilled) > 3 and all(count >= 3 for count in spilled)
    assert on_disk == whole and len(whole) == 5


def test_a_long_texts_rows_go_to_disk_a_run_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.preprocess import report_rows

    spilled: list[int] = []  # rows held as cells at each spill
    real = report_rows.ReportRows._spill

    def spill(self):  # type: ignore[no-untyped-def]
        spilled.append(len(self._held.cells))
        real(self)

    monkeypatch.setattr(report_rows.ReportRows, "_spill", spill)
    one_article = [_row(n) for n in range(40)]
    with report_rows.ReportRows(tmp_path, kept=5, run=3) as rows:
        rows.add(one_article)
        assert len(rows) == 40 and rows.on_disk
        assert spilled and max(spilled) <= 5 + 3  # the budget and one run, never the whole article at once
        assert [cells for piece in rows.pieces(7) for cells in piece] == [schema.cells_of(r) for r in one_article]


def test_report_rows_come_back_in_order_in_pieces_past_the_budget(tmp_path: Path) -> None:
    from dashboard.preprocess.report_rows import ReportRows

    articles = [[_row(n) for n in range(start, min(start + 4, 23))] for start in range(0, 23, 4)]
    for kept, expect_disk in ((100, False), (5, True)):
        with ReportRows(tmp_path, kept=kept, run=3) as rows:
            for article in articles:
                rows.add(article)
            assert len(rows) == 23 and rows.on_disk == expect_disk
            pieces = list(rows.pieces(7))
            assert [len(p) for p in pieces] == [7, 7, 7, 2]
            assert [cells[0] for p in pieces for cells in p] == [str(n) for n in range(23)]  # as cells, in order
            assert pieces[0][0] == schema.cells_of(articles[0][0])
            assert list(rows.pieces(7)) == []  # given once
        assert not list(tmp_path.iterdir())  # the file had no name


def test_a_full_disk_under_the_builds_temporary_files_is_one_line(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import io

    from dashboard.errors import OutputError
    from dashboard.preprocess import explain, report_rows

    class FullDisk(io.BytesIO):  # what a file on a full disk does: its writes fail
        def write(self, data) -> int:  # type: ignore[no-untyped-def, override]
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(report_rows.tempfile, "TemporaryFile", lambda dir=None: FullDisk())
    rows = report_rows.ReportRows(tmp_path, kept=0, run=1)
    with pytest.raises(OutputError, match=f"cannot keep the build's rows in a temporary file in {tmp_path}: "
                                          "No space left on device"):
        rows.add([_row(1)])
    texts = explain.Explanations(tmp_path)
    texts._file = FullDisk()
    with pytest.raises(OutputError, match="cannot keep the rows' explanations .*: No space left on device"):
        texts.extend([_row(2)], ["{}"])


def _row(n: int):  # type: ignore[no-untyped-def]
    from dashboard.schema import Incident

    values: dict = {field.name: "" for field in dataclasses.fields(Incident)}
    values.update(date=None, published=None, latitude=None, longitude=None, killed_min=None, killed_max=None,
                  injured_min=None, injured_max=None, captured_min=None, captured_max=None)
    return Incident(**{**values, "incident_id": str(n), "article": f"a{n // 4}"})


def test_rows_read_back_from_the_cache_are_their_cells_and_are_read_as_the_rows(tmp_path: Path) -> None:
    import datetime as dt

    from dashboard.preprocess.explain import Explanations
    from dashboard.preprocess.reconcile import ReportsOf
    from dashboard.preprocess.report_rows import ReportRows

    made = [dataclasses.replace(_row(n), date=dt.date(2016, 10, 20 + n), published=dt.date(2016, 10, 21),
                                event_type="bombing", location="Kirkuk", latitude=35.47, longitude=44.39,
                                country_code="IQ", killed_min=n, killed_max=n + 2, mention="Kirkuk",
                                evidence=f"A bomb killed {n} in Kirkuk.") for n in range(3)]
    cache = article_cache.ArticleCache(tmp_path, "corpus")
    cache.put("k", article_cache.Entry((), 0, "", "focus", made, ['{"a":1}', '{"b":2}', '{"c":3}']))
    cache.flush()
    (stored,) = cache.rows_of(["k"])
    cache.close()
    assert [tuple(row) for row in stored.rows] == [schema.cells_of(row) for row in made]
    assert [row.killed_max for row in stored.rows] == [2, 3, 4] and stored.rows[1].date == dt.date(2016, 10, 21)
    from_cache, from_rows = ReportsOf(), ReportsOf()
    from_cache.add(stored.rows)
    from_rows.add(made)
    assert from_cache.reports == from_rows.reports and from_cache.reports[0].profile is not None
    with ReportRows(kept=1, run=2) as cached, ReportRows() as fresh:  # the cached rows go to disk and back
        cached.add(stored.rows)
        fresh.add(made)
        assert list(cached.pieces(2)) == list(fresh.pieces(2))
    with Explanations() as cached_why, Explanations() as fresh_why:
        cached_why.extend(stored.rows, stored.why)
        fresh_why.extend(made, stored.why)
        assert [cached_why.text(n) for n in range(3)] == [fresh_why.text(n) for n in range(3)]


def test_report_keys_given_a_piece_at_a_time_are_the_whole_tables() -> None:
    import pandas as pd

    from dashboard.review import KeysInOrder, report_keys

    # article b repeats a row (same mention and evidence) on both sides of a piece's end, and so does c
    rows = [("a", "Kirkuk", "One."), ("b", "Mosul", "Two."), ("b", "Mosul", "Two."), ("b", "Hit", "Three."),
            ("b", "Mosul", "Two."), ("c", "Hit", "Three."), ("c", "Hit", "Three.")]
    table = pd.DataFrame(rows, columns=["article", "mention", "evidence"])
    whole = report_keys(table).tolist()
    assert len(set(whole)) == len(whole)  # the repeats ranked apart
    running = KeysInOrder()
    pieces = [running.of(table.iloc[start:start + 3]).tolist() for start in range(0, len(table), 3)]
    assert [key for piece in pieces for key in piece] == whole
    alone = KeysInOrder().of(table.iloc[3:6]).tolist()  # without the rows before: ranked anew, not the same
    assert alone != whole[3:6]


# --- articles streamed: a job keeps the path and the digest, not the bytes ---------------------


def _noted_batch(batch: list[int], folder: str) -> list[int]:
    """A task that leaves a mark of each of its items where it ran."""
    for item in batch:
        (Path(folder) / str(item)).touch()
    return list(batch)


def test_a_pool_starts_on_its_first_batches_before_their_results_are_asked_for(tmp_path: Path) -> None:
    count = 3 * runner.BATCH  # within the window of two workers
    with runner.ProcessRunner(2) as pool:
        results = pool.map(_noted_batch, range(count), str(tmp_path))
        deadline = time.monotonic() + 120  # (a bound on a busy machine, not a speed)
        while len(list(tmp_path.iterdir())) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(list(tmp_path.iterdir())) == count, "the workers waited for the first result to be asked for"
        assert list(results) == list(range(count))


def test_a_job_reads_its_file_where_it_runs_and_refuses_a_changed_one(tmp_path: Path) -> None:
    from dashboard.errors import ArticleError
    from dashboard.preprocess.ingest import Metadata
    from dashboard.preprocess.runner import Job

    path = tmp_path / "a.txt"
    path.write_text(article_text(1), encoding="utf-8")
    job = Job.of_file("a.txt", hashlib.sha256(path.read_bytes()).digest(), Metadata(), False, path, 10_000)
    assert job.data == b"" and job.article().text.startswith("Gunmen attacked a checkpoint")
    sent = job.loaded()  # what a Dask worker gets: the bytes, no path
    assert sent.data == path.read_bytes() and sent.path == ""
    path.write_text(article_text(1, variant=1), encoding="utf-8")
    with pytest.raises(ArticleError, match="changed while the build ran"):
        job.article()
    assert sent.article().text.startswith("Gunmen attacked a checkpoint")  # the bytes it was sent


def test_a_dask_batch_of_the_second_pass_carries_the_bytes_of_an_article_read_again(tmp_path: Path) -> None:
    from dashboard.errors import ArticleError
    from dashboard.preprocess.ingest import Metadata
    from dashboard.preprocess.runner import ArticleUnit, DaskRunner, Job, rows_batch

    path = tmp_path / "a.txt"
    path.write_text(article_text(3), encoding="utf-8")
    digest = hashlib.sha256(path.read_bytes()).digest()  # as the first pass saw it
    unit = ArticleUnit(Job.of_path("a.txt", Metadata(), False, path, 10_000), digest, None, None)
    sent: list[list] = []

    class Client:  # what the runner hands to Dask's client
        def submit(self, function, batch, *args, pure=True):  # type: ignore[no-untyped-def]
            sent.append(batch)

    cluster = object.__new__(DaskRunner)
    cluster._client = Client()
    cluster._submit(rows_batch, [unit], {})
    expected = rows_batch([unit], {})
    path.unlink()  # a worker on another machine does not see the file
    carried, = sent[0]
    assert carried.job.path == "" and hashlib.sha256(carried.job.data).digest() == digest
    assert rows_batch(sent[0], {}) == expected and expected[0][0]
    path.write_text(article_text(3, variant=1), encoding="utf-8")  # changed since the first pass
    with pytest.raises(ArticleError, match="changed while the build ran"):
        cluster._submit(rows_batch, [unit], {})


def test_the_first_pass_reads_a_file_once_and_the_second_refuses_it_changed(tmp_path: Path) -> None:
    from dashboard.errors import ArticleError
    from dashboard.preprocess.ingest import Metadata
    from dashboard.preprocess.places.gazetteer import load_gazetteer
    from dashboard.preprocess.runner import Job, read_one

    path = tmp_path / "a.txt"
    path.write_text(article_text(2), encoding="utf-8")
    job = Job.of_path("a.txt", Metadata(), False, path, 10_000)  # not read yet: no digest
    read = read_one(job, load_gazetteer())
    assert read.article is not None and read.article.text.startswith(article_text(2)[:20])
    second = job.seen_as(read.digest)
    assert second.article().text == read.article.text
    path.write_text(article_text(2, variant=1), encoding="utf-8")
    with pytest.raises(ArticleError, match="changed while the build ran"):
        second.article()


def test_articles_kept_between_the_passes_or_read_again_give_the_same_tables(
        corpus: Path, one_process, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past its budget of text the build reads files again in the second pass: the same tables."""
    monkeypatch.setattr(pipeline, "KEPT_TEXT_CHARS", 500)  # a few articles kept, the others read again
    read_again = []
    real = pipeline.Job.article
    monkeypatch.setattr(pipeline.Job, "article", lambda job: read_again.append(job.name) or real(job))
    summary, reports, incidents = build((corpus,), tmp_path, jobs=1)
    assert 0 < len(read_again) < summary.articles_read
    assert (reports, incidents) == one_process[1:]


def test_resolving_reads_only_the_part_of_the_focus_that_focus_read_by_names() -> None:
    from dashboard.preprocess.places.gazetteer import load_gazetteer
    from dashboard.preprocess.places.geoparse import Focus, article_focus, focus_read_by, geoparse

    gazetteer = load_gazetteer()
    texts = ["Clashes were reported in Tripoli on Monday.", "Gunmen attacked a market in Kandi.",
             "Malian soldiers were attacked near Gao.", "A bomb hit Kirkuk and Hawija."]
    for text in texts:
        countries = article_focus(text, gazetteer).countries
        focus = Focus({"LB": 0.3, "LY": 0.2, "BJ": 0.1, "IQ": 0.1, "NE": 0.05})
        focus.total = 0.75
        other = Focus(focus)  # what the article does not read moved: countries outside it, below their strongest
        other.total = focus.total
        strongest_outside = max((n for cc, n in other.items() if cc not in countries), default=0.0)
        for cc in [cc for cc in other if cc not in countries and other[cc] < strongest_outside]:
            other[cc] /= 2
        other["ZZ"] = 0.01
        assert focus_read_by(other, countries) == focus_read_by(focus, countries)
        assert geoparse(text, gazetteer, other) == geoparse(text, gazetteer, focus)
        moved = Focus(focus)  # what it reads moved: the digest tells
        moved.total = focus.total
        for cc in countries & set(moved):
            moved[cc] *= 3
        assert (focus_read_by(moved, countries) == focus_read_by(focus, countries)) == (not countries & set(focus))


def test_articles_are_processed_with_fewer_collections_and_the_thresholds_are_put_back(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int, int]] = []
    made = pipeline.explained_rows

    def watched(*args, **kwargs):
        seen.append(gc.get_threshold())
        return made(*args, **kwargs)

    monkeypatch.setattr(runner, "explained_rows", watched)  # one process: the rows are made here
    before = gc.get_threshold()
    build((corpus,), tmp_path / "out", jobs=1)
    assert seen and set(seen) == {runner.ARTICLE_WORK_GC_THRESHOLDS}
    assert gc.get_threshold() == before != runner.ARTICLE_WORK_GC_THRESHOLDS
    monkeypatch.setattr(runner, "explained_rows", lambda *args, **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        build((corpus,), tmp_path / "failed", jobs=1)
    assert gc.get_threshold() == before
