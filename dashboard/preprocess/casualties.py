"""Numbers and toll phrases -> killed / injured / captured ranges, coded conservatively (ACLED-style).

CONTRACT (filled in by the events work): Range, Tolls (below); parse_tolls(sentence) -> Tolls.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Range:
    low: int | None = None  # None: no figure
    high: int | None = None  # None: no upper bound given


@dataclass(frozen=True, slots=True)
class Tolls:
    killed: Range = Range()
    injured: Range = Range()
    captured: Range = Range()
