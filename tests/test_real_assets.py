"""Real third-party assets, fetched with `npm pack` at pinned versions, through the default filters.

Every JavaScript output must pass `node --check`; every CSS output must parse with
tinycss2 and keep every rule of its source.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import tinycss2
from flask_assets import Bundle

from flask_bust_assets.core.digest import content_digest
from flask_bust_assets.core.manifest import load
from flask_bust_assets.css.references import find_references
from flask_bust_assets.web import commands

from .helpers import GEN, MANIFEST, make_app, need_executable, npm_package

PACKAGES = {
    "bootstrap@5.3.3": ["dist/css/bootstrap.css", "dist/js/bootstrap.bundle.js"],
    "jquery@3.7.1": ["dist/jquery.js"],
    "htmx.org@2.0.3": ["dist/htmx.js"],
}
# jsmin 3.0.1 alone turns this file into JavaScript that no longer parses.
ALPINE = ("alpinejs@3.14.9", "dist/cdn.js")


def vendor(root: Path, spec: str, rel: str) -> str:
    source = npm_package(spec) / rel
    target = root / "static" / "vendor" / spec.split("@")[0] / Path(rel).name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target.relative_to(root / "static").as_posix()


def css_rules(text: str) -> list[str]:
    """Preludes of every rule, nested ones included; fails on any parse error."""
    preludes = []
    pending = list(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))
    while pending:
        node = pending.pop()
        assert node.type != "error", f"{node.source_line}: {node.message}"
        preludes.append("".join(tinycss2.serialize(node.prelude).split()))
        if node.type == "at-rule" and node.content is not None and node.at_keyword in ("media", "supports", "layer"):
            pending.extend(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True))
        elif node.content is not None:
            for decl in tinycss2.parse_blocks_contents(node.content, skip_comments=True, skip_whitespace=True):
                assert decl.type != "error", f"{decl.source_line}: {decl.message}"
    return sorted(preludes)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("real")
    app, assets = make_app(root)
    sources = {}
    for spec, files in PACKAGES.items():
        for rel in files:
            logical = vendor(root, spec, rel)
            name = Path(logical).name.replace(".", "_")
            kind = "css" if logical.endswith(".css") else "js"
            assets.register(name, Bundle(logical, filters=f"bust_{kind}min", output=f"gen/{name}.%(version)s.{kind}"))
            sources[name] = logical
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    assert not report.failed, [str(r.error) for r in report.failed]
    assert not [w for r in report.results for w in r.warnings]
    return root, sources


def test_every_js_output_passes_node_check(built: tuple[Path, dict[str, str]]) -> None:
    node = need_executable("node")
    root, _ = built
    manifest = load(str(root / MANIFEST))
    js = [(name, out) for name, outs in manifest.bundles.items() for out in outs if out.path.endswith(".js")]
    assert len(js) == 3
    for name, out in js:
        path = root / GEN / out.path
        assert out.size < out.source_size * 0.8, f"{name} barely shrank"
        result = subprocess.run([node, "--check", str(path)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{name}: {result.stderr}"


def test_every_css_output_parses_and_keeps_every_rule(built: tuple[Path, dict[str, str]]) -> None:
    root, sources = built
    manifest = load(str(root / MANIFEST))
    (out,) = manifest.bundles["bootstrap_css"]
    minified = (root / GEN / out.path).read_text(encoding="utf-8")
    original = (root / "static" / sources["bootstrap_css"]).read_text(encoding="utf-8")
    assert out.size < out.source_size * 0.9
    assert css_rules(minified) == css_rules(original)


@pytest.mark.parametrize("engine", ["jsmin", "rjsmin"])
def test_alpine_survives_every_js_engine(tmp_path: Path, engine: str) -> None:
    node = need_executable("node")
    app, assets = make_app(tmp_path, {"BUST_ASSETS_JS_ENGINE": engine})
    logical = vendor(tmp_path, *ALPINE)
    assets.register("alpine", Bundle(logical, filters="bust_jsmin", output="gen/alpine.%(version)s.js"))
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    assert not report.failed
    (out,) = load(str(tmp_path / MANIFEST)).bundles["alpine"]
    assert out.size < out.source_size
    result = subprocess.run([node, "--check", str(tmp_path / GEN / out.path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_bootstrap_and_icons_references_all_resolve_to_digested_files(tmp_path: Path) -> None:
    icons = npm_package("bootstrap-icons@1.11.3") / "font"
    shutil.copytree(icons, tmp_path / "static/vendor/bootstrap-icons", ignore=shutil.ignore_patterns("*.scss"))
    app, assets = make_app(tmp_path)
    css = vendor(tmp_path, "bootstrap@5.3.3", "dist/css/bootstrap.css")
    assets.register(
        "site",
        Bundle(
            css,
            "vendor/bootstrap-icons/bootstrap-icons.css",
            filters="bust_cssurls,bust_cssmin",
            output="gen/site.%(version)s.css",
        ),
    )
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    assert report.ok, [str(e) for e in report.static.errors] + [str(r.error) for r in report.failed]
    (out,) = load(str(tmp_path / MANIFEST)).bundles["site"]
    output = tmp_path / GEN / out.path
    text = output.read_text(encoding="utf-8")
    source = re.sub(r"/\*.*?\*/", "", (tmp_path / "static" / css).read_text(), flags=re.S)  # /*rtl:url(data:...)*/
    assert text.count("data:image/svg+xml") == source.count("data:image/svg+xml") > 10
    references = find_references(text)
    assert {r.tail for r in references} == {"?dd67030699838ea613ee6dbda90effa6"}
    for ref in references:
        target = (output.parent / ref.path).resolve()
        assert target.parent == (tmp_path / GEN / "vendor/bootstrap-icons/fonts").resolve()
        assert target.name.split(".")[-2] == content_digest(target.read_bytes())
    assert len(references) == 2
    assert css_rules(text)  # still parses
