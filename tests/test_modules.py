"""JavaScript modules: the module graph a build records, and the import map importmap_tags renders."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template_string

from flask_bust_assets import UnknownAssetError
from flask_bust_assets.pipeline.modules import specifiers
from flask_bust_assets.web import commands

from .helpers import MANIFEST, make_app, write

MODULES = {
    "static/js/app.js": (
        'import { greet } from "./greet.js";\nimport { shout } from "./lib/shout.js";\n'
        'import htmx from "htmx.org";\n'
        '// import "./commented.js"\nconst s = "import x from \'./in-a-string.js\'";\n'
        'window.result = greet("you") + shout("!") + htmx.version;\n'
        'export const lazy = () => import("./lazy.js");\n'
    ),
    "static/js/greet.js": 'import { leaf } from "./lib/leaf.js";\nexport const greet = (w) => leaf + w;\n',
    "static/js/lib/shout.js": 'import { leaf } from "./leaf.js";\nexport const shout = (w) => leaf + w.repeat(2);\n',
    "static/js/lib/leaf.js": 'export const leaf = "leaf:";\n',
    "static/js/lazy.js": "export default 42;\n",
    "static/vendor/htmx.esm.js": 'export default { version: "2.0.3" };\n',
}
CONFIG = {"BUST_ASSETS_MODULES": ["js/app.js"], "BUST_ASSETS_IMPORTS": {"htmx.org": "vendor/htmx.esm.js"}}


def site(root: Path, config: dict[str, Any] | None = None) -> Flask:
    for rel, text in MODULES.items():
        write(root, rel, text)
    app, _ = make_app(root, {**CONFIG, **(config or {})})
    return app


def build(app: Flask) -> Any:
    with app.app_context():
        return commands.build(app.extensions["bust_assets"])


def render(app: Flask, source: str) -> str:
    with app.test_request_context("/"):
        return render_template_string(source)


def test_import_specifiers_are_found_by_a_parser_not_a_regex() -> None:
    static, dynamic = specifiers(MODULES["static/js/app.js"].encode())
    assert static == ["./greet.js", "./lib/shout.js", "htmx.org"]  # not the comment, not the string
    assert dynamic == ["./lazy.js"]


def test_the_build_records_the_graph_and_the_helper_renders_an_import_map(tmp_path: Path) -> None:
    app = site(tmp_path)
    assert build(app).ok
    graph = json.loads((tmp_path / MANIFEST).read_text())["modules"]["js/app.js"]
    assert [m[1] for m in graph["modules"]] == [
        "js/app.js", "js/greet.js", "js/lib/shout.js", "vendor/htmx.esm.js", "js/lazy.js", "js/lib/leaf.js",
    ]  # fmt: skip
    assert [m[1] for m in graph["preload"]] == [
        "js/greet.js",
        "js/lib/shout.js",
        "vendor/htmx.esm.js",
        "js/lib/leaf.js",
    ]
    html = render(app, '{{ importmap_tags("js/app.js") }}')
    document = json.loads(re.search(r'<script type="importmap">(.*?)</script>', html, re.S)[1])  # type: ignore[index]
    files = json.loads((tmp_path / MANIFEST).read_text())["files"]["static"]
    leaf = "/static/" + files["js/lib/leaf.js"]["path"]
    assert document["imports"]["/static/js/lib/leaf.js"] == leaf  # the plain URL a browser resolves
    assert document["imports"]["htmx.org"] == "/static/" + files["vendor/htmx.esm.js"]["path"]
    assert document["integrity"][leaf] == files["js/lib/leaf.js"]["integrity"]
    assert html.count('rel="modulepreload"') == 4
    app_url = "/static/" + files["js/app.js"]["path"]
    assert f'<script type="module" src="{app_url}" integrity="{files["js/app.js"]["integrity"]}"></script>' in html
    # Module bytes are not rewritten: a module's digest is its own bytes'.
    assert (tmp_path / "instance/assets/static" / files["js/app.js"]["path"]).read_text() == MODULES["static/js/app.js"]


def test_development_builds_the_graph_on_each_render(tmp_path: Path) -> None:
    app = site(tmp_path, {"ASSETS_AUTO_BUILD": True})
    first = render(app, '{{ importmap_tags("js/app.js") }}')
    write(tmp_path, "static/js/lib/leaf.js", 'export const leaf = "new leaf:";\n')
    second = render(app, '{{ importmap_tags("js/app.js") }}')
    changed = set(re.findall(r"/static/[\w/.]+\.[0-9a-f]{16}\.js", second)) - set(re.findall(r"/static/[\w/.]+", first))
    assert {re.sub(r"\.[0-9a-f]{16}", "", url) for url in changed} == {"/static/js/lib/leaf.js"}
    assert app.test_client().get(next(iter(changed))).data == b'export const leaf = "new leaf:";\n'


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("static/js/greet.js", 'import "./missing.js";\n'),
            r"greet\.js imports './missing\.js', and .* does not exist",
        ),
        (("static/js/greet.js", 'import "left-pad";\n'), r"greet\.js imports 'left-pad', a bare name nobody pinned"),
        (
            ("static/js/greet.js", 'import "../../../etc/x.js";\n'),
            r"greet\.js imports '\.\./\.\./\.\./etc/x\.js', which leaves",
        ),
    ],
)
def test_an_import_that_does_not_resolve_fails_the_build_naming_importer_and_specifier(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    app = site(tmp_path)
    write(tmp_path, *edit)
    report = build(app)
    assert not report.ok and not (tmp_path / MANIFEST).exists()
    assert any(re.search(message, str(error)) for error in report.static.errors), report.static.errors


def test_an_entry_point_the_manifest_does_not_know_is_an_error(tmp_path: Path) -> None:
    app = site(tmp_path)
    assert build(app).ok
    with pytest.raises(UnknownAssetError, match=r"Module entry point 'js/other\.js' is not in the manifest"):
        render(app, '{{ importmap_tags("js/other.js") }}')


def test_several_entry_points_share_one_import_map(tmp_path: Path) -> None:
    app = site(tmp_path, {"BUST_ASSETS_MODULES": ["js/app.js", "js/lazy.js"]})
    assert build(app).ok
    html = render(app, '{{ importmap_tags("js/app.js", "js/lazy.js") }}')
    assert html.count('<script type="importmap">') == 1  # a page may have only one that matters
    assert html.count('<script type="module"') == 2
    assert html.index("importmap") < html.index("modulepreload") < html.index('type="module"')
