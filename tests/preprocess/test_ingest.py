"""ingest: files, folders, manifest, front matter, HTML, and the articles that must be skipped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboard.errors import ArticleError, ManifestError
from dashboard.preprocess.ingest import (
    Metadata,
    find_article_files,
    html_to_text,
    metadata_from_text,
    parse_article,
    parse_date,
    read_article,
    read_manifest,
)


def test_folder_expansion_takes_article_suffixes_and_passes_over_readme(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "b.md", "sub/c.html", "README.md", "manifest.csv", "notes.pdf", ".hidden.txt"):
        (tmp_path / name).write_text("x")
    files, missing = find_article_files([tmp_path, tmp_path / "a.txt", tmp_path / "absent.txt"])
    assert [f.name for f in files] == ["a.txt", "b.md", "c.html"]
    assert [(m.name, m.reason) for m in missing] == [(str(tmp_path / "absent.txt"), "no such file or folder")]


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b"   \n\t ", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
     (b"<html><script>alert(1)</script></html>", "empty")],
)
def test_unusable_articles_raise_with_their_reason(content: bytes, reason: str) -> None:
    with pytest.raises(ArticleError) as caught:
        parse_article("bad.html", content)
    assert caught.value.name == "bad.html"
    assert reason in caught.value.reason


def test_oversized_and_unreadable_files_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("word " * 100)
    with pytest.raises(ArticleError, match="oversized"):
        read_article(big, max_bytes=100)
    with pytest.raises(ArticleError, match="unreadable"):
        read_article(tmp_path / "gone.txt")


def test_windows_1252_text_is_decoded() -> None:
    article = parse_article("w.txt", "Caf\u00e9 attack\n\nGunmen opened fire.".encode("cp1252"))
    assert article.text.startswith("Caf\u00e9 attack")


def test_front_matter_gives_metadata_and_is_removed_from_the_text() -> None:
    raw = b"---\ntitle: Market blast\nsource: Daily Wire Service\ndate: 2021-03-04\nurl: https://example.org/a\n---\nA bomb exploded.\n"
    article = parse_article("a.md", raw)
    assert (article.title, article.source, article.published, article.url) == (
        "Market blast", "Daily Wire Service", dt.date(2021, 3, 4), "https://example.org/a")
    assert article.text == "A bomb exploded."


def test_manifest_metadata_wins_over_what_the_text_says() -> None:
    raw = b"Headline here\n\nBody of the report.\n\nSource: Text Agency\n"
    article = parse_article("a.txt", raw, Metadata(source="Manifest Agency", published=dt.date(2020, 1, 2)))
    assert article.source == "Manifest Agency"
    assert article.published == dt.date(2020, 1, 2)
    assert article.title == "Headline here"


def test_text_states_source_line_and_dated_byline() -> None:
    text = "Headline without a full stop\n\nSubtitle line\nMarch 5, 2019\n\nBody.\n\nReporting by: A. Writer | Source: Wire Agency\n"
    meta = metadata_from_text(text)
    assert (meta.title, meta.source, meta.published) == ("Headline without a full stop", "Wire Agency", dt.date(2019, 3, 5))


def test_html_keeps_main_text_and_drops_scripts_navigation_and_markup() -> None:
    page = html_to_text(
        "<html><head><title>Page title</title><meta property='og:site_name' content='The Herald'>"
        "<meta property='article:published_time' content='2022-07-08T09:10:00Z'></head><body>"
        "<nav>Home | World</nav><script>document.write('x')</script><article><h1>Clash in town</h1>"
        "<p>Two soldiers &amp; a civilian were killed.</p><style>p{}</style></article><footer>(c)</footer></body></html>")
    assert page.text.split() == "Clash in town Two soldiers & a civilian were killed.".split()
    assert (page.metadata.title, page.metadata.source, page.metadata.published) == (
        "Page title", "The Herald", dt.date(2022, 7, 8))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2016-10-25", dt.date(2016, 10, 25)), ("October 25, 2016", dt.date(2016, 10, 25)),
     ("25 Oct 2016", dt.date(2016, 10, 25)), ("Sept. 3, 2015", dt.date(2015, 9, 3)),
     ("2016-02-30", None), ("yesterday", None), ("", None)],
)
def test_parse_date(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


def test_manifest_reading_and_its_errors(tmp_path: Path) -> None:
    good = tmp_path / "m.csv"
    good.write_text("file,source,published,url,title\nsub/a.txt,Agency,2020-05-06,http://x,A title\n")
    assert read_manifest(good)["a.txt"] == Metadata("A title", "Agency", dt.date(2020, 5, 6), "http://x")
    no_file = tmp_path / "n.csv"
    no_file.write_text("name,source\na.txt,X\n")
    with pytest.raises(ManifestError, match="'file' column"):
        read_manifest(no_file)
    bad_date = tmp_path / "d.csv"
    bad_date.write_text("file,published\na.txt,last week\n")
    with pytest.raises(ManifestError, match="line 2"):
        read_manifest(bad_date)


@pytest.mark.parametrize(
    ("text", "source"),
    [("Blast in capital\n\nKABUL (Reuters) - A bomb killed three people on Monday.", "Reuters"),
     ("Attack\n\nMAIDUGURI, Nigeria, May 2 (AFP) — Gunmen killed five villagers.", "AFP"),
     ("Attack\n\nGunmen (about 20 of them) - witnesses said - killed five.", "")],
)
def test_a_wire_dateline_names_the_source(text: str, source: str) -> None:
    assert metadata_from_text(text).source == source
