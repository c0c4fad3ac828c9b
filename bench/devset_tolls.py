"""Toll parser against a human coder: parsed 'killed' of each UCDP dev-set headline vs UCDP's low/best/high.

Reads ../shared/devset/ucdp_iraq_dev.csv (never copied into the repository) and prints agreement
figures. A headline often reports a wider toll than the one event UCDP coded from it, so the figures
measure the parser and the headlines together. Run: python bench/devset_tolls.py [CSV]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.preprocess.incidents.casualties import parse_tolls  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "devset" / "ucdp_iraq_dev.csv"


def main(path: Path) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    exact = within = missing = total = 0
    for row in rows:
        killed = parse_tolls(row["source_headline"]).killed  # several headlines joined by ';': the largest stands
        low, best, high = int(row["low"]), int(row["best"]), int(row["high"])
        total += 1
        if killed.low is None and killed.high is None:
            missing += 1
            continue
        parsed_low = killed.low if killed.low is not None else 0
        parsed_high = killed.high if killed.high is not None else 10**9
        exact += parsed_low == best and killed.high in (best, None)
        within += parsed_low <= high and parsed_high >= low
    print(f"headlines: {total}")
    print(f"a killed figure parsed: {total - missing} ({(total - missing) / total:.0%})")
    print(f"parsed range overlaps UCDP low..high: {within} ({within / total:.0%})")
    print(f"parsed lower bound equals UCDP best: {exact} ({exact / total:.0%})")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
