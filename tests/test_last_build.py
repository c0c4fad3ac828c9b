"""Issue 14: a rebuild after articles were only added writes the last build's rows as its files held
them, and its files are the bytes a build from scratch writes; any other change builds as before."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from dashboard.preprocess import last_build, reconcile
from dashboard.preprocess.pipeline import BuildOptions, BuildSummary, run_build
from dashboard.preprocess.reconcile import Place, Profile
from dashboard.settings import Settings

FILES = ("reports.csv", "reports.labels.json", "reports.why.json")
GROWN = "written as the last build wrote them"


def dated(folder: Path, texts: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")


def first_corpus() -> dict[str, str]:
    """Bombings in one town on days in a row (their reports chain into incidents) and raids in another."""
    texts = {f"iq{n:02d}.txt": f"A car bomb killed {n + 2} people at a market in Kirkuk on {n + 1} October 2016, "
                               "police said." for n in range(10)}
    texts |= {f"ng{n:02d}.txt": f"Gunmen killed {n + 3} farmers near Maiduguri on {n + 1} March 2017, officials said."
              for n in range(10)}
    texts["zz.txt"] = "   "  # skipped: empty
    return texts


#: A report of a Kirkuk bombing already there, under a name that comes first (the incident's id, its
#: smallest report key, changes in the old rows too), and a raid in a town not yet named; one an
#: article of each country, so that the others' part of the focus stays as it was.
ADDED = {"a00.txt": "Police said a car bomb killed 5 people in a market in Kirkuk on 4 October 2016.",
         "ng50.txt": "Gunmen killed 9 traders near Kano on 20 August 2017, officials said."}


def build(corpus: Path, out: Path, cache: Path | None, **settings: object) -> tuple[BuildSummary, dict[str, bytes]]:
    out.mkdir(parents=True, exist_ok=True)
    values = Settings(geocoder="none", jobs=1, cache=str(cache or out / "cache"), **settings)  # type: ignore[arg-type]
    summary = run_build(BuildOptions(inputs=(corpus,), out=out / "reports.csv", settings=values,
                                     use_cache=cache is not None))
    return summary, {name: (out / name).read_bytes() for name in FILES}


def from_scratch(corpus: Path, out: Path, **settings: object) -> dict[str, bytes]:
    return build(corpus, out, None, **settings)[1]


def ids(table: bytes) -> list[str]:
    return [line[:12] for line in table.decode("utf-8").splitlines()[1:]]


def test_a_grown_folder_is_written_from_the_last_builds_files_as_a_build_from_scratch_writes_it(tmp_path: Path) -> None:
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    dated(corpus, first_corpus())
    first, before = build(corpus, tmp_path / "first", cache)
    assert GROWN not in first.cache
    dated(corpus, ADDED)
    grown, after = build(corpus, tmp_path / "grown", cache)
    assert f"21 articles {GROWN}" in grown.cache  # the empty one among them
    assert "rows made for 2" in grown.cache
    assert after == from_scratch(corpus, tmp_path / "scratch")
    assert set(ids(after[FILES[0]])) - set(ids(before[FILES[0]])), "an old incident took a new id"
    assert [line for line in after[FILES[0]].splitlines() if b"iq03.txt" in line] != \
        [line for line in before[FILES[0]].splitlines() if b"iq03.txt" in line]
    assert grown.rows == len(ids(after[FILES[0]])) and grown.incidents == len(set(ids(after[FILES[0]])))

    # grown again from the grown build (and nothing new: the same files)
    dated(corpus, {"iq50.txt": "A car bomb killed 3 people near a market in Kirkuk on 9 October 2016, a medic said.",
                   "ng60.txt": "Gunmen killed 4 farmers near Maiduguri on 30 March 2017, officials said."})
    again, twice = build(corpus, tmp_path / "again", cache)
    assert f"23 articles {GROWN}" in again.cache
    assert twice == from_scratch(corpus, tmp_path / "scratch2")
    same, unchanged = build(corpus, tmp_path / "same", cache)
    assert f"25 articles {GROWN}" in same.cache and unchanged == twice


@pytest.mark.parametrize("change", ["deleted", "changed"])
def test_an_article_deleted_or_changed_since_the_last_build_builds_as_before(tmp_path: Path, change: str) -> None:
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    dated(corpus, first_corpus())
    build(corpus, tmp_path / "first", cache)
    if change == "deleted":
        (corpus / "iq04.txt").unlink()
    else:
        (corpus / "iq04.txt").write_text("A car bomb killed 40 people in Mosul on 5 October 2016.", encoding="utf-8")
    dated(corpus, ADDED)
    summary, files = build(corpus, tmp_path / "second", cache)
    assert GROWN not in summary.cache and "not reused" in summary.cache
    assert files == from_scratch(corpus, tmp_path / "scratch")


def test_a_file_of_the_last_build_written_since_is_not_grown_from(tmp_path: Path) -> None:
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    dated(corpus, first_corpus())
    build(corpus, tmp_path / "first", cache)
    table = tmp_path / "first" / "reports.csv"
    table.write_bytes(table.read_bytes().replace(b"Kirkuk", b"Kirkuq"))  # the same size
    dated(corpus, ADDED)
    summary, files = build(corpus, tmp_path / "second", cache)
    assert "its files were changed or moved" in summary.cache
    assert files == from_scratch(corpus, tmp_path / "scratch")


def test_other_merge_settings_are_not_grown_from(tmp_path: Path) -> None:
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    dated(corpus, first_corpus())
    build(corpus, tmp_path / "first", cache)
    summary, files = build(corpus, tmp_path / "second", cache, merge_days=3)
    assert "settings, code or reviews changed" in summary.cache
    assert files == from_scratch(corpus, tmp_path / "scratch", merge_days=3)


def test_a_review_since_the_last_build_is_not_grown_from(tmp_path: Path) -> None:
    from dashboard.review import Correction, ReviewStore, default_path

    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    dated(corpus, first_corpus())
    _, first = build(corpus, tmp_path / "first", cache)
    key = first[FILES[2]].decode("utf-8").split('"rows":{"', 1)[1][:16]  # a row's report key
    for folder in ("second", "scratch"):
        (tmp_path / folder).mkdir()
        ReviewStore(default_path(tmp_path / folder / "reports.csv")).add(Correction(key, "Ann", state="verified"))
    summary, files = build(corpus, tmp_path / "second", cache)
    assert "settings, code or reviews changed" in summary.cache and b"verified" in files[FILES[0]]
    assert files == from_scratch(corpus, tmp_path / "scratch")


def test_a_touched_article_whose_cached_rows_are_damaged_is_built_whole(tmp_path: Path) -> None:
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    dated(corpus, first_corpus())
    build(corpus, tmp_path / "first", cache)
    with sqlite3.connect(cache / "articles.sqlite3") as db:
        db.execute("UPDATE articles SET rows = 'not rows' WHERE rows IS NOT NULL")  # every one's
    dated(corpus, ADDED)
    summary, files = build(corpus, tmp_path / "second", cache)
    assert GROWN not in summary.cache and "cannot be read" in summary.cache
    assert files == from_scratch(corpus, tmp_path / "scratch")


def test_the_kept_build_survives_its_encoding_and_refuses_another_format(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    dated(corpus, first_corpus())
    build(corpus, tmp_path / "first", cache)
    with sqlite3.connect(cache / "articles.sqlite3") as db:
        (saved,) = db.execute("SELECT saved FROM builds").fetchone()
    kept = last_build.LastBuild.decode(saved)
    assert kept is not None and kept.encode() == saved
    assert len(kept.articles) == 21 and int(kept.counts.sum()) == len(kept.lengths) == len(kept.ids)
    assert last_build.LastBuild.decode(saved[:-10]) is None  # cut short
    monkeypatch.setattr(last_build, "FORMAT", last_build.FORMAT + 1)
    assert last_build.LastBuild.decode(saved) is None


def _profile(rng: random.Random) -> Profile:
    towns = [("kirkuk", "kirkuk", "IQ", (35.47, 44.39)), ("hawija", "kirkuk", "IQ", (35.33, 43.77)),
             ("daquq", "kirkuk", "IQ", (35.14, 44.45)), ("kano", "kano", "NG", (12.0, 8.52)),
             ("wudil", "kano", "NG", (11.81, 8.85)), ("", "", "", None)]
    places = []
    for _ in range(rng.randint(1, 2)):
        name, admin1, country, point = rng.choice(towns)
        region = rng.random() < 0.15
        if region:
            name, point = admin1, None
        elif rng.random() < 0.2:
            point = None  # matched by name alone
        places.append(Place(name, admin1, country, point, region))
    first = 736_000 + rng.randint(0, 12)
    return Profile(tuple(places), (first, first + rng.choice([0, 0, 0, 14, 30])), frozenset({"attack"}),
                   frozenset(), (None, None))


def test_the_index_of_the_old_reports_finds_every_candidate_of_a_new_one() -> None:
    """Every pair the grouping would consider (:func:`reconcile._candidate_pairs`) between an old and a
    new profile is found through the index (a false hit only costs time; a miss would give wrong ids).
    Each old profile is filed here under its number, as a build files a report under its first row."""
    rng = random.Random(14)
    profiles = [_profile(rng) for _ in range(300)]
    old, new = profiles[:200], profiles[200:]
    index = last_build._Index.of([(p, n) for n, p in enumerate(old)], 25.0)
    pairs = reconcile._candidate_pairs(profiles, 25.0, 1)
    crossing = [(a, b) for a, b in pairs if a < 200 <= b]
    assert len(crossing) > 100  # the test means something
    found = index.candidates(new, 25.0, 1)
    for a, b in crossing:
        assert a in found[b - 200], (old[a], profiles[b])
    assert sum(map(len, found)) < len(old) * len(new) / 2  # and it is an index, not every old report
