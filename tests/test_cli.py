"""`flask assets build` through the real flask executable and app.test_cli_runner()."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask_assets import Bundle

from .helpers import FLASK, GEN, MANIFEST, clean_env, make_app, run_flask, write

APP = """
from flask import Flask
from flask_bust_assets import Bundle, BustAssets

app = Flask(__name__)
assets = BustAssets(app)
assets.register("css", Bundle("css/a.css", filters="bust_cssmin", output="gen/a.%(version)s.css"))
assets.register("js", Bundle("js/a.js", filters="bust_jsmin", output="gen/a.%(version)s.js"))
{extra}
"""

STOCK_APP = """
from flask import Flask
from flask_assets import Bundle, Environment

app = Flask(__name__)
assets = Environment(app)
assets.register("css", Bundle("css/a.css", filters="cssmin", output="gen/stock.css"))
"""


def project(root: Path, extra: str = "") -> Path:
    write(root, "app.py", APP.format(extra=extra))
    write(root, "static/css/a.css", "/*! keep */\nbody { color : red }\n")
    write(root, "static/js/a.js", "window.x = `a  b`;\n")
    return root


def flask(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_flask(root, *args)


def test_build_prints_a_table_and_writes_the_manifest(tmp_path: Path) -> None:
    result = flask(project(tmp_path), "assets", "build")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / MANIFEST).read_text())["bundles"]
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["bundle", "output", "raw", "minified", "gzip", "brotli", "time"]
    for line, name in zip(lines[1:3], ("css", "js"), strict=True):
        entry = manifest[name][0]
        assert re.fullmatch(rf"{name}\s+{re.escape(entry['path'])}\s+{entry['source_size']} B\s+{entry['size']} B"
                            r"\s+(\S+ B|-)\s+(\S+ B|-)\s+\d+ ms\s+built", line)  # fmt: skip
        assert (tmp_path / GEN / entry["path"]).stat().st_size == entry["size"]
    assert "\x1b[" not in result.stdout  # colours only on a terminal
    assert lines[-1] == f"Wrote {tmp_path / MANIFEST} (2 bundles)."
    again = flask(tmp_path, "assets", "build")
    assert [line.split()[-1] for line in again.stdout.splitlines()[1:3]] == ["reused", "reused"]


def test_build_json_and_quiet(tmp_path: Path) -> None:
    project(tmp_path)
    result = flask(tmp_path, "assets", "build", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    manifest = json.loads((tmp_path / MANIFEST).read_text())["bundles"]
    assert report["ok"] is True and report["manifest"] == str(tmp_path / MANIFEST)
    assert {o["bundle"]: o["path"] for o in report["outputs"]} == {n: m[0]["path"] for n, m in manifest.items()}
    assert all(o["integrity"].startswith("sha384-") for o in report["outputs"])
    quiet = flask(tmp_path, "assets", "build", "--quiet")
    assert (quiet.returncode, quiet.stdout) == (0, "")
    (tmp_path / "static/js/a.js").unlink()
    failed = flask(tmp_path, "assets", "build", "--json")
    assert failed.returncode == 1
    report = json.loads(failed.stdout)
    assert report["ok"] is False and report["manifest"] is None
    assert any("static/js/a.js does not exist" in e for e in report["errors"])


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_watch_rebuilds_on_change_and_stops_on_a_signal(tmp_path: Path, stop: signal.Signals) -> None:
    project(tmp_path)
    env = clean_env()
    # As a background job of a non-interactive shell starts it: with SIGINT ignored.
    proc = subprocess.Popen(
        [FLASK, "--app", "app", "assets", "watch", "--interval", "0.1"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )  # fmt: skip
    try:
        manifest = tmp_path / MANIFEST
        deadline = time.monotonic() + 30
        while not manifest.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        first = json.loads(manifest.read_text())["bundles"]["css"][0]["path"]
        time.sleep(0.3)
        write(tmp_path, "static/css/a.css", "body { color : blue }\n")
        while json.loads(manifest.read_text())["bundles"]["css"][0]["path"] == first:
            assert time.monotonic() < deadline, "watch did not rebuild"
            time.sleep(0.1)
        time.sleep(0.5)  # the table line follows the manifest
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:  # never leak the process, whatever failed above
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert out.splitlines()[-1] == "Stopped watching."
    rebuilt = [line for line in out.splitlines() if line.startswith("css ")]
    assert len(rebuilt) == 2 and rebuilt[-1].endswith("built"), out + err
    assert (
        b"color:blue" in (tmp_path / GEN / json.loads(manifest.read_text())["bundles"]["css"][0]["path"]).read_bytes()
    )


def test_missing_source_exits_non_zero_and_keeps_the_last_good_manifest(tmp_path: Path) -> None:
    project(tmp_path)
    assert flask(tmp_path, "assets", "build").returncode == 0
    good = (tmp_path / MANIFEST).read_bytes()
    (tmp_path / "static/js/a.js").unlink()
    result = flask(tmp_path, "assets", "build")
    assert result.returncode == 1
    assert "FAILED  bundle 'js': source file" in result.stderr
    assert "static/js/a.js does not exist; fix the path in the bundle or create the file" in result.stderr
    assert "Nothing was written; the previous manifest" in result.stderr
    assert (tmp_path / MANIFEST).read_bytes() == good


def test_bad_setting_exits_non_zero_naming_it(tmp_path: Path) -> None:
    project(tmp_path, extra='app.config["BUST_ASSETS_VERSIONING"] = "hash"')
    result = flask(tmp_path, "assets", "build")
    assert result.returncode == 1
    assert "BUST_ASSETS_VERSIONING is 'hash'" in result.stderr


def test_minifier_warnings_reach_the_terminal(tmp_path: Path) -> None:
    project(tmp_path, extra='app.config["BUST_ASSETS_CSS_ENGINE"] = "cssmin"')
    write(tmp_path, "static/css/a.css", ":root { --gap: 0px }\n")
    result = flask(tmp_path, "assets", "build")
    assert result.returncode == 0, result.stderr
    assert re.search(r"warning: .*static/css/a\.css: cssmin would corrupt a zero length", result.stderr)


def test_stock_flask_assets_apps_keep_stock_commands(tmp_path: Path) -> None:
    write(tmp_path, "app.py", STOCK_APP)
    write(tmp_path, "static/css/a.css", "body { color : red }\n")
    result = flask(tmp_path, "assets", "build")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "static/gen/stock.css").read_text() == "body{color:red}"
    assert not (tmp_path / MANIFEST).exists()


def test_cli_runner(tmp_path: Path) -> None:
    write(tmp_path, "static/css/a.css", "body { color : red }\n")
    app, assets = make_app(tmp_path)
    assets.register("css", Bundle("css/a.css", filters="bust_cssmin", output="gen/a.%(version)s.css"))
    result = app.test_cli_runner().invoke(args=["assets", "build"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].split()[:2][0] == "css"
    assert result.output.splitlines()[1].split()[1].startswith("gen/a.")
    (tmp_path / "static/css/a.css").unlink()
    result = app.test_cli_runner().invoke(args=["assets", "build"])
    assert result.exit_code == 1
    assert "source file" in result.output


@pytest.mark.parametrize(
    "content", ["{ not json", '{"format": 1, "bundles": []}', '{"format": 1, "bundles": {"css": [{"path": 1}]}}']
)
def test_a_corrupt_manifest_lets_the_app_start_and_a_build_replace_it(tmp_path: Path, content: str) -> None:
    project(tmp_path, extra='@app.get("/")\ndef index():\n    return assets["css"].urls()[0]')
    write(tmp_path, MANIFEST, content)
    # A worker starts (gunicorn's "Worker failed to boot" before) and renders live, naming the file.
    worker = "from app import app; print(app.test_client().get('/').status_code)"
    started = subprocess.run(
        [sys.executable, "-c", worker], cwd=tmp_path, env=clean_env(), capture_output=True, text=True
    )
    assert started.stdout.strip() == "200" and "Traceback" not in started.stderr, started.stderr
    assert f"The manifest {tmp_path / MANIFEST} is corrupt" in started.stderr
    result = flask(tmp_path, "assets", "build")
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / MANIFEST).read_text())["format"] == 1


def test_progress_line_shows_on_a_terminal_after_a_second(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from flask_bust_assets.cli import output

    clock = iter([0.0, 0.5, 1.5, 2.0])  # created, then one step before a second, two after
    monkeypatch.setattr(output.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(output.sys.stderr, "isatty", lambda: True)
    step = output.progress_line(3)
    step("css")
    assert capsys.readouterr().err == ""  # quick builds show nothing
    step("js")
    step("static files")
    err = capsys.readouterr().err
    assert "[################........] 2/3 js" in err
    assert "[########################] 3/3 static files" in err and err.endswith("\n")


def test_strict_mode_lets_the_build_write_the_manifest_it_requires(tmp_path: Path) -> None:
    project(tmp_path)
    strict_first = (
        (tmp_path / "app.py")
        .read_text()
        .replace("app = Flask(__name__)\n", 'app = Flask(__name__)\napp.config["BUST_ASSETS_STRICT"] = True\n')
    )
    (tmp_path / "app.py").write_text(strict_first)
    refused = flask(tmp_path, "routes")  # any other command starts the app: refused
    assert refused.returncode != 0
    assert "No manifest at" in refused.stderr and "BUST_ASSETS_STRICT is on" in refused.stderr
    built = flask(tmp_path, "assets", "build")
    assert built.returncode == 0, built.stderr
    assert flask(tmp_path, "routes").returncode == 0


REPORT_APP = """
from flask import Flask
from flask_bust_assets import Bundle, BustAssets

app = Flask(__name__)
app.config.from_prefixed_env()
assets = BustAssets(app)
assets.register("css", Bundle("css/a.css", filters="bust_cssurls", output="gen/a.%(version)s.css"))
"""


def test_the_build_report_counts_each_file_once_and_says_each_thing_once(tmp_path: Path) -> None:
    write(tmp_path, "app.py", REPORT_APP)
    write(tmp_path, "static/css/a.css", ".a{background:url(../img/x.svg)}")  # grows: the digested name is longer
    write(tmp_path, "static/img/x.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    write(tmp_path, "static/js/b.js", "window.b = 1;\n")
    result = flask(tmp_path, "assets", "build")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "static  3 files digested, 0 new variants" in result.stdout  # x.svg is digested and referenced: once
    assert lines[-1] == f"Wrote {tmp_path / MANIFEST} (1 bundle)."
    assert any(line.startswith("note: gen/a.") and "came out larger than its sources" in line for line in lines)
    # A missing url() target: the bundle and the static pass both read a.css; one message.
    write(tmp_path, "static/css/a.css", ".a{background:url(../img/gone.svg)}")
    failed = flask(tmp_path, "assets", "build")
    assert failed.returncode == 1 and failed.stderr.count("gone.svg' points to") == 1, failed.stderr
    assert "Build failed: 1 problem. Nothing was written; the previous manifest" in failed.stderr
    warned = run_flask(tmp_path, "assets", "build", env=clean_env(FLASK_BUST_ASSETS_MISSING_REFERENCE="warn"))
    assert warned.returncode == 0 and warned.stderr.count("gone.svg' points to") == 1, warned.stderr


def test_a_failed_first_build_does_not_speak_of_a_previous_manifest(tmp_path: Path) -> None:
    write(tmp_path, "app.py", REPORT_APP)
    write(tmp_path, "static/css/a.css", ".a{background:url(../img/gone.svg)}")
    failed = flask(tmp_path, "assets", "build")
    assert failed.returncode == 1
    assert "Nothing was written; there is no manifest yet." in failed.stderr
