"""Only Flask's static view, serving a plain static file to anyone, gets BUST_ASSETS_PLAIN_MAX_AGE.

Everything else keeps the app's own Cache-Control: a per-user view that says
``no-cache`` must never become ``public`` (a shared cache would hand one user's
data to the next). Over a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Blueprint, Flask, Response, session

from flask_bust_assets.web import commands

from .helpers import http, make_app, serve, write

PLAIN = "public, max-age=60"


def per_user(name: str) -> Response:
    response = Response(f'{{"user": "{name}"}}', mimetype="application/json")
    response.headers["Cache-Control"] = "no-cache"
    return response


def site(root: Path, **flask_options: str) -> Flask:
    write(root, "static/robots.txt", "User-agent: *\n")
    write(root, "static/me.css", "body{}\n")
    write(root, "admin/static/admin.txt", "admin\n")
    app = Flask("site", root_path=str(root), instance_path=str(root / "instance"), **flask_options)  # type: ignore[arg-type]
    app.config.update(TESTING=True, SECRET_KEY="test", BUST_ASSETS_STATIC_EXCLUDE=["robots.txt", "admin.txt"])
    app.register_blueprint(Blueprint("admin", "admin", root_path=str(root / "admin"), static_folder="static",
                                     static_url_path="/admin/static"))  # fmt: skip

    @app.get("/api/me")
    def me() -> Response:
        return per_user("alice")

    @app.get(f"{app.static_url_path}/me.js")
    def me_js() -> Response:  # a view under the static prefix, not a static file
        return per_user("alice")

    @app.before_request
    def gate() -> Response | None:
        from flask import request

        if request.path.endswith("private.txt"):  # answered before the static view runs
            return per_user("alice")
        if request.args.get("login"):
            session["user"] = "alice"  # a Set-Cookie on a static file's response
        return None

    from flask_bust_assets import BustAssets

    BustAssets(app)
    with app.app_context():
        assert commands.build(app.extensions["bust_assets"]).ok
    return app


@pytest.fixture(scope="module", params=["/static", ""], ids=["static_url_path=/static", "static_url_path=''"])
def base(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    prefix = request.param
    app = site(tmp_path_factory.mktemp("plain"), static_url_path=prefix)
    with serve(app) as url:
        yield url, prefix


@pytest.mark.parametrize(
    ("path", "headers", "expected"),
    [
        ("/robots.txt", {}, PLAIN),  # a plain static file: Flask's view, no-cache becomes a short max-age
        ("/admin/static/admin.txt", {}, PLAIN),  # a blueprint's static view too
        ("/api/me", {}, "no-cache"),  # a per-user view: the app's own header
        ("/me.js", {}, "no-cache"),  # a view at a path under the static prefix
        ("/robots.txt", {"Authorization": "Bearer alice"}, "no-cache"),  # a request a shared cache must not share
        ("/private.txt", {}, "no-cache"),  # a before_request answer for a static URL: not the static view's
        ("/robots.txt?login=1", {}, None),  # a response setting a cookie: never made public
    ],
)
def test_only_flasks_static_view_gets_the_plain_max_age(
    base: tuple[str, str], path: str, headers: dict[str, str], expected: str | None
) -> None:
    url, prefix = base
    if not path.startswith("/admin/"):
        path = prefix + path if path not in ("/api/me",) else path
    status, got, body = http(url, path, headers=headers)
    assert status == 200, body
    if expected is None:
        assert "set-cookie" in got
        assert "public" not in got.get("cache-control", "")
    else:
        assert got.get("cache-control") == expected
    if expected != PLAIN:
        assert "expires" not in got


def test_a_max_age_the_app_set_itself_is_left_alone(tmp_path: Path) -> None:
    write(tmp_path, "static/robots.txt", "User-agent: *\n")
    app, _ = make_app(tmp_path, {"SEND_FILE_MAX_AGE_DEFAULT": 300, "BUST_ASSETS_STATIC_EXCLUDE": ["robots.txt"]})
    with app.app_context():
        assert commands.build(app.extensions["bust_assets"]).ok
    with serve(app) as url:
        assert http(url, "/static/robots.txt")[1]["cache-control"] == "public, max-age=300"
