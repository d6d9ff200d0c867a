"""Stock webassets filters build in our pipeline exactly as under stock Flask-Assets.

One project is built twice by the real `flask assets build`: once with
``flask_assets.Environment`` and once with ``BustAssets``. For every stock filter
chain the bytes we serve under the digested name are the bytes stock writes under
the plain one; chains mixing stock filters with ours build and keep their meaning.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from ..helpers import MANIFEST, OUT
from .apps import build, check_page, load_app, project, sri

SCSS = {
    "static/scss/main.scss": '@import "colors";\n'
    ".nav {\n  .item { color: $brand; background: url(../img/logo.svg); }\n}\n",
    "static/scss/_colors.scss": "$brand: #336699;\n",
}

# name -> (sources, filters, output); outputs without %(version)s, as most existing apps write them.
STOCK_CHAINS = {
    "cssrewrite": (("css/vendor/lib.css",), "cssrewrite", "gen/rewrite.css"),
    "cssmin": (("css/app.css",), "cssmin", "gen/cssmin.css"),
    "rcssmin": (("css/app.css",), "rcssmin", "gen/rcssmin.css"),
    "cssrewrite_cssmin": (("css/vendor/lib.css", "css/app.css"), "cssrewrite,cssmin", "gen/rewrite-min.css"),
    "libsass": (("scss/main.scss",), "libsass", "gen/sass.css"),
    "jsmin": (("js/app.js",), "jsmin", "gen/jsmin.js"),
    "rjsmin": (("js/app.js",), "rjsmin", "gen/rjsmin.js"),
}
MIXED_CHAINS = {
    "cssrewrite_ours": (("css/vendor/lib.css", "css/app.css"), "cssrewrite,bust_cssmin", "gen/mixed.%(version)s.css"),
    "libsass_ours": (("scss/main.scss",), "libsass,bust_cssurls,bust_cssmin", "gen/sass.%(version)s.css"),
    "jsmin_ours": (("js/app.js",), "jsmin,bust_jsmin", "gen/mixed.%(version)s.js"),
}

APP = """
from flask import Flask, render_template_string
from flask_assets import Bundle, Environment
{import_ours}

app = Flask(__name__)
assets = {environment}(app)
{registrations}


@app.route("/")
def index():
    return render_template_string(
        '{{% for name in names %}}{{% assets name %}}<link href="{{{{ ASSET_URL }}}}" integrity="{{{{ ASSET_SRI }}}}">'
        '{{% endassets %}}{{% endfor %}}',
        names={names!r},
    )
"""


def app_source(ours: bool, chains: dict[str, tuple[tuple[str, ...], str, str]]) -> str:
    registrations = "\n".join(
        f"assets.register({name!r}, Bundle(*{sources!r}, filters={filters!r}, output={output!r}"
        + (", depends='scss/*.scss'" if "scss/main.scss" in sources else "")
        + "))"
        for name, (sources, filters, output) in chains.items()
    )
    return APP.format(
        import_ours="from flask_bust_assets import BustAssets" if ours else "",
        environment="BustAssets" if ours else "Environment",
        registrations=registrations,
        names=sorted(chains),
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(stock project, our project), both built by the real `flask assets build`."""
    pytest.importorskip("sass", reason="libsass is a test dependency")
    stock = project(tmp_path_factory.mktemp("stock"), app_source(False, STOCK_CHAINS), SCSS)
    ours = project(tmp_path_factory.mktemp("ours"), app_source(True, {**STOCK_CHAINS, **MIXED_CHAINS}), SCSS)
    build(stock)
    build(ours)
    return stock, ours


@pytest.mark.parametrize("name", list(STOCK_CHAINS))
def test_stock_filter_chain_gives_the_bytes_stock_flask_assets_gives(built: tuple[Path, Path], name: str) -> None:
    stock, ours = built
    _, _, output = STOCK_CHAINS[name]
    (entry,) = json.loads((ours / MANIFEST).read_text())["bundles"][name]
    stem, ext = output.rsplit(".", 1)
    assert re.fullmatch(rf"{re.escape(stem)}\.[0-9a-f]{{16}}\.{ext}", entry["path"])
    served = (ours / OUT / "static" / entry["path"]).read_bytes()
    assert served == (stock / "static" / output).read_bytes()
    assert entry["integrity"] == sri(served)


def test_mixed_chains_keep_meaning_and_bust_references(built: tuple[Path, Path]) -> None:
    _, ours = built
    bundles = json.loads((ours / MANIFEST).read_text())["bundles"]
    text = {name: (ours / OUT / "static" / bundles[name][0]["path"]).read_text() for name in MIXED_CHAINS}
    # cssrewrite's relative reference, then our minifier
    assert (
        text["cssrewrite_ours"]
        == ".lib{background:url('../img/logo.svg')}\n.card>.title{color:#ff0000;padding:0px 1rem}"
    )
    # Sass compiled (nesting, variables), then the reference digested relative to the output
    assert re.fullmatch(
        r"\.nav \.item\{color:#336699;background:url\(\.\./img/logo\.[0-9a-f]{16}\.svg\)\}", text["libsass_ours"]
    )
    # stock jsmin, then ours: the default engine renames the local, keeps the global
    assert 'function greet(e){return"Hello, "+e+"!"}' in text["jsmin_ours"]


def test_every_chain_is_served_with_its_integrity(built: tuple[Path, Path]) -> None:
    _, ours = built
    html = check_page(load_app(ours).test_client())
    assert html.count("<link") == len(STOCK_CHAINS) + len(MIXED_CHAINS)


def test_a_depends_change_rebuilds_the_bundle(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, ours = built
    copy = shutil.copytree(ours, tmp_path / "copy")
    before = json.loads((copy / MANIFEST).read_text())["bundles"]["libsass"][0]["path"]
    (copy / "static/scss/_colors.scss").write_text("$brand: #993366;\n")  # only named by depends=
    build(copy)
    after = json.loads((copy / MANIFEST).read_text())["bundles"]["libsass"][0]["path"]
    assert after != before and "#993366" in (copy / OUT / "static" / after).read_text()


def test_a_source_added_after_a_build_builds_with_cssrewrite(built: tuple[Path, Path], tmp_path: Path) -> None:
    # cssrewrite asks url_for for the new source's URL: it is in no manifest yet, and must not need to be.
    _, ours = built
    copy = shutil.copytree(ours, tmp_path / "copy")
    (copy / "static/css/vendor/extra.css").write_text(".extra { background: url(../../img/logo.svg) }\n")
    app_py = copy / "app.py"
    app_py.write_text(
        app_py.read_text().replace(
            "('css/vendor/lib.css', 'css/app.css')", "('css/vendor/lib.css', 'css/vendor/extra.css')", 1
        )
    )
    build(copy)
    bundles = json.loads((copy / MANIFEST).read_text())["bundles"]
    assert (
        ".extra{background:url(../img/logo.svg)}"
        in (copy / OUT / "static" / bundles["cssrewrite_cssmin"][0]["path"]).read_text()
    )
