"""Shared test helpers: real files on disk, real tools, real apps."""

from __future__ import annotations

import contextlib
import hashlib
import http.client as http_client
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from flask_bust_assets import BustAssets

REQUIRE_E2E = os.environ.get("BUST_REQUIRE_E2E") == "1"
FLASK = str(Path(sys.executable).with_name("flask"))
# Where make_app's (and the sample app's) builds go: the default output folder, instance/assets.
OUT = "instance/assets"
MANIFEST = f"{OUT}/assets-manifest.json"
GEN = f"{OUT}/static"  # generated files of the app's static folder, by URL path
CACHE = Path(os.environ.get("BUST_TEST_CACHE", Path(__file__).resolve().parent.parent / ".cache"))


@contextlib.contextmanager
def file_system_calls() -> Iterator[list[str]]:
    """Every open, listdir, scandir, stat and lstat the block makes, as "event path" lines.

    Audit events cover open() and listing a folder; stat() has none, so os.stat and
    os.lstat are wrapped for the block (an audit hook cannot be removed: it stops recording).
    """
    calls: list[str] = []
    recording = [True]

    def hook(event: str, args: tuple[object, ...]) -> None:
        if recording[0] and event in ("open", "os.listdir", "os.scandir"):
            calls.append(f"{event} {args[0]}")

    sys.addaudithook(hook)
    saved = {name: getattr(os, name) for name in ("stat", "lstat")}
    for name, real in saved.items():

        def wrapped(path: object, *a: object, real: object = real, name: str = name, **kw: object) -> object:
            calls.append(f"{name} {path}")
            return real(path, *a, **kw)  # type: ignore[operator]

        setattr(os, name, wrapped)
    try:
        yield calls
    finally:
        recording[0] = False
        for name, real in saved.items():
            setattr(os, name, real)


def need_executable(name: str) -> str:
    """The path of tool ``name``; skip without it, or fail under BUST_REQUIRE_E2E=1."""
    path = shutil.which(name)
    if path:
        return path
    if REQUIRE_E2E:
        pytest.fail(f"{name} is required when BUST_REQUIRE_E2E=1; .ci/run installs it")
    pytest.skip(f"{name} is not installed")


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment minus FLASK_* variables (a developer's shell may set
    FLASK_APP or FLASK_DEBUG), plus ``extra``: what a `flask` subprocess of a test sees."""
    return {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")} | extra


def run_flask(
    cwd: Path, *args: str, app: str = "app", env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """The real `flask --app APP ARGS` in ``cwd``, as a user runs it; output captured as text."""
    return subprocess.run(
        [FLASK, "--app", app, *args],
        cwd=cwd,
        env=clean_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def write(root: Path, rel: str, text: str) -> Path:
    """Write ``text`` to ``root/rel``, creating folders."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# How an app runs: production after a build, development (auto_build), production before any build
# (a fresh checkout): the config for make_app, and whether to build first.
MODES: dict[str, tuple[dict[str, object], bool]] = {
    "production": ({}, True),
    "development": ({"ASSETS_AUTO_BUILD": True}, False),
    "no manifest yet": ({}, False),
}


def make_app(root: Path, config: dict[str, object] | None = None) -> tuple[Flask, BustAssets]:
    """A Flask app rooted at ``root`` (static folder ``root/static``) with BustAssets."""
    app = Flask("site", root_path=str(root), instance_path=str(root / "instance"))
    app.config.update({"TESTING": True, **(config or {})})
    return app, BustAssets(app)


def npm_package(spec: str) -> Path:
    """Fetch ``name@version`` with ``npm pack`` once into the cache; return its unpacked folder."""
    name, _, version = spec.rpartition("@")
    target = CACHE / "npm" / f"{name}-{version}"
    if (target / "package.json").exists():
        return target
    npm = need_executable("npm")
    download = CACHE / "npm" / "tarballs"
    download.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(
        [npm, "pack", spec, "--pack-destination", str(download), "--silent"],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    tarball = download / out.stdout.strip().splitlines()[-1]
    staging = target.with_name(target.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(staging, filter="data")
    os.replace(staging / "package", target)
    shutil.rmtree(staging, ignore_errors=True)
    return target


def npm_install(spec: str) -> Path:
    """Install ``name@version`` with its dependencies once into the cache; return its package folder."""
    return npm_tree(spec) / spec.rpartition("@")[0]


def npm_tree(*specs: str) -> Path:
    """A node_modules folder holding ``name@version`` packages and their dependencies, as one
    `npm install` lays it out; installed once into the cache. Returns the node_modules folder."""
    name = "tree-" + "+".join(s.replace("/", "_") for s in sorted(specs))
    if len(name) > 200:  # a file name's limit is 255 bytes: a long list of packages is named by its hash
        name = "tree-" + hashlib.sha256(name.encode()).hexdigest()[:16]
    prefix = CACHE / "npm" / name
    if (prefix / "installed").exists():
        return prefix / "node_modules"
    npm = need_executable("npm")
    prefix.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--silent", *specs],
        check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    (prefix / "installed").touch()
    return prefix / "node_modules"


def pypi_sdist(spec: str) -> Path:
    """Fetch ``name==version``'s source distribution with pip once into the cache; return its unpacked folder."""
    name, _, version = spec.partition("==")
    target = CACHE / "pypi" / f"{name}-{version}"
    if target.is_dir():
        return target
    download = CACHE / "pypi" / "sdists"
    download.mkdir(parents=True, exist_ok=True)
    fetched = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--no-binary", ":all:", "--dest", str(download), spec],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if fetched.returncode != 0:
        if REQUIRE_E2E:
            pytest.fail(f"pip download {spec} failed: {fetched.stderr[-1000:]}")
        pytest.skip(f"pip download {spec} failed (no package index?)")
    wanted = f"{name}-{version}".lower().replace("_", "-")
    tarball = next(p for p in download.iterdir() if p.name.lower().replace("_", "-").startswith(wanted))
    staging = target.with_name(target.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(staging, filter="data")
    (only,) = staging.iterdir()  # an sdist holds one top folder, name-version/
    os.replace(only, target)
    shutil.rmtree(staging, ignore_errors=True)
    return target


def junit_outcomes(report: Path, root: Path) -> dict[str, str]:
    """Each test id (``tests/test_x.py::Class::test``) of a pytest JUnit report -> passed, failed or skipped.

    A classname is the module's dotted path plus any class names (empty for a module skipped
    whole, whose name is then the module's): the module is the longest prefix naming a file under ``root``."""
    outcomes = {}
    for case in ElementTree.parse(report).iter("testcase"):
        classname, name = case.get("classname", ""), case.get("name", "")
        parts = (classname or name).split(".")
        split = next((i for i in range(len(parts), 0, -1) if (root / Path(*parts[:i])).with_suffix(".py").is_file()), 1)
        test_id = "::".join(["/".join(parts[:split]) + ".py", *parts[split:], *([name] if classname else [])])
        kinds = {child.tag for child in case}
        outcomes[test_id] = "failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds else "passed"
    return outcomes


@contextlib.contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a real HTTP server on 127.0.0.1; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def http(
    base: str, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One raw HTTP request (no decompression, no redirects): status, headers, body."""
    parsed = urllib.parse.urlsplit(base)
    connection = http_client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, seconds: float = 20) -> None:
    """Return once ``url`` answers over HTTP (any status); fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
