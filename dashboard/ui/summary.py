"""Figures about the filtered rows: counts, toll totals as ranges, the timeline, and toll text.

In: a validated table (report or incident rows, :mod:`dashboard.schema`). Out: a :class:`Summary`,
a per-day count frame for the timeline chart, and range strings such as "40+", "10", "13-19".
Pure functions, no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.schema import C

#: Column names of :func:`timeline`'s frame.
DAY, COUNT = "day", "count"


def toll_text(low: Any, high: Any) -> str:
    """A toll range as text: "10", "13-19", "40+" (no upper bound), "up to 5" (no lower bound), "" (no figure)."""
    lo = None if low is None or pd.isna(low) else int(low)
    hi = None if high is None or pd.isna(high) else int(high)
    if lo is None and hi is None:
        return ""
    if hi is None:
        return f"{lo}+"
    if lo is None:
        return f"up to {hi}"
    return str(lo) if lo == hi else f"{lo}-{hi}"


@dataclass(frozen=True, slots=True)
class Summary:
    """What the filtered rows add up to; tolls as (lowest total, highest total or None when open)."""

    rows: int
    incidents: int
    places: int
    sources: int
    killed: tuple[int, int | None]
    injured: tuple[int, int | None]
    without_point: int = 0  # rows the map cannot draw (no place found): still in the table and downloads

    @property
    def killed_text(self) -> str:
        return _total_text(self.killed)

    @property
    def injured_text(self) -> str:
        return _total_text(self.injured)


def _total_text(total: tuple[int, int | None]) -> str:
    low, high = total
    return toll_text(low, high) or "0"


def toll_total(rows: pd.DataFrame, kind: str) -> tuple[int, int | None]:
    """Sum of the lows and sum of the highs; rows with no figure count 0, an open high makes the total open."""
    low, high = rows[f"{kind}_min"], rows[f"{kind}_max"]
    has_figure = low.notna() | high.notna()
    low_total = int(low.fillna(0).sum())
    open_high = bool((has_figure & high.isna()).any())
    high_total = None if open_high else int(high.fillna(0).sum())
    return low_total, high_total


def source_names(rows: pd.DataFrame) -> set[str]:
    """Every source named, splitting an incident table's joined "a; b" lists."""
    distinct = pd.Series(rows[C.source].unique(), dtype=object)  # split each distinct text once
    parts = distinct.str.split(";").explode().str.strip()
    return set(parts[parts.notna() & (parts != "")])


def summarise(rows: pd.DataFrame) -> Summary:
    """Counts and totals of the rows (mention rows are counted as places only, they have no toll)."""
    places = rows[C.location].where(rows[C.location] != "", rows[C.mention])
    return Summary(
        rows=len(rows),
        incidents=int(rows[C.incident_id].nunique()),
        places=int(places[places != ""].nunique()),  # an incident whose place is not given names none
        sources=len(source_names(rows)),
        killed=toll_total(rows, "killed"),
        injured=toll_total(rows, "injured"),
        without_point=rows_without_point(rows),
    )


def rows_without_point(rows: pd.DataFrame) -> int:
    """How many rows have no point to draw (an incident whose place was not found)."""
    return int((rows[C.latitude].isna() | rows[C.longitude].isna()).sum())


def timeline(rows: pd.DataFrame) -> pd.DataFrame:
    """Incidents per day by event type: columns ``day``, ``event_type``, ``count`` (rows without a date left out)."""
    dated = rows[rows[C.date].notna()]
    if dated.empty:
        return pd.DataFrame({DAY: pd.Series(dtype="datetime64[ns]"), C.event_type: pd.Series(dtype=object),
                             COUNT: pd.Series(dtype="int64")})
    grouped = (dated.assign(**{DAY: dated[C.date].dt.normalize()})
               .groupby([DAY, C.event_type])[C.incident_id].nunique().rename(COUNT).reset_index())
    return grouped.sort_values([DAY, C.event_type], kind="stable").reset_index(drop=True)
