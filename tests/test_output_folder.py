"""The output folder: every generated file goes there, laid out by URL path; sources are only read."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from flask import Flask
from flask_assets import Bundle

from flask_bust_assets import ConfigError
from flask_bust_assets.web import commands

from .compat.apps import check_page, load_app
from .helpers import GEN, MANIFEST, OUT, clean_env, make_app, run_flask, write

LOOK_ALIKE = "vendor/lib.1a2b3c4d5e6f7a8b.js"  # the user's own file; its name merely looks digested

APP = """
import os
from flask import Blueprint, Flask, render_template_string
from flask_bust_assets import Bundle, BustAssets

app = Flask(__name__)
app.config.from_prefixed_env()
app.config["ASSETS_AUTO_BUILD"] = os.environ.get("AUTO_BUILD") == "1"
admin = Blueprint("admin", __name__, static_folder="admin_static", static_url_path="/static", url_prefix="/admin")
app.register_blueprint(admin)
assets = BustAssets(app)
assets.register("css", Bundle("css/*.css", filters="bust_cssurls,bust_cssmin", output="gen/site.%(version)s.css"))
assets.register("js", Bundle("js/app.js", "vendor/lib.js", filters="bust_jsmin", output="gen/site.%(version)s.js"))
admin_css = Bundle("admin/css/admin.css", filters="bust_cssurls", output="admin/gen/a.%(version)s.css")
assets.register("admin_css", admin_css)

PAGE = '''{{ asset_tags("css") }}{{ asset_tags("js") }}{{ asset_tags("admin_css") }}
<img src="{{ url_for('static', filename='img/logo.svg') }}">
<script src="{{ url_for('static', filename='LOOK_ALIKE') }}"></script>'''

@app.get("/")
def index():
    return render_template_string(PAGE)
""".replace("LOOK_ALIKE", LOOK_ALIKE)

SOURCES = {
    "static/css/a.css": ".a { background: url(../img/logo.svg) }\n",
    "static/css/b.css": "".join(f".b{i} {{ color: blue }}\n" for i in range(100)),  # over MIN_SIZE: compressed
    "static/img/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n',
    "static/js/app.js": "window.app = `ready  ` + 1;\n" * 30,
    "static/vendor/lib.js": "window.lib = 1;\n",
    f"static/{LOOK_ALIKE}": "window.lookAlike = 2;\n",
    "admin_static/css/admin.css": ".badge { background: url(../img/badge.svg) }\n",
    "admin_static/img/badge.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
}


def project(root: Path) -> Path:
    for rel, text in SOURCES.items():
        write(root, rel, text)
    write(root, "app.py", APP)
    two_days_ago = time.time() - 2 * 86400  # old enough for `clean --age 0` and the day-long default alike
    os.utime(root / "static" / LOOK_ALIKE, (two_days_ago, two_days_ago))
    return root


def sources(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of every source folder: name -> (bytes, mtime)."""
    found = {}
    for folder in ("static", "admin_static"):
        for path in sorted(p for p in (root / folder).rglob("*") if p.is_file()):
            found[path.relative_to(root).as_posix()] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


def flask(root: Path, *args: str, **env: str) -> str:
    result = run_flask(root, *args, env=clean_env(**env))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_build_development_and_clean_leave_every_source_folder_as_it_was(tmp_path: Path) -> None:
    root = project(tmp_path)
    before = sources(root)
    flask(root, "assets", "build")
    assert sources(root) == before
    # Development renders digest and write what they link, into the output folder too.
    development = tmp_path / "development"
    project(development)
    dev_before = sources(development)
    dev_app = load_app(development)
    dev_app.config["ASSETS_AUTO_BUILD"] = True
    check_page(dev_app.test_client())
    assert sources(development) == dev_before
    assert list((development / GEN).rglob("site.*.css"))
    # clean retires generations; it looks only inside the output folder.
    (root / "static/css/b.css").write_text(".b { color: red }\n")
    flask(root, "assets", "build")
    before = sources(root)
    removed = flask(root, "assets", "clean", "--keep", "1", "--age", "0")
    assert "removed" in removed and LOOK_ALIKE not in removed
    assert sources(root) == before  # the look-alike file of the user's included


def test_generated_files_are_laid_out_by_url_path(tmp_path: Path) -> None:
    root = project(tmp_path)
    flask(root, "assets", "build")
    manifest = json.loads((root / MANIFEST).read_text())
    (css,) = manifest["bundles"]["css"]
    (admin,) = manifest["bundles"]["admin_css"]
    assert (root / GEN / css["path"]).is_file() and (root / GEN / f"{css['path']}.br").is_file()
    assert (root / OUT / "admin/static" / admin["path"].removeprefix("admin/")).is_file()
    assert (root / OUT / "admin/static" / manifest["files"]["admin.static"]["img/badge.svg"]["path"]).is_file()
    # The look-alike is a source like any other: digested under its own name, linked and served.
    digested = manifest["files"]["static"][LOOK_ALIKE]["path"]
    assert re.fullmatch(r"vendor/lib\.1a2b3c4d5e6f7a8b\.[0-9a-f]{16}\.js", digested)
    html = check_page(load_app(root).test_client())  # every URL served with the integrity it carries
    assert f'src="/static/{digested}"' in html


def test_output_folder_is_a_setting(tmp_path: Path) -> None:
    root = project(tmp_path / "site")
    elsewhere = tmp_path / "build-output"
    flask(root, "assets", "build", FLASK_BUST_ASSETS_OUTPUT_FOLDER=str(elsewhere))
    assert (elsewhere / "assets-manifest.json").is_file()
    assert list((elsewhere / "static/gen").glob("site.*.css"))
    assert not (root / "instance/assets").exists()
    os.environ["FLASK_BUST_ASSETS_OUTPUT_FOLDER"] = str(elsewhere)  # read by the app's from_prefixed_env()
    try:
        app = load_app(root)
    finally:
        del os.environ["FLASK_BUST_ASSETS_OUTPUT_FOLDER"]
    check_page(app.test_client())


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        ("static", r"BUST_ASSETS_OUTPUT_FOLDER is .*/static, which overlaps the static folder"),
        ("static/gen", r"which overlaps the static folder .*; a build never writes into the sources"),
        (".", r"which overlaps the static folder"),  # holds the static folder
        ("..", r"which overlaps the static folder"),
    ],
)
def test_an_output_folder_overlapping_the_sources_is_refused(tmp_path: Path, folder: str, message: str) -> None:
    write(tmp_path, "static/css/a.css", ".a{}")
    app, _ = make_app(tmp_path, {"BUST_ASSETS_OUTPUT_FOLDER": str(tmp_path / folder)})
    with app.app_context(), pytest.raises(ConfigError, match=message):
        commands.build(app.extensions["bust_assets"])
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.css", "css", "static"]


def test_an_output_folder_holding_the_code_is_refused(tmp_path: Path) -> None:
    app = Flask("site", root_path=str(tmp_path / "project/code"), static_folder=str(tmp_path / "assets_src"))
    from flask_bust_assets import BustAssets

    BustAssets(app)
    app.config["BUST_ASSETS_OUTPUT_FOLDER"] = str(tmp_path / "project")
    with app.app_context(), pytest.raises(ConfigError, match=r"which holds the app's code"):
        commands.build(app.extensions["bust_assets"])


def test_a_bad_output_folder_is_one_line_from_the_cli(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = run_flask(root, "assets", "build", env=clean_env(FLASK_BUST_ASSETS_OUTPUT_FOLDER=str(root / "static")))
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: BUST_ASSETS_OUTPUT_FOLDER is ") and "Traceback" not in result.stderr


def test_query_versioning_serves_generated_plain_names_from_the_output_folder(tmp_path: Path) -> None:
    write(tmp_path, "static/css/a.css", ".a { color: red }\n")
    for development in (False, True):
        app, assets = make_app(
            tmp_path / str(development), {"BUST_ASSETS_VERSIONING": "query", "ASSETS_AUTO_BUILD": development}
        )
        write(tmp_path / str(development), "static/css/a.css", ".a { color: red }\n")
        assets.register("css", Bundle("css/a.css", filters="bust_cssmin", output="gen/plain.css"))
        if not development:
            with app.app_context():
                assert commands.build(app.extensions["bust_assets"]).ok
        with app.test_request_context():
            url = app.extensions["bust_assets"].urls("css")[0][0]
        assert re.fullmatch(r"/static/gen/plain\.css\?v=[0-9a-f]{16}", url)
        response = app.test_client().get(url)
        assert (response.status_code, response.data) == (200, b".a{color:red}")
        assert response.headers["Cache-Control"] == "public, max-age=60"  # rewritten in place: revalidated
        assert not (tmp_path / str(development) / "static/gen").exists()
