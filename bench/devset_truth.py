"""Places against human coders: our rows for each coded dev-set text vs the coder's point.

Every ACLED note, GTD summary and UCDP headline of ``../shared/devset`` is built as an article
(published on its own date) by the project's own build, offline (see bench/devset.py), and each
item's report rows are compared with the coder's point. R is 25 km for ACLED and GTD (50 km at GTD
specificity 2: the coder's point is a region's centroid) and 50 km for UCDP. Per set (and per
ACLED country) it prints:

- within R: items with a row (any row with a point, a ``mention`` row included: the place is
  found) within R of the coder's point; also the stricter share with an *incident* row (any event
  type but ``mention``) within R;
- UCDP also: a row within R, or, when the headline names no place, only region rows of the right
  country. A headline "names no place" when the coder's point is a province or coarser
  (``where_prec`` >= 4) or when it names neither the coder's town nor its district (names folded,
  "Al"/"Qada" dropped, the first five letters compared): the coder's ``where_prec`` alone cannot
  tell, as UCDP places most events from the full report, not the headline;
- gazetteer within R: items for which some place that the gazetteer holds under a name written in
  the text lies within R of the coder's point (``devset.nearest_named_km``): the most that any
  choice among the gazetteer's candidates could place right. The gap between it and "within R" is
  the resolver's; the rest of the misses are places the gazetteer does not hold by a name the text
  writes;
- no place: items with no row that has a point;
- wrong dot: no row within R, and an incident row claiming ``place`` or ``town`` precision lies
  more than 100 km from the coder's point;
- far: rows claiming ``place`` or ``town`` precision (any event type) more than 500 km from the
  coder's point, as a share of all such rows.

The misses (no row within R, or a far row) go to bench/out/devset_truth_misses_<mode>.csv
(git-ignored: it quotes the texts). Figures, not a test; deterministic; no network.

Run: python bench/devset_truth.py [--mode default|files] [--devset DIR] [--sets acled,gtd,ucdp]
``--mode files`` first imports every ../shared/gazetteer file with ``python -m dashboard gazetteer add``.
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from devset import (  # noqa: E402
    MENTION,
    SPOT_PRECISIONS,
    Built,
    C,
    Item,
    arguments,
    build_all,
    fold,
    has_point,
    km,
    share,
    misses_path,
    write_csv,
)

WRONG_DOT_KM = 100.0
FAR_KM = 500.0
NAMES = {"acled": "ACLED notes", "gtd": "GTD summaries", "ucdp": "UCDP headlines"}
#: Words around a coder's place name that are not the name ("Kirkuk town", "Qada' al Mawsil").
_TYPE_WORDS = re.compile(r"\b(town|city|village|province|governorate|district|camp|area|qada|nahiyat|nahiyah|"
                         r"markaz)\b")
_ARTICLE = re.compile(r"^(al|el|ad|ash|as|at|an|ar|az|adh|ath)\s+")


def radius(item: Item) -> float:
    if item.set == "ucdp":
        return 50.0
    if item.set == "gtd" and item.precision == 2:
        return 50.0
    return 25.0


def names_no_place(item: Item) -> bool:
    """A UCDP headline that gives the coder's place at no finer level than the province (see module doc)."""
    if item.precision is not None and item.precision >= 4:
        return True
    words = fold(item.text())
    words = " " + " ".join(_ARTICLE.sub("", w) for w in words.split()) + " "
    for name in item.place_names:
        core = _ARTICLE.sub("", " ".join(_TYPE_WORDS.sub(" ", fold(name)).split()))
        if not core:
            continue
        pattern = r" " + re.escape(core[:5]) if len(core) >= 5 else r" " + re.escape(core) + r" "
        if re.search(pattern, words):
            return False
    return True


@dataclass
class Score:
    item: Item
    rows: list[tuple[dict, float | None]]  # our rows and their km from the coder's point (None: no point)
    radius: float
    nearest_named: float | None = None  # km to the nearest place named in the text that the gazetteer holds

    @property
    def named_within(self) -> bool:
        return self.nearest_named is not None and self.nearest_named <= self.radius

    @property
    def pointed(self) -> list[tuple[dict, float]]:
        return [(r, d) for r, d in self.rows if d is not None]

    @property
    def within(self) -> bool:
        return any(d <= self.radius for _, d in self.pointed)

    @property
    def incident_within(self) -> bool:
        return any(d <= self.radius for r, d in self.pointed if r[C.event_type] != MENTION)

    @property
    def no_place(self) -> bool:
        return not self.pointed

    @property
    def wrong_dot(self) -> bool:
        return not self.within and any(
            d > WRONG_DOT_KM for r, d in self.pointed
            if r[C.event_type] != MENTION and r[C.geo_precision] in SPOT_PRECISIONS)

    @property
    def spots(self) -> list[float]:
        return [d for r, d in self.pointed if r[C.geo_precision] in SPOT_PRECISIONS]

    @property
    def far(self) -> int:
        return sum(d > FAR_KM for d in self.spots)

    @property
    def region_only_right_country(self) -> bool:
        pointed = self.pointed
        return bool(pointed) and all(r[C.geo_precision] == "region" and fold(r[C.country]) == fold(self.item.country)
                                     for r, _ in pointed)

    @property
    def ucdp_pass(self) -> bool:
        return self.within or (names_no_place(self.item) and self.region_only_right_country)


def score(built: Built) -> list[Score]:
    scores = []
    for item in built.items:
        if item.point is None:
            continue
        rows = [(r, km(r[C.latitude], r[C.longitude], *item.point) if has_point(r) else None)
                for r in built.rows_of(item)]
        scores.append(Score(item, rows, radius(item), built.nearest_named.get(item.id)))
    return scores


HEADER = f"{'':<24}{'items':>6}  {'row within R':>14}  {'incident row':>14}  {'gazetteer within R':>18}  " \
         f"{'no place':>13}  {'wrong dot':>12}  {'far rows':>14}"


def line(label: str, scores: list[Score]) -> str:
    n = len(scores)
    spots = sum(len(s.spots) for s in scores)
    return (f"{label:<24}{n:>6}  {share(sum(s.within for s in scores), n):>14}  "
            f"{share(sum(s.incident_within for s in scores), n):>14}  {share(sum(s.named_within for s in scores), n):>18}  "
            f"{share(sum(s.no_place for s in scores), n):>13}  "
            f"{share(sum(s.wrong_dot for s in scores), n):>12}  {share(sum(s.far for s in scores), spots):>14}")


def describe(row: dict, distance: float | None) -> str:
    where = "no point" if distance is None else f"{distance:.0f} km"
    name = row[C.location] or "-"
    return f"{name} [{row[C.mention]}] {row[C.geo_precision] or '-'} {row[C.event_type]} {row[C.country_code] or '-'} {where}"


def misses(scores: list[Score]) -> list[list]:
    out = []
    for s in scores:
        problems = []
        if s.no_place:
            problems.append("no place")
        elif not s.within:
            problems.append("wrong dot" if s.wrong_dot else "not within R")
        if s.far:
            problems.append("far row")
        if not problems:
            continue
        item = s.item
        out.append([item.id, item.set, item.country, item.place, item.latitude, item.longitude, item.precision,
                    s.radius, "; ".join(problems),
                    "" if s.nearest_named is None else round(s.nearest_named, 1),
                    ("pass" if s.ucdp_pass else "miss") if item.set == "ucdp" else "",
                    " | ".join(describe(r, d) for r, d in sorted(s.rows, key=lambda rd: (rd[1] is None, rd[1] or 0))),
                    item.text()])
    return out


def main() -> None:
    args = arguments(__doc__)
    started = time.perf_counter()
    built = build_all(args, nearest_named=True)
    if built is None:
        return
    print(f"places against the coders' points, mode {args.mode} (R: ACLED 25 km; GTD 25 km, 50 at specificity 2; "
          f"UCDP 50 km)")
    print(HEADER)
    all_misses: list[list] = []
    for name, result in built.items():
        scores = score(result)
        print(line(NAMES[name], scores))
        if name == "acled":
            for country in sorted({s.item.country for s in scores}):
                print(line(f"  {country}", [s for s in scores if s.item.country == country]))
        if name == "gtd":
            for precision in (1, 2):
                print(line(f"  specificity {precision}", [s for s in scores if s.item.precision == precision]))
        if name == "ucdp":
            quiet = [s for s in scores if names_no_place(s.item)]
            print(f"  UCDP: a row within 50 km, or only region rows of the right country when the headline names "
                  f"no place: {share(sum(s.ucdp_pass for s in scores), len(scores))} "
                  f"(headlines naming no place: {len(quiet)})")
        if result.skipped:
            print(f"  skipped by the build: {len(result.skipped)} ({'; '.join(result.skipped[:3])})")
        all_misses += misses(scores)
    path = write_csv(misses_path(args, "devset_truth"),
                     ["item", "set", "country", "coder_place", "coder_latitude", "coder_longitude", "coder_precision",
                      "radius_km", "problem", "nearest_named_km", "ucdp_variant", "our_rows", "text"], all_misses)
    print(f"misses: {len(all_misses)} items -> {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    print(f"time: {time.perf_counter() - started:.1f} s (build {sum(b.seconds for b in built.values()):.1f} s)")


if __name__ == "__main__":
    main()
