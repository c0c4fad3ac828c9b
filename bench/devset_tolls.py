"""Tolls against human coders: our killed (and injured) figure for each coded dev-set text vs the coder's.

Every ACLED note, GTD summary and UCDP headline of ``../shared/devset`` is built as an article
(published on its own date) by the project's own build, offline (see bench/devset.py). An item's
figure is the sum, over its distinct incidents (its reports summarised per ``incident_id`` after
reconciliation, as the incident table does), of ``killed_min`` (``injured_min``); 0 when no incident
claims a figure. Per set it prints:

- killed equal to the coder's: ACLED ``fatalities`` (per country too), GTD ``nkill``, UCDP
  ``best``; for UCDP also "within [low, high]";
- injured equal to the coder's: GTD ``nwound`` (items with ``NA`` skipped); ACLED has no injured
  column and UCDP none either;
- false toll: the coder says 0 killed but a row claims a killed figure above 0 (``killed_min`` or
  ``killed_max``), among the items the coder gives 0.

ACLED notes that say the figure was coded by convention ("Unknown fatalities coded as 3",
"Fatalities split between 3 events", "(coded separately)", "Coded as 0", "5 fatalities coded",
"coded at low estimate") are scored apart on their own line: the text does not hold the coded
figure. A location coded elsewhere ("coded as Kutu") is not a toll convention.

The misses go to bench/out/devset_tolls_misses_<mode>.csv (git-ignored: it quotes the texts).
Figures, not a test; deterministic; no network.

Run: python bench/devset_tolls.py [--mode default|files] [--devset DIR] [--sets acled,gtd,ucdp]
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from devset import C, Built, Item, arguments, build_all, misses_path, number, share, write_csv  # noqa: E402

NAMES = {"acled": "ACLED notes", "gtd": "GTD summaries", "ucdp": "UCDP headlines"}
#: A note that says how its toll was coded (README of the dev set): a convention, not a reading.
CONVENTION = re.compile(
    r"fatalit\w*[^.;]{0,60}?\b(coded|split|divided)\b"  # "Unknown fatalities coded as 3", "Fatalities split between"
    r"|\b(coded|split)\b[^.;]{0,40}?\bfatalit"  # "coded as 3 fatalities"
    r"|\bcoded (as|to) \d+\b"  # "(Coded as 0)", "coded to 1"
    r"|\bcoded separately\b"  # the other places of the attack carry their share
    r"|\bsplit (across|between) (\w+ )?(events|locations)\b",
    re.IGNORECASE,
)


def by_convention(item: Item) -> bool:
    return item.set == "acled" and bool(CONVENTION.search(item.text()))


@dataclass
class Toll:
    item: Item
    incidents: list[dict]

    def _sum(self, kind: str) -> int:
        return sum(number(i[f"{kind}_min"]) or 0 for i in self.incidents)

    @property
    def killed(self) -> int:
        return self._sum("killed")

    @property
    def injured(self) -> int:
        return self._sum("injured")

    @property
    def claims_killed(self) -> bool:
        return any((number(i[C.killed_min]) or 0) > 0 or (number(i[C.killed_max]) or 0) > 0 for i in self.incidents)

    @property
    def killed_equal(self) -> bool:
        return self.item.killed is not None and self.killed == self.item.killed

    @property
    def killed_within(self) -> bool:
        low, high = self.item.killed_low, self.item.killed_high
        return low is not None and high is not None and low <= self.killed <= high

    @property
    def injured_equal(self) -> bool:
        return self.item.injured is not None and self.injured == self.item.injured

    @property
    def false_toll(self) -> bool:
        return self.item.killed == 0 and self.claims_killed


def tolls(built: Built) -> list[Toll]:
    return [Toll(item, built.incidents_of(item)) for item in built.items if item.killed is not None]


def killed_line(label: str, scored: list[Toll]) -> str:
    zero = [t for t in scored if t.item.killed == 0]
    return (f"{label:<36}{len(scored):>6}  {share(sum(t.killed_equal for t in scored), len(scored)):>14}  "
            f"{share(sum(t.false_toll for t in zero), len(zero)):>12}")


def describe(incident: dict) -> str:
    def rng(kind: str) -> str:
        low, high = number(incident[f"{kind}_min"]), number(incident[f"{kind}_max"])
        if low is None and high is None:
            return "-"
        return f"{low if low is not None else '?'}" + ("" if high == low else f"-{high if high is not None else ''}")
    place = incident[C.location] or incident[C.mention] or "-"
    return f"{place} {incident[C.event_type]} k {rng('killed')} i {rng('injured')}"


def misses(scored: list[Toll]) -> list[list]:
    out = []
    for t in scored:
        item = t.item
        problems = []
        if not t.killed_equal:
            problems.append("false toll" if t.false_toll else "killed")
        if item.injured is not None and not t.injured_equal:
            problems.append("injured")
        if not problems:
            continue
        coder = str(item.killed) if item.killed_low is None else f"{item.killed} ({item.killed_low}-{item.killed_high})"
        out.append([item.id, item.set, item.country, "yes" if by_convention(item) else "", "; ".join(problems),
                    coder, t.killed, "" if item.injured is None else item.injured, t.injured,
                    " | ".join(describe(i) for i in t.incidents), item.text()])
    return out


def main() -> None:
    args = arguments(__doc__)
    started = time.perf_counter()
    built = build_all(args)
    if built is None:
        return
    print(f"tolls against the coders' figures, mode {args.mode} (ours: the sum of killed_min over an item's incidents)")
    print(f"{'':<36}{'items':>6}  {'killed equal':>14}  {'false toll':>12}")
    all_misses: list[list] = []
    for name, result in built.items():
        scored = tolls(result)
        if name == "acled":
            plain = [t for t in scored if not by_convention(t.item)]
            print(killed_line(NAMES[name] + " (plain)", plain))
            for country in sorted({t.item.country for t in plain}):
                print(killed_line(f"  {country}", [t for t in plain if t.item.country == country]))
            print(killed_line(NAMES[name] + " (coded by convention)", [t for t in scored if by_convention(t.item)]))
            print(killed_line(NAMES[name] + " (all)", scored))
        else:
            print(killed_line(NAMES[name], scored))
        if name == "gtd":
            wounded = [t for t in scored if t.item.injured is not None]
            print(f"  GTD injured equal to nwound: {share(sum(t.injured_equal for t in wounded), len(wounded))} "
                  f"(nwound NA: {len(scored) - len(wounded)} skipped)")
        if name == "ucdp":
            print(f"  UCDP killed within [low, high]: {share(sum(t.killed_within for t in scored), len(scored))}")
        if result.skipped:
            print(f"  skipped by the build: {len(result.skipped)} ({'; '.join(result.skipped[:3])})")
        all_misses += misses(scored)
    path = write_csv(misses_path(args, "devset_tolls"),
                     ["item", "set", "country", "by_convention", "problem", "coder_killed", "our_killed",
                      "coder_injured", "our_injured", "our_incidents", "text"], all_misses)
    print(f"misses: {len(all_misses)} items -> {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    print(f"time: {time.perf_counter() - started:.1f} s (build {sum(b.seconds for b in built.values()):.1f} s)")


if __name__ == "__main__":
    main()
