"""`flask assets clean` deletes only files a build recorded writing, resolved as the build wrote them."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from flask import Flask
from flask_assets import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flask_bust_assets.web import commands

from .helpers import make_app, run_flask, write

APP = """
import os
from flask import Flask
from flask_bust_assets import Bundle, BustAssets

app = Flask(__name__)
for key in ("BUST_ASSETS_MANIFEST", "BUST_ASSETS_OUTPUT_FOLDER"):
    if os.environ.get(key):
        app.config[key] = os.environ[key]
assets = BustAssets(app)
assets.register("css", Bundle("css/a.css", filters="bust_cssmin", output="gen/a.%(version)s.css"))
"""
TWO_DAYS = 2 * 24 * 3600


def project(root: Path) -> Path:
    write(root, "app.py", APP)
    write(root, "static/css/a.css", "body { color: red }\n" * 80)
    write(root, "static/downloads/data.tar.gz", "not really a tarball\n")
    write(root, "static/notes.br", "not really brotli\n")
    return root


def age_everything(folder: Path, seconds: float = TWO_DAYS) -> None:
    """As if every file under ``folder`` (links not followed) was written ``seconds`` ago."""
    then = time.time() - seconds
    for parent, _, names in os.walk(folder):
        for name in names:
            os.utime(os.path.join(parent, name), (then, then), follow_symlinks=False)


def named_files(manifest: Path, output: Path) -> set[Path]:
    """Every file the manifest names, and its variants, as paths on disk."""
    doc = json.loads(manifest.read_text())
    named = {output / "static" / o["path"] for outs in doc["bundles"].values() for o in outs}
    named |= {output / "static" / f["path"] for files in doc["files"].values() for f in files.values()}
    assert named
    return named | {Path(f"{p}{s}") for p in named for s in (".br", ".gz") if Path(f"{p}{s}").exists()}


def test_a_symlinked_instance_folder_keeps_the_current_build(tmp_path: Path) -> None:
    root = project(tmp_path / "app")
    shared = tmp_path / "shared-storage" / "instance"
    shared.mkdir(parents=True)
    (root / "instance").symlink_to(shared)  # a deploy linking instance/ to shared storage
    assert run_flask(root, "assets", "build").returncode == 0
    output = root / "instance/assets"
    current = named_files(output / "assets-manifest.json", output)
    age_everything(shared)
    result = run_flask(root, "assets", "clean")
    assert result.returncode == 0, result.stderr
    assert [p for p in current if not p.exists()] == []
    assert "Removed 0 files" in result.stdout


def test_static_files_named_like_variants_keep_their_digested_copies(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert run_flask(root, "assets", "build").returncode == 0
    output = root / "instance/assets"
    current = named_files(output / "assets-manifest.json", output)
    assert {p.name.split(".")[0] for p in current} >= {"data", "notes"}
    result = run_flask(root, "assets", "clean", "--keep", "1", "--age", "0")
    assert result.returncode == 0, result.stderr
    assert [p for p in current if not p.exists()] == []


def test_a_users_temp_named_file_beside_the_manifest_is_left(tmp_path: Path) -> None:
    root = project(tmp_path)
    env = {"BUST_ASSETS_MANIFEST": str(root / "assets-manifest.json")}
    notes = write(root, ".notes.tmp", "my notes\n")
    assert run_flask(root, "assets", "build", env=clean_env_with(env)).returncode == 0
    age_everything(root)
    result = run_flask(root, "assets", "clean", "--age", "0", env=clean_env_with(env))
    assert result.returncode == 0, result.stderr
    assert notes.read_text() == "my notes\n"


def test_an_existing_output_folder_keeps_the_users_files_and_the_build_says_so_once(tmp_path: Path) -> None:
    root = project(tmp_path / "app")
    existing = tmp_path / "srv"
    dump = write(existing, "db.20240101.sql", "-- a database dump\n")
    other = write(existing, "reports/cafe.0123456789abcdef.csv", "a,b\n")
    env = clean_env_with({"BUST_ASSETS_OUTPUT_FOLDER": str(existing)})
    built = run_flask(root, "assets", "build", env=env)
    assert built.returncode == 0, built.stderr
    warned = [line for line in built.stderr.splitlines() if "no build wrote" in line]
    assert len(warned) == 1, built.stderr
    assert str(existing) in warned[0] and "2 files" in warned[0] and "db.20240101.sql" in warned[0]
    age_everything(existing)
    result = run_flask(root, "assets", "clean", "--keep", "1", "--age", "0", env=env)
    assert result.returncode == 0, result.stderr
    assert dump.exists() and other.exists()
    assert "Removed 0 files" in result.stdout


def clean_env_with(extra: dict[str, str]) -> dict[str, str]:
    from .helpers import clean_env

    return clean_env(**extra)


# -- the class: any layout of links, any file names ----------------------------------------------

LAYOUTS = ["plain", "instance linked", "output linked", "root linked", "output under a linked folder"]
MANIFESTS = ["in the output folder", "in the app folder", "in a folder of its own"]
# Names a user may keep beside a build: digested-looking, variant-looking, temp-looking, unicode.
USER_NAMES = st.sampled_from(
    [
        "db.20240101.sql", "notes.tmp", ".notes.tmp", ".a1b2c3d4.tmp", "x.0123456789abcdef.css",
        "x.0123456789abcdef.css.gz", "archive.tar.gz", "readme.br", "café.deadbeefcafe.txt",
        "assets-manifest.json.bak", "gen/site.0123456789abcdef.css",
    ]
)  # fmt: skip
STATIC_NAMES = st.sampled_from(
    ["downloads/data.tar.gz", "notes.br", "img/logo.svg", "a.b.c.txt", "LICENSE", "font.woff2.gz", "x.css.br"]
)


def layout(tmp: Path, kind: str, where: str) -> tuple[Path, dict[str, object]]:
    """An app folder under ``tmp`` with its instance and output folders linked as ``kind`` says."""
    real = tmp / "real"
    root = tmp / "app"
    if kind == "root linked":
        (real / "app").mkdir(parents=True)
        root.symlink_to(real / "app")
    else:
        root.mkdir()
    config: dict[str, object] = {}
    if kind == "instance linked":
        (real / "instance").mkdir(parents=True)
        (root / "instance").symlink_to(real / "instance")
    elif kind == "output linked":
        (real / "out").mkdir(parents=True)
        (tmp / "out").symlink_to(real / "out")
        config["BUST_ASSETS_OUTPUT_FOLDER"] = str(tmp / "out")
    elif kind == "output under a linked folder":
        (real / "srv").mkdir(parents=True)
        (tmp / "srv").symlink_to(real / "srv")
        config["BUST_ASSETS_OUTPUT_FOLDER"] = str(tmp / "srv/assets")
    if where == "in the app folder":
        config["BUST_ASSETS_MANIFEST"] = str(root / "assets-manifest.json")
    elif where == "in a folder of its own":
        config["BUST_ASSETS_MANIFEST"] = str(tmp / "manifests/assets-manifest.json")
    return root, config


def build(app: Flask) -> None:
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    assert report.ok, [str(e) for e in report.static.errors]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(LAYOUTS),
    where=st.sampled_from(MANIFESTS),
    user_names=st.lists(USER_NAMES, max_size=4, unique=True),
    static_names=st.lists(STATIC_NAMES, min_size=1, max_size=3, unique=True),
    keep=st.integers(min_value=1, max_value=3),
)
def test_clean_keeps_every_current_and_user_file_and_retires_old_builds_in_any_layout(
    tmp_path_factory: pytest.TempPathFactory,
    kind: str,
    where: str,
    user_names: list[str],
    static_names: list[str],
    keep: int,
) -> None:
    tmp = tmp_path_factory.mktemp("layout")
    root, config = layout(tmp, kind, where)
    for name in static_names:
        write(root, f"static/{name}", f"{name}\n" * 100)
    app, assets = make_app(root, config)
    assets.register("css", Bundle("css/a.css", filters="bust_cssmin", output="gen/a.%(version)s.css"))
    state = app.extensions["bust_assets"]
    output = Path(state.settings.build.output_folder)
    output.mkdir(parents=True, exist_ok=True)
    user = [write(output, name, "the user's\n") for name in user_names]
    user += [write(Path(state.settings.build.manifest_path).parent, name, "the user's\n") for name in user_names]
    generations = []
    for colour in ("red", "green", "blue", "black"):
        write(root, "static/css/a.css", f"body {{ color: {colour} }}\n" * 80)
        build(app)
        generations.append(named_files(Path(state.settings.build.manifest_path), output))
    age_everything(tmp)

    with app.app_context():
        report = commands.clean(state, keep=keep, age=0)
    kept = set().union(*generations[-keep:])
    assert [p for p in kept if not p.exists()] == []
    assert [p for p in user if not p.exists()] == []
    retired = set().union(*generations[:-keep]) - kept
    assert retired and [p for p in retired if p.exists()] == []
    assert {os.path.realpath(p) for p in retired} <= {os.path.realpath(p) for p in report.removed}
    doc = json.loads(Path(state.settings.build.manifest_path).read_text())
    with app.test_client() as client:
        for name in [o["path"] for o in doc["bundles"]["css"]] + [f["path"] for f in doc["files"]["static"].values()]:
            response = client.get(f"/static/{name}")
            assert response.status_code == 200, name
            assert response.data == (output / "static" / name).read_bytes()


def test_files_the_development_server_built_are_recorded_and_cleaned_by_age(tmp_path: Path) -> None:
    write(tmp_path, "static/css/a.css", "body { color: red }\n")
    app, assets = make_app(tmp_path, {"ASSETS_AUTO_BUILD": True})
    assets.register("css", Bundle("css/a.css", filters="bust_cssmin", output="gen/a.%(version)s.css"))
    with app.test_request_context():
        (url,) = assets["css"].urls()
    output = tmp_path / "instance/assets"
    live = output / url.removeprefix("/")
    assert live.is_file()  # a render built it
    write(tmp_path, "static/css/a.css", "body { color: blue }\n")
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    assert report.ok and not [w for w in report.static.warnings if "no build wrote" in w], report.static.warnings
    state = app.extensions["bust_assets"]
    with app.app_context():
        assert commands.clean(state, keep=1, age=3600).removed == []  # young: a page may still link it
        assert commands.clean(state, keep=1, age=0).removed == [str(live.resolve())]
