"""Saved news pages -> article text: how much of the article is kept and how much chrome leaks, and the time.

    python bench/html_pages.py [--pages ../shared/html]

Reads each page of ``PAGES/pages`` with the build's reader (``ingest.parse_article``) and scores it
against ``PAGES/expectations.json`` (per page: strings of the article that must be in the text,
``with``, and strings of the page's chrome that must not, ``without``). Prints the share of each,
and milliseconds per page, for trafilatura (what the build uses) and for the fallback parser alone
(``<article>``/``<main>``/``<body>`` text without scripts and navigation). Prints figures only,
never the pages' text.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.preprocess import ingest  # noqa: E402


def score(folder: Path) -> tuple[int, int, int, int, float, list[str]]:
    expectations = json.loads((folder / "expectations.json").read_text(encoding="utf-8"))
    kept = wanted = leaked = chrome = 0
    failed: list[str] = []
    started = time.perf_counter()
    for page in expectations:
        data = (folder / "pages" / page["file"]).read_bytes()
        try:
            text = " ".join(ingest.parse_article(page["file"], data, is_html=True).text.split())
        except ingest.ArticleError as err:
            failed.append(f"{page['file']}: {err.reason}")
            text = ""
        kept += sum(" ".join(s.split()) in text for s in page["with"])
        wanted += len(page["with"])
        leaked += sum(" ".join(s.split()) in text for s in page["without"])
        chrome += len(page["without"])
    return kept, wanted, leaked, chrome, (time.perf_counter() - started) / len(expectations), failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=ROOT.parent / "shared" / "html")
    args = parser.parse_args()
    ingest.parse_article("warm.html", b"<html><body><article><p>" + b"Warm up the extractor. " * 40
                         + b"</p></article></body></html>", is_html=True)  # its first call loads its models
    results = {"trafilatura": score(args.pages)}
    ingest._extract_article = lambda html: None  # the fallback parser alone
    results["fallback parser"] = score(args.pages)
    for name, (kept, wanted, leaked, chrome, seconds, failed) in results.items():
        print(f"{name:16} article strings kept {kept}/{wanted} ({kept / wanted:.0%}); chrome strings leaked "
              f"{leaked}/{chrome} ({leaked / chrome:.0%}); {seconds * 1000:.0f} ms a page; unread {len(failed)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
