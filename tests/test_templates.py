"""Templates: {% assets %}, <% %> delimiters, asset_url, asset_tags, both modes."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template_string
from flask_assets import Bundle

from flask_bust_assets import BuildError, BustAssets, ManifestError, UnknownAssetError
from flask_bust_assets.web import commands

from .helpers import GEN, MANIFEST, file_system_calls, make_app, write

CSS = "body {\n  color : red;\n}\n"
JS = "window.answer = (() => `4${2}`)();\n"
TAG = '{% assets "css" %}<link href="{{ ASSET_URL }}" integrity="{{ ASSET_SRI }}">{% endassets %}'


def register(assets: BustAssets) -> None:
    assets.register("css", Bundle("css/a.css", filters="bust_cssmin", output="gen/a.%(version)s.css"))
    assets.register("js", Bundle("js/a.js", filters="bust_jsmin", output="gen/a.%(version)s.js"))


def built_site(root: Path, config: dict[str, Any] | None = None, app: Flask | None = None, css: str = CSS) -> Flask:
    """Sources, bundles, a production build; returns the app in production mode."""
    write(root, "static/css/a.css", css)
    write(root, "static/js/a.js", JS)
    if app is None:
        app, assets = make_app(root, config)
        register(assets)
    with app.app_context():
        assert commands.build(app.extensions["bust_assets"]).manifest_written
    return app


def render(app: Flask, source: str, base_url: str | None = None) -> str:
    with app.test_request_context("/", base_url=base_url):
        return render_template_string(source)


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def test_assets_tag_gives_hashed_url_and_sri_of_the_served_bytes(tmp_path: Path) -> None:
    app = built_site(tmp_path)
    html = render(app, TAG)
    url, integrity = re.fullmatch(r'<link href="([^"]+)" integrity="([^"]+)">', html).groups()  # type: ignore[union-attr]
    assert re.fullmatch(r"/static/gen/a\.[0-9a-f]{16}\.css", url)
    served = app.test_client().get(url)
    assert served.status_code == 200
    assert integrity == sri(served.data)
    assert url.split(".")[-2] == hashlib.sha256(served.data).hexdigest()[:16]


def test_custom_block_delimiters(tmp_path: Path) -> None:
    app = Flask("site", root_path=str(tmp_path), instance_path=str(tmp_path / "instance"))
    app.jinja_options = {**app.jinja_options, "block_start_string": "<%", "block_end_string": "%>"}
    register(BustAssets(app))
    built_site(tmp_path, app=app)
    html = render(app, '<% assets "css", "js" %><x src="{{ ASSET_URL }}" i="{{ ASSET_SRI }}"><% endassets %>')
    urls = re.findall(r'src="(/static/gen/a\.[0-9a-f]{16}\.(?:css|js))" i="(sha384-[^"]+)"', html)
    assert [u.rsplit(".", 1)[1] for u, _ in urls] == ["css", "js"]
    for url, integrity in urls:
        assert integrity == sri(app.test_client().get(url).data)


def test_asset_url_and_asset_tags(tmp_path: Path) -> None:
    app = built_site(tmp_path)
    manifest = json.loads((tmp_path / MANIFEST).read_text())["bundles"]
    css, js = manifest["css"][0], manifest["js"][0]
    assert render(app, '{{ asset_url("css") }}') == f"/static/{css['path']}"
    assert render(app, '{{ asset_tags("css") }}') == (
        f'<link rel="stylesheet" href="/static/{css["path"]}" integrity="{css["integrity"]}" crossorigin="anonymous">'
    )
    assert render(app, '{{ asset_tags("js", defer=True, nonce=n) }}'.replace("n)", '"a\\"<b>")')) == (
        f'<script src="/static/{js["path"]}" integrity="{js["integrity"]}" crossorigin="anonymous" defer '
        'nonce="a&#34;&lt;b&gt;"></script>'
    )


def test_urls_follow_script_name(tmp_path: Path) -> None:
    app = built_site(tmp_path)
    assert render(app, '{{ asset_url("css") }}', base_url="http://localhost/shop").startswith("/shop/static/gen/a.")


def test_query_string_versioning(tmp_path: Path) -> None:
    app = built_site(tmp_path, {"BUST_ASSETS_VERSIONING": "query"})
    app.extensions["bust_assets"].env.register("plain", Bundle("css/a.css", filters="bust_cssmin", output="p.css"))
    built_site(tmp_path, app=app)
    url = render(app, '{{ asset_url("plain") }}')
    data = app.test_client().get("/static/p.css").data
    assert url == f"/static/p.css?v={hashlib.sha256(data).hexdigest()[:16]}"
    # A %(version)s placeholder is still filled, so such a URL is unique twice over.
    (built,) = (tmp_path / GEN / "gen").glob("a.*.css")
    digest = hashlib.sha256(built.read_bytes()).hexdigest()[:16]
    assert render(app, '{{ asset_url("css") }}') == f"/static/gen/a.{digest}.css?v={digest}"


def test_unknown_bundle_in_production_names_it_and_the_fix(tmp_path: Path) -> None:
    app = built_site(tmp_path)
    message = r"Bundle 'nope' is not in the manifest .*assets-manifest\.json\..*flask assets build"
    with pytest.raises(UnknownAssetError, match=message):
        render(app, '{{ asset_url("nope") }}')


@pytest.mark.parametrize("auto_build", [False, True])
@pytest.mark.parametrize("source", ['{{ asset_url("csss") }}', '{% assets "csss" %}{{ ASSET_URL }}{% endassets %}'])
def test_a_mistyped_bundle_name_says_bundle_and_suggests_the_closest(
    tmp_path: Path, auto_build: bool, source: str
) -> None:
    app = built_site(tmp_path, {"ASSETS_AUTO_BUILD": auto_build})
    with pytest.raises(UnknownAssetError, match=r"^Bundle 'csss' is not .*Did you mean 'css'\?"):
        render(app, source)


def test_a_bundle_registered_after_the_build_says_to_build(tmp_path: Path) -> None:
    app = built_site(tmp_path)
    app.extensions["bust_assets"].env.register("late", Bundle("css/a.css", output="gen/late.%(version)s.css"))
    with pytest.raises(UnknownAssetError, match=r"It was registered after the last build: run `flask assets build`"):
        render(app, '{{ asset_url("late") }}')


@pytest.mark.parametrize("manifest", [None, "{"])
def test_without_a_usable_manifest_urls_are_computed_live(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, manifest: str | None
) -> None:
    # A fresh checkout or a user's test suite: pages render, as Propshaft's dynamic resolver does.
    write(tmp_path, "static/css/a.css", CSS)
    if manifest is not None:
        write(tmp_path, MANIFEST, manifest)
    app, assets = make_app(tmp_path, {"TESTING": False})
    register(assets)
    with caplog.at_level("WARNING", logger="flask_bust_assets"):
        html = render(app, TAG) + render(app, TAG)
    url = re.findall(r'href="([^"]+)"', html)[0]
    served = app.test_client().get(url)
    assert served.status_code == 200 and f'integrity="{sri(served.data)}"' in html
    (record,) = caplog.records  # one warning, naming the manifest and the command
    assert str(tmp_path / MANIFEST) in record.getMessage()
    assert "Run `flask assets build`" in record.getMessage()


def test_without_a_manifest_a_test_suite_renders_silently(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path, "static/css/a.css", CSS)
    app, assets = make_app(tmp_path)  # TESTING = True
    register(assets)
    with caplog.at_level("WARNING", logger="flask_bust_assets"):
        assert re.fullmatch(r'<link href="/static/gen/a\.[0-9a-f]{16}\.css" integrity="sha384-\S+">', render(app, TAG))
    assert not caplog.records


def test_strict_mode_refuses_to_start_without_a_manifest(tmp_path: Path) -> None:
    write(tmp_path, "static/css/a.css", CSS)
    app = Flask("site", root_path=str(tmp_path), instance_path=str(tmp_path / "instance"))
    app.config["BUST_ASSETS_STRICT"] = True
    with pytest.raises(ManifestError, match=r"No manifest at .*assets-manifest\.json\. .*BUST_ASSETS_STRICT is on"):
        BustAssets(app)


def test_strict_mode_refuses_a_bundle_the_manifest_does_not_know(tmp_path: Path) -> None:
    built_site(tmp_path)
    app = Flask("site", root_path=str(tmp_path), instance_path=str(tmp_path / "instance"))
    app.config["BUST_ASSETS_STRICT"] = True
    assets = BustAssets(app)
    register(assets)  # built above
    with pytest.raises(ManifestError, match=r"Bundle 'new' is registered but not in the manifest .*flask assets build"):
        assets.register("new", Bundle("css/a.css", output="gen/new.%(version)s.css"))


INLINE = (
    '{% assets "css/a.css", "js/a.js", filters="bust_cssmin", output="gen/inline.%(version)s.css" %}'
    '<link href="{{ ASSET_URL }}" integrity="{{ ASSET_SRI }}">{% endassets %}'
)


def test_production_render_makes_no_file_system_call(tmp_path: Path) -> None:
    write(tmp_path, "templates/page.html", INLINE)  # `flask assets build` prebuilds the bundle written there
    app = built_site(tmp_path)
    page = TAG + '{{ asset_tags("js") }}{{ asset_url("css") }}{{ url_for("static", filename="css/a.css") }}' + INLINE
    page += '{{ url_for("static", filename="gen/a.%(version)s.js") }}'  # an output, by its own name
    render(app, page)  # the manifest was read at start-up; this warms the URL caches
    with file_system_calls() as calls:
        for _ in range(3):
            html = render(app, page)
    assert calls == []
    assert html.count("/static/gen/a.") == 4 and "/static/css/a." in html
    (inline,) = re.findall(r'href="(/static/gen/inline\.[0-9a-f]{16}\.css)" integrity="([^"]+)"', html)
    assert inline[1] == sri(app.test_client().get(inline[0]).data)


def test_manifest_cache_and_outputs_are_not_in_the_static_folder(tmp_path: Path) -> None:
    app = built_site(tmp_path)
    static = {p.relative_to(tmp_path / "static").as_posix() for p in (tmp_path / "static").rglob("*") if p.is_file()}
    assert static == {"css/a.css", "js/a.js"}  # the sources, nothing else
    assert app.test_client().get("/static/.webassets-manifest").status_code == 404
    assert (tmp_path / MANIFEST).exists()


def test_development_mode_sees_edits_without_restart(tmp_path: Path) -> None:
    write(tmp_path, "static/css/a.css", CSS)
    write(tmp_path, "static/js/a.js", JS)
    app, assets = make_app(tmp_path, {"ASSETS_AUTO_BUILD": True})
    register(assets)
    first = render(app, '{{ asset_url("css") }}')
    assert render(app, '{{ asset_url("css") }}') == first
    time.sleep(0.01)
    write(tmp_path, "static/css/a.css", CSS.replace("red", "blue"))
    second = render(app, '{{ asset_url("css") }}')
    assert second != first
    assert app.test_client().get(second).data == b"body{color:blue}"
    assert not (tmp_path / MANIFEST).exists()  # development never needs a build


def test_development_mode_reports_a_missing_source(tmp_path: Path) -> None:
    app, assets = make_app(tmp_path, {"ASSETS_AUTO_BUILD": True})
    register(assets)
    with pytest.raises(BuildError, match=r"bundle 'css': source file .*css/a\.css does not exist"):
        render(app, TAG)


def test_two_apps_one_extension(tmp_path: Path) -> None:
    assets = BustAssets()
    register(assets)
    apps = []
    for name, colour in (("one", "red"), ("two", "blue")):
        root = tmp_path / name
        app = Flask("site", root_path=str(root), instance_path=str(root / "instance"))
        assets.init_app(app)
        apps.append(built_site(root, app=app, css=CSS.replace("red", colour)))
    urls = [render(app, '{{ asset_url("css") }}') for app in apps]
    assert urls[0] != urls[1]
    assert apps[1].test_client().get(urls[1]).data == b"body{color:blue}"


def test_init_app_twice_says_what_to_do(tmp_path: Path) -> None:
    app, assets = make_app(tmp_path)
    with pytest.raises(RuntimeError, match=r"already initialised on this app.*app\.extensions\['bust_assets'\]"):
        assets.init_app(app)


def test_assets_debug_gives_source_urls_busted_too(tmp_path: Path) -> None:
    write(tmp_path, "static/css/a.css", CSS)
    app, assets = make_app(tmp_path, {"ASSETS_DEBUG": True, "ASSETS_AUTO_BUILD": True})
    assets.register("css", Bundle("css/a.css", filters="bust_cssmin", output="gen/a.%(version)s.css"))
    url = render(app, '{% assets "css" %}{{ ASSET_URL }}{% endassets %}')
    assert url == f"/static/css/a.{hashlib.sha256(CSS.encode()).hexdigest()[:16]}.css"
    assert app.test_client().get(url).data == CSS.encode()


def test_webassets_bundle_urls_read_our_manifest(tmp_path: Path) -> None:
    # Code that asks webassets directly, as Flask-Assets users do for preload headers.
    app = built_site(tmp_path)
    with app.test_request_context("/"):
        assert app.extensions["bust_assets"].env["css"].urls() == [render(app, '{{ asset_url("css") }}')]


def test_bundle_written_in_the_template_gets_a_real_sri(tmp_path: Path) -> None:
    # Stock webassets renders ASSET_SRI as None for such a bundle.
    write(tmp_path, "static/css/a.css", CSS)
    app, _ = make_app(tmp_path, {"ASSETS_AUTO_BUILD": True})
    html = render(
        app,
        '{% assets "css/a.css", filters="bust_cssmin", output="gen/inline.%(version)s.css" %}'
        "{{ ASSET_URL }} {{ ASSET_SRI }}{% endassets %}",
    )
    url, integrity = html.split()
    assert re.fullmatch(r"/static/gen/inline\.[0-9a-f]{16}\.css", url)
    assert integrity == sri(app.test_client().get(url).data)


def test_webassets_own_build_paths_create_the_cache_folder(tmp_path: Path) -> None:
    # Bundle.build() and urls() with auto_build go through webassets, not our build.
    write(tmp_path, "static/css/a.css", CSS)
    app, assets = make_app(tmp_path, {"ASSETS_AUTO_BUILD": True, "ASSETS_CACHE": str(tmp_path / "fresh/cache")})
    register(assets)
    with app.test_request_context("/"):
        (hunk,) = assets["css"].build()
    assert hunk.data() == "body{color:red}"
    assert (tmp_path / "fresh/cache").is_dir() and any((tmp_path / "fresh/cache").iterdir())
