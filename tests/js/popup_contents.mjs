// For the Python tests (tests/ui/test_mapview.py): reads {"points": ..., "details": ..., "first": ...}
// on stdin (points: the binary file dashboard.ui.mapview writes, in base64; details: its JSON;
// first: the table's row of the details' first row, for a piece of the texts, default 0) and
// prints the popup content of every point as the map's own code reads it
// (dashboard/static/map/payload.js), so Python keeps no decoder twin. Without details, prints the
// decoded points themselves (arrays as lists).
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";

const require = createRequire(import.meta.url);
const {decodePoints, popupContent} = require("../../dashboard/static/map/payload.js");

const {points: packed, details, first = 0} = JSON.parse(readFileSync(0, "utf8"));
const points = decodePoints(new Uint8Array(Buffer.from(packed, "base64")).buffer);
if (details === undefined) {
    const lists = Object.fromEntries(Object.entries(points).map(([key, value]) => [
        key, value && ArrayBuffer.isView(value) ? Array.from(value) : value]));
    process.stdout.write(JSON.stringify(lists));
} else {
    process.stdout.write(JSON.stringify(Array.from(points.lat, (_, i) => popupContent(points, details, i, first))));
}
