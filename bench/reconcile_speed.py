"""Benchmark: reports per second through reconcile and aggregate (prints figures; never a test).

Two made-up corpora of 1,000 articles: a realistic one (5 reports each, spread over 60 towns and
90 days) and the worst case (every article reporting the same incident, as a repeated text does).
Run: python bench/reconcile_speed.py
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from dashboard.aggregate import incidents_from_reports  # noqa: E402
from dashboard.preprocess.reconcile import reconcile  # noqa: E402
from dashboard.schema import Incident, to_frame, validate  # noqa: E402
from dashboard.settings import Settings  # noqa: E402

DEFAULTS = Settings()
START = dt.date(2020, 1, 1)
TYPES = ("armed attack", "bombing/explosion", "air or missile strike", "clash", "capture/arrest", "mention")


def row(article: str, eid: str, town: int, lat: float, lon: float, day: int, kind: str, killed: int) -> Incident:
    date = START + dt.timedelta(days=day)
    return Incident(eid, date, "day", f"Town {town}", f"Town {town}", "", "", "XX", lat, lon, "place", kind,
                    killed, killed, None, None, None, None, "", f"Outlet {article}", "", article, "", date,
                    "A bomb hit a market." if killed % 2 else "Gunmen attacked a checkpoint.")


def realistic(articles: int, rng: random.Random) -> list[Incident]:
    towns = [(rng.uniform(30, 37), rng.uniform(39, 48)) for _ in range(60)]
    rows = []
    for a in range(articles):
        for e in range(5):
            town = rng.randrange(len(towns))
            rows.append(row(f"a{a}.txt", f"e{e}", town, *towns[town], rng.randrange(90), rng.choice(TYPES),
                            rng.randrange(1, 30)))
    return rows


def repeated(articles: int) -> list[Incident]:
    return [row(f"a{a}.txt", "e1", 0, 35.0, 44.0, 3, "armed attack", 10) for a in range(articles)]


def timed(name: str, rows: list[Incident]) -> None:
    started = time.perf_counter()
    out = reconcile(rows, DEFAULTS.merge_km, DEFAULTS.merge_days)
    seconds = time.perf_counter() - started
    incidents = len({r.incident_id for r in out})
    print(f"{name}: reconcile {len(rows)} reports -> {incidents} incidents in {seconds:.2f} s "
          f"({len(rows) / seconds:,.0f} reports/s)")
    table = validate(to_frame(out))
    started = time.perf_counter()
    incidents_from_reports(table)
    seconds = time.perf_counter() - started
    print(f"{name}: aggregate {len(rows)} reports in {seconds:.2f} s ({len(rows) / seconds:,.0f} reports/s)")


if __name__ == "__main__":
    timed("realistic (1,000 articles x 5 reports)", realistic(1000, random.Random(1)))
    timed("worst case (1,000 articles, one incident)", repeated(1000))
