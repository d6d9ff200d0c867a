"""Every example in README.md and docs/ runs as written.

Conventions (checked below): a fence names its language. ``python`` blocks are
executed; ``bash`` blocks may hold only ``flask`` commands, and each must exit
0; ``jinja`` blocks are rendered by the quickstart's app after a build;
blocks with ``title="path"`` are files, written into the page's scratch
project (the quickstart's files are there for every page); ``nginx`` blocks
run in tests/e2e/test_nginx_docs.py. ``text`` and ``console`` blocks show
output or commands that cannot run inside a test (``flask run``, the test suite
itself) and are not executed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import FLASK

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r'^```([^\s`]*)(?:[ \t]+title="([^"]+)")?[ \t]*\n(.*?)^```[ \t]*$', re.M | re.S)
LANGUAGES = {"python", "bash", "jinja", "css", "javascript", "nginx", "text", "console", "dockerfile"}
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(17)

RENDER = """
import json, sys
sys.path.insert(0, ".")
from yourapp import app
blocks = json.load(open("jinja-blocks.json"))
with app.test_request_context("/"):
    for code in blocks:
        env = app.jinja_env
        if "<%" in code:
            env = env.overlay(block_start_string="<%", block_end_string="%>")
        print(env.from_string(code).render())
"""


def blocks(page: Path) -> list[tuple[str, str | None, str]]:
    return [(lang, title, code) for lang, title, code in FENCE.findall(page.read_text())]


def scaffold(folder: Path) -> None:
    """The quickstart's files, which every page's examples may use."""
    for _, title, code in blocks(ROOT / "docs/quickstart.md"):
        if title:
            path = folder / title
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(code)
    (folder / "static/img").mkdir(parents=True, exist_ok=True)
    (folder / "static/img/logo.png").write_bytes(PNG)


def flask(folder: Path, line: str) -> subprocess.CompletedProcess[str]:
    args = line.split()[1:]
    return subprocess.run([FLASK, *args], cwd=folder, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_fence_names_a_known_language(page: Path) -> None:
    assert page.read_text().count("```") == 2 * len(blocks(page)), "an unlabelled or malformed fence"
    assert {lang for lang, _, _ in blocks(page)} <= LANGUAGES


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scaffold(tmp_path)
    found = blocks(page)
    for _, title, code in found:
        if title:
            (tmp_path / title).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / title).write_text(code)
    monkeypatch.chdir(tmp_path)
    jinja = []
    for lang, title, code in found:
        if title:
            continue
        if lang == "python":
            exec(compile(code, f"{page.name} example", "exec"), {"__name__": "docs_example"})
        elif lang == "bash":
            for line in filter(None, (line.split("#")[0].strip() for line in code.splitlines())):
                assert line.startswith("flask "), f"{page.name}: only flask commands may run in a bash block: {line}"
                result = flask(tmp_path, line)
                assert result.returncode == 0, f"{page.name}: {line}\n{result.stderr}"
        elif lang == "jinja":
            jinja.append(code)
    if jinja:
        assert flask(tmp_path, "flask --app yourapp assets build").returncode == 0
        (tmp_path / "jinja-blocks.json").write_text(json.dumps(jinja))
        result = subprocess.run([sys.executable, "-c", RENDER], cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, f"{page.name}: {result.stderr}"
        assert "/static/gen/site." in result.stdout


def test_quickstart_page_gets_digested_urls(tmp_path: Path) -> None:
    scaffold(tmp_path)
    assert flask(tmp_path, "flask --app yourapp assets build").returncode == 0
    code = 'import sys; sys.path.insert(0, "."); from yourapp import app; print(app.test_client().get("/").text)'
    html = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True).stdout
    assert re.search(r'href="/static/gen/site\.[0-9a-f]{16}\.css" integrity="sha384-', html)
    assert re.search(r'src="/static/img/logo\.[0-9a-f]{16}\.png"', html)
    assert re.search(
        r'<script src="/static/gen/site\.[0-9a-f]{16}\.js" integrity="sha384-[^"]+" crossorigin="anonymous" defer>',
        html,
    )


def test_render_benchmark_runs_and_prints_its_table() -> None:
    # Not a timing test: the numbers are not judged here, only that the benchmark still runs.
    result = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks", "render", "--quick"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "| production | ours `asset_url()` |" in result.stdout
    assert "of stock (goal <= 0.2)" in result.stdout


def test_the_readme_example_busts_its_own_stylesheets_references() -> None:
    # Its first sentence promises that every file a stylesheet references is hashed.
    (code,) = [code for lang, _, code in blocks(README) if lang == "python"][:1]
    assert re.search(r'Bundle\("css/[^)]*filters="bust_cssurls,bust_cssmin"', code.replace("\n", " ")), code


def test_the_quickstart_installs_from_a_checkout_and_names_each_file_visibly() -> None:
    text = (ROOT / "docs/quickstart.md").read_text()
    # There is no release to install by name yet; the extra brings the default JavaScript engine.
    assert "pip install '/path/to/flask-bust-assets[minify]'" in text
    for _, title, _ in blocks(ROOT / "docs/quickstart.md"):
        if title:  # code-fence titles are not rendered by GitHub: a bold line names the file
            assert f"**`{title}`**\n\n```" in text, title
