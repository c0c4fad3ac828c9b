"""The summary's HTML: the figures, the timeline's bins that keep the bar count small, exact stacked counts, escaped text."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from dashboard.schema import C
from dashboard.ui.summary import COUNT, DAY, timeline
from dashboard.ui.summary import summarise
from dashboard.ui.summary_html import MAX_BARS, bin_counts, bin_unit, figures_html, timeline_html
from tests.ui.tables import sample_reports

COLOURS = {"armed attack": "#d62728", "bombing/explosion": "#ff7f0e"}


def days(*entries: tuple[str, str, int]) -> pd.DataFrame:
    return pd.DataFrame({DAY: pd.to_datetime([e[0] for e in entries]), C.event_type: [e[1] for e in entries],
                         COUNT: [e[2] for e in entries]})


@pytest.mark.parametrize(("span_days", "unit"), [
    (1, "day"), (MAX_BARS, "day"), (MAX_BARS + 1, "week"), (7 * MAX_BARS, "week"), (7 * MAX_BARS + 1, "month"),
])
def test_a_long_span_is_counted_per_week_then_per_month(span_days, unit) -> None:
    first = dt.date(2020, 1, 1)
    assert bin_unit(first, first + dt.timedelta(days=span_days - 1)) == unit


def test_bins_have_no_gaps_and_keep_every_count() -> None:
    frame = days(("2024-01-01", "armed attack", 2), ("2024-01-04", "bombing/explosion", 1),
                 ("2024-01-04", "armed attack", 3))
    bins = bin_counts(frame, list(COLOURS))
    assert bins.unit == "day" and len(bins.starts) == 4 and bins.starts[-1] == dt.date(2024, 1, 4)
    assert bins.counts.loc[3].to_dict() == {"armed attack": 3, "bombing/explosion": 1}
    assert int(bins.counts.to_numpy().sum()) == 6 and bins.counts.loc[1].sum() == 0


def test_weeks_start_on_monday_and_months_on_the_first() -> None:
    frame = days(("2024-01-03", "armed attack", 1), ("2025-06-30", "armed attack", 1))  # a Wednesday, a Monday
    weekly = bin_counts(frame, list(COLOURS), max_bars=100)
    assert weekly.unit == "week" and weekly.starts[0] == dt.date(2024, 1, 1)
    assert int(weekly.counts.to_numpy().sum()) == 2
    monthly = bin_counts(frame, list(COLOURS), max_bars=10)
    assert monthly.unit == "month" and monthly.starts[0] == dt.date(2024, 1, 1) and len(monthly.starts) == 18


def bars(html: str) -> list[tuple[str, float, list[tuple[str, float, float]]]]:
    """(tooltip, height in % of the tallest, [(colour, from %, to %) bottom up]) of each bar."""
    found = []
    for tip, height, stops in re.findall(
            r'class="incident-bar" title="([^"]*)" style="[^"]*height:([0-9.]+)%;background:linear-gradient\(to top,([^)]*)\)', html):
        parts = [stop.split(" ") for stop in stops.split(",")]
        found.append((tip, float(height), [(c, float(a.rstrip("%")), float(b.rstrip("%"))) for c, a, b in parts]))
    return found


def test_each_bar_says_its_date_and_counts_and_is_stacked_by_type() -> None:
    html = timeline_html(days(("2024-01-01", "armed attack", 2), ("2024-01-01", "bombing/explosion", 1),
                              ("2024-01-03", "armed attack", 1)), COLOURS)
    first, second = bars(html)
    assert first[0] == "2024-01-01: 2 armed attack, 1 bombing/explosion" and first[1] == 100
    assert first[2] == [("#d62728", 0, pytest.approx(66.67)), ("#ff7f0e", pytest.approx(66.67), 100)]
    assert second[0] == "2024-01-03: 1 armed attack" and second[1] == pytest.approx(33.33)
    assert html.count('<div style="flex:1"></div>') == 1  # the empty day between keeps its place
    assert "Incidents per day by type" in html


def test_type_names_are_escaped_and_unknown_types_get_the_default_colour() -> None:
    html = timeline_html(days(("2024-01-01", "<b>odd</b>", 1)), COLOURS, unknown_colour="#123456")
    assert "<b>" not in html and "&lt;b&gt;odd&lt;/b&gt;" in html
    assert bars(html)[0][2] == [("#123456", 0, 100)]


def test_no_dated_rows_draw_nothing() -> None:
    rows = sample_reports()
    rows[C.date] = pd.NaT
    assert timeline_html(timeline(rows), COLOURS) == ""


def figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-label="([^"]+)".*?class="incident-figure-value"[^>]*>([^<]*)<', html))


def test_the_figures_are_labelled_and_the_totals_are_ranges() -> None:
    assert figures(figures_html(summarise(sample_reports()))) == {
        "Incidents": "6", "Places": "6", "Sources": "3", "Killed (min-max)": "66+", "Injured (min-max)": "5"}


def test_rows_without_a_point_are_counted_in_a_note_under_the_figures() -> None:
    rows = sample_reports()
    assert "incident-no-point" not in figures_html(summarise(rows.dropna(subset=[C.latitude, C.longitude])))
    placeless = rows.copy()
    placeless.loc[placeless.index[:2], [C.latitude, C.longitude]] = None
    expected = int((placeless[C.latitude].isna() | placeless[C.longitude].isna()).sum())
    html = figures_html(summarise(placeless))
    assert re.search(rf">{expected:,} of {len(placeless):,} filtered rows have no point on the map", html)
