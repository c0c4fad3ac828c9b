/*
 * The map without tiles: the countries' outline and the names of places, by zoom.
 *
 * Started when the map has no tiles (``offline`` in the options, once the first markers are
 * drawn) or, with tiles, by itself at the first tile that fails to load. The outline (world-atlas
 * TopoJSON, turned into GeoJSON by topojson-client) lies under the tiles, so tiles that do load
 * still show; the names (the labels file the build writes beside the table, published by the app)
 * lie above them and above the markers (a name next to a large circle stays readable), letting
 * every click through to the markers. Which names a view draws is labels.placeLabels's choice;
 * each is a divIcon of the map library whose node's text is set with textContent.
 *
 * Loaded after the map library (L) and labels.js, which it finds in globalThis.IncidentMap.
 */
(function (name, make) {
    "use strict";
    const space = (globalThis.IncidentMap = globalThis.IncidentMap || {});
    space[name] = make(space);
})("offlineLayer", (space) => {
    "use strict";

    /** Font and colour of each label class (capital, large city, city, town, village). */
    const STYLES = [
        {font: "bold 13px sans-serif", colour: "#111"},
        {font: "bold 12px sans-serif", colour: "#222"},
        {font: "12px sans-serif", colour: "#222"},
        {font: "11px sans-serif", colour: "#333"},
        {font: "italic 11px sans-serif", colour: "#444"},
    ];
    const HEIGHT = 14, GAP = 4, WATER = "#cfe3ef";

    function measure(names, classes) {
        const context = document.createElement("canvas").getContext("2d");
        return names.map((text, i) => {
            context.font = (STYLES[classes[i]] || STYLES[3]).font;
            return Math.ceil(context.measureText(text).width) + 2;
        });
    }

    function labelIcon(text, style, width) {
        const words = document.createElement("div");
        words.className = "place-label-text";
        words.textContent = text;
        words.style.cssText = `font:${style.font};color:${style.colour};line-height:${HEIGHT}px;white-space:nowrap;`
            + `width:${width}px;text-align:center;pointer-events:none;text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff`;
        return L.divIcon({html: words, className: "place-label", iconSize: [width, HEIGHT], iconAnchor: [width / 2, HEIGHT + GAP]});
    }

    /** A place's name above its point (over the markers) and a dot at the point (under them). */
    function label(latLng, text, style, width) {
        return L.layerGroup([
            L.circleMarker(latLng, {pane: "placeDots", radius: 2, stroke: false, fillColor: "#555", fillOpacity: 1,
                interactive: false}),
            L.marker(latLng, {pane: "placeLabels", interactive: false, keyboard: false, icon: labelIcon(text, style, width)}),
        ]);
    }

    /**
     * Adds the (idle) offline layers to ``map``. options: outlineUrl, topojsonUrl, offline (no
     * tiles), fetchJson(url) -> Promise of a labels payload. Returns {start, setLabels}: start()
     * draws the outline and the names (once); setLabels(url) names the labels file (null: none).
     */
    function offlineLayer(map, options) {
        const outlinePane = map.createPane("offlineOutline"), labelPane = map.createPane("placeLabels");
        const dotPane = map.createPane("placeDots");
        outlinePane.style.zIndex = 150;  // under the tiles (200)
        dotPane.style.zIndex = 390;  // over the tiles, under the incidents' circles (400)
        labelPane.style.zIndex = 610;  // over the markers (600), under tooltips and popups: a name stays readable
        for (const pane of [outlinePane, dotPane, labelPane]) {
            pane.style.pointerEvents = "none";
        }
        const group = L.layerGroup().addTo(map), shown = new Map();
        let on = false, url = null, data = null, widths = null;

        function drawOutline() {
            if (!options.outlineUrl) {
                return;
            }
            const script = document.createElement("script");
            script.src = options.topojsonUrl;
            script.onload = () => {
                fetch(options.outlineUrl).then((answer) => answer.json()).then((topo) => {
                    const countries = globalThis.topojson.feature(topo, topo.objects.countries);
                    L.geoJSON(countries, {pane: "offlineOutline", interactive: false, style: {color: "#8a8a8a",
                        weight: 1, fillColor: "#f2efe9", fillOpacity: 1}}).addTo(map);
                    window.outlineDrawn = true;
                });
            };
            document.head.appendChild(script);
        }

        function draw() {
            if (!on || !data) {
                return;
            }
            const b = map.getBounds();
            const kept = space.labels.placeLabels(data, widths, {zoom: map.getZoom(), west: b.getWest(),
                east: b.getEast(), north: b.getNorth(), south: b.getSouth()}, {height: HEIGHT, gap: GAP});
            const wanted = new Map();
            for (const {i, shift} of kept) {
                const key = `${i}:${shift}`;
                let marker = shown.get(key);
                if (!marker) {
                    marker = label([data.lat[i], data.lng[i] + 360 * shift], data.name[i], STYLES[data.c[i]] || STYLES[3],
                        widths[i]);
                    group.addLayer(marker);
                }
                wanted.set(key, marker);
            }
            for (const [key, marker] of shown) {
                if (!wanted.has(key)) {
                    group.removeLayer(marker);
                }
            }
            shown.clear();
            wanted.forEach((marker, key) => shown.set(key, marker));
            window.placeLabelsShown = shown.size;
        }

        function clear() {
            group.clearLayers();
            shown.clear();
            data = widths = null;
        }

        function loadLabels() {
            const asked = url;
            if (!on || !asked) {
                return;
            }
            options.fetchJson(asked).then((labels) => {
                if (asked !== url) {
                    return;  // another table's labels were asked for since
                }
                clear();
                data = labels;
                widths = measure(labels.name, labels.c);
                draw();
            }).catch((err) => {
                console.warn(`the map's place names could not be loaded: ${err}`);
            });
        }

        function start() {
            if (on) {
                return;
            }
            on = true;
            map.getContainer().style.background = WATER;
            window.mapOffline = true;
            drawOutline();
            loadLabels();
        }

        function setLabels(newUrl) {
            if (newUrl === url) {
                return;
            }
            url = newUrl;
            clear();
            loadLabels();
        }

        // with tiles: go offline by itself when the first tile fails to load
        const watch = (layer) => {
            if (layer instanceof L.TileLayer) {
                layer.once("tileerror", start);
            }
        };
        map.eachLayer(watch);
        map.on("layeradd", (e) => watch(e.layer));
        map.on("zoomend moveend", draw);
        return {start, setLabels};
    }

    return offlineLayer;
});
