"""Why here, why this toll: the place stage's decisions and the why file the build writes.

Short texts written for these tests.
"""

from __future__ import annotations

import datetime as dt
import json
import os

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from dashboard.preprocess.explain import Explanations, _TextsByKey, place_spans, toll_spans
from dashboard.preprocess.ingest import Metadata, parse_article
from dashboard.preprocess.pipeline import BuildOptions, run_build
from dashboard.preprocess.places.gazetteer import Gazetteer, load_gazetteer
from dashboard.preprocess.places.geoparse import Decision, geoparse
from dashboard.preprocess.places.locate import locate_places
from dashboard.preprocess.runner import ArticleUnit, Job, article_rows, explained_rows, read_batch, rows_batch
from dashboard.review import report_keys
from dashboard.schema import C, read_table
from dashboard.settings import Settings
from dashboard.why import WhyRow, read_why, why_chunks, why_file


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def decisions_of(text: str, gazetteer: Gazetteer) -> dict[str, Decision]:
    decisions: dict[int, Decision] = {}
    found = locate_places(text, gazetteer, decisions=decisions)
    return {r.mention.text: decisions[r.mention.start] for r in found if r.mention.start in decisions}


def test_asking_for_decisions_changes_no_place(gazetteer: Gazetteer) -> None:
    text = "Gunmen held out in the Aruba district of Kirkuk. Later, clashes spread to Daquq and Hawija."
    plain = geoparse(text, gazetteer)
    decisions: dict[int, Decision] = {}
    assert geoparse(text, gazetteer, decisions=decisions) == plain
    assert {r.mention.start for r in plain} == set(decisions)
    assert all(decisions[r.mention.start].place is r.place for r in plain)


def test_aruba_in_a_kirkuk_story_beats_the_island_because_kirkuk_is_named(gazetteer: Gazetteer) -> None:
    aruba = decisions_of("Gunmen held out in the Aruba district of Kirkuk until dawn.", gazetteer)["Aruba"]
    assert aruba.place.country_code == "IQ" and aruba.place.kind == "neighbourhood"
    others = [p.country_code for p, _ in aruba.beaten] + [p.country_code for p in aruba.unbacked]
    assert "AW" in others  # the island is among the candidates it beat
    assert any("Kirkuk" in reason and "lies in" in reason for reason in aruba.reasons)
    assert all(score <= aruba.score for _, score in aruba.beaten)


def test_aruba_alone_is_the_island_and_well_known(gazetteer: Gazetteer) -> None:
    aruba = decisions_of("Tourists flew to Aruba for the holidays.", gazetteer)["Aruba"]
    assert aruba.place.country_code == "AW"
    assert any(reason.startswith("well known") for reason in aruba.reasons)
    assert not any("lies in" in reason for reason in aruba.reasons)


def test_a_name_the_gazetteer_lacks_says_it_was_put_at_its_town(gazetteer: Gazetteer) -> None:
    found = decisions_of("Gunmen attacked the Zarqubani neighbourhood of Kirkuk on Monday.", gazetteer)
    assert found["Zarqubani"].place.name == "Kirkuk"
    assert found["Zarqubani"].reasons and "not in the gazetteer" in found["Zarqubani"].reasons[0]
    assert "Kirkuk" in found["Zarqubani"].reasons[0]


def test_a_known_name_nothing_backs_says_so_when_put_in_its_area(gazetteer: Gazetteer) -> None:
    # "Idleb" is only another name of a Syrian city, which an Iraqi province after it rules out:
    # the fallback puts it in that province, and the reason does not claim the gazetteer lacks it.
    found = decisions_of("Gunmen attacked traders in Idleb, Kirkuk Province on Monday.", gazetteer)
    idleb = found["Idleb"]
    assert idleb.place is not None and idleb.reasons
    assert "no place of this name in the gazetteer fits the article" in idleb.reasons[0]


def test_spans_mark_the_place_and_the_toll_words() -> None:
    sentence = "A bomb in Kirkuk killed five people and wounded 12 others in the Kirkuk market."
    places = place_spans(sentence, "Kirkuk")
    assert [sentence[s.start:s.end] for s in places] == ["Kirkuk", "Kirkuk"]
    tolls = {s.what: sentence[s.start:s.end] for s in toll_spans(sentence)}
    assert "five" in tolls["killed"] and "12" in tolls["injured"]
    assert place_spans("Kirkukis were there.", "Kirkuk") == []  # whole words only


def test_explained_rows_are_the_same_rows_with_one_explanation_each(gazetteer: Gazetteer) -> None:
    article = parse_article("a.txt", b"Gunmen killed four people in Daquq on Monday. Hawija was quiet.")
    rows, why = explained_rows(article, gazetteer)
    assert rows == article_rows(article, gazetteer)
    assert len(why) == len(rows)
    daquq = next(WhyRow.from_json(json.loads(w)) for r, w in zip(rows, why)
                 if r.mention == "Daquq" and r.event_type != "mention")
    assert daquq.chosen is not None and daquq.chosen.country_code == "IQ"
    row = next(r for r in rows if r.mention == "Daquq")
    marked = {s.what: row.evidence[s.start:s.end] for s in daquq.spans}
    assert marked["place"] == "Daquq" and "four" in marked["killed"]


def test_the_build_writes_a_why_file_keyed_by_report_key_and_a_cached_rebuild_writes_it_again(
        tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text("Gunmen killed four people in Kirkuk on Monday, police said.", encoding="utf-8")
    (folder / "two.txt").write_text("A roadside bomb wounded three soldiers near Mosul on Tuesday.", encoding="utf-8")
    out = tmp_path / "reports.csv"
    settings = Settings(cache=str(tmp_path / "cache"), jobs=1)
    run_build(BuildOptions(inputs=(folder,), out=out, settings=settings))
    table = read_table(out)
    why = read_why(out)
    assert why is not None and set(why.rows) == set(report_keys(table))
    for key, row in zip(report_keys(table), table.itertuples(index=False)):
        explained = why.rows[key]
        assert explained.mention == getattr(row, C.mention)
        for span in explained.spans:
            if span.what == "place":
                assert getattr(row, C.evidence)[span.start:span.end] == getattr(row, C.mention)
    assert any(p.name == "Kirkuk" for p in why.places)  # the place search knows the rows' region
    first = why_file(out).read_bytes()
    run_build(BuildOptions(inputs=(folder,), out=out, settings=settings))  # rows and reasons from the cache
    assert why_file(out).read_bytes() == first


def test_the_reasons_are_the_same_whatever_the_hash_seed(tmp_path) -> None:
    """ "X, Province, Country": both links are reasons, in text order, in every process (a set's
    order follows the string hash seed, which changes from run to run)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "reasons.py"
    script.write_text(
        "import json\n"
        "from dashboard.preprocess.ingest import Metadata, parse_article\n"
        "from dashboard.preprocess.places.gazetteer import load_gazetteer\n"
        "from dashboard.preprocess.runner import explained_rows\n"
        "a = parse_article('a.txt', b'Gunmen killed three farmers in Gwoza, Borno, Nigeria on Monday.', Metadata(), False)\n"
        "print(json.dumps(json.loads(explained_rows(a, load_gazetteer())[1][0])['reasons']))\n", encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    outputs = set()
    for seed in range(6):
        env = dict(os.environ, PYTHONHASHSEED=str(seed), PYTHONPATH=str(root))
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=root,
                              check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1
    reasons = json.loads(outputs.pop())
    links = [r for r in reasons if r.startswith("written as \"Gwoza, ")]
    assert links == ['written as "Gwoza, Borno" and lies in Borno', 'written as "Gwoza, Nigeria" and lies in Nigeria']


def _rows(*identities: tuple[str, str, str]) -> list[Any]:
    return [SimpleNamespace(article=article, mention=mention, evidence=evidence)
            for article, mention, evidence in identities]


def test_explanations_kept_on_disk_read_back_by_row_number() -> None:
    kirkuk, mosul = ("a.txt", "Kirkuk", "A bomb hit Kirkuk."), ("a.txt", "Mosul", "Clashes in Mosul.")
    with Explanations() as kept:
        # one article's rows; its second row of Kirkuk shares the last text of the two, as a dict would
        kept.extend(_rows(kirkuk, mosul, kirkuk), ['{"why":"near Kirkuk"}', '{"why":"Mossoul, été"}', '{"why":"in"}'])
        kept.extend(_rows(("b.txt", "", "No place.")), None)  # rows with no explanation
        assert [kept.text(n) for n in (0, 1, 2)] == ['{"why":"in"}', '{"why":"Mossoul, été"}', '{"why":"in"}']
        assert len(kept) == 4 and not kept.has(3) and not kept.has(4) and kept.has(2)
        with pytest.raises(KeyError):
            kept.text(3)
        kept.extend(_rows(("c.txt", "Hit", "In Hit.")), ["{}"])  # written after a read: still read back
        assert kept.text(4) == "{}"
        with pytest.raises(ValueError):  # a text for each row, or none at all
            kept.extend(_rows(("d.txt", "Hit", "In Hit."), ("d.txt", "Ana", "In Ana.")), ["{}"])
        assert not kept._file.closed
    assert kept._file.closed


def test_explanations_read_into_memory_at_once_within_the_budget_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _rows(("a.txt", "Kirkuk", "A bomb hit Kirkuk."), ("a.txt", "Mosul", "Clashes in Mosul."))
    with Explanations() as small, Explanations() as large:
        for kept in (small, large):
            kept.extend(rows, ['{"why":"Kirkuk"}', '{"why":"Mossoul, été"}'])
        reads: list[int] = []
        real = os.pread
        monkeypatch.setattr(os, "pread", lambda *args: reads.append(1) or real(*args))
        small.read_whole(budget=1_000)
        large.read_whole(budget=10)  # more than that: each text read from the file when asked for
        assert [small.text(n) for n in (0, 1)] == [large.text(n) for n in (0, 1)] == \
            ['{"why":"Kirkuk"}', '{"why":"Mossoul, été"}']
        assert len(reads) == 2, "only the texts over the budget were read one by one"
        small.extend(_rows(("b.txt", "Hit", "In Hit.")), ['{"why":"Hit"}'])  # written after: still read back
        assert small.text(2) == '{"why":"Hit"}' and small.text(0) == '{"why":"Kirkuk"}'


@pytest.mark.parametrize("budget", [1_000, 10])  # read into memory at once, or one by one from the file
def test_the_why_file_from_a_builds_kept_bytes_is_the_one_made_from_the_texts(budget: int) -> None:
    texts = ['{"why":"Kirkuk"}', '{"why":"Mossoul, été"}', '{"why":"Hit"}']
    rows = _rows(("a.txt", "Kirkuk", "A bomb hit Kirkuk."), ("a.txt", "Mosul", "Clashes in Mosul."),
                 ("b.txt", "Hit", "In Hit."))
    with Explanations() as kept:
        kept.extend(rows[:2], texts[:2])
        kept.extend(rows[2:], None)  # a row without a text
        kept.extend(rows[2:], texts[2:])
        kept.read_whole(budget=budget)
        assert kept.encoded([3, 1, 0]) == [t.encode("utf-8") for t in (texts[2], texts[1], texts[0])]
        with pytest.raises(KeyError):
            kept.encoded([0, 2])
        numbers = {"k\x1fé": 1, "a\x1f1": 0, "z\"q": 3}
        by_key = _TextsByKey(numbers, kept)
        plain = {key: kept.text(number) for key, number in numbers.items()}
        for size in (1, 2, 5):
            assert b"".join(why_chunks(by_key, [["Hit", 1]], size)) == b"".join(why_chunks(plain, [["Hit", 1]], size))
        assert json.loads(b"".join(why_chunks(by_key, [])))["rows"] == {k: json.loads(v) for k, v in plain.items()}


def test_explanations_stored_ahead_of_their_rows_are_those_given_with_them() -> None:
    kirkuk, mosul = ("a.txt", "Kirkuk", "A bomb hit Kirkuk."), ("a.txt", "Mosul", "Gunmen raided Mosul.")
    texts = ['{"why":"first"}', '{"why":"Mossoul"}', '{"why":"last"}']
    with Explanations() as given, Explanations() as ahead:
        given.extend(_rows(kirkuk, mosul, kirkuk), texts)
        first, second = ahead.stored(texts[:1]), ahead.stored(texts[1:])  # two sections' texts, as they come
        assert ahead.stored_text(second[0]) == '{"why":"Mossoul"}' and len(ahead) == 0
        ahead.extend_stored(_rows(kirkuk, mosul, kirkuk), first + second)
        assert [ahead.text(n) for n in range(3)] == [given.text(n) for n in range(3)]
        assert ahead.text(0) == '{"why":"last"}'  # the article's later row of one place and sentence wins


def test_a_parse_frozen_by_a_worker_gives_the_rows_of_the_live_one(gazetteer: Gazetteer) -> None:
    text = "Gunmen killed four people in Kirkuk on Monday. A bomb wounded two in Hawija."
    job = Job("a.txt", text.encode(), Metadata(published=dt.date(2024, 3, 4)), False)
    live, = read_batch([job])
    cold, = read_batch([job], None, True)
    assert isinstance(cold.parsed, bytes) and not isinstance(live.parsed, bytes)
    made_live, = rows_batch([ArticleUnit(job, b"", live.parsed, None)], {})
    made_cold, = rows_batch([ArticleUnit(job, b"", cold.parsed, None)], {})
    assert made_cold == made_live and made_live[0]


def test_explanations_are_kept_in_the_folder_given(tmp_path: Path) -> None:
    # the output's folder, not the system's temporary folder (which may be memory)
    with Explanations(tmp_path) as kept:
        kept.extend(_rows(("a.txt", "Kirkuk", "A bomb hit Kirkuk.")), ["{}"])
        assert os.readlink(f"/proc/self/fd/{kept._file.fileno()}").startswith(str(tmp_path))
    assert list(tmp_path.iterdir()) == []
