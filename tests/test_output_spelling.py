"""Names spelt in more than one way: bundle outputs that are one file, CDN URLs of names beyond ASCII.

``./gen/x.css`` and ``gen/x.css`` are one file on disk, so two bundles with them
collide as two bundles with the same spelling do. A published file's CDN URL
must be the percent-encoding of the key publish uploaded it under, for every
name (``données.txt``, ``100%.txt``, ``a b.txt``, ``c++.txt``), or the CDN answers 404.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_assets import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flask_bust_assets import BustAssets
from flask_bust_assets.web import commands

from .helpers import GEN, MANIFEST, OUT, http, make_app, run_flask, serve, write
from .s3 import env_with_credentials, moto_server, public_bucket


def only_failure(app: Flask, root: Path) -> str:
    """The one error of a build that must fail, which then writes no manifest."""
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    (failed,) = report.failed
    assert not (root / MANIFEST).exists()
    return str(failed.error)


SPELLINGS = ["./gen/site.css", "gen//site.css", "gen/./site.css", "gen/../gen/site.css", "gen/sub/../site.css"]


@pytest.mark.parametrize("versioning", ["query", "filename"])
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_two_outputs_spelt_differently_for_one_file_are_refused_naming_both(
    tmp_path: Path, spelling: str, versioning: str
) -> None:
    write(tmp_path, "static/css/a.css", "a { color: red }\n")
    write(tmp_path, "static/css/b.css", "b { color: blue }\n")
    app, assets = make_app(tmp_path, {"BUST_ASSETS_VERSIONING": versioning})
    assets.register("first", Bundle("css/a.css", output="gen/site.css"))
    assets.register("second", Bundle("css/b.css", output=spelling))
    assert only_failure(app, tmp_path) == (
        f"bundle 'second': output {spelling!r} is bundle 'first''s too (as 'gen/site.css'), and both would "
        "write one file; give each bundle an output of its own (or put %(version)s in both)"
    )


@pytest.mark.parametrize(
    "output",
    ["gen/100%.%(version)s.css", "gen/100%%.%(version)s.css", "gen/%s.%(version)s.css", "gen/%(name)s.%(version)s.css"],
)
def test_an_output_with_a_percent_sign_webassets_cannot_fill_is_one_line(tmp_path: Path, output: str) -> None:
    write(tmp_path, "app.py", APP.format(output=output, config="{}"))
    write(tmp_path, "static/css/a.css", "a { color: red }\n")
    done = run_flask(tmp_path, "assets", "build")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert f"bundle 'css': output {output!r} holds a % that is not part of %(version)s" in done.stderr


def test_an_output_without_a_placeholder_keeps_its_percent_sign_as_in_webassets(tmp_path: Path) -> None:
    write(tmp_path, "static/css/a.css", "a { color: red }\n")
    app, assets = make_app(tmp_path)
    assets.register("css", Bundle("css/a.css", output="gen/100%.css"))
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    assert report.ok
    (written,) = (tmp_path / GEN / "gen").iterdir()
    assert re.fullmatch(r"100%\.[0-9a-f]{16}\.css", written.name)
    client = app.test_client()
    with app.test_request_context():
        url = app.jinja_env.from_string('{% assets "css" %}{{ ASSET_URL }}{% endassets %}').render()
    assert client.get(url).data == b"a { color: red }\n"


APP = """
from flask import Flask, render_template_string
from flask_bust_assets import Bundle, BustAssets

app = Flask(__name__)
app.config.update({config})
assets = BustAssets(app)
assets.register("css", Bundle("css/a.css", filters="bust_cssurls", output={output!r}))
NAMES = ["données.txt", "100%.txt", "a b.txt", "c++.txt", "x#y.txt", "plain.txt"]


@app.get("/")
def index():
    links = ['{{% assets "css" %}}{{{{ ASSET_URL }}}}{{% endassets %}}']
    links += ["{{{{ url_for('static', filename=%r) }}}}" % name for name in NAMES]
    return render_template_string(" ".join(links))
"""

NAMES = ["données.txt", "100%.txt", "a b.txt", "c++.txt", "x#y.txt", "plain.txt"]


def build_publish_render(root: Path, output: str, config: dict[str, str]) -> list[str]:
    """The real `flask assets build` and `publish` of an app with the files NAMES; then, with its
    static folder gone (only the CDN can answer), the URLs its page renders."""
    write(root, "app.py", APP.format(output=output, config=repr(config)))
    write(root, "static/css/a.css", 'a { background: url("../données.txt") }\n')
    for name in NAMES:
        write(root, f"static/{name}", f"the bytes of {name}\n")
    env = env_with_credentials()
    for command in (["assets", "build"], ["assets", "publish"]):
        done = run_flask(root, *command, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    shutil.rmtree(root / "static")
    render = "from app import app; print(app.test_client().get('/').text)"
    rendered = subprocess.run([sys.executable, "-c", render], cwd=root, env=env, capture_output=True, text=True)
    return html.unescape(rendered.stdout).split()


def test_cdn_urls_of_any_name_fetch_what_publish_uploaded(tmp_path: Path) -> None:
    with moto_server() as endpoint:
        public_bucket(endpoint, "cdn-names")
        cdn = f"{endpoint}/cdn-names/site"  # the bucket, path-style: a CDN in front of it keeps the path
        config = {
            "BUST_ASSETS_S3_BUCKET": "cdn-names",
            "BUST_ASSETS_S3_PREFIX": "site",
            "BUST_ASSETS_S3_ENDPOINT_URL": endpoint,
            "BUST_ASSETS_CDN_URL": cdn,
        }
        urls = build_publish_render(tmp_path, "gen/café 1.%(version)s.css", config)
        assert len(urls) == len(NAMES) + 1
        for url in urls:
            assert url.startswith(cdn + "/static/"), url
            with urllib.request.urlopen(url) as answer:  # 127.0.0.1
                assert answer.status == 200, url
                body = answer.read()
            name = urllib.parse.unquote(url.rsplit("/", 1)[1])
            source = re.sub(r"\.[0-9a-f]{16}\.", ".", name)
            if source in NAMES:
                assert body == f"the bytes of {source}\n".encode(), url
            else:
                assert b"url(" in body, url  # the bundle


@pytest.mark.parametrize("spelling", ["./gen/site.%(version)s.css", "gen//site.%(version)s.css"])
def test_a_template_bundle_spelling_a_registered_output_otherwise_is_refused(tmp_path: Path, spelling: str) -> None:
    write(tmp_path, "app.py", APP.format(output="gen/site.%(version)s.css", config="{}"))
    write(tmp_path, "static/css/a.css", "a { color: red }\n")
    write(tmp_path, "static/css/b.css", "b { color: blue }\n")
    tag = f'{{% assets "css/b.css", output="{spelling}" %}}{{{{ ASSET_URL }}}}{{% endassets %}}'
    write(tmp_path, "templates/page.html", tag)
    done = run_flask(tmp_path, "assets", "build")
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        f"the {{% assets %}} tag at page.html line 1 writes output {spelling!r}, which the registered bundle "
        "'css' writes too"
    ) in done.stderr
    assert not (tmp_path / MANIFEST).exists()


ASSETS_URL_OUTPUTS = [
    "gen/a#1.%(version)s.css",
    "gen/a#2.%(version)s.css",
    "gen/x?y.css",
    "gen/c:d.css",
    "gen/café 1.css",
]


def assets_url_app(root: Path) -> Flask:
    """An app whose bundles go under ASSETS_DIRECTORY / ASSETS_URL, webassets' own URL system."""
    app, assets = make_app(root, {"ASSETS_DIRECTORY": str(root / "public"), "ASSETS_URL": "/public"})
    for n, output in enumerate(ASSETS_URL_OUTPUTS):
        write(root, f"static/css/{n}.css", f".n{n} {{ color: red }}\n")
        assets.register(f"b{n}", Bundle(f"../static/css/{n}.css", output=output))
    return app


def test_assets_url_outputs_with_any_name_are_their_own_files_and_urls(tmp_path: Path) -> None:
    # webassets joins ASSETS_URL and the name as written: "a#1.css" ended the path at "#", so both
    # bundles were written to one file, public/gen/a, and each URL served whichever came last.
    built = assets_url_app(tmp_path)
    with built.app_context():
        assert commands.build(built.extensions["bust_assets"]).ok
    app = assets_url_app(tmp_path)  # a fresh production server, reading the manifest
    written = [p for p in (tmp_path / OUT / "public").rglob("*") if p.is_file()]
    assert len(written) == len(ASSETS_URL_OUTPUTS), written
    with app.test_request_context():
        urls = [app.jinja_env.from_string(f'{{% assets "b{n}" %}}{{{{ ASSET_URL }}}}{{% endassets %}}').render()
                for n in range(len(ASSETS_URL_OUTPUTS))]  # fmt: skip
    with serve(app) as base:
        for n, url in enumerate(urls):
            sent = urllib.parse.quote(urllib.parse.urldefrag(url).url, safe="/?=&%:")  # as a browser sends it
            status, _, body = http(base, sent)
            assert (status, body) == (200, f".n{n} {{ color: red }}\n".encode()), url


@pytest.mark.parametrize(
    "output", ["assets-manifest.json", "assets-manifest.history.json", "assets-manifest.json.lock"]
)
def test_an_output_where_the_manifest_lives_is_refused(tmp_path: Path, output: str) -> None:
    # With static_url_path="" the static route's files go to the top of the output folder, beside the
    # manifest: under query versioning an output keeps its name, and the manifest replaced its bytes.
    write(tmp_path, "static/css/a.css", "a { color: red }\n")
    app = Flask("site", root_path=str(tmp_path), instance_path=str(tmp_path / "instance"), static_url_path="")
    app.config.update(TESTING=True, BUST_ASSETS_VERSIONING="query")
    assets = BustAssets(app)
    assets.register("css", Bundle("css/a.css", output=output))
    assert only_failure(app, tmp_path) == (
        f"bundle 'css': output {output!r} would be written at {tmp_path / OUT / output}, the manifest's own "
        "file (its history and lock live beside it); give the bundle another output, e.g. "
        "'gen/site.%(version)s.css'"
    )


def test_publish_with_a_file_missing_from_the_output_folder_says_to_build_not_to_retry(tmp_path: Path) -> None:
    with moto_server() as endpoint:
        public_bucket(endpoint, "missing-file")
        config = {"BUST_ASSETS_S3_BUCKET": "missing-file", "BUST_ASSETS_S3_ENDPOINT_URL": endpoint}
        write(tmp_path, "app.py", APP.format(output="gen/site.%(version)s.css", config=repr(config)))
        write(tmp_path, "static/css/a.css", "a { color: red }\n")
        env = env_with_credentials()
        assert run_flask(tmp_path, "assets", "build", env=env).returncode == 0
        (gone,) = (tmp_path / GEN / "gen").glob("site.*.css")
        gone.unlink()  # deleted by hand; publishing again would upload the same manifest naming it
        done = run_flask(tmp_path, "assets", "publish", env=env)
        assert done.returncode == 1
        assert f"FAILED  static/gen/{gone.name}: {gone} is missing from the output folder" in done.stderr
        assert done.stderr.splitlines()[-1] == (
            "Publish failed: 1 file(s) the manifest names are missing from the output folder; the bucket keeps "
            "its previous manifest. Run `flask assets build`, then publish again."
        )


# Detours that leave a path's file the same: "./", "sub/../", a doubled "/".
DETOURS = st.lists(st.sampled_from(["./", "sub/../", "/"]), max_size=3).map("".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before_folder=DETOURS, before_name=DETOURS, versioning=st.sampled_from(["query", "filename"]))
def test_any_spelling_of_one_output_collides_with_it(
    tmp_path_factory: Any, before_folder: str, before_name: str, versioning: str
) -> None:
    spelling = f"{before_folder.lstrip('/')}gen/{before_name}site.css"
    root = tmp_path_factory.mktemp("spelt")
    write(root, "static/css/a.css", "a { color: red }\n")
    write(root, "static/css/b.css", "b { color: blue }\n")
    app, assets = make_app(root, {"BUST_ASSETS_VERSIONING": versioning})
    assets.register("first", Bundle("css/a.css", output="gen/site.css"))
    assets.register("second", Bundle("css/b.css", output=spelling))
    spelt = "" if spelling == "gen/site.css" else " (as 'gen/site.css')"
    assert f"output {spelling!r} is bundle 'first''s too{spelt}, and both" in only_failure(app, root)


def test_assets_url_outputs_get_the_cdn_url_publish_uploaded_them_under(tmp_path: Path) -> None:
    # docs/configuration.md: every file publish uploads gets the CDN URL; ASSETS_URL outputs kept the app's.
    with moto_server() as endpoint:
        public_bucket(endpoint, "cdn-assets-url")
        cdn = f"{endpoint}/cdn-assets-url"
        config = {
            "BUST_ASSETS_S3_BUCKET": "cdn-assets-url",
            "BUST_ASSETS_S3_ENDPOINT_URL": endpoint,
            "BUST_ASSETS_CDN_URL": cdn,
            "ASSETS_DIRECTORY": str(tmp_path / "public"),
            "ASSETS_URL": "/public",
        }
        url = build_publish_render(tmp_path, "gen/a#1.%(version)s.css", config)[0]
        assert re.fullmatch(re.escape(cdn) + r"/public/gen/a%231\.[0-9a-f]{16}\.css", url), url
        with urllib.request.urlopen(url) as answer:  # 127.0.0.1
            assert b"url(" in answer.read()
