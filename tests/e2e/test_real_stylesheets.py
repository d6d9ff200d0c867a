"""Real stylesheets from npm keep their meaning through ``bust_cssmin``, as Chromium sees them.

Pinned releases, fetched with `npm pack`: each stylesheet as published and as
every CSS engine minifies it, linked by the same page, must give the same rules
(CSSOM) and the same computed style, every property, on elements that use the
frameworks' classes. No engine may fall back on them: what is compared is its
own output.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from flask_bust_assets.errors import MinifyWarning
from flask_bust_assets.minify.engines import CSS_ENGINES, minify_css

from ..helpers import npm_package
from .cssom import Pages

STYLESHEETS = {
    "bootstrap": ("bootstrap@5.3.3", "dist/css/bootstrap.css"),
    "bootstrap-icons": ("bootstrap-icons@1.11.3", "font/bootstrap-icons.css"),
    "bulma": ("bulma@1.0.2", "css/bulma.css"),
    "pico": ("@picocss/pico@2.0.6", "css/pico.css"),
    "font-awesome": ("@fortawesome/fontawesome-free@6.6.0", "css/all.css"),
    "open-props": ("open-props@1.7.6", "open-props.min.css"),
    "animate": ("animate.css@4.1.1", "animate.css"),
    "normalize": ("normalize.css@8.0.1", "normalize.css"),
}
# Where cssmin's known hazards (engines._CSSMIN_HAZARDS) send the file to rcssmin.
FALLS_BACK = {"bootstrap", "bulma", "pico", "open-props"}
BODY = """<main class="container"><h1 class="title display-1">Title</h1>
<p class="lead subtitle">Text <a href="#">link</a> <code>code</code> <small class="text-muted">s</small></p>
<button class="btn btn-primary button is-primary">Button</button>
<button class="btn btn-outline-secondary button is-outlined" disabled>Off</button>
<input class="form-control input" placeholder="x"> <select class="form-select"><option>1</option></select>
<label><input type="checkbox" class="form-check-input checkbox" checked> c</label>
<table class="table table-striped is-striped"><tr><th>h</th><td>d</td></tr></table>
<nav class="navbar"><ul class="nav"><li class="nav-item"><a class="nav-link active" href="#">n</a></li></ul></nav>
<div class="row columns"><div class="col column is-half">c</div><div class="col-md-4 column">d</div></div>
<i class="fa-solid fa-house"></i> <i class="fa-brands fa-github"></i> <i class="bi bi-alarm"></i>
<article class="card box"><header class="card-header">h</header><div class="card-body">b</div></article>
<div class="alert alert-warning notification is-warning" role="alert">w</div>
<div class="animate__animated animate__bounce animate__delay-2s">moving</div>
<progress value="3" max="10" class="progress"></progress>
<details open><summary>s</summary>d</details><blockquote>q</blockquote><hr>
<ol><li>one</li></ol><kbd>k</kbd><mark>m</mark><sub>2</sub></main>"""


@pytest.mark.parametrize("engine", sorted(CSS_ENGINES))
@pytest.mark.parametrize("name", sorted(STYLESHEETS))
def test_a_real_stylesheet_means_the_same_minified(browser: Any, name: str, engine: str) -> None:
    spec, path = STYLESHEETS[name]
    original = (npm_package(spec) / path).read_text(encoding="utf-8")
    with warnings.catch_warnings(record=True) as recorded:
        warnings.simplefilter("always")
        minified = minify_css(original, engine=engine, source=path)
    fallbacks = [str(w.message) for w in recorded if issubclass(w.category, MinifyWarning)]
    if engine == "cssmin" and name in FALLS_BACK:
        assert fallbacks and all("minified with rcssmin instead" in f for f in fallbacks)
    else:
        assert fallbacks == []
    assert len(minified) < len(original) or name == "open-props"  # published minified already
    context = browser.new_context()
    try:
        pages = Pages(context.new_page(), BODY)
        assert pages.snapshot({"css/min.css": minified}) == pages.snapshot({"css/original.css": original})
    finally:
        context.close()
