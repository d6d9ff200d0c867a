"""Deploys: clean keeps generations, check writes nothing, builds race and die safely."""

from __future__ import annotations

import hashlib
import json
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from .helpers import FLASK, GEN, MANIFEST, clean_env, run_flask, write

APP = """
import os
from flask import Flask
from flask_bust_assets import Bundle, BustAssets

app = Flask(__name__)
app.config["ASSETS_AUTO_BUILD"] = os.environ.get("AUTO_BUILD") == "1"
app.config["BUST_ASSETS_CSS_ENGINE"] = os.environ.get("CSS_ENGINE", "rcssmin")
assets = BustAssets(app)
# A glob, as many Flask-Assets users write.
assets.register("css", Bundle("css/*.css", filters="bust_cssurls,bust_cssmin", output="gen/site.%(version)s.css"))
assets.register("js", Bundle("js/app.js", filters="bust_jsmin", output="gen/app.%(version)s.js"))

@app.get("/")
def index():
    from flask import render_template_string
    return render_template_string(
        '{{ asset_tags("css") }}{{ asset_tags("js") }}<img src="{{ url_for(\\'static\\', filename=\\'img/a.svg\\') }}">'
    )
"""


def project(root: Path, css: str = "body { color: red }\n") -> Path:
    write(root, "app.py", APP)
    write(root, "static/css/a.css", css)
    write(root, "static/js/app.js", "window.app = `ready  ` + 1;\n" * 20)
    write(root, "static/img/a.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    return root


def flask(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_flask(root, *args, env=clean_env(**env))


def manifest_files(root: Path) -> set[Path]:
    """Every file the manifest names, as paths on disk."""
    doc = json.loads((root / MANIFEST).read_text())
    named = {root / GEN / out["path"] for outs in doc["bundles"].values() for out in outs}
    named |= {root / GEN / f["path"] for files in doc["files"].values() for f in files.values()}
    return named


def css_of(root: Path, doc: dict[str, Any]) -> bytes:
    """The stylesheet a manifest names."""
    (css,) = doc["bundles"]["css"]
    return (root / GEN / css["path"]).read_bytes()


def assert_consistent(root: Path, temp_files_allowed: bool = False) -> None:
    """The manifest names only files that exist and whose bytes match their digest."""
    for path in manifest_files(root):
        assert path.is_file(), path
        digest = re.search(r"\.([0-9a-f]{16})\.[^.]+$", path.name)
        assert digest and digest.group(1) == hashlib.sha256(path.read_bytes()).hexdigest()[:16], path
    assert temp_files_allowed or not list(root.rglob(".bust-*.tmp"))


def test_clean_keeps_the_last_n_generations_and_the_current_one(tmp_path: Path) -> None:
    project(tmp_path)
    generations = []
    for colour in ("red", "green", "blue", "black"):
        write(tmp_path, "static/css/a.css", f"body {{ color: {colour} }}\n")
        assert flask(tmp_path, "assets", "build").returncode == 0
        generations.append(manifest_files(tmp_path))
    for _ in range(3):  # builds that change nothing are not generations: they must not push real ones out
        assert flask(tmp_path, "assets", "build").returncode == 0
    everything = set().union(*generations)
    assert all(p.exists() for p in everything)

    result = flask(tmp_path, "assets", "clean")  # defaults: keep 3 builds, and a day
    assert result.returncode == 0, result.stderr
    assert "Removed 0 files" in result.stdout

    result = flask(tmp_path, "assets", "clean", "--keep", "2", "--age", "0", "--dry-run")
    assert result.returncode == 0
    assert all(p.exists() for p in everything)
    dry = sorted(line.split()[-1] for line in result.stdout.splitlines() if line.startswith("would remove"))

    result = flask(tmp_path, "assets", "clean", "--keep", "2", "--age", "0")
    assert result.returncode == 0, result.stderr
    removed = sorted(line.split()[-1] for line in result.stdout.splitlines() if line.startswith("removed"))
    assert removed == dry
    kept = generations[-1] | generations[-2]
    assert all(p.exists() for p in kept)
    gone = (generations[0] | generations[1]) - kept
    assert gone and not any(p.exists() for p in gone)
    assert not [p for p in gone if any(Path(str(p) + s).exists() for s in (".br", ".gz"))]  # variants too
    assert {str(p.relative_to(tmp_path)) for p in gone} <= set(removed)
    assert (tmp_path / "static/css/a.css").exists() and (tmp_path / "static/img/a.svg").exists()  # sources stay


def test_clean_without_a_manifest_refuses(tmp_path: Path) -> None:
    result = flask(project(tmp_path), "assets", "clean")
    assert result.returncode == 1
    assert "No manifest at" in result.stderr and "Nothing was removed." in result.stderr


def test_check_passes_when_up_to_date_fails_when_stale_and_writes_nothing(tmp_path: Path) -> None:
    project(tmp_path)
    assert flask(tmp_path, "assets", "build").returncode == 0
    result = flask(tmp_path, "assets", "check")
    assert result.returncode == 0, result.stderr
    assert "is up to date" in result.stdout

    write(tmp_path, "static/css/a.css", "body { color: purple }\n")
    write(tmp_path, "static/img/new.svg", "<svg xmlns='http://www.w3.org/2000/svg'><g/></svg>")
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    for args in (["assets", "check"], ["assets", "build", "--check"]):
        result = flask(tmp_path, *args)
        assert result.returncode == 1
        assert "bundle 'css' would build gen/site." in result.stderr
        assert "static: img/new.svg is new since the last build" in result.stderr
        assert "static: css/a.css changed since the last build" in result.stderr
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()} == before


def test_builds_and_cleans_racing_while_sources_change_leave_a_consistent_manifest(tmp_path: Path) -> None:
    project(tmp_path)
    assert flask(tmp_path, "assets", "build").returncode == 0
    environ = clean_env()
    races = 0
    for colour in ("red", "green", "blue", "teal"):
        write(tmp_path, "static/css/a.css", f"body {{ color: {colour} }}\n")
        commands = [["assets", "build"]] * 3 + [["assets", "clean", "--keep", "2", "--age", "0"]]
        racers = [
            subprocess.Popen([FLASK, "--app", "app", *args], cwd=tmp_path, env=environ,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for args in commands
        ]  # fmt: skip
        time.sleep(0.2)
        write(tmp_path, "static/js/app.js", f"window.colour = `{colour}  `;\n" * 20)  # edited mid-race
        for racer in racers:
            _, err = racer.communicate(timeout=300)
            assert racer.returncode == 0, err
            races += 1
        assert_consistent(tmp_path)
    assert races == 16
    # The last edits, made while builds ran, are not lost: one more build, and check agrees.
    assert flask(tmp_path, "assets", "build").returncode == 0
    result = flask(tmp_path, "assets", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    doc = json.loads((tmp_path / MANIFEST).read_text())
    (css,) = doc["bundles"]["css"]
    assert b"teal" in (tmp_path / GEN / css["path"]).read_bytes()


def test_sigkill_at_any_moment_of_a_build_leaves_a_consistent_build(tmp_path: Path) -> None:
    project(tmp_path)
    environ = clean_env()

    def start(round_: int) -> subprocess.Popen[bytes]:
        # New content every round, so every build has real work to do.
        write(tmp_path, "static/css/b.css", "".join(f".k{i} {{ margin: {i + round_}px }}\n" for i in range(3000)))
        write(tmp_path, "static/js/app.js", f"window.round = `{round_}  `;\n" * 200)
        return subprocess.Popen([FLASK, "--app", "app", "assets", "build"], cwd=tmp_path, env=environ,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip

    assert start(0).wait() == 0  # cold: everything compressed once
    started = time.monotonic()
    assert start(100).wait() == 0  # what each round below costs: the changed files only
    duration = time.monotonic() - started
    killed = 0
    for round_ in range(1, 25):  # kills spread from start-up to the final writes, until 4 landed
        if round_ > 8 and killed >= 4:
            break
        before = (tmp_path / MANIFEST).read_bytes()
        proc = start(round_)
        time.sleep(duration * ((round_ - 1) % 8 + 1) / 9)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed += proc.returncode == -signal.SIGKILL
        after = json.loads((tmp_path / MANIFEST).read_text())  # never half-written
        assert after == json.loads(before) or f"{round_}px".encode() in css_of(tmp_path, after)  # old, or new whole
        assert_consistent(tmp_path, temp_files_allowed=True)  # SIGKILL leaves no time to tidy up
    assert killed >= 4, "most builds should have been killed before they finished"
    result = flask(tmp_path, "assets", "clean", "--age", "0")  # what killed builds left behind
    assert result.returncode == 0, result.stderr
    assert not list(tmp_path.rglob(".bust-*.tmp"))
    assert_consistent(tmp_path)


@pytest.mark.parametrize("workers", [3])
def test_gunicorn_workers_with_auto_build_while_sources_change(tmp_path: Path, workers: int) -> None:
    import concurrent.futures
    import sys

    from .helpers import free_port, http, wait_for_http

    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed")  # it is a test dependency; pip install -e '.[test]'
    project(tmp_path)
    port = free_port()
    environ = clean_env() | {"AUTO_BUILD": "1"}
    server = subprocess.Popen(
        [str(gunicorn), "-w", str(workers), "--threads", "4", "-b", f"127.0.0.1:{port}", "app:app"],
        cwd=tmp_path, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/")
        seen_css: set[str] = set()
        failures: list[str] = []

        def visit(_: int) -> None:
            status, _, body = http(base, "/")
            if status != 200:
                failures.append(f"page {status}: {body[:200]!r}")
                return
            for url in re.findall(r'(?:href|src)="([^"]+)"', body.decode()):
                status, _, asset = http(base, url)
                digest = re.search(r"\.([0-9a-f]{16})\.", url)
                if status != 200 or not digest or hashlib.sha256(asset).hexdigest()[:16] != digest.group(1):
                    failures.append(f"{url}: {status}")
                if url.endswith(".css"):
                    seen_css.add(url)

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            pending = [pool.submit(visit, i) for i in range(40)]
            for i, colour in enumerate(("red", "green", "blue", "teal")):
                write(tmp_path, "static/css/a.css", f"body {{ color: {colour} }} /* {i} */\n")
                pending += [pool.submit(visit, i) for i in range(40)]
                time.sleep(0.2)
            for future in pending:
                future.result()
        assert failures == []
        assert len(seen_css) >= 2
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
        print(errors.decode()[-5000:])  # shown when the test fails
