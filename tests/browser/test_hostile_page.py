"""The page in Chromium against hostile input: bad query values, and text that would load images.

Every request the page and its frames make is recorded (see ``conftest.Session``); text that
reached the page as Markdown or HTML would make a request to 127.0.0.2.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import MAP_FRAME, click_marker_until_shown, running_app, wait_until_idle
from tests.browser.test_dashboard import wait_map
from tests.ui.tables import (
    HTML_IMAGE, IMAGE_HOST, MARKDOWN_IMAGE, image_reports, write_reports, write_table_quoting_an_image,
)

pytestmark = pytest.mark.browser

EVERY_DRAWN = 5  # incidents of the sample table shown with no filter (mention rows hidden)


def to_image_host(session) -> list[str]:
    return [url for url in session.requests if IMAGE_HOST in url]


@pytest.fixture(scope="module")
def image_server(tmp_path_factory):
    with running_app(write_reports(tmp_path_factory.mktemp("images"), image_reports())) as running:
        yield running


@pytest.fixture(scope="module")
def bad_file_server(tmp_path_factory):
    with running_app(write_table_quoting_an_image(tmp_path_factory.mktemp("bad"))) as running:
        yield running


@pytest.mark.parametrize("query", ["killed=%C2%B2", "killed=" + "9" * 5000, "from=2024-02-30&to=x&type=picnic"])
def test_a_bad_query_value_shows_the_page_with_a_note(session, server, query) -> None:
    session.page.goto(f"{server.base}/?{query}")
    wait_map(session.page, EVERY_DRAWN)  # the page and its map, every filter at its default
    note = session.page.locator("[data-testid=stAlert]").filter(has_text="Ignored in the page's address")
    expect(note).to_be_visible()
    expect(note).to_contain_text(re.compile(r"(killed|from|to|type): not"))
    wait_until_idle(session.page)
    expect(session.page.locator("[data-testid=stException]")).to_have_count(0)
    assert "Traceback" not in session.page.locator("[data-testid=stApp]").inner_text()
    assert session.errors == []


def test_image_markup_in_the_table_loads_no_image(session, image_server) -> None:
    page = session.page
    page.goto(f"{image_server.base}/?place=Hilltop")
    wait_map(page, 1)
    details = page.get_by_text(f"as written: {MARKDOWN_IMAGE} {HTML_IMAGE}", exact=True)
    click_marker_until_shown(page, details)  # the click reran the app and filled the details panel
    expect(page.get_by_text(f"Jets struck a depot on the hill. {MARKDOWN_IMAGE} {HTML_IMAGE}",
                            exact=True)).to_be_visible()
    # (the map's popup is drawn too, and its requests recorded; its own tests are in test_map_popup.py)
    expect(page.get_by_text("Table of the filtered rows")).to_be_visible()
    expect(page.locator("[data-testid=stDataFrame]")).to_be_visible()
    page.get_by_role("combobox", name="Source").click()  # its options are the data's source names
    expect(page.get_by_role("listbox")).to_contain_text(MARKDOWN_IMAGE)
    page.keyboard.press("Escape")
    wait_until_idle(page)
    assert page.locator(f'img[src*="{IMAGE_HOST}"]').count() == 0
    assert wait_map(page, 1).locator(f'img[src*="{IMAGE_HOST}"]').count() == 0  # the map's frame now
    assert to_image_host(session) == [], to_image_host(session)
    assert session.errors == []


def test_a_bad_files_message_quoting_image_markup_loads_no_image(session, bad_file_server) -> None:
    page = session.page
    page.goto(bad_file_server.base + "/")
    expect(page.locator("[data-testid=stAlert]")).to_contain_text("The table cannot be shown.")
    expect(page.get_by_text(MARKDOWN_IMAGE, exact=False)).to_be_visible()  # the reason, as written
    wait_until_idle(page)
    expect(page.locator(MAP_FRAME)).to_have_count(0)
    assert page.locator(f'img[src*="{IMAGE_HOST}"]').count() == 0
    assert to_image_host(session) == [], to_image_host(session)
