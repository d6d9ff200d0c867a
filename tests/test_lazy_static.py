"""What a build digests eagerly, and what only when referenced (lazy), with real packages.

The cost of a build follows what pages can use (invariant 9): an installed
extension's static folder (Bootstrap-Flask, whose pages may load Bootstrap from a
CDN) and ``node_modules`` are not digested, copied or compressed by default. What
a page does use from them must still work: a bundle's ``url()`` into them gets a
digested file, and ``url_for`` to any other of their files gets the plain URL,
served as Flask serves it, with no "missing static file" warning.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template_string, url_for
from flask_assets import Bundle
from flask_bootstrap import Bootstrap5

from flask_bust_assets import BustAssets, ConfigError
from flask_bust_assets.web import commands

from .helpers import MANIFEST, OUT, make_app, npm_package, write

ICONS = "bootstrap-icons@1.11.3"
DIGESTED = re.compile(r"\.[0-9a-f]{16}(\.[^./]+)$")


def with_icons(root: Path) -> Path:
    """A real npm package under static/node_modules, as `npm install` lays it out."""
    target = root / "static/node_modules/bootstrap-icons"
    shutil.copytree(npm_package(ICONS), target)
    return target


def build(app: Flask) -> Any:
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    assert report.ok, [str(e) for e in report.static.errors] + [str(r.error) for r in report.failed]
    return report


def generated(root: Path, under: str) -> list[str]:
    folder = root / OUT / under
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def bootstrap_app(root: Path, config: dict[str, Any] | None = None) -> Flask:
    write(root, "static/css/site.css", ".site { color: red }\n")
    app = Flask("site", root_path=str(root), instance_path=str(root / "instance"))
    app.config.update({"TESTING": True, "BOOTSTRAP_SERVE_LOCAL": True, **(config or {})})
    Bootstrap5(app)
    BustAssets(app).register("site", Bundle("css/site.css", filters="bust_cssmin", output="gen/s.%(version)s.css"))
    return app


def test_an_installed_extensions_static_folder_is_not_digested_but_its_urls_work(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = bootstrap_app(tmp_path)
    build(app)
    assert generated(tmp_path, "bootstrap") == []  # 27 MB of Bootstrap 4 and 5 not copied, not compressed
    assert "bootstrap.static" not in json.loads((tmp_path / MANIFEST).read_text())["files"]
    app = bootstrap_app(tmp_path)  # production: reads the manifest
    source = Path(app.blueprints["bootstrap"].static_folder or "") / "css/bootstrap.min.css"
    with app.test_request_context("/"), caplog.at_level(logging.WARNING, logger="flask_bust_assets"):
        url = url_for("bootstrap.static", filename="css/bootstrap.min.css")
        html = render_template_string("{{ bootstrap.load_css() }}")  # Bootstrap-Flask's own url_for
    assert url == "/bootstrap/static/css/bootstrap.min.css"
    assert f'href="{url}"' in html
    assert not caplog.records  # not selected is not missing: no warning
    served = app.test_client().get(url)
    assert served.status_code == 200 and served.data == source.read_bytes()


def test_development_links_an_installed_extensions_files_by_their_plain_url(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = bootstrap_app(tmp_path, {"ASSETS_AUTO_BUILD": True})
    with app.test_request_context("/"), caplog.at_level(logging.WARNING, logger="flask_bust_assets"):
        assert url_for("bootstrap.static", filename="js/bootstrap.min.js") == "/bootstrap/static/js/bootstrap.min.js"
    assert not caplog.records
    assert generated(tmp_path, "bootstrap") == []


def test_an_installed_extensions_static_folder_can_be_opted_in(tmp_path: Path) -> None:
    only = ["css/bootstrap.min.css"]  # the whole folder would only make the test slow
    app = bootstrap_app(tmp_path, {"BUST_ASSETS_STATIC_LAZY_BLUEPRINTS": [], "BUST_ASSETS_STATIC_INCLUDE": only})
    build(app)
    assert "css/bootstrap.min.css" in {DIGESTED.sub(r"\1", p) for p in generated(tmp_path, "bootstrap/static")}
    with app.test_request_context("/"):
        url = url_for("bootstrap.static", filename="css/bootstrap.min.css")
    assert DIGESTED.search(url) and app.test_client().get(url).status_code == 200


def icons_app(root: Path, config: dict[str, Any] | None = None) -> Flask:
    """The app's CSS bundle uses one icon font of node_modules through url()."""
    write(
        root,
        "static/css/site.css",
        '@font-face { font-family: i; src: url("../node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2") }\n',
    )
    write(root, "static/img/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    app, assets = make_app(root, config)
    assets.register("site", Bundle("css/site.css", filters="bust_cssurls", output="gen/s.%(version)s.css"))
    return app


def test_node_modules_is_not_digested_but_a_bundles_url_into_it_works(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    package = with_icons(tmp_path)
    app = icons_app(tmp_path)
    build(app)
    copied = [p for p in generated(tmp_path, "static") if p.startswith("node_modules/")]
    # Of 2,000-odd files, only the font the bundle names (and no variant of the rest).
    assert [DIGESTED.sub(r"\1", p) for p in copied if not p.endswith((".br", ".gz"))] == [
        "node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2"
    ]
    assert "img/logo.svg" in {DIGESTED.sub(r"\1", p) for p in generated(tmp_path, "static")}  # the app's own: eager
    app = icons_app(tmp_path)
    client = app.test_client()
    with app.test_request_context("/"), caplog.at_level(logging.WARNING, logger="flask_bust_assets"):
        css_url = app.extensions["bust_assets"].urls("site")[0][0]
        font = url_for("static", filename="node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2")
        svg = url_for("static", filename="node_modules/bootstrap-icons/icons/alarm.svg")
    css = client.get(css_url).get_data(as_text=True)
    (named,) = re.findall(r'url\("([^"]+)"\)', css)
    assert DIGESTED.search(named) and font.endswith(named.removeprefix(".."))  # url_for agrees with the CSS
    assert client.get(font).data == (package / "font/fonts/bootstrap-icons.woff2").read_bytes()
    assert svg == "/static/node_modules/bootstrap-icons/icons/alarm.svg"  # plain, as Flask serves it
    assert client.get(svg).data == (package / "icons/alarm.svg").read_bytes()
    assert not caplog.records


def test_node_modules_can_be_opted_in(tmp_path: Path) -> None:
    with_icons(tmp_path)
    only = ["css/*", "node_modules/bootstrap-icons/icons/a*"]  # the whole package would only make the test slow
    app = icons_app(tmp_path, {"BUST_ASSETS_STATIC_LAZY_FOLDERS": [], "BUST_ASSETS_STATIC_INCLUDE": only})
    build(app)
    with app.test_request_context("/"):
        assert DIGESTED.search(url_for("static", filename="node_modules/bootstrap-icons/icons/alarm.svg"))


def test_an_own_folder_can_be_made_lazy(tmp_path: Path) -> None:
    write(tmp_path, "static/vendor/big/lib.js", "window.lib = 1;\n")
    write(tmp_path, "static/js/app.js", "window.app = 1;\n")
    app, _ = make_app(tmp_path, {"BUST_ASSETS_STATIC_LAZY_FOLDERS": ["vendor"]})
    build(app)
    assert [DIGESTED.sub(r"\1", p) for p in generated(tmp_path, "static") if not p.endswith((".br", ".gz"))] == [
        "js/app.js"
    ]
    with app.test_request_context("/"):
        assert url_for("static", filename="vendor/big/lib.js") == "/static/vendor/big/lib.js"


@pytest.mark.parametrize(
    ("config", "says"),
    [
        ({"BUST_ASSETS_STATIC_LAZY_FOLDERS": "node_modules"}, "is 'node_modules'; use a list of strings"),
        ({"BUST_ASSETS_STATIC_LAZY_FOLDERS": ["static/node_modules"]}, "without slashes"),
        ({"BUST_ASSETS_STATIC_LAZY_BLUEPRINTS": ["bootstrapp"]}, "Did you mean 'bootstrap'?"),
    ],
)
def test_bad_lazy_settings_name_the_key(tmp_path: Path, config: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(says)):  # at start-up (checks.py) or at the build
        build(bootstrap_app(tmp_path, config))


def test_a_module_an_import_map_pins_in_node_modules_is_digested_on_demand(tmp_path: Path) -> None:
    write(tmp_path, "static/node_modules/htmx.org/dist/htmx.esm.js", 'export default { version: "2.0.3" };\n')
    write(tmp_path, "static/node_modules/htmx.org/dist/unused.js", "export default 0;\n")
    write(tmp_path, "static/js/app.js", 'import htmx from "htmx.org";\nwindow.v = htmx.version;\n')
    config = {
        "BUST_ASSETS_MODULES": ["js/app.js"],
        "BUST_ASSETS_IMPORTS": {"htmx.org": "node_modules/htmx.org/dist/htmx.esm.js"},
    }
    app, _ = make_app(tmp_path, config)
    build(app)
    files = json.loads((tmp_path / MANIFEST).read_text())["files"]["static"]
    assert "node_modules/htmx.org/dist/unused.js" not in files  # only what the graph names
    pinned = "/static/" + files["node_modules/htmx.org/dist/htmx.esm.js"]["path"]
    with app.test_request_context("/"):
        html = render_template_string('{{ importmap_tags("js/app.js") }}')
    assert f'"htmx.org": "{pinned}"' in html
    assert app.test_client().get(pinned).data == b'export default { version: "2.0.3" };\n'
