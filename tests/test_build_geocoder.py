"""The build with the geocoder on: same rows as offline when the service is unreachable, and a
name the gazetteer lacks resolved through a loopback Nominatim server, then served from the cache."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard import schema
from dashboard.cli import main
from dashboard.schema import C
from tests.nominatim_server import NominatimServer, closed_port_url, json_reply

ARTICLE = ("Bomb kills three near Kirkuk\n\nA roadside bomb killed three soldiers on Monday in the village of "
           "Qaryat Zarzour, west of Kirkuk, officials said.\n")
# A village no gazetteer has (the name is made up for this test), answered as Nominatim would.
VILLAGE = [{"lat": "35.4400", "lon": "44.1500", "class": "place", "type": "village", "addresstype": "village",
            "name": "Qaryat Zarzour", "display_name": "Qaryat Zarzour, Kirkuk Governorate, Iraq",
            "address": {"village": "Qaryat Zarzour", "state": "Kirkuk Governorate", "country": "Iraq",
                        "country_code": "iq"}, "importance": 0.2, "place_rank": 19,
            "boundingbox": ["35.43", "35.45", "44.14", "44.16"]}]


def build(args: list[str]) -> pd.DataFrame:
    assert main(args + ["--quiet"]) == 0
    return schema.read_table(Path(args[args.index("--out") + 1]))


def test_seeds_with_an_unreachable_geocoder_give_the_same_rows_as_offline(seeds_dir: Path, tmp_path: Path) -> None:
    common = [str(seeds_dir), "--manifest", str(seeds_dir / "manifest.csv")]
    offline = build(["build", *common, "--out", str(tmp_path / "offline.csv"), "--geocoder", "none"])
    unreachable = build(["build", *common, "--out", str(tmp_path / "online.csv"), "--geocoder", "nominatim",
                         "--nominatim-url", closed_port_url(), "--user-agent", "incident-dashboard-tests",
                         "--cache", str(tmp_path / "cache")])
    pd.testing.assert_frame_equal(offline, unreachable)


def test_a_name_the_gazetteer_lacks_is_geocoded_and_a_rerun_is_served_from_the_cache(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    args = ["build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out.csv"), "--geocoder", "nominatim",
            "--user-agent", "incident-dashboard-tests", "--cache", str(tmp_path / "cache")]
    with NominatimServer({"Qaryat Zarzour": json_reply(VILLAGE)}) as server:
        args += ["--nominatim-url", server.url]
        first = build(args)
        asked = len(server.received)
    row = first[first[C.mention] == "Qaryat Zarzour"].iloc[0]
    assert row[C.geo_precision] == "place" and row[C.killed_min] == 3
    assert (row[C.latitude], row[C.longitude]) == (35.44, 44.15)
    assert asked >= 1
    again = build(args)  # the server is stopped: the cache answers
    pd.testing.assert_frame_equal(first, again)
