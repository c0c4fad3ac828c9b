/*
 * Which place names to draw in a view: the labels whose zoom has come, in the view, thinned so
 * that no two overlap.
 *
 * The labels (dashboard.preprocess.map_labels) come in priority order (capitals, large cities,
 * the table's own places, then by population). Each is a box of its measured text width, centred
 * above its point, in the world's pixels at the view's zoom. Going down the list, a label is kept
 * when its box overlaps no box kept before it: the most important of two neighbours wins. The
 * kept boxes are found through a grid of cellPx squares of that zoom's world pixels (one list of
 * boxes per cell), so each test looks at a few boxes only. The grid is the world's, not the
 * view's, so a pan at one zoom keeps the choice of the labels well inside the view.
 *
 * Pure functions of arrays and numbers: no DOM, no map library.
 */
(function (name, make) {
    "use strict";
    if (typeof module === "object" && module.exports) {
        module.exports = make();
    } else {
        (globalThis.IncidentMap = globalThis.IncidentMap || {})[name] = make();
    }
})("labels", () => {
    "use strict";

    /** Defaults: box height, gap between point and box, spacing kept between boxes, grid cell (pixels). */
    const DEFAULTS = {height: 14, gap: 4, spacing: 3, cellPx: 64, margin: 0.25};

    /** y of a latitude in Web Mercator's unit square (0 at 85 N, 1 at 85 S). */
    function mercatorY(lat) {
        const s = Math.sin(lat * Math.PI / 180);
        const y = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
        return y < 0 ? 0 : (y > 1 ? 1 : y);
    }

    /**
     * The labels to draw: [{i, shift}] in priority order, ``shift`` the world copy it is drawn on
     * (its longitude + 360 * shift lies in the view).
     *
     * labels: {lat, lng, z} arrays in priority order (z: the lowest zoom it is shown at);
     * widths: each name's width in pixels; view: {zoom, west, east, north, south} (degrees; west
     * and east may pass +-180); options: height, gap, spacing, cellPx, margin (share of the view
     * looked at beyond each edge, so labels entering the view were chosen with their neighbours).
     */
    function placeLabels(labels, widths, view, options) {
        const o = Object.assign({}, DEFAULTS, options || {});
        const zoom = Math.round(view.zoom), size = 256 * Math.pow(2, zoom);
        const x0 = (view.west / 360 + 0.5) * size, x1 = (view.east / 360 + 0.5) * size;
        const y0 = mercatorY(view.north) * size, y1 = mercatorY(view.south) * size;
        const padX = (x1 - x0) * o.margin, padY = (y1 - y0) * o.margin;
        const left = x0 - padX, right = x1 + padX, top = y0 - padY, bottom = y1 + padY;
        const cells = new Map(), kept = [];
        const n = labels.lat.length;
        for (let i = 0; i < n; i++) {
            if (labels.z[i] > zoom) {
                continue;
            }
            const y = mercatorY(labels.lat[i]) * size;
            if (y < top || y > bottom) {
                continue;
            }
            const shift = copyInView((labels.lng[i] / 360 + 0.5) * size, size, left, right);
            if (shift === null) {
                continue;
            }
            const x = (labels.lng[i] / 360 + 0.5 + shift) * size, half = widths[i] / 2;
            const box = [x - half, y - o.gap - o.height, x + half, y - o.gap];
            if (placeBox(cells, box, o)) {
                kept.push({i, shift});
            }
        }
        return kept;
    }

    /** The world copy (-1, 0 or 1) on which x (pixels of the canonical world) lies in [left, right]; else null. */
    function copyInView(x, size, left, right) {
        for (const shift of [0, -1, 1]) {
            const shown = x + shift * size;
            if (shown >= left && shown <= right) {
                return shift;
            }
        }
        return null;
    }

    /** Adds ``box`` to the grid unless it comes closer than ``spacing`` to a box there; true when added. */
    function placeBox(cells, box, o) {
        const s = o.spacing, c = o.cellPx;
        const cx0 = Math.floor((box[0] - s) / c), cx1 = Math.floor((box[2] + s) / c);
        const cy0 = Math.floor((box[1] - s) / c), cy1 = Math.floor((box[3] + s) / c);
        const keys = [];
        for (let cx = cx0; cx <= cx1; cx++) {
            for (let cy = cy0; cy <= cy1; cy++) {
                const key = `${cx},${cy}`, boxes = cells.get(key);
                if (boxes) {
                    for (const other of boxes) {
                        if (box[0] < other[2] + s && other[0] < box[2] + s && box[1] < other[3] + s && other[1] < box[3] + s) {
                            return false;
                        }
                    }
                }
                keys.push(key);
            }
        }
        for (const key of keys) {
            const boxes = cells.get(key);
            if (boxes) {
                boxes.push(box);
            } else {
                cells.set(key, [box]);
            }
        }
        return true;
    }

    return {placeLabels, mercatorY, DEFAULTS};
});
