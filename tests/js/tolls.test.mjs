// The popups' toll texts, against the cases the Python Details panel is tested with.
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import {test} from "node:test";

const require = createRequire(import.meta.url);
const {tollText} = require("../../dashboard/static/map/tolls.js");
const {cases} = JSON.parse(readFileSync(new URL("./toll_texts.json", import.meta.url), "utf8"));

test("every shared case gives its text", () => {
    assert.ok(cases.length >= 5);
    for (const [low, high, text] of cases) {
        assert.equal(tollText(low, high), text, JSON.stringify([low, high]));
    }
});

test("an undefined figure is not known, like null", () => {
    assert.equal(tollText(undefined, 7), "up to 7");
    assert.equal(tollText(3, undefined), "3+");
    assert.equal(tollText(undefined, undefined), "");
});
