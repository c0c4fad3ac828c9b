"""The summary as one block of HTML: the figures, and the timeline as small stacked bars (incidents
per day, per week or month over long spans, stacked by type).

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

import pandas as pd

from dashboard.schema import C
from dashboard.ui.summary import COUNT, DAY, Summary

#: Most bars drawn: a longer span is counted per week, then per month.
MAX_BARS = 370
PLOT_HEIGHT = 110  # pixels of the tallest bar
BARS_WITH_GAPS = 120  # up to this many bars, a pixel of white on each side sets them apart


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


def _bar(total: int, top: int, stops: str, tip: str, gap: bool) -> str:
    margin = "margin:0 1px;" if gap else ""
    return (f'<div class="incident-bar" title="{escape(tip)}" style="flex:1;{margin}height:{100 * total / top:.2f}%;'
            f'background:linear-gradient(to top,{stops})"></div>')


def timeline_html(days: pd.DataFrame, colours: Mapping[str, str], unknown_colour: str = "#7f7f7f") -> str:
    """Legend and stacked bars of the timeline frame; each bar's tooltip gives its date and counts.

    Plain HTML (``st.html`` removes SVG): one box per bin, as tall as its total, its types stacked
    as hard stops of one background gradient, so the page gets one element per bar, not one per
    bar and type; a bin without incidents is an empty box, so the bars keep their places in time.
    """
    bins = bin_counts(days, list(colours))
    if bins is None:
        return ""
    counts = bins.counts.to_numpy()
    names = [str(name) for name in bins.counts.columns]
    paint = [escape(colours.get(name, unknown_colour)) for name in names]
    totals = counts.sum(axis=1)
    top, gap = max(int(totals.max()), 1), len(counts) <= BARS_WITH_GAPS
    bars = []
    for n, row in enumerate(counts.tolist()):
        total = int(totals[n])
        if not total:
            bars.append('<div style="flex:1"></div>')
            continue
        stops, low = [], 0
        for colour, count in zip(paint, row):
            if count:
                stops.append(f"{colour} {100 * low / total:.2f}% {100 * (low + count) / total:.2f}%")
                low += count
        tip = _label(bins.starts[n], bins.unit) + ": " + ", ".join(
            f"{count} {name}" for name, count in zip(names, row) if count)
        bars.append(_bar(total, top, ",".join(stops), tip, gap))
    legend = "".join(
        f'<span style="margin-right:12px;white-space:nowrap"><span style="display:inline-block;width:10px;'
        f'height:10px;margin-right:4px;background:{colour}"></span>{escape(name)}</span>'
        for name, colour in zip(names, paint))
    axis = 'style="font-size:11px;color:#555"'
    return (f'<div class="incident-timeline" style="font-size:12px;color:#444">'
            f"<div>Incidents per {bins.unit} by type &nbsp; {legend}</div>"
            f'<div style="display:flex;gap:6px;margin-top:4px">'
            f'<div {axis} title="most incidents in one {bins.unit}">{top}</div>'
            f'<div style="flex:1"><div style="display:flex;align-items:flex-end;height:{PLOT_HEIGHT}px;'
            f'border-top:1px solid #ddd;border-bottom:1px solid #999">{"".join(bars)}</div>'
            f'<div {axis}><span>{escape(_label(bins.starts[0], bins.unit))}</span>'
            f'<span style="float:right">{escape(_label(bins.starts[-1], bins.unit))}</span></div></div></div></div>')


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
    note = ""
    if summary.without_point:
        rows = "row has" if summary.without_point == 1 else "rows have"
        note = (f'<div class="incident-no-point" style="font-size:14px;color:#555">{summary.without_point:,} of '
                f'{summary.rows:,} filtered {rows} no point on the map (no place found): they are in the table '
                'and the downloads.</div>')
    return f'<div class="incident-figures" style="display:flex;flex-wrap:wrap;gap:8px">{cells}</div>{note}'
