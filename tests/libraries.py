"""Four real libraries and what each must still do once minified: shared by the smoke tests and benchmarks.

jQuery 3.7.1, Bootstrap 5.3.3's bundle, htmx 2.0.3 and Alpine.js 3.14.1, fetched
with `npm pack`. Each smoke check is an expression evaluated in a page (PAGE)
after the library loaded, and its expected answer: a meaning change shows as a
wrong answer or an error. htmx's ``htmx._()`` reaches its internals by name
through a direct eval, the case a renaming engine must leave alone.
"""

from __future__ import annotations

LIBRARIES = {
    "jquery": ("jquery@3.7.1", "dist/jquery.js"),
    "bootstrap": ("bootstrap@5.3.3", "dist/js/bootstrap.bundle.js"),
    "htmx": ("htmx.org@2.0.3", "dist/htmx.js"),
    "alpine": ("alpinejs@3.14.1", "dist/cdn.js"),
}
TITLES = {
    "jquery": "jQuery 3.7.1",
    "bootstrap": "Bootstrap 5.3.3 bundle",
    "htmx": "htmx 2.0.3",
    "alpine": "Alpine.js 3.14.1",
}
PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<button id="tip" title="Hello">tip</button>
<div id="count" x-data="{ n: 21 }"><span x-text="n * 2"></span><button @click="n++">+</button></div>
<div id="swap" hx-get="/nowhere" hx-trigger="never">swap</div>
</body></html>"""
SMOKE = {
    "jquery": ("$('body').append('<p id=made>made</p>'); [$('#made').text(), $.fn.jquery]", ["made", "3.7.1"]),
    "bootstrap": (
        "const tip = new bootstrap.Tooltip(document.getElementById('tip')); tip.show();"
        "[bootstrap.Tooltip.VERSION, !!bootstrap.Tooltip.getInstance(document.getElementById('tip'))]",
        ["5.3.3", True],
    ),
    "htmx": (
        "htmx.process(document.body);"
        "[htmx.version, htmx.find('#swap').id, typeof htmx.ajax, typeof htmx._('getInternalData')]",
        ["2.0.3", "swap", "function", "function"],
    ),
    "alpine": (
        "new Promise(r => setTimeout(() => { document.querySelector('#count button').click();"
        "setTimeout(() => r(document.querySelector('#count span').textContent), 50) }, 50))",
        "44",
    ),
}
