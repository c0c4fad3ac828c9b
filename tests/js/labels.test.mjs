// Place names by zoom: the zoom each label comes at, overlaps thinned most important first, the view.
import assert from "node:assert/strict";
import {createRequire} from "node:module";
import {test} from "node:test";

const require = createRequire(import.meta.url);
const {placeLabels} = require("../../dashboard/static/map/labels.js");

/** A view of about one screen around a point (degrees), at a zoom. */
function viewAt(lat, lng, zoom, halfWidth = 6, halfHeight = 3) {
    return {zoom, west: lng - halfWidth, east: lng + halfWidth, north: lat + halfHeight, south: lat - halfHeight};
}

function names(list, kept) {
    return kept.map(({i}) => list.name[i]);
}

/** Labels as the build writes them, in priority order; every name 60 pixels wide. */
function labelsOf(rows) {
    const list = {name: [], lat: [], lng: [], z: []};
    for (const [name, lat, lng, z] of rows) {
        list.name.push(name);
        list.lat.push(lat);
        list.lng.push(lng);
        list.z.push(z);
    }
    return {list, widths: list.name.map(() => 60)};
}

test("zoomed out only the labels whose zoom has come are drawn", () => {
    const {list, widths} = labelsOf([
        ["Capital", 30, 40, 2], ["Big city", 33, 36, 3], ["City", 31, 44, 5], ["Town", 29, 38, 7], ["Village", 30.5, 41, 10],
    ]);
    assert.deepEqual(names(list, placeLabels(list, widths, viewAt(30, 40, 2, 60, 30))), ["Capital"]);
    assert.deepEqual(names(list, placeLabels(list, widths, viewAt(30, 40, 5, 12, 6))), ["Capital", "Big city", "City"]);
    assert.deepEqual(names(list, placeLabels(list, widths, viewAt(30, 40, 7, 6, 4))), ["Capital", "Big city", "City", "Town"]);
    assert.deepEqual(names(list, placeLabels(list, widths, viewAt(30, 40, 10, 6, 4))),
        ["Capital", "Big city", "City", "Town", "Village"]);
});

test("of two labels that would overlap the first (more important) one is kept", () => {
    // 0.1 degree apart: 9 pixels at zoom 7, less than a name's width
    const {list, widths} = labelsOf([["Large", 35.0, 44.0, 5], ["Small", 35.0, 44.1, 7], ["Far", 35.0, 46.0, 7]]);
    assert.deepEqual(names(list, placeLabels(list, widths, viewAt(35, 44, 7))), ["Large", "Far"]);
    const reversed = labelsOf([["Small", 35.0, 44.1, 7], ["Large", 35.0, 44.0, 5], ["Far", 35.0, 46.0, 7]]);
    assert.deepEqual(names(reversed.list, placeLabels(reversed.list, reversed.widths, viewAt(35, 44, 7))), ["Small", "Far"]);
});

test("zooming in separates labels that overlapped", () => {
    const {list, widths} = labelsOf([["Large", 35.0, 44.0, 5], ["Small", 35.0, 44.1, 7]]);
    // 145 pixels apart at zoom 11
    assert.deepEqual(names(list, placeLabels(list, widths, viewAt(35, 44, 11, 0.5, 0.25))), ["Large", "Small"]);
});

test("labels one above the other overlap only when their boxes meet", () => {
    const {list, widths} = labelsOf([["North", 35.2, 44.0, 5], ["South", 35.0, 44.0, 5]]);
    // 0.2 degree of latitude is 22 pixels at zoom 7: two 14-pixel boxes fit, 3 pixels apart
    assert.deepEqual(names(list, placeLabels(list, widths, viewAt(35, 44, 7))), ["North", "South"]);
    // at zoom 5 they are 6 pixels apart and meet
    assert.deepEqual(names(list, placeLabels(list, widths, viewAt(35, 44, 5))), ["North"]);
});

test("a name's width decides whether it reaches its neighbour", () => {
    const {list} = labelsOf([["A", 35.0, 44.0, 7], ["B", 35.0, 45.0, 7]]);  // 91 pixels apart
    assert.deepEqual(names(list, placeLabels(list, [60, 60], viewAt(35, 44, 7))), ["A", "B"]);
    assert.deepEqual(names(list, placeLabels(list, [200, 60], viewAt(35, 44, 7))), ["A"]);
});

test("labels far outside the view are not drawn, and a dropped far label takes no room", () => {
    const {list, widths} = labelsOf([["Elsewhere", 10, 10, 2], ["Here", 35, 44, 7]]);
    assert.deepEqual(names(list, placeLabels(list, widths, viewAt(35, 44, 7))), ["Here"]);
});

test("a view across the date line draws each label on the world copy in view", () => {
    const {list, widths} = labelsOf([["East", -17.7, 178.4, 7], ["West", -14.3, -170.7, 7]]);
    const kept = placeLabels(list, widths, {zoom: 7, west: 170, east: 195, north: -10, south: -20});
    assert.deepEqual(kept, [{i: 0, shift: 0}, {i: 1, shift: 1}]);
});

test("a pan at one zoom keeps the labels inside both views", () => {
    const rows = [];
    for (let k = 0; k < 400; k++) {  // a seeded lattice of towns around one point
        rows.push([`T${k}`, 34 + ((k * 37) % 200) / 100, 43 + ((k * 53) % 300) / 100, 7]);
    }
    const {list, widths} = labelsOf(rows);
    const inside = (kept) => new Set(names(list, kept).filter((name) => {
        const i = list.name.indexOf(name);
        return list.lat[i] > 34.6 && list.lat[i] < 35.4 && list.lng[i] > 44 && list.lng[i] < 45;
    }));
    const a = inside(placeLabels(list, widths, viewAt(35, 44.5, 7)));
    const b = inside(placeLabels(list, widths, viewAt(35.3, 44.8, 7)));
    assert.ok(a.size > 3);
    assert.deepEqual([...a].sort(), [...b].sort());
});
