"""Where the server's time goes for one rerun of the map at scale (each step timed on its own).

Prints seconds per step for ``--rows`` synthetic incidents (bench.map_scale.synthetic): the filters,
the map's points (each filtered view) and details (once per table), their gzip files, the map
(build and render as st_folium renders it) and the summary. Run by hand, never by the tests:

    python bench/map_server_time.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.map_scale import SEARCH, synthetic  # noqa: E402
from dashboard.ui.filters import FilterState, apply_filters  # noqa: E402
from dashboard.ui import mapview  # noqa: E402
from dashboard.ui.payloads import publish  # noqa: E402
from dashboard.ui.summary import summarise, timeline  # noqa: E402
from dashboard.ui.summary_html import figures_html, timeline_html  # noqa: E402


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
    points, details = mapview.map_points_json(rows), mapview.map_details_json(rows)
    scratch = tempfile.TemporaryDirectory(prefix="map-server-time-")
    folder = Path(scratch.name)
    steps: dict[str, Callable[[], Any]] = {
        "filters: none": lambda: apply_filters(rows, FilterState()),
        f"filters: text {SEARCH!r}": lambda: apply_filters(rows, searched),
        "map points (each view)": lambda: mapview.map_points_json(rows),
        "map points: gzip file": lambda: publish(points, folder / str(time.perf_counter_ns())),
        "map details (once per table)": lambda: mapview.map_details_json(rows),
        "map details: gzip file": lambda: publish(details, folder / str(time.perf_counter_ns())),
        "map: build + render": lambda: mapview.build_map(rows, "/p.json.gz", "/d.json.gz", "none").get_root().render(),
        "map: rows' bounds": lambda: mapview.point_bounds(rows),
        "summary figures": lambda: figures_html(summarise(rows)),
        "timeline: counts + bars": lambda: timeline_html(timeline(rows), mapview.TYPE_COLOURS),
    }
    for name, function in steps.items():
        print(f"{name:32}{best(function, args.repeat):8.3f} s")
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
