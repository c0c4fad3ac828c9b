/*
 * Toll text of a figure range, for the popups: "10", "13-19", "40+" (no upper bound),
 * "up to 5" (no lower bound), "" (no figure). Null means "not known".
 *
 * The page's Details panel writes the same texts in Python (dashboard.ui.summary.toll_text);
 * tests/js/toll_texts.json is the one list of cases both are tested against.
 */
(function (name, make) {
    "use strict";
    if (typeof module === "object" && module.exports) {
        module.exports = make();
    } else {
        (globalThis.IncidentMap = globalThis.IncidentMap || {})[name] = make();
    }
})("tolls", () => {
    "use strict";

    function known(value) {
        return value !== null && value !== undefined;
    }

    /** "10", "13-19", "40+", "up to 5" or "" for the range low..high (either may be null). */
    function tollText(low, high) {
        if (!known(low) && !known(high)) {
            return "";
        }
        if (!known(high)) {
            return `${low}+`;
        }
        if (!known(low)) {
            return `up to ${high}`;
        }
        return low === high ? String(low) : `${low}-${high}`;
    }

    return {tollText};
});
