/*
 * Reading the map's two payloads (written by dashboard.ui.mapview).
 *
 * Points (map_points_json), one entry per point: lat, lng, t (index into types/colours), r
 * (radius in pixels), and k (each point's row in the details) unless the n-th point is row n.
 * Details (map_details_json), one entry per row of the whole table: coded texts place, as, date,
 * dp, actor, ev; figures kl/kh, il/ih, cl/ch (null: none); one entry per source: coded texts sn,
 * su and figures sl/sh, with so[row]..so[row + 1] the row's sources (so null: one per row).
 * A coded text column is {v: distinct texts, c: one index into v per entry}, or {v} alone when
 * every entry is its own text.
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
     * sources [{name, url ("" unless http(s)), killed}].
     */
    function popupContent(points, details, i) {
        const row = rowOf(points, i);
        const [first, end] = sourceSpan(details, row);
        const sources = [];
        for (let j = first; j < end; j++) {
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

    return {text, decoded, rowOf, sourceSpan, dateText, popupContent, colourOf};
});
