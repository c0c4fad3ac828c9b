// The popup's one-line "why here" (the wy column of dashboard.ui.mapview's details payload).
import assert from "node:assert/strict";
import {createRequire} from "node:module";
import {test} from "node:test";

const require = createRequire(import.meta.url);
const payload = require("../../dashboard/static/map/payload.js");

function details(extra) {
    return {
        place: {v: ["Harbor City", "Hilltop"]}, as: {v: ["", ""]}, date: {v: ["", ""]}, dp: {v: ["", ""]},
        actor: {v: ["", ""]}, ev: {v: ["a", "b"]}, sn: {v: ["S", "T"]}, su: {v: ["", ""]},
        kl: [null, null], kh: [null, null], il: [null, null], ih: [null, null], cl: [null, null], ch: [null, null],
        sl: [null, null], sh: [null, null], so: null, ...extra,
    };
}
const points = {types: ["armed attack"], t: [0, 0]};

test("each row's brief is its own text, kept as data", () => {
    const wy = {v: ["Harbor City, city (over 2 others): near Hilltop", "<img src=x onerror=alert(1)>"]};
    assert.equal(payload.popupContent(points, details({wy}), 0).why, "Harbor City, city (over 2 others): near Hilltop");
    assert.equal(payload.popupContent(points, details({wy}), 1).why, "<img src=x onerror=alert(1)>");
});

test("a coded brief column decodes through its codes", () => {
    const wy = {v: ["", "same"], c: [1, 1]};
    assert.equal(payload.popupContent(points, details({wy}), 0).why, "same");
});

test("a table without a why file has no brief", () => {
    assert.equal(payload.popupContent(points, details({}), 1).why, "");
});
