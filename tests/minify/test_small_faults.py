"""Three faults of bust_jsmin, through the real filter of a real build, for every engine:
a hashbang line, a legacy octal escape in a string, and a directive prologue.

Behaviour is what users rely on, so each case runs in node, source and built output side by side.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import IO, Any

import pytest
from flask_assets import Bundle
from webassets.filter import Filter, register_filter

from flask_bust_assets.minify.engines import JS_ENGINES
from flask_bust_assets.web import commands

from ..helpers import GEN, MANIFEST, make_app, need_executable, write

ENGINES = sorted(JS_ENGINES)
# What each file prints: the value it computes and whether its code runs in strict mode.
STRICT = "(function(){return this===undefined})()"


def built(root: Path, engine: str, source: str) -> tuple[str | None, list[str], str | None]:
    """The bundle ``bust_jsmin`` built from ``source`` with ``engine``: its text (None if the build
    failed), the build's warnings, and its error."""
    write(root, "static/js/a.js", source)
    app, assets = make_app(root, {"BUST_ASSETS_JS_ENGINE": engine})
    assets.register("js", Bundle("js/a.js", filters="bust_jsmin", output="gen/a.%(version)s.js"))
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    (result,) = report.results
    if result.error is not None:
        return None, list(result.warnings), str(result.error)
    (entry,) = json.loads((root / MANIFEST).read_text())["bundles"]["js"]
    return (root / GEN / entry["path"]).read_bytes().decode("utf-8"), list(result.warnings), None


def node_run(path: Path, code: str) -> tuple[int, str]:
    """Exit status and stdout of ``code`` run by node as a script file (a hashbang is only read there)."""
    node = need_executable("node")
    path.write_bytes(code.encode("utf-8"))
    run = subprocess.run([node, str(path)], capture_output=True, text=True, timeout=30)
    return run.returncode, run.stdout


def same_in_node(tmp_path: Path, engine: str, source: str) -> tuple[str, list[str]]:
    out, warned, error = built(tmp_path, engine, source)
    assert error is None, error
    assert out is not None
    before = node_run(tmp_path / "before.js", source)
    assert before[0] == 0, "the fixture itself must run"
    assert node_run(tmp_path / "after.js", out) == before, out
    return out, warned


# (1) A hashbang line: tdewolff-minify dropped its line break, so the code joined the comment.
@pytest.mark.parametrize("engine", ENGINES)
def test_hashbang_line_and_its_line_break_are_kept(tmp_path: Path, engine: str) -> None:
    out, _ = same_in_node(tmp_path, engine, '#!/usr/bin/env node\nvar x = 1;\nconsole.log("x", x);\n')
    assert out.startswith("#!/usr/bin/env node\n")


# (2) "\312": tdewolff-minify wrote the raw byte 0xca, and the build blamed the source.
@pytest.mark.parametrize("engine", ENGINES)
def test_octal_escape_keeps_the_string_and_blames_no_source(tmp_path: Path, engine: str) -> None:
    _, warned = same_in_node(tmp_path, engine, 'var s = "Hello\\312World";\nconsole.log(s, s.length);\n')
    assert len([w for w in warned if "a.js" in w and "not UTF-8" in w]) == (1 if engine == "tdewolff" else 0)


# (3) A directive prologue folded into a comma expression ("a","use strict",x()) loses strict mode.
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "source",
    [
        f'"a";\n"use strict";\nconsole.log({STRICT});\n',
        f'"use strict";\n"use asm";\nconsole.log({STRICT});\n',
        'function f() { "a"; "use strict"; g(); return this === undefined; }\nfunction g() {}\nconsole.log(f());\n',
    ],
    ids=["script", "two-directives", "function"],
)
def test_directive_prologue_stays_directives(tmp_path: Path, engine: str, source: str) -> None:
    same_in_node(tmp_path, engine, source)


def _variants(seed: int) -> list[tuple[str, str]]:
    """A seeded table of each fault's variants, as (name, source) pairs."""
    rng = random.Random(seed)
    names = [rng.choice(["alpha", "beta", "gamma"]) + str(n) for n in range(3)]
    body = f"var {names[0]} = 2, {names[1]} = 3;\nconsole.log({names[0]} * {names[1]});\n"
    table = [
        ("hashbang-crlf", "#!/usr/bin/env node\r\n" + body.replace("\n", "\r\n")),
        ("hashbang-only", "#!/usr/bin/env node"),
        ("hashbang-newline-only", "#!/usr/bin/env node\n"),
        ("hashbang-cr", "#!/usr/bin/env node\r" + body),
        ("hashbang-line-separator", "#!/usr/bin/env node\u2028" + body),
        ("hashbang-then-comment", "#!/usr/bin/env node\n// a comment\n" + body),
    ]
    for escape in ["\\0", "\\07", "\\377", "\\8", "\\312", "\\1\\12\\123"]:
        table.append((f"octal-{escape}", f'var {names[2]} = "x{escape}y";\nconsole.log(JSON.stringify({names[2]}));\n'))
    nested = (
        'function outer() {{ "x"; "use strict"; function inner() {{ "y"; "use strict"; {check} }} '
        "return [this === undefined, inner()]; }}\nconsole.log(outer());\n"
    )
    table += [
        ("directive-nested", nested.format(check="return this === undefined;")),
        ("directive-arrow", f'var a = () => {{ "q"; "use strict"; return {STRICT}; }};\nconsole.log(a());\n'),
        (
            "directive-method",
            'var o = { m() { "q"; "use strict"; return this === undefined; } };\nconsole.log((0, o.m)());\n',
        ),
        ("directive-single-quotes", f"'a';\n'use strict';\nconsole.log({STRICT});\n"),
        ("not-a-directive", f'x = 1;\n"use strict";\nconsole.log({STRICT}, x);\n'),
    ]
    rng.shuffle(table)
    return table


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("name", "source"), _variants(25), ids=[name for name, _ in _variants(25)])
def test_variants_keep_their_meaning(tmp_path: Path, engine: str, name: str, source: str) -> None:
    out, warned = same_in_node(tmp_path, engine, source)
    if name.startswith("hashbang"):
        assert out.startswith("#!/usr/bin/env node")
    assert not [w for w in warned if "source is not UTF-8" in w]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("before", "line"), [("\n", 2), ("\ufeff", 1), ("/**/", 1)], ids=["newline", "bom", "comment"])
def test_hashbang_counts_only_at_byte_zero(tmp_path: Path, engine: str, before: str, line: int) -> None:
    source = before + "#!/usr/bin/env node\nvar x = 1;\n"
    assert node_run(tmp_path / "late.js", source)[0] != 0  # node refuses it: not a hashbang
    out, _, error = built(tmp_path, engine, source)
    assert out is None and error is not None and "a.js" in error and f"line {line}," in error


class _WritesLatin1(Filter):  # type: ignore[misc]
    """A filter that writes what tdewolff-minify did for "\\312": bytes that are not UTF-8."""

    name = "t25_writes_latin1"

    def output(self, _in: IO[str], out: IO[str], **kw: Any) -> None:
        out.write(_in.read().encode("utf-8").replace(b"\\312", b"\xca").decode("utf-8"))


def test_a_filters_bytes_that_are_not_utf8_are_not_blamed_on_the_sources(tmp_path: Path) -> None:
    register_filter(_WritesLatin1)
    write(tmp_path, "static/js/a.js", 'var s = "Hello\\312World";\n')
    app, assets = make_app(tmp_path)
    assets.register("js", Bundle("js/a.js", filters="t25_writes_latin1", output="gen/a.%(version)s.js"))
    with app.app_context():
        (result,) = commands.build(app.extensions["bust_assets"]).results
    assert result.error is not None
    message = str(result.error)
    assert "a source is not UTF-8" not in message and "a.js is not UTF-8" not in message
    assert "every source of the bundle is UTF-8, but a filter produced bytes that are not" in message
