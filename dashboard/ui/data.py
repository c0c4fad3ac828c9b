"""Which table the app shows, loaded once per file version and checked against the schema.

In: a path (``--data FILE`` after ``streamlit run ... --``, else ``$DASHBOARD_DATA``, else
``data/incidents.csv``). Out: a :class:`Dataset`: the incident rows, and the report rows when the
file is a report table (then the app offers the incidents/reports switch), with the reviewers'
corrections applied (:mod:`dashboard.review`; the store beside the table or the ``review_db``
setting). Errors are :class:`~dashboard.errors.DashboardError`; the app shows them with ``st.error``.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import pandas as pd
import streamlit as st

from dashboard.aggregate import incidents_from_reports
from dashboard.errors import SchemaError
from dashboard.review import ReviewStore, apply_reviews, report_keys, store_path
from dashboard.schema import is_incident_table, read_table
from dashboard import settings
from dashboard.settings import DEFAULT_DATA
from dashboard.ui.columns import TableColumns
from dashboard.ui.filters import FilterOptions, filter_options

#: The environment variable of the ``data`` setting.
DATA_ENV = next(s.env for s in settings.SETTINGS if s.name == "data")


@dataclass(frozen=True, slots=True)
class Dataset:
    """The rows the app shows. ``reports`` is None when the file already held incidents."""

    path: Path
    incidents: pd.DataFrame
    reports: pd.DataFrame | None
    version: str  # the file, its modification time and size, and the reviews: names this content in caches
    store: ReviewStore | None = None  # the reviewers' corrections (None: an incident table, not reviewable)
    keys: pd.Series | None = None  # the report key of each report row

    @property
    def has_reports(self) -> bool:
        return self.reports is not None


def data_path(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> Path:
    """The table to show: ``--data`` among the script arguments, then $DASHBOARD_DATA, then the default."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data", type=Path, default=None)
    known, _ = parser.parse_known_args(list(argv))
    if known.data is not None:
        return known.data
    return Path(settings.resolve(environ=environ).data) if environ.get(DATA_ENV) else DEFAULT_DATA


@st.cache_resource(show_spinner="Reading the table...", max_entries=4)
def _load(path: str, modified: float, size: int) -> tuple[pd.DataFrame, pd.Series | None]:
    """Cached on the file's path, modification time and size: an edited file is read again.

    A resource cache: every rerun and session gets the same frames, not a copy (unpickling
    100,000 rows took a tenth of a second per rerun), so nothing may change them in place.
    Returns the table and, for a report table, its report keys (computed once per file).
    """
    table = read_table(path)
    if is_incident_table(table):
        return table, None
    return table, report_keys(table)


@st.cache_resource(show_spinner="Applying the reviews...", max_entries=4)
def _reviewed(version: str, reviews: str, _table: pd.DataFrame, _keys: pd.Series,
              _store: ReviewStore) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reports with the corrections applied and the incidents they make, once per file and review version."""
    reports = apply_reviews(_table, _store, _keys) if reviews else _table
    return incidents_from_reports(reports), reports


@st.cache_resource(max_entries=4, show_spinner=False)
def _columns(version: str, view: str, _rows: pd.DataFrame) -> TableColumns:
    return TableColumns.of(_rows)


def columns_for(dataset: Dataset, view: str, rows: pd.DataFrame) -> TableColumns:
    """The columns of one view as arrays (the filters' masks, the summary, the map's points), once per file version.

    A resource cache: every rerun and session shares them (nothing may change them).
    """
    return _columns(dataset.version, view, rows)


@st.cache_data(max_entries=8, show_spinner=False)
def _options(version: str, view: str, _rows: pd.DataFrame) -> FilterOptions:
    return filter_options(_rows)


def options_for(dataset: Dataset, view: str, rows: pd.DataFrame) -> FilterOptions:
    """The filter choices of one view, computed once per file version."""
    return _options(dataset.version, view, rows)


def load_dataset(path: Path, review_db: str = "") -> Dataset:
    """The dataset at ``path`` with its reviews; raises DashboardError (with a message for the page)
    when it cannot be used."""
    try:
        status = path.stat()
    except OSError as err:
        raise SchemaError([f"{path} cannot be opened ({err.strerror or err}); "
                           "build one with 'python -m dashboard build' or pass --data FILE"]) from err
    if not path.is_file():
        raise SchemaError([f"{path} is not a file"])
    table, keys = _load(str(path.resolve()), status.st_mtime, status.st_size)
    version = f"{path.resolve()}:{status.st_mtime_ns}:{status.st_size}"
    if keys is None:
        return Dataset(path=path, incidents=table, reports=None, version=version)
    store = ReviewStore(store_path(path, review_db))
    reviews = store.version()  # one small query per rerun: a review by anyone shows at the next rerun
    incidents, reports = _reviewed(version, reviews, table, keys, store)
    return Dataset(path=path, incidents=incidents, reports=reports, version=f"{version}|{reviews}", store=store,
                   keys=keys)
