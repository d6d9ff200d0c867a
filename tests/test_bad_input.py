"""The bad-input table: every case exits non-zero with one clear message and destroys nothing.

Each case starts from a good build of a real project, breaks one thing, runs the
real `flask assets build` (or `publish`), and checks: exit code 1, no traceback,
a message naming the offending file or setting, and the previous manifest and
every file of the output folder byte-identical afterwards (invariant 7).
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .helpers import OUT, clean_env, run_flask, write

APP = """
import os
from flask import Flask
from flask_bust_assets import Bundle, BustAssets

app = Flask(__name__)
app.config.from_prefixed_env()
assets = BustAssets(app)
assets.register("css", Bundle("css/site.css", filters="bust_cssurls,bust_cssmin", output="gen/site.%(version)s.css"))
assets.register("js", Bundle("js/app.js", filters="bust_jsmin", output="gen/app.%(version)s.js"))
"""


def project(root: Path) -> Path:
    write(root, "app.py", APP)
    write(root, "static/css/site.css", '@import "parts/a.css";\n.logo { background: url(../img/logo.svg) }\n')
    write(root, "static/css/parts/a.css", ".a { color: red }\n")
    write(root, "static/img/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    write(root, "static/js/app.js", "window.app = `ready  ` + 1;\n")
    return root


def deep_imports(root: Path) -> str:
    """A chain of 300 stylesheets, each importing the next."""
    for i in range(300):
        write(root, f"static/css/deep/{i}.css", f'@import "{i + 1}.css";\n.d{i} {{ margin: {i}px }}\n')
    write(root, "static/css/deep/300.css", ".end { margin: 0 }\n")
    write(root, "static/css/parts/a.css", '@import "../deep/0.css";\n')
    return "static/css/deep/"


def null_byte(root: Path) -> str:
    write(root, "static/css/parts/a.css", ".a { background: url('../../img/logo.svg%00.png') }\n")
    return "static/css/parts/a.css"


def not_utf8_js(root: Path) -> str:
    (root / "static/js/app.js").write_bytes(b"window.name = '" + "café".encode("latin-1") + b"';\n" * 20)
    return "static/js/app.js"


def not_utf8_css(root: Path) -> str:
    (root / "static/css/parts/a.css").write_bytes(b".a::after { content: '" + "é".encode("latin-1") + b"' }\n")
    return "static/css/parts/a.css"


def js_syntax(root: Path) -> str:
    write(root, "static/js/app.js", "window.app = 1;\nfunction broken( {\n  return 2;\n}\n")
    return "static/js/app.js is not valid JavaScript at line 2, column"


def css_syntax(root: Path) -> str:
    write(root, "static/css/parts/a.css", ".a { background: url(../../img/logo.svg }\n")
    return "static/css/parts/a.css"


def missing_reference(root: Path) -> str:
    write(root, "static/css/parts/a.css", ".a { background: url(../../img/nope.png) }\n")
    return "static/css/parts/a.css"


def missing_source(root: Path) -> str:
    (root / "static/js/app.js").unlink()
    return "static/js/app.js"


def reference_to_folder(root: Path) -> str:
    (root / "static/img/icons").mkdir()
    write(root, "static/css/parts/a.css", ".a { background: url(../../img/icons) }\n")
    return "img/icons, which is a folder, not a file"


def reference_to_fifo(root: Path) -> str:
    os.mkfifo(root / "static/img/pipe.png")  # reading it would hang the build
    write(root, "static/css/parts/a.css", ".a { background: url(../../img/pipe.png) }\n")
    return "img/pipe.png, which is not a regular file"


def module_not_utf8(root: Path) -> str:
    os.environ["FLASK_BUST_ASSETS_MODULES"] = '["js/main.js"]'
    (root / "static/js/main.js").write_bytes(b'import x from "./caf' + "é".encode("latin-1") + b'.js";\n')
    return "static/js/main.js is not UTF-8 (byte 0xe9 at offset 20), and browsers read JavaScript modules as UTF-8"


def bad_setting(root: Path) -> str:
    os.environ["FLASK_BUST_ASSETS_DIGEST_LENGTH"] = "3"
    return "BUST_ASSETS_DIGEST_LENGTH"


def output_inside_static(root: Path) -> str:
    os.environ["FLASK_BUST_ASSETS_OUTPUT_FOLDER"] = str(root / "static/built")
    return "BUST_ASSETS_OUTPUT_FOLDER"


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    mode = path.stat().st_mode
    path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield
    finally:
        path.chmod(mode)


def new_content(root: Path) -> None:
    """Changes that need new output files, so that writing is attempted."""
    write(root, "static/css/parts/a.css", ".a { color: teal }\n")
    write(root, "static/img/new.svg", "<svg xmlns='http://www.w3.org/2000/svg' id='n'/>")


CASES: dict[str, Callable[[Path], str]] = {
    "300 nested @imports": deep_imports,
    "a NUL byte in a url()": null_byte,
    "a JavaScript source that is not UTF-8": not_utf8_js,
    "a stylesheet that is not UTF-8": not_utf8_css,
    "a stylesheet that does not parse": css_syntax,
    "a JavaScript syntax error": js_syntax,
    "a url() to a missing file": missing_reference,
    "a missing bundle source": missing_source,
    "a url() to a folder": reference_to_folder,
    "a url() to a fifo": reference_to_fifo,
    "a JavaScript module that is not UTF-8": module_not_utf8,
    "a bad setting": bad_setting,
    "an output folder inside the static folder": output_inside_static,
}


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the output folder (the manifest included), by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / OUT).rglob("*")) if p.is_file()}


def assert_fails_cleanly(result: subprocess.CompletedProcess[str], names: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert names in result.stderr, result.stderr


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in ("FLASK_BUST_ASSETS_DIGEST_LENGTH", "FLASK_BUST_ASSETS_OUTPUT_FOLDER", "FLASK_BUST_ASSETS_MODULES"):
        monkeypatch.delenv(key, raising=False)
    root = project(tmp_path)
    result = run_flask(root, "assets", "build")
    assert result.returncode == 0, result.stderr
    return root


@pytest.mark.parametrize("case", CASES)
def test_bad_input_fails_with_a_clear_message_and_keeps_the_last_build(
    built: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(built)
    with monkeypatch.context() as patched:
        patched.setattr(os, "environ", dict(os.environ))  # cases may set settings for the subprocess only
        names = CASES[case](built)
        env = clean_env() | {k: v for k, v in os.environ.items() if k.startswith("FLASK_BUST")}
    result = run_flask(built, "assets", "build", env=env)
    assert_fails_cleanly(result, names)
    assert snapshot(built) == before


# Root writes into read-only folders anyway (CI runs as root): there the file system's answer to
# a read-only folder, EACCES on creating a file in it, is given by a hook in the build process.
READ_ONLY_HOOK = """
import errno, os
folder = os.environ["BUST_TEST_READ_ONLY"].rstrip("/") + "/"
real_open, real_link = os.open, os.link
def refuse(path):
    if str(path).startswith(folder) and "/" not in str(path)[len(folder):]:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
def guarded_open(path, flags, *a, **k):
    if flags & os.O_CREAT:
        refuse(path)
    return real_open(path, flags, *a, **k)
def guarded_link(src, dst, *a, **k):
    refuse(dst)
    return real_link(src, dst, *a, **k)
os.open, os.link = guarded_open, guarded_link
"""


@pytest.mark.parametrize("target", ["output folder", "manifest folder"])
def test_a_read_only_folder_is_named_and_leaves_no_orphan(built: Path, target: str) -> None:
    before = snapshot(built)
    new_content(built)
    folder = built / OUT / ("static/img" if target == "output folder" else "")
    if os.geteuid() == 0:
        (built / "sitecustomize.py").write_text(READ_ONLY_HOOK)
        env = clean_env(PYTHONPATH=str(built), BUST_TEST_READ_ONLY=str(folder))
        result = run_flask(built, "assets", "build", env=env)
    else:
        with read_only(folder):
            result = run_flask(built, "assets", "build")
    meant = "assets-manifest.json" if target == "manifest folder" else "img/new."
    assert_fails_cleanly(result, f"cannot write {folder}{os.sep if target == 'manifest folder' else '/'}")
    assert meant in result.stderr.split("cannot write", 1)[1].split(":", 1)[0]  # the file meant, not a temp
    assert "Permission denied" in result.stderr
    assert snapshot(built) == before  # nothing half-written left behind


def test_a_full_disk_names_the_file_being_written(built: Path) -> None:
    before = snapshot(built)
    new_content(built)
    # A disk that fills up during the write phase: the file system's own error, ENOSPC.
    hook = built / "sitecustomize.py"
    hook.write_text(
        "import errno, os\n"
        "real = os.replace\n"
        "def full(src, dst, *a, **k):\n"
        "    if '/instance/assets/' in str(dst) and str(dst).endswith('.svg'):\n"
        "        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))\n"
        "    return real(src, dst, *a, **k)\n"
        "os.replace = full\n"
    )
    result = run_flask(built, "assets", "build", env=clean_env(PYTHONPATH=str(built)))
    assert_fails_cleanly(result, "No space left on device")
    assert "img/new." in result.stderr  # the file being written
    assert snapshot(built) == before


def test_a_javascript_syntax_error_can_be_downgraded_to_a_warning(built: Path) -> None:
    js_syntax(built)
    result = run_flask(built, "assets", "build", env=clean_env(FLASK_BUST_ASSETS_INVALID_JS="warn"))
    assert result.returncode == 0, result.stderr
    assert "static/js/app.js: left unminified because it does not parse as JavaScript" in result.stderr
