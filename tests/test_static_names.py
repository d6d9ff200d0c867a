"""Static file names and folders a manifest cannot hold: the build leaves them out, says so in one
line naming each, and always writes a manifest its own loader (check, clean, production) accepts.

A backslash (``back\\slash.txt``) and a name that is not UTF-8 (``caf\\xe9.txt`` as raw bytes)
are legal on Linux; an unreadable folder hides its files. Through the real `flask` executable,
and a hypothesis property over generated names served back by a production app.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import url_for
from flask_assets import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flask_bust_assets.core import manifest
from flask_bust_assets.web import commands

from .helpers import FLASK, MANIFEST, clean_env, make_app, run_flask, write

APP = "from flask import Flask\nfrom flask_bust_assets import BustAssets\napp = Flask(__name__)\nBustAssets(app)\n"
CAF = os.fsdecode(b"caf\xe9.txt")  # the name as Python sees the raw bytes: a lone surrogate


def project(root: Path, app: str = APP) -> Path:
    write(root, "app.py", app)
    write(root, "static/ok.txt", "fine\n")
    return root


def warning_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning:")]


def kept(root: Path) -> dict[str, manifest.StaticFile]:
    """The static files the manifest names, as its loader reads it (ManifestError if it refuses)."""
    return dict(manifest.load(str(root / MANIFEST)).files.get("static", {}))


@pytest.mark.parametrize(
    ("name", "shown"),
    [("back\\slash.txt", "back\\slash.txt"), (CAF, "caf\\xe9.txt"), ("sub\\dir/x.txt", "sub\\dir/x.txt")],
)
def test_an_unfit_name_is_left_out_in_one_line_and_the_manifest_loads(tmp_path: Path, name: str, shown: str) -> None:
    root = project(tmp_path)
    (root / "static").joinpath(*name.split("/")).parent.mkdir(parents=True, exist_ok=True)
    (root / "static").joinpath(*name.split("/")).write_bytes(b"odd\n")
    built = run_flask(root, "assets", "build")
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    (line,) = warning_lines(built.stderr)
    assert shown in line and "rename" in line and "1 static file or folder" in line
    assert list(kept(root)) == ["ok.txt"]  # the rest of the build worked
    for command in (("check",), ("clean", "--keep", "1", "--age", "0")):
        done = run_flask(root, "assets", *command)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    # Strict mode starts on this manifest, and the left-out name is linked under its plain name.
    app, _ = make_app(root, {"BUST_ASSETS_STRICT": True, "TESTING": False})
    with app.test_request_context():
        assert url_for("static", filename="ok.txt") == f"/static/{kept(root)['ok.txt'].path}"
        plain = url_for("static", filename=name) if name.isascii() else None
    if plain is not None:
        assert plain == "/static/" + name.replace("\\", "%5C")
        assert app.test_client().get(plain).data == b"odd\n"  # Flask serves it, as without us


def test_under_static_problems_error_an_unfit_name_fails_the_build_naming_it(tmp_path: Path) -> None:
    root = project(tmp_path, APP.replace("app = Flask(__name__)\n", "app = Flask(__name__)\n"
                                         "app.config['BUST_ASSETS_STATIC_PROBLEMS'] = 'error'\n"))  # fmt: skip
    (root / "static" / "back\\slash.txt").write_bytes(b"x")
    built = run_flask(root, "assets", "build")
    assert built.returncode != 0 and "Traceback" not in built.stderr
    assert "back\\slash.txt" in built.stderr and "not digested" in built.stderr
    assert not (root / MANIFEST).exists()


def test_many_unfit_names_are_one_warning_with_the_first_few_and_a_count(tmp_path: Path) -> None:
    app, _ = make_app(project(tmp_path))
    for n in range(12):
        (tmp_path / "static" / f"odd{n:02}\\name.txt").write_bytes(b"x")
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    assert report.ok
    (said,) = [w for w in report.warnings if "left out" in w]
    assert said.startswith("12 static files or folders are left out") and "and 7 more" in said
    assert "odd00\\name.txt" in said and "odd11" not in said
    assert list(kept(tmp_path)) == ["ok.txt"]
    with app.app_context():
        again = commands.build(app.extensions["bust_assets"])
    assert again.static.unchanged and said in again.warnings  # said on every build, a no-op one too


def test_a_stylesheet_naming_an_unfit_file_fails_its_bundle_or_leaves_the_reference(tmp_path: Path) -> None:
    write(tmp_path, "static/css/site.css", 'a { background: url("../img/back\\\\slash.png") }')
    write(tmp_path, "static/img/back\\slash.png", "png")
    for policy, ok in (("error", False), ("warn", True)):
        app, assets = make_app(tmp_path, {"BUST_ASSETS_MISSING_REFERENCE": policy})
        assets.register("css", Bundle("css/site.css", filters="bust_cssurls", output="gen/site.%(version)s.css"))
        with app.app_context():
            report = commands.build(app.extensions["bust_assets"])
        assert report.ok is ok
        if not ok:
            assert "site.css" in str(report.failed[0].error) and "backslash" in str(report.failed[0].error)
    assert "img/back\\slash.png" not in kept(tmp_path)  # and the manifest loads


@pytest.mark.parametrize("output", ["gen\\site.%(version)s.css", "gen/../site.%(version)s.css"])
def test_a_bundle_output_no_manifest_can_name_fails_that_bundle(tmp_path: Path, output: str) -> None:
    write(tmp_path, "static/css/site.css", "a { color: red }")
    app, assets = make_app(tmp_path)
    assets.register("css", Bundle("css/site.css", output=output))
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    (failed,) = report.failed
    assert f"output {output!r}" in str(failed.error) and "give it a file name of its own" in str(failed.error)
    assert not (tmp_path / MANIFEST).exists()  # never a manifest its loader calls corrupt


def _drop_read_override() -> None:
    """In the child, before exec: root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH obeys chmod 000."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def unreadable_runner(folder: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """A way to run `flask` for which ``folder`` (mode 000) cannot be listed, or skip saying why."""
    folder.chmod(0)
    probe = [FLASK, "--version"]
    ways = [None] if os.geteuid() != 0 else [_drop_read_override]
    for way in ways:
        try:
            listed = subprocess.run(["ls", str(folder)], preexec_fn=way, capture_output=True, timeout=30)
            subprocess.run(probe, preexec_fn=way, capture_output=True, check=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            continue
        if listed.returncode != 0:
            return lambda *args, cwd: subprocess.run(
                [FLASK, "--app", "app", *args], cwd=cwd, env=clean_env(), capture_output=True, text=True,
                preexec_fn=way, timeout=300,
            )  # fmt: skip
    pytest.skip("running as root with the capability to read any folder, which this process cannot drop")


@pytest.mark.parametrize("policy", ["warn", "error"])
def test_an_unreadable_static_folder_is_named_not_silently_dropped(tmp_path: Path, policy: str) -> None:
    root = project(tmp_path, APP + f"app.config['BUST_ASSETS_STATIC_PROBLEMS'] = {policy!r}\n")
    write(root, "static/locked/a.txt", "secret\n")
    run = unreadable_runner(root / "static" / "locked")
    try:
        built = run("assets", "build", cwd=root)
    finally:
        (root / "static" / "locked").chmod(0o755)
    locked = str((root / "static" / "locked").resolve())
    assert "Traceback" not in built.stderr
    if policy == "warn":
        assert built.returncode == 0, built.stderr
        (line,) = warning_lines(built.stderr)
        assert locked in line and "cannot be listed (Permission denied)" in line
        assert list(kept(root)) == ["ok.txt"]
    else:
        assert built.returncode != 0 and locked in built.stderr and "readable" in built.stderr


# Names as raw bytes, as a Linux file system holds them: text of every kind, and the troublemakers
# (backslashes, bytes that are not UTF-8, spaces, %, dots, leading dashes). No "/" or NUL: no name holds one.
PART = st.one_of(
    st.text(st.characters(exclude_characters="/\0", exclude_categories=["Cs"]), min_size=1, max_size=6).map(
        lambda t: t.encode("utf-8")
    ),
    st.sampled_from(
        [
            b"\\",
            b"\xe9",
            b"\xff\xfe",
            b"\xc3",
            b" ",
            b"%",
            b"%20",
            b".",
            b"..",
            b"-",
            b"--x",
            b"#",
            b"?",
            b"%(version)s",
            b".0123456789abcdef",
            b".gz",
            b".br",
        ]
    ),
)
NAME = st.lists(PART, min_size=1, max_size=5).map(b"".join).filter(lambda b: len(b) < 200 and b not in (b".", b".."))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.lists(NAME, min_size=1, max_size=2).map(b"/".join), min_size=1, max_size=5, unique=True))
def test_every_generated_name_is_kept_and_served_or_named(
    tmp_path_factory: pytest.TempPathFactory, names: list[bytes]
) -> None:
    root = tmp_path_factory.mktemp("names")
    written = {}
    for n, raw in enumerate(names):
        path = os.path.join(os.fsencode(root / "static"), raw)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(f"file {n}\n".encode())
        except OSError:  # a file system that cannot hold the name (or a folder of that name): not ours
            continue
        written[os.fsdecode(raw)] = f"file {n}\n".encode()
    app, _ = make_app(root)
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
        assert report.ok, [str(e) for e in report.static.errors]
        assert commands.check(app.extensions["bust_assets"]) == []  # the manifest loads, up to date
    files = kept(root)
    said = " ".join(report.warnings)
    for name in written:
        if not (name.startswith(".") or "/." in name):  # dot-files and -folders are never digested, by design
            assert name in files or _shown(name) in said, name
    production, _ = make_app(root)
    client = production.test_client()
    with production.test_request_context():
        urls = {name: url_for("static", filename=name) for name in files}
    for name, url in urls.items():
        assert urllib.parse.unquote(url) == f"/static/{files[name].path}", name  # digested, quoted
        served = client.get(url)
        assert (served.status_code, served.data) == (200, written[name]), (name, url)


def _shown(name: str) -> str:
    return os.fsencode(name).decode("utf-8", "backslashreplace")
