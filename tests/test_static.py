"""bust_cssurls and digested static files, built for real on disk."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Blueprint, Flask, render_template_string, url_for
from flask_assets import Bundle

from flask_bust_assets import BustAssets, UnknownAssetError
from flask_bust_assets.css.references import find_references
from flask_bust_assets.web import commands

from .helpers import GEN, MANIFEST, make_app, write

PNG = b"\x89PNG\r\n\x1a\n fake image bytes"
FONT = b"wOF2 fake font bytes"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def site(root: Path, config: dict[str, Any] | None = None) -> tuple[Flask, BustAssets]:
    """CSS in two folders, bundled into gen/, referencing images and fonts elsewhere."""
    write(root, "static/css/base.css", '@import "parts/colors.css";\nbody { background: url(../img/bg.png) }\n')
    write(root, "static/css/parts/colors.css", ":root { --icon: url('../../img/icon.svg#check') }\n")
    write(
        root,
        "static/vendor/icons/icons.css",
        '@font-face { src: url("./fonts/icons.woff2?24e3eb84d0bcaf83d77f904c78ac1f47") format("woff2") }\n'
        "/* url(fonts/not-read.woff2) */ .x { background: url(data:image/png;base64,AAAA) }\n",
    )
    (root / "static/img").mkdir(parents=True, exist_ok=True)
    (root / "static/img/bg.png").write_bytes(PNG)
    write(root, "static/img/icon.svg", '<svg xmlns="http://www.w3.org/2000/svg"><symbol id="check"/></svg>')
    (root / "static/vendor/icons/fonts").mkdir(parents=True, exist_ok=True)
    (root / "static/vendor/icons/fonts/icons.woff2").write_bytes(FONT)
    app, assets = make_app(root, config)
    assets.register(
        "site_css",
        Bundle(
            "css/base.css",
            "vendor/icons/icons.css",
            filters="bust_cssurls,bust_cssmin",
            output="gen/site.%(version)s.css",
        ),
    )
    return app, assets


def build(app: Flask) -> Any:
    with app.app_context():
        return commands.build(app.extensions["bust_assets"])


def manifest(root: Path) -> dict[str, Any]:
    return dict(json.loads((root / MANIFEST).read_text()))


def bundle_css(root: Path, name: str = "site_css") -> tuple[Path, str]:
    path = root / GEN / manifest(root)["bundles"][name][0]["path"]
    return path, path.read_text()


def assert_references_resolve(css_file: Path, static: Path) -> list[str]:
    """Every file reference points at an existing digested file whose bytes match its digest."""
    targets = []
    for ref in find_references(css_file.read_text()):
        target = (css_file.parent / ref.path).resolve()
        assert target.is_file(), f"{ref.path} from {css_file}"
        name_digest = re.search(r"\.([0-9a-f]{16})(\.[^./]+)?$", target.name)
        assert name_digest, f"{ref.path} is not digested"
        assert name_digest.group(1) == digest(target.read_bytes())
        targets.append(target.relative_to(static).as_posix())
    return targets


def test_bundle_references_point_at_digested_files_relative_to_the_output(tmp_path: Path) -> None:
    app, _ = site(tmp_path)
    assert build(app).ok
    css_file, css = bundle_css(tmp_path)
    targets = assert_references_resolve(css_file, tmp_path / GEN)
    assert [re.sub(r"\.[0-9a-f]{16}", "", t) for t in targets] == [
        "css/parts/colors.css",
        "img/bg.png",
        "vendor/icons/fonts/icons.woff2",
    ]
    assert f"url(../img/bg.{digest(PNG)}.png)" in css
    # query and fragment kept; comments and data: URIs untouched
    assert f'url("../vendor/icons/fonts/icons.{digest(FONT)}.woff2?24e3eb84d0bcaf83d77f904c78ac1f47")' in css
    assert "url(data:image/png;base64,AAAA)" in css
    # the @imported stylesheet was itself rewritten, relative to its own folder
    (colors,) = (tmp_path / GEN / "css/parts").glob("colors.*.css")
    assert "#check" in colors.read_text()
    assert assert_references_resolve(colors, tmp_path / GEN)[0].startswith("img/icon.")


def test_changing_an_image_changes_exactly_the_stylesheets_that_use_it(tmp_path: Path) -> None:
    app, assets = site(tmp_path)
    assets.register(
        "icons_css", Bundle("vendor/icons/icons.css", filters="bust_cssurls", output="gen/i.%(version)s.css")
    )
    build(app)
    before = manifest(tmp_path)
    app, assets = site(tmp_path)  # a new process over the same files...
    # ...after icon.svg, referenced two @imports deep, changed
    (tmp_path / "static/img/icon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><symbol id="check2"/></svg>')
    assets.register(
        "icons_css", Bundle("vendor/icons/icons.css", filters="bust_cssurls", output="gen/i.%(version)s.css")
    )
    build(app)
    after = manifest(tmp_path)
    assert after["bundles"]["site_css"] != before["bundles"]["site_css"]
    assert after["bundles"]["icons_css"] == before["bundles"]["icons_css"]
    changed = {lp for lp, f in after["files"]["static"].items() if f != before["files"]["static"].get(lp)}
    assert changed == {"img/icon.svg", "css/parts/colors.css", "css/base.css"}


def test_reference_cycle_warns_and_builds(tmp_path: Path) -> None:
    write(tmp_path, "static/css/a.css", '@import "b.css";\na { color: red }\n')
    write(tmp_path, "static/css/b.css", '@import "a.css";\nb { color: blue }\n')
    app, assets = make_app(tmp_path)
    assets.register("ab", Bundle("css/a.css", filters="bust_cssurls", output="gen/ab.%(version)s.css"))
    report = build(app)
    assert report.ok
    warned = [w for r in report.results for w in r.warnings] + report.static.warnings
    assert any("reference cycle a.css -> b.css -> a.css; left as written" in w for w in warned)
    _, css = bundle_css(tmp_path, "ab")
    assert re.match(r'@import "\.\./css/b\.[0-9a-f]{16}\.css";', css)


def test_missing_reference_fails_naming_file_line_and_path(tmp_path: Path) -> None:
    app, _ = site(tmp_path)
    assert build(app).ok
    good = (tmp_path / MANIFEST).read_bytes()
    app, _ = site(tmp_path)
    write(tmp_path, "static/css/base.css", "body {\n  color: red;\n  background: url(../img/gone.png);\n}\n")
    report = build(app)
    assert not report.ok
    messages = [str(r.error) for r in report.failed] + [str(e) for e in report.static.errors]
    assert any(
        re.search(
            r"static/css/base\.css line 3: '\.\./img/gone\.png' points to .*static/img/gone\.png, which does not exist",
            m,
        )
        and "BUST_ASSETS_MISSING_REFERENCE = 'warn'" in m
        for m in messages
    ), messages
    assert (tmp_path / MANIFEST).read_bytes() == good


def test_missing_reference_warn_policy_leaves_it_as_written(tmp_path: Path) -> None:
    app, _ = site(tmp_path, {"BUST_ASSETS_MISSING_REFERENCE": "warn"})
    write(tmp_path, "static/css/base.css", "body { background: url(../img/gone.png?x#y) }\n")
    report = build(app)
    assert report.ok
    assert any("gone.png" in w and "left as written" in w for r in report.results for w in r.warnings)
    assert "url(../img/gone.png?x#y)" in bundle_css(tmp_path)[1]


def test_traversal_outside_the_static_folders_is_never_read(tmp_path: Path) -> None:
    secret = b"TOP SECRET"
    (tmp_path / "secret.txt").write_bytes(secret)
    app, _ = site(tmp_path, {"BUST_ASSETS_MISSING_REFERENCE": "warn"})
    write(tmp_path, "static/css/base.css", "a { b: url(../../secret.txt) } c { d: url(/static/../secret.txt) }\n")
    report = build(app)
    assert report.ok
    warned = [w for r in report.results for w in r.warnings]
    assert sum("resolves outside every static folder" in w for w in warned) == 2
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and p.read_bytes() == secret and p.name != "secret.txt"]
    assert "url(../../secret.txt)" in bundle_css(tmp_path)[1]


def test_sibling_folder_with_a_common_prefix_is_not_digested(tmp_path: Path) -> None:
    # Flask-Static-Digest globs static_folder + "**/**" and so escapes into static_private/.
    app, _ = site(tmp_path)
    write(tmp_path, "static_private/keys.txt", "private")
    write(tmp_path, "static/.env", "dotfile")
    assert build(app).ok
    assert sorted(p.name for p in (tmp_path / "static_private").iterdir()) == ["keys.txt"]
    assert not list((tmp_path / GEN).rglob(".env*"))  # a dotfile is never digested
    assert "keys.txt" not in json.dumps(manifest(tmp_path))


def test_url_for_static_gives_digested_urls_in_production(tmp_path: Path) -> None:
    app, _ = site(tmp_path)
    build(app)
    with app.test_request_context("/"):
        assert url_for("static", filename="img/bg.png") == f"/static/img/bg.{digest(PNG)}.png"
        # a template needs no change
        html = render_template_string("<img src=\"{{ url_for('static', filename='img/bg.png') }}\">")
        assert html == f'<img src="/static/img/bg.{digest(PNG)}.png">'
        # Not in the manifest: the plain URL, as Flask links a file it may not have (a 404 for that file only).
        assert url_for("static", filename="img/new.png") == "/static/img/new.png"
    served = app.test_client().get(f"/static/img/bg.{digest(PNG)}.png")
    assert served.data == PNG


def test_url_for_a_file_missing_from_the_manifest_warns_once_per_name(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app, _ = site(tmp_path, {"BUST_ASSETS_STATIC_EXCLUDE": ["robots.txt"]})
    build(app)
    with app.test_request_context("/"), caplog.at_level("WARNING", logger="flask_bust_assets"):
        for _ in range(3):
            assert url_for("static", filename="img/new.png") == "/static/img/new.png"
        assert url_for("static", filename="robots.txt") == "/static/robots.txt"  # excluded: plain, no warning
    assert [r.getMessage() for r in caplog.records] == [
        "Static file 'img/new.png' (endpoint 'static') is not in the manifest "
        f"{tmp_path / MANIFEST}. Run `flask assets build`, or exclude it with "
        "BUST_ASSETS_STATIC_EXCLUDE. Linking it under its plain name."
    ]


@pytest.mark.parametrize("config", [{"BUST_ASSETS_STRICT": True}, {"BUST_ASSETS_MISSING_STATIC": "error"}])
def test_url_for_a_file_missing_from_the_manifest_is_an_error_when_strict(
    tmp_path: Path, config: dict[str, Any]
) -> None:
    build(site(tmp_path)[0])
    app, _ = site(tmp_path, config)
    with (
        app.test_request_context("/"),
        pytest.raises(
            UnknownAssetError, match=r"Static file 'img/new\.png' \(endpoint 'static'\) is not in the manifest"
        ),
    ):
        url_for("static", filename="img/new.png")


def test_development_busts_url_for_without_a_build(tmp_path: Path) -> None:
    app, _ = site(tmp_path, {"ASSETS_AUTO_BUILD": True})
    with app.test_request_context("/"):
        first = url_for("static", filename="img/bg.png")
    assert first == f"/static/img/bg.{digest(PNG)}.png"
    assert app.test_client().get(first).data == PNG
    time.sleep(0.01)
    (tmp_path / "static/img/bg.png").write_bytes(PNG + b"!")
    with app.test_request_context("/"):
        assert url_for("static", filename="img/bg.png") == f"/static/img/bg.{digest(PNG + b'!')}.png"
        # and the bundle referencing it is rebuilt on the next render
        css_url = render_template_string('{{ asset_url("site_css") }}')
    css = app.test_client().get(css_url).data.decode()
    assert f"bg.{digest(PNG + b'!')}.png" in css
    assert not (tmp_path / MANIFEST).exists()


def test_blueprint_static_folders(tmp_path: Path) -> None:
    app, assets = site(tmp_path)
    bp_root = tmp_path / "admin"
    write(bp_root, "static/admin.css", "h1 { background: url(logo.png) }\n")
    (bp_root / "static/logo.png").write_bytes(PNG + b"admin")
    admin = Blueprint("admin", __name__, root_path=str(bp_root), static_folder="static", url_prefix="/admin")
    app.register_blueprint(admin)
    assets.register(
        "admin_css", Bundle("admin/admin.css", filters="bust_cssurls", output="admin/gen/a.%(version)s.css")
    )
    assert build(app).ok
    files = manifest(tmp_path)["files"]
    assert files["admin.static"]["logo.png"]["path"] == f"logo.{digest(PNG + b'admin')}.png"
    with app.test_request_context("/"):
        assert url_for("admin.static", filename="logo.png") == f"/admin/static/logo.{digest(PNG + b'admin')}.png"
        css_url = render_template_string('{{ asset_url("admin_css") }}')
    assert css_url.startswith("/admin/static/gen/a.")
    css = app.test_client().get(css_url).data.decode()
    assert css == f"h1 {{ background: url(../logo.{digest(PNG + b'admin')}.png) }}\n"
    assert (
        app.test_client()
        .get(posixpath.join(posixpath.dirname(css_url), f"../logo.{digest(PNG + b'admin')}.png"))
        .status_code
        == 200
    )


def test_static_busting_can_be_turned_off(tmp_path: Path) -> None:
    app, _ = site(tmp_path, {"BUST_ASSETS_STATIC": False})
    write(tmp_path, "static/img/unused.svg", "<svg/>")  # referenced by no stylesheet
    assert build(app).ok
    # Only the files bundled CSS references are digested (their URLs are in the CSS).
    assert sorted(manifest(tmp_path)["files"]["static"]) == [
        "css/parts/colors.css",
        "img/bg.png",
        "img/icon.svg",
        "vendor/icons/fonts/icons.woff2",
    ]
    assert not list((tmp_path / GEN / "img").glob("unused*"))  # not digested, so not copied
    with app.test_request_context("/"):
        assert url_for("static", filename="img/bg.png") == "/static/img/bg.png"
    assert os.path.exists(tmp_path / "static/img/bg.png")


def test_with_a_cdn_only_published_files_get_cdn_urls(tmp_path: Path) -> None:
    # publish uploads digested files only: an excluded file on the CDN would be a 404.
    cdn = "https://cdn.example.test/site"
    config = {"BUST_ASSETS_CDN_URL": cdn, "BUST_ASSETS_STATIC_EXCLUDE": ["robots.txt", "downloads/*"]}
    app, _ = site(tmp_path, config)
    write(tmp_path, "static/robots.txt", "User-agent: *\n")
    write(tmp_path, "static/downloads/guide.pdf", "%PDF-1.4\n")
    assert build(app).ok
    with app.test_request_context("/"):
        from flask import url_for

        assert url_for("static", filename="img/bg.png") == f"{cdn}/static/img/bg.{digest(PNG)}.png"
        assert app.extensions["bust_assets"].urls("site_css")[0][0].startswith(f"{cdn}/static/gen/site.")
        assert url_for("static", filename="robots.txt") == "/static/robots.txt"  # served by the app
        assert url_for("static", filename="downloads/guide.pdf") == "/static/downloads/guide.pdf"
        assert url_for("static", filename="img/new.png") == "/static/img/new.png"  # unknown: the app's 404
    assert app.test_client().get("/static/robots.txt").status_code == 200


def test_a_static_file_naming_its_source_map_names_the_digested_map(tmp_path: Path) -> None:
    # Vendor dist files end with a sourceMappingURL: it follows the map's digested name, as
    # Django's and Propshaft's manifests do, and a changed map changes the file's name.
    app, assets = site(tmp_path)
    js = "window.lib=function(n){return n+1};\n//# sourceMappingURL=lib.min.js.map\n"
    write(tmp_path, "static/vendor/lib.min.js", js)
    write(tmp_path, "static/vendor/lib.min.css", "a{b:c}\n/*# sourceMappingURL=lib.min.css.map */\n")
    write(tmp_path, "static/vendor/lib.min.js.map", '{"version":3,"sources":["lib.js"],"mappings":"AAAA"}')
    write(tmp_path, "static/vendor/lib.min.css.map", '{"version":3,"sources":["lib.css"],"mappings":"AAAA"}')
    write(tmp_path, "static/vendor/lib.js", "window.lib = function (n) { return n + 1; };\n")
    assets.register("bundled", Bundle("vendor/lib.min.js", output="gen/bundled.%(version)s.js"))
    assert build(app).ok
    files = manifest(tmp_path)["files"]["static"]
    for kind in ("js", "css"):
        copy = (tmp_path / GEN / files[f"vendor/lib.min.{kind}"]["path"]).read_text()
        map_name = files[f"vendor/lib.min.{kind}.map"]["path"].rsplit("/", 1)[1]
        assert f"sourceMappingURL={map_name}" in copy and (tmp_path / GEN / "vendor" / map_name).is_file()
    first = files["vendor/lib.min.js"]["path"]
    write(tmp_path, "static/vendor/lib.min.js.map", '{"version":3,"sources":["lib.js"],"mappings":"AACA"}')
    app, assets = site(tmp_path)
    assets.register("bundled", Bundle("vendor/lib.min.js", output="gen/bundled.%(version)s.js"))
    assert build(app).ok
    assert manifest(tmp_path)["files"]["static"]["vendor/lib.min.js"]["path"] != first
    # A bundle is a new file: the source's map does not describe it, so it names none.
    (bundled,) = manifest(tmp_path)["bundles"]["bundled"]
    assert "sourceMappingURL" not in (tmp_path / GEN / bundled["path"]).read_text()
