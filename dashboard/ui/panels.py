"""The page's panels: summary, map, details of the clicked place, table and downloads.

In: the filtered rows (and the reports behind incident rows). Out: Streamlit elements. Every
computation is in a pure module (summary, summary_html, mapview, export); these functions only draw
and cache. Text from the data (article text, names, file names, error messages quoting a file) is
drawn with ``st.text`` or as table cells (plain text), never as Markdown or HTML: Markdown would
load an image from any address a cell names.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard.schema import C
from dashboard.ui.export import CSV_MIME, GEOJSON_MIME, csv_bytes, geojson_bytes
from dashboard.ui.mapview import (
    MAP_CODE_VERSION, TYPE_COLOURS, UNKNOWN_COLOUR, base_map, incident_rows, map_details_json, map_points_json, row_positions, rows_at, safe_url,
)
from dashboard.ui.reviewing import ReviewContext, note_map_click, show_name_input, show_review
from dashboard.ui.why import briefs, why_html
from dashboard.why import WhyData
from dashboard.ui.payloads import payload_name, publish, publish_later
from dashboard.ui.summary import summarise, timeline, toll_text
from dashboard.ui.summary_html import figures_html, timeline_html

MAP_KEY = "incident_map"
MAP_HEIGHT = 540
#: The only thing the map sends back: a marker click (pan and zoom do not rerun the script).
MAP_RETURNS = ["last_object_clicked"]
#: With editing: a click on the map too (a reviewer may set a row's point by clicking).
MAP_RETURNS_EDITING = ["last_object_clicked", "last_clicked"]
#: Rows sent to the browser's table: every rerun ships them all, and 100,000 rows take seconds.
TABLE_MAX_ROWS = 2_000
#: The table starts open when the file holds at most this many incidents, else it is drawn when
#: opened: its code and data were the heaviest part of a page start (0.4 s of 4 at 100,000 rows).
TABLE_OPEN_ROWS = 5_000
TABLE_KEY = "table_open"


def show_error(headline: str, message: str) -> None:
    """An error box with our ``headline`` (Markdown), then ``message``, which may quote the data, as plain text."""
    st.error(headline)
    st.text(message)


def show_summary(rows: pd.DataFrame, key: str) -> None:
    """Counts, toll totals as min-max and the timeline, as one HTML block (see :mod:`dashboard.ui.summary_html`).

    ``key`` names the rows (file version and filter state): a rerun that keeps them reuses the block.
    """
    st.html(_summary_html(key, rows))


# The cached values below are immutable (str, bytes), so one copy is shared by every rerun and
# session (a resource cache), keyed by what names the rows; the frames themselves are not hashed.
# The popup texts are cached as their file (see show_map).
@st.cache_resource(max_entries=16, show_spinner=False)
def _summary_html(key: str, _rows: pd.DataFrame) -> str:
    chart = timeline_html(timeline(_rows), TYPE_COLOURS, UNKNOWN_COLOUR) or (
        '<div style="font-size:14px;color:#555">No dated rows to draw a timeline.</div>')
    return figures_html(summarise(_rows)) + chart


@st.cache_resource(max_entries=16, show_spinner=False)
def _points(key: str, _rows: pd.DataFrame, _table: pd.DataFrame) -> tuple[str, bytes]:
    """The map's points of one filtered view (``key``: file version and filter state), and their file name."""
    data = map_points_json(_rows, row_positions(_table, _rows))
    return payload_name(data), data


def _details(table: pd.DataFrame, reports: pd.DataFrame | None, keys: pd.Series | None,
             why: WhyData | None) -> bytes:
    return map_details_json(table, reports, briefs(table, keys, why, reports) if why is not None else None)


def show_map(rows: pd.DataFrame, table: pd.DataFrame, reports: pd.DataFrame | None, tiles: str,
             version: str, state_key: str, labels_url: str | None = None, keys: pd.Series | None = None,
             why: WhyData | None = None, editing: bool = False) -> tuple[float, float] | None:
    """The map of ``rows`` (filtered from ``table``); returns the point of the last marker clicked, if any.

    ``version`` names the table (file version and view), ``state_key`` the filters: a rerun that
    keeps them (a marker click) reuses the points, and every filter shares the details file.
    ``labels_url``: the table's place names for the map without tiles (``payloads.publish_labels``).
    ``keys`` (the report keys) and ``why`` (the why file): each popup's one-line brief.
    ``editing``: a click on the map is passed to the review controls (:func:`note_map_click`).
    """
    # The base map's script depends on the tiles only, so streamlit-folium keeps the map in the page
    # across filter changes and only hands it the new rows.
    points_name, points = _points(f"{version}|{state_key}", rows, table)
    # the popup texts of the whole table take a third of a second at 100,000 rows: made in the
    # background, the map draws its points meanwhile and asks for the texts until they are there
    details_url = publish_later(f"{version}|details|{MAP_CODE_VERSION}|{why is not None}",
                                partial(_details, table, reports, keys, why))
    rows_layer = incident_rows(rows, publish(points, name=points_name), details_url, labels_url)
    answer = st_folium(base_map(tiles), key=MAP_KEY, height=MAP_HEIGHT, use_container_width=True,
                       returned_objects=MAP_RETURNS_EDITING if editing else MAP_RETURNS,
                       feature_group_to_add=rows_layer)
    if editing:
        note_map_click((answer or {}).get("last_clicked"))
    clicked = (answer or {}).get("last_object_clicked")
    if not clicked:
        return None
    return float(clicked["lat"]), float(clicked["lng"])


def show_details(rows: pd.DataFrame, reports: pd.DataFrame | None, point: tuple[float, float] | None,
                 review: ReviewContext | None = None, why: WhyData | None = None,
                 keys: pd.Series | None = None) -> None:
    """What was reported at the clicked point: each row, each source with its own figure and link,
    why here and why this toll (``why``: the why file, ``keys``: the report keys), and (unless
    ``review`` is None: an incident table, or the page served read-only) each report's review controls."""
    st.subheader("Details")
    if review is not None:
        show_name_input()
    if point is None:
        st.caption("Click a marker on the map to see its incident here.")
        return
    found = rows_at(rows, *point)
    if found.empty:
        st.caption("No incident at the clicked point under the current filters.")
        return
    for index, row in zip(found.index, found.itertuples(index=False)):
        with st.container(border=True):
            place = getattr(row, C.location) or getattr(row, C.mention)
            st.text(place)
            if getattr(row, C.mention) and getattr(row, C.mention) != place:
                st.text(f"as written: {getattr(row, C.mention)}")
            date = getattr(row, C.date)
            facts = [
                ("date", "" if pd.isna(date) else date.strftime("%Y-%m-%d")),
                ("type", getattr(row, C.event_type)),
                ("killed", toll_text(getattr(row, C.killed_min), getattr(row, C.killed_max))),
                ("injured", toll_text(getattr(row, C.injured_min), getattr(row, C.injured_max))),
                ("captured", toll_text(getattr(row, C.captured_min), getattr(row, C.captured_max))),
                ("actor", getattr(row, C.actor)),
            ]
            st.text("\n".join(f"{label}: {value}" for label, value in facts if value))
            _show_sources(row, reports, found.loc[[index]] if reports is None else None, review, why, keys)


def _show_sources(row: object, reports: pd.DataFrame | None, itself: pd.DataFrame | None,
                  review: ReviewContext | None, why: WhyData | None = None, keys: pd.Series | None = None) -> None:
    if reports is not None:
        behind = reports[reports[C.incident_id] == getattr(row, C.incident_id)]
    else:
        behind = itself if itself is not None else pd.DataFrame([row._asdict()])  # type: ignore[attr-defined]
    for index, report in zip(behind.index, behind.itertuples(index=False)):
        figure = toll_text(getattr(report, C.killed_min), getattr(report, C.killed_max))
        name = getattr(report, C.source) or "source"
        st.text(f"{name}" + (f" (killed {figure})" if figure else ""))
        url = safe_url(getattr(report, C.source_url).split(";")[0])
        if url:
            st.link_button("open the article", url)
        st.text(getattr(report, C.evidence))
        explained = why.rows.get(str(keys[index])) if why is not None and keys is not None and index in keys.index \
            else None
        if explained is not None:
            with st.expander("Why here, why this toll"):
                st.html(why_html(explained, getattr(report, C.evidence)))  # every piece of data escaped
        if review is not None and index in review.keys.index:
            show_review(behind.loc[index], str(review.keys[index]), review)


def show_table(rows: pd.DataFrame, file_rows: int) -> None:
    """The filtered rows as a table, the source address as a link (at most TABLE_MAX_ROWS of them).

    In an expander, open at first when the file has at most TABLE_OPEN_ROWS incidents
    (``file_rows``); its state outlives filter changes. A closed table sends nothing to the browser.
    """
    with st.expander("Table of the filtered rows", key=TABLE_KEY, on_change="rerun",
                     expanded=file_rows <= TABLE_OPEN_ROWS) as box:
        if box.open:
            _table(rows)


def _table(rows: pd.DataFrame) -> None:
    if len(rows) > TABLE_MAX_ROWS:
        st.caption(f"The table shows the first {TABLE_MAX_ROWS:,} of {len(rows):,} rows; "
                   "the downloads below hold all of them.")
        rows = rows.head(TABLE_MAX_ROWS)
    shown = rows.assign(**{C.source_url: rows[C.source_url].map(safe_url)})
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            C.source_url: st.column_config.LinkColumn("source link"),
            C.date: st.column_config.DateColumn("date", format="YYYY-MM-DD"),
            C.published: st.column_config.DateColumn("published", format="YYYY-MM-DD"),
            C.latitude: st.column_config.NumberColumn("latitude", format="%.4f"),
            C.longitude: st.column_config.NumberColumn("longitude", format="%.4f"),
            C.evidence: st.column_config.TextColumn("evidence", width="large"),
        },
    )


def show_downloads(rows: pd.DataFrame, stem: str) -> None:
    """Exactly the filtered rows as CSV and GeoJSON (made when clicked, so big tables do not slow a rerun)."""
    left, right = st.columns(2)
    left.download_button("Download CSV", data=partial(csv_bytes, rows), file_name=f"{stem}.csv",
                         mime=CSV_MIME, on_click="ignore", key="download_csv")
    right.download_button("Download GeoJSON", data=partial(geojson_bytes, rows), file_name=f"{stem}.geojson",
                          mime=GEOJSON_MIME, on_click="ignore", key="download_geojson")
