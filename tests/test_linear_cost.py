"""Build and start-up cost grows with the input, not faster (issue 24), asserted by counting.

Each test counts what the costly step does (file-system calls per url() reference,
the distinct names the renaming engine is given at once, bytes held while reading a
manifest) at two sizes; the timings are in ``python -m tests.benchmarks linear``.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import random
import re
import subprocess
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from flask_bust_assets.core import manifest
from flask_bust_assets.core.collector import collector_paused
from flask_bust_assets.core.static import StaticRoot
from flask_bust_assets.css.references import find_references
from flask_bust_assets.minify import renaming
from flask_bust_assets.minify.engines import minify_js
from flask_bust_assets.pipeline.digester import Digester

from .helpers import file_system_calls, need_executable

# What the renaming engine may be given at once: its cost is about the square of this.
PIECE_WORDS = 5_000
WORD = re.compile(r"[A-Za-z_$][\w$]*")


# --- url() references: one resolution per file named, however often -----------------------------

REFERENCE_FORMS = [
    ("relative", "url(../img/{n}.svg)"),
    ("quoted, with query and fragment", "url('../img/{n}.svg?v=2#part')"),
    ("root-relative", "url(/static/img/{n}.svg)"),
    ("image-set", 'image-set("../img/{n}.svg" 1x)'),
]


def _stylesheet_project(tmp_path: Path, form: str, images: int, repeats: int) -> Path:
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    (static / "css").mkdir()
    for n in range(images):
        (static / f"img/{n}.svg").write_text(f"<svg id='{n}'/>")
    lines = [f".r{i} {{ background: {form.format(n=i % images)} }}\n" for i in range(images * repeats)]
    random.Random(images * repeats).shuffle(lines)  # the same file named far apart, too
    (static / "css/main.css").write_text("".join(lines))
    return static / "css/main.css"


def _counted_rewrite(tmp_path: Path, form: str, repeats: int) -> tuple[int, str]:
    """File-system calls and realpaths of digesting a stylesheet naming 5 images ``repeats`` times each."""
    stylesheet = _stylesheet_project(tmp_path, form, 5, repeats)
    static = str(tmp_path / "static")
    root = StaticRoot("static", static, "/static/", str(tmp_path / "out/static"))
    digester = Digester([root], algorithm="sha256", length=16, versioning="filename", missing_reference="error")
    realpaths = [0]
    real_realpath = os.path.realpath

    def counting(path: Any, *args: Any, **kwargs: Any) -> Any:
        realpaths[0] += 1
        return real_realpath(path, *args, **kwargs)

    os.path.realpath = counting  # type: ignore[assignment]
    try:
        with file_system_calls() as calls:
            text = digester.rewrite_css(stylesheet.read_text(), source_path=str(stylesheet), output_dir=static + "/gen")
    finally:
        os.path.realpath = real_realpath
    return len(calls) + realpaths[0], text


@pytest.mark.parametrize("form", [f for _, f in REFERENCE_FORMS], ids=[n for n, _ in REFERENCE_FORMS])
def test_a_stylesheet_pays_per_file_it_names_not_per_reference(tmp_path: Path, form: str) -> None:
    once, once_text = _counted_rewrite(tmp_path / "once", form, 1)
    often, often_text = _counted_rewrite(tmp_path / "often", form, 40)
    assert often == once  # 200 references to 5 files cost what 5 do
    digested = set(re.findall(r"img/\d\.[0-9a-f]{16}\.svg", often_text))
    assert len(digested) == 5 and set(re.findall(r"img/\d\.[0-9a-f]{16}\.svg", once_text)) == digested
    assert len(re.findall(r"img/\d\.[0-9a-f]{16}\.svg", often_text)) == 200  # every reference rewritten


# --- the renaming engine: pieces of bounded size, the meaning of the whole -----------------------


def _program(functions: int, seed: int, *, strict: bool) -> str:
    """One line: top-level functions calling each other across the file, top-level var, let,
    const and class read far from where they are declared, a licence line comment, and a
    check that strict mode covers the whole file."""
    rng = random.Random(seed)
    parts = ['"use strict";' if strict else "", "var total=0;let seen=[];const base=7;class Box{get v(){return base}}"]
    for i in range(functions):
        callee = rng.randrange(functions)
        parts.append(
            f"function step{i}(first{i},second{i}){{var local{i}=first{i}*{rng.randrange(1, 9)}+second{i};"
            f"if(second{i}>0){{return step{callee}(local{i}%97,second{i}-1)}}return local{i}+new Box().v}}"
        )
        if i % 997 == 0:
            parts.append(f"//! piece marker {i}\n")
        if i % 50 == 0:
            parts.append(f"seen.push(step{i}({i},3));total+=seen[seen.length-1];")
    parts.append("function mode(){return this===undefined?'strict':'sloppy'}")
    parts.append("globalThis.result=[total,seen.length,seen.slice(0,5).join(','),mode()].join('|');")
    return "".join(parts)


def _run_in_node(tmp_path: Path, code: str) -> str:
    script = tmp_path / "program.js"
    script.write_text(code + "\nconsole.log(globalThis.result);\n")
    done = subprocess.run([need_executable("node"), str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def _engine_inputs(text: str) -> list[str]:
    """Every text the renaming engine is given while minifying ``text``."""
    seen: list[str] = []
    real_run: Callable[[str, int], str] = renaming._run

    def recording(piece: str, year: int) -> str:
        seen.append(piece)
        return real_run(piece, year)

    renaming._run = recording  # type: ignore[assignment]
    try:
        minify_js(text)
    finally:
        renaming._run = real_run  # type: ignore[assignment]
    return seen


@pytest.fixture
def renaming_engine() -> None:
    if not renaming.available():
        pytest.skip("tdewolff-minify is not installed")


@pytest.mark.usefixtures("renaming_engine")
def test_the_renaming_engine_is_given_bounded_pieces_of_a_long_file() -> None:
    small, large = _program(3_000, 1, strict=True), _program(6_000, 1, strict=True)
    assert len(set(WORD.findall(large))) > 4 * PIECE_WORDS
    small_pieces, large_pieces = _engine_inputs(small), _engine_inputs(large)
    for piece in small_pieces + large_pieces:
        assert len(set(WORD.findall(piece))) <= PIECE_WORDS + 100  # a statement past the bound stays whole
    assert len(small_pieces) >= 2 and len(large_pieces) <= 2 * len(small_pieces) + 2


@pytest.mark.usefixtures("renaming_engine")
@pytest.mark.parametrize(("functions", "seed", "strict"), [(40, 1, True), (2_500, 2, False), (4_000, 3, True)])
def test_a_file_minified_in_pieces_does_what_it_did(tmp_path: Path, functions: int, seed: int, strict: bool) -> None:
    source = _program(functions, seed, strict=strict)
    minified = minify_js(source)
    assert minified == minify_js(source)  # the same bytes on every run
    assert len(minified) < 0.8 * len(source)  # renamed, not only stripped
    expected = _run_in_node(tmp_path, source)
    assert expected.endswith("|strict" if strict else "|sloppy")
    assert _run_in_node(tmp_path, minified) == expected
    assert minified.count("//! piece marker") == source.count("//! piece marker")


def test_a_short_file_is_still_minified_whole() -> None:
    if not renaming.available():
        pytest.skip("tdewolff-minify is not installed")
    source = _program(40, 5, strict=False)
    assert _engine_inputs(source) == [source]


# --- the manifest: entries made while parsing ---------------------------------------------------


def test_reading_a_manifest_holds_its_text_and_its_entries_and_little_else(tmp_path: Path) -> None:
    entry = {"digest": "0123456789abcdef", "integrity": "sha384-" + "A" * 64, "size": 1234, "query": ""}
    files = {f"f{n // 100:03d}/{n:06d}.png": {**entry, "path": f"f{n // 100:03d}/{n:06d}.0123456789abcdef.png"}
             for n in range(20_000)}  # fmt: skip
    path = tmp_path / "assets-manifest.json"
    path.write_text(json.dumps({"format": 1, "bundles": {}, "files": {"static": files}, "modules": {}}))
    tracemalloc.start()
    try:
        data = manifest.load(str(path))
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(data.files["static"]) == 20_000
    assert data.files["static"]["f000/000001.png"].path == "f000/000001.0123456789abcdef.png"
    # Beyond what it keeps, the read holds the decoded text once (not its bytes too, nor a dict per entry).
    assert peak - kept < 1.3 * path.stat().st_size


@pytest.mark.usefixtures("renaming_engine")
def test_one_statement_of_too_many_names_keeps_them_and_still_works(tmp_path: Path) -> None:
    # A whole bundle in one function: its scope cannot be cut, and renaming it costs its names squared.
    body = "".join(f'function part{i}(a,b){{var c=a*{i % 7}+b;return c+"s{i}"}}' for i in range(21_000))
    source = f"(function(){{{body}globalThis.result=part20999(2,3)+part7(1,1)}})();"
    assert len(set(WORD.findall(source))) > 40_000
    assert all(len(set(WORD.findall(piece))) <= 40_000 for piece in _engine_inputs(source))
    assert _run_in_node(tmp_path, minify_js(source)) == _run_in_node(tmp_path, source) == "15s209991s7"


# --- the cycle collector: paused while a parser builds a large tree -----------------------------


@contextlib.contextmanager
def _collections() -> Iterator[list[int]]:
    """The generation of every cycle collection the block runs."""
    found: list[int] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            found.append(info["generation"])

    gc.callbacks.append(callback)
    try:
        yield found
    finally:
        gc.callbacks.remove(callback)


def test_parsing_a_large_stylesheet_or_manifest_runs_no_cycle_collection(tmp_path: Path) -> None:
    # Each collection walks the tree built so far: run often during a parse, it makes the parse
    # cost more than its length.
    stylesheet = "".join(f".r{n} {{ background: url(../img/{n % 50}.svg) }}\n" for n in range(20_000))
    entry = {"digest": "0123456789abcdef", "integrity": "sha384-" + "A" * 64, "size": 1, "query": ""}
    files = {f"{n}.png": {**entry, "path": f"{n}.0123456789abcdef.png"} for n in range(20_000)}
    (tmp_path / "m.json").write_text(json.dumps({"format": 1, "bundles": {}, "files": {"static": files}}))
    assert gc.isenabled()
    # Start from empty generation counts: otherwise the allocations the earlier tests left counted
    # can make the few collections outside the pause an old-generation one (seen in CI: [2, 0]).
    gc.collect()
    with _collections() as during:
        assert len(find_references(stylesheet)) == 20_000
        assert len(manifest.load(str(tmp_path / "m.json")).files["static"]) == 20_000
    # A few young-generation collections before and after the parse itself, none of the old ones.
    assert len(during) < 5 and max(during, default=0) == 0, during
    assert gc.isenabled()  # and it runs again afterwards


def test_the_collector_resumes_as_it_was_after_nested_and_concurrent_pauses() -> None:
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()
    started, release = threading.Barrier(9), threading.Event()

    def pause() -> None:
        with collector_paused():
            started.wait()
            release.wait()

    threads = [threading.Thread(target=pause) for _ in range(8)]
    for thread in threads:
        thread.start()
    started.wait()
    assert not gc.isenabled()
    release.set()
    for thread in threads:
        thread.join()
    assert gc.isenabled()
