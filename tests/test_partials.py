"""Sass/SCSS and LESS partials, without ``depends=``: an edited partial rebuilds its bundle.

Real compilers (libsass from PyPI; dart-sass and lessc from npm at pinned versions)
run through webassets' own ``libsass``, ``scss`` and ``less`` filters; the real
`flask assets build`, `check` and `watch` run as subprocesses. One partial sits in
the static folder, next to its stylesheet; another in a load path outside it.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template_string
from flask_assets import Bundle

from .helpers import FLASK, GEN, MANIFEST, clean_env, make_app, npm_install, run_flask, write

SASS = "sass@1.108.2"
LESS = "less@4.9.1"


def binary(spec: str, name: str) -> str:
    """The command-line program ``name`` of the npm package ``spec``, installed once."""
    return str(npm_install(spec).parent / ".bin" / name)


# compiler -> (filter, stylesheet, {partial: (file, first colour)}, its settings given the load path)
COMPILERS: dict[str, Any] = {
    "libsass": (
        "libsass",
        ("static/scss/main.scss", '@import "colors";\n@import "theme";\n.a { color: $brand; border-color: $edge; }\n'),
        {"near": ("static/scss/_colors.scss", "$brand: #ff0000;\n"), "far": ("lib/_theme.scss", "$edge: #00ff00;\n")},
        lambda lib: {"LIBSASS_INCLUDES": [lib], "LIBSASS_STYLE": "compressed"},
    ),
    "dart-sass": (
        "scss",
        (
            "static/scss/main.scss",
            '@use "sass:math";\n@use "colors" as c;\n@use "theme";\n'
            ".a { color: c.$brand; border-color: theme.$edge; width: math.div(10px, 2); }\n",
        ),
        {
            "near": ("static/scss/_colors.scss", "$brand: #ff0000;\n"),
            "far": ("lib/theme/_index.scss", "$edge: #00ff00;\n"),
        },
        lambda lib: {"SASS_BIN": binary(SASS, "sass"), "SASS_LOAD_PATHS": [lib], "SASS_STYLE": "compressed"},
    ),
    "less": (
        "less",
        (
            "static/less/main.less",
            '@import "colors";\n@import (reference) "theme";\n.a { color: @brand; border-color: @edge; }\n',
        ),
        {"near": ("static/less/colors.less", "@brand: #ff0000;\n"), "far": ("lib/theme.less", "@edge: #00ff00;\n")},
        lambda lib: {"LESS_BIN": binary(LESS, "lessc"), "LESS_PATHS": [lib]},
    ),
}

APP = """
import json
from flask import Flask
from flask_assets import Bundle
from flask_bust_assets import BustAssets

app = Flask(__name__)
app.config.update(json.loads({config!r}))
assets = BustAssets(app)
assets.register("css", Bundle({source!r}, filters={filters!r}, output="gen/site.%(version)s.css"))
"""


def project(root: Path, compiler: str, main: str | None = None) -> dict[str, Any]:
    """Write the stylesheet, its partials and app.py; return the app's settings."""
    filters, (source, text), partials, settings = COMPILERS[compiler]
    write(root, source, text if main is None else main)
    for path, partial in partials.values():
        write(root, path, partial)
    config = settings(str(root / "lib"))
    write(root, "app.py", APP.format(config=json.dumps(config), source=source.removeprefix("static/"), filters=filters))
    return config


def edit(root: Path, compiler: str, which: str, colour: str) -> None:
    """Give partial ``which`` a new colour, with a new mtime even on a coarse clock."""
    path, text = COMPILERS[compiler][2][which]
    time.sleep(0.01)
    write(root, path, text.replace(text.split(": ")[1].rstrip(";\n"), colour))


def built(root: Path) -> tuple[str, str]:
    """(digested path, bytes) of the bundle as the manifest names it."""
    path = json.loads((root / MANIFEST).read_text())["bundles"]["css"][0]["path"]
    return path, (root / GEN / path).read_text()


def flask(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_flask(root, *args)


@pytest.mark.parametrize("compiler", list(COMPILERS))
def test_build_and_check_follow_every_partial_without_depends(tmp_path: Path, compiler: str) -> None:
    project(tmp_path, compiler)
    assert flask(tmp_path, "assets", "build").returncode == 0
    first, css = built(tmp_path)
    assert "#ff0000" in css.lower() or "red" in css
    edit(tmp_path, compiler, "near", "#0000ff")
    check = flask(tmp_path, "assets", "check")
    assert check.returncode == 1 and "stale" in check.stdout + check.stderr
    result = flask(tmp_path, "assets", "build")
    assert result.returncode == 0, result.stderr
    second, css = built(tmp_path)
    assert second != first and ("#0000ff" in css.lower() or "blue" in css), css
    edit(tmp_path, compiler, "far", "#123456")  # in a load path, outside every static folder
    assert flask(tmp_path, "assets", "build").returncode == 0
    third, css = built(tmp_path)
    assert third != second and "#123456" in css, css
    again = flask(tmp_path, "assets", "build")
    assert again.stdout.splitlines()[1].split()[-1] == "reused", again.stdout
    assert flask(tmp_path, "assets", "check").returncode == 0


def render(app: Flask) -> str:
    with app.test_request_context():
        return render_template_string('{% assets "css" %}{{ ASSET_URL }}{% endassets %}')


@pytest.mark.parametrize("compiler", list(COMPILERS))
def test_development_renders_a_new_url_after_a_partial_edit(tmp_path: Path, compiler: str) -> None:
    config = project(tmp_path, compiler)
    app, assets = make_app(tmp_path, {"ASSETS_AUTO_BUILD": True, **config})
    filters, (source, _), _, _ = COMPILERS[compiler]
    assets.register("css", Bundle(source.removeprefix("static/"), filters=filters, output="gen/site.%(version)s.css"))
    first = render(app)
    assert render(app) == first
    seen = {first}
    for which, colour in (("near", "#654321"), ("far", "#123456")):
        edit(tmp_path, compiler, which, colour)
        url = render(app)
        assert url not in seen
        seen.add(url)
        assert colour in app.test_client().get(url).get_data(as_text=True)


@pytest.mark.parametrize("compiler", list(COMPILERS))
def test_a_missing_partial_fails_the_build_in_one_line_naming_the_file(tmp_path: Path, compiler: str) -> None:
    _, (source, text), _, _ = COMPILERS[compiler]
    rule = "@use" if compiler == "dart-sass" else "@import"  # @use comes first, or dart-sass says so instead
    project(tmp_path, compiler, main=f'{rule} "missing";\n' + text)
    result = flask(tmp_path, "assets", "build")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (failed,) = [line for line in result.stderr.splitlines() if line.startswith("FAILED")]
    assert f"{tmp_path / source}:1:" in failed and "'missing'" in failed and "create the partial" in failed, failed
    assert not (tmp_path / MANIFEST).exists()


def test_watch_rebuilds_when_a_partial_outside_the_static_folder_changes(tmp_path: Path) -> None:
    project(tmp_path, "libsass")
    proc = subprocess.Popen(
        [FLASK, "--app", "app", "assets", "watch", "--interval", "0.1"],
        cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / MANIFEST).exists():
            assert time.monotonic() < deadline, "watch did not build"
            time.sleep(0.1)
        first, _ = built(tmp_path)
        time.sleep(0.3)
        edit(tmp_path, "libsass", "far", "#123456")
        while built(tmp_path)[0] == first:
            assert time.monotonic() < deadline, "watch did not rebuild"
            time.sleep(0.1)
        assert "#123456" in built(tmp_path)[1]
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert out.splitlines()[-1] == "Stopped watching."
