"""css/partials.py against the compilers' own word on what a stylesheet loads.

The oracles are the compilers' reports: libsass's source map (every file it read),
the dart-sass JavaScript API's ``loadedUrls`` and less's ``imports``, from the npm
packages at pinned versions, asked by one long-lived node process. Hypothesis
writes import graphs in every form each compiler resolves (partials, explicit
extensions, index files, load paths, LESS options) among rules that load nothing
(comments, strings, plain CSS imports, URLs, built-in modules); the real
libraries' own sources (Bootstrap 3, 4, 5 and Bulma 1) are checked whole.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flask_bust_assets.css.partials import Load, find_loads, loaded_files

from ..helpers import need_executable, npm_install, npm_package

SASS, LESS = "sass@1.108.2", "less@4.9.1"

ORACLE = """
const readline = require('readline'), url = require('url'), fs = require('fs');
const sass = require(process.argv[2]), less = require(process.argv[3]);
const lines = readline.createInterface({input: process.stdin});
(async () => {
  for await (const line of lines) {
    const ask = JSON.parse(line);
    let answer;
    try {
      if (ask.compiler === 'sass') {
        const result = sass.compile(ask.entry, {loadPaths: ask.loadPaths, logger: sass.Logger.silent});
        answer = {loaded: result.loadedUrls.map(u => url.fileURLToPath(u))};
      } else {
        const text = fs.readFileSync(ask.entry, 'utf8');
        const result = await less.render(text, {filename: ask.entry, paths: ask.loadPaths});
        answer = {loaded: result.imports};
      }
    } catch (e) { answer = {error: String(e.message || e)}; }
    process.stdout.write(JSON.stringify(answer) + '\\n');
  }
})();
"""


class Oracle:
    """One node process answering "which files does this entry load" for dart-sass and less."""

    def __init__(self, folder: Path) -> None:
        script = folder / "oracle.js"
        script.write_text(ORACLE)
        node = need_executable("node")
        args = [node, str(script), str(npm_install(SASS)), str(npm_install(LESS))]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def loaded(self, compiler: str, entry: Path, load_paths: list[Path]) -> set[str]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        ask = {"compiler": compiler, "entry": str(entry), "loadPaths": [str(p) for p in load_paths]}
        self.proc.stdin.write(json.dumps(ask) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        assert "error" not in answer, answer["error"]
        return {os.path.realpath(p) for p in answer["loaded"]} - {os.path.realpath(entry)}


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oracle]:
    found = Oracle(tmp_path_factory.mktemp("oracle"))
    yield found
    found.proc.kill()
    found.proc.wait()


def libsass_loaded(entry: Path, load_paths: list[Path]) -> set[str]:
    """Every file libsass read, from the source map it writes (sources relative to the map)."""
    sass = pytest.importorskip("sass", reason="libsass is a test dependency")
    map_file = entry.parent / "out.css.map"
    _, source_map = sass.compile(
        filename=str(entry), include_paths=[str(p) for p in load_paths], source_map_filename=str(map_file)
    )
    sources = json.loads(source_map)["sources"]
    return {os.path.realpath(map_file.parent / s) for s in sources} - {os.path.realpath(entry)}


def ours(entry: Path, dialect: str, load_paths: list[Path]) -> set[str]:
    found = loaded_files(str(entry), dialect=dialect, load_paths=[str(p) for p in load_paths])
    assert found.missing == []
    return {os.path.realpath(s[0]) for s in found.stamps}


# ---- examples: what loads and what does not ------------------------------------------------


def urls(text: str, dialect: str = "dart", indented: bool = False) -> list[tuple[str, str]]:
    return [(load.rule, load.url) for load in find_loads(text, dialect=dialect, indented=indented)]


def test_rules_in_comments_and_strings_load_nothing() -> None:
    text = (
        '// @import "a";\n/* @use "b"; */\n.x { content: "@import \'c\'"; background: url(//cdn/x.png); }\n'
        '@import "d", "e";\n@use "f" as g with ($x: 1);\n@forward "h" show y;\n'
        '@include meta.load-css("i");\n@import "j" screen;\n@import url(k.css);\n'
    )
    assert urls(text) == [
        ("import", "d"), ("import", "e"), ("use", "f"), ("forward", "h"), ("load-css", "i"),
    ]  # fmt: skip


def test_the_indented_syntax_ends_a_rule_at_the_line_and_takes_bare_urls() -> None:
    assert urls('@import colors, "lib/theme"\n.a\n  color: red\n', indented=True) == [
        ("import", "colors"), ("import", "lib/theme"),
    ]  # fmt: skip


def test_less_options_and_url_imports() -> None:
    loads = list(
        find_loads('@import (reference, optional) "a";\n@import url("b.less");\n@import "c" screen;\n', dialect="less")
    )
    assert loads == [
        Load("import", "a", 1, frozenset({"reference", "optional"})),
        Load("import", "b.less", 2),
        Load("import", "c", 3),
    ]


def test_plain_css_built_ins_and_urls_load_nothing_and_a_missing_partial_is_named(tmp_path: Path) -> None:
    entry = tmp_path / "main.scss"
    entry.write_text('@use "sass:math";\n@import "x.css";\n@import "https://cdn/x";\n@import "gone";\n@use "#{$v}";\n')
    found = loaded_files(str(entry), dialect="dart", load_paths=[])
    assert found.stamps == [] and found.missing == [(str(entry), 4, "gone")]


def test_an_edit_changes_the_fingerprint_and_only_then(tmp_path: Path) -> None:
    (tmp_path / "main.scss").write_text('@import "a";\n')
    (tmp_path / "_a.scss").write_text("$x: 1;\n")
    first = loaded_files(str(tmp_path / "main.scss"), dialect="libsass", load_paths=[]).fingerprint
    assert loaded_files(str(tmp_path / "main.scss"), dialect="libsass", load_paths=[]).fingerprint == first
    (tmp_path / "_a.scss").write_text("$x: 2;\n")
    assert loaded_files(str(tmp_path / "main.scss"), dialect="libsass", load_paths=[]).fingerprint != first


# ---- generated import graphs against the compilers ----------------------------------------

FOLDERS = ("main", "main/sub", "lib", "lib/deep")  # main/main.* is the entry; lib is the load path


@st.composite
def graphs(draw: Any, dialect: str) -> dict[str, Any]:
    """Files f1..fn in FOLDERS, each loaded by an earlier file (a DAG: no loop is an error)."""
    count = draw(st.integers(1, 6))
    files = []
    for i in range(1, count + 1):
        folder = draw(st.sampled_from(FOLDERS))
        if dialect == "less":
            files.append(
                {"folder": folder, "file": f"f{i}.less", "ref": f"f{i}" + draw(st.sampled_from(["", ".less"]))}
            )
            continue
        form = draw(st.sampled_from(["plain", "partial", "index", "partial-index"]))
        ext = draw(st.sampled_from(["", ".scss"])) if "index" not in form else ""
        under = "_" if "partial" in form else ""
        file = f"f{i}/{under}index.scss" if "index" in form else f"{under}f{i}.scss"
        files.append({"folder": folder, "file": file, "ref": f"f{i}{ext}"})
    edges = {i: draw(st.lists(st.integers(0, i - 1), min_size=1, max_size=2, unique=True)) for i in range(1, count + 1)}
    noise = draw(st.lists(st.sampled_from(NOISE[dialect]), max_size=3))
    return {"files": files, "edges": edges, "noise": noise, "choices": draw(st.randoms(use_true_random=False))}


NOISE = {
    "dart": ['// @import "nope";', '/* @use "nope"; */', '@import "plain.css";', '@import url(nope.css);',
             '@import "https://cdn.example/x.css";', '.s { content: "@import \'nope\'"; }'],
    "less": ['// @import "nope";', '/* @import "nope"; */', '@import "plain.css";', '@import (css) "nope";',
             '@import (optional) "nope";', '.s { content: "@import \'nope\'"; }'],
}  # fmt: skip
NOISE["libsass"] = NOISE["dart"]


def write_graph(root: Path, graph: dict[str, Any], dialect: str) -> Path:
    """Write the graph's files; each importer names its targets relatively or through the load path."""
    shutil.rmtree(root, ignore_errors=True)
    ext = "less" if dialect == "less" else "scss"
    entry = root / "main" / f"main.{ext}"
    places = [entry] + [root / f["folder"] / f["file"] for f in graph["files"]]
    loads: dict[int, list[str]] = {i: [] for i in range(len(places))}
    rnd = graph["choices"]
    for target, importers in graph["edges"].items():
        spec = graph["files"][target - 1]
        for importer in importers:
            base = places[importer].parent
            if spec["folder"].startswith("lib") and rnd.random() < 0.5:
                url = (spec["folder"] + "/")[4:] + spec["ref"]  # through the load path
            else:
                url = Path(os.path.relpath(root / spec["folder"], base), spec["ref"]).as_posix()
            loads[importer].append(url)
    for i, place in enumerate(places):
        lines = []
        for n, url in enumerate(loads[i]):
            if dialect == "dart":
                rule = rnd.choice(["@use", "@forward", "@import"])
                lines.append(f'@use "{url}" as m{n};' if rule == "@use" else f'{rule} "{url}";')
            elif dialect == "less":
                lines.append(
                    rnd.choice(['@import "{}";', '@import (reference) "{}";', '@import url("{}");']).format(url)
                )
            else:
                lines.append(f'@import "{url}";')
        lines.sort(key=lambda line: not line.startswith(("@use", "@forward")))  # they come first
        lines.extend(graph["noise"])
        lines.append(f".f{i} {{ order: {i}; }}")
        place.parent.mkdir(parents=True, exist_ok=True)
        place.write_text("\n".join(lines) + "\n")
    (root / "main").mkdir(parents=True, exist_ok=True)
    (root / "lib").mkdir(parents=True, exist_ok=True)
    return entry


PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def compilers_answer(dialect: str, entry: Path, lib: list[Path], request: pytest.FixtureRequest) -> set[str]:
    if dialect == "libsass":
        return libsass_loaded(entry, lib)
    oracle: Oracle = request.getfixturevalue("oracle")
    return oracle.loaded("less" if dialect == "less" else "sass", entry, lib)


@pytest.mark.parametrize("dialect", ["libsass", "dart", "less"])
@PROPERTY
@given(data=st.data())
def test_generated_graphs_load_what_the_compiler_loads(
    tmp_path: Path, dialect: str, data: st.DataObject, request: pytest.FixtureRequest
) -> None:
    entry = write_graph(tmp_path / "g", data.draw(graphs(dialect)), dialect)
    lib = [tmp_path / "g" / "lib"]
    assert ours(entry, dialect, lib) == compilers_answer(dialect, entry, lib, request)


# ---- real libraries' own sources ------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "entry"),
    [("bootstrap@5.3.8", "scss/bootstrap.scss"), ("bulma@1.0.4", "bulma.scss")],
)
def test_real_sass_libraries_load_what_dart_sass_loads(oracle: Oracle, spec: str, entry: str) -> None:
    path = npm_package(spec) / entry
    assert ours(path, "dart", []) == oracle.loaded("sass", path, [])


def test_bootstrap_4_loads_what_libsass_reads() -> None:
    path = npm_package("bootstrap@4.6.2") / "scss/bootstrap.scss"
    assert len(ours(path, "libsass", [])) == 87
    assert ours(path, "libsass", []) == libsass_loaded(path, [])


def test_bootstrap_3_loads_what_less_imports(oracle: Oracle) -> None:
    path = npm_package("bootstrap@3.4.1") / "less/bootstrap.less"
    assert ours(path, "less", []) == oracle.loaded("less", path, [])
