"""HTML saved from a browser: the article only (trafilatura), with its title, date, site name and URL."""

from __future__ import annotations

import datetime as dt

from dashboard.preprocess.ingest import html_to_text, parse_article

SAVED_PAGE = """<!doctype html><html><head><title>Gunmen attack a checkpoint | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="https://news.example/world/checkpoint">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe now</a></nav>
<article><h1>Gunmen attack a checkpoint</h1>
<p>Gunmen killed three policemen at a checkpoint in Riverbend on Monday, officials said.</p>
<p>Two other officers were wounded in the attack, which no group has claimed.</p></article>
<section class="comments"><h3>Comments</h3>
<div class="comment"><p>Reader: I heard a bomb killed 100 people at the bridge yesterday.</p></div></section>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/b">Bomb kills 40 in the old market</a></li></ul></aside>
<footer>Copyright 2024 Example News</footer></body></html>"""


def test_a_saved_page_keeps_the_article_and_drops_menus_comments_and_related_links() -> None:
    page = html_to_text(SAVED_PAGE)
    assert "three policemen" in page.text and "Two other officers" in page.text
    for chrome in ("Subscribe", "100 people", "old market", "Copyright", "Related stories"):
        assert chrome not in page.text
    assert page.metadata.source == "Example News"
    assert page.metadata.published == dt.date(2024, 3, 5)
    assert page.metadata.url == "https://news.example/world/checkpoint"
    assert "Gunmen attack a checkpoint" in page.metadata.title


def test_metadata_the_tags_lack_comes_from_the_extractor() -> None:
    # no og:site_name: the extractor names the site (here from the canonical address's host)
    page = html_to_text(SAVED_PAGE.replace('<meta property="og:site_name" content="Example News">', ""))
    assert page.metadata.source  # filled, not empty
    assert "three policemen" in page.text


def test_a_fragment_the_extractor_finds_no_article_in_keeps_its_text() -> None:
    article = parse_article("short.html", b"<html><body><p>Gunmen killed 3 people in Riverbend.</p></body></html>")
    assert article.text.strip() == "Gunmen killed 3 people in Riverbend."


def test_script_text_in_a_page_never_reaches_the_article() -> None:
    article = parse_article("x.html", SAVED_PAGE.replace("<p>Two other", "<script>window.x = 1</script><p>Two other")
                            .encode())
    assert "window.x" not in article.text and "<script" not in article.text
