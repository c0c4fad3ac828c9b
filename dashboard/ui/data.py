"""Which table the app shows, loaded once per file version and checked against the schema.

In: a path (``--data FILE`` after ``streamlit run ... --``, else ``$DASHBOARD_DATA``, else
``data/incidents.csv``). Out: a :class:`Dataset`: the incident rows, and the report rows when the
file is a report table (then the app offers the incidents/reports switch). Errors are
:class:`~dashboard.errors.SchemaError`; the app shows them with ``st.error``.
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
from dashboard.schema import is_incident_table, read_table
from dashboard import settings
from dashboard.settings import DEFAULT_DATA
from dashboard.ui.filters import FilterOptions, filter_options

#: The environment variable of the ``data`` setting.
DATA_ENV = next(s.env for s in settings.SETTINGS if s.name == "data")


@dataclass(frozen=True, slots=True)
class Dataset:
    """The rows the app shows. ``reports`` is None when the file already held incidents."""

    path: Path
    incidents: pd.DataFrame
    reports: pd.DataFrame | None
    version: str  # the file and its modification time and size: names this content in caches

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
def _load(path: str, modified: float, size: int) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Cached on the file's path, modification time and size: an edited file is read again.

    A resource cache: every rerun and session gets the same frames, not a copy (unpickling
    100,000 rows took a tenth of a second per rerun), so nothing may change them in place.
    """
    table = read_table(path)
    if is_incident_table(table):
        return table, None
    return incidents_from_reports(table), table


@st.cache_data(max_entries=8, show_spinner=False)
def _options(version: str, view: str, _rows: pd.DataFrame) -> FilterOptions:
    return filter_options(_rows)


def options_for(dataset: Dataset, view: str, rows: pd.DataFrame) -> FilterOptions:
    """The filter choices of one view, computed once per file version."""
    return _options(dataset.version, view, rows)


def load_dataset(path: Path) -> Dataset:
    """The dataset at ``path``; raises SchemaError (with a message for the page) when it cannot be used."""
    try:
        status = path.stat()
    except OSError as err:
        raise SchemaError([f"{path} cannot be opened ({err.strerror or err}); "
                           "build one with 'python -m dashboard build' or pass --data FILE"]) from err
    if not path.is_file():
        raise SchemaError([f"{path} is not a file"])
    incidents, reports = _load(str(path.resolve()), status.st_mtime, status.st_size)
    version = f"{path.resolve()}:{status.st_mtime_ns}:{status.st_size}"
    return Dataset(path=path, incidents=incidents, reports=reports, version=version)
