"""Benchmark: time and peak memory of one long one-paragraph article, by size (prints figures, asserts nothing).

Each article is one paragraph (no line break) made of this benchmark's own template sentences with
varied places and figures, written to a temporary folder and read, parsed and processed
(``ingest.read_article`` then ``pipeline.process_article``, the geocoder off) in a fresh child
process pinned to one core, so that each size's peak memory (``ru_maxrss``) is its own. The
gazetteer's load is measured apart ("baseline": peak memory before the article), so that the
figures are the article's cost. Wall seconds and CPU seconds are both printed: on a busy machine
the CPU time is the steadier figure.

Then, as a user runs it, each article is built by ``python -m dashboard build FILE --out ...
--no-cache --max-article-bytes SIZE`` with every core (a long text's sections spread over the workers): wall seconds from
start to finish (the gazetteer's load included) and the peak memory of the build and its workers
together, as the sum of their proportional set sizes (PSS: memory the forked workers share with the
build, such as the gazetteer, counted once) and as the sum of their resident sets (RSS: shared
memory counted in each process).

    python bench/article_size.py [--sizes 1,2,4,8,50] [--no-build]   # megabytes
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peak_memory import PeakMemory  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

PLACES = ("Kirkuk", "Mosul", "Baqubah", "Tikrit", "Ramadi", "Fallujah", "Hillah", "Basra", "Kandahar", "Herat",
          "Jalalabad", "Kunduz", "Maiduguri", "Konduga", "Aleppo", "Raqqa", "Deir ez-Zor", "Idlib", "Homs",
          "Sirte", "Benghazi", "Mogadishu", "Kismayo", "Aden", "Taiz", "Marib", "Peshawar", "Quetta")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TEMPLATES = (
    "A roadside bomb killed {n} soldiers near {p} on {d}, officials said.",
    "Gunmen attacked a checkpoint in {p} on {d}, killing at least {n} policemen and wounding {m} others.",
    "An air strike hit a convoy west of {p}, killing as many as {n} fighters, the coalition said.",
    "Security forces arrested {n} suspects in {p} after clashes that left {m} people dead.",
    "The governor of {q} said the situation in {p} was calm.",
    "Residents of {p} told reporters that the market had reopened.",
    "A car bomb exploded in a crowded street in {p} on {d}, wounding {m} people.",
    "Militants stormed the town of {p} at dawn and abducted {n} villagers, a local official said.",
)


def one_paragraph(size: int) -> str:
    """About ``size`` characters of template sentences on one line, places and figures varied."""
    parts, total, index = ["Attacks across the region"], 0, 0
    while total < size:
        template = TEMPLATES[index % len(TEMPLATES)]
        sentence = template.format(p=PLACES[(index * 7) % len(PLACES)], q=PLACES[(index * 11 + 3) % len(PLACES)],
                                   d=WEEKDAYS[index % 7], n=2 + index % 37, m=3 + (index * 5) % 41)
        parts.append(sentence)
        total += len(sentence) + 1
        index += 1
    return parts[0] + "\n\n" + " ".join(parts[1:]) + "\n"


def _child(path: str) -> None:
    sys.path.insert(0, str(ROOT))
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from dashboard.preprocess.places.gazetteer import load_gazetteer
    from dashboard.preprocess.ingest import read_article
    from dashboard.preprocess.pipeline import process_article

    started = time.perf_counter()
    gazetteer = load_gazetteer()
    load_seconds = time.perf_counter() - started
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    article = read_article(Path(path), max_bytes=1 << 40)
    rows = process_article(article, gazetteer, None)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "cpu": cpu, "load_seconds": load_seconds, "baseline_kb": baseline, "peak_kb": peak,
                      "rows": len(rows)}))


def build(path: Path) -> tuple[float, int, int, int]:
    """``python -m dashboard build`` of the one article with every core: (seconds, peak summed PSS,
    peak summed RSS, rows)."""
    out = path.with_suffix(".csv")
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "dashboard", "build", str(path), "--out", str(out), "--no-cache",
                              "--max-article-bytes", str(path.stat().st_size)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakMemory([psutil.Process(child.pid)], pss=True) as memory:
        _, err = child.communicate()
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"build failed: {err.strip()}")
    with out.open(encoding="utf-8") as table:
        rows = sum(1 for _ in table) - 1
    return seconds, memory.pss, memory.rss, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,4,8,50", help="article sizes in megabytes, comma-separated")
    parser.add_argument("--no-build", action="store_true", help="only the one-core figures")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    sizes = [float(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as temporary:
        print("read and processed on one core (pipeline.process_article):")
        print(f"{'size':>6} {'seconds':>8} {'cpu s':>7} {'cpu s/MB':>8} {'peak MB':>8} {'over baseline MB':>17} {'rows':>7}")
        for megabytes in sizes:
            path = Path(temporary) / f"article_{megabytes:g}mb.txt"
            path.write_text(one_paragraph(int(megabytes * 1_000_000)), encoding="utf-8")
            done = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True,
                                  cwd=ROOT, check=False)
            if done.returncode != 0:
                print(f"{megabytes:>5g}M failed: {done.stderr.strip().splitlines()[-1:]}")
                continue
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            peak, base = figures["peak_kb"] / 1024, figures["baseline_kb"] / 1024
            print(f"{megabytes:>5g}M {figures['seconds']:>8.2f} {figures['cpu']:>7.2f} {figures['cpu'] / megabytes:>8.2f} "
                  f"{peak:>8.0f} {peak - base:>17.0f} {figures['rows']:>7}", flush=True)
            path.unlink()
        if args.no_build:
            return
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"python -m dashboard build, every core ({cores}), the gazetteer's load included; load average "
              + "/".join(f"{x:.1f}" for x in os.getloadavg()) + ":")
        print(f"{'size':>6} {'seconds':>8} {'s/MB':>6} {'peak PSS MB':>12} {'peak RSS MB':>12} {'rows':>7}")
        for megabytes in sizes:
            path = Path(temporary) / f"article_{megabytes:g}mb.txt"
            path.write_text(one_paragraph(int(megabytes * 1_000_000)), encoding="utf-8")
            seconds, pss, rss, rows = build(path)
            print(f"{megabytes:>5g}M {seconds:>8.2f} {seconds / megabytes:>6.2f} {pss / 2**20:>12.0f} {rss / 2**20:>12.0f} "
                  f"{rows:>7}", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
