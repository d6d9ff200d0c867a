"""Builds redo only what changed: no minify or compress work when nothing did."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest
from flask import Flask
from flask_assets import Bundle
from webassets.filter import Filter, register_filter

from flask_bust_assets.build import filters
from flask_bust_assets.web import commands

from .helpers import GEN, MANIFEST, make_app, write

CSS = "".join(f".c{i} {{ background: url(../img/dot.svg); margin: {i}px }}\n" for i in range(100))
JS = "".join(f"window.v{i} = `value  {i}`;\n" for i in range(100))


@pytest.fixture
def minify_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the files handed to the minifiers (instrumentation, not a stand-in)."""
    calls: list[str] = []
    for name in ("minify_css", "minify_js"):
        real = getattr(filters, name)

        def counting(text: str, *, real: Any = real, **kw: Any) -> str:
            calls.append(kw["source"])
            return str(real(text, **kw))

        monkeypatch.setattr(filters, name, counting)
    return calls


def site(root: Path, config: dict[str, Any] | None = None) -> Flask:
    """A new process over the same folders: fresh app, same files and caches."""
    app, assets = make_app(root, config)
    assets.register("css", Bundle("css/a.css", filters="bust_cssurls,bust_cssmin", output="gen/a.%(version)s.css"))
    assets.register("js", Bundle("js/a.js", filters="bust_jsmin", output="gen/a.%(version)s.js"))
    return app


def build(app: Flask) -> Any:
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    assert report.ok
    return report


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write(tmp_path, "static/css/a.css", CSS)
    write(tmp_path, "static/js/a.js", JS)
    write(tmp_path, "static/img/dot.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    return tmp_path


def test_a_build_with_nothing_changed_does_no_work(root: Path, minify_calls: list[str]) -> None:
    first = build(site(root))
    assert len(minify_calls) == 2 and first.compressed > 0
    manifest = (root / MANIFEST).read_bytes()
    minify_calls.clear()
    again = build(site(root))
    assert minify_calls == []
    assert again.compressed == 0
    assert all(r.reused for r in again.results)
    assert (root / MANIFEST).read_bytes() == manifest


def test_changing_one_source_rebuilds_only_its_bundle(root: Path, minify_calls: list[str]) -> None:
    build(site(root))
    minify_calls.clear()
    time.sleep(0.01)
    write(root, "static/js/a.js", JS + "window.extra = 1;\n")
    report = build(site(root))
    assert [Path(p).name for p in minify_calls] == ["a.js"]
    assert {r.name: r.reused for r in report.results} == {"css": True, "js": False}


def test_changing_a_referenced_image_rebuilds_the_stylesheet(root: Path) -> None:
    build(site(root))
    before = json.loads((root / MANIFEST).read_text())["bundles"]
    time.sleep(0.01)
    write(root, "static/img/dot.svg", "<svg xmlns='http://www.w3.org/2000/svg'><g/></svg>")
    report = build(site(root))
    after = json.loads((root / MANIFEST).read_text())["bundles"]
    assert {r.name: r.reused for r in report.results} == {"css": False, "js": True}
    assert after["css"] != before["css"] and after["js"] == before["js"]


def test_a_changed_setting_or_a_deleted_output_rebuilds(root: Path, minify_calls: list[str]) -> None:
    build(site(root))
    minify_calls.clear()
    build(site(root, {"BUST_ASSETS_JS_ENGINE": "jsmin"}))
    assert [Path(p).name for p in minify_calls] == ["a.js"]
    minify_calls.clear()
    (css,) = json.loads((root / MANIFEST).read_text())["bundles"]["css"]
    (root / GEN / css["path"]).unlink()
    report = build(site(root, {"BUST_ASSETS_JS_ENGINE": "jsmin"}))
    assert {r.name: r.reused for r in report.results} == {"css": False, "js": True}
    assert (root / GEN / css["path"]).is_file()  # from webassets' filter cache: no minify needed


class EditsItsSource(Filter):  # type: ignore[misc]
    """A filter that edits the file it reads, once: an editor saving while a build runs."""

    name = "test_edits_its_source"
    edited: ClassVar[set[str]] = set()

    def input(self, _in: Any, out: Any, source_path: str = "", **kw: Any) -> None:
        out.write(_in.read())
        if source_path not in self.edited:
            self.edited.add(source_path)
            Path(source_path).write_text("window.edited = 'during the build, longer than before';\n")


register_filter(EditsItsSource)


def test_an_edit_made_while_a_build_reads_is_never_lost(root: Path) -> None:
    # The build cache must record what the build read, not what is on disk afterwards.
    def app_with_bundle() -> Flask:
        app, assets = make_app(root)
        assets.register("edited", Bundle("js/a.js", filters="test_edits_its_source", output="gen/e.%(version)s.js"))
        return app

    first = build(app_with_bundle())
    (out,) = first.results[0].outputs
    assert "during the build" not in (root / GEN / out.path).read_text()  # built from the bytes it read
    again = app_with_bundle()
    second = build(again)
    assert not second.results[0].reused  # the source changed under the first build: not fresh
    assert "during the build" in (root / GEN / second.results[0].outputs[0].path).read_text()
    with again.app_context():
        assert commands.check(again.extensions["bust_assets"]) == []
