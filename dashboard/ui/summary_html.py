"""The summary as one block of HTML: the figures, and the timeline as a small SVG (incidents per day,
per week or month over long spans, stacked by type).

In: a :class:`~dashboard.ui.summary.Summary`, :func:`dashboard.ui.summary.timeline`'s frame
(``day``, ``event_type``, ``count``) and the colour of each event type. Out: HTML strings for
``st.html``, which puts them in the page itself. Why not ``st.metric`` and a chart library: at page
start the browser loads the code of every kind of element before it shows any, on its one main
thread, while the map loads beside it; Vega-Lite took most of a second there, the metrics' code
a fifth. Pure; every text is escaped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from typing import Mapping

import numpy as np
import pandas as pd

from dashboard.schema import C
from dashboard.ui.summary import COUNT, DAY, Summary

#: Most bars drawn: a longer span is counted per week, then per month.
MAX_BARS = 370
HEIGHT = 150  # pixels of the whole chart; the bars use the rows between PLOT_TOP and PLOT_BOTTOM
PLOT_TOP, PLOT_BOTTOM = 12, 124
LEFT, RIGHT = 5.0, 99.0  # percent of the width the bars span (the count labels sit left of them)
BAR_GAP = 0.15  # part of a bin left blank between two bars


@dataclass(frozen=True, slots=True)
class Bins:
    """Counts per bin and type: ``counts`` has one row per bin (0..n-1, no gaps) and one column per type."""

    unit: str  # "day", "week" or "month"
    starts: list[dt.date]  # first day of each bin
    counts: pd.DataFrame


def bin_unit(first: dt.date, last: dt.date, max_bars: int = MAX_BARS) -> str:
    """The longest span drawn day by day is ``max_bars`` days, then week by week, then month by month."""
    span = (last - first).days + 1
    if span <= max_bars:
        return "day"
    return "week" if span <= 7 * max_bars else "month"


def _bin_start(days: pd.Series, unit: str) -> pd.Series:
    if unit == "day":
        return days
    if unit == "week":  # weeks start on Monday
        return days - pd.to_timedelta(days.dt.dayofweek, unit="D")
    return days.dt.to_period("M").dt.to_timestamp()


def _bin_number(starts: pd.Series, first: pd.Timestamp, unit: str) -> pd.Series:
    if unit == "day":
        return (starts - first).dt.days
    if unit == "week":
        return (starts - first).dt.days // 7
    return (starts.dt.year - first.year) * 12 + (starts.dt.month - first.month)


def _nth_start(first: pd.Timestamp, n: int, unit: str) -> dt.date:
    if unit == "day":
        return (first + pd.Timedelta(days=n)).date()
    if unit == "week":
        return (first + pd.Timedelta(days=7 * n)).date()
    return (first + pd.DateOffset(months=n)).date()


def bin_counts(days: pd.DataFrame, types: list[str], max_bars: int = MAX_BARS) -> Bins | None:
    """The timeline's counts per bin and type, types in ``types`` order (others after); None when empty."""
    if days.empty:
        return None
    when = pd.to_datetime(days[DAY])
    unit = bin_unit(when.min().date(), when.max().date(), max_bars)
    starts = _bin_start(when, unit)
    first = starts.min()
    number = _bin_number(starts, first, unit)
    table = (days.assign(_bin=number.to_numpy()).pivot_table(index="_bin", columns=C.event_type, values=COUNT,
                                                            aggfunc="sum", fill_value=0))
    present = [t for t in types if t in table.columns] + sorted(c for c in table.columns if c not in types)
    size = int(number.max()) + 1
    table = table.reindex(index=range(size), columns=present, fill_value=0).astype("int64")
    return Bins(unit=unit, starts=[_nth_start(first, n, unit) for n in range(size)], counts=table)


def _label(start: dt.date, unit: str) -> str:
    if unit == "day":
        return start.isoformat()
    if unit == "week":
        return f"week of {start.isoformat()}"
    return start.strftime("%Y-%m")


def _bars_path(low: np.ndarray, high: np.ndarray, top: int) -> str:
    """One SVG path of the bars of one type: bar n spans [n, n + 1) wide, ``low``..``high`` tall."""
    drawn = np.flatnonzero(high > low)
    return "".join(f"M{n + BAR_GAP / 2:g},{top - high[n]:g}h{1 - BAR_GAP:g}V{top - low[n]:g}h{BAR_GAP - 1:g}z"
                   for n in drawn.tolist())


def timeline_html(days: pd.DataFrame, colours: Mapping[str, str], unknown_colour: str = "#7f7f7f") -> str:
    """Legend and stacked bars of the timeline frame; each bar's tooltip gives its date and counts.

    The bars are one path per type in a drawing of one unit per bin (stretched to the width), so
    the page gets a few elements, not one per bar and type; a transparent strip per bin carries its tooltip.
    """
    bins = bin_counts(days, list(colours))
    if bins is None:
        return ""
    counts = bins.counts.to_numpy()
    names = [str(name) for name in bins.counts.columns]
    size, top = len(counts), max(int(counts.sum(axis=1).max()), 1)
    stacked = np.cumsum(counts, axis=1)
    paths = "".join(
        f'<path fill="{escape(colours.get(name, unknown_colour))}" d="'
        f'{_bars_path(stacked[:, k] - counts[:, k], stacked[:, k], top)}"></path>'
        for k, name in enumerate(names))
    tips = "".join(
        f'<rect x="{n}" y="0" width="1" height="{top}"><title>' + escape(_label(bins.starts[n], bins.unit) + ": " + ", ".join(
            f"{count} {name}" for name, count in zip(names, counts[n].tolist()) if count)) + "</title></rect>"
        for n in np.flatnonzero(counts.sum(axis=1)).tolist())
    legend = "".join(
        f'<span style="margin-right:12px;white-space:nowrap"><span style="display:inline-block;width:10px;'
        f'height:10px;margin-right:4px;background:{escape(colours.get(name, unknown_colour))}"></span>'
        f"{escape(name)}</span>" for name in names)
    text = 'font-size="11" fill="#555"'
    axis = (f'<line x1="{LEFT}%" x2="{RIGHT}%" y1="{PLOT_BOTTOM}" y2="{PLOT_BOTTOM}" stroke="#999"></line>'
            f'<line x1="{LEFT}%" x2="{RIGHT}%" y1="{PLOT_TOP}" y2="{PLOT_TOP}" stroke="#ddd"></line>'
            f'<text x="{LEFT - 0.5}%" y="{PLOT_TOP + 4}" text-anchor="end" {text}>{top}</text>'
            f'<text x="{LEFT - 0.5}%" y="{PLOT_BOTTOM}" text-anchor="end" {text}>0</text>'
            f'<text x="{LEFT}%" y="{PLOT_BOTTOM + 16}" {text}>{escape(_label(bins.starts[0], bins.unit))}</text>'
            f'<text x="{RIGHT}%" y="{PLOT_BOTTOM + 16}" text-anchor="end" {text}>'
            f"{escape(_label(bins.starts[-1], bins.unit))}</text>")
    plot = (f'<svg x="{LEFT}%" y="{PLOT_TOP}" width="{RIGHT - LEFT}%" height="{PLOT_BOTTOM - PLOT_TOP}" '
            f'viewBox="0 0 {size} {top}" preserveAspectRatio="none">{paths}<g fill="transparent">{tips}</g></svg>')
    return (f'<div class="incident-timeline" style="font-size:12px;color:#444">'
            f"<div>Incidents per {bins.unit} by type &nbsp; {legend}</div>"
            f'<svg width="100%" height="{HEIGHT}" role="img" aria-label="incidents per {bins.unit}">'
            f"{axis}{plot}</svg></div>")


def figures_html(summary: Summary) -> str:
    """The counts and toll totals, each a label over its value (``data-label`` names it for tools and tests)."""
    figures = (("Incidents", f"{summary.incidents:,}"), ("Places", f"{summary.places:,}"),
               ("Sources", f"{summary.sources:,}"), ("Killed (min-max)", summary.killed_text),
               ("Injured (min-max)", summary.injured_text))
    cells = "".join(
        f'<div class="incident-figure" data-label="{escape(label)}" style="flex:1;min-width:110px">'
        f'<div style="font-size:14px;color:#555">{escape(label)}</div>'
        f'<div class="incident-figure-value" style="font-size:2rem;line-height:1.3">{escape(value)}</div></div>'
        for label, value in figures)
    return f'<div class="incident-figures" style="display:flex;flex-wrap:wrap;gap:8px">{cells}</div>'
