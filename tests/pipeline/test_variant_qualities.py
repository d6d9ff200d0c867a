"""Bundle outputs and static copies get .br variants at brotli qualities of their own (issue 23)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import brotli
import pytest
from flask import Flask
from flask_assets import Bundle

from flask_bust_assets import BustAssets
from flask_bust_assets.web import commands

from ..helpers import GEN, MANIFEST, make_app, write

WORDS = ("color", "margin", "padding", "border", "display", "flex", "grid", "none", "auto", "solid", "block")


def text(seed: int, lines: int) -> str:
    """Seeded CSS-like text, varied enough that brotli's qualities give different bytes."""
    rng = random.Random(seed)
    return "".join(
        f".c{rng.randrange(10**6)} {{ {rng.choice(WORDS)}: {rng.randrange(999)}px {rng.choice(WORDS)}; }}\n"
        for _ in range(lines)
    )


def project(root: Path, config: dict[str, object] | None = None) -> tuple[Flask, BustAssets]:
    """A bundle whose CSS names an SVG, and a script only the static pass digests: the two larger
    than STORE_MIN (their variants linked from the store), the SVG smaller (written as bytes)."""
    svg = f"<svg xmlns='http://www.w3.org/2000/svg'><!-- {text(1, 60)} --></svg>\n"
    write(root, "static/img/logo.svg", svg)
    write(root, "static/css/site.css", text(2, 600) + ".logo { background: url(../img/logo.svg) }\n")
    write(root, "static/js/vendor.js", "// " + text(3, 600).replace("\n", "\n// "))
    app, assets = make_app(root, config)
    assets.register("css", Bundle("css/site.css", filters="bust_cssurls", output="gen/site.%(version)s.css"))
    return app, assets


def build(app: Flask) -> None:
    with app.app_context():
        assert commands.build(app.extensions["bust_assets"]).ok


def variants(root: Path) -> dict[str, tuple[bytes, bytes]]:
    """Logical name -> (the digested file's bytes, its .br variant), for the bundle and the two copies."""
    doc = json.loads((root / MANIFEST).read_text())
    paths = {"bundle": doc["bundles"]["css"][0]["path"]}
    paths.update((name, doc["files"]["static"][name]["path"]) for name in ("img/logo.svg", "js/vendor.js"))
    return {
        name: ((root / GEN / path).read_bytes(), (root / GEN / (path + ".br")).read_bytes())
        for name, path in paths.items()
    }


def assert_qualities(root: Path, bundle: int, static: int) -> None:
    for name, (data, variant) in variants(root).items():
        quality = bundle if name == "bundle" else static
        assert brotli.decompress(variant) == data, name
        assert brotli.compress(data, quality=quality) != brotli.compress(data, quality=bundle + static - quality)
        assert variant == brotli.compress(data, quality=quality), (name, quality)


def test_by_default_static_copies_get_quality_5_and_bundles_10(tmp_path: Path) -> None:
    app, _ = project(tmp_path)
    build(app)
    assert_qualities(tmp_path, bundle=10, static=5)


@pytest.mark.parametrize(("bundle", "static"), [(11, 3), (4, 9)])
def test_each_quality_is_a_setting_of_its_own(tmp_path: Path, bundle: int, static: int) -> None:
    config = {"BUST_ASSETS_BROTLI_QUALITY": bundle, "BUST_ASSETS_STATIC_BROTLI_QUALITY": static}
    app, _ = project(tmp_path, config)
    build(app)
    assert_qualities(tmp_path, bundle=bundle, static=static)


@pytest.mark.parametrize("key", ["BUST_ASSETS_STATIC_BROTLI_QUALITY", "BUST_ASSETS_BROTLI_QUALITY"])
def test_a_changed_quality_remakes_the_variants_on_the_next_build(tmp_path: Path, key: str) -> None:
    qualities = {"BUST_ASSETS_BROTLI_QUALITY": 6, "BUST_ASSETS_STATIC_BROTLI_QUALITY": 2}
    app, _ = project(tmp_path, qualities)
    build(app)
    assert_qualities(tmp_path, bundle=6, static=2)
    qualities[key] = 9
    app, _ = project(tmp_path, qualities)  # the same files, a new quality
    build(app)
    bundle, static = qualities["BUST_ASSETS_BROTLI_QUALITY"], qualities["BUST_ASSETS_STATIC_BROTLI_QUALITY"]
    assert_qualities(tmp_path, bundle=bundle, static=static)
