"""Real libraries, minified by every JavaScript engine we ship, still work in Chromium.

jQuery 3.7.1, Bootstrap 5.3.3's bundle, htmx 2.0.3 and Alpine.js 3.14.1 (fetched
with `npm pack`), each minified by `bust_jsmin`'s engines and run in a page that
exercises it: a meaning change shows as a console error or a wrong answer.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pytest

from flask_bust_assets.minify.engines import JS_ENGINES, minify_js

from ..helpers import npm_package
from .conftest import Tab

LIBRARIES = {
    "jquery": ("jquery@3.7.1", "dist/jquery.js"),
    "bootstrap": ("bootstrap@5.3.3", "dist/js/bootstrap.bundle.js"),
    "htmx": ("htmx.org@2.0.3", "dist/htmx.js"),
    "alpine": ("alpinejs@3.14.1", "dist/cdn.js"),
}
PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<button id="tip" title="Hello">tip</button>
<div id="count" x-data="{ n: 21 }"><span x-text="n * 2"></span><button @click="n++">+</button></div>
<div id="swap" hx-get="/nowhere" hx-trigger="never">swap</div>
</body></html>"""
# What each library must do once loaded: an expression evaluated in the page, and its answer.
SMOKE = {
    "jquery": ("$('body').append('<p id=made>made</p>'); [$('#made').text(), $.fn.jquery]", ["made", "3.7.1"]),
    "bootstrap": (
        "const tip = new bootstrap.Tooltip(document.getElementById('tip')); tip.show();"
        "[bootstrap.Tooltip.VERSION, !!bootstrap.Tooltip.getInstance(document.getElementById('tip'))]",
        ["5.3.3", True],
    ),
    "htmx": (
        "htmx.process(document.body); [htmx.version, htmx.find('#swap').id, typeof htmx.ajax]",
        ["2.0.3", "swap", "function"],
    ),
    "alpine": (
        "new Promise(r => setTimeout(() => { document.querySelector('#count button').click();"
        "setTimeout(() => r(document.querySelector('#count span').textContent), 50) }, 50))",
        "44",
    ),
}


@pytest.mark.parametrize("engine", sorted(JS_ENGINES))
@pytest.mark.parametrize("library", sorted(LIBRARIES))
def test_minified_library_works_in_chromium(tabs: Callable[..., Tab], library: str, engine: str) -> None:
    spec, path = LIBRARIES[library]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a fallback is fine here: what runs must still work
        code = minify_js((npm_package(spec) / path).read_text(encoding="utf-8"), engine=engine, source=path)
    tab = tabs()
    tab.page.set_content(PAGE)
    errors: list[str] = []
    tab.page.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.page.add_script_tag(content=code)
    expression, expected = SMOKE[library]
    assert tab.js(expression) == expected
    assert errors == []
