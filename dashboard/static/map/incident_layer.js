/*
 * The map's incident layer: grid clusters and circle markers for the points in view, popups
 * filled in when their texts arrive, a legend, and (without tiles, or when a tile fails) the
 * countries' outline and the places' names (offline_layer.js).
 *
 * Loaded after the map library (L), the pure modules (tolls, links, payload, grid, labels) and offline_layer,
 * which it finds in globalThis.IncidentMap. dashboard.ui.mapview calls IncidentMap.incidentLayer(map, options)
 * with its options as JSON; the rows arrive later through window.loadIncidents (called for each
 * filtered view), so a filter change updates the map instead of rebuilding it.
 *
 * Article text reaches the page only as data and is put into the DOM as text (textContent,
 * text nodes); links only for http(s) addresses, opened in a new tab without an opener.
 */
(function (name, make) {
    "use strict";
    const space = (globalThis.IncidentMap = globalThis.IncidentMap || {});
    space[name] = make(space);
})("incidentLayer", (space) => {
    "use strict";

    const {grid, payload} = space;

    function el(tag, text, className) {
        const node = document.createElement(tag);
        if (text) {
            node.textContent = text;
        }
        if (className) {
            node.className = className;
        }
        return node;
    }

    function line(box, label, value) {
        if (!value) {
            return;
        }
        const row = el("div");
        row.appendChild(el("b", `${label}: `));
        row.appendChild(document.createTextNode(value));
        box.appendChild(row);
    }

    /** A popup's content (payload.popupContent) as DOM nodes, text only. */
    function fill(box, content) {
        box.appendChild(el("div", content.place, "incident-place"));
        line(box, "as written", content.written);
        line(box, "date", content.date);
        line(box, "type", content.type);
        line(box, "killed", content.killed);
        line(box, "injured", content.injured);
        line(box, "captured", content.captured);
        line(box, "actor", content.actor);
        line(box, "why here", content.why);
        const list = el("ul", "", "incident-sources");
        for (const source of content.sources) {
            const item = el("li");
            if (source.url) {
                const link = el("a", source.name);
                link.href = source.url;
                link.target = "_blank";
                link.rel = "noopener noreferrer";
                item.appendChild(link);
            } else {
                item.appendChild(document.createTextNode(source.name));
            }
            if (source.killed) {
                item.appendChild(document.createTextNode(` (killed ${source.killed})`));
            }
            list.appendChild(item);
        }
        box.appendChild(list);
        box.appendChild(el("blockquote", content.evidence, "incident-evidence"));
    }

    function clusterIcon(count) {
        const size = Math.round(30 + 6 * Math.log10(count));
        const inner = el("div"), outer = el("div");
        inner.appendChild(el("span", String(count)));
        inner.style.cssText = `width:${size - 8}px;height:${size - 8}px;margin:4px;`
            + "border-radius:50%;background:rgba(49,130,189,.85);color:#fff;font:bold 12px sans-serif;"
            + "display:flex;align-items:center;justify-content:center";
        outer.appendChild(inner);
        outer.style.cssText = "border-radius:50%;background:rgba(49,130,189,.35)";
        return L.divIcon({html: outer, className: "marker-cluster", iconSize: [size, size]});
    }

    function legend(map, points) {
        const control = L.control({position: "bottomright"});
        control.onAdd = () => {
            const box = el("div", "", "incident-legend");
            box.style.cssText = "background:#fff;padding:6px 8px;font:12px sans-serif;border-radius:4px;"
                + "box-shadow:0 1px 4px rgba(0,0,0,.3)";
            points.types.forEach((type, k) => {
                const row = el("div"), dot = el("span");
                dot.style.cssText = "display:inline-block;width:10px;height:10px;border-radius:5px;"
                    + `margin-right:5px;border:1px solid #222;background:${points.colours[k]}`;
                row.appendChild(dot);
                row.appendChild(document.createTextNode(type));
                box.appendChild(row);
            });
            return box;
        };
        control.addTo(map);
    }

    /**
     * A gzip JSON payload (dashboard.ui.payloads), unpacked off the main thread. A file still
     * being made (404) is asked for again, ``tries`` more times, every ``retryMs``.
     */
    function fetchPayload(url, tries, retryMs) {
        return fetch(url).then((answer) => {
            if (answer.status === 404 && tries > 0) {
                return new Promise((wait) => {
                    setTimeout(wait, retryMs);
                }).then(() => fetchPayload(url, tries - 1, retryMs));
            }
            if (!answer.ok) {
                throw new Error(`${url}: HTTP ${answer.status}`);
            }
            return new Response(answer.body.pipeThrough(new DecompressionStream("gzip"))).json();
        });
    }

    /**
     * Adds the layer to ``map`` and defines window.loadIncidents(pointsUrl, detailsUrl, bounds, labelsUrl).
     * ``options``: imagePath, unknownColour, offline (no tiles), outlineUrl, topojsonUrl,
     * fitMaxZoom, clusterMaxZoom, cellPx, stackMax, retries, retryMs. Returns the markers' group.
     */
    function incidentLayer(map, options) {
        L.Icon.Default.imagePath = options.imagePath;
        // Both groups join the map now, so streamlit-folium binds its click handler to them; a
        // feature group passes its markers' clicks on, the plain layer group of clusters does not.
        const points = L.featureGroup().addTo(map), clusters = L.layerGroup().addTo(map);
        // d: the points (drawn first), with their x, y; x: the popups' texts, fetched after the
        // first draw (null until then); waiting: popups opened before the texts came
        let d = null, x = null, waiting = [], openPopup = null, openMarker = null;
        const identities = new WeakMap();  // marker -> grid.identity of what it shows
        const offline = space.offlineLayer(map, {outlineUrl: options.outlineUrl, topojsonUrl: options.topojsonUrl,
            fetchJson: (url) => fetchPayload(url, options.retries, options.retryMs)});

        // A popup opened before the texts arrive says so and is filled in when they do.
        function popup(i) {
            const box = el("div", "", "incident-popup");
            if (x) {
                fill(box, payload.popupContent(d, x, i));
                return box;
            }
            box.appendChild(el("div", "Loading the details...", "incident-loading"));
            waiting.push(() => {
                box.textContent = "";
                fill(box, payload.popupContent(d, x, i));
            });
            return box;
        }

        function stackPopup(lat, lng) {
            const box = el("div", "", "incident-stack"), rows = grid.pointsAt(d, lat, lng);
            box.style.cssText = "max-height:320px;overflow:auto";
            rows.slice(0, options.stackMax).forEach((i) => box.appendChild(popup(i)));
            if (rows.length > options.stackMax) {
                box.appendChild(el("div", `${rows.length - options.stackMax} more here: the Details panel lists all of them`,
                    "incident-more"));
            }
            return box;
        }

        // The map library gives the mouse position for large circle markers: report the marker's own
        // point instead, so the app finds the clicked row(s) from it.
        function pinPoint(e) {
            e.latlng = e.target.getLatLng();
        }

        function marker(g) {
            const i = g.first, lat = d.lat[i], lng = d.lng[i], shown = [lat, lng + 360 * g.shift];
            if (g.n > 1) {  // a stack: every row at one spot
                const stack = L.marker(shown, {icon: clusterIcon(g.n)});
                stack.bindPopup(() => stackPopup(lat, lng), {maxWidth: 400});
                return stack;  // in the points group: its click reaches the app like a marker's
            }
            const circle = L.circleMarker(shown, {
                radius: d.r[i], color: "#222", weight: 1, fillOpacity: 0.85,
                fillColor: payload.colourOf(d, i, options.unknownColour), className: "incident-marker"});
            circle.bindPopup(() => popup(i), {maxWidth: 380});
            circle.on("click", pinPoint);
            return circle;
        }

        function cluster(g) {
            const icon = L.marker(grid.centreOf(g), {icon: clusterIcon(g.n)});
            const box = L.latLngBounds(grid.boundsOf(g));
            icon.on("click", () => {
                map.fitBounds(box, {maxZoom: options.clusterMaxZoom + 1, padding: [40, 40]});
            });
            return icon;
        }

        function draw() {
            if (!d) {
                return;
            }
            const b = map.getBounds();
            const view = {zoom: Math.round(map.getZoom()), west: b.getWest(), east: b.getEast(),
                north: b.getNorth(), south: b.getSouth()};
            const groups = grid.groupPoints(d, view, options);
            // The marker whose popup is open stays when it shows the same thing in the new view:
            // removing it would close its popup, and opening a popup near the map's edge pans the
            // map, which redraws.
            const kept = openMarker && openMarker.isPopupOpen() && points.hasLayer(openMarker) ? openMarker : null;
            let keptShown = false;
            points.eachLayer((layer) => {
                if (layer !== kept) {
                    points.removeLayer(layer);
                }
            });
            clusters.clearLayers();
            for (const g of groups) {
                const id = grid.identity(g);
                if (id === null) {
                    clusters.addLayer(cluster(g));
                } else if (kept && id === identities.get(kept)) {
                    keptShown = true;
                } else {
                    const shown = marker(g);
                    identities.set(shown, id);
                    points.addLayer(shown);
                }
            }
            if (kept && !keptShown) {
                points.removeLayer(kept);
            }
        }

        // The small points file is drawn first; the popups' texts (every row of the table, the
        // same file for every filter) are fetched once, after that.
        let wanted = null, legendShown = false, detailsWanted = null;
        window.loadIncidents = (url, detailsUrl, bounds, labelsUrl) => {
            wanted = url;
            offline.setLabels(labelsUrl || null);
            if (bounds) {
                map.fitBounds(bounds, {maxZoom: options.fitMaxZoom, padding: [30, 30]});
            }
            fetchPayload(url, options.retries, options.retryMs).then((data) => {
                if (url !== wanted) {
                    return undefined;  // a newer filter answered first
                }
                map.closePopup();
                d = Object.assign(data, grid.project(data.lat, data.lng));
                if (!legendShown) {
                    legend(map, d);
                    legendShown = true;
                    if (options.offline) {
                        setTimeout(offline.start, 0);  // after the markers' first paint
                    }
                }
                draw();
                window.incidentCount = d.lat.length;
                // when these markers reached the screen (for benchmarks: the frame after the draw)
                requestAnimationFrame(() => {
                    window.incidentDrawnAt = Date.now();
                });
                if (detailsUrl === detailsWanted) {
                    return undefined;
                }
                detailsWanted = detailsUrl;
                x = null;
                waiting = [];
                return fetchPayload(detailsUrl, options.retries, options.retryMs).then((details) => {
                    if (detailsUrl !== detailsWanted) {
                        return;
                    }
                    x = details;
                    waiting.forEach((fillIn) => fillIn());
                    waiting = [];
                    if (openPopup && openPopup.isOpen()) {
                        openPopup.update();  // its size follows the new text
                    }
                    window.incidentDetails = true;
                });
            });
        };
        map.on("moveend", draw);
        map.on("popupopen", (e) => {
            openPopup = e.popup;
        });
        points.on("popupopen", (e) => {
            openMarker = e.propagatedFrom;
        });
        return points;
    }

    return incidentLayer;
});
