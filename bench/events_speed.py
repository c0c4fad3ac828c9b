"""Benchmark: the events stage alone (sentences + places -> incident rows), milliseconds per article.

Reads the seed articles from ../shared/seeds (never copied here), finds their places once with the
real geoparser (not timed), then times ``extract_incidents`` on one core. Prints figures, asserts
nothing. Goal: about 1-2 ms for a 5 KB article, so that the whole build reaches 200 articles/s.

    python bench/events_speed.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.preprocess.incidents.events import extract_incidents  # noqa: E402
from dashboard.preprocess.places.gazetteer import load_gazetteer  # noqa: E402
from dashboard.preprocess.places.geoparse import geoparse  # noqa: E402
from dashboard.preprocess.ingest import read_article, read_manifest  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="runs per article (the best of 5 rounds is kept)")
    args = parser.parse_args()
    manifest = read_manifest(SEEDS / "manifest.csv")
    gazetteer = load_gazetteer()
    for path in sorted(SEEDS.glob("*.txt")):
        article = read_article(path, manifest.get(path.name))
        places = geoparse(article.text, gazetteer)
        best = float("inf")
        for _ in range(5):
            started = time.process_time()
            for _ in range(args.repeat):
                rows = extract_incidents(article, places)
            best = min(best, (time.process_time() - started) / args.repeat)
        print(f"{path.name}: {len(article.text)} characters, {len(places)} place mentions, {len(rows)} rows: "
              f"{best * 1000:.2f} ms per article")
    started = time.process_time()
    sum(range(1_000_000))
    print(f"machine reference, sum(range(10**6)): {(time.process_time() - started) * 1000:.1f} ms "
          "(to compare machines)")


if __name__ == "__main__":
    main()
