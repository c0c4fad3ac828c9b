"""Places against a human coder: each UCDP dev-set headline through the build's place stages.

For every headline the places our build finds (gazetteer, then the offline fallback) are compared
with the point UCDP's coder chose; prints how many headlines name a place we resolve, and how many
of those put one of our points within 25 km and 50 km of the coder's. A headline often names a
city or province while the coder placed the event in a nearby town, so 50 km is also shown.
Reads ../shared/devset/ucdp_iraq_dev.csv (never copied). Run: python bench/devset_places.py [CSV]
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.geodesy import km_between
from dashboard.preprocess.places.gazetteer import load_gazetteer  # noqa: E402
from dashboard.preprocess.ingest import Article  # noqa: E402
from dashboard.preprocess.pipeline import locate_places  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "devset" / "ucdp_iraq_dev.csv"


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return km_between(*a, *b)


def main(path: Path) -> None:
    gazetteer = load_gazetteer()
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    named = near25 = near50 = in_country = 0
    for row in rows:
        text = row["source_headline"].replace(";", ".\n")
        article = Article("headline", text, "", "", dt.date.fromisoformat(row["source_date"][:10]), "")
        places = [p for p in locate_places(article, gazetteer) if p.latitude is not None]
        coder = (float(row["latitude"]), float(row["longitude"]))
        if not places:
            print(f"  no place: {row['where_coordinates']}")
            continue
        named += 1
        in_country += all(p.place is not None and p.place.country_code == "IQ" for p in places)
        best = min(km((p.latitude, p.longitude), coder) for p in places)
        near25 += best <= 25
        near50 += best <= 50
        finest = min(places, key=lambda p: km((p.latitude, p.longitude), coder))
        print(f"  {row['where_coordinates']:<22} -> {finest.place.name if finest.place else finest.mention.text:<22} "
              f"{best:6.0f} km")
    total = len(rows)
    print(f"headlines: {total}; with a resolved place: {named} ({named / total:.0%})")
    print(f"all of a headline's places in Iraq: {in_country} of {named}")
    print(f"a point within 25 km of the coder's: {near25} of {named}; within 50 km: {near50} of {named}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
