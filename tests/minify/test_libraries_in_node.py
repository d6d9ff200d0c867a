"""Real libraries, minified by every JavaScript engine we ship, still work in node (with jsdom).

The same four libraries and smoke checks as the Chromium test
(tests/libraries.py), in a DOM that jsdom 24 provides: each library's
original must pass the check, and every engine's output must answer exactly
as the original did.
"""

from __future__ import annotations

import json
import subprocess
import warnings
from pathlib import Path

import pytest

from flask_bust_assets.minify.engines import JS_ENGINES, minify_js

from ..helpers import need_executable, npm_install, npm_package
from ..libraries import LIBRARIES, PAGE, SMOKE

JSDOM = "jsdom@24.1.3"
# jsdom's document.evaluate lacks the XPath htmx.process() asks for.
NODE_SMOKE = {**SMOKE, "htmx": (SMOKE["htmx"][0].replace("htmx.process(document.body);", ""), SMOKE["htmx"][1])}
RUNNER = """
const { JSDOM } = require(process.argv[2]);
const fs = require("fs");
const [page, code, expression] = [3, 4, 5].map((i) => fs.readFileSync(process.argv[i], "utf8"));
const dom = new JSDOM(page, { runScripts: "outside-only", pretendToBeVisual: true });
const errors = [];
dom.window.addEventListener("error", (event) => errors.push(String(event.error || event.message)));
try {
  dom.window.eval(code);
} catch (exc) {
  errors.push(String(exc));
}
Promise.resolve()
  .then(() => dom.window.eval(expression))
  .then(
    (value) => console.log(JSON.stringify({ value, errors })),
    (exc) => console.log(JSON.stringify({ errors: [...errors, String(exc)] })),
  )
  .finally(() => dom.window.close());
"""


def run_in_jsdom(tmp_path: Path, code: str, expression: str) -> dict[str, object]:
    node, jsdom = need_executable("node"), npm_install(JSDOM)
    files = []
    for name, text in (("page.html", PAGE), ("code.js", code), ("expression.js", expression), ("run.js", RUNNER)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(str(tmp_path / name))
    done = subprocess.run([node, files[3], str(jsdom), *files[:3]], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("engine", sorted(JS_ENGINES))
@pytest.mark.parametrize("library", sorted(LIBRARIES))
def test_minified_library_works_in_node(tmp_path: Path, library: str, engine: str) -> None:
    spec, path = LIBRARIES[library]
    original = (npm_package(spec) / path).read_text(encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the renaming engine's own output runs, not a fallback
        minified = minify_js(original, engine=engine, source=path)
    expression, expected = NODE_SMOKE[library]
    before = run_in_jsdom(tmp_path, original, expression)
    assert before["value"] == expected
    # Errors too must be the same: jsdom lacks the XPath htmx's start-up asks for, original or not.
    assert run_in_jsdom(tmp_path, minified, expression) == before
