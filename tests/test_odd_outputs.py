"""Odd outputs, caches and source maps: one line naming the bundle or folder, or a build that just works."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import MANIFEST, OUT, clean_env, run_flask, write
from .test_bad_input import READ_ONLY_HOOK, assert_fails_cleanly, built, snapshot  # noqa: F401  (fixture)

OUTPUT_APP = """
import os
from flask import Flask
from flask_bust_assets import Bundle, BustAssets

app = Flask(__name__)
assets = BustAssets(app)
assets.register("css", Bundle("css/site.css", filters="bust_cssmin", output={output!r}))
"""


@pytest.mark.parametrize(
    ("output", "says"),
    [
        ("gen/site\0.css", "holds a control character"),
        ("gen/site\n.css", "holds a control character"),
        ("css/site.css", "is also one of its sources"),
        ("gen/", "names a folder, not a file"),
        ("gen/.site.css", "names a dot-file, which is never served"),
    ],
)
def test_an_output_that_cannot_be_a_served_file_is_refused_naming_the_bundle(
    tmp_path: Path, output: str, says: str
) -> None:
    write(tmp_path, "app.py", OUTPUT_APP.format(output=output))
    write(tmp_path, "static/css/site.css", ".a { color: red }\n")
    result = run_flask(tmp_path, "assets", "build")
    assert_fails_cleanly(result, f"bundle 'css': output {output!r} {says}")
    assert not (tmp_path / OUT).exists() or not any((tmp_path / OUT).rglob("*.css"))


def test_a_read_only_cache_is_named_before_anything_is_written(built: Path) -> None:  # noqa: F811
    before = snapshot(built)
    write(built, "static/css/parts/a.css", ".a { color: teal }\n")  # a build would write new files
    cache = built / "instance" / "webassets-cache"
    # EACCES on creating a file there, and access(2) saying so, as for a read-only folder (root or not)
    hook = READ_ONLY_HOOK + (
        "real_access = os.access\n"
        "os.access = lambda path, mode, **k: False if str(path).rstrip('/') + '/' == folder and mode & os.W_OK "
        "else real_access(path, mode, **k)\n"
    )
    (built / "sitecustomize.py").write_text(hook)
    env = clean_env(PYTHONPATH=str(built), BUST_TEST_READ_ONLY=str(cache))
    result = run_flask(built, "assets", "build", env=env)
    assert_fails_cleanly(result, f"ASSETS_CACHE is {cache}, where nothing can be written (Permission denied)")
    assert snapshot(built) == before
    assert run_flask(built, "assets", "check", env=env).returncode == 1  # the edit is still unbuilt


@pytest.mark.parametrize("name", ["js/lib.js", "css/lib.css"])
def test_a_source_map_url_with_a_nul_is_left_as_written(built: Path, name: str) -> None:  # noqa: F811
    comment = "//# sourceMappingURL=lib%00.js.map" if name.endswith(".js") else "/*# sourceMappingURL=lib%00.css.map */"
    write(built, f"static/{name}", f"var a = 1;\n{comment}\n" if name.endswith(".js") else f".a {{}}\n{comment}\n")
    result = run_flask(built, "assets", "build")
    assert result.returncode == 0, result.stderr
    entry = json.loads((built / MANIFEST).read_text())["files"]["static"][name]
    assert (built / OUT / "static" / entry["path"]).read_text().rstrip().endswith(comment)
    assert os.path.exists(built / "static" / name)


@pytest.mark.parametrize("shadow", ["tinycss2.py", "minify.py", "rcssmin.py", "tree_sitter/__init__.py"])
def test_a_file_of_the_app_named_like_a_library_is_named_in_one_line(built: Path, shadow: str) -> None:  # noqa: F811
    # `python -m flask` puts the app's folder first on sys.path, before our libraries are imported.
    write(built, shadow, "# the app's own notes\n")
    before = snapshot(built)
    write(built, "static/css/parts/a.css", ".a { color: teal }\n")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "assets", "build"],
        cwd=built, env=clean_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    module = shadow.split("/")[0].removesuffix(".py")
    assert_fails_cleanly(result, f"{built / shadow} shadows the {module!r} module of")
    assert "Rename it." in result.stderr
    assert snapshot(built) == before
