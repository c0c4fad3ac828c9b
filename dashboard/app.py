"""The dashboard page: layout only. Run ``python -m dashboard serve`` or ``streamlit run dashboard/app.py``.

In: the table named by ``--data FILE`` (after ``--``), ``$DASHBOARD_DATA`` or data/incidents.csv;
the ``tiles``, ``review_db``, ``read_only`` and ``articles`` settings (``$DASHBOARD_TILES`` ...). Out: the page. Loading, filtering, the map and the
exports live in :mod:`dashboard.ui`; errors are shown here, once, with ``st.error`` (their text,
which may quote the file, as plain text). Nothing from the data is drawn as Markdown or HTML.
"""

from __future__ import annotations

import sys

import streamlit as st

from dashboard import settings
from dashboard.errors import DashboardError
from dashboard.ui.data import columns_for, data_path, load_dataset, options_for
from dashboard.ui.filters import VIEW_INCIDENTS, VIEW_REPORTS, filter_mask
from dashboard.ui.panels import show_details, show_downloads, show_error, show_map, show_summary, show_table
from dashboard.ui.payloads import publish_labels
from dashboard.ui.reviewing import ReviewContext
from dashboard.ui.sidebar import articles_sidebar, filter_sidebar, filter_state, query_notes
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
options_by_view = {view: options_for(dataset, view, rows) for view, rows in tables.items()}
# The filters' state is read first and their widgets drawn last (into their place at the top of the
# sidebar): the browser then starts the map's frame before it draws the widgets, about 0.7 s sooner.
state = filter_state(options_by_view, dataset.has_reports)
filters_box = st.sidebar.container()
table = tables[state.view]
columns = columns_for(dataset, state.view, table)  # arrays made once per file: filters are masks on them
mask = filter_mask(table, state, columns)
rows = table if mask.all() else table[mask]
if dataset.has_reports and not values.read_only:
    articles_sidebar(dataset.path, values.articles)
reports = dataset.reports if state.view == VIEW_INCIDENTS else None

notes = query_notes(state)
if notes:
    st.warning("Ignored in the page's address: " + "; ".join(notes))  # our words and parameter names only
st.text(f"{dataset.path.name}: {len(rows)} of {len(table)} {state.view} shown")
summary_slot = st.container()  # drawn above the map, filled after it: the map's frame starts loading first
map_column, details_column = st.columns([3, 1])
editable = dataset.store is not None and dataset.keys is not None and not values.read_only
with map_column:
    point = show_map(rows, table, reports, tiles, f"{dataset.version}|{state.view}", repr(state),
                     labels_url=publish_labels(dataset.path), keys=dataset.keys, why=why, editing=editable,
                     columns=(columns, mask))
with summary_slot:
    show_summary(rows, f"{dataset.version}|{state!r}", (columns, mask))
with details_column:
    show_details(rows, reports, point, ReviewContext(dataset.store, dataset.keys, why) if editable else None,
                 why, dataset.keys)
filter_sidebar(options_by_view, dataset.has_reports, filters_box, state)
show_table(rows, len(dataset.incidents))
show_downloads(rows, f"{dataset.path.stem}-{state.view}-filtered")
