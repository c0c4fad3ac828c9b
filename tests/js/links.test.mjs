// Which addresses may become links in a popup: http(s) only.
import assert from "node:assert/strict";
import {createRequire} from "node:module";
import {test} from "node:test";

const require = createRequire(import.meta.url);
const {isWeb} = require("../../dashboard/static/map/links.js");

test("http and https addresses, in any case, are links", () => {
    for (const url of ["https://a.example/x", "http://b.example", "HTTP://b.example/y", "hTtPs://c.example/?q=<b>"]) {
        assert.equal(isWeb(url), true, url);
    }
});

test("script, data and other addresses are not", () => {
    const bad = ["javascript:alert(1)", "JavaScript://https://a.example", "data:text/html,<script>x</script>",
        "vbscript:x", "//a.example/x", "https:/a.example", "ftp://a.example", "", " https://a.example",
        "\u0000https://a.example", "file:///etc/passwd"];
    for (const url of bad) {
        assert.equal(isWeb(url), false, url);
    }
});

test("what is not a text is not a link", () => {
    for (const value of [null, undefined, 5, {}, ["https://a.example"]]) {
        assert.equal(isWeb(value), false, String(value));
    }
});
