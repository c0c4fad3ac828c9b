"""Rows -> a folium map whose markers are built in the browser from one compact JSON payload.

In: a validated table (report or incident rows) and, for incident rows, the reports behind them
(so each source is listed with its own figure). Out: a ``folium.Map`` ready for ``st_folium``.

Why not one ``folium.Marker`` per row: each is a Python object rendered to its own JS snippet
(seconds at 10,000 rows). Here the rows become column arrays (every text interned once) inside a
single :class:`IncidentLayer`; our own JS creates the circle markers, their clusters, popups and
the legend. Article text reaches the page only as JSON data (``<``, ``>``, ``&`` written as
``\\u003c`` etc. so nothing can close the ``<script>``) and is put into the DOM with
``textContent``, never as HTML; links are kept only for http(s) URLs and open in a new tab with
``rel="noopener noreferrer"``. JS and CSS come from the local copies of :mod:`dashboard.ui.assets`.
"""

from __future__ import annotations

import html
import json
import math
from typing import Any

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from dashboard.schema import EVENT_TYPES, C
from dashboard.ui.assets import asset_url
from dashboard.ui.summary import toll_text

#: Marker colour of each event type (legend order = EVENT_TYPES order).
TYPE_COLOURS: dict[str, str] = dict(zip(EVENT_TYPES, (
    "#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#1f77b4", "#e377c2", "#7f7f7f", "#bcbd22",
)))
UNKNOWN_COLOUR = "#7f7f7f"
#: Marker radius in pixels: MIN for no toll, growing with log2(1 + killed), at most MAX.
MIN_RADIUS, MAX_RADIUS = 5.0, 18.0
#: Clicked points are matched back to rows within this many degrees (the payload keeps 5 decimals).
POINT_TOLERANCE = 1e-5
TILES_NONE = "none"
TILES_OSM = "openstreetmap"
WORLD_VIEW = ((20.0, 0.0), 2)
FIT_MAX_ZOOM = 11
MAX_ZOOM = 18


def marker_radius(killed_min: pd.Series, killed_max: pd.Series) -> np.ndarray:
    """Radius per row from its highest known killed figure (the low one when the high is open)."""
    killed = killed_max.fillna(killed_min).fillna(0).astype("float64").to_numpy()
    return np.minimum(MIN_RADIUS + 2.5 * np.log2(1.0 + killed), MAX_RADIUS).round(1)


def safe_url(url: str) -> str:
    """The URL when it is http(s), else "" (a ``javascript:`` address must never become a link)."""
    text = url.strip()
    return text if text.lower().startswith(("http://", "https://")) else ""


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``</script>``, comment or entity can form."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _sources(rows: pd.DataFrame, reports: pd.DataFrame | None) -> list[list[tuple[str, str, str]]]:
    """Per row: (source, url, killed figure) of each report behind it."""
    if reports is not None:
        by_id: dict[str, list[tuple[str, str, str]]] = {}
        texts = [toll_text(lo, hi) for lo, hi in zip(reports[C.killed_min], reports[C.killed_max])]
        for incident, source, url, killed in zip(reports[C.incident_id], reports[C.source],
                                                  reports[C.source_url], texts):
            by_id.setdefault(incident, []).append((source, safe_url(url), killed))
        return [by_id.get(i, []) for i in rows[C.incident_id]]
    killed = [toll_text(lo, hi) for lo, hi in zip(rows[C.killed_min], rows[C.killed_max])]
    out = []
    for source, url, figure in zip(rows[C.source], rows[C.source_url], killed):
        names = [s.strip() for s in source.split(";")] if source else [""]
        urls = [u.strip() for u in url.split(";")] if url else []
        if len(names) == 1:  # one report: its own figure
            out.append([(names[0], safe_url(url), figure)])
        else:  # an incident table read alone: names and links, no per-source figures
            links = urls if len(urls) == len(names) else [""] * len(names)
            out.append([(n, safe_url(u), "") for n, u in zip(names, links)])
    return out


def map_payload(rows: pd.DataFrame, reports: pd.DataFrame | None = None) -> dict[str, Any]:
    """The rows with a point as column arrays; text fields are indices into ``s`` (every string once)."""
    located = rows[rows[C.latitude].notna() & rows[C.longitude].notna()]
    types = list(TYPE_COLOURS)
    type_index = {name: i for i, name in enumerate(types)}
    place = located[C.location].where(located[C.location] != "", located[C.mention])
    written = located[C.mention].where(located[C.mention] != place, "")
    date_text = located[C.date].dt.strftime("%Y-%m-%d").fillna("")
    imprecise = (located[C.date_precision] != "day") & (date_text != "")
    date_text = date_text.where(~imprecise, date_text + " (" + located[C.date_precision] + ")")
    tolls = {kind: [toll_text(lo, hi) for lo, hi in zip(located[f"{kind}_min"], located[f"{kind}_max"])]
             for kind in ("killed", "injured", "captured")}
    sources = _sources(located, reports)
    starts = np.concatenate([[0], np.cumsum([len(s) for s in sources], dtype="int64")]).tolist()
    flat = [item for group in sources for item in group]
    text_columns = {
        "place": place.tolist(), "as": written.tolist(), "date": date_text.tolist(),
        "k": tolls["killed"], "i": tolls["injured"], "c": tolls["captured"],
        "actor": located[C.actor].tolist(), "ev": located[C.evidence].tolist(),
        "sn": [s[0] for s in flat], "su": [s[1] for s in flat], "sf": [s[2] for s in flat],
    }
    every = pd.Series([""] + [v for values in text_columns.values() for v in values], dtype=object)
    codes, strings = pd.factorize(every)
    payload: dict[str, Any] = {"s": strings.tolist(), "types": types, "colours": list(TYPE_COLOURS.values())}
    position = 1
    for name, values in text_columns.items():
        payload[name] = codes[position:position + len(values)].tolist()
        position += len(values)
    payload["lat"] = located[C.latitude].round(5).tolist()
    payload["lng"] = located[C.longitude].round(5).tolist()
    payload["t"] = [type_index.get(t, len(types)) for t in located[C.event_type]]
    payload["r"] = marker_radius(located[C.killed_min], located[C.killed_max]).tolist()
    payload["so"] = starts
    return payload


class IncidentLayer(JSCSSMixin, MacroElement):
    """Clustered circle markers, lazy popups and a legend, all built in the browser from one payload."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (map) {
    var d = {{ this.payload }};
    var S = d.s;
    L.Icon.Default.imagePath = {{ this.image_path }};
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
    function isWeb(url) { return /^https?:\\/\\//i.test(url); }
    function popup(i) {
        var box = el("div", "", "incident-popup");
        box.appendChild(el("div", S[d.place[i]], "incident-place"));
        line(box, "as written", S[d.as[i]]);
        line(box, "date", S[d.date[i]]);
        line(box, "type", d.types[d.t[i]] || "");
        line(box, "killed", S[d.k[i]]);
        line(box, "injured", S[d.i[i]]);
        line(box, "captured", S[d.c[i]]);
        line(box, "actor", S[d.actor[i]]);
        var list = el("ul", "", "incident-sources");
        for (var j = d.so[i]; j < d.so[i + 1]; j++) {
            var item = el("li"), name = S[d.sn[j]] || "source", url = S[d.su[j]];
            if (url && isWeb(url)) {
                var link = el("a", name);
                link.href = url; link.target = "_blank"; link.rel = "noopener noreferrer";
                item.appendChild(link);
            } else { item.appendChild(document.createTextNode(name)); }
            if (S[d.sf[j]]) { item.appendChild(document.createTextNode(" (killed " + S[d.sf[j]] + ")")); }
            list.appendChild(item);
        }
        box.appendChild(list);
        box.appendChild(el("blockquote", S[d.ev[i]], "incident-evidence"));
        return box;
    }
    // Leaflet gives the mouse position for large circle markers: report the marker's own
    // point instead, so the app can find the clicked row(s) from it.
    function pinPoint(e) { e.latlng = e.target.getLatLng(); }
    var group = L.markerClusterGroup({chunkedLoading: true, showCoverageOnHover: false,
                                      spiderfyOnMaxZoom: true});
    var markers = new Array(d.lat.length);
    for (var i = 0; i < d.lat.length; i++) {
        var marker = L.circleMarker([d.lat[i], d.lng[i]], {
            radius: d.r[i], color: "#222", weight: 1, fillOpacity: 0.85,
            fillColor: d.colours[d.t[i]] || {{ this.unknown_colour }}, className: "incident-marker"});
        marker.bindPopup(popup.bind(null, i), {maxWidth: 380});
        marker.on("click", pinPoint);
        markers[i] = marker;
    }
    group.addLayers(markers);
    map.addLayer(group);

    var legend = L.control({position: "bottomright"});
    legend.onAdd = function () {
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
    legend.addTo(map);

    {% if this.outline_url %}
    fetch({{ this.outline_url }}).then(function (r) { return r.json(); }).then(function (topo) {
        var countries = topojson.feature(topo, topo.objects.countries);
        L.geoJSON(countries, {interactive: false, style: {color: "#8a8a8a", weight: 1,
            fillColor: "#f2efe9", fillOpacity: 1}}).addTo(map).bringToBack();
        map.getContainer().style.background = "#cfe3ef";
    });
    {% endif %}
    window.incidentLayer = group;
    return group;
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, payload: dict[str, Any], outline: bool) -> None:
        super().__init__()
        self._name = "IncidentLayer"
        self.payload = script_json(payload)
        self.image_path = json.dumps(asset_url("leaflet", "dist/images/"))
        self.unknown_colour = json.dumps(UNKNOWN_COLOUR)
        self.outline_url = json.dumps(asset_url("world-atlas", "countries-110m.json")) if outline else ""
        self.default_js = [("leaflet.markercluster", asset_url("leaflet.markercluster", "dist/leaflet.markercluster.js"))]
        if outline:
            self.default_js.append(("topojson-client", asset_url("topojson-client", "dist/topojson-client.min.js")))
        self.default_css = [
            ("markercluster_css", asset_url("leaflet.markercluster", "dist/MarkerCluster.css")),
            ("markercluster_default_css", asset_url("leaflet.markercluster", "dist/MarkerCluster.Default.css")),
        ]


def _tile_layer(tiles: str) -> folium.TileLayer | None:
    if tiles.strip().lower() == TILES_NONE:
        return None
    if tiles.strip().lower() == TILES_OSM:
        return folium.TileLayer("OpenStreetMap")
    return folium.TileLayer(tiles=tiles, attr=html.escape("local tiles"), name="tiles")


def build_map(rows: pd.DataFrame, reports: pd.DataFrame | None = None, tiles: str = TILES_OSM) -> folium.Map:
    """A map of the rows that have a point, fitted to them; Leaflet from the local assets only.

    ``reports``: when ``rows`` are incidents made from a report table, the reports (each source's
    own figure is listed in the popup). ``tiles``: ``openstreetmap``, ``none`` (an offline outline
    of the countries instead) or a tile URL template.
    """
    layer = _tile_layer(tiles)
    (lat, lng), zoom = WORLD_VIEW
    fmap = folium.Map(location=[lat, lng], zoom_start=zoom, tiles=None, control_scale=True,
                      world_copy_jump=True)
    fmap.options["max_zoom"] = MAX_ZOOM  # clustering needs it; with no tile layer nothing else sets it
    fmap.default_js = [("leaflet", asset_url("leaflet", "dist/leaflet.js"))]
    fmap.default_css = [("leaflet_css", asset_url("leaflet", "dist/leaflet.css"))]
    if layer is not None:
        layer.add_to(fmap)
    IncidentLayer(map_payload(rows, reports), outline=layer is None).add_to(fmap)
    bounds = point_bounds(rows)
    if bounds is not None:
        fmap.fit_bounds(bounds, max_zoom=FIT_MAX_ZOOM, padding=(30, 30))
    return fmap


def point_bounds(rows: pd.DataFrame) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the rows' points, None when no row has one."""
    lat, lng = rows[C.latitude].dropna(), rows[C.longitude].dropna()
    if lat.empty or lng.empty:
        return None
    return [[float(lat.min()), float(lng.min())], [float(lat.max()), float(lng.max())]]


def rows_at(rows: pd.DataFrame, lat: float, lng: float) -> pd.DataFrame:
    """The rows whose point is the clicked point (several incidents may share a town's point)."""
    if not (math.isfinite(lat) and math.isfinite(lng)):
        return rows.iloc[0:0]
    near = ((rows[C.latitude] - lat).abs() <= POINT_TOLERANCE) & ((rows[C.longitude] - lng).abs() <= POINT_TOLERANCE)
    return rows[near.fillna(False)]
