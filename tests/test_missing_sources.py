"""A bundle without output naming files that do not exist: their plain URLs and a warning, as stock gives.

Stock Flask-Assets renders such a bundle's URLs whatever is on disk (Flask-Assets'
own suite relies on it): a missing static file is a warning and a plain URL, as
Flask links it, never a BuildError at render or a failed build.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Blueprint, Flask, render_template_string
from flask_assets import Bundle

from flask_bust_assets.core.digest import content_digest
from flask_bust_assets.web import commands

from .helpers import MANIFEST, MODES, make_app, run_flask, write

JS = "console.log(1);\n"
TAG = '{% assets "linked" %}{{ ASSET_URL }} {{ ASSET_SRI }}\n{% endassets %}'


def site(root: Path, config: dict[str, Any] | None = None) -> Flask:
    write(root, "static/js/a.js", JS)
    app, assets = make_app(root, config)
    admin = Blueprint("admin", __name__, root_path=str(root / "admin"), static_folder="static")
    (root / "admin/static").mkdir(parents=True, exist_ok=True)
    app.register_blueprint(admin, url_prefix="/admin")
    assets.register("linked", Bundle("js/a.js", "js/missing.js", "admin/gone.css"))
    return app


def build(app: Flask) -> Any:
    with app.app_context():
        return commands.build(app.extensions["bust_assets"])


def rendered(app: Flask) -> list[list[str]]:
    with app.test_request_context("/"):
        lines = render_template_string(TAG).splitlines()
        assert app.extensions["bust_assets"].env["linked"].urls() == [line.split()[0] for line in lines]
    return [line.split() for line in lines]


@pytest.mark.parametrize("mode", MODES)
def test_missing_sources_render_their_plain_urls_with_a_warning(
    tmp_path: Path, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    config, prebuilt = MODES[mode]
    app = site(tmp_path, config)
    if prebuilt:
        assert build(app).ok
    with caplog.at_level("WARNING", logger="flask_bust_assets"):
        lines = rendered(app)
    assert [line[0] for line in lines] == [
        f"/static/js/a.{content_digest(JS.encode())}.js",
        "/static/js/missing.js",  # as Flask links it, and as stock renders it
        "/admin/static/gone.css",
    ]
    assert lines[0][1].startswith("sha384-")
    assert [line[1] for line in lines[1:]] == ["None", "None"]  # stock's ASSET_SRI for a file it cannot read
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "'js/missing.js' (endpoint 'static')" in warned and "'gone.css' (endpoint 'admin.static')" in warned
    assert app.test_client().get(lines[0][0]).data == JS.encode()


def test_a_missing_source_that_appears_is_digested_on_the_next_render(tmp_path: Path) -> None:
    app = site(tmp_path, {"ASSETS_AUTO_BUILD": True})
    assert rendered(app)[1][0] == "/static/js/missing.js"
    time.sleep(0.01)
    write(tmp_path, "static/js/missing.js", JS + "//\n")
    assert rendered(app)[1][0] == f"/static/js/missing.{content_digest((JS + '//' + chr(10)).encode())}.js"


def test_asset_tags_leaves_out_the_integrity_of_a_missing_source(tmp_path: Path) -> None:
    app = site(tmp_path)
    assets = app.extensions["bust_assets"].env
    assets.register("scripts", Bundle("js/a.js", "js/missing.js"))
    assert build(app).ok
    with app.test_request_context("/"):
        html = render_template_string('{{ asset_tags("scripts") }}')
    assert html.splitlines()[1] == '<script src="/static/js/missing.js" crossorigin="anonymous"></script>'


def test_the_build_warns_naming_bundle_and_file_and_succeeds(tmp_path: Path) -> None:
    write(tmp_path, "static/js/a.js", JS)
    write(
        tmp_path,
        "app.py",
        "from flask import Flask\nfrom flask_assets import Bundle\nfrom flask_bust_assets import BustAssets\n"
        "app = Flask(__name__)\nassets = BustAssets(app)\n"
        'assets.register("linked", Bundle("js/a.js", "js/missing.js"))\n',
    )
    built = run_flask(tmp_path, "assets", "build")
    assert built.returncode == 0, built.stderr
    assert (
        "warning: bundle 'linked': source file js/missing.js does not exist in its static folder; "
        "linked under its plain URL, /static/js/missing.js, which answers 404 until it does"
    ) in built.stderr
    (_, missing) = json.loads((tmp_path / MANIFEST).read_text())["bundles"]["linked"]
    assert missing["path"] == "js/missing.js" and missing["digest"] == ""
    checked = run_flask(tmp_path, "assets", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The file appears: the manifest is stale until the next build digests it.
    write(tmp_path, "static/js/missing.js", JS)
    assert run_flask(tmp_path, "assets", "check").returncode != 0
    assert run_flask(tmp_path, "assets", "build").returncode == 0
    (_, found) = json.loads((tmp_path / MANIFEST).read_text())["bundles"]["linked"]
    assert found["path"] == f"js/missing.{content_digest(JS.encode())}.js"
