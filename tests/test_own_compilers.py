"""An app's own LESS compiler filter, run as an output filter: an edited source or partial gets a new URL.

abilian-sbe's shape (tests/realapps): its ``Less`` filter writes one ``@import`` line
per source as the input step and compiles the merged lines as the output step
(``less_as_output``). webassets caches that output under the merged text, which
stays the same whatever the imported files hold, so stock Flask-Assets keeps
serving the first compile. Here each filter shape is known as a compiler (by
webassets' name, by subclassing webassets' filter, or by its ``.less`` sources),
and a real `flask assets build` (and a development render, in a real process)
gives new bytes under a new URL after each edit. lessc is the real one, from npm.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import GEN, MANIFEST, clean_env, npm_install, run_flask, write

LESS = "less@4.2.0"

# How each filter is declared: (its base class, its name). All write `@import` lines as the
# input step and run lessc on them from the output's folder as the output step, as abilian's does.
SHAPES = {
    "webassets' name, its own class (abilian)": ("ExternalTool", "less"),
    "a subclass of webassets' Less, a name of its own": ("Less", "site_less"),
    "its own class and name, given .less sources": ("ExternalTool", "lessc_of_mine"),
}

APP = """
import os
from flask import Flask
from flask_assets import Bundle
from flask_bust_assets import BustAssets
from webassets.filter import ExternalTool, register_filter
from webassets.filter.less import Less
from webassets.utils import working_directory


class AppLess({base}):
    name = {name!r}
    options = {{**{base}.options, "binary": "LESS_BIN", "as_output": "LESS_AS_OUTPUT"}}
    max_debug_level = None

    def input(self, _in, out, source_path, output_path, **kw):
        out.write('@import (less) "%s";\\n' % os.path.relpath(source_path, os.path.dirname(output_path)))

    def output(self, _in, out, output_path, **kw):
        with working_directory(filename=output_path):
            self.subprocess([self.binary, "-"], out, _in)


register_filter(AppLess)
app = Flask(__name__)
app.config.update(LESS_BIN={lessc!r}, LESS_AS_OUTPUT=True)
os.makedirs(os.path.join(app.static_folder, "gen"), exist_ok=True)  # lessc runs there, as abilian makes sure
assets = BustAssets(app)
assets.register("css", Bundle("less/main.less", filters=({name!r}, "cssmin"), output={output!r}))
"""

SOURCES = {
    "static/less/main.less": '@import "colors";\n.a { color: @brand; }\n',
    "static/less/colors.less": "@brand: #ff0000;\n",
}

RENDER = """
import json, sys, time
from flask import render_template_string
from app import app

def render():
    with app.test_request_context():
        return render_template_string('{% assets "css" %}{{ ASSET_URL }}{% endassets %}')

urls = [render()]
for path, text in json.loads(sys.argv[1]):
    time.sleep(0.01)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)
    urls.append(render())
client = app.test_client()
print(json.dumps([[url, client.get(url).get_data(as_text=True)] for url in urls]))
"""


def project(root: Path, shape: str, output: str = "gen/site.%(version)s.css") -> None:
    base, name = SHAPES[shape]
    for path, text in SOURCES.items():
        write(root, path, text)
    lessc = str(npm_install(LESS).parent / ".bin" / "lessc")
    write(root, "app.py", APP.format(base=base, name=name, lessc=lessc, output=output))


def built(root: Path) -> tuple[str, str]:
    """(digested path, bytes) of the bundle as the manifest names it."""
    path = json.loads((root / MANIFEST).read_text())["bundles"]["css"][0]["path"]
    return path, (root / GEN / path).read_text()


def edit(root: Path, path: str, text: str) -> None:
    time.sleep(0.01)  # a new mtime even on a coarse clock
    write(root, path, (root / path).read_text() + text)


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_rebuild_after_an_edit_gives_new_bytes_under_a_new_url(tmp_path: Path, shape: str) -> None:
    project(tmp_path, shape)
    first = run_flask(tmp_path, "assets", "build")
    assert first.returncode == 0, first.stdout + first.stderr
    seen = [built(tmp_path)]
    assert "#f00" in seen[0][1], seen[0][1]
    for path, text, expected in (
        ("static/less/colors.less", "@brand: #0000ff;\n", "#00f"),  # an imported file
        ("static/less/main.less", ".b { color: #123456; }\n", "#123456"),  # the bundle's source
    ):
        edit(tmp_path, path, text)
        result = run_flask(tmp_path, "assets", "build")
        assert result.returncode == 0, result.stdout + result.stderr
        url, css = built(tmp_path)
        assert url not in {u for u, _ in seen}, f"{path} edited, same URL {url}"
        assert expected in css, css
        seen.append((url, css))


@pytest.mark.parametrize("shape", list(SHAPES))
def test_debug_mode_renders_a_new_url_after_an_edit(tmp_path: Path, shape: str) -> None:
    project(tmp_path, shape)
    edits = [["static/less/colors.less", "@brand: #0000ff;\n"], ["static/less/main.less", ".b { color: #123456; }\n"]]
    done = subprocess.run(
        [sys.executable, "-c", RENDER, json.dumps(edits)],
        cwd=tmp_path, env=clean_env(FLASK_DEBUG="1"), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    (first, css0), (second, css1), (third, css2) = json.loads(done.stdout.splitlines()[-1])
    assert len({first, second, third}) == 3, (first, second, third)
    assert "#f00" in css0 and "#00f" in css1 and "#123456" in css2, (css0, css1, css2)
