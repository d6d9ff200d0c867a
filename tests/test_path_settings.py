"""Path settings as careless users write them, through the real `flask` executable.

A `~` Python never expands, a string where a switch belongs, a relative folder
run from another directory, a manifest path naming the app's own code, two apps
in one output folder, a manifest linked to shared storage: each either works as
meant or stops with one line naming the setting, and never writes over a file
of the user's.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from flask_bust_assets import BustAssets
from flask_bust_assets.errors import ConfigError
from flask_bust_assets.web.settings import read_settings

from .helpers import MANIFEST, OUT, clean_env, run_flask, write

APP = """
from flask import Flask, render_template_string
from flask_bust_assets import Bundle, BustAssets

app = Flask(__name__)
app.config.update({config})
assets = BustAssets(app)
assets.register("css", Bundle("css/a.css", filters="bust_cssurls", output="gen/a.%(version)s.css"))


@app.get("/")
def index():
    return render_template_string('{{% assets "css" %}}{{{{ ASSET_URL }}}}{{% endassets %}}')
"""

# (key, value a user writes by mistake): one ConfigError naming both; never a folder named "~" or a URL
# with the file path after its query.
WRONG = [
    ("BUST_ASSETS_OUTPUT_FOLDER", "~/assets"),
    ("BUST_ASSETS_OUTPUT_FOLDER", "$HOME/assets"),
    ("BUST_ASSETS_OUTPUT_FOLDER", "/srv/${SITE}/assets"),
    ("BUST_ASSETS_MANIFEST", "~/assets-manifest.json"),
    ("ASSETS_CACHE", "~/.cache/webassets"),
    ("ASSETS_CACHE", "false"),
    ("ASSETS_CACHE", "True"),
    ("ASSETS_CACHE", "none"),
    ("ASSETS_DIRECTORY", "~/public"),
    ("ASSETS_LOAD_PATH", [5]),
    ("ASSETS_LOAD_PATH", "static"),
    ("ASSETS_LOAD_PATH", ["~/vendor"]),
    ("BUST_ASSETS_CDN_URL", "https://cdn.example.com/site?sig=1"),  # the file's path would follow the query
    ("BUST_ASSETS_CDN_URL", "https://cdn.example.com/site#top"),
    ("BUST_ASSETS_CDN_URL", 'https://cdn.example.com/"onload="x'),
    ("BUST_ASSETS_S3_ENDPOINT_URL", "http://127.0.0.1:9000/?region=x"),
    ("BUST_ASSETS_S3_PREFIX", "../site"),  # keys a CDN never reaches: browsers drop the ".." segment
    ("BUST_ASSETS_S3_PREFIX", "site/./v2"),
    ("ASSETS_UPDATER", "nonsense"),  # webassets' own keys, which it checks only at the first build (a traceback)
    ("ASSETS_CACHE_FILE_MODE", "644"),
]


def project(root: Path, **config: Any) -> Path:
    write(root, "app.py", APP.format(config=repr(config)))
    write(root, "static/css/a.css", "body { background: url(../img/a.png) }\n")
    write(root, "static/img/a.png", "png")
    return root


@pytest.mark.parametrize(("key", "value"), WRONG, ids=[f"{k}={v!r}" for k, v in WRONG])
def test_a_value_taken_literally_or_broken_is_refused_naming_key_and_value(
    tmp_path: Path, key: str, value: Any
) -> None:
    app = Flask("app", root_path=str(tmp_path), instance_path=str(tmp_path / "instance"))
    app.config[key] = value
    with pytest.raises(ConfigError) as caught:
        BustAssets(app)
        read_settings(app)
    assert str(caught.value).startswith(f"{key} is {value!r}")
    assert "use " in str(caught.value)


@pytest.mark.parametrize(
    ("key", "value", "made"),
    [
        ("BUST_ASSETS_OUTPUT_FOLDER", "~/assets", "~"),
        ("BUST_ASSETS_OUTPUT_FOLDER", "$HOME/assets", "$HOME"),
        ("ASSETS_CACHE", "false", "false"),
        ("ASSETS_LOAD_PATH", [5], None),
        ("ASSETS_UPDATER", "nonsense", None),
        ("ASSETS_CACHE_FILE_MODE", "x", None),
    ],
)
def test_the_cli_stops_in_one_line_and_makes_no_folder(tmp_path: Path, key: str, value: Any, made: str) -> None:
    project(tmp_path, **{key: value})
    done = run_flask(tmp_path, "assets", "build")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert f"{key} is {value!r}" in done.stderr
    assert made is None or not (tmp_path / made).exists()
    assert not (tmp_path / MANIFEST).exists()


@pytest.mark.parametrize("name", ["app.py", "config.json", "templates/index.html"])
def test_a_manifest_setting_naming_a_file_of_the_users_never_writes_over_it(tmp_path: Path, name: str) -> None:
    project(tmp_path, BUST_ASSETS_MANIFEST=name)
    write(tmp_path, "config.json", '{"debug": false}\n')
    write(tmp_path, "templates/index.html", "<p>{{ x }}</p>\n")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    done = run_flask(tmp_path, "assets", "build")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert f"BUST_ASSETS_MANIFEST is {tmp_path / name}, a file that is not a manifest" in done.stderr
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before  # nothing written at all


def test_a_relative_output_folder_is_the_same_folder_whatever_the_current_directory(tmp_path: Path) -> None:
    # Built in CI from the repository root, served by gunicorn started in the app's folder: one folder.
    app_dir = project(tmp_path / "site", BUST_ASSETS_OUTPUT_FOLDER="build/assets")
    built = run_flask(tmp_path, "assets", "build", app="site/app")
    assert built.returncode == 0, built.stderr
    assert (app_dir / "build/assets/assets-manifest.json").is_file()
    assert not (tmp_path / "build").exists()
    check = run_flask(app_dir, "assets", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    page = "from app import app; c = app.test_client(); u = c.get('/').text; print(u, c.get(u).status_code)"
    served = __import__("subprocess").run(
        [os.sys.executable, "-c", page], cwd=app_dir, env=clean_env(), capture_output=True, text=True
    )
    url, status = served.stdout.split()
    assert status == "200" and url.startswith("/static/gen/a."), served.stderr


def test_two_apps_sharing_one_manifest_are_refused_naming_both(tmp_path: Path) -> None:
    shared = str(tmp_path / "shared-assets")
    project(tmp_path, BUST_ASSETS_OUTPUT_FOLDER=shared)
    (tmp_path / "admin.py").write_text((tmp_path / "app.py").read_text())
    first = run_flask(tmp_path, "assets", "build", app="app")
    assert first.returncode == 0, first.stderr
    kept = (Path(shared) / "assets-manifest.json").read_bytes()
    second = run_flask(tmp_path, "assets", "build", app="admin")
    assert second.returncode == 1, second.stdout + second.stderr
    assert "Traceback" not in second.stderr
    assert "app 'app'" in second.stderr and "app 'admin'" in second.stderr
    assert "BUST_ASSETS_OUTPUT_FOLDER" in second.stderr
    assert (Path(shared) / "assets-manifest.json").read_bytes() == kept
    again = run_flask(tmp_path, "assets", "build", app="app")  # the owner itself goes on building
    assert again.returncode == 0, again.stderr


def test_a_linked_manifest_is_written_through_its_link_and_clean_keeps_what_it_names(tmp_path: Path) -> None:
    # A deploy links the manifest to shared storage that other servers read.
    project(tmp_path)
    assert run_flask(tmp_path, "assets", "build").returncode == 0
    shared = tmp_path / "shared/assets-manifest.json"
    shared.parent.mkdir()
    os.replace(tmp_path / MANIFEST, shared)
    (tmp_path / MANIFEST).symlink_to(os.path.relpath(shared, (tmp_path / MANIFEST).parent))
    write(tmp_path, "static/css/a.css", "body { color: green; background: url(../img/a.png) }\n")
    built = run_flask(tmp_path, "assets", "build")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / MANIFEST).is_symlink()  # still the link, not a copy beside it
    assert "no build wrote" not in built.stdout + built.stderr
    css = json.loads(shared.read_text())["bundles"]["css"][0]["path"]
    cleaned = run_flask(tmp_path, "assets", "clean", "--keep", "1", "--age", "0")
    assert cleaned.returncode == 0, cleaned.stderr
    assert (tmp_path / OUT / "static" / css).is_file()  # what the shared manifest names stays
    assert shared.is_file() and (tmp_path / MANIFEST).is_symlink()


@pytest.mark.parametrize("instance_relative", [False, True])
def test_relative_paths_follow_the_folder_flask_reads_config_files_from(
    tmp_path: Path, instance_relative: bool
) -> None:
    app = Flask(
        "app", root_path=str(tmp_path), instance_path=str(tmp_path / "inst"), instance_relative_config=instance_relative
    )
    app.config.update(BUST_ASSETS_OUTPUT_FOLDER="out", BUST_ASSETS_MANIFEST="meta/m.json")
    BustAssets(app)
    found = read_settings(app).build
    base = tmp_path / "inst" if instance_relative else tmp_path
    assert (found.output_folder, found.manifest_path) == (str(base / "out"), str(base / "meta/m.json"))


@pytest.mark.parametrize(
    ("key", "value"), [("BUST_ASSETS_OUTPUT_FOLDER", "afile"), ("BUST_ASSETS_MANIFEST", "afile/m.json")]
)
def test_a_folder_setting_naming_a_file_is_one_line(tmp_path: Path, key: str, value: str) -> None:
    project(tmp_path, **{key: value})
    write(tmp_path, "afile", "mine\n")
    done = run_flask(tmp_path, "assets", "build")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"cannot write {tmp_path / 'afile'}: File exists" in done.stderr
    assert (tmp_path / "afile").read_text() == "mine\n"


def test_a_manifest_setting_naming_a_folder_names_that_folder(tmp_path: Path) -> None:
    project(tmp_path, BUST_ASSETS_MANIFEST="data")
    write(tmp_path, "data/keep.txt", "mine\n")
    done = run_flask(tmp_path, "assets", "build")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"cannot write {tmp_path / 'data'}: Is a directory" in done.stderr  # not a temp file's name
    assert (tmp_path / "data/keep.txt").read_text() == "mine\n"
