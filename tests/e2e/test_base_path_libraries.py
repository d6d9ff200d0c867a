"""Libraries that find their own files from their script's URL, in a real browser.

CKEditor 4 (like TinyMCE, Ace, MathJax and pdf.js) derives its base path from
its own <script src>: ``ckeditor.js`` must be the last part of the URL. Under a
digested name the match fails and it loads its config, skin and language from
the page's folder instead. docs/troubleshooting.md documents the fix this test
proves: BUST_ASSETS_STATIC_EXCLUDE for the library's folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask, render_template_string

from flask_bust_assets import BustAssets
from flask_bust_assets.web import commands

from ..helpers import npm_package, serve
from .conftest import DIGESTED, Tab

CKEDITOR = "ckeditor4@4.22.1"  # the last release under an open-source licence
PAGE = """<!doctype html><html><body><textarea id="editor">hello</textarea>
<script src="{{ url_for('static', filename='vendor/ckeditor/ckeditor.js') }}"></script>
<script>
  CKEDITOR.on("instanceReady", () => { window.editorReady = true; });
  CKEDITOR.replace("editor", { versionCheck: false });
</script></body></html>"""


def ckeditor_site(root: Path, config: dict[str, object]) -> Flask:
    shutil.copytree(npm_package(CKEDITOR), root / "static/vendor/ckeditor", ignore=shutil.ignore_patterns("samples"))
    app = Flask("site", root_path=str(root), instance_path=str(root / "instance"))
    app.config.update(config)
    BustAssets(app)
    app.add_url_rule("/", "index", lambda: render_template_string(PAGE))
    with app.app_context():
        assert commands.build(app.extensions["bust_assets"]).ok
    return app


@pytest.mark.parametrize(
    ("config", "works"),
    [
        # Only the entry script digested: the base path detection breaks.
        ({"BUST_ASSETS_STATIC_INCLUDE": ["vendor/ckeditor/ckeditor.js"]}, False),
        # The documented fix: leave the library's folder under its plain names.
        ({"BUST_ASSETS_STATIC_EXCLUDE": ["vendor/ckeditor/*"]}, True),
    ],
    ids=["digested", "excluded"],
)
def test_ckeditor_finds_its_files_only_when_its_folder_is_excluded(
    tmp_path: Path, tabs: Callable[..., Tab], config: dict[str, object], works: bool
) -> None:
    app = ckeditor_site(tmp_path, config)
    with serve(app) as base:
        tab = tabs()
        tab.goto(base + "/")
        script = tab.js("document.querySelector('body script[src]').src")
        assert bool(DIGESTED.search(script)) is not works
        if works:
            tab.page.wait_for_function("window.editorReady === true", timeout=20_000)
            assert tab.js("CKEDITOR.basePath") == base + "/static/vendor/ckeditor/"
            assert tab.js("CKEDITOR.instances.editor.getData()") == "<p>hello</p>\n"
        else:
            assert tab.js("CKEDITOR.basePath") == base + "/"  # the page's folder: every file it loads 404s
            tab.page.wait_for_timeout(1_000)
            assert not tab.js("window.editorReady === true")
