// ESLint (flat config) for the map's JavaScript (dashboard/static/map) and its tests (tests/js).
// Beside the recommended rules, the page's security rule: article text must reach the DOM as
// text only, so every HTML sink (innerHTML and the like, string HTML handed to the map library, inline
// event handlers, eval) is an error. Run by `make js-test` (and so by `make test` and CI).
"use strict";

const js = require("@eslint/js");
const globals = require("globals");

const HTML_SINK = "article text must reach the page as text: build nodes and use textContent";

/** Properties and methods that parse a string as HTML or script. */
const htmlSinks = [
    ...["innerHTML", "outerHTML", "insertAdjacentHTML", "srcdoc", "createContextualFragment",
        "setHTMLUnsafe", "parseHTMLUnsafe", "parseFromString"].map((property) => ({property, message: HTML_SINK})),
    ...["write", "writeln"].map((property) => ({object: "document", property, message: HTML_SINK})),
];

const STRING = "/^(Literal|TemplateLiteral|BinaryExpression)$/";
const LEAFLET_CONTENT = "/^(bindPopup|bindTooltip|setContent|setPopupContent|setTooltipContent)$/";

/** The map library (L) puts a string's HTML into the page (innerHTML): pass it DOM nodes instead. */
const htmlSyntax = [
    {
        selector: `CallExpression[callee.property.name=${LEAFLET_CONTENT}][arguments.0.type=${STRING}]`,
        message: "The map library parses string content as HTML: pass a DOM node (or a function returning one)",
    },
    {
        selector: `Property[key.name="html"][value.type=${STRING}]`,
        message: "a divIcon's string html is parsed as HTML: pass a DOM node",
    },
    {
        selector: "CallExpression[callee.property.name='setAttribute'][arguments.0.value=/^(on|srcdoc$)/i]",
        message: "inline event handlers and srcdoc run strings as code or HTML: use addEventListener / textContent",
    },
];

const security = {
    "no-restricted-properties": ["error", ...htmlSinks],
    "no-restricted-syntax": ["error", ...htmlSyntax],
    "no-eval": "error",
    "no-implied-eval": "error",
    "no-new-func": "error",
    "no-script-url": "error",
};

module.exports = [
    {ignores: ["dashboard/static/vendor/", "dashboard/static/cache/", "node_modules/"]},
    js.configs.recommended,
    {
        // plain scripts, loaded by the map page (globals: the browser's, the map library's L) and
        // required by the node tests (module, require)
        files: ["dashboard/static/**/*.js"],
        languageOptions: {
            ecmaVersion: 2022,
            sourceType: "script",
            globals: {...globals.browser, L: "readonly", module: "readonly", require: "readonly"},
        },
        rules: {...security, strict: ["error", "function"], "no-var": "error", "prefer-const": "error", eqeqeq: "error"},
    },
    {
        files: ["tests/js/**/*.mjs"],
        languageOptions: {ecmaVersion: 2022, sourceType: "module", globals: globals.node},
        // the tests hold hostile addresses ("javascript:...") as data, to check they never become links
        rules: {...security, "no-script-url": "off", "no-var": "error", "prefer-const": "error", eqeqeq: "error"},
    },
    {
        files: ["eslint.config.js"],
        languageOptions: {sourceType: "commonjs", globals: globals.node},
    },
];
