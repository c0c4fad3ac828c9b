"""Applying 10,000 corrections to a 100,000-row report table, as the page does on load (goal < 0.3 s).

Prints, best of five: the report keys (computed once per table file, cached by the page), reading
the current corrections from the SQLite store, and ``apply_reviews`` given the keys (lookup and
column-wise writes: what every review and every load with the table cached costs).
Run: ``python bench/review_apply.py [--rows N] [--corrections N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import sys

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from dashboard.review import CORRECTED, REJECTED, VERIFIED, Correction, ReviewStore, apply_reviews, report_keys  # noqa: E402
from dashboard.schema import COLUMNS, coerce  # noqa: E402


def table(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    articles = [f"feed/{i // 5:06d}.txt" for i in range(rows)]
    frame = pd.DataFrame({name: [""] * rows for name in COLUMNS})
    frame["incident_id"] = [f"{i:012x}" for i in range(rows)]
    frame["date"] = (pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 365, rows), unit="D"))
    frame["date_precision"] = "day"
    frame["article"] = articles
    frame["mention"] = [f"Town{i % 997}" for i in range(rows)]
    frame["location"] = frame["mention"]
    frame["latitude"] = rng.uniform(-40, 60, rows)
    frame["longitude"] = rng.uniform(-20, 120, rows)
    frame["geo_precision"] = "place"
    frame["event_type"] = "armed attack"
    frame["killed_min"] = rng.integers(0, 50, rows)
    frame["killed_max"] = frame["killed_min"]
    frame["evidence"] = [f"Gunmen attacked the market of Town{i % 997}, killing {i % 50} people, said sources."
                         for i in range(rows)]
    return coerce(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--corrections", type=int, default=10_000)
    args = parser.parse_args()
    reports = table(args.rows)
    keys = report_keys(reports).sample(args.corrections, random_state=2).tolist()
    with tempfile.TemporaryDirectory() as folder:
        store = ReviewStore(Path(folder) / "bench.review.sqlite3")
        at = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
        entries = []
        for i, key in enumerate(keys):
            kind = i % 4
            if kind == 0:
                entry = Correction(key, "bench", values={"latitude": "33.5", "longitude": "44.25", "location": "Fixed"})
            elif kind == 1:
                entry = Correction(key, "bench", values={"killed_min": "3", "killed_max": "", "date": "2023-05-01"})
            else:
                entry = Correction(key, "bench", state=(VERIFIED, REJECTED)[kind - 2])
            entries.append((entry, (at + dt.timedelta(seconds=i)).isoformat()))
        started = time.perf_counter()
        store.add_many(entries)
        print(f"storing {len(entries):,} corrections in one transaction: {time.perf_counter() - started:.2f} s")
        read, applied, keyed = [], [], []
        for _ in range(5):
            started = time.perf_counter()
            table_keys = report_keys(reports)
            keyed.append(time.perf_counter() - started)
            started = time.perf_counter()
            current = store.current()
            read.append(time.perf_counter() - started)
            started = time.perf_counter()
            out = apply_reviews(reports, current, table_keys)
            applied.append(time.perf_counter() - started)
    counts = out["review"].value_counts().to_dict()
    assert counts.get(CORRECTED, 0) == args.corrections // 2, counts
    print(f"report keys of {args.rows:,} rows (once per table file): best {min(keyed):.3f} s")
    print(f"reading the current state of {len(current):,} keys: best {min(read):.3f} s")
    print(f"apply_reviews, {args.corrections:,} corrections to {args.rows:,} rows: best {min(applied):.3f} s, "
          f"worst {max(applied):.3f} s (goal < 0.3 s)")
    print(f"after a review (read + apply): best {min(r + a for r, a in zip(read, applied)):.3f} s; "
          f"first load (keys + read + apply): best {min(map(sum, zip(keyed, read, applied))):.3f} s")


if __name__ == "__main__":
    main()
