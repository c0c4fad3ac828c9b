"""ingest: files, folders, manifest, front matter, HTML, and the articles that must be skipped."""

from __future__ import annotations

import codecs
import datetime as dt
import os
from pathlib import Path

import pytest

from dashboard.errors import ArticleError, ManifestError
from dashboard.preprocess.ingest import (
    Metadata,
    decode,
    find_article_files,
    find_articles,
    html_to_text,
    manifest_entry,
    metadata_from_text,
    parse_article,
    parse_date,
    read_article,
    read_manifest,
)


def test_folder_expansion_takes_article_suffixes_and_reports_what_it_passes_over(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("a.txt", "b.md", "sub/c.html", "README.md", "manifest.csv", "notes.pdf", ".hidden.txt", ".git/x.txt"):
        (tmp_path / name).write_text("x")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    files, passed = find_article_files([tmp_path, tmp_path / "a.txt", tmp_path / "absent.txt"])
    assert [f.name for f in files] == ["a.txt", "b.md", "c.html"]
    reasons = {Path(p.name).name: p.reason for p in passed}
    assert reasons["absent.txt"] == "no such file or folder"
    assert "suffix" in reasons["manifest.csv"] and "suffix" in reasons["notes.pdf"]
    assert "README" in reasons["README.md"] and "hidden" in reasons[".hidden.txt"] and "hidden" in reasons[".git"]
    assert "broken link" in reasons["gone.txt"] and "FIFO" in reasons["pipe.txt"]
    assert "x.txt" not in reasons  # inside the hidden folder, reported once as that folder


def test_keys_are_paths_below_their_input_and_differ_for_the_same_name(tmp_path: Path) -> None:
    for name in ("in/a/report.txt", "in/b/report.txt", "in/report.txt", "x/one/news.txt", "y/one/news.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    files, _ = find_articles([tmp_path / "in", tmp_path / "x/one/news.txt", tmp_path / "y/one/news.txt"])
    assert sorted(f.key for f in files) == ["a/report.txt", "b/report.txt", "report.txt", "x/one/news.txt",
                                           "y/one/news.txt"]
    alone, _ = find_articles([tmp_path / "x/one/news.txt"])
    assert [f.key for f in alone] == ["news.txt"]


@pytest.mark.parametrize("given", [".", "./", "corpus", "corpus/", "corpus//day/..", "absolute"])
def test_files_are_at_the_paths_their_input_gives_them_whatever_way_it_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str) -> None:
    root = tmp_path / "corpus"
    for name in ("b.txt", "day/a.txt", "README.md"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    (root / "day" / ".hidden").mkdir()
    monkeypatch.chdir(root if given.startswith(".") else tmp_path)
    folder = root if given == "absolute" else Path(given)
    files, passed = find_articles([folder])
    assert [(f.path, f.key) for f in files] == [(folder / "b.txt", "b.txt"), (folder / "day" / "a.txt", "day/a.txt")]
    assert all(f.path.read_text() == "x" for f in files)
    assert sorted(p.name for p in passed) == sorted([str(folder / "README.md"), str(folder / "day" / ".hidden")])


def test_a_file_reached_twice_is_one_article(tmp_path: Path) -> None:
    (tmp_path / "news" / "day").mkdir(parents=True)
    (tmp_path / "news" / "day" / "a.txt").write_text("x")
    (tmp_path / "news" / "b.txt").write_text("y")
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "same_as_a.txt").symlink_to(tmp_path / "news" / "day" / "a.txt")
    (tmp_path / "news_link").symlink_to(tmp_path / "news")
    files, _ = find_articles([tmp_path / "news", tmp_path / "news_link", tmp_path / "more",
                              tmp_path / "news" / "day" / "a.txt"])
    assert sorted(f.path.resolve().name for f in files) == ["a.txt", "b.txt"]


def test_an_unreadable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path):  # root reads every folder: a folder that refuses to be listed, as for another user
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, passed = find_articles([tmp_path])
    assert [f.key for f in files] == ["a.txt"]
    assert [(Path(p.name).name, p.reason) for p in passed] == [("locked", "folder cannot be read (Permission denied)")]


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
    assert article.text.startswith("Caf\u00e9 attack") and article.replaced == 0


TEXT = "Caf\u00e9 bomb in \u0130dlib\n\nA bomb killed four people near the caf\u00e9, officials said."


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_byte_order_marks_and_utf16_are_honoured(encoding: str) -> None:
    data = TEXT.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = codecs.BOM_UTF16_LE + data if encoding.endswith("le") else codecs.BOM_UTF16_BE + data
    article = parse_article("u.txt", data)
    assert article.text == TEXT and article.replaced == 0


def test_utf16_without_a_mark_is_text_not_binary() -> None:
    assert parse_article("u.txt", TEXT.encode("utf-16-le")).text == TEXT


def test_invalid_bytes_are_replaced_where_they_are_and_counted() -> None:
    data = TEXT.encode("utf-8").replace(b"four", b"fo\xffur").replace(b"said", b"sa\xc3id")
    article = parse_article("u.txt", data)
    assert article.replaced == 2
    assert article.text == TEXT.replace("four", "fo\ufffdur").replace("said", "sa\ufffdid")
    assert decode("caf\u00e9 \ufffd".encode()) == ("caf\u00e9 \ufffd", 0)  # one already there is no replacement


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
    good.write_text("file,source,published,url,title\nsub/a.txt,Agency,2020-05-06,http://x,A title\n"
                    "x/b.txt,X,,,\ny/b.txt,Y,,,\n")
    manifest = read_manifest(good)
    assert manifest["a.txt"] == Metadata("A title", "Agency", dt.date(2020, 5, 6), "http://x")
    assert manifest_entry(manifest, "sub/a.txt") == manifest_entry(manifest, "a.txt") == manifest["sub/a.txt"]
    assert manifest_entry(manifest, "x/b.txt").source == "X" and manifest_entry(manifest, "y/b.txt").source == "Y"
    assert manifest_entry(manifest, "b.txt") is None  # two rows name b.txt: the name alone decides nothing
    extra = tmp_path / "e.csv"
    extra.write_text("file,source\na.txt,X\nb.txt,Y,surplus,cells\n")
    with pytest.raises(ManifestError, match="line 3: 4 cells"):
        read_manifest(extra)
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


# --- normalising white space -------------------------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from dashboard.preprocess.ingest import metadata_from_text, normalise_text  # noqa: E402


def _normalised_by_pattern(text: str) -> str:
    """What normalise_text means, by regular expressions: line ends unified, any run of spaces and
    tabs (no-break spaces included) one space, three line ends or more two, the ends stripped."""
    import re
    text = re.sub(r"\r\n?", "\n", text).replace("\u00a0", " ")
    text = re.sub(r"[ \t\f\v]{2,}|[\t\f\v]", " ", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b.", " ", "  ", "\t", "\n", "\r", "\r\n", "\u00a0", "\f", "\v"]),
                max_size=40).map("".join))
def test_normalise_text_collapses_runs_as_the_patterns_say(text: str) -> None:
    assert normalise_text(text) == _normalised_by_pattern(text)


def test_a_source_line_is_read_and_a_source_word_is_not_one() -> None:
    assert metadata_from_text("Market attack\n\nSource : Daily Courier\nA bomb went off.").source == "Daily Courier"
    assert metadata_from_text("Market attack\n\nA security source said a bomb went off.").source == ""
    assert metadata_from_text("Market attack\n\nSOURCE:\tWire Desk\nA bomb went off.").source == "Wire Desk"
