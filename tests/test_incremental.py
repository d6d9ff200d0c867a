"""Builds redo only what changed: no minify or compress work when nothing did."""

from __future__ import annotations

import errno
import gzip
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest
from flask import Flask
from flask_assets import Bundle
from webassets.filter import Filter, register_filter

from flask_bust_assets.pipeline import filters, reuse
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


def test_installing_or_removing_an_engine_rebuilds_the_bundles(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without tdewolff-minify the default engine is rjsmin: outputs made by one must not be reused by the other.
    build(site(root))
    installed = reuse.engine_versions()
    assert "tdewolff=missing" not in installed
    monkeypatch.setattr(reuse, "engine_versions", lambda: (*installed[:-1], "tdewolff=missing"))
    report = build(site(root))
    assert {r.name: r.reused for r in report.results} == {"css": False, "js": False}


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


def test_a_no_op_build_reads_no_file_and_writes_nothing(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(50):
        write(root, f"static/img/i{i}.svg", f"<svg xmlns='http://www.w3.org/2000/svg' id='i{i}'/>")
    build(site(root))
    app = site(root)  # a new process over the same folders
    opened: list[str] = []
    recording = True

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if recording and event == "open" and isinstance(args[0], str) and str(root) in args[0]:
            opened.append(f"{args[1]} {args[0]}")

    sys.addaudithook(hook)
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}
    try:
        report = build(app)
    finally:
        recording = False
    # Only the build cache's header is read: no source, no record, no digested file, no manifest.
    assert [(mode, Path(path).relative_to(root).as_posix()) for mode, path in (o.split() for o in opened)] == [
        ("r", "instance/webassets-cache/flask-bust-assets-build.json"),
    ]
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()} == before
    assert report.compressed == 0


@pytest.mark.parametrize("how", ["same size and mtime", "renamed into place, mtime kept", "mtime in the past"])
def test_a_change_that_hides_from_mtime_and_size_is_still_seen(root: Path, how: str) -> None:
    svg = root / "static/img/dot.svg"
    build(site(root))
    first = json.loads((root / MANIFEST).read_text())["files"]["static"]["img/dot.svg"]["path"]
    st = svg.stat()
    new = svg.read_bytes().replace(b"<svg", b"<SVG")  # same size, other bytes
    assert len(new) == st.st_size and new != svg.read_bytes()
    if how == "same size and mtime":  # rewritten in place, then `touch -r` restores the mtime
        svg.write_bytes(new)
        os.utime(svg, ns=(st.st_atime_ns, st.st_mtime_ns))
    elif how == "renamed into place, mtime kept":  # `cp -p` to a temp name, then mv: editors, rsync
        tmp = svg.with_name(".dot.svg.swp")
        tmp.write_bytes(new)
        os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
        os.replace(tmp, svg)
    else:  # a clock that jumped back: stamps are compared for equality, never for order
        svg.write_bytes(new)
        os.utime(svg, ns=(st.st_atime_ns, st.st_mtime_ns - 3600 * 10**9))
    assert svg.stat().st_size == st.st_size
    build(site(root))
    now = json.loads((root / MANIFEST).read_text())["files"]["static"]["img/dot.svg"]["path"]
    assert now != first and (root / GEN / now).read_bytes() == new


def test_variants_are_made_once_per_content_and_shared_between_output_folders(tmp_path: Path) -> None:
    cache = tmp_path / "shared-cache"
    sizes = {
        "big": "".join(f".r{i} {{ margin: {i}px }}\n" for i in range(1200)),  # over STORE_MIN: kept in the store
        "medium": "".join(f".m{i} {{ margin: {i}px }}\n" for i in range(100)),  # compressed, not worth storing
        "small": ".s { margin: 0 }\n",  # under MIN_SIZE: a variant would save no round trip
    }
    inodes = []
    for name in ("one", "two"):
        for stem, css in sizes.items():
            write(tmp_path / name, f"static/css/{stem}.css", css)
        app, _ = make_app(tmp_path / name, {"ASSETS_CACHE": str(cache)})
        report = build(app)
        assert report.compressed == 4  # .br and .gz of big and medium
        generated = tmp_path / name / GEN / "css"
        inodes.append([next(generated.glob(f"{stem}.*.css.br")).stat().st_ino for stem in ("big", "medium")])
        assert not list(generated.glob("small.*.css.*"))
    # The second output folder's big variant is the store's file, linked: compressed once.
    assert inodes[0][0] == inodes[1][0] and inodes[0][1] != inodes[1][1]


def test_a_store_on_another_file_system_is_copied_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def cross_device(source: str, target: str) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link", source)

    big = "".join(f".r{i} {{ margin: {i}px }}\n" for i in range(1200))  # over STORE_MIN: kept in the store
    write(tmp_path, "static/css/big.css", big)
    monkeypatch.setattr(os, "link", cross_device)
    app, _ = make_app(tmp_path, {"ASSETS_CACHE": str(tmp_path / "cache")})
    assert build(app).compressed == 2
    variant = next((tmp_path / GEN / "css").glob("big.*.css.gz"))
    assert gzip.decompress(variant.read_bytes()) == big.encode()
    assert variant.stat().st_mode & 0o777 == 0o644  # readable by a web server, like every output
    assert not [p for p in variant.parent.iterdir() if p.name.startswith(".")]  # no temp file left


@pytest.mark.parametrize("change", ["none", "output deleted", "setting", "file added", "manifest edited"])
def test_a_build_stops_after_the_scan_only_when_nothing_it_would_write_changed(root: Path, change: str) -> None:
    build(site(root))
    config: dict[str, Any] = {}
    if change == "output deleted":  # someone tidied the output folder by hand
        next((root / GEN / "img").glob("dot.*.svg")).unlink()
    elif change == "setting":
        config = {"BUST_ASSETS_DIGEST_LENGTH": 12}
    elif change == "file added":
        write(root, "static/img/new.svg", "<svg xmlns='http://www.w3.org/2000/svg' id='new'/>")
    elif change == "manifest edited":
        (root / MANIFEST).write_text((root / MANIFEST).read_text().replace('"format":1', '"format": 1'))
    report = build(site(root, config))
    assert (report.static.unchanged > 0) is (change == "none")
    manifest = json.loads((root / MANIFEST).read_text())
    for endpoint, files in manifest["files"].items():
        assert endpoint == "static"
        for entry in files.values():
            assert (root / GEN / entry["path"]).is_file()  # the manifest names only files that exist
    assert ("img/new.svg" in manifest["files"]["static"]) is (change == "file added")


def test_a_stylesheet_is_tokenised_once_per_build(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A 20 MB stylesheet took 444 s when each reading of it (static pass, bundle cache key,
    # bundle filter, minifier protection) tokenised it again.
    import tinycss2

    write(root, "static/css/a.css", f"{CSS}/* {root.name} */\n")  # a text no earlier test has read
    seen: list[str] = []
    real = tinycss2.parse_component_value_list

    def counting(text: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(tinycss2, "parse_component_value_list", counting)
    build(site(root))  # css/a.css: a static file, and bundled with bust_cssurls,bust_cssmin
    # One stylesheet, one tokenisation: not again for its rewritten text (the minifier's input).
    assert len(seen) == 1, [text[:40] for text in seen]
