"""Downloads of exactly the filtered rows: CSV (formula cells neutralised) and GeoJSON.

In: the filtered table. Out: bytes for ``st.download_button``. Pure functions, no Streamlit.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from dashboard.schema import C, to_csv_bytes

CSV_MIME = "text/csv"
GEOJSON_MIME = "application/geo+json"


def csv_bytes(rows: pd.DataFrame) -> bytes:
    """The rows as the same CSV ``dashboard build`` writes (see :func:`dashboard.schema.to_csv_bytes`)."""
    return to_csv_bytes(rows)


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def geojson_bytes(rows: pd.DataFrame) -> bytes:
    """A FeatureCollection: one Feature per row, every column a property; no point -> ``geometry: null``."""
    features = []
    columns = list(rows.columns)
    for record in rows.itertuples(index=False, name=None):
        properties = {name: _json_value(value) for name, value in zip(columns, record)}
        lat, lng = properties[C.latitude], properties[C.longitude]
        geometry = None if lat is None or lng is None else {"type": "Point", "coordinates": [lng, lat]}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, allow_nan=False).encode("utf-8")
