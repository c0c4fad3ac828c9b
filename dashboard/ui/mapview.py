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
distinct values plus one code per row; our own JS (:class:`IncidentLayer`) fetches them, clusters
the points in view on a grid of screen squares (one pass over the points per view: nothing to
build first, exact counts) and creates the markers, their popups and the legend. It draws the
points first (a sixth of the bytes) and fetches the popups' texts once, after that, so the first
paint does not wait for every evidence sentence and a filter change sends only new points. The
payloads are separate same-origin files rather than part of the map's script, so neither folium
nor streamlit-folium pushes megabytes through their template and regex passes on every rerun.

Article text reaches the page only as JSON data and is put into the DOM with ``textContent``,
never as HTML; links are kept only for http(s) URLs (checked here and again in the browser) and
open in a new tab with ``rel="noopener noreferrer"``. JS and CSS come from the local copies of
:mod:`dashboard.ui.assets`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
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
from dashboard.ui.assets import asset_url

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
FIT_MAX_ZOOM = 11
MAX_ZOOM = 18
#: Above this zoom every point is drawn on its own, except points at one spot, which stay one stack.
CLUSTER_MAX_ZOOM = 16
#: Side of a clustering cell in screen pixels: the points of one cell in view are one cluster.
CELL_PX = 60
#: Rows listed in the popup of a stack (points at one spot); the Details panel lists every one.
STACK_MAX = 100
#: Names the code that writes the payloads: a file named after a table's version must change with it.
MAP_CODE_VERSION = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()
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
    """What the map draws and clusters first, for the rows that have a point (see :func:`read_payload`).

    Keys: ``lat``, ``lng``; ``t`` (index into ``types``/``colours``); ``r`` (radius in pixels);
    ``k``: each point's row in :func:`map_details_json` of the whole table, left out when the n-th
    point is its n-th row. ``positions`` are the rows' places in that table (:func:`row_positions`;
    default: the rows are the table). Only the few columns needed are sliced, so a large table is not copied.
    """
    has_point = _has_point(rows)
    types = list(TYPE_COLOURS)
    type_codes = pd.Categorical(rows[C.event_type].to_numpy()[has_point], categories=types).codes
    parts = {
        "types": json.dumps(types), "colours": json.dumps(list(TYPE_COLOURS.values())),
        "lat": _json_values(rows[C.latitude].to_numpy("float64")[has_point].round(COORDINATE_DECIMALS),
                            COORDINATE_DECIMALS),
        "lng": _json_values(rows[C.longitude].to_numpy("float64")[has_point].round(COORDINATE_DECIMALS),
                            COORDINATE_DECIMALS),
        "t": _json_values(np.where(type_codes < 0, len(types), type_codes)),
        "r": _json_values(marker_radius(rows[C.killed_min][has_point], rows[C.killed_max][has_point]), 1),
    }
    rows_of_points = (np.arange(len(rows)) if positions is None else np.asarray(positions))[has_point]
    if not np.array_equal(rows_of_points, np.arange(len(rows_of_points))):
        parts["k"] = _json_values(rows_of_points)
    return _json_object(parts)


def row_positions(table: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Where each of ``rows`` (a filtered view of ``table``, same index labels) is in ``table``."""
    positions = table.index.get_indexer(rows.index)
    if (positions < 0).any():
        raise ValueError("the rows are not a view of the table (an index label is not in it)")
    return positions


def map_details_json(rows: pd.DataFrame, reports: pd.DataFrame | None = None) -> bytes:
    """The popups' texts and figures of every row, in row order: made once per table, for every filter.

    Keys: coded texts ``place``, ``as`` (the words as written when they differ), ``date``, ``dp``
    (date precision), ``actor``, ``ev`` (evidence), ``sn``/``su`` (source names and http(s) links);
    tolls as numbers ``kl``/``kh`` (killed low/high; null = none), ``il``/``ih``, ``cl``/``ch``;
    ``sl``/``sh`` each source's own killed figure; ``so`` where each row's sources start (null:
    one per row).
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
    return _json_object(parts)


def _json_object(parts: dict[str, str]) -> bytes:
    return ("{" + ",".join(f'"{key}":{value}' for key, value in parts.items()) + "}").encode("utf-8")


#: Details keys holding one entry per source (``so`` says which are a row's), not one per row.
_SOURCE_KEYS = ("sn", "su", "sl", "sh")


def read_payload(points: bytes, details: bytes | None = None) -> dict[str, Any]:
    """Points and details as one dict whose n-th entries are the n-th point's (for tests and tools).

    Coded text columns are decoded to one text per entry; the details are picked by ``k``, and
    the source lists rebuilt in point order (``so`` stays null when each row has one source).
    """
    payload = json.loads(points)
    rows = payload.pop("k", None)
    if details is not None:
        extra = json.loads(details)
        if rows is None:
            rows = list(range(len(payload["lat"])))
        starts = extra.pop("so")
        sources = [list(range(starts[r], starts[r + 1])) if starts is not None else [r] for r in rows]
        picked = [j for of_row in sources for j in of_row]
        for key, value in extra.items():
            value = _decoded(value)
            payload[key] = [value[j] for j in (picked if key in _SOURCE_KEYS else rows)]
        payload["so"] = None if starts is None else [0, *np.cumsum([len(s) for s in sources]).tolist()]
    for key, value in payload.items():
        payload[key] = _decoded(value)
    return payload


def _decoded(value: Any) -> Any:
    if isinstance(value, dict) and "v" in value:
        return [value["v"][code] for code in value["c"]] if "c" in value else value["v"]
    return value


class IncidentLayer(JSCSSMixin, MacroElement):
    """Grid clusters and circle markers for the points in view, lazy popups, a legend; rows come later.

    Its script is the same for every filter state, so streamlit-folium keeps the map when filters change.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (map) {
    L.Icon.Default.imagePath = {{ this.image_path }};
    // Both groups join the map now, so streamlit-folium binds its click handler to them; a
    // feature group passes its markers' clicks on, the plain layer group of clusters does not.
    var points = L.featureGroup().addTo(map), clusters = L.layerGroup().addTo(map);
    // d: the points (drawn first); x: the popups' texts, fetched after the first draw (null until then)
    var d = null, x = null, waiting = [], openPopup = null;
    function el(tag, text, className) {
        var node = document.createElement(tag);
        if (text) { node.textContent = text; }
        if (className) { node.className = className; }
        return node;
    }
    function line(box, label, value) {
        if (!value) { return; }
        var row = el("div");
        row.appendChild(el("b", label + ": "));
        row.appendChild(document.createTextNode(value));
        box.appendChild(row);
    }
    // the same text as dashboard.ui.summary.toll_text: "10", "13-19", "40+", "up to 5"
    function range(low, high) {
        if (low === null && high === null) { return ""; }
        if (high === null) { return low + "+"; }
        if (low === null) { return "up to " + high; }
        return low === high ? String(low) : low + "-" + high;
    }
    function isWeb(url) { return /^https?:\\/\\//i.test(url); }
    function text(column, i) { return column.c ? column.v[column.c[i]] : column.v[i]; }
    function legend() {
        var control = L.control({position: "bottomright"});
        control.onAdd = function () {
            var box = el("div", "", "incident-legend");
            box.style.cssText = "background:#fff;padding:6px 8px;font:12px sans-serif;border-radius:4px;"
                + "box-shadow:0 1px 4px rgba(0,0,0,.3)";
            d.types.forEach(function (name, k) {
                var row = el("div"), dot = el("span");
                dot.style.cssText = "display:inline-block;width:10px;height:10px;border-radius:5px;"
                    + "margin-right:5px;border:1px solid #222;background:" + d.colours[k];
                row.appendChild(dot);
                row.appendChild(document.createTextNode(name));
                box.appendChild(row);
            });
            return box;
        };
        control.addTo(map);
    }
    // A popup opened before the texts arrive says so and is filled in when they do.
    function popup(i) {
        var box = el("div", "", "incident-popup");
        if (x) { fill(box, i); return box; }
        box.appendChild(el("div", "Loading the details...", "incident-loading"));
        waiting.push(function () { box.textContent = ""; fill(box, i); });
        return box;
    }
    function fill(box, i) {
        var row = d.k ? d.k[i] : i;  // the point's row in the details, which hold every row of the table
        var precision = text(x.dp, row), day = text(x.date, row);
        box.appendChild(el("div", text(x.place, row), "incident-place"));
        line(box, "as written", text(x.as, row));
        line(box, "date", day && precision !== "day" ? day + " (" + precision + ")" : day);
        line(box, "type", d.types[d.t[i]] || "");
        line(box, "killed", range(x.kl[row], x.kh[row]));
        line(box, "injured", range(x.il[row], x.ih[row]));
        line(box, "captured", range(x.cl[row], x.ch[row]));
        line(box, "actor", text(x.actor, row));
        var list = el("ul", "", "incident-sources");
        var first = x.so ? x.so[row] : row, last = x.so ? x.so[row + 1] : row + 1;
        for (var j = first; j < last; j++) {
            var item = el("li"), name = text(x.sn, j) || "source", url = text(x.su, j);
            if (url && isWeb(url)) {
                var link = el("a", name);
                link.href = url; link.target = "_blank"; link.rel = "noopener noreferrer";
                item.appendChild(link);
            } else { item.appendChild(document.createTextNode(name)); }
            var figure = range(x.sl[j], x.sh[j]);
            if (figure) { item.appendChild(document.createTextNode(" (killed " + figure + ")")); }
            list.appendChild(item);
        }
        box.appendChild(list);
        box.appendChild(el("blockquote", text(x.ev, row), "incident-evidence"));
    }
    // Leaflet gives the mouse position for large circle markers: report the marker's own
    // point instead, so the app finds the clicked row(s) from it.
    function pinPoint(e) { e.latlng = e.target.getLatLng(); }
    function clusterIcon(count) {
        var size = Math.round(30 + 6 * Math.log10(count));
        var inner = el("div"), label = el("span", String(count));
        inner.appendChild(label);
        inner.style.cssText = "width:" + (size - 8) + "px;height:" + (size - 8) + "px;margin:4px;"
            + "border-radius:50%;background:rgba(49,130,189,.85);color:#fff;font:bold 12px sans-serif;"
            + "display:flex;align-items:center;justify-content:center";
        var outer = el("div");
        outer.appendChild(inner);
        outer.style.cssText = "border-radius:50%;background:rgba(49,130,189,.35)";
        return L.divIcon({html: outer, className: "marker-cluster", iconSize: [size, size]});
    }
    // Web Mercator: the world is [0, 1) x [0, 1), x eastwards from 180 W, y southwards from 85 N.
    var px = null, py = null;
    function project() {
        var n = d.lat.length;
        px = new Float64Array(n); py = new Float64Array(n);
        for (var i = 0; i < n; i++) {
            var s = Math.sin(d.lat[i] * Math.PI / 180);
            var y = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
            px[i] = d.lng[i] / 360 + 0.5;
            py[i] = y < 0 ? 0 : (y > 1 ? 1 : y);
        }
    }
    function toLatLng(x, y) {
        return [Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180 / Math.PI, x * 360 - 180];
    }
    // The points of one spot (a stack): every row at exactly this point, for its popup.
    function rowsAt(lat, lng) {
        var found = [];
        for (var i = 0; i < d.lat.length; i++) {
            if (d.lat[i] === lat && d.lng[i] === lng) { found.push(i); }
        }
        return found;
    }
    function stackPopup(lat, lng) {
        var box = el("div", "", "incident-stack"), rows = rowsAt(lat, lng);
        box.style.cssText = "max-height:320px;overflow:auto";
        rows.slice(0, {{ this.stack_max }}).forEach(function (i) { box.appendChild(popup(i)); });
        if (rows.length > {{ this.stack_max }}) {
            box.appendChild(el("div", (rows.length - {{ this.stack_max }}) + " more here: the Details panel lists all of them",
                               "incident-more"));
        }
        return box;
    }
    // Grid clustering of the points in view, computed anew for each view in one pass over the
    // points (no index to build, so 100,000 points draw at once). The view, widened by one cell and
    // cut at cell edges, holds every point of every cell drawn, so each count is exact. A cell of one
    // point is its marker; a cell whose points share one spot is a stack (a popup lists them, as
    // zooming cannot split it); above the clustering zoom only points at one spot are grouped.
    function draw() {
        if (!d) { return; }
        var zoom = Math.round(map.getZoom()), b = map.getBounds();
        var cell = zoom > {{ this.cluster_max_zoom }} ? 0 : {{ this.cell_px }} / (256 * Math.pow(2, zoom));
        var x0 = (b.getWest() + 180) / 360, x1 = (b.getEast() + 180) / 360, whole = x1 - x0 >= 1;
        var s = Math.sin(Math.max(Math.min(b.getNorth(), 85.06), -85.06) * Math.PI / 180);
        var y0 = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
        s = Math.sin(Math.max(Math.min(b.getSouth(), 85.06), -85.06) * Math.PI / 180);
        var y1 = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
        if (cell) {
            x0 = (Math.floor(x0 / cell) - 1) * cell; x1 = (Math.floor(x1 / cell) + 2) * cell;
            y0 = (Math.floor(y0 / cell) - 1) * cell; y1 = (Math.floor(y1 / cell) + 2) * cell;
        }
        var groups = new Map(), n = d.lat.length;
        for (var i = 0; i < n; i++) {
            var x = px[i], y = py[i], shift = 0;
            if (y < y0 || y >= y1) { continue; }
            if (!whole) {
                if (x < x0) { shift = 1; } else if (x >= x1) { shift = -1; }  // the copy of the world in view
                x += shift;
                if (x < x0 || x >= x1) { continue; }
            }
            var key = cell ? Math.floor(x / cell) * 8388608 + Math.floor(y / cell) : d.lat[i] + "," + d.lng[i] + "," + shift;
            var g = groups.get(key);
            if (g === undefined) {
                groups.set(key, {first: i, shift: shift, n: 1, sumX: x, sumY: y, oneSpot: true,
                                 minX: x, maxX: x, minY: y, maxY: y});
                continue;
            }
            g.n += 1; g.sumX += x; g.sumY += y;
            if (g.oneSpot && (d.lat[i] !== d.lat[g.first] || d.lng[i] !== d.lng[g.first])) { g.oneSpot = false; }
            if (x < g.minX) { g.minX = x; } else if (x > g.maxX) { g.maxX = x; }
            if (y < g.minY) { g.minY = y; } else if (y > g.maxY) { g.maxY = y; }
        }
        points.clearLayers();
        clusters.clearLayers();
        groups.forEach(function (g) {
            var i = g.first, lat = d.lat[i], lng = d.lng[i] + 360 * g.shift;
            if (g.n > 1 && g.oneSpot) {
                var stack = L.marker([lat, lng], {icon: clusterIcon(g.n)});
                stack.bindPopup(stackPopup.bind(null, d.lat[i], d.lng[i]), {maxWidth: 400});
                points.addLayer(stack);  // its click reaches the app like a marker's
                return;
            }
            if (g.n > 1) {
                var icon = L.marker(toLatLng(g.sumX / g.n, g.sumY / g.n), {icon: clusterIcon(g.n)});
                var box = L.latLngBounds([toLatLng(g.minX, g.maxY), toLatLng(g.maxX, g.minY)]);
                icon.on("click", function () {
                    map.fitBounds(box, {maxZoom: {{ this.cluster_max_zoom }} + 1, padding: [40, 40]});
                });
                clusters.addLayer(icon);
                return;
            }
            var marker = L.circleMarker([lat, lng], {
                radius: d.r[i], color: "#222", weight: 1, fillOpacity: 0.85,
                fillColor: d.colours[d.t[i]] || {{ this.unknown_colour }}, className: "incident-marker"});
            marker.bindPopup(popup.bind(null, i), {maxWidth: 380});
            marker.on("click", pinPoint);
            points.addLayer(marker);
        });
    }
    // The rows arrive through loadIncidents (called by IncidentRows): a filter change calls it
    // again in the same map, so the map is not rebuilt and keeps its place. The small points file
    // is drawn first; the popups' texts (every row of the table, the same file for every filter)
    // are fetched once, after that.
    var wanted = null, legendShown = false, detailsWanted = null;
    // payloads are gzip files (dashboard.ui.payloads): unpacked here, off the main thread. A file
    // still being made (404) is asked for again, for a while.
    function json(url, tries) {
        tries = tries === undefined ? {{ this.retries }} : tries;
        return fetch(url).then(function (r) {
            if (r.status === 404 && tries > 0) {
                return new Promise(function (wait) { setTimeout(wait, {{ this.retry_ms }}); })
                    .then(function () { return json(url, tries - 1); });
            }
            if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
            return new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).json();
        });
    }
    window.loadIncidents = function (url, detailsUrl, bounds) {
        wanted = url;
        if (bounds) { map.fitBounds(bounds, {maxZoom: {{ this.fit_max_zoom }}, padding: [30, 30]}); }
        json(url).then(function (data) {
            if (url !== wanted) { return; }  // a newer filter answered first
            d = data;
            project();
            if (!legendShown) { legend(); legendShown = true; setTimeout(drawOutline, 0); }
            map.closePopup();
            draw();
            window.incidentCount = d.lat.length;
            // when these markers reached the screen (for benchmarks: the frame after the draw)
            requestAnimationFrame(function () { window.incidentDrawnAt = Date.now(); });
            if (detailsUrl === detailsWanted) { return; }
            detailsWanted = detailsUrl; x = null; waiting = [];
            return json(detailsUrl).then(function (details) {
                if (detailsUrl !== detailsWanted) { return; }
                x = details;
                waiting.forEach(function (fillIn) { fillIn(); });
                waiting = [];
                if (openPopup && openPopup.isOpen()) { openPopup.update(); }  // its size follows the new text
                window.incidentDetails = true;
            });
        });
    };
    map.on("moveend", draw);
    map.on("popupopen", function (e) { openPopup = e.popup; });
    // The country outline (no tiles) is loaded once the first markers are drawn, not before them.
    function drawOutline() {
        {% if this.outline_url %}
        var script = document.createElement("script");
        script.src = {{ this.topojson_url }};
        script.onload = function () {
            fetch({{ this.outline_url }}).then(function (r) { return r.json(); }).then(function (topo) {
                var countries = topojson.feature(topo, topo.objects.countries);
                L.geoJSON(countries, {interactive: false, style: {color: "#8a8a8a", weight: 1,
                    fillColor: "#f2efe9", fillOpacity: 1}}).addTo(map).bringToBack();
                map.getContainer().style.background = "#cfe3ef";
            });
        };
        document.head.appendChild(script);
        {% endif %}
    }
    return points;
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, outline: bool) -> None:
        super().__init__()
        self._name = "IncidentLayer"
        self.fit_max_zoom = FIT_MAX_ZOOM
        self.image_path = json.dumps(asset_url("leaflet", "dist/images/"))
        self.unknown_colour = json.dumps(UNKNOWN_COLOUR)
        self.outline_url = json.dumps(asset_url("world-atlas", "countries-110m.json")) if outline else ""
        self.cluster_max_zoom = CLUSTER_MAX_ZOOM
        self.cell_px = CELL_PX
        self.stack_max = STACK_MAX
        self.retry_ms = int(RETRY_SECONDS * 1000)
        self.retries = int(WAIT_SECONDS / RETRY_SECONDS)
        self.topojson_url = json.dumps(asset_url("topojson-client", "dist/topojson-client.min.js"))
        self.default_js: list[tuple[str, str]] = []
        self.default_css: list[tuple[str, str]] = []


def _tile_layer(tiles: str) -> folium.TileLayer | None:
    choice = tiles.strip()
    if choice.lower() == TILES_NONE:
        return None
    if choice.lower() == TILES_OSM:
        return folium.TileLayer("OpenStreetMap")
    return folium.TileLayer(tiles=choice, attr="local tiles", name="tiles")


class IncidentRows(MacroElement):
    """Hands one filtered view (its points and details URLs and bounds) to the map's ``loadIncidents``."""

    _template = Template("""
{% macro script(this, kwargs) %}
window.loadIncidents({{ this.points_url }}, {{ this.details_url }}, {{ this.bounds }});
{% endmacro %}
""")

    def __init__(self, points_url: str, details_url: str, bounds: list[list[float]] | None) -> None:
        super().__init__()
        self._name = "IncidentRows"
        self.points_url = json.dumps(points_url)
        self.details_url = json.dumps(details_url)
        self.bounds = json.dumps(bounds)


def base_map(tiles: str = TILES_OSM) -> folium.Map:
    """The map without rows: tiles (or the country outline) and the incident layer, from local assets.

    ``tiles``: ``openstreetmap``, ``none`` (an offline outline of the countries instead) or a tile
    URL template. The same ``tiles`` give the same script, whatever rows are shown later.
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
    IncidentLayer(outline=layer is None).add_to(fmap)
    return fmap


def incident_rows(rows: pd.DataFrame, points_url: str, details_url: str) -> folium.FeatureGroup:
    """The rows' part of the map: their points and details URLs and the bounds to fit (for ``feature_group_to_add``)."""
    group = folium.FeatureGroup(name="incidents", control=False)
    IncidentRows(points_url, details_url, point_bounds(rows)).add_to(group)
    return group


def build_map(rows: pd.DataFrame, points_url: str, details_url: str, tiles: str = TILES_OSM) -> folium.Map:
    """A whole map of the rows (fitted to them): markers from ``points_url`` (:func:`map_points_json`),
    popups from ``details_url`` (:func:`map_details_json`)."""
    fmap = base_map(tiles)
    incident_rows(rows, points_url, details_url).add_to(fmap)
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
