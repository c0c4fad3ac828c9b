// For the Python tests (tests/ui/test_mapview.py): reads {"points": ..., "details": ...} (the
// payloads dashboard.ui.mapview writes) on stdin, prints the popup content of every point as
// the map's own code reads it (dashboard/static/map/payload.js), so Python keeps no decoder twin.
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";

const require = createRequire(import.meta.url);
const {popupContent} = require("../../dashboard/static/map/payload.js");

const {points, details} = JSON.parse(readFileSync(0, "utf8"));
const contents = points.lat.map((_, i) => popupContent(points, details, i));
process.stdout.write(JSON.stringify(contents));
