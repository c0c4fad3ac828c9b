/*
 * Reading the map's two payloads (written by dashboard.ui.mapview).
 *
 * Points (map_points_json, a binary file read by decodePoints), one entry per point: lat, lng,
 * t (index into types/colours), r (radius in pixels), and k (each point's row in the details)
 * unless the n-th point is row n.
 * Details (map_details_json), one entry per row of the table (or of one piece of it: rows
 * first..first + rows of the table, see pieces below): coded texts place, as, date,
 * dp, actor, ev; figures kl/kh, il/ih, cl/ch (null: none); one entry per source: coded texts sn,
 * su and figures sl/sh, with so[row]..so[row + 1] the row's sources (so null: one per row).
 * A coded text column is {v: distinct texts, c: one index into v per entry}, or {v} alone when
 * every entry is its own text.
 *
 * The details come in pieces (dashboard.ui.payloads.publish_pieces): {url (a template whose
 * "{piece}" is the piece's number), rows (rows of the table per piece), pieces (how many)}; a
 * plain URL is one piece holding every row.
 *
 * Pure functions of the decoded JSON: no DOM, no map library.
 */
(function (name, make) {
    "use strict";
    if (typeof module === "object" && module.exports) {
        module.exports = make((dependency) => require(`./${dependency}.js`));
    } else {
        const space = (globalThis.IncidentMap = globalThis.IncidentMap || {});
        space[name] = make((dependency) => space[dependency]);
    }
})("payload", (need) => {
    "use strict";

    const {tollText} = need("tolls");
    const {isWeb} = need("links");

    /**
     * The points file (an ArrayBuffer; layout: dashboard.ui.mapview.POINTS_LAYOUT) as {types, colours,
     * lat, lng (degrees), t, r (pixels), k (null: the n-th point is row n)}. Its numbers are
     * little-endian, as typed arrays read them on every machine a browser runs on.
     */
    function decodePoints(buffer) {
        const size = new DataView(buffer).getUint32(0, true);
        const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, size)));
        const n = header.count;
        let at = 4 + size;
        const next = (Type) => {
            const values = new Type(buffer, at, n);
            at += n * Type.BYTES_PER_ELEMENT;
            return values;
        };
        const latUnits = next(Int32Array), lngUnits = next(Int32Array);
        const k = header.k ? next(Uint32Array) : null;
        const t = next(Uint8Array), rUnits = next(Uint8Array);
        const lat = new Float64Array(n), lng = new Float64Array(n), r = new Float64Array(n);
        for (let i = 0; i < n; i++) {
            lat[i] = latUnits[i] / header.scale;
            lng[i] = lngUnits[i] / header.scale;
            r[i] = rUnits[i] / header.rScale;
        }
        return {types: header.types, colours: header.colours, lat, lng, t, r, k};
    }

    /** The i-th text of a coded column. */
    function text(column, i) {
        return column.c ? column.v[column.c[i]] : column.v[i];
    }

    /** Every text of a coded column, one per entry. */
    function decoded(column) {
        return column.c ? column.c.map((code) => column.v[code]) : column.v.slice();
    }

    /** The row in the details of the i-th point. */
    function rowOf(points, i) {
        return points.k ? points.k[i] : i;
    }

    /** The details' pieces ({url, rows, pieces}) from what the server handed the map (a spec or one URL). */
    function piecesOf(details) {
        return typeof details === "string" ? {url: details, rows: Infinity, pieces: 1} : details;
    }

    /** The piece holding a row of the table. */
    function pieceOf(spec, row) {
        return spec.rows === Infinity ? 0 : Math.floor(row / spec.rows);
    }

    /** The URL of a piece. */
    function pieceUrl(spec, piece) {
        return spec.url.replace("{piece}", String(piece));
    }

    /** The table's row of the first row of a piece. */
    function pieceStart(spec, piece) {
        return piece === 0 ? 0 : piece * spec.rows;
    }

    /** [first, end) of the row's sources in the details' per-source columns. */
    function sourceSpan(details, row) {
        return details.so ? [details.so[row], details.so[row + 1]] : [row, row + 1];
    }

    /** The date line: the day, with its precision when it is not a day ("2024-03-01 (month)"). */
    function dateText(day, precision) {
        return day && precision !== "day" ? `${day} (${precision})` : day;
    }

    /**
     * What the i-th point's popup says, as plain texts (put into the page as text only): place,
     * written (the words as written, "" when the same), date, type, killed, injured, captured,
     * actor, evidence, why (one line: why this place, "" when the table has no why file), and
     * sources [{name, url ("" unless http(s)), killed}]. ``first``: the table's row of the
     * details' first row (a piece's start; 0 for the whole table).
     */
    function popupContent(points, details, i, first = 0) {
        const row = rowOf(points, i) - first;
        const [start, end] = sourceSpan(details, row);
        const sources = [];
        for (let j = start; j < end; j++) {
            const url = text(details.su, j);
            sources.push({
                name: text(details.sn, j) || "source",
                url: isWeb(url) ? url : "",
                killed: tollText(details.sl[j], details.sh[j]),
            });
        }
        return {
            place: text(details.place, row),
            written: text(details.as, row),
            date: dateText(text(details.date, row), text(details.dp, row)),
            type: points.types[points.t[i]] || "",
            killed: tollText(details.kl[row], details.kh[row]),
            injured: tollText(details.il[row], details.ih[row]),
            captured: tollText(details.cl[row], details.ch[row]),
            actor: text(details.actor, row),
            evidence: text(details.ev, row),
            why: details.wy ? text(details.wy, row) : "",
            sources,
        };
    }

    /** The colour of the i-th point ("unknown" when its type has none). */
    function colourOf(points, i, unknown) {
        return points.colours[points.t[i]] || unknown;
    }

    return {decodePoints, text, decoded, rowOf, piecesOf, pieceOf, pieceUrl, pieceStart, sourceSpan, dateText, popupContent, colourOf};
});
