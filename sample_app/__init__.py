"""A small real app using flask-bust-assets: factory, bundles, both template styles."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template

from flask_bust_assets import Bundle, BustAssets

from . import assets_page

assets = BustAssets()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; ``config`` overrides settings (tests pass a tmp manifest path)."""
    app = Flask(__name__)
    # FLASK_BUST_ASSETS_VERSIONING=query and the like, from the environment (JSON values parsed).
    app.config["BUST_ASSETS_MODULES"] = ["js/modules/main.js"]  # see templates/helpers.html
    app.config.from_prefixed_env()
    app.config.update(config or {})
    assets.init_app(app)
    if "site_css" not in assets:
        register_bundles()

    # What the build made, with sizes and headers: a development page only (it reads every file).
    show_assets = app.debug or bool(app.config.get("SAMPLE_ASSETS_PAGE"))
    if show_assets:
        assets_page.register(app)

    @app.get("/")
    def index() -> str:
        items = ["template literals", "calc()", "custom properties"]
        return render_template("index.html", items=items, show_assets=show_assets)

    @app.get("/helpers")
    def helpers() -> str:
        return render_template("helpers.html")

    return app


def register_bundles() -> None:
    """The bundles, declared once for every app this module creates.

    The outputs are written as in any Flask-Assets app; with filename versioning
    (the default) the digest is inserted: gen/site.<digest>.css. Under
    FLASK_BUST_ASSETS_VERSIONING=query they keep these names and URLs get ?v=<digest>.
    """
    assets.register(
        "site_css",
        Bundle("css/base.css", "css/layout.css", filters="bust_cssurls,bust_cssmin", output="gen/site.css"),
    )
    assets.register(
        "site_js",
        Bundle("js/greet.js", "js/app.js", filters="bust_jsmin", output="gen/site.js"),
    )
