"""Rows -> a folium map whose markers the browser builds from two compact JSON payloads.

In: a validated table (report or incident rows) and, for incident rows, the reports behind them
(so each source is listed with its own figure). Out: :func:`map_points_json` (bytes: what is
drawn and clustered for one filtered view, as column arrays, with each point's row in the table)
and :func:`map_details_json` (bytes: the popups' texts of every row of the table, in row order,
the same for every filter); :func:`base_map` (a ``folium.Map`` whose script depends on the tiles
only) and :func:`incident_rows` (the part naming one filtered view: its two payload URLs and
bounds), which the app hands to ``st_folium`` separately so a filter change updates the map
instead of rebuilding it; :func:`build_map` puts both in one map.

Why not one ``folium.Marker`` per row: each is a Python object rendered to its own JS snippet
(seconds at 10,000 rows). Here the rows become column arrays, each text column stored as its
distinct values plus one code per row; our own JS (``dashboard/static/map/``, placed on the map by
:class:`IncidentLayer`, which hands it its options as JSON) fetches them, clusters
the points in view on a grid of screen squares (one pass over the points per view: nothing to
build first, exact counts) and creates the markers, their popups and the legend. It draws the
points first (a sixth of the bytes) and fetches the popups' texts once, after that, so the first
paint does not wait for every evidence sentence and a filter change sends only new points. The
payloads are separate same-origin files rather than part of the map's script, so neither folium
nor streamlit-folium pushes megabytes through their template and regex passes on every rerun.

Article text reaches the page only as JSON data and is put into the DOM with ``textContent``,
never as HTML; links are kept only for http(s) URLs (checked here and again in the browser) and
open in a new tab with ``rel="noopener noreferrer"``. JS and CSS come from the local copies of
:mod:`dashboard.ui.assets`; ESLint forbids HTML sinks (``innerHTML`` and the like) in the map's JS.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import struct
from pathlib import Path
from typing import Any, Callable, Sequence

import folium
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from dashboard.schema import EVENT_TYPES, SOURCES_COLUMN, C
from dashboard.ui.assets import MAP_CODE_DIR, MAP_CODE_FILES, asset_url, map_code_bundle
from dashboard.ui.columns import TableColumns

#: Marker colour of each event type (legend order = EVENT_TYPES order).
TYPE_COLOURS: dict[str, str] = dict(zip(EVENT_TYPES, (
    "#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#1f77b4", "#e377c2", "#7f7f7f", "#bcbd22",
)))
UNKNOWN_COLOUR = "#7f7f7f"
#: Marker radius in pixels: MIN for no toll, growing with log2(1 + killed), at most MAX.
MIN_RADIUS, MAX_RADIUS = 5.0, 18.0
#: Clicked points are matched back to rows within this many degrees (the payload keeps 5 decimals).
POINT_TOLERANCE = 1e-5
COORDINATE_DECIMALS = 5
TILES_NONE = "none"
TILES_OSM = "openstreetmap"
WORLD_VIEW = ((20.0, 0.0), 2)
#: The closest zoom the map opens at: rows at one town are shown in their province, the towns around named.
FIT_MAX_ZOOM = 9
MAX_ZOOM = 18
#: Above this zoom every point is drawn on its own, except points at one spot, which stay one stack.
CLUSTER_MAX_ZOOM = 16
#: Side of a clustering cell in screen pixels: the points of one cell in view are one cluster.
CELL_PX = 60
#: Rows listed in the popup of a stack (points at one spot); the Details panel lists every one.
STACK_MAX = 100
#: Names the code that writes and reads the payloads (this module and the map's JS): a file named
#: after a table's version must change with it.
def _code_version() -> str:
    code = hashlib.blake2b(digest_size=8)
    for path in (Path(__file__), *(MAP_CODE_DIR / file for file in MAP_CODE_FILES)):
        data = path.read_bytes()
        code.update(f"{path.name}:{len(data)}:".encode())
        code.update(data)
    return code.hexdigest()


MAP_CODE_VERSION = _code_version()
#: How long the map keeps asking for a payload file that is still being made, and how often.
WAIT_SECONDS, RETRY_SECONDS = 120, 0.3


def marker_radius(killed_min: pd.Series, killed_max: pd.Series) -> np.ndarray:
    """Radius per row from its highest known killed figure (the low one when the high is open)."""
    killed = killed_max.astype("Float64").fillna(killed_min.astype("Float64")).fillna(0).to_numpy("float64")
    return np.minimum(MIN_RADIUS + 2.5 * np.log2(1.0 + killed), MAX_RADIUS).round(1)


_WEB_URL = re.compile(r"\s*https?://", re.IGNORECASE)


def safe_url(url: str) -> str:
    """The URL when it is http(s), else "" (a ``javascript:`` address must never become a link)."""
    return url.strip() if _WEB_URL.match(url) else ""


def _safe_urls(urls: Sequence[str] | np.ndarray) -> pd.Series:
    """:func:`safe_url` of many, in Arrow's compute kernels (a Python call per URL takes long at 100,000)."""
    trimmed = pc.utf8_trim_whitespace(pa.array(urls, type=pa.string()))
    web = pc.match_substring_regex(trimmed, "^https?://", ignore_case=True)
    return pd.Series(pc.if_else(web, trimmed, "").to_numpy(zero_copy_only=False), dtype=object)


def _sources(rows: pd.DataFrame, reports: pd.DataFrame | None) -> tuple[np.ndarray | None, pd.DataFrame]:
    """Where each row's sources start in one flat list (None: one each, in row order), and that list.

    With ``reports``: each report of the row's incident, with its own figure. Without: the row
    itself, except incident-table rows naming several sources ("A; B"), whose per-source figures
    are not in the table: those list the names and links only.
    """
    columns = [C.source, C.source_url, C.killed_min, C.killed_max]
    if reports is not None:
        position = pd.Index(rows[C.incident_id]).get_indexer(reports[C.incident_id])
        behind = reports.assign(_row=position)
        behind = behind[behind["_row"] >= 0].sort_values("_row", kind="stable")
        counts = np.bincount(behind["_row"].to_numpy(), minlength=len(rows))
        flat = behind[columns]
    else:
        # only an incident table's rows join several sources (its `sources` column says how many)
        several = rows[SOURCES_COLUMN.name] > 1 if SOURCES_COLUMN.name in rows.columns else None
        if several is None or not several.any():
            return None, rows[columns]
        joined = several.to_numpy(dtype=bool)
        pieces: list[tuple[Any, ...]] = []
        counts = np.ones(len(rows), dtype="int64")
        for k, (is_joined, row) in enumerate(zip(joined, rows[columns].itertuples(index=False, name=None))):
            if not is_joined:
                pieces.append(row)
                continue
            names = [n.strip() for n in row[0].split(";")]
            urls = [u.strip() for u in row[1].split(";")] if row[1] else []
            urls = urls if len(urls) == len(names) else [""] * len(names)
            pieces.extend((n, u, pd.NA, pd.NA) for n, u in zip(names, urls))
            counts[k] = len(names)
        flat = pd.DataFrame(pieces, columns=columns).astype({C.killed_min: "Int64", C.killed_max: "Int64"})
    starts = np.concatenate([[0], np.cumsum(counts)])
    return starts, flat.reset_index(drop=True)


def _json_values(values: Any, decimals: int = 10) -> str:
    """A JSON array of numbers, texts or nulls, written by pandas' C encoder (fast at 100,000 rows)."""
    return pd.Series(values).to_json(orient="values", double_precision=decimals)


def _coded(values: pd.Series, clean: Callable[[np.ndarray], pd.Series] | None = None) -> str:
    """A text column as {"v": distinct texts, "c": one index into v per row}: repeated texts sent once.

    When no text repeats, "c" is left out and "v" holds one text per row.

    The schema's text columns hold ``str`` only ('' when empty). ``clean`` maps the distinct texts.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    texts = pd.Series(uniques, dtype=object) if clean is None else clean(uniques)
    head = '{"v":' + _json_values(texts)
    if len(texts) == len(codes):  # every text distinct: factorize numbered them in row order
        return head + "}"
    return head + ',"c":' + _json_values(codes) + "}"


def _has_point(rows: pd.DataFrame) -> np.ndarray:
    return (rows[C.latitude].notna() & rows[C.longitude].notna()).to_numpy(dtype=bool)


def _located(rows: pd.DataFrame) -> pd.DataFrame:
    has_point = _has_point(rows)
    return rows if has_point.all() else rows[has_point]  # no copy when every row has a point


def map_points_json(rows: pd.DataFrame, positions: np.ndarray | None = None) -> bytes:
    """What the map draws and clusters first, for the rows that have a point (read by ``static/map/payload.js``).

    A binary file (:data:`POINTS_LAYOUT`): a million points are 10 MB that the browser uses as they
    are, where JSON was 24 MB to parse and seconds to write. Per point: ``lat``, ``lng`` (in units of
    1e-5 degree, the precision the map keeps); ``t`` (index into ``types``/``colours``); ``r``
    (radius in tenths of a pixel); ``k``: each point's row in :func:`map_details_json` of the whole
    table, left out when the n-th point is its n-th row. ``positions`` are the rows' places in that
    table (:func:`row_positions`; default: the rows are the table). Only the few columns needed are
    sliced, so a large table is not copied. (The name is the format's former one.)
    """
    has_point = _has_point(rows)
    rows_of_points = (np.arange(len(rows)) if positions is None else np.asarray(positions))[has_point]
    type_codes = pd.Categorical(rows[C.event_type].to_numpy()[has_point], categories=list(TYPE_COLOURS)).codes
    return _points_payload(rows[C.latitude].to_numpy("float64")[has_point], rows[C.longitude].to_numpy("float64")[has_point],
                           type_codes, marker_radius(rows[C.killed_min][has_point], rows[C.killed_max][has_point]),
                           rows_of_points)


def map_points_json_of(columns: TableColumns, mask: np.ndarray) -> bytes:
    """:func:`map_points_json` of the rows ``mask`` keeps, from the table's columns (nothing of the table copied)."""
    keep = np.flatnonzero(mask & columns.has_point())
    legend = pd.Categorical(columns.event_type.values, categories=list(TYPE_COLOURS)).codes  # per distinct type
    low, high = columns.killed_min[keep], columns.killed_max[keep]
    killed = np.nan_to_num(np.where(np.isnan(high), low, high), nan=0.0)  # as marker_radius: the high, else the low
    radius = np.minimum(MIN_RADIUS + 2.5 * np.log2(1.0 + killed), MAX_RADIUS).round(1)
    return _points_payload(columns.latitude[keep], columns.longitude[keep], legend[columns.event_type.codes[keep]],
                           radius, keep)


#: The points file, all numbers little-endian: a uint32, the length of the header that follows
#: (JSON: ``types``, ``colours``, ``count`` of points, ``k``: whether the rows' positions follow,
#: ``scale``: units per degree, ``rScale``: units per pixel of radius; blanks at its end so the
#: arrays start at a multiple of 4), then int32 ``lat`` and ``lng``, uint32 ``k`` (when present),
#: uint8 ``t`` and uint8 ``r``, one per point each.
POINTS_LAYOUT = ("lat:<i4", "lng:<i4", "k:<u4", "t:u1", "r:u1")
POINTS_SCALE, RADIUS_SCALE = 10 ** COORDINATE_DECIMALS, 10


def _points_payload(lat: np.ndarray, lng: np.ndarray, type_codes: np.ndarray, radius: np.ndarray,
                    rows_of_points: np.ndarray) -> bytes:
    """The points file; ``type_codes``: index into TYPE_COLOURS, -1 for a type it lacks."""
    types = list(TYPE_COLOURS)
    with_k = not np.array_equal(rows_of_points, np.arange(len(rows_of_points)))
    header = json.dumps({"types": types, "colours": list(TYPE_COLOURS.values()), "count": len(lat), "k": with_k,
                         "scale": POINTS_SCALE, "rScale": RADIUS_SCALE}).encode("utf-8")
    header += b" " * (-len(header) % 4)
    arrays = {
        "lat": np.round(lat * POINTS_SCALE), "lng": np.round(lng * POINTS_SCALE),
        "k": rows_of_points if with_k else None,
        "t": np.where(type_codes < 0, len(types), type_codes), "r": np.round(np.asarray(radius) * RADIUS_SCALE),
    }
    parts = [struct.pack("<I", len(header)), header]
    for entry in POINTS_LAYOUT:
        name, dtype = entry.split(":")
        if arrays[name] is not None:
            parts.append(np.ascontiguousarray(arrays[name]).astype(dtype).tobytes())
    return b"".join(parts)


def row_positions(table: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Where each of ``rows`` (a filtered view of ``table``, same index labels) is in ``table``."""
    positions = table.index.get_indexer(rows.index)
    if (positions < 0).any():
        raise ValueError("the rows are not a view of the table (an index label is not in it)")
    return positions


def map_details_json(rows: pd.DataFrame, reports: pd.DataFrame | None = None, why: pd.Series | None = None) -> bytes:
    """The popups' texts and figures of every row, in row order: made once per table, for every filter.

    Keys: coded texts ``place``, ``as`` (the words as written when they differ), ``date``, ``dp``
    (date precision), ``actor``, ``ev`` (evidence), ``sn``/``su`` (source names and http(s) links);
    tolls as numbers ``kl``/``kh`` (killed low/high; null = none), ``il``/``ih``, ``cl``/``ch``;
    ``sl``/``sh`` each source's own killed figure; ``so`` where each row's sources start (null:
    one per row); ``wy``, when ``why`` is given (one text per row): the one-line brief of why the row is there.
    """
    place = rows[C.location].where(rows[C.location] != "", rows[C.mention])
    written = rows[C.mention].where(rows[C.mention] != place, "")
    date_codes, days = pd.factorize(rows[C.date])
    day_texts = np.append(days.strftime("%Y-%m-%d").to_numpy(dtype=object), "")  # code -1 (no date) -> ""
    starts, sources = _sources(rows, reports)
    parts = {
        "place": _coded(place), "as": _coded(written),
        "date": _coded(pd.Series(day_texts[date_codes], dtype=object)),
        "dp": _coded(rows[C.date_precision]), "actor": _coded(rows[C.actor]),
        "ev": _coded(rows[C.evidence]),
        "sn": _coded(sources[C.source]), "su": _coded(sources[C.source_url], _safe_urls),
        "kl": _json_values(rows[C.killed_min]), "kh": _json_values(rows[C.killed_max]),
        "il": _json_values(rows[C.injured_min]), "ih": _json_values(rows[C.injured_max]),
        "cl": _json_values(rows[C.captured_min]), "ch": _json_values(rows[C.captured_max]),
        "sl": _json_values(sources[C.killed_min]), "sh": _json_values(sources[C.killed_max]),
        "so": "null" if starts is None else _json_values(starts),
    }
    if why is not None:
        parts["wy"] = _coded(why.reset_index(drop=True))
    return _json_object(parts)


def _json_object(parts: dict[str, str]) -> bytes:
    return ("{" + ",".join(f'"{key}":{value}' for key, value in parts.items()) + "}").encode("utf-8")


class IncidentLayer(JSCSSMixin, MacroElement):
    """Grid clusters and circle markers for the points in view, lazy popups, a legend; rows come later.

    The code is ``dashboard/static/map/*.js`` (loaded as one script, see
    :func:`dashboard.ui.assets.map_code_bundle`); this element only hands it its options as JSON.
    Its script is the same for every filter state, so streamlit-folium keeps the map when filters change.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = IncidentMap.incidentLayer({{ this._parent.get_name() }}, {{ this.options|tojson }});
{% endmacro %}
""")

    def __init__(self, offline: bool) -> None:
        super().__init__()
        self._name = "IncidentLayer"
        self.options = {
            "imagePath": asset_url("leaflet", "dist/images/"),
            "unknownColour": UNKNOWN_COLOUR,
            "offline": offline,  # no tiles: the outline and the place names from the first markers on
            "outlineUrl": asset_url("world-atlas", "countries-110m.json"),
            "topojsonUrl": asset_url("topojson-client", "dist/topojson-client.min.js"),
            "fitMaxZoom": FIT_MAX_ZOOM,
            "clusterMaxZoom": CLUSTER_MAX_ZOOM,
            "cellPx": CELL_PX,
            "stackMax": STACK_MAX,
            "retries": int(WAIT_SECONDS / RETRY_SECONDS),
            "retryMs": int(RETRY_SECONDS * 1000),
        }
        # one file (the frame loads scripts one after another), named by the code's version: a
        # browser never runs a cached older copy with newer payloads
        self.default_js = [("incident_map", map_code_bundle(MAP_CODE_VERSION))]
        self.default_css: list[tuple[str, str]] = []


def _tile_layer(tiles: str) -> folium.TileLayer | None:
    choice = tiles.strip()
    if choice.lower() == TILES_NONE:
        return None
    if choice.lower() == TILES_OSM:
        return folium.TileLayer("OpenStreetMap")
    return folium.TileLayer(tiles=choice, attr="local tiles", name="tiles")


class IncidentRows(MacroElement):
    """Hands one filtered view (its points, details and labels URLs and bounds) to the map's ``loadIncidents``."""

    _template = Template("""
{% macro script(this, kwargs) %}
window.loadIncidents({{ this.points_url }}, {{ this.details_url }}, {{ this.bounds }}, {{ this.labels_url }});
{% endmacro %}
""")

    def __init__(self, points_url: str, details_url: str | dict, bounds: list[list[float]] | None,
                 labels_url: str | None = None) -> None:
        super().__init__()
        self._name = "IncidentRows"
        self.points_url = json.dumps(points_url)
        self.details_url = json.dumps(details_url)
        self.bounds = json.dumps(bounds)
        self.labels_url = json.dumps(labels_url)


def base_map(tiles: str = TILES_OSM) -> folium.Map:
    """The map without rows: tiles (or the country outline) and the incident layer, from local assets.

    ``tiles``: ``openstreetmap``, ``none`` (the countries' outline and the places' names instead) or
    a tile URL template; with tiles, the map switches to the outline and names by itself when a
    tile fails to load. The same ``tiles`` give the same script, whatever rows are shown later.
    """
    layer = _tile_layer(tiles)
    (lat, lng), zoom = WORLD_VIEW
    fmap = folium.Map(location=[lat, lng], zoom_start=zoom, tiles=None, control_scale=True,
                      world_copy_jump=True)
    fmap.options["max_zoom"] = MAX_ZOOM
    fmap.default_js = [("leaflet", asset_url("leaflet", "dist/leaflet.js"))]
    fmap.default_css = [("leaflet_css", asset_url("leaflet", "dist/leaflet.css"))]
    if layer is not None:
        layer.add_to(fmap)
    IncidentLayer(offline=layer is None).add_to(fmap)
    return fmap


def incident_rows(rows: pd.DataFrame, points_url: str, details_url: str | dict,
                  labels_url: str | None = None) -> folium.FeatureGroup:
    """The rows' part of the map: their points, details and place labels URLs and the bounds to fit
    (for ``feature_group_to_add``). ``labels_url``: the table's labels file
    (:func:`dashboard.ui.payloads.publish_labels`), drawn when the map has no tiles; None: none."""
    group = folium.FeatureGroup(name="incidents", control=False)
    IncidentRows(points_url, details_url, point_bounds(rows), labels_url).add_to(group)
    return group


def build_map(rows: pd.DataFrame, points_url: str, details_url: str, tiles: str = TILES_OSM,
              labels_url: str | None = None) -> folium.Map:
    """A whole map of the rows (fitted to them): markers from ``points_url`` (:func:`map_points_json`),
    popups from ``details_url`` (:func:`map_details_json`), place names from ``labels_url``."""
    fmap = base_map(tiles)
    incident_rows(rows, points_url, details_url, labels_url).add_to(fmap)
    return fmap


def point_bounds(rows: pd.DataFrame) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the rows' points, None when no row has one."""
    located = _located(rows)
    if located.empty:
        return None
    lat, lng = located[C.latitude], located[C.longitude]
    return [[float(lat.min()), float(lng.min())], [float(lat.max()), float(lng.max())]]


def rows_at(rows: pd.DataFrame, lat: float, lng: float) -> pd.DataFrame:
    """The rows whose point is the clicked point (several incidents may share a town's point)."""
    if not (math.isfinite(lat) and math.isfinite(lng)):
        return rows.iloc[0:0]
    near = ((rows[C.latitude] - lat).abs() <= POINT_TOLERANCE) & ((rows[C.longitude] - lng).abs() <= POINT_TOLERANCE)
    return rows[near.fillna(False)]
