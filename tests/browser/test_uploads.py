"""Adding articles from the page, in Chromium: uploaded files and a pasted text become markers; script
text in an upload runs nothing; a bad file is named and nothing changes.

The page runs the real ``build`` command (a subprocess of the app) over a folder of our own short
articles; the article cache goes to a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard.aggregate import incidents_from_reports
from dashboard.schema import C, read_table
from dashboard.settings import Settings
from dashboard.ui.filters import FilterState, apply_filters
from dashboard.ui.uploads import NewArticle, add_articles
from tests.browser.conftest import MAP_FRAME, click_marker_until_shown, running_app, wait_until_idle
from tests.browser.test_dashboard import wait_map

pytestmark = pytest.mark.browser

FIRST = b"Gunmen killed four villagers in Kirkuk on Monday, police said.\n"
UPLOAD_TXT = b"Gunmen killed three policemen in Tikrit on Tuesday, officials said.\n"
UPLOAD_HTML = (b"<!doctype html><html><head><title>Blast | Example News</title>"
               b"<meta property='og:site_name' content='Example News'></head><body>"
               b"<nav><a href='/'>Home</a> Subscribe</nav><article><h1>Blast in the market</h1>"
               b"<p>A car bomb killed seven people in Samarra on Sunday, officials said.</p></article>"
               b"<aside><h3>Related</h3><a href='/x'>Bomb kills 40 in Mosul</a></aside></body></html>")
SCRIPT_TEXT = ("Militants killed five guards <script>window.__uploadScript = 1; alert(1)</script> in Baiji on Monday "
               "<img src=x onerror=\"window.__uploadImg = 1\">, officials said.")
SCRIPT_FLAGS = "() => [typeof window.__uploadScript, typeof window.__uploadImg, typeof window.__uploadTitle]"


def drawn(table: Path) -> int:
    """Incidents the page draws with no filter (mention rows and rejected rows hidden)."""
    return len(apply_filters(incidents_from_reports(read_table(table)), FilterState()))


@pytest.fixture()
def collection(tmp_path: Path, monkeypatch):
    """A folder of one article, the table built from it, and the page serving both (uploads on)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "kirkuk.txt").write_bytes(FIRST)
    table = tmp_path / "reports.csv"
    settings = Settings(tiles="none", articles=str(folder), cache=str(tmp_path / "cache"), jobs=1)
    monkeypatch.setenv("DASHBOARD_CACHE", settings.cache)  # the first build, made here as the page makes it
    monkeypatch.setenv("DASHBOARD_JOBS", "1")
    add_articles([NewArticle("tuz.txt", b"A mortar shell wounded two children in Tuz Khurmatu on Friday.\n")],
                 table, folder)
    with running_app(table, settings) as server:
        yield server, folder, table


def open_form(page) -> None:
    page.get_by_text("Add articles", exact=True).click()
    expect(page.get_by_role("button", name="Add and rebuild the table")).to_be_visible()


def submit(page) -> None:
    page.get_by_role("button", name="Add and rebuild the table").click()


def submit_until_saved(page, folder: Path) -> None:
    """Submit, and once more when no article was saved 20 s after the click: a click that lands while
    the page reruns (after the last text box was filled) is lost, on a busy machine now and then."""
    files = set(folder.iterdir())
    for _ in range(2):
        submit(page)
        for _ in range(40):
            if set(folder.iterdir()) != files:
                return
            page.wait_for_timeout(500)


def test_two_uploaded_articles_become_markers_and_the_table_stays_valid(session, collection) -> None:
    server, folder, table = collection
    page = session.page
    before = drawn(table)
    page.goto(server.base + "/")
    wait_map(page, before)
    open_form(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([
        {"name": "tikrit report.txt", "mimeType": "text/plain", "buffer": UPLOAD_TXT},
        {"name": "samarra.html", "mimeType": "text/html", "buffer": UPLOAD_HTML},
    ])
    expect(page.get_by_test_id("stFileChip")).to_have_count(2)  # both sent to the server
    submit_until_saved(page, folder)
    expect(page.get_by_text("Articles added.")).to_be_visible()
    rows = read_table(table)  # read back against the schema: a valid table
    new = rows[rows[C.article].isin(["tikrit-report.txt", "samarra.html"])]
    assert set(new[C.article]) == {"tikrit-report.txt", "samarra.html"}
    assert {"Tikrit", "Samarra"} <= set(new[C.location]), new[[C.article, C.location]]
    assert new[C.latitude].notna().all()
    assert "Mosul" not in set(new[C.location])  # the related link of the saved page is not the article
    after = drawn(table)
    assert after >= before + 2
    wait_map(page, after)  # the page shows the rebuilt table: the new markers are drawn
    assert sorted(p.name for p in folder.iterdir()) == ["kirkuk.txt", "samarra.html", "tikrit-report.txt", "tuz.txt"]
    assert session.errors == []


def test_a_pasted_text_with_script_tags_runs_nothing(session, collection) -> None:
    server, folder, table = collection
    page = session.page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server.base + "/")
    wait_map(page, drawn(table))
    open_form(page)
    page.get_by_role("textbox", name="Article text").fill(SCRIPT_TEXT)
    page.get_by_role("textbox", name="Article title").fill("<script>window.__uploadTitle = 1</script>Guards killed")
    page.get_by_role("textbox", name="Article source").fill('<img src=x onerror="window.__uploadImg = 1">Wire')
    page.get_by_role("textbox", name="Article URL").fill("https://wire.example/guards")
    submit_until_saved(page, folder)
    expect(page.get_by_text("Articles added.")).to_be_visible()
    rows = read_table(table)
    pasted = rows[rows[C.source] == '<img src=x onerror="window.__uploadImg = 1">Wire']
    assert len(pasted) >= 1 and pasted[C.evidence].str.contains("<script>", regex=False).any()
    place = pasted[C.location].dropna().iloc[0]
    page.goto(f"{server.base}/?place={place}")
    wait_map(page, 1)
    frame = page.frame_locator(MAP_FRAME)
    click_marker_until_shown(page, frame.locator(".leaflet-popup-content"))
    expect(frame.locator(".leaflet-popup-content")).to_contain_text("<script>window.__uploadScript")
    expect(page.get_by_text("<script>window.__uploadScript", exact=False).first).to_be_visible()  # the details
    wait_until_idle(page)
    assert page.evaluate(SCRIPT_FLAGS) == ["undefined"] * 3
    assert wait_map(page, 1).evaluate(SCRIPT_FLAGS) == ["undefined"] * 3  # the map's frame now
    assert dialogs == []
    assert session.errors == []


def test_a_bad_upload_is_named_and_nothing_changes(session, collection) -> None:
    server, folder, table = collection
    page = session.page
    before_table, before_files = table.read_bytes(), sorted(p.name for p in folder.iterdir())
    page.goto(server.base + "/")
    wait_map(page, drawn(table))
    open_form(page)
    refused = page.get_by_text("Nothing was added.")
    for _ in range(2):  # a submission lost while the page reruns (a busy machine, now and then) is made again
        if not page.get_by_test_id("stFileChip").count():  # the form was cleared by the lost submission
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([
                {"name": "fine.txt", "mimeType": "text/plain", "buffer": UPLOAD_TXT},
                {"name": "scripts-only.html", "mimeType": "text/html", "buffer": b"<html><script>x()</script></html>"},
            ])
        expect(page.get_by_test_id("stFileChip")).to_have_count(2)
        submit(page)
        for _ in range(60):
            if refused.count():
                break
            page.wait_for_timeout(500)
        if refused.count():
            break
    expect(refused).to_be_visible()
    expect(page.get_by_text("scripts-only.html: empty", exact=False)).to_be_visible()
    assert table.read_bytes() == before_table
    assert sorted(p.name for p in folder.iterdir()) == before_files
