/*
 * Which addresses may become links: http(s) only. The server keeps only http(s) source URLs
 * (dashboard.ui.mapview.safe_url); the browser checks again before it makes an <a>, so a
 * "javascript:" or "data:" address never becomes one whatever the payload holds.
 */
(function (name, make) {
    "use strict";
    if (typeof module === "object" && module.exports) {
        module.exports = make();
    } else {
        (globalThis.IncidentMap = globalThis.IncidentMap || {})[name] = make();
    }
})("links", () => {
    "use strict";

    const WEB = /^https?:\/\//i;

    /** True when ``url`` is a string that starts with http:// or https:// (any case). */
    function isWeb(url) {
        return typeof url === "string" && WEB.test(url);
    }

    return {isWeb};
});
