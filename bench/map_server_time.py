"""Where the server's time goes for one rerun of the map at scale (each step timed on its own).

Prints seconds per step for ``--rows`` synthetic incidents (bench.map_scale.synthetic): the filters,
the map data, the map (build and render as st_folium renders it), the table's first rows and the
summary. Run by hand, never by the tests:

    python bench/map_server_time.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.map_scale import SEARCH, synthetic  # noqa: E402
from dashboard.ui.filters import FilterState, apply_filters  # noqa: E402
from dashboard.ui import mapview  # noqa: E402
from dashboard.ui.summary import summarise, timeline  # noqa: E402


def best(function: Callable[[], Any], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds (the machine is shared: the minimum is the cost)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = synthetic(args.rows)
    searched = FilterState(text=SEARCH)
    steps: dict[str, Callable[[], Any]] = {
        "filters: none": lambda: apply_filters(rows, FilterState()),
        f"filters: text {SEARCH!r}": lambda: apply_filters(rows, searched),
        "map points": lambda: mapview.map_points_json(rows),
        "map details": lambda: mapview.map_details_json(rows),
        "map: build + render": lambda: mapview.build_map(rows, "/p.json", "/d.json", "none").get_root().render(),
        "map: rows' bounds": lambda: mapview.point_bounds(rows),
        "summary": lambda: summarise(rows),
        "timeline": lambda: timeline(rows),
    }
    for name, function in steps.items():
        print(f"{name:32}{best(function, args.repeat):8.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
