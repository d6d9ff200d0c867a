"""Run one real app as stock Flask-Assets and with the one-line switch, side by side: venv, build, drive.

Each app gets its own venv (its pins conflict with ours and with each other) under
~/.cache/flask-bust-assets/realapps/, holding its requirements and this checkout; two copies of its
project (stock, and ours with ``swap`` applied) in a temporary folder; a PATH of
node and the npm tools its filters run. Everything runs through real processes:
`flask assets build|clean`, tests/realapps/driver.py serving on 127.0.0.1, pytest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..helpers import CACHE, REQUIRE_E2E, need_executable, npm_install, npm_tree
from .catalog import RealApp

REPO = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("driver.py")


# Outside the checkout, like pip's own cache: CI clones afresh each run, and an app's venv
# takes minutes to install (abilian-sbe: about 150 packages) but never changes for a pin.
VENVS = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "flask-bust-assets" / "realapps"


def app_venv(app: RealApp, source: Path) -> Path:
    """The app's own venv with its requirements (made once per pin) and this checkout, editable."""
    venv = VENVS / f"{app.name}-py{sys.version_info.major}.{sys.version_info.minor}"
    args = [a.replace("{source}", str(source)) for a in app.install]
    stamp = venv / "installed.json"
    installed = json.loads(stamp.read_text()) if stamp.exists() else {}
    if installed.get("args") != args:
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
        pip(app, venv, args)
        installed = {"args": args}
        stamp.write_text(json.dumps(installed))
    if installed.get("ours") != str(REPO):  # ours last: what a user's `pip install` would resolve
        pip(app, venv, ["-e", str(REPO)])
        stamp.write_text(json.dumps(installed | {"ours": str(REPO)}))
    return venv


def pip(app: RealApp, venv: Path, args: list[str]) -> None:
    command = [str(venv / "bin/python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        message = f"pip install {' '.join(args)} for {app.name} failed: {done.stderr[-2000:]}"
        pytest.fail(message) if REQUIRE_E2E else pytest.skip(message)


def tool_path(app: RealApp, venv: Path) -> str:
    """PATH for the app: its venv, node and the npm tools its filters call; no java, so no Closure
    Compiler (abilian runs it when java is found: minutes of build for no check's sake)."""
    tools = CACHE / "realapps" / app.name / "bin"
    tools.mkdir(parents=True, exist_ok=True)
    links = {"node": Path(need_executable("node"))} if app.npm else {}
    for spec in app.npm:
        package = npm_install(spec)
        for name in (package.parent / ".bin").iterdir():
            links[name.name] = name
    for name, target in links.items():
        (tools / name).unlink(missing_ok=True)
        (tools / name).symlink_to(target)
    return os.pathsep.join([str(venv / "bin"), str(tools), "/usr/local/bin"])


# Flask-Assets' `flask assets build` as webassets' own `build --no-cache`: what stock compiles
# from the edited sources. Stock's plain rebuild keeps a stale compile: webassets caches an
# output filter's result under the merged text, which for abilian's Less filter is only
# `@import` lines, unchanged by an edit of the files they import (docs/compat.md).
UNCACHED_BUILD = """
import logging, sys
from flask.cli import ScriptInfo
from webassets.script import CommandLineEnvironment
app = ScriptInfo(app_import_path=sys.argv[1]).load_app()
with app.app_context():
    CommandLineEnvironment(app.jinja_env.assets_environment, logging.getLogger("webassets")).build(no_cache=True)
"""


@dataclass
class Side:
    """One copy of the app (stock or ours) and how to run things in it."""

    app: RealApp
    project: Path
    venv: Path
    path: str

    def env(self, **extra: str) -> dict[str, str]:
        base = {"PATH": self.path, "HOME": str(self.project), "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
        if self.app.package:  # the copied package shadows the installed one
            base["PYTHONPATH"] = str(self.project)
        filled = {k: v.replace("{project}", str(self.project)) for k, v in self.app.env.items()}
        return base | filled | extra

    def flask(self, *args: str, debug: bool = False) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin/flask"), "--app", self.app.flask_app, *args],
            cwd=self.project, env=self.env(**({"FLASK_DEBUG": "1"} if debug else {})),
            capture_output=True, text=True, timeout=900,
        )  # fmt: skip

    def uncached_build(self) -> subprocess.CompletedProcess[str]:
        """Stock's build without webassets' cache (see UNCACHED_BUILD)."""
        return subprocess.run(
            [str(self.venv / "bin/python"), "-c", UNCACHED_BUILD, self.app.flask_app],
            cwd=self.project, env=self.env(), capture_output=True, text=True, timeout=900,
        )  # fmt: skip

    def drive(self, label: str, debug: bool = False, also: tuple[str, ...] = ()) -> dict[str, Any]:
        """Serve the app, GET its pages (and ``also``); the driver's result plus where its bodies are."""
        out = self.project.parent / f"{self.project.name}-{label}"
        shutil.rmtree(out, ignore_errors=True)
        done = subprocess.run(
            [str(self.venv / "bin/python"), str(DRIVER), str(out), "--app", self.app.flask_app,
             *self.app.pages, "--also", *also],
            cwd=self.project, env=self.env(**({"FLASK_DEBUG": "1"} if debug else {})),
            capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        assert done.returncode == 0, f"{self.app.name} ({self.project.name}) did not serve: {done.stderr[-3000:]}"
        result: dict[str, Any] = json.loads((out / "result.json").read_text())
        result["bodies"] = str(out / "bodies")
        return result

    def tests(self) -> dict[str, str]:
        """The app's own suite: test id -> outcome (empty when it has none)."""
        from ..helpers import junit_outcomes

        if not self.app.tests:
            return {}
        report = self.project / "own-tests.xml"
        subprocess.run(
            [str(self.venv / "bin/python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
             f"--junitxml={report}", *self.app.tests],
            cwd=self.project, env=self.env(), capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        return junit_outcomes(report, self.project) if report.exists() else {}


def sides(app: RealApp, source: Path, tmp: Path) -> tuple[Side, Side]:
    """Fresh stock and ours copies of the app's project."""
    venv = app_venv(app, source)
    path = tool_path(app, venv)
    copies = []
    for label in ("stock", "ours"):
        project = tmp / label
        shutil.rmtree(project, ignore_errors=True)
        if app.package:
            site = next((venv / "lib").glob("python3*/site-packages"))
            shutil.copytree(site / app.package, project / app.package, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copytree(source, project, symlinks=True, ignore=shutil.ignore_patterns(".git", "__pycache__"))
        for name in app.built:
            (project / name).unlink()
        if app.node_modules:  # real files, as the app's install step leaves them
            folder, specs = app.node_modules
            shutil.rmtree(project / folder, ignore_errors=True)
            shutil.copytree(npm_tree(*map(packed, specs)), project / folder, symlinks=True)
        copies.append(Side(app, project, venv, path))
    stock, ours = copies
    target, old, new = app.swap
    text = (ours.project / target).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{app.name}: the line to switch is not in {target} once; is it at {app.pinned}?"
    (ours.project / target).write_text(text.replace(old, new), encoding="utf-8")
    return stock, ours


def packed(spec: str) -> str:
    """``spec``, or for a package's source folder the tarball `npm pack` makes of it: npm links a
    folder into node_modules instead of copying it, and an app's install step leaves real files."""
    if not Path(spec).is_dir():
        return spec
    packs = CACHE / "npm" / "packs"
    packs.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [need_executable("npm"), "pack", "--silent", "--pack-destination", str(packs), spec],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return str(packs / done.stdout.strip().splitlines()[-1])


def snapshot(root: Path) -> dict[str, tuple[int, float]]:
    """Size and mtime of every file under ``root``: what a build wrote is what changed."""
    return {str(p): (p.stat().st_size, p.stat().st_mtime) for p in root.rglob("*") if p.is_file()}


def written(before: dict[str, tuple[int, float]], root: Path) -> int:
    """Bytes of the files under ``root`` new or changed since ``before``: the build's output, less
    webassets' caches (``.webassets-cache``, ``webassets-cache``, abilian's ``webassets/cache``)."""
    after = snapshot(root)
    return sum(
        size
        for name, (size, mtime) in after.items()
        if before.get(name) != (size, mtime) and not any("cache" in part for part in Path(name).parts)
    )


def timed_build(side: Side) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """`flask assets build` in ``side``: the process, seconds, bytes it wrote."""
    before = snapshot(side.project)
    time.sleep(0.01)  # distinct mtimes for files rewritten in place
    started = time.perf_counter()
    done = side.flask("assets", "build")
    return done, time.perf_counter() - started, written(before, side.project)
