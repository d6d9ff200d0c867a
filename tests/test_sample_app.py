"""The sample app, built with the real CLI and served by a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from flask_bust_assets.css.references import find_references

from .helpers import FLASK, GEN, clean_env, free_port, need_executable, wait_for_http

REPO = Path(__file__).resolve().parent.parent


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(REPO / "sample_app", root / "sample_app", ignore=shutil.ignore_patterns("gen", "*.json"))
    env = clean_env()
    build = subprocess.run(
        [FLASK, "--app", "sample_app", "assets", "build"], cwd=root, env=env, capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "sample_app", "run", "--port", str(port)],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/")
        yield base, root
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_no_page_or_stylesheet_points_at_an_undigested_file(server: tuple[str, Path]) -> None:
    base, root = server
    html = fetch(base + "/").decode()
    (logo,) = re.findall(r'<img src="([^"]+)"', html)
    assert logo == f"/static/img/logo.{hashlib.sha256(fetch(base + logo)).hexdigest()[:16]}.svg"
    (css_url,) = re.findall(r'href="(/static/gen/[^"]+\.css)"', html)
    references = find_references(fetch(base + css_url).decode())
    static = root / "sample_app/static"
    font, stripes = (static / "fonts/icons.woff2").read_bytes(), (static / "img/stripes.svg").read_bytes()
    assert [r.path + r.tail for r in references] == [
        f"../fonts/icons.{hashlib.sha256(font).hexdigest()[:16]}.woff2?v=1",
        f"../img/stripes.{hashlib.sha256(stripes).hexdigest()[:16]}.svg",
    ]
    for ref in references:
        assert fetch(base + posixpath.normpath(posixpath.join(posixpath.dirname(css_url), ref.path)))


@pytest.mark.parametrize("page", ["/", "/helpers"])
def test_pages_reference_only_hashed_assets_with_matching_integrity(server: tuple[str, Path], page: str) -> None:
    base, _ = server
    html = fetch(base + page).decode()
    tags = re.findall(r'<(?:link|script) [^>]*?(?:href|src)="([^"]+)" integrity="([^"]+)"', html)
    assert {Path(url).suffix for url, _ in tags} == {".css", ".js"}
    for url, integrity in tags:  # bundles, and on /helpers the module entry and its preloaded import
        assert re.fullmatch(r"/static/(gen/site|js/modules/(main|format))\.[0-9a-f]{16}\.(css|js)", url)
        body = fetch(base + url)
        assert integrity == "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()
        assert url.split(".")[-2] == hashlib.sha256(body).hexdigest()[:16]


def test_sample_js_output_is_valid_javascript(server: tuple[str, Path]) -> None:
    node = need_executable("node")
    _, root = server
    outputs = list((root / GEN / "gen").glob("*.js"))
    assert outputs  # the build's JavaScript, in the output folder
    for path in outputs:
        result = subprocess.run([node, "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_the_sample_command_sets_up_once_and_then_starts_quietly(tmp_path: Path) -> None:
    # README's first command, run twice as a newcomer would: the second run sets nothing up.
    repo = tmp_path / "repo"
    shutil.copytree(REPO, repo, ignore=shutil.ignore_patterns(".venv*", ".git", ".cache", "instance", "__pycache__"))
    outputs = []
    for _ in range(2):
        port = free_port()
        proc = subprocess.Popen(
            ["bash", ".ci/sample"], cwd=repo, env=clean_env(PORT=str(port)),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            wait_for_http(f"http://127.0.0.1:{port}/", 300)
            assert b"/static/gen/site." in fetch(f"http://127.0.0.1:{port}/")
        finally:
            proc.terminate()
            outputs.append(proc.communicate(timeout=30)[0])
    assert "Setting up .venv-sample" in outputs[0]
    assert "Setting up" not in outputs[1] and "pip" not in outputs[1].lower(), outputs[1]
    site_packages = next((repo / ".venv-sample/lib").glob("*/site-packages"))
    assert (site_packages / "flask").is_dir()
    assert not (site_packages / "pytest").exists() and not (site_packages / "playwright").exists()  # the demo's only
