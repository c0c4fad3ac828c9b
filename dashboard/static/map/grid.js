/*
 * Grid clustering of the points in view, computed anew for each view in one pass over the points
 * (no index to build first, so 100,000 points draw at once).
 *
 * Points are placed in Web Mercator's unit square: x eastwards from 180 W, y southwards from
 * 85 N, both in [0, 1). At zoom z a cell is cellPx screen pixels wide, so cellPx / (256 * 2^z)
 * of the square. The view, widened by one cell and cut at cell edges, holds every point of every
 * cell drawn, so each count is exact. A cell of one point is its marker; a cell whose points share
 * one spot is a stack (a popup lists them, as zooming cannot split it); above clusterMaxZoom only
 * points at one spot are grouped.
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
})("grid", () => {
    "use strict";

    /** Latitudes beyond this do not show on a Web Mercator map. */
    const MAX_LATITUDE = 85.06;
    /** Cells per row of the key space: more than the cells of the world at any clustering zoom. */
    const ROW = 8388608;

    /** y of a latitude, in [0, 1]. */
    function mercatorY(lat) {
        const s = Math.sin(lat * Math.PI / 180);
        const y = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
        return y < 0 ? 0 : (y > 1 ? 1 : y);
    }

    /** x and y of every point (arrays of latitudes and longitudes). */
    function project(lat, lng) {
        const n = lat.length, x = new Float64Array(n), y = new Float64Array(n);
        for (let i = 0; i < n; i++) {
            x[i] = lng[i] / 360 + 0.5;
            y[i] = mercatorY(lat[i]);
        }
        return {x, y};
    }

    /** [lat, lng] of a point of the unit square. */
    function toLatLng(x, y) {
        return [Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180 / Math.PI, x * 360 - 180];
    }

    /** A cell's side in the unit square at a zoom; 0 above the clustering zoom (no cells). */
    function cellSize(zoom, cellPx, clusterMaxZoom) {
        return zoom > clusterMaxZoom ? 0 : cellPx / (256 * Math.pow(2, zoom));
    }

    /**
     * The part of the unit square to group: the view ({west, east, north, south} in degrees),
     * widened by one cell and cut at cell edges. ``whole``: the view spans the world's width.
     */
    function viewWindow(view, cell) {
        const clamp = (lat) => Math.max(Math.min(lat, MAX_LATITUDE), -MAX_LATITUDE);
        let x0 = (view.west + 180) / 360, x1 = (view.east + 180) / 360;
        let y0 = mercatorY(clamp(view.north)), y1 = mercatorY(clamp(view.south));
        const whole = x1 - x0 >= 1;
        if (cell) {
            x0 = (Math.floor(x0 / cell) - 1) * cell;
            x1 = (Math.floor(x1 / cell) + 2) * cell;
            y0 = (Math.floor(y0 / cell) - 1) * cell;
            y1 = (Math.floor(y1 / cell) + 2) * cell;
        }
        return {x0, x1, y0, y1, whole};
    }

    /**
     * The groups of the points in view: each {first (lowest point index), shift (-1, 0, 1: the
     * copy of the world it is drawn in), n, sumX, sumY, minX, maxX, minY, maxY, oneSpot}.
     * ``points``: {lat, lng, x, y} (x, y from project); ``view``: {zoom, west, east, north,
     * south}; ``options``: {cellPx, clusterMaxZoom}.
     */
    function groupPoints(points, view, options) {
        const {lat, lng, x: px, y: py} = points;
        const cell = cellSize(view.zoom, options.cellPx, options.clusterMaxZoom);
        const {x0, x1, y0, y1, whole} = viewWindow(view, cell);
        const groups = new Map();
        for (let i = 0; i < lat.length; i++) {
            let x = px[i], shift = 0;
            const y = py[i];
            if (y < y0 || y >= y1) {
                continue;
            }
            if (!whole) {
                if (x < x0) {
                    shift = 1;
                } else if (x >= x1) {
                    shift = -1;
                }
                x += shift;
                if (x < x0 || x >= x1) {
                    continue;
                }
            }
            const key = cell ? Math.floor(x / cell) * ROW + Math.floor(y / cell) : `${lat[i]},${lng[i]},${shift}`;
            const g = groups.get(key);
            if (g === undefined) {
                groups.set(key, {first: i, shift, n: 1, sumX: x, sumY: y, oneSpot: true,
                    minX: x, maxX: x, minY: y, maxY: y});
                continue;
            }
            g.n += 1;
            g.sumX += x;
            g.sumY += y;
            if (g.oneSpot && (lat[i] !== lat[g.first] || lng[i] !== lng[g.first])) {
                g.oneSpot = false;
            }
            if (x < g.minX) {
                g.minX = x;
            } else if (x > g.maxX) {
                g.maxX = x;
            }
            if (y < g.minY) {
                g.minY = y;
            } else if (y > g.maxY) {
                g.maxY = y;
            }
        }
        return Array.from(groups.values());
    }

    /** "marker" (one point), "stack" (points at one spot) or "cluster" (points apart). */
    function kindOf(group) {
        if (group.n === 1) {
            return "marker";
        }
        return group.oneSpot ? "stack" : "cluster";
    }

    /**
     * What a marker or stack shows, the same in every view that draws it (its popup's content does
     * not change when the map pans): so a redraw can keep it. null for clusters.
     */
    function identity(group) {
        const kind = kindOf(group);
        if (kind === "marker") {
            return `marker:${group.first}:${group.shift}`;
        }
        return kind === "stack" ? `stack:${group.first}:${group.n}:${group.shift}` : null;
    }

    /** [lat, lng] of a cluster's centre (the mean of its points). */
    function centreOf(group) {
        return toLatLng(group.sumX / group.n, group.sumY / group.n);
    }

    /** [[south, west], [north, east]] of a cluster's points. */
    function boundsOf(group) {
        return [toLatLng(group.minX, group.maxY), toLatLng(group.maxX, group.minY)];
    }

    /** Indices of the points exactly at (lat, lng): the rows of a stack. */
    function pointsAt(points, lat, lng) {
        const found = [];
        for (let i = 0; i < points.lat.length; i++) {
            if (points.lat[i] === lat && points.lng[i] === lng) {
                found.push(i);
            }
        }
        return found;
    }

    return {MAX_LATITUDE, mercatorY, project, toLatLng, cellSize, viewWindow, groupPoints, kindOf, identity,
        centreOf, boundsOf, pointsAt};
});
