"""Benchmark: what a build does after its per-article passes, in CPU seconds (prints figures, asserts nothing).

``build_speed``'s mixed corpus (the seed articles and our own short reports, repeated) is built
in-process on one core with ``--jobs 1`` and no article cache. The CPU time of the whole build is
split at the per-article passes (``pipeline._per_article``, timed by wrapping it): reading and
hashing the files before them, the passes themselves, and everything after them (reconciling,
the table checked and written, the incidents table, the map labels and the why file). CPU time,
not wall time: another program sharing the core changes it little.

    python bench/write_side.py [--articles 3000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from build_speed import make_corpus  # noqa: E402

from dashboard.preprocess import pipeline  # noqa: E402
from dashboard.preprocess.places.gazetteer import load_gazetteer  # noqa: E402
from dashboard.settings import resolve  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    load_gazetteer()

    marks: dict[str, float] = {}
    passes = pipeline._per_article

    def timed(*positional: Any, **named: Any) -> Any:
        marks["start"] = time.process_time()
        try:
            return passes(*positional, **named)
        finally:
            marks["end"] = time.process_time()

    pipeline._per_article = timed  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "articles"
        folder.mkdir()
        make_corpus(folder, args.articles, seeds_only=False)
        options = pipeline.BuildOptions(inputs=(folder,), out=Path(temporary) / "reports.csv",
                                        incidents_out=Path(temporary) / "incidents.csv",
                                        settings=resolve({"geocoder": "none", "jobs": "1"}), use_cache=False)
        for run in range(args.repeat):
            started = time.process_time()
            summary = pipeline.run_build(options)
            ended = time.process_time()
            whole, after = ended - started, ended - marks["end"]
            print(f"run {run + 1}: {summary.articles_read} articles, {summary.rows} rows, {summary.incidents} "
                  f"incidents; CPU {whole:.2f} s ({summary.articles_read / whole:.0f} articles per CPU second): "
                  f"before the per-article passes {marks['start'] - started:.2f} s, the passes "
                  f"{marks['end'] - marks['start']:.2f} s, after them {after:.2f} s ({100 * after / whole:.1f}%)")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
