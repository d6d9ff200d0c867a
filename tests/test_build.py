"""build.py through a real app: digests, files, manifest, determinism, bad input."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask_assets import Bundle

from flask_bust_assets import BustAssets, BustAssetsError
from flask_bust_assets.core.digest import content_digest, integrity
from flask_bust_assets.errors import ConfigError
from flask_bust_assets.web import commands

from .helpers import GEN, MANIFEST, OUT, make_app, write

CSS = "/*! licence */\nbody {\n  margin : 0;\n  padding: calc(100% - (2 * 1rem));\n}\n"
JS = "const greet = (w) => `Hello ${w}  !`;\nwindow.greeting = greet('you');\n"


def site(root: Path, config: dict[str, object] | None = None) -> tuple[Flask, BustAssets]:
    write(root, "static/css/a.css", CSS)
    write(root, "static/js/a.js", JS)
    app, assets = make_app(root, config)
    assets.register("css", Bundle("css/a.css", filters="bust_cssmin", output="gen/site.%(version)s.css"))
    assets.register("js", Bundle("js/a.js", filters="bust_jsmin", output="gen/site.%(version)s.js"))
    return app, assets


def build(app: Flask, assets: BustAssets):  # type: ignore[no-untyped-def]
    with app.app_context():
        return commands.build(app.extensions["bust_assets"])


def test_output_is_named_by_the_digest_of_its_bytes(tmp_path: Path) -> None:
    app, assets = site(tmp_path)
    report = build(app, assets)
    assert report.manifest_written and not report.failed
    doc = json.loads((tmp_path / MANIFEST).read_text())
    (entry,) = doc["bundles"]["css"]
    data = (tmp_path / GEN / entry["path"]).read_bytes()
    assert data == b"/*! licence */ body{margin:0;padding:calc(100% - (2 * 1rem))}"
    assert entry["path"] == f"gen/site.{hashlib.sha256(data).hexdigest()[:16]}.css"
    assert entry["integrity"] == integrity(data)
    assert (entry["size"], entry["source_size"]) == (len(data), len(CSS.encode()))


def test_two_builds_in_different_folders_give_identical_names_and_bytes(tmp_path: Path) -> None:
    trees = []
    for name in ("one", "two"):
        root = tmp_path / name
        app, assets = site(root)
        write(root, "static/css/a.css", CSS * 30)  # large enough for compressed variants to pay
        build(app, assets)
        files = {p.relative_to(root / OUT).as_posix(): p.read_bytes() for p in (root / GEN).rglob("*") if p.is_file()}
        trees.append((files, (root / MANIFEST).read_bytes()))
    assert trees[0] == trees[1]  # precompressed variants included: gzip is written with mtime 0
    names = {re.sub(r"\.[0-9a-f]{16}\.", ".", name) for name in trees[0][0]}
    assert {"static/gen/site.css", "static/gen/site.css.gz", "static/gen/site.css.br", "static/css/a.css"} <= names


def test_changing_a_source_changes_only_its_bundle(tmp_path: Path) -> None:
    app, assets = site(tmp_path)
    build(app, assets)
    before = json.loads((tmp_path / MANIFEST).read_text())["bundles"]
    write(tmp_path, "static/css/a.css", CSS.replace("margin : 0", "margin : 1px"))
    build(app, assets)
    after = json.loads((tmp_path / MANIFEST).read_text())["bundles"]
    assert after["js"] == before["js"]
    assert after["css"][0]["path"] != before["css"][0]["path"]
    # The old generation is still on disk for pages rendered before the build.
    assert (tmp_path / GEN / before["css"][0]["path"]).exists()


def test_output_without_placeholder_gets_the_digest_inserted(tmp_path: Path) -> None:
    app, assets = site(tmp_path)
    assets.register("plain", Bundle("css/a.css", filters="bust_cssmin", output="gen/plain.css"))
    build(app, assets)
    (entry,) = json.loads((tmp_path / MANIFEST).read_text())["bundles"]["plain"]
    data = (tmp_path / GEN / entry["path"]).read_bytes()
    assert entry["path"] == f"gen/plain.{content_digest(data)}.css"
    assert not (tmp_path / GEN / "gen" / "plain.css").exists()


def test_query_string_versioning_keeps_the_name_and_adds_v(tmp_path: Path) -> None:
    app, assets = site(tmp_path, {"BUST_ASSETS_VERSIONING": "query"})
    assets.register("plain", Bundle("css/a.css", filters="bust_cssmin", output="gen/plain.css"))
    build(app, assets)
    (entry,) = json.loads((tmp_path / MANIFEST).read_text())["bundles"]["plain"]
    data = (tmp_path / GEN / "gen" / "plain.css").read_bytes()
    assert (entry["path"], entry["query"]) == ("gen/plain.css", f"v={content_digest(data)}")


def test_digest_algorithm_and_length_are_configurable(tmp_path: Path) -> None:
    app, assets = site(tmp_path, {"BUST_ASSETS_DIGEST_ALGORITHM": "sha1", "BUST_ASSETS_DIGEST_LENGTH": 10})
    build(app, assets)
    (entry,) = json.loads((tmp_path / MANIFEST).read_text())["bundles"]["css"]
    data = (tmp_path / GEN / entry["path"]).read_bytes()
    assert entry["path"] == f"gen/site.{hashlib.sha1(data).hexdigest()[:10]}.css"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_missing_source_fails_naming_file_and_leaves_last_good_build(tmp_path: Path) -> None:
    app, assets = site(tmp_path)
    build(app, assets)
    before = _snapshot(tmp_path / OUT)
    write(tmp_path, "static/js/a.js", JS + "window.changed = 1;\n")  # js would build fine...
    assets.register("broken", Bundle("css/missing.css", filters="bust_cssmin", output="gen/b.%(version)s.css"))
    report = build(app, assets)
    assert not report.manifest_written
    (failed,) = report.failed
    assert failed.name == "broken"
    assert "bundle 'broken': source file" in str(failed.error)
    assert "static/css/missing.css does not exist" in str(failed.error)
    assert _snapshot(tmp_path / OUT) == before  # ...but nothing was written: not even the js bundle


def test_output_outside_the_static_folder_is_refused(tmp_path: Path) -> None:
    app, assets = site(tmp_path)
    assets.register("escape", Bundle("css/a.css", output="../../outside.%(version)s.css"))
    report = build(app, assets)
    (failed,) = report.failed
    assert "outside the static folder" in str(failed.error)
    assert not list(tmp_path.parent.glob("outside.*"))


def test_bundle_without_output_links_each_source_and_suggests_one(tmp_path: Path) -> None:
    # Stock Flask-Assets links each source of such a bundle; the rest of the build goes on.
    app, assets = site(tmp_path)
    assets.register("nooutput", Bundle("css/a.css", "js/a.js", filters="bust_cssmin"))
    report = build(app, assets)
    assert report.ok and report.manifest_written
    (result,) = [r for r in report.results if r.name == "nooutput"]
    assert result.warnings == [
        "bundle 'nooutput' has no output, so each source is linked on its own; its filters (bust_cssmin) are "
        "not applied. Give it one to merge them into one file, e.g. output='gen/nooutput.%(version)s.css'."
    ]
    css, js = result.outputs
    assert css.path == f"css/a.{content_digest(CSS.encode())}.css"
    assert js.path == f"js/a.{content_digest(JS.encode())}.js"
    assert (tmp_path / GEN / css.path).read_text() == CSS  # unfiltered, as stock links it
    assert css.integrity == integrity(CSS.encode())
    with app.test_request_context("/"):
        from flask import url_for  # the same URL url_for gives the file

        assert app.extensions["bust_assets"].urls("nooutput")[0][0] == url_for("static", filename="css/a.css")


def test_unknown_engine_is_refused_at_start_up_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"BUST_ASSETS_CSS_ENGINE is 'csso'; use 'rcssmin' or 'cssmin'"):
        site(tmp_path, {"BUST_ASSETS_CSS_ENGINE": "csso"})


def test_filter_options_are_part_of_the_cache_key(tmp_path: Path) -> None:
    # Stock webassets returns the cached output here: Filter.unique() is False.
    app, assets = site(tmp_path)
    build(app, assets)
    assert list((tmp_path / "instance" / "webassets-cache").iterdir())  # the cache is in use
    # A new process with the option changed: new app, same folders, same cache.
    app, assets = site(tmp_path, {"BUST_ASSETS_KEEP_LICENCE": False})
    build(app, assets)
    (entry,) = json.loads((tmp_path / MANIFEST).read_text())["bundles"]["css"]
    assert b"licence" not in (tmp_path / GEN / entry["path"]).read_bytes()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "BUST_ASSETS_VERSIONING",
            "path",
            r"BUST_ASSETS_VERSIONING is 'path'; use 'filename' or 'query' \(the default is 'filename'\)",
        ),
        ("BUST_ASSETS_DIGEST_LENGTH", "long", "BUST_ASSETS_DIGEST_LENGTH is 'long'; use a whole number"),
        ("BUST_ASSETS_BROTLI_QUALITY", 12, r"BUST_ASSETS_BROTLI_QUALITY is 12; use a whole number from 0 to 11"),
        (
            "BUST_ASSETS_STATIC_BROTLI_QUALITY",
            "5",
            r"BUST_ASSETS_STATIC_BROTLI_QUALITY is '5'; use a whole number from 0 to 11",
        ),
        ("BUST_ASSETS_MANIFEST", "static/assets-manifest.json", "BUST_ASSETS_MANIFEST is .* inside the static folder"),
        ("ASSETS_CACHE", "static/.cache", "ASSETS_CACHE is .* inside the static folder"),
    ],
)
def test_bad_settings_are_refused_naming_the_key(tmp_path: Path, key: str, value: object, message: str) -> None:
    if key in ("BUST_ASSETS_MANIFEST", "ASSETS_CACHE"):
        value = str(tmp_path / value)
    with pytest.raises(BustAssetsError, match=message):  # at start-up, or at the build for paths
        app, assets = site(tmp_path, {key: value})
        build(app, assets)


def test_glob_bundles_see_only_sources(tmp_path: Path) -> None:
    app, assets = site(tmp_path)
    write(tmp_path, "static/css/b.css", "b { color: blue }\n")
    assets.register("all", Bundle("css/*.css", filters="bust_cssmin", output="gen/all.%(version)s.css"))
    for _ in range(2):  # the second build runs with the first one's output in place
        report = build(app, assets)
        assert report.ok
        (entry,) = json.loads((tmp_path / MANIFEST).read_text())["bundles"]["all"]
        data = (tmp_path / GEN / entry["path"]).read_bytes()
        assert data.count(b"margin:0") == 1 and data.count(b"color:blue") == 1
    assert len(list((tmp_path / GEN / "css").glob("a.*.css"))) == 1
    assert sorted(p.name for p in (tmp_path / "static/css").iterdir()) == ["a.css", "b.css"]  # sources only


def test_brotli_quality_is_a_setting(tmp_path: Path) -> None:
    sizes = {}
    for quality in (1, 11):
        root = tmp_path / f"q{quality}"
        app, assets = site(root, {"BUST_ASSETS_BROTLI_QUALITY": quality})
        write(root, "static/css/a.css", CSS * 200)  # large enough for the qualities to differ
        assert build(app, assets).ok
        (variant,) = (root / GEN / "gen").glob("site.*.css.br")
        sizes[quality] = variant.stat().st_size
    assert sizes[11] < sizes[1]


def test_assets_cache_true_goes_to_the_instance_folder_never_the_static_one(tmp_path: Path) -> None:
    # webassets' default for True is <static>/.webassets-cache, served to anyone with 200.
    app, assets = site(tmp_path, {"ASSETS_CACHE": True})
    assert build(app, assets).ok
    with app.app_context():
        assets["css"].build(force=True)  # webassets' own build path uses the cache too
    assert not list((tmp_path / "static").glob(".webassets-cache*"))
    assert list((tmp_path / "instance/webassets-cache").iterdir())


def test_a_trailing_comma_in_our_bundles_filters_is_ignored(tmp_path: Path) -> None:
    from flask_bust_assets import Bundle as OurBundle

    write(tmp_path, "static/css/a.css", "a {  color: red;  }\n")
    app, assets = make_app(tmp_path)
    assets.register("css", OurBundle("css/a.css", filters=" bust_cssurls , bust_cssmin ,", output="gen/a.css"))
    assert not build(app, assets).failed
    (entry,) = json.loads((tmp_path / MANIFEST).read_text())["bundles"]["css"]
    assert (tmp_path / GEN / entry["path"]).read_text() == "a{color:red}"


@pytest.mark.parametrize("versioning", ["query", "filename"])
def test_two_bundles_writing_one_output_are_refused_naming_both(tmp_path: Path, versioning: str) -> None:
    write(tmp_path, "static/css/a.css", "a { color: red }\n")
    write(tmp_path, "static/css/b.css", "b { color: blue }\n")
    app, assets = make_app(tmp_path, {"BUST_ASSETS_VERSIONING": versioning})
    assets.register("first", Bundle("css/a.css", output="gen/site.css"))
    assets.register("second", Bundle("css/b.css", output="gen/site.css"))
    assets.register("third", Bundle("css/b.css", output="gen/other.%(version)s.css"))
    assets.register("fourth", Bundle("css/a.css", output="gen/other.%(version)s.css"))  # one name per content
    report = build(app, assets)
    (failed,) = report.failed
    assert str(failed.error) == (
        "bundle 'second': output 'gen/site.css' is bundle 'first''s too, and both would write one file; "
        "give each bundle an output of its own (or put %(version)s in both)"
    )
    assert not report.manifest_written and not (tmp_path / MANIFEST).exists()


def test_fonts_older_than_woff2_get_gzip_only(tmp_path: Path) -> None:
    # Every browser that accepts brotli reads WOFF2, which stylesheets list first: a .ttf.br is never
    # downloaded, and brotli of Font Awesome's TrueType fallbacks took 5 of a build's 5.6 s of compression.
    app, assets = site(tmp_path)
    font = bytes(range(256)) * 16 + b"\0" * 8192  # compressible, as TrueType is
    for name in ("icons.ttf", "icons.otf", "icons.eot", "icons.svg"):
        (tmp_path / "static/fonts").mkdir(exist_ok=True)
        (tmp_path / "static/fonts" / name).write_bytes(font if name != "icons.svg" else b"<svg>" + font + b"</svg>")
    build(app, assets)
    made = {re.sub(r"\.[0-9a-f]{16}\.", ".", p.name) for p in (tmp_path / GEN / "fonts").iterdir()}
    assert {"icons.ttf.gz", "icons.otf.gz", "icons.eot.gz", "icons.svg.gz", "icons.svg.br"} <= made
    assert not {"icons.ttf.br", "icons.otf.br", "icons.eot.br"} & made
    (ttf,) = (tmp_path / GEN / "fonts").glob("icons.*.ttf")
    served = app.test_client().get(f"/static/fonts/{ttf.name}", headers={"Accept-Encoding": "br, gzip"})
    assert served.headers["Content-Encoding"] == "gzip" and served.status_code == 200
