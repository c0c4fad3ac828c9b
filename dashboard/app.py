"""The dashboard page: layout only. Run ``python -m dashboard serve`` or ``streamlit run dashboard/app.py``.

In: the table named by ``--data FILE`` (after ``--``), ``$DASHBOARD_DATA`` or data/incidents.csv;
the ``tiles``, ``review_db`` and ``read_only`` settings (``$DASHBOARD_TILES`` ...). Out: the page. Loading, filtering, the map and the
exports live in :mod:`dashboard.ui`; errors are shown here, once, with ``st.error`` (their text,
which may quote the file, as plain text). Nothing from the data is drawn as Markdown or HTML.
"""

from __future__ import annotations

import sys

import streamlit as st

from dashboard import settings
from dashboard.errors import DashboardError
from dashboard.ui.data import data_path, load_dataset, options_for
from dashboard.ui.filters import VIEW_INCIDENTS, VIEW_REPORTS, apply_filters
from dashboard.ui.panels import show_details, show_downloads, show_error, show_map, show_summary, show_table
from dashboard.ui.payloads import publish_labels
from dashboard.ui.reviewing import ReviewContext
from dashboard.ui.sidebar import filter_sidebar, query_notes
from dashboard.ui.why import load_why

st.set_page_config(page_title="Incident map", layout="wide")
st.title("Incident map")

try:
    values = settings.resolve()
    dataset = load_dataset(data_path(sys.argv[1:]), values.review_db)
    why = load_why(dataset.path) if dataset.has_reports else None  # why here, why this toll (built beside the table)
    tiles = values.tiles
except DashboardError as err:
    show_error("The table cannot be shown.", str(err))
    st.stop()

tables = {VIEW_INCIDENTS: dataset.incidents}
if dataset.reports is not None:
    tables[VIEW_REPORTS] = dataset.reports
state = filter_sidebar({view: options_for(dataset, view, rows) for view, rows in tables.items()}, dataset.has_reports)
rows = apply_filters(tables[state.view], state)
reports = dataset.reports if state.view == VIEW_INCIDENTS else None

notes = query_notes(state)
if notes:
    st.warning("Ignored in the page's address: " + "; ".join(notes))  # our words and parameter names only
st.text(f"{dataset.path.name}: {len(rows)} of {len(tables[state.view])} {state.view} shown")
summary_slot = st.container()  # drawn above the map, filled after it: the map's frame starts loading first
map_column, details_column = st.columns([3, 1])
editable = dataset.store is not None and dataset.keys is not None and not values.read_only
with map_column:
    point = show_map(rows, tables[state.view], reports, tiles, f"{dataset.version}|{state.view}", repr(state),
                     labels_url=publish_labels(dataset.path), keys=dataset.keys, why=why, editing=editable)
with summary_slot:
    show_summary(rows, f"{dataset.version}|{state!r}")
with details_column:
    show_details(rows, reports, point, ReviewContext(dataset.store, dataset.keys, why) if editable else None,
                 why, dataset.keys)
show_table(rows, len(dataset.incidents))
show_downloads(rows, f"{dataset.path.stem}-{state.view}-filtered")
