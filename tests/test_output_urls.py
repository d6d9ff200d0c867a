"""``url_for('static', filename=<a bundle's output>)``: the bundle's current output, in every mode.

Apps written for stock Flask-Assets link an output by name (``Bundle(...,
output="gen/site.css")`` and ``url_for('static', filename='gen/site.css')``). The
build writes it only to the output folder, under a digested name, so the plain
URL would 404 or serve a stale copy an earlier stock build left in ``static/``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Blueprint, Flask, render_template_string, url_for
from flask_assets import Bundle

from flask_bust_assets import BuildError, UnknownAssetError
from flask_bust_assets.core.digest import content_digest
from flask_bust_assets.web import commands

from .helpers import MANIFEST, MODES, http, make_app, serve, write

STALE = "/* left in static/ by an earlier stock Flask-Assets build */\n"
CSS = "body { color: red }\n"


def site(root: Path, config: dict[str, Any] | None = None, output: str = "gen/site.css") -> Flask:
    """A stock Flask-Assets app: a bundle whose output a template links by name, and the
    stale copy of that output an earlier stock build left in the static folder."""
    write(root, "static/css/site.css", CSS)
    write(root, "static/" + output.replace("%(version)s", "0123abcd"), STALE)
    write(root, "static/gen/site.css", STALE)
    app, assets = make_app(root, config)
    assets.register("site_css", Bundle("css/site.css", output=output))
    return app


def build(app: Flask) -> None:
    with app.app_context():
        assert commands.build(app.extensions["bust_assets"]).ok


def linked(app: Flask, filename: str = "gen/site.css", endpoint: str = "static") -> tuple[str, str]:
    """(what url_for gives, what {% assets %} gives) for the output."""
    with app.test_request_context("/"):
        return (
            url_for(endpoint, filename=filename),
            render_template_string('{% assets "site_css" %}{{ ASSET_URL }}{% endassets %}'),
        )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("versioning", ["filename", "query"])
def test_url_for_an_output_gives_the_current_output_never_the_stale_copy(
    tmp_path: Path, mode: str, versioning: str
) -> None:
    config, prebuilt = MODES[mode]
    app = site(tmp_path, {**config, "BUST_ASSETS_VERSIONING": versioning})
    if prebuilt:
        build(app)
    url, tag = linked(app)
    expected = (
        f"/static/gen/site.{content_digest(CSS.encode())}.css"
        if versioning == "filename"
        else f"/static/gen/site.css?v={content_digest(CSS.encode())}"
    )
    assert url == tag == expected
    response = app.test_client().get(url)
    assert response.status_code == 200
    assert response.data.decode() == CSS  # the bundle's output, not the stale copy
    if versioning == "filename":
        assert "immutable" in response.headers["Cache-Control"]


@pytest.mark.parametrize("mode", ["development", "no manifest yet"])
def test_url_for_an_output_follows_an_edited_source_without_a_build(tmp_path: Path, mode: str) -> None:
    app = site(tmp_path, MODES[mode][0])
    first, _ = linked(app)
    time.sleep(0.01)
    write(tmp_path, "static/css/site.css", "body { color: blue }\n")
    # Asked before any {% assets %} renders: url_for rebuilds the stale output itself.
    second, tag = linked(app)
    assert second != first
    assert second == tag == f"/static/gen/site.{content_digest(b'body { color: blue }' + bytes([10]))}.css"
    assert app.test_client().get(second).data == b"body { color: blue }\n"


def test_url_for_an_output_that_cannot_build_in_development_fails_as_the_tag_does(tmp_path: Path) -> None:
    # Never the last good URL nor the stale copy: the page shows the error that names the fix.
    app = site(tmp_path, {"ASSETS_AUTO_BUILD": True})
    linked(app)
    (tmp_path / "static/css/site.css").unlink()
    with app.test_request_context("/"), pytest.raises(BuildError, match=r"bundle 'site_css': source file .*site\.css"):
        url_for("static", filename="gen/site.css")


@pytest.mark.parametrize("mode", MODES)
def test_the_plain_name_of_an_output_serves_the_current_output(tmp_path: Path, mode: str) -> None:
    # A page cached before the switch, or a hard-coded href, asks for the plain name.
    config, prebuilt = MODES[mode]
    app = site(tmp_path, config)
    if prebuilt:
        build(app)
    response = app.test_client().get("/static/gen/site.css")
    assert response.status_code == 200
    assert response.data.decode() == CSS
    assert response.headers["Cache-Control"] == "public, max-age=60"  # a plain name: revalidated
    assert app.test_client().get("/static/css/site.css").data.decode() == CSS  # other plain names: untouched


def test_an_output_named_with_its_version_placeholder(tmp_path: Path) -> None:
    # The output's own name, placeholder and all, names the output; it resolves like the tag.
    app = site(tmp_path, output="gen/site.%(version)s.css")
    build(app)
    url, tag = linked(app, "gen/site.%(version)s.css")
    assert url == tag == f"/static/gen/site.{content_digest(CSS.encode())}.css"
    assert app.test_client().get(url).data.decode() == CSS


def test_a_blueprint_output(tmp_path: Path) -> None:
    write(tmp_path, "admin/static/admin.css", CSS)
    app, assets = make_app(tmp_path)
    admin = Blueprint("admin", __name__, root_path=str(tmp_path / "admin"), static_folder="static")
    app.register_blueprint(admin, url_prefix="/admin")
    write(tmp_path, "admin/static/gen/a.css", STALE)
    assets.register("admin_css", Bundle("admin/admin.css", output="admin/gen/a.css"))
    build(app)
    with app.test_request_context("/"):
        url = url_for("admin.static", filename="gen/a.css")
        assert url == render_template_string('{{ asset_url("admin_css") }}')
    assert url == f"/admin/static/gen/a.{content_digest(CSS.encode())}.css"
    assert app.test_client().get(url).data.decode() == CSS


def test_assets_directory_set_to_the_static_folder(tmp_path: Path) -> None:
    # A common stock set-up: ASSETS_DIRECTORY/ASSETS_URL point at the static folder itself.
    app = site(tmp_path, {"ASSETS_DIRECTORY": str(tmp_path / "static"), "ASSETS_URL": "/static"})
    build(app)
    url, tag = linked(app)
    assert url == tag == f"/static/gen/site.{content_digest(CSS.encode())}.css"
    assert app.test_client().get(url).data.decode() == CSS


def test_with_a_cdn_the_output_is_linked_on_the_cdn(tmp_path: Path) -> None:
    cdn = "https://cdn.example.test/site"
    app = site(tmp_path, {"BUST_ASSETS_CDN_URL": cdn})
    build(app)
    url, tag = linked(app)
    assert url == tag == f"{cdn}/static/gen/site.{content_digest(CSS.encode())}.css"


def test_an_output_registered_after_the_build_warns_and_links_the_plain_name(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = site(tmp_path)
    build(app)
    app.extensions["bust_assets"].env.register("late", Bundle("css/site.css", output="gen/late.css"))
    with app.test_request_context("/"), caplog.at_level("WARNING", logger="flask_bust_assets"):
        assert url_for("static", filename="gen/late.css") == "/static/gen/late.css"
    assert [r.getMessage() for r in caplog.records] == [
        "Static file 'gen/late.css' (endpoint 'static') is the output of bundle 'late', which is not in the "
        f"manifest {tmp_path / MANIFEST}. Run `flask assets build`. Linking it under its plain name."
    ]
    # BUST_ASSETS_STRICT refuses the registration itself; this setting makes the link an error.
    strict = site(tmp_path, {"BUST_ASSETS_MISSING_STATIC": "error"})
    strict.extensions["bust_assets"].env.register("late", Bundle("css/site.css", output="gen/late.css"))
    with strict.test_request_context("/"), pytest.raises(UnknownAssetError, match="is the output of bundle 'late'"):
        url_for("static", filename="gen/late.css")


def test_over_a_real_http_server(tmp_path: Path) -> None:
    app = site(tmp_path)
    build(app)
    url, _ = linked(app)
    with serve(app) as base:
        status, headers, body = http(base, url, headers={"Accept-Encoding": "identity"})
        plain = http(base, "/static/gen/site.css")
    assert (status, body.decode()) == (200, CSS)
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert plain[0] == 200 and plain[2].decode() == CSS
    assert json.loads((tmp_path / MANIFEST).read_text())["bundles"]["site_css"][0]["path"] == url.removeprefix(
        "/static/"
    )
