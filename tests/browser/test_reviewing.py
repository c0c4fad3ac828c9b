"""Reviewing in Chromium: verify and reject a row; two browser sessions correcting at once lose nothing;
``--read-only`` shows no editing or upload control.

Each test serves its own copy of the sample table, so its review database starts empty.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard.review import ReviewStore, default_path, report_keys
from dashboard.schema import C, read_table
from dashboard.settings import Settings
from tests.browser.conftest import WAIT_S, click_marker_until_shown, open_session, running_app, wait_until_idle
from tests.browser.test_dashboard import wait_map
from tests.ui.tables import write_reports

pytestmark = pytest.mark.browser

EVERY_DRAWN = 5  # incidents of the sample table drawn with no filter (mention rows hidden)


@pytest.fixture()
def server(tmp_path: Path):
    with running_app(write_reports(tmp_path), Settings(tiles="none", articles=str(tmp_path))) as running:
        yield running


def key_of(table: Path, location: str) -> str:
    rows = read_table(table)
    return str(report_keys(rows)[rows[C.location] == location].iloc[0])


def history(table: Path):
    return ReviewStore(default_path(table)).history()


def show_row(page, server, location: str) -> None:
    """The page filtered to one place, its marker clicked: the row's details and review controls."""
    page.goto(f"{server.base}/?place={location}")
    wait_map(page, 1)
    click_marker_until_shown(page, page.get_by_text("review: ", exact=False).first)


def sign(page, name: str) -> None:
    box = page.get_by_role("textbox", name="Your name (for reviews)")
    box.fill(name)
    box.press("Enter")
    wait_until_idle(page)


def wait_for_entries(page, table: Path, count: int):
    """The review history once it holds ``count`` entries (looked at again every 0.2 s, up to WAIT_S)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if default_path(table).exists() and len(entries := history(table)) >= count:
            return entries
        page.wait_for_timeout(200)  # the next look
    raise AssertionError(f"expected {count} review entries")


def saved(table: Path, key: str, reviewer: str) -> bool:
    if not default_path(table).exists():
        return False
    entries = history(table)
    return bool(((entries["key"] == key) & (entries["reviewer"] == reviewer)).any())


def confirm_saved(page, table: Path, location: str, reviewer: str) -> None:
    """Until the store holds ``reviewer``'s entry for the row at ``location``: "Save correction" was
    clicked; a click that landed while the page reran (a late event of the map) is lost, so once
    nothing came of it for a while it is made again. The store is looked at, not the page's "Review
    saved.", which the next rerun takes away."""
    key = key_of(table, location)
    deadline = time.monotonic() + WAIT_S
    while not saved(table, key, reviewer):
        if time.monotonic() > deadline:
            raise AssertionError(f"{reviewer}'s correction of {location} was never saved")
        waited = time.monotonic() + 15
        while time.monotonic() < waited and not saved(table, key, reviewer):
            page.wait_for_timeout(200)
        if not saved(table, key, reviewer):
            wait_until_idle(page)
            page.get_by_role("button", name="Save correction").click()


def fill_correction(page, actor: str, note: str) -> None:
    page.get_by_text("Correct this row", exact=True).click()
    page.get_by_role("textbox", name="actor").fill(actor)
    page.get_by_role("textbox", name="note").fill(note)


def test_verify_then_reject_a_row_which_is_then_hidden_unless_the_filter_shows_it(session, server) -> None:
    page = session.page
    key = key_of(server.data, "Hilltop")
    show_row(page, server, "Hilltop")
    expect(page.get_by_text("review: unreviewed", exact=True)).to_be_visible()
    sign(page, "Ann")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("review: verified", exact=True)).to_be_visible()
    expect(page.get_by_text("Review saved.")).to_be_visible()
    page.get_by_role("button", name="Reject").click()
    entries = wait_for_entries(page, server.data, 2)
    assert list(zip(entries["key"], entries["reviewer"], entries["state"])) == [
        (key, "Ann", "verified"), (key, "Ann", "rejected")]
    page.goto(server.base + "/")
    wait_map(page, EVERY_DRAWN - 1)  # the rejected row is hidden
    page.goto(server.base + "/?review=rejected")
    wait_map(page, 1)  # and shown when the filter asks for it
    page.goto(server.base + "/?review=rejected&review=verified&review=unreviewed")
    wait_map(page, EVERY_DRAWN)
    assert session.errors == []


def test_two_sessions_correcting_at_once_lose_nothing(browser, server) -> None:
    with open_session(browser) as ann, open_session(browser) as bob:
        # different rows
        show_row(ann.page, server, "Hilltop")
        show_row(bob.page, server, "Easton")
        sign(ann.page, "Ann")
        sign(bob.page, "Bob")
        fill_correction(ann.page, "Hill Brigade", "from the ministry")
        fill_correction(bob.page, "Town Police", "from the mayor")
        ann.page.get_by_role("button", name="Save correction").click()  # both sent before either is seen saved
        bob.page.get_by_role("button", name="Save correction").click()
        confirm_saved(ann.page, server.data, "Hilltop", "Ann")
        confirm_saved(bob.page, server.data, "Easton", "Bob")
        entries = history(server.data)
        assert sorted(zip(entries["key"], entries["reviewer"], entries["actor"], entries["note"])) == sorted([
            (key_of(server.data, "Hilltop"), "Ann", "Hill Brigade", "from the ministry"),
            (key_of(server.data, "Easton"), "Bob", "Town Police", "from the mayor")])
        # both corrections shown to both (a new page load of each)
        for page in (ann.page, bob.page):
            show_row(page, server, "Hilltop")
            expect(page.get_by_text("actor: Hill Brigade", exact=False).first).to_be_visible()
            show_row(page, server, "Easton")
            expect(page.get_by_text("actor: Town Police", exact=False).first).to_be_visible()

        # the same row from both
        for page, name in ((ann.page, "Ann"), (bob.page, "Bob")):
            show_row(page, server, "Riverbend")
            sign(page, name)
        fill_correction(ann.page, "River Raiders", "Ann's reading")
        fill_correction(bob.page, "Bridge Gang", "Bob's reading")
        ann.page.get_by_role("button", name="Save correction").click()
        bob.page.get_by_role("button", name="Save correction").click()
        confirm_saved(ann.page, server.data, "Riverbend", "Ann")
        confirm_saved(bob.page, server.data, "Riverbend", "Bob")
        river = history(server.data)
        river = river[river["key"] == key_of(server.data, "Riverbend")]
        assert sorted(zip(river["reviewer"], river["actor"], river["note"])) == [
            ("Ann", "River Raiders", "Ann's reading"), ("Bob", "Bridge Gang", "Bob's reading")]
        assert ann.errors == [] and bob.errors == []


EDITING = ["Your name (for reviews)", "Verify", "Reject", "Correct this row", "Save correction", "Add articles",
           "Add and rebuild the table", "Article text"]


def test_read_only_shows_no_editing_or_upload_control(session, tmp_path: Path) -> None:
    table = write_reports(tmp_path)
    settings = Settings(tiles="none", articles=str(tmp_path), read_only=True)
    with running_app(table, settings) as server:
        page = session.page
        page.goto(f"{server.base}/?place=Hilltop")
        wait_map(page, 1)
        click_marker_until_shown(page, page.get_by_text("Jets struck a depot on the hill.", exact=False).first)
        wait_until_idle(page)
        for label in EDITING:
            expect(page.get_by_text(label, exact=True)).to_have_count(0)
        expect(page.get_by_role("button", name="Verify")).to_have_count(0)
        expect(page.locator("input[type=file]")).to_have_count(0)
        expect(page.locator("[data-testid=stForm]")).to_have_count(0)
    assert not default_path(table).exists() or history(table).empty
