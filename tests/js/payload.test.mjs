// Decoding the map's payloads into popup contents (the format of dashboard.ui.mapview).
import assert from "node:assert/strict";
import {createRequire} from "node:module";
import {test} from "node:test";

const require = createRequire(import.meta.url);
const payload = require("../../dashboard/static/map/payload.js");

const TYPES = ["armed attack", "shelling"];

/** Details of a three-row table: row 0 has two sources, rows 1 and 2 one each. */
function details() {
    return {
        place: {v: ["Harbor City", "Hilltop"], c: [0, 1, 0]},
        as: {v: ["", "the hill"], c: [0, 1, 0]},
        date: {v: ["2024-03-01", "2024-03", ""], c: [0, 1, 2]},
        dp: {v: ["day", "month"], c: [0, 1, 0]},
        actor: {v: ["militants", "", "army"]},
        ev: {v: ["<script>x()</script> gunmen killed ten", "shells hit the hill", "{{ 7 * 7 }}"]},
        sn: {v: ["Daily", "Evening", "", "Wire"]},
        su: {v: ["https://daily.example/a", "javascript:alert(1)", "", "HTTP://wire.example/c"]},
        kl: [10, null, 3], kh: [19, 5, null],
        il: [null, null, 2], ih: [null, null, 2],
        cl: [null, null, null], ch: [null, null, null],
        sl: [10, 13, null, 3], sh: [10, 19, 5, null],
        so: [0, 2, 3, 4],
    };
}

test("a coded column gives one text per entry, with or without codes", () => {
    const coded = {v: ["a", "b"], c: [1, 0, 1, 1]};
    assert.deepEqual(payload.decoded(coded), ["b", "a", "b", "b"]);
    assert.deepEqual(payload.decoded({v: ["x", "y"]}), ["x", "y"]);
    assert.equal(payload.text(coded, 2), "b");
    assert.equal(payload.text({v: ["x", "y"]}, 1), "y");
    assert.deepEqual(payload.decoded({v: [], c: []}), []);
});

test("a point finds its row through k, or is its row without it", () => {
    assert.equal(payload.rowOf({k: [2, 0]}, 0), 2);
    assert.equal(payload.rowOf({k: [2, 0]}, 1), 0);
    assert.equal(payload.rowOf({}, 1), 1);
});

test("a row's sources are so[row]..so[row + 1], or the row alone when so is null", () => {
    assert.deepEqual(payload.sourceSpan(details(), 0), [0, 2]);
    assert.deepEqual(payload.sourceSpan(details(), 2), [3, 4]);
    assert.deepEqual(payload.sourceSpan({so: null}, 4), [4, 5]);
});

test("a popup lists each source with its own figure and only http(s) links", () => {
    const points = {types: TYPES, t: [0], k: [0]};
    const content = payload.popupContent(points, details(), 0);
    assert.equal(content.place, "Harbor City");
    assert.equal(content.written, "");
    assert.equal(content.date, "2024-03-01");
    assert.equal(content.type, "armed attack");
    assert.equal(content.killed, "10-19");
    assert.equal(content.injured, "");
    assert.equal(content.actor, "militants");
    assert.deepEqual(content.sources, [
        {name: "Daily", url: "https://daily.example/a", killed: "10"},
        {name: "Evening", url: "", killed: "13-19"},
    ]);
    assert.equal(content.evidence, "<script>x()</script> gunmen killed ten");  // text, as it was written
});

test("a filtered view's points pick their rows of the whole table", () => {
    const points = {types: TYPES, t: [1, 0], k: [2, 1]};
    const [first, second] = [0, 1].map((i) => payload.popupContent(points, details(), i));
    assert.equal(first.place, "Harbor City");
    assert.equal(first.type, "shelling");
    assert.equal(first.killed, "3+");
    assert.equal(first.injured, "2");
    assert.equal(first.date, "");
    assert.equal(first.evidence, "{{ 7 * 7 }}");
    assert.deepEqual(first.sources, [{name: "Wire", url: "HTTP://wire.example/c", killed: "3+"}]);
    assert.equal(second.place, "Hilltop");
    assert.equal(second.written, "the hill");
    assert.equal(second.date, "2024-03 (month)");
    assert.equal(second.killed, "up to 5");
    assert.deepEqual(second.sources, [{name: "source", url: "", killed: "up to 5"}]);  // no name: "source"
});

test("one source per row when so is null", () => {
    const rows = {...details(), sn: {v: ["A", "B", "C"]}, su: {v: ["", "https://b.example", ""]},
        sl: [1, 2, 3], sh: [1, 2, 3], so: null};
    const content = payload.popupContent({types: TYPES, t: [0, 0, 0]}, rows, 1);
    assert.deepEqual(content.sources, [{name: "B", url: "https://b.example", killed: "2"}]);
});

test("a type the legend does not know has no type line and the unknown colour", () => {
    const points = {types: TYPES, colours: ["#d62728", "#ff7f0e"], t: [2]};
    assert.equal(payload.popupContent(points, details(), 0).type, "");
    assert.equal(payload.colourOf(points, 0, "#7f7f7f"), "#7f7f7f");
    assert.equal(payload.colourOf({...points, t: [1]}, 0, "#7f7f7f"), "#ff7f0e");
});

test("the popup texts in pieces: a row's piece, its URL and its first row", () => {
    const spec = {url: "/app/static/cache/abc-{piece}.json.gz", rows: 4, pieces: 3};
    assert.deepEqual(payload.piecesOf(spec), spec);
    assert.deepEqual([0, 3, 4, 9].map((row) => payload.pieceOf(spec, row)), [0, 0, 1, 2]);
    assert.equal(payload.pieceUrl(spec, 2), "/app/static/cache/abc-2.json.gz");
    assert.equal(payload.pieceStart(spec, 2), 8);
    const whole = payload.piecesOf("/app/static/cache/details.json.gz");  // one file: one piece of every row
    assert.equal(payload.pieceOf(whole, 123456), 0);
    assert.equal(payload.pieceUrl(whole, 0), "/app/static/cache/details.json.gz");
    assert.equal(payload.pieceStart(whole, 0), 0);
});

test("a point's popup reads its row in the piece that holds it", () => {
    // the table's rows 10..12 are the piece's rows 0..2
    const points = {types: TYPES, t: [0, 1], k: [11, 12]};
    const [first, second] = [0, 1].map((i) => payload.popupContent(points, details(), i, 10));
    assert.equal(first.place, "Hilltop");
    assert.equal(first.killed, "up to 5");
    assert.equal(second.evidence, "{{ 7 * 7 }}");
    assert.deepEqual(second.sources, [{name: "Wire", url: "HTTP://wire.example/c", killed: "3+"}]);
});

test("the points file: a header, then each column as typed numbers", () => {
    const header = new TextEncoder().encode(JSON.stringify(
        {types: TYPES, colours: ["#111", "#222"], count: 2, k: true, scale: 100000, rScale: 10}));
    const size = header.length + ((4 - (header.length % 4)) % 4);
    const buffer = new ArrayBuffer(4 + size + 2 * 12 + 2 * 2);
    new DataView(buffer).setUint32(0, size, true);
    const bytes = new Uint8Array(buffer);
    bytes.fill(32, 4, 4 + size);
    bytes.set(header, 4);
    let at = 4 + size;
    for (const [Type, values] of [[Int32Array, [3312345, -500]], [Int32Array, [-17999999, 4444445]],
        [Uint32Array, [7, 2]], [Uint8Array, [1, 0]], [Uint8Array, [50, 180]]]) {
        new Type(buffer, at, 2).set(values);
        at += 2 * Type.BYTES_PER_ELEMENT;
    }
    const points = payload.decodePoints(buffer);
    assert.deepEqual(Array.from(points.lat), [33.12345, -0.005]);
    assert.deepEqual(Array.from(points.lng), [-179.99999, 44.44445]);
    assert.deepEqual(Array.from(points.k), [7, 2]);
    assert.deepEqual(Array.from(points.r), [5, 18]);
    assert.equal(payload.rowOf(points, 0), 7);
    assert.equal(payload.colourOf(points, 0, "#999"), "#222");
});
