// Grid clustering of the points in view: exact counts, stacks, the world's copies, stable identities.
import assert from "node:assert/strict";
import {createRequire} from "node:module";
import {test} from "node:test";

const require = createRequire(import.meta.url);
const grid = require("../../dashboard/static/map/grid.js");

const OPTIONS = {cellPx: 60, clusterMaxZoom: 16};
const WORLD = {west: -180, east: 180, north: 85, south: -85};

/** Points from a seeded generator (the same every run), projected. */
function randomPoints(n, seed = 7) {
    let state = seed;
    const next = () => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return state / 2147483648;
    };
    const lat = [], lng = [];
    for (let i = 0; i < n; i++) {
        lat.push(Math.round((next() * 140 - 70) * 1e5) / 1e5);
        lng.push(Math.round((next() * 360 - 180) * 1e5) / 1e5);
    }
    return withXY(lat, lng);
}

function withXY(lat, lng) {
    return {lat, lng, ...grid.project(lat, lng)};
}

const total = (groups) => groups.reduce((sum, g) => sum + g.n, 0);

test("projection: the equator is the middle, and a point comes back where it was", () => {
    assert.equal(grid.mercatorY(0), 0.5);
    assert.equal(grid.mercatorY(90), 0);
    assert.equal(grid.mercatorY(-90), 1);
    const {x, y} = grid.project([48.85, -33.9], [2.35, 151.2]);
    const [lat, lng] = grid.toLatLng(x[1], y[1]);
    assert.ok(Math.abs(lat - -33.9) < 1e-9 && Math.abs(lng - 151.2) < 1e-9);
    assert.ok(x[0] > 0.5 && y[0] < 0.5);
});

test("a cell is cellPx screen pixels at each zoom, none above the clustering zoom", () => {
    assert.equal(grid.cellSize(0, 64, 16), 0.25);
    assert.equal(grid.cellSize(3, 64, 16), 64 / 2048);
    assert.equal(grid.cellSize(16, 60, 16) > 0, true);
    assert.equal(grid.cellSize(17, 60, 16), 0);
});

test("the whole world in view: every point is counted once, at every zoom", () => {
    const points = randomPoints(5000);
    for (const zoom of [0, 1, 2, 3]) {
        const groups = grid.groupPoints(points, {zoom, ...WORLD}, OPTIONS);
        assert.equal(total(groups), 5000, `zoom ${zoom}`);
        assert.ok(groups.length < 5000 && groups.length > 1, `zoom ${zoom}: ${groups.length} groups`);
    }
});

test("each cell drawn counts every point of the cell, also those just outside the view", () => {
    const points = randomPoints(20000);
    const zoom = 5, cell = grid.cellSize(zoom, OPTIONS.cellPx, OPTIONS.clusterMaxZoom);
    const view = {zoom, west: 10, east: 40, north: 30, south: 5};
    const cellOf = (x, y) => `${Math.floor(x / cell)},${Math.floor(y / cell)}`;
    const perCell = new Map();
    points.x.forEach((x, i) => {
        const key = cellOf(x, points.y[i]);
        perCell.set(key, (perCell.get(key) || 0) + 1);
    });
    const groups = grid.groupPoints(points, view, OPTIONS);
    assert.ok(groups.length > 10);
    for (const g of groups) {
        assert.equal(g.shift, 0);
        assert.equal(g.n, perCell.get(cellOf(points.x[g.first], points.y[g.first])));
    }
    // and every point inside the view is in some group
    const inView = points.lat.filter((lat, i) => lat <= 30 && lat >= 5 && points.lng[i] >= 10 && points.lng[i] <= 40);
    assert.ok(total(groups) >= inView.length && inView.length > 0);
});

test("points far outside the view are not drawn", () => {
    const points = withXY([10, 10.001, -40], [20, 20.001, -100]);
    const groups = grid.groupPoints(points, {zoom: 8, west: 19, east: 21, north: 11, south: 9}, OPTIONS);
    assert.equal(total(groups), 2);
});

test("above the clustering zoom, points at one spot stay one stack and the others stand alone", () => {
    const points = withXY([10, 10, 10.0001, 10], [20, 20, 20, 20]);
    const groups = grid.groupPoints(points, {zoom: 18, west: 19.99, east: 20.01, north: 10.01, south: 9.99}, OPTIONS);
    const kinds = groups.map((g) => [grid.kindOf(g), g.n]).sort();
    assert.deepEqual(kinds, [["marker", 1], ["stack", 3]]);
    assert.deepEqual(grid.pointsAt(points, 10, 20), [0, 1, 3]);
});

test("a cell of points apart is a cluster; its centre and bounds hold its points", () => {
    const points = withXY([10, 10.2], [20, 20.2]);
    const [g] = grid.groupPoints(points, {zoom: 2, ...WORLD}, OPTIONS);
    assert.equal(grid.kindOf(g), "cluster");
    assert.equal(grid.identity(g), null);
    const [lat, lng] = grid.centreOf(g);
    assert.ok(lat > 10 && lat < 10.2 && lng > 20 && lng < 20.2);
    const [[south, west], [north, east]] = grid.boundsOf(g);
    assert.ok(Math.abs(south - 10) < 1e-9 && Math.abs(north - 10.2) < 1e-9);
    assert.ok(Math.abs(west - 20) < 1e-9 && Math.abs(east - 20.2) < 1e-9);
});

test("across the antimeridian, a point is drawn in the copy of the world in view", () => {
    const points = withXY([0, 0], [-175, 100]);
    const groups = grid.groupPoints(points, {zoom: 5, west: 170, east: 190, north: 5, south: -5}, OPTIONS);
    assert.equal(groups.length, 1);
    assert.equal(groups[0].first, 0);
    assert.equal(groups[0].shift, 1);  // drawn at lng -175 + 360 = 185
});

test("a marker keeps its identity when the map pans, so a redraw can keep its open popup", () => {
    const points = randomPoints(3000);
    const zoom = 6;
    const identities = (view) => new Set(grid.groupPoints(points, {zoom, ...view}, OPTIONS)
        .map(grid.identity).filter((id) => id !== null));
    const before = identities({west: 0, east: 20, north: 20, south: 5});
    const after = identities({west: 3, east: 23, north: 18, south: 3});  // a pan of a few degrees
    const kept = [...before].filter((id) => after.has(id));
    assert.ok(kept.length > 0);
    assert.ok(kept.every((id) => id.startsWith("marker:") || id.startsWith("stack:")));
    // a single point keeps its identity at another zoom too, while it is alone
    const lone = withXY([10], [20]);
    const ids = [3, 9, 17].map((z) => grid.identity(grid.groupPoints(lone, {zoom: z, ...WORLD}, OPTIONS)[0]));
    assert.deepEqual(ids, ["marker:0:0", "marker:0:0", "marker:0:0"]);
});
