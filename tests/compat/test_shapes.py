"""The app shapes Flask-Assets users have: each a small real app, built by the real CLI.

Nested and container bundles, globs, bundles without output, blueprints with their
own static folders, app factories, YAML bundles, ASSETS_DIRECTORY/ASSETS_URL,
ASSETS_DEBUG, and the Bundle API (``bundle.urls()``, ``assets["x"].urls()``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ..helpers import OUT
from .apps import asset_tags, build, check_page, fetch, flask, load_app, project

TAGS = """{% for name in names %}{% assets name %}<link href="{{ ASSET_URL }}" integrity="{{ ASSET_SRI }}">
{% endassets %}{% endfor %}"""

SHAPES = """
import json

from flask import Blueprint, Flask, render_template_string
from flask_assets import Bundle
from flask_bust_assets import BustAssets

app = Flask(__name__)
app.config.update({config})
admin = Blueprint("admin", __name__, static_folder="admin_static", url_prefix="/admin")
app.register_blueprint(admin)
assets = BustAssets(app)
site_js = Bundle("js/app.js", filters="rjsmin", output="gen/site.js")  # no %(version)s, as the migration guide shows
assets.register("site_js", site_js)
assets.register("nested", Bundle(Bundle("css/base.css", filters="cssmin"), "css/app.css", output="gen/nested.css"))
assets.register(
    "container",
    Bundle(Bundle("css/base.css", output="gen/one.%(version)s.css"), Bundle("css/app.css", output="gen/two.css")),
)
assets.register("globbed", Bundle("css/parts/*.css", filters="rcssmin", output="gen/parts.%(version)s.css"))
assets.register("linked", Bundle("css/app.css", "js/app.js"))  # no output: each source linked
assets.register("admin_css", Bundle("admin/css/admin.css", filters="cssrewrite", output="admin/gen/admin.css"))
NAMES = ["admin_css", "container", "globbed", "linked", "nested", "site_js"]


@app.route("/")
def index():
    return render_template_string({tags!r}, names=NAMES) + render_template_string(
        "<img src=\\"{{{{ url_for('admin.static', filename='img/badge.svg') }}}}\\">"
    )


@app.route("/urls")
def urls():
    return json.dumps(
        {{
            "bundle": site_js.urls(),
            "named": {{name: assets[name].urls() for name in NAMES}},
            "sri": assets["nested"].urls(calculate_sri=True),
        }}
    )
"""

SHAPE_FILES = {
    "static/css/parts/a.css": ".a {\n  color: red;\n}\n",
    "static/css/parts/b.css": ".b {\n  color: blue;\n}\n",
    "admin_static/css/admin.css": ".badge {\n  background: url(../img/badge.svg);\n}\n",
    "admin_static/img/badge.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
}


def shapes(root: Path, config: dict[str, Any] | None = None) -> Path:
    return project(root, SHAPES.format(config=config or {}, tags=TAGS), SHAPE_FILES)


@pytest.mark.parametrize("mode", ["production", "development"])
def test_bundle_shapes_render_and_serve(tmp_path: Path, mode: str) -> None:
    root = shapes(tmp_path, {"ASSETS_AUTO_BUILD": True} if mode == "development" else {})
    result = build(root)
    assert "bundle 'linked' has no output, so each source is linked on its own" in result.stderr
    client = load_app(root).test_client()
    html = check_page(client)
    urls = [url for url, _ in asset_tags(html)]
    assert [u for u in urls if u.startswith("/static/gen/")] == [
        *(re.search(rf"/static/gen/{n}\.[0-9a-f]{{16}}\.css", html)[0] for n in ("one", "two", "parts", "nested")),
        re.search(r"/static/gen/site\.[0-9a-f]{16}\.js", html)[0],
    ]
    assert re.search(r'href="/static/css/app\.[0-9a-f]{16}\.css"', html)  # the linked sources
    assert re.search(r'href="/static/js/app\.[0-9a-f]{16}\.js"', html)
    assert re.search(r'href="/admin/admin_static/gen/admin\.[0-9a-f]{16}\.css"', html)
    assert re.search(r'src="/admin/admin_static/img/badge\.[0-9a-f]{16}\.svg"', html)
    parts = fetch(client, re.search(r"/static/gen/parts\.[0-9a-f]{16}\.css", html)[0])[2]
    assert parts == b".a{color:red}.b{color:blue}"  # the glob, in order, without our own copies
    admin = fetch(client, re.search(r"/admin/admin_static/gen/admin\.[0-9a-f]{16}\.css", html)[0])[2]
    assert admin == b".badge {\n  background: url(../img/badge.svg);\n}\n"  # cssrewrite, as stock


@pytest.mark.parametrize("mode", ["production", "development"])
def test_the_bundle_api_returns_exactly_the_rendered_urls(tmp_path: Path, mode: str) -> None:
    root = shapes(tmp_path, {"ASSETS_AUTO_BUILD": True} if mode == "development" else {})
    build(root)
    client = load_app(root).test_client()
    rendered = [url for url, _ in asset_tags(client.get("/").get_data(as_text=True))]
    answered = json.loads(client.get("/urls").data)
    named = answered["named"]
    assert answered["bundle"] == named["site_js"] == [u for u in rendered if "/gen/site." in u]
    flat = [url for name in ["admin_css", "container", "globbed", "linked", "nested", "site_js"] for url in named[name]]
    assert flat == [u for u in rendered if "badge" not in u]
    for url in flat:
        assert fetch(client, url)[0] == 200  # stock gave /static/gen/site.js, which the build never wrote
    ((entry,),) = [answered["sri"]]
    assert entry["uri"] == named["nested"][0] and entry["sri"].startswith("sha384-")


def test_bundle_urls_outside_a_request(tmp_path: Path) -> None:
    # e.g. preload headers built in a CLI command or at start-up
    root = shapes(tmp_path)
    build(root)
    app = load_app(root)
    with app.app_context():
        (url,) = app.extensions["bust_assets"].env["site_js"].urls()
    assert re.fullmatch(r"/static/gen/site\.[0-9a-f]{16}\.js", url)


def test_assets_debug_links_every_source(tmp_path: Path) -> None:
    root = shapes(tmp_path, {"ASSETS_DEBUG": True})
    build(root)
    html = check_page(load_app(root).test_client())
    # One URL per source, as stock; each digested and served.
    for source in ("css/base", "css/app", "css/parts/a", "css/parts/b", "js/app"):
        assert re.search(rf'"/static/{source}\.[0-9a-f]{{16}}\.(css|js)"', html), source


FACTORY = """
from flask import Flask, render_template_string
from flask_assets import Bundle
from flask_bust_assets import BustAssets

assets = BustAssets()
assets.register("css", Bundle("css/base.css", "css/app.css", filters="cssrewrite,rcssmin", output="gen/site.css"))
assets.register("js", Bundle("js/app.js", filters="jsmin", output="gen/site.%(version)s.js"))


def create_app():
    app = Flask(__name__)
    assets.init_app(app)

    @app.route("/")
    def index():
        return render_template_string(PAGE)

    return app


PAGE = {page!r}
"""


def test_app_factory_with_init_app(tmp_path: Path) -> None:
    from .apps import PAGE

    root = project(tmp_path, FACTORY.format(page=PAGE))
    build(root)  # `flask --app app` finds create_app()
    check_page(load_app(root, factory="create_app").test_client())


YAML_APP = """
import os

from flask import Flask, render_template_string
from flask_bust_assets import BustAssets

app = Flask(__name__)
assets = BustAssets(app)
assets.from_yaml(os.path.join(app.root_path, "bundles.yml"))


@app.route("/")
def index():
    return render_template_string(PAGE)


PAGE = {page!r}
"""

YAML = """
css:
  filters: cssrewrite,cssmin
  output: gen/yaml.%(version)s.css
  contents:
    - css/base.css
    - css/app.css
js:
  filters: rjsmin
  output: gen/yaml.js
  contents: js/app.js
"""


def test_bundles_from_yaml(tmp_path: Path) -> None:
    from .apps import PAGE

    root = project(tmp_path, YAML_APP.format(page=PAGE), {"bundles.yml": YAML})
    build(root)
    html = check_page(load_app(root).test_client())
    assert re.search(r"/static/gen/yaml\.[0-9a-f]{16}\.css", html) and re.search(
        r"/static/gen/yaml\.[0-9a-f]{16}\.js", html
    )


DIRECTORY_APP = """
import os

from flask import Flask, render_template_string, send_from_directory
from flask_assets import Bundle
from flask_bust_assets import BustAssets

app = Flask(__name__)
app.config["ASSETS_DIRECTORY"] = os.path.join(app.root_path, "public")
app.config["ASSETS_URL"] = "/public"
assets = BustAssets(app)
assets.register("css", Bundle("css/base.css", filters="rcssmin", output="gen/site.%(version)s.css"))
assets.register("js", Bundle("js/app.js", filters="rjsmin", output="gen/site.js"))


@app.route("/public/<path:filename>")
def public(filename):  # the app (or its proxy) serves ASSETS_DIRECTORY at ASSETS_URL
    return send_from_directory(app.config["ASSETS_DIRECTORY"], filename)


@app.route("/")
def index():
    return render_template_string(PAGE)


PAGE = {page!r}
"""


def test_assets_directory_and_url(tmp_path: Path) -> None:
    from .apps import PAGE

    root = project(tmp_path, DIRECTORY_APP.format(page=PAGE))
    build(root)
    html = check_page(load_app(root).test_client())
    assert re.search(r'href="/public/gen/site\.[0-9a-f]{16}\.css"', html)
    assert re.search(r'src="/public/gen/site\.[0-9a-f]{16}\.js"', html)
    generated = root / OUT / "public/gen"  # in the output folder, by URL path; ASSETS_DIRECTORY is never written
    assert sorted(p.name.split(".")[0] for p in generated.iterdir() if p.suffix in (".css", ".js")) == ["site", "site"]
    assert not (root / "public").exists()


def test_a_filter_typo_is_one_line_naming_the_closest_filters(tmp_path: Path) -> None:
    root = shapes(tmp_path)
    app_py = root / "app.py"
    app_py.write_text(app_py.read_text().replace('filters="rcssmin"', 'filters="rcsmin"'))
    result = flask(root, "assets", "build")
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()  # one line, no traceback
    assert line.startswith(
        f"Error: the Bundle made at app.py:{_line_of(app_py, 'rcsmin')}: there is no webassets filter 'rcsmin'. "
        "Did you mean 'rcssmin' or 'rjsmin' or 'cssmin'?"
    )


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_stray_comma_in_stock_filters_is_one_line_naming_the_bundle_call(tmp_path: Path) -> None:
    root = shapes(tmp_path)
    app_py = root / "app.py"
    app_py.write_text(app_py.read_text().replace('filters="rcssmin"', 'filters="rcssmin,"'))
    result = flask(root, "assets", "build")
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()  # webassets' own "No filter ''" would be a traceback
    assert line == (
        f"Error: the Bundle made at app.py:{_line_of(app_py, 'rcssmin,')}: its filters name an empty filter "
        "(a stray comma?); remove it, e.g. filters='cssmin'."
    )
