"""Real libraries, minified by every JavaScript engine we ship, still work in Chromium.

The four libraries of tests/libraries.py, each minified by `bust_jsmin`'s
engines and run in a page that exercises it: a meaning change shows as a
console error or a wrong answer. The renaming engine must not fall back on any
of them: what runs is its own output.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pytest

from flask_bust_assets.errors import MinifyWarning
from flask_bust_assets.minify.engines import JS_ENGINES, minify_js

from ..helpers import npm_package
from ..libraries import LIBRARIES, PAGE, SMOKE
from .conftest import Tab


@pytest.mark.parametrize("engine", sorted(JS_ENGINES))
@pytest.mark.parametrize("library", sorted(LIBRARIES))
def test_minified_library_works_in_chromium(tabs: Callable[..., Tab], library: str, engine: str) -> None:
    spec, path = LIBRARIES[library]
    with warnings.catch_warnings(record=True) as recorded:
        warnings.simplefilter("always")
        code = minify_js((npm_package(spec) / path).read_text(encoding="utf-8"), engine=engine, source=path)
    assert [str(w.message) for w in recorded if issubclass(w.category, MinifyWarning)] == []
    tab = tabs()
    tab.page.set_content(PAGE)
    errors: list[str] = []
    tab.page.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.page.add_script_tag(content=code)
    expression, expected = SMOKE[library]
    assert tab.js(expression) == expected
    assert errors == []
