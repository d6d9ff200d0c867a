"""minify.py: every engine keeps the meaning of every known hazard.

JavaScript fixtures are run in node, original and minified, and must compute the
same value; CSS fixtures must keep the fragile construct byte for byte and parse.
"""

from __future__ import annotations

import json
import subprocess
import warnings
from pathlib import Path

import pytest
import tinycss2

from flask_bust_assets.errors import ConfigError, MinifyWarning
from flask_bust_assets.minify.engines import CSS_ENGINES, JS_ENGINES, minify_css, minify_js

from ..helpers import need_executable

CSS_HAZARDS = {
    # cssmin 0.2.0: calc(100% -(2 * 1rem)), which browsers reject
    "calc-nested": ("a{width:calc(100% - (2 * 1rem))}", "calc(100% - (2 * 1rem))"),
    "calc-negative": ("a{width:calc(1px + -2px)}", "calc(1px + -2px)"),
    "math-functions": ("a{width:clamp(1rem, 2vw + 1px, 3rem);height:min(10px, 5%)}", "2vw + 1px"),
    # cssmin collapses runs of spaces inside strings
    "string-spaces": ('a:before{content:"  two  spaces "}', '"  two  spaces "'),
    "grid-areas": ('a{grid-template-areas:"a  b" "c  d"}', '"a  b" "c  d"'),
    # cssmin treats a comment inside a string as a comment
    "string-comment": ('a:after{content:"/* not a comment */"}', '"/* not a comment */"'),
    # rcssmin 1.3.0 drops the space inside a quoted url(): url("ab.png")
    "url-spaces": ('a{background:url( "a b.png" )}', '"a b.png"'),
    "data-uri": ("a{background:url(\"data:image/svg+xml,<svg  xmlns='x'/>\")}", "<svg  xmlns='x'/>"),
    # cssmin: --x:0, which breaks calc(var(--x) + 1px)
    "custom-property-zero": ("a{--x:0px;width:calc(var(--x) + 1px)}", "--x:0px"),
    "flex-basis-percent": ("a{flex:1 1 0%}", "1 1 0%"),
    # cssmin: "or(" and "not(" become function tokens
    "media-or": ("@media (min-width:1px) or (max-width:2px){a{b:c}}", "or (max-width:2px)"),
    "supports-not": ("@supports not (display:grid){a{b:c}}", "not (display:grid)"),
    "escaped-string": ('a:before{content:"\\201C"}', '"\\201C"'),
    # cssmin: "a :hover" inside @media becomes "a:hover"
    "descendant-pseudo-in-block": ("@media screen{a :hover{color:red}}", "a :hover"),
    # cssmin: rgb(0 0 255) raises a ValueError, rgb(300,0,0) becomes the invalid #12c0000
    "rgb-spaces": ("a{color:rgb(0 0 255)}", "rgb(0 0 255)"),
    "rgb-over-255": ("a{color:rgb(300,0,0)}", "rgb(300,0,0)"),
}

JS_HAZARDS = {
    # jsmin 3.0.1 strips the spaces and everything after "//", closing backtick included
    "template-literal": "const w='a', n=2; R = `Hello ${w}  and ${n} items // not a comment`;",
    # rjsmin 1.3.0 drops the space in `inner 'q'`
    "nested-template": "const x='x'; R = `${x + `inner 'q'`}`;",
    "tagged-template": "const tag = (s, ...v) => s.raw.join('|') + v.join(','); R = tag`x  ${1}  y`;",
    "regex-with-backtick": "R = /a`b\\/\\/c/g.source + '|' + 'x/y'.split(/\\//g).length;",
    "division-chain": "const a = 8, b = 2, c = 2; R = a / b / c + 4/2;",
    "plus-plus": "let b = 1, c = 1; R = [b + ++c, b - -c];",
    "asi-newline": "let x = 1, y = 2, z = 3\nx = y\n++z\nR = [x, y, z];",
    "comment-like-strings": "R = ['// not', '/* not */', \"it's\"].join('');",
    "arrow-and-spread": "const f = (...xs) => xs.reduce((a, b) => a + b, 0); R = f(1, 2, 3);",
    # A renaming engine drops the "unused" x: direct eval and with reach variables by name.
    "direct-eval": "function f(x) { return eval('x * 2'); } R = f(21);",
    "with-statement": "function g(o) { var total = 1; with (o) { total = a + b; } return total; } R = g({a: 1, b: 2});",
    # tdewolff-minify drops unused trailing parameters: fn.length (Express, Mocha, injectors) changes.
    "function-length": "function g(a, b, c) { return a; } const h = (err, next) => err; R = [g.length, h.length];",
    "annex-b-html-comment": "var v = 1;\n<!-- an HTML-like comment, Annex B\nR = v;",
    "unicode-escape-identifier": "var \\u0061bc = 5; R = abc;",
    "script-close-in-string": "R = '</script>'.length + '<\\/script>'.length;",
    "regex-after-paren": "const t = 'a/b'; R = (t).split(/\\//).length + [1, 2].map(x => x / 2)[1];",
    # htmx's htmx._(): a direct eval reaching its closure's names, beside functions that are renamed.
    "eval-sees-closure": (
        "var lib = (function () { var counter = 40; function bump(step, unused) { return counter + step; }\n"
        "function look(name) { return eval(name); } return { bump: bump, look: look }; })();\n"
        "R = [lib.look('counter'), lib.bump(2), lib.look('bump')(1), lib.bump.length];"
    ),
    # A dropped parameter's default value is an expression that runs: the engine must not drop it.
    "default-parameter-effect": "let hits = 0; function f(a, b = hits++) { return a; } f(1); R = [hits, f.length];",
    # The name a dropped parameter is put back under must not hide a variable the body reads.
    "restored-parameter-name": (
        "(function () { var longname = 5; function g(t, n, e, r) { return t + longname; }\n"
        "R = [g.length, g(1), ((a, b) => a).length]; })();"
    ),
}


@pytest.mark.parametrize("engine", sorted(CSS_ENGINES))
@pytest.mark.parametrize("hazard", sorted(CSS_HAZARDS))
def test_css_engine_keeps_hazard(engine: str, hazard: str) -> None:
    source, must_keep = CSS_HAZARDS[hazard]
    with warnings.catch_warnings(record=True) as recorded:
        warnings.simplefilter("always")
        out = minify_css(source, engine=engine, source=f"{hazard}.css")
    # Ours only: a ResourceWarning of an earlier test's socket may be collected here.
    caught = [w for w in recorded if issubclass(w.category, MinifyWarning)]
    # A fallback is allowed, never silently: each warning names the file.
    assert all(f"{hazard}.css: cssmin would corrupt" in str(w.message) for w in caught)
    assert engine == "cssmin" or not caught
    assert must_keep in out
    assert len(out) <= len(source)
    assert not [n for n in tinycss2.parse_stylesheet(out) if n.type == "error"]


@pytest.mark.parametrize("engine", sorted(JS_ENGINES))
@pytest.mark.parametrize("hazard", sorted(JS_HAZARDS))
def test_js_engine_keeps_meaning(engine: str, hazard: str) -> None:
    node = need_executable("node")
    source = "let R;\n" + JS_HAZARDS[hazard]
    out = minify_js(source, engine=engine, source=f"{hazard}.js")
    assert len(out) < len(source)

    def run(code: str) -> object:
        result = subprocess.run(
            [node, "-e", code + "\n;console.log(JSON.stringify(R))"], capture_output=True, text=True, timeout=30
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    assert run(out) == run(source)


@pytest.mark.parametrize("engine", sorted(JS_ENGINES))
def test_template_literal_survives_without_node(engine: str) -> None:
    out = minify_js("const s = `Hello ${w}  and ${n} items // not a comment`;", engine=engine)
    assert "`Hello ${w}  and ${n} items // not a comment`" in out


@pytest.mark.parametrize("engine", sorted(CSS_ENGINES))
def test_css_licence_comment_kept_by_default_and_dropped_on_request(engine: str) -> None:
    source = "/*! Licence: MIT */\n/* plain */\na { color : red }"
    assert "Licence: MIT" in minify_css(source, engine=engine)
    dropped = minify_css(source, engine=engine, keep_licence=False)
    assert "Licence" not in dropped
    assert "color:red" in dropped


@pytest.mark.parametrize("engine", sorted(JS_ENGINES))
def test_js_licence_comment_kept_by_default_and_dropped_on_request(engine: str) -> None:
    source = "/*! Licence: MIT */\n// plain\nvar a = 1;"
    assert "/*! Licence: MIT */" in minify_js(source, engine=engine)
    dropped = minify_js(source, engine=engine, keep_licence=False)
    assert "Licence" not in dropped
    assert "var a=1" in dropped


def test_cssmin_hazard_falls_back_with_a_warning_naming_the_file() -> None:
    with pytest.warns(MinifyWarning, match=r"theme\.css: cssmin would corrupt a zero length .* rcssmin"):
        out = minify_css("a{--gap:0px}", engine="cssmin", source="static/theme.css")
    assert out == "a{--gap:0px}"


def test_cssmin_still_minifies_safe_input_itself() -> None:
    # #FFFFFF -> #FFF is cssmin's own work; rcssmin keeps colours as written.
    assert minify_css("a { color : #FFFFFF }", engine="cssmin") == "a{color:#FFF}"


@pytest.mark.parametrize(
    ("func", "source", "kind"),
    [(minify_js, "let x = (;", "JavaScript"), (minify_css, "a { b: c ) }", "CSS")],
)
def test_unparseable_input_is_left_as_is_with_a_warning(func: object, source: str, kind: str) -> None:
    with pytest.warns(MinifyWarning, match=rf"broken\.file: left unminified because it does not parse as {kind}"):
        assert func(source, source="broken.file") == source  # type: ignore[operator]


def test_unknown_engine_names_setting_and_choices() -> None:
    with pytest.raises(ConfigError, match=r"BUST_ASSETS_JS_ENGINE .*'uglify'.*jsmin, rjsmin"):
        minify_js("var a;", engine="uglify")
    with pytest.raises(ConfigError, match=r"BUST_ASSETS_CSS_ENGINE .*cssmin, rcssmin"):
        minify_css("a{}", engine="csso")


def test_direct_eval_keeps_the_names_it_can_see_and_the_rest_is_renamed() -> None:
    source = (
        "(function () { var counter = 40;\n function look(name) { return eval(name); }\n"
        " function other(longParameter) { return longParameter * 2; }\n window.both = [look, other]; })();"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", MinifyWarning)  # nothing to warn of: the output is safe
        out = minify_js(source, engine="tdewolff", source="app.js")
    assert "var counter=40" in out and "function look(name){return eval(name)" in out
    assert "longParameter" not in out  # eval cannot see inside other(): renamed


def test_renaming_engine_falls_back_where_it_cannot_be_trusted_naming_file_and_reason() -> None:
    source = "function f(a, b = sideEffect()) { return a; }"  # the engine drops b, and its call with it
    with pytest.warns(MinifyWarning, match=r"app\.js: tdewolff-minify dropped a parameter with a default .* rjsmin"):
        out = minify_js(source, engine="tdewolff", source="app.js")
    assert out == minify_js(source, engine="rjsmin")


def test_renaming_engine_writes_no_newer_syntax_than_its_input() -> None:
    es5 = "var v = x == null ? 5 : x;\ntry { f() } catch (unused) {}\n"
    es5 += 'var s = "it\'s \\"q\\"";'  # a string a template literal would write shorter
    out = minify_js(es5, engine="tdewolff")
    assert "??" not in out and "catch{" not in out and "`" not in out
    modern = "let v = x == null ? 5 : x; let w = a?.b;"
    assert "??" in minify_js(modern, engine="tdewolff")  # an input that needs ES2020 anyway may gain it


def test_renaming_engine_keeps_licence_comments_of_every_kind() -> None:
    source = (
        "/** @license MIT */\n// @preserve keep\n/*! bang */\nfunction add(first, second) { return first + second; }"
    )
    out = minify_js(source, engine="tdewolff")
    assert "@license MIT" in out and "@preserve keep" in out and "/*! bang */" in out
    assert "first" not in out  # and still renamed
    assert "@license" not in minify_js(source, engine="tdewolff", keep_licence=False)


def test_without_the_renaming_engine_a_build_warns_once_and_uses_rjsmin(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from flask_bust_assets.minify import engines, renaming

    monkeypatch.setitem(sys.modules, "minify", None)  # what a platform without the wheel has
    renaming._engine.cache_clear()
    monkeypatch.setattr(engines, "_MISSING_WARNED", [])
    try:
        with warnings.catch_warnings(record=True) as recorded:
            warnings.simplefilter("always")
            outs = [minify_js(f"var a{i} = 1;  ", engine="tdewolff", source=f"{i}.js") for i in range(3)]
    finally:
        renaming._engine.cache_clear()
    assert outs == [minify_js(f"var a{i} = 1;  ", engine="rjsmin") for i in range(3)]
    messages = [str(w.message) for w in recorded if issubclass(w.category, MinifyWarning)]
    assert len(messages) == 1 and "tdewolff-minify is not installed" in messages[0]


MODULE = """
import { strict as assert } from "node:assert";
export const answer = await Promise.resolve(21 * 2);
export default function twice(value) { return value * 2; }
const here = import.meta.url;
const loaded = await import("node:path");
console.log(JSON.stringify([answer, twice(answer), here.startsWith("file:"), typeof loaded.join]));
"""


@pytest.mark.parametrize("engine", sorted(JS_ENGINES))
def test_modules_keep_module_semantics(engine: str, tmp_path: Path) -> None:
    # top-level await, import.meta, static and dynamic imports, exports
    node = need_executable("node")
    out = minify_js(MODULE, engine=engine, source="module.mjs")
    assert len(out) < len(MODULE)
    results = []
    for name, code in (("original.mjs", MODULE), ("minified.mjs", out)):
        (tmp_path / name).write_text(code)
        run = subprocess.run([node, str(tmp_path / name)], capture_output=True, text=True, timeout=30)
        assert run.returncode == 0, run.stderr
        results.append(json.loads(run.stdout))
    assert results[0] == results[1] == [42, 84, True, "function"]
