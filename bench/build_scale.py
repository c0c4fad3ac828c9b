"""Benchmark: `build` over many synthetic articles with --jobs 1, --jobs 2 and on a two-worker Dask
LocalCluster, then rebuilds with the article cache (nothing changed; nothing changed with the
files out of the system's memory; 1% new articles added) (prints figures, asserts nothing but
that every way gives the same table).

The articles are made from our own templates with varied places, figures and dates (no seed or
dev-set text). Each build runs as `python -m dashboard build` in a child process; its wall time
includes starting the processes and loading the gazetteer. Peak memory is the largest sum of the
memory of every process involved (the build, its workers, the cluster), sampled every 0.1 s, as
PSS (memory forked processes share counted once) and as RSS (counted in each).

    python bench/build_scale.py [--articles 2000] [--parts speed dask cache memory] [--skip-dask] [--repeat 3]
                                [--memory-sizes 10000 30000 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peak_memory import PeakMemory  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# The cluster's scheduler (in this process) and workers unpickle the tasks: they import this project.
sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))

PLACES = ["Kirkuk", "Mosul", "Tikrit", "Baqubah", "Ramadi", "Fallujah", "Hillah", "Basra", "Maiduguri", "Kano",
          "Damaturu", "Kabul", "Kandahar", "Jalalabad", "Mogadishu", "Kismayo", "Aleppo", "Homs", "Idlib", "Gao",
          "Timbuktu", "Mopti", "Peshawar", "Quetta", "Sanaa", "Aden", "Benghazi", "Tripoli"]
TEMPLATES = [
    "Car bomb in {place}\n\n{place}, {month} {day} (Wire) - A car bomb exploded near a market in {place} on "
    "{weekday}, killing {n} people and wounding {m} others, police said. No group claimed the attack.",
    "Checkpoint attacked\n\nGunmen attacked a checkpoint outside {place} late on {weekday}, killing {n} soldiers, "
    "officials said on {month} {day}. Security forces said {m} attackers were captured near {other}.",
    "Mosque bombing\n\nAt least {n} civilians were killed when a suicide bomber struck a mosque in {place} on "
    "{weekday}, a local official said. A hospital in {other} received {m} injured people.",
    "Air strike\n\nAn air strike hit a convoy west of {place}, killing as many as {n} fighters, the coalition "
    "said on {month} {day}. Residents of {other} reported {m} wounded.",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def article(rng: random.Random) -> str:
    place, other = rng.sample(PLACES, 2)
    return rng.choice(TEMPLATES).format(place=place, other=other, month=rng.choice(MONTHS), day=rng.randint(1, 28),
                                        weekday=rng.choice(WEEKDAYS), n=rng.randint(2, 60), m=rng.randint(1, 30))


def write_articles(folder: Path, first: int, count: int, seed: int) -> None:
    rng = random.Random(seed)
    for number in range(first, first + count):
        sub = folder / f"{number // 1000:04d}"  # folders of a thousand, as an archive would be
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{number:07d}.txt").write_text(article(rng), encoding="utf-8")


def build(inputs: Path, out: Path, extra: list[str], also: list[psutil.Process] = ()) -> tuple[float, PeakMemory, str]:
    """Run one build in a child process: (seconds, its peak memory (PSS and RSS), its summary)."""
    command = [sys.executable, "-m", "dashboard", "build", str(inputs), "--out", str(out), *extra]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakMemory([psutil.Process(child.pid), *also], pss=True) as memory:
        _, err = child.communicate()
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"build failed ({' '.join(command)}): {err.strip()}")
    return seconds, memory, err


def load() -> str:
    return "load " + "/".join(f"{x:.1f}" for x in os.getloadavg())


def line(label: str, articles: int, seconds: float, peak: PeakMemory) -> None:
    """One build's figures; its peak memory as PSS (what forked workers share with the build, such as
    the gazetteer, counted once) and as RSS (counted in each process)."""
    print(f"  {label:<28} {seconds:7.2f} s  {articles / seconds:7.1f} articles/s  peak PSS {peak.pss / 2**20:5.0f} MB, "
          f"RSS {peak.rss / 2**20:5.0f} MB  "
          f"({load()})")


PARTS = ("speed", "dask", "cache", "memory")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=["speed", "dask", "cache"],
                        help="speed: --jobs 1 and 2; dask: a LocalCluster; cache: rebuilds; memory: --memory-sizes")
    parser.add_argument("--skip-dask", action="store_true", help="no LocalCluster run")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each --jobs in the speed part (in turn)")
    parser.add_argument("--memory-sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000],
                        help="corpus sizes of the memory part (1000000: the million-article run)")
    args = parser.parse_args()
    parts = [p for p in args.parts if not (p == "dask" and args.skip_dask)]
    cores = len(os.sched_getaffinity(0))
    print(f"{args.articles} synthetic articles; {cores} cores available; {load()} "
          "(a busy shared machine: figures vary)")
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        folder = work / "articles"
        if set(parts) - {"memory"}:
            write_articles(folder, 0, args.articles, seed=14)
        outputs: dict[str, bytes] = {}
        same = True
        if "speed" in parts:
            speed(work, folder, args.articles, outputs, max(args.repeat, 1))
        if "dask" in parts:
            dask(work, folder, args.articles, outputs)
        if "cache" in parts:
            same = rebuilds(work, folder, args.articles, outputs)
        if outputs:
            reference = next(iter(outputs.values()))
            same = same and all(data == reference for data in outputs.values())
            rows = reference.count(b"\n") - 1
            print(f"identical output of every way: {'yes' if same else 'NO'} ({rows} rows)")
        if "memory" in parts:
            memory(work, args.memory_sizes)
        if not same:
            raise SystemExit(1)


def speed(work: Path, folder: Path, articles: int, outputs: dict[str, bytes], repeat: int) -> None:
    """--jobs 1 and --jobs 2, in turn ``repeat`` times (a shared machine's load comes and goes: the
    runs are interleaved so that both meet it alike); the speed-up of the best times, as timeit takes
    the best, and of the medians."""
    print(f"full builds (--no-cache), each run {repeat} time(s) in turn:")
    times: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(repeat):
        for jobs in (1, 2):
            out = work / f"jobs{jobs}.csv"
            seconds, peak, _ = build(folder, out, ["--jobs", str(jobs), "--no-cache", "--quiet"])
            times[jobs].append(seconds)
            outputs[f"--jobs {jobs}"] = out.read_bytes()
            line(f"--jobs {jobs}", articles, seconds, peak)
    best = min(times[1]) / min(times[2])
    median = statistics.median(times[1]) / statistics.median(times[2])
    print(f"  speed-up of --jobs 2 over --jobs 1: {best:.2f}x of the best times, {median:.2f}x of the medians "
          "(goal >= 1.7x)")


def dask(work: Path, folder: Path, articles: int, outputs: dict[str, bytes]) -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        out = work / "dask.csv"
        seconds, peak, _ = build(folder, out, ["--dask", cluster.scheduler_address, "--no-cache", "--quiet"],
                                 also=[psutil.Process()])
        outputs["LocalCluster (2 workers)"] = out.read_bytes()
        line("LocalCluster, 2 workers", articles, seconds, peak)
        print("    (peak includes this benchmark process, the scheduler and both workers)")


def rebuilds(work: Path, folder: Path, articles: int, outputs: dict[str, bytes]) -> bool:
    """Builds with the article cache: filled, unchanged, 1% added (against a clean build)."""
    print("with the article cache (--jobs 2):")
    cache = work / "cache"
    full, peak, _ = build(folder, work / "cached.csv", ["--jobs", "2", "--cache", str(cache), "--quiet"])
    line("full build, cache filled", articles, full, peak)
    outputs["cache filled"] = (work / "cached.csv").read_bytes()
    seconds, peak, summary = build(folder, work / "again.csv", ["--jobs", "2", "--cache", str(cache)])
    line("rebuild, nothing changed", articles, seconds, peak)
    outputs["cache, unchanged"] = (work / "again.csv").read_bytes()
    print(f"    {seconds / full:.0%} of the full build; {_cache_line(summary)}")
    evicted = out_of_memory(folder)
    seconds, peak, summary = build(folder, work / "again.csv", ["--jobs", "2", "--cache", str(cache)])
    line("rebuild, files not in memory", articles, seconds, peak)
    print(f"    {seconds / full:.0%} of the full build ({evicted} files' pages dropped from the system's cache first, "
          f"as after a restart); {_cache_line(summary)}")
    added = max(articles // 100, 1)
    write_articles(folder, articles, added, seed=15)
    seconds, peak, summary = build(folder, work / "added.csv", ["--jobs", "2", "--cache", str(cache)])
    line(f"rebuild, {added} (1%) added", articles + added, seconds, peak)
    print(f"    {seconds / full:.0%} of the full build (goal <= 10%); {_cache_line(summary)}")
    clean, _, _ = build(folder, work / "clean.csv", ["--jobs", "2", "--no-cache", "--quiet"])
    # the table, its labels and its why file (a rebuild of a grown folder writes them from the last build's)
    files = {name: ((work / f"added{name}").read_bytes() == (work / f"clean{name}").read_bytes())
             for name in (".csv", ".labels.json", ".why.json")}
    print(f"  clean build of the grown folder: {clean:.2f} s; the cached rebuild's files: "
          + ", ".join(f"{name[1:]} {'identical' if same else 'DIFFERENT'}" for name, same in files.items()))
    return all(files.values())


def out_of_memory(folder: Path) -> int:
    """Drop the articles' pages from the system's file cache (``posix_fadvise`` DONTNEED: no root
    needed), so that a build that reads them reads the disk, as the first build after a restart
    would; how many files."""
    count = 0
    for path in folder.rglob("*.txt"):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(descriptor)
        count += 1
    return count


def memory(work: Path, sizes: list[int]) -> None:
    """Peak memory of --jobs 1 builds (no cache) of growing corpora: flat, or how it grows."""
    print("memory (--jobs 1, --no-cache; peak memory of the build, its growth from RSS):")
    folder = work / "memory"
    written, previous = 0, None
    for size in sorted(sizes):
        write_articles(folder, written, size - written, seed=16)
        written = size
        seconds, peak, _ = build(folder, work / "memory.csv", ["--jobs", "1", "--no-cache", "--quiet"])
        line(f"{size:,} articles", size, seconds, peak)
        if previous is not None:
            grown = (peak.rss - previous[1]) / (size - previous[0]) * 1000
            print(f"    {grown / 2**20:.2f} MB more per 1,000 articles than at {previous[0]:,}; at that rate a "
                  f"million articles would peak near {(peak.rss + grown * (1_000_000 - size) / 1000) / 2**30:.1f} GB")
        previous = (size, peak.rss)


def _cache_line(summary: str) -> str:
    return next((line.strip().removeprefix("article cache: ") for line in summary.splitlines()
                 if line.strip().startswith("article cache:")), "")


if __name__ == "__main__":
    main()
