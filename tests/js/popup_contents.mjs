// For the Python tests (tests/ui/test_mapview.py): reads {"points": ..., "details": ..., "first": ...}
// (the payloads dashboard.ui.mapview writes; first: the table's row of the details' first row, for
// a piece of the texts, default 0) on stdin, prints the popup content of every point as
// the map's own code reads it (dashboard/static/map/payload.js), so Python keeps no decoder twin.
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";

const require = createRequire(import.meta.url);
const {popupContent} = require("../../dashboard/static/map/payload.js");

const {points, details, first = 0} = JSON.parse(readFileSync(0, "utf8"));
const contents = points.lat.map((_, i) => popupContent(points, details, i, first));
process.stdout.write(JSON.stringify(contents));
