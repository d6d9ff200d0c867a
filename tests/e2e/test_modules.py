"""JavaScript modules through an import map, in Chromium: a changed module is the only file fetched again.

A module app (an entry importing two modules that share a leaf, one dynamic
import, one pinned bare specifier) built by the real CLI and served by gunicorn.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..helpers import FLASK, OUT, clean_env, write
from ..test_modules import MODULES
from .conftest import Tab
from .deployment import Server

APP = """
from flask import Flask, render_template_string
from flask_bust_assets import BustAssets

app = Flask(__name__)
app.config["BUST_ASSETS_MODULES"] = ["js/app.js"]
app.config["BUST_ASSETS_IMPORTS"] = {"htmx.org": "vendor/htmx.esm.js"}
BustAssets(app)

@app.get("/")
def index():
    return render_template_string("<!doctype html><title>modules</title>{{ importmap_tags('js/app.js') }}")
"""
ENTRY = MODULES["static/js/app.js"].replace(
    'export const lazy = () => import("./lazy.js");', 'import("./lazy.js").then((m) => { window.lazy = m.default; });'
)


@dataclass
class Site:
    root: Path
    env: dict[str, str]

    def build(self) -> None:
        result = subprocess.run(
            [FLASK, "--app", "app", "assets", "build"], cwd=self.root, env=self.env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr

    def manifest(self) -> dict[str, dict[str, str]]:
        doc = json.loads((self.root / OUT / "assets-manifest.json").read_text())
        return {logical: entry for logical, entry in doc["files"]["static"].items()}


def module_site(root: Path) -> Site:
    for rel, text in {**MODULES, "static/js/app.js": ENTRY}.items():
        write(root, rel, text)
    write(root, "app.py", APP)
    site = Site(root, clean_env())
    site.build()
    return site


def run(tab: Tab, url: str) -> list[object]:
    tab.goto(url)
    tab.page.wait_for_function("window.result !== undefined && window.lazy !== undefined", timeout=10_000)
    return [tab.js("window.result"), tab.js("window.lazy")]


def test_a_changed_module_is_the_only_file_a_returning_visitor_fetches(
    tmp_path: Path, tabs: Callable[..., Tab]
) -> None:
    site = module_site(tmp_path)
    server = Server(site, target="app:app")
    try:
        first = tabs()
        assert run(first, server.base + "/") == ["leaf:youleaf:!!2.0.3", 42]
        old_page = server.page("/")
        assert all(r["status"] == 200 for r in first.responses())
        # Deploy: only the shared leaf changes.
        write(tmp_path, "static/js/lib/leaf.js", 'export const leaf = "new:";\n')
        site.build()
        new_leaf = "/static/" + site.manifest()["js/lib/leaf.js"]["path"]
        server.reload(expect=new_leaf)
        server.mark()
        returning = tabs(context=first.page.context)
        assert run(returning, server.base + "/") == ["new:younew:!!2.0.3", 42]
        assert server.requests() == ["/", new_leaf]  # the page and the new leaf: nothing else
        # A repeat visit asks for no module at all (immutable, cached).
        server.mark()
        again = tabs(context=first.page.context)
        assert run(again, server.base + "/") == ["new:younew:!!2.0.3", 42]
        assert server.requests() == ["/"]
        # A page rendered before the deploy still runs: the old generation is still served.
        (tmp_path / "static/old.html").write_text(old_page)
        assert run(tabs(), server.base + "/static/old.html") == ["leaf:youleaf:!!2.0.3", 42]
    finally:
        server.stop()


def test_a_tampered_module_is_refused_by_the_import_maps_integrity(tmp_path: Path, tabs: Callable[..., Tab]) -> None:
    site = module_site(tmp_path)
    greet = tmp_path / OUT / "static" / site.manifest()["js/greet.js"]["path"]
    greet.write_text(greet.read_text().replace("leaf + w", "'tampered:' + w"))
    server = Server(site, target="app:app")
    try:
        tab = tabs()
        tab.goto(server.base + "/")
        tab.page.wait_for_timeout(500)
        assert tab.js("window.result") is None
        assert any("integrity" in text.lower() for text in tab.console()), tab.console()
    finally:
        server.stop()
