"""Benchmark: how reconciling grows with the corpus (prints figures; never a test).

Made-up reports (5 per article, as bench/reconcile_speed.py makes them) over 300 towns in three
countries, the archive's days growing with it (about 100 reports a day: a longer archive, not a
denser one), at n = 10,000, 20,000, 40,000 and 80,000 reports. Reconciling blocks reports by
day and place (points in cells of merge_km, names, provinces), so its cost should grow no worse
than n log n: the last column is the time divided by n log n, relative to the smallest n (about
1 or below: n log n or better; growing with n: worse).

    python bench/reconcile_scale.py [--sizes 10000 20000 40000 80000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from reconcile_speed import TYPES, row  # noqa: E402  (bench/ is this script's folder)

from dashboard.preprocess.reconcile import reconcile  # noqa: E402
from dashboard.schema import Incident  # noqa: E402
from dashboard.settings import Settings  # noqa: E402

DEFAULTS = Settings()
REPORTS_PER_ARTICLE = 5
REPORTS_PER_DAY = 100


def corpus(reports: int, rng: random.Random) -> list[Incident]:
    # Three countries' boxes of 100 towns each.
    boxes = [((30, 37), (39, 48)), ((4, 13), (3, 14)), ((29, 38), (60, 71))]
    towns = [(rng.uniform(*lat), rng.uniform(*lon)) for lat, lon in boxes for _ in range(100)]
    days = max(reports // REPORTS_PER_DAY, 1)
    rows = []
    for a in range(reports // REPORTS_PER_ARTICLE):
        for e in range(REPORTS_PER_ARTICLE):
            town = rng.randrange(len(towns))
            rows.append(row(f"a{a}.txt", f"e{e}", town, *towns[town], rng.randrange(days), rng.choice(TYPES),
                            rng.randrange(1, 30)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 40_000, 80_000])
    parser.add_argument("--repeat", type=int, default=2, help="runs per size; the fastest counts")
    args = parser.parse_args()
    print(f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} (a busy shared machine: figures vary)")
    print(f"{'reports':>8} {'incidents':>9} {'seconds':>8} {'reports/s':>10} {'t / (n log n), relative':>24} "
          f"{'peak RSS so far':>16}")
    base = None
    for n in args.sizes:
        rows = corpus(n, random.Random(n))
        best = math.inf
        for _ in range(args.repeat):
            started = time.perf_counter()
            out = reconcile(rows, DEFAULTS.merge_km, DEFAULTS.merge_days)
            best = min(best, time.perf_counter() - started)
        per = best / (n * math.log(n))
        base = base or per
        incidents = len({r.incident_id for r in out})
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
        print(f"{n:>8,} {incidents:>9,} {best:>8.2f} {n / best:>10,.0f} {per / base:>24.2f} {peak:>13,.0f} MB")
    print(f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
