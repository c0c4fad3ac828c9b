"""Articles added from the page: names, pasted texts, and the real check-save-rebuild with the build CLI.

The builds run ``python -m dashboard build`` in a subprocess, as the app does; the article cache
goes to a temporary folder (``DASHBOARD_CACHE``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboard.schema import C, read_table
from dashboard.ui.uploads import (
    NewArticle, UploadError, add_articles, build_command, free_names, not_read, pasted_article, safe_name,
)
from tests.ui.tables import write_reports
from tests.ui.test_app import start

GOOD = b"Gunmen killed four villagers in Kirkuk on Monday, police said.\n"
OTHER = b"A roadside bomb wounded two soldiers near Tikrit on Sunday, officials said.\n"


@pytest.mark.parametrize(("given", "expected"), [
    ("report.txt", "report.txt"), ("C:\\Users\\me\\Saved Page.HTML", "Saved-Page.html"),
    ("../../etc/x.md", "x.md"), (".hidden.txt", "hidden.txt"), ("Ärger über.md", "Arger-uber.md"),
    ("<script>.html", "script.html"), (".txt", "article.txt"),
])
def test_safe_names_keep_the_last_part_in_plain_characters(given: str, expected: str) -> None:
    assert safe_name(given) == expected


@pytest.mark.parametrize("given", ["notes.pdf", "article", "x.txt.exe", "page.html/"])
def test_a_file_that_is_no_article_is_refused_by_name(given: str) -> None:
    with pytest.raises(UploadError, match="not an article file"):
        safe_name(given)


def test_a_pasted_text_becomes_an_article_with_front_matter() -> None:
    article = pasted_article("Gunmen attacked a post.\r\nTwo died.", title="Post attacked\nagain",
                             source="Example Wire", published=dt.date(2024, 5, 1), url="https://wire.example/1")
    text = article.data.decode()
    assert text == ("---\ntitle: Post attacked again\nsource: Example Wire\npublished: 2024-05-01\n"
                    "url: https://wire.example/1\n---\nGunmen attacked a post.\nTwo died.\n")
    assert article.name.startswith("post-attacked-again-") and article.name.endswith(".txt")
    assert pasted_article("Only text.").data == b"Only text.\n"


@pytest.mark.parametrize(("text", "url", "message"), [
    ("  \n", "", "empty"), ("Text.", "javascript:alert(1)", "URL"), ("Text.", "ftp://x", "URL"),
])
def test_a_pasted_text_that_cannot_be_an_article_is_refused(text: str, url: str, message: str) -> None:
    with pytest.raises(UploadError, match=message):
        pasted_article(text, url=url)


def test_free_names_never_overwrite_and_refuse_a_file_already_there(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"old")
    names = free_names(tmp_path, [NewArticle("a.txt", b"new"), NewArticle("A.txt", b"newer"), NewArticle("a.txt", b"x")])
    assert names == ["a-2.txt", "A.txt", "a-3.txt"]
    with pytest.raises(UploadError, match="already in the articles folder"):
        free_names(tmp_path, [NewArticle("b.txt", b"b"), NewArticle("a.txt", b"old")])


def test_not_read_finds_the_new_files_in_the_build_summary() -> None:
    stderr = ("articles read: 1; skipped: 1; passed over: 1; rows written: 3; incidents: 1; 0.5 s\n"
              "  skipped bad.html: empty (no text after removing markup)\n"
              "  passed over /tmp/x/articles/readme.txt: README/LICENSE-like file\n"
              "  skipped other.txt: binary, not text\n")
    assert not_read(stderr, ["bad.html", "readme.txt", "good.txt"]) == [
        "bad.html: empty (no text after removing markup)", "readme.txt: README/LICENSE-like file"]


def test_the_rebuild_takes_the_folders_manifest(tmp_path: Path) -> None:
    assert "--manifest" not in build_command([tmp_path], tmp_path / "t.csv")
    (tmp_path / "manifest.csv").write_text("file,source\n")
    assert build_command([tmp_path], tmp_path / "t.csv")[-2:] == ["--manifest", str(tmp_path / "manifest.csv")]


def make_collection(folder: Path) -> tuple[Path, Path]:
    """A folder of one article and the table built from it plus one added (with the build CLI, as the page does)."""
    folder.mkdir()
    (folder / "first.txt").write_bytes(GOOD)
    table = folder.parent / "reports.csv"
    add_articles([NewArticle("second.txt", OTHER)], table, folder)
    return folder, table


@pytest.fixture(scope="module", autouse=True)
def own_cache(tmp_path_factory):
    """The builds' article cache in a temporary folder, one worker process (a small build)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DASHBOARD_CACHE", str(tmp_path_factory.mktemp("cache")))
        patch.setenv("DASHBOARD_JOBS", "1")
        yield


@pytest.fixture(scope="module")
def shared_collection(tmp_path_factory) -> tuple[Path, Path]:
    """One collection for the tests that must leave it as it was."""
    return make_collection(tmp_path_factory.mktemp("shared") / "articles")


@pytest.mark.slow
def test_added_articles_are_saved_and_the_table_rebuilt_from_the_whole_folder(tmp_path: Path) -> None:
    folder, table = make_collection(tmp_path / "articles")
    assert read_table(table)[C.article].nunique() == 2  # the one already there and the one added
    steps: list[tuple[float, str]] = []
    page = b"<html><head><title>Clash</title></head><body><p>Militants killed six soldiers in Hawija.</p></body></html>"
    added = add_articles([NewArticle("saved page.html", page), pasted_article("Troops captured nine men in Daquq.",
                                                                            title="Raid", source="Wire")],
                         table, folder, lambda done, what: steps.append((done, what)))
    rows = read_table(table)
    assert set(rows[C.article]) == {"first.txt", "second.txt", "saved-page.html", added.saved[1]}
    assert sorted(p.name for p in folder.iterdir()) == sorted(["first.txt", "second.txt", *added.saved])
    assert rows.loc[rows[C.article] == added.saved[1], C.source].eq("Wire").all()
    assert [done for done, _ in steps] == sorted(done for done, _ in steps) and steps[-1][0] == 1.0
    assert added.summary.startswith("articles read: 4")


@pytest.mark.slow
@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.html", b"<html><body><script>x()</script></body></html>", "empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x00", "binary"),
    ("README.md", b"Gunmen killed two men in Kirkuk.", "README"),
])
def test_a_bad_file_is_named_and_nothing_changes(shared_collection, name: str, data: bytes, reason: str) -> None:
    folder, table = shared_collection
    before_files = {p.name: p.read_bytes() for p in folder.iterdir()}
    before_table = table.read_bytes()
    with pytest.raises(UploadError) as caught:
        add_articles([NewArticle("fine.txt", b"Gunmen killed a guard in Dibis."), NewArticle(name, data)],
                     table, folder)
    assert name in str(caught.value) and reason in str(caught.value)
    assert "fine.txt" not in str(caught.value)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before_files
    assert table.read_bytes() == before_table


def test_no_folder_and_no_article_are_refused_before_any_build(tmp_path: Path) -> None:
    with pytest.raises(UploadError, match="does not exist"):
        add_articles([NewArticle("a.txt", GOOD)], tmp_path / "t.csv", tmp_path / "missing")
    with pytest.raises(UploadError, match="choose a file"):
        add_articles([], tmp_path / "t.csv", tmp_path)


UPLOAD_CONTROLS = {"Add articles", "Article text", "Article title", "Article source", "Article URL",
                   "Add and rebuild the table"}


@pytest.mark.parametrize("read_only", ["true", "false"])
def test_the_form_is_drawn_unless_read_only(monkeypatch, tmp_path: Path, read_only: str) -> None:
    monkeypatch.setenv("DASHBOARD_READ_ONLY", read_only)
    monkeypatch.setenv("DASHBOARD_ARTICLES", str(tmp_path))
    monkeypatch.delenv("DASHBOARD_REVIEW_DB", raising=False)
    app = start(monkeypatch, write_reports(tmp_path))
    labels = {w.label for w in [*app.expander, *app.text_input, *app.text_area, *app.button]}
    uploaders = app.get("file_uploader")
    if read_only == "true":
        assert not UPLOAD_CONTROLS & labels and not uploaders
    else:
        assert UPLOAD_CONTROLS <= labels and len(uploaders) == 1


def test_without_a_folder_the_form_says_how_to_get_one(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DASHBOARD_READ_ONLY", raising=False)
    monkeypatch.setenv("DASHBOARD_ARTICLES", "")
    app = start(monkeypatch, write_reports(tmp_path))
    assert any("--articles FOLDER" in c.value for c in app.caption)
    assert not app.get("file_uploader")


@pytest.mark.slow
def test_an_added_report_of_an_incident_already_there_is_reconciled_with_it(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "wire.txt").write_text("---\nsource: Example Wire\npublished: 2024-03-05\n---\n"
                                     "Gunmen killed four villagers in Kirkuk on Monday, police said.\n")
    table = tmp_path / "reports.csv"
    add_articles([pasted_article("Four villagers were shot dead by gunmen in Kirkuk on Monday.",
                                 source="Evening Example", published=dt.date(2024, 3, 5))], table, folder)
    rows = read_table(table)
    incidents = rows[rows[C.event_type] != "mention"]
    assert set(incidents[C.source]) == {"Example Wire", "Evening Example"}
    assert incidents[C.incident_id].nunique() == 1  # one incident, told by both


def test_a_missing_folder_is_said_before_anything_is_tried(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DASHBOARD_READ_ONLY", raising=False)
    monkeypatch.setenv("DASHBOARD_ARTICLES", str(tmp_path / "nowhere"))
    app = start(monkeypatch, write_reports(tmp_path))
    assert any("does not exist" in c.value for c in app.caption)
    assert str(tmp_path / "nowhere") in [t.value for t in app.text]
    assert not app.get("file_uploader")


@pytest.mark.slow
def test_when_no_new_file_can_be_read_the_message_names_them_without_the_scratch_folder(shared_collection) -> None:
    folder, table = shared_collection
    with pytest.raises(UploadError) as caught:
        add_articles([NewArticle("blank.md", b"   \n")], table, folder)
    assert "blank.md" in str(caught.value) and "empty" in str(caught.value)
    assert "dashboard-upload-" not in str(caught.value)
