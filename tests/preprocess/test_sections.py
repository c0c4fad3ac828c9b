"""A very long text is read in sections: cut where a reader would cut, nothing lost, the same rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.preprocess import runner, sections
from dashboard.preprocess.ingest import Article
from dashboard.preprocess.pipeline import BuildOptions, run_build
from dashboard.settings import Settings


def test_sections_cover_the_text_in_order_and_cut_where_a_reader_would() -> None:
    text = "First line of a report.\nThe second line says more. It goes on.\n" * 20
    pieces = sections.sections(text, 100)
    assert "".join(pieces) == text
    assert all(len(piece) <= 100 for piece in pieces) and len(pieces) > 1
    assert all(piece.endswith("\n") for piece in pieces[:-1])  # at line breaks, when there are some


def test_a_line_without_breaks_is_cut_after_a_sentence_then_at_a_space() -> None:
    sentences = "Gunmen attacked a convoy near the town. " * 10
    pieces = sections.sections(sentences, 90)
    assert "".join(pieces) == sentences and all(piece.endswith(". ") for piece in pieces[:-1])
    words = "word " * 50
    pieces = sections.sections(words, 23)
    assert "".join(pieces) == words and all(piece.endswith(" ") and len(piece) <= 23 for piece in pieces[:-1])
    assert sections.sections("x" * 10, 4) == ["xxxx", "xxxx", "xx"]  # no space at all: cut at the size
    assert sections.sections("short", 100) == ["short"]


PARAGRAPH = ("A car bomb exploded near a market in {place} on Monday, killing {n} people, police said. "
             "Gunmen later abducted {m} traders on the road to {place}.")
PLACES = ["Kirkuk", "Mosul", "Kano", "Kabul", "Aleppo", "Mogadishu"]


def _build(folder: Path, out: Path, jobs: int, use_cache: bool = False, known: int = 0) -> bytes:
    out.mkdir()
    summary = run_build(BuildOptions(inputs=(folder,), out=out / "reports.csv",
                           settings=Settings(geocoder="none", jobs=jobs, cache=str(out.parent / "cache")),
                           use_cache=use_cache))
    assert not use_cache or summary.cache.startswith(f"{known} of 1 articles known; rows made for {1 - known};")
    return (out / "reports.csv").read_bytes()


@pytest.mark.parametrize(("jobs", "html", "use_cache"), [(1, False, False), (2, False, False), (2, False, True),
                                                         (1, True, False), (2, True, True)])
def test_a_text_longer_than_a_section_gives_the_rows_of_the_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   jobs: int, html: bool, use_cache: bool) -> None:
    # a place only mentioned, in several sections: one mention row, as for the whole text
    paragraphs = [PARAGRAPH.format(place=PLACES[n % len(PLACES)], n=3 + n, m=1 + n % 4)
                  + (" The governor of Basra visited the market." if n % 5 == 0 else "") for n in range(18)]
    folder = tmp_path / "articles"
    folder.mkdir()
    if html:  # its text is known once extracted: its sections are read where the page is
        body = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)
        (folder / "archive.html").write_text(f"<html><head><title>Reports of the week</title></head><body><article>"
                                             f"<h1>Reports of the week</h1>\n{body}</article></body></html>",
                                             encoding="utf-8")
    else:  # cut by the build, each section read by whichever worker is free
        (folder / "archive.txt").write_text("Reports of the week\n\n" + "\n".join(paragraphs) + "\n", encoding="utf-8")
    whole = _build(folder, tmp_path / "whole", 1)
    cut: list[int] = []
    real = sections.sections
    monkeypatch.setattr(sections, "SECTION_CHARS", 700)
    monkeypatch.setattr(runner, "sections", lambda text: cut.append(len(real(text))) or real(text))
    sectioned = _build(folder, tmp_path / "sectioned", jobs, use_cache)
    if not html or jobs == 1:  # (a page's sections are cut in the workers, with more than one job)
        assert max(cut) > 3  # read in sections
    assert sectioned == whole
    assert all(f"killing {3 + n} people".encode() in sectioned for n in range(18))  # every paragraph's incident
    assert sectioned.count(b",Basra,") == 1
    if use_cache:  # built again from the cache: the same rows
        cut.clear()
        assert _build(folder, tmp_path / "again", jobs, use_cache, known=1) == whole


def test_each_section_is_a_batch_by_itself() -> None:
    article = Article("a", "x", "", "", None, "")
    section = runner.Section(article, 0)
    items = [*"abc", section, *"d" * (runner.BATCH + 1), section]
    assert [len(batch) for batch in runner.batches(items)] == [3, 1, runner.BATCH, 1, 1]
    assert [item for batch in runner.batches(items) for item in batch] == items
