"""Benchmark: articles per second for `dashboard build` on one core (prints figures, asserts nothing).

The settings come from the environment (``DASHBOARD_CACHE=DIR`` measures the build with the
country files imported into DIR). About 1,000 articles are made by repeating the seed articles (read from ../shared/seeds, written
only to a temporary folder) and short reports written for this benchmark, then built in-process
with the process pinned to one core. The gazetteer's load is timed apart from the build. Besides the
wall-clock rate it prints the rate per second of the process's CPU time, which another program
sharing the core does not change. Each corpus is built ``--repeat`` times and the median and the
best are printed beside every run: on a shared virtual machine one run's rate varies by a fifth.

    python bench/build_speed.py [--articles 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.preprocess.places.gazetteer import load_gazetteer  # noqa: E402
from dashboard.preprocess.pipeline import BuildOptions, run_build  # noqa: E402
from dashboard.settings import resolve  # noqa: E402

OWN_REPORTS = (
    "Gunmen kill five at checkpoint\n\nGunmen killed five soldiers at a checkpoint near Baqubah on Monday, "
    "police said. Two more were wounded. The attackers fled towards the village of Abu Saida.",
    "Car bomb in market\n\nA car bomb exploded in a crowded market in Hillah on Thursday, killing at least 12 "
    "people and wounding dozens, officials said. No group claimed the attack.",
    "Militants seize town\n\nMilitants stormed the town of Tikrit at dawn on Saturday. Security forces said they "
    "captured 14 fighters after clashes that left several dead on both sides.",
    "Air strike hits convoy\n\nAn air strike hit a convoy west of Ramadi, killing as many as 20 fighters, the "
    "coalition said on Wednesday. A hospital in Fallujah received 8 injured civilians.",
)


def make_corpus(folder: Path, count: int, seeds_only: bool) -> int:
    seeds = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds] + ([] if seeds_only else list(OWN_REPORTS))
    for index in range(count):
        (folder / f"article_{index:05d}.txt").write_text(texts[index % len(texts)], encoding="utf-8")
    return sum(len(t) for t in texts) // len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="builds of each corpus (median and best printed)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    started = time.perf_counter()
    load_gazetteer()
    load_seconds = time.perf_counter() - started

    print(f"gazetteer load (in this process): {load_seconds * 1000:.0f} ms")
    for label, seeds_only in (("seeds and our own reports", False), ("seed articles only", True)):
        rates: list[float] = []
        for run in range(max(1, args.repeat)):
            with tempfile.TemporaryDirectory() as temporary:
                folder = Path(temporary) / "articles"
                folder.mkdir()
                mean_chars = make_corpus(folder, args.articles, seeds_only)
                options = BuildOptions(inputs=(folder,), out=Path(temporary) / "out.csv",
                                       incidents_out=Path(temporary) / "incidents.csv",
                                       settings=resolve({"geocoder": "none"}),
                                       use_cache=False)  # the build itself, not the article cache
                started, cpu_started = time.perf_counter(), time.process_time()
                summary = run_build(options)
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            if run == 0:
                print(f"{label}: {summary.articles_read} articles (mean {mean_chars} characters), {summary.rows} rows, "
                      f"{summary.incidents} incidents")
            rates.append(summary.articles_read / seconds)
            print(f"  build on one core: {seconds:.2f} s = {rates[-1]:.0f} articles/s (goal >= 200); "
                  f"CPU time {cpu:.2f} s = {summary.articles_read / cpu:.0f} articles per CPU second")
        print(f"  median of {len(rates)} runs: {statistics.median(rates):.0f} articles/s; best {max(rates):.0f}")


if __name__ == "__main__":
    main()
