"""Serving digested files over a real HTTP server on 127.0.0.1: headers, encodings, 304, HEAD, Range."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from flask import Blueprint, Flask, request
from flask_assets import Bundle

from flask_bust_assets.web import commands

from .helpers import GEN, MANIFEST, http, make_app, serve, write

CSS = "".join(f".c{i} {{ color: #{i:06x}; margin: {i}px }}\n" for i in range(200))  # compresses well
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def site(root: Path, config: dict[str, object] | None = None) -> Flask:
    write(root, "static/css/site.css", CSS)
    (root / "static/img").mkdir(parents=True)
    (root / "static/img/dot.png").write_bytes(PNG)
    write(root, "static/robots.txt", "User-agent: *\n")
    app, assets = make_app(root, config)
    assets.register("css", Bundle("css/site.css", filters="bust_cssmin", output="gen/site.%(version)s.css"))
    with app.app_context():
        assert commands.build(app.extensions["bust_assets"]).ok
    return app


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str]]:
    root = tmp_path_factory.mktemp("serving")
    app = site(root)
    css_path = json.loads((root / MANIFEST).read_text())["bundles"]["css"][0]["path"]
    with serve(app) as base:
        yield base, root, "/static/" + css_path


def test_identity_response_is_immutable_and_varies(served: tuple[str, Path, str]) -> None:
    base, root, css = served
    status, headers, body = http(base, css)
    assert status == 200
    assert body == (root / GEN / css.removeprefix("/static/")).read_bytes()
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["vary"] == "Accept-Encoding"
    assert "content-encoding" not in headers
    assert int(headers["content-length"]) == len(body)
    assert headers["content-type"].startswith("text/css")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("br", "br"),
        ("gzip", "gzip"),
        ("gzip, deflate, br", "br"),  # equal preference: the smaller file
        ("gzip;q=1.0, br;q=0.5", "gzip"),  # the client's preference wins
        ("br;q=0, gzip", "gzip"),
        ("br;q=0, gzip;q=0", None),
        ("*", "br"),
        ("identity", None),
    ],
)
def test_encoding_follows_accept_encoding(served: tuple[str, Path, str], accept: str, expected: str | None) -> None:
    base, root, css = served
    original = (root / GEN / css.removeprefix("/static/")).read_bytes()
    status, headers, body = http(base, css, headers={"Accept-Encoding": accept})
    assert status == 200
    assert headers.get("content-encoding") == expected
    assert int(headers["content-length"]) == len(body)
    decoded = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[expected](body)
    assert decoded == original
    assert expected is None or len(body) < len(original) * 0.95
    assert headers["cache-control"] == "public, max-age=31536000, immutable"


def test_each_variant_has_its_own_etag_and_answers_304(served: tuple[str, Path, str]) -> None:
    base, _, css = served
    etags = {}
    for accept in ("br", "gzip", "identity"):
        _, headers, _ = http(base, css, headers={"Accept-Encoding": accept})
        etags[accept] = headers["etag"]
        status, headers, body = http(base, css, headers={"Accept-Encoding": accept, "If-None-Match": etags[accept]})
        assert (status, body) == (304, b"")
    assert len(set(etags.values())) == 3
    status, _, _ = http(base, css, headers={"Accept-Encoding": "br", "If-None-Match": etags["gzip"]})
    assert status == 200


def test_head_and_range(served: tuple[str, Path, str]) -> None:
    base, root, css = served
    original = (root / GEN / css.removeprefix("/static/")).read_bytes()
    status, headers, body = http(base, css, method="HEAD")
    assert (status, body, int(headers["content-length"])) == (200, b"", len(original))
    status, headers, body = http(base, css, headers={"Range": "bytes=0-9"})
    assert (status, body, headers["content-range"]) == (206, original[:10], f"bytes 0-9/{len(original)}")


def test_made_up_digest_is_404_even_when_the_file_exists(served: tuple[str, Path, str]) -> None:
    base, root, css = served
    fake = css.rsplit(".", 2)[0] + ".0123456789abcdef.css"
    shutil.copyfile(root / GEN / css.removeprefix("/static/"), root / GEN / fake.removeprefix("/static/"))
    assert http(base, fake)[0] == 404
    assert http(base, "/static/gen/site.fedcba9876543210.css")[0] == 404


def test_digested_file_of_a_newer_build_on_shared_disk_is_served(served: tuple[str, Path, str]) -> None:
    # Rolling deploy: this server's manifest predates the file, but its name is its digest.
    base, root, _ = served
    data = b"body{color:teal}"
    name = f"gen/newer.{hashlib.sha256(data).hexdigest()[:16]}.css"
    (root / GEN / name).write_bytes(data)
    status, headers, body = http(base, "/static/" + name)
    assert (status, body) == (200, data)
    assert headers["cache-control"] == "public, max-age=31536000, immutable"


def test_digested_image_has_no_variants_and_no_vary(served: tuple[str, Path, str]) -> None:
    base, _, _ = served
    name = f"/static/img/dot.{hashlib.sha256(PNG).hexdigest()[:16]}.png"
    status, headers, body = http(base, name, headers={"Accept-Encoding": "gzip, br"})
    assert (status, body) == (200, PNG)
    assert "vary" not in headers and "content-encoding" not in headers
    assert headers["cache-control"] == "public, max-age=31536000, immutable"


def test_plain_names_get_a_short_max_age_and_revalidate(served: tuple[str, Path, str]) -> None:
    base, _, _ = served
    status, headers, body = http(base, "/static/robots.txt")
    assert (status, body) == (200, b"User-agent: *\n")
    assert headers["cache-control"] == "public, max-age=60"
    assert "last-modified" in headers
    assert http(base, "/static/robots.txt", headers={"If-None-Match": headers["etag"]})[0] == 304
    assert http(base, "/static/robots.txt", headers={"If-Modified-Since": headers["last-modified"]})[0] == 304
    assert http(base, "/static/../assets-manifest.json")[0] == 404


def test_digested_files_are_answered_before_flask_whose_view_table_is_untouched(tmp_path: Path) -> None:
    app = site(tmp_path)
    views = dict(app.view_functions)
    seen: list[str] = []
    app.before_request(lambda: seen.append(request.path) and None)
    css = "/static/" + json.loads((tmp_path / MANIFEST).read_text())["bundles"]["css"][0]["path"]
    client = app.test_client()
    for _ in range(3):
        with client.get(css) as response:
            assert response.status_code == 200
            assert response.headers["Access-Control-Allow-Origin"] == "*"
    with client.get("/static/robots.txt") as response:
        assert response.status_code == 200
    assert seen == ["/static/robots.txt"]  # plain names go through Flask and its hooks; digested ones never
    assert app.view_functions == views  # Flask's own static view, the same object
    assert client.post(css).status_code == 405  # not GET/HEAD: Flask answers, as for any route


def test_range_edge_cases(served: tuple[str, Path, str]) -> None:
    base, root, css = served
    original = (root / GEN / css.removeprefix("/static/")).read_bytes()
    size = len(original)
    status, headers, body = http(base, css, headers={"Range": "bytes=-5"})
    assert (status, body, headers["content-range"]) == (206, original[-5:], f"bytes {size - 5}-{size - 1}/{size}")
    status, headers, _ = http(base, css, headers={"Range": f"bytes={size}-"})
    assert (status, headers["content-range"]) == (416, f"bytes */{size}")
    _, identity, _ = http(base, css)
    status, _, body = http(base, css, headers={"Range": "bytes=0-9", "If-Range": '"another-version"'})
    assert (status, body) == (200, original)  # If-Range names another version: the whole file
    status, _, body = http(base, css, headers={"Range": "bytes=0-9", "If-Range": identity["etag"]})
    assert (status, body) == (206, original[:10])


def test_allow_origin_is_a_setting(tmp_path: Path) -> None:
    app = site(tmp_path, {"BUST_ASSETS_ALLOW_ORIGIN": None})
    css = "/static/" + json.loads((tmp_path / MANIFEST).read_text())["bundles"]["css"][0]["path"]
    with app.test_client().get(css) as response:
        assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers


def test_under_a_script_name_and_in_a_blueprint(tmp_path: Path) -> None:
    write(tmp_path, "admin_static/css/admin.css", ".admin { color: red }\n")
    app, assets = make_app(tmp_path)
    app.register_blueprint(
        Blueprint("admin", "admin", static_folder=str(tmp_path / "admin_static"), url_prefix="/admin")
    )
    assets.register("admin", Bundle("admin/css/admin.css", filters="bust_cssmin", output="admin/gen/a.%(version)s.css"))
    with app.app_context():
        assert commands.build(app.extensions["bust_assets"]).ok
    with app.test_request_context("/", base_url="http://localhost/shop"):  # mounted under SCRIPT_NAME /shop
        url = app.extensions["bust_assets"].urls("admin")[0][0]
    assert url.startswith("/shop/admin/admin_static/gen/a.")
    with app.test_client().get(url.removeprefix("/shop"), environ_overrides={"SCRIPT_NAME": "/shop"}) as response:
        assert response.status_code == 200 and response.data == b".admin{color:red}"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_development_serves_an_edited_file_under_its_new_name(tmp_path: Path) -> None:
    write(tmp_path, "static/css/a.css", "a { color: red }\n")
    app, assets = make_app(tmp_path, {"ASSETS_AUTO_BUILD": True})
    assets.register("css", Bundle("css/a.css", filters="bust_cssmin", output="gen/a.%(version)s.css"))
    client = app.test_client()
    for colour in ("red", "blue"):
        write(tmp_path, "static/css/a.css", f"a {{ color: {colour} }}\n")
        with app.test_request_context("/"):
            url = app.extensions["bust_assets"].urls("css")[0][0]
        with client.get(url) as response:
            assert response.data == f"a{{color:{colour}}}".encode()
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_files_over_the_memory_limit_stream_from_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flask_bust_assets.web import lookup

    monkeypatch.setattr(lookup, "INLINE_MAX", 0)  # every file through wsgi.file_wrapper
    app = site(tmp_path)
    css = "/static/" + json.loads((tmp_path / MANIFEST).read_text())["bundles"]["css"][0]["path"]
    original = (tmp_path / GEN / css.removeprefix("/static/")).read_bytes()
    with serve(app) as base:
        assert http(base, css)[2] == original
        status, _, body = http(base, css, headers={"Range": "bytes=5-14"})
        assert (status, body) == (206, original[5:15])
        _, headers, body = http(base, css, headers={"Accept-Encoding": "br"})
        assert headers["content-encoding"] == "br" and brotli.decompress(body) == original


def test_a_file_cleaned_after_the_table_was_made_is_a_404_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flask_bust_assets.web import lookup

    monkeypatch.setattr(lookup, "INLINE_MAX", 0)  # not in memory: read from disk on each request
    app = site(tmp_path)
    css = "/static/" + json.loads((tmp_path / MANIFEST).read_text())["bundles"]["css"][0]["path"]
    client = app.test_client()
    with client.get(css) as response:
        assert response.status_code == 200
    for path in (tmp_path / GEN / "gen").glob("site.*"):
        path.unlink()  # as `flask assets clean` retires an old generation
    with client.get(css) as response:
        assert response.status_code == 404


def test_a_killed_builds_temp_file_is_never_served_and_the_next_build_sweeps_it(tmp_path: Path) -> None:
    app = site(tmp_path, {"BUST_ASSETS_VERSIONING": "query"})  # query mode also looks in the output folder
    with app.app_context():
        assert commands.build(app.extensions["bust_assets"]).ok
    leftover = tmp_path / GEN / "gen" / ".bust-k1ll3d.tmp"  # what write_atomic leaves when killed mid-write
    leftover.write_bytes(b"body{color:re")
    os.utime(leftover, (time.time() - 60, time.time() - 60))
    client = app.test_client()
    assert client.get("/static/gen/.bust-k1ll3d.tmp").status_code == 404
    live, _ = make_app(tmp_path, {"BUST_ASSETS_VERSIONING": "query", "ASSETS_AUTO_BUILD": True})
    assert live.test_client().get("/static/gen/.bust-k1ll3d.tmp").status_code == 404
    with app.app_context():
        assert commands.build(app.extensions["bust_assets"]).ok  # nothing else changed
    assert not leftover.exists()


def test_a_digested_file_rewritten_in_place_keeping_mtime_and_size_is_checked_again(tmp_path: Path) -> None:
    # A newer build's file on a shared disk is served after one check of its bytes; that check
    # is redone when the file changes, even when its mtime and size were put back.
    app = site(tmp_path)
    with app.app_context():
        assert commands.build(app.extensions["bust_assets"]).ok
    data = b"body{color:teal}"
    newer = tmp_path / GEN / f"gen/newer.{hashlib.sha256(data).hexdigest()[:16]}.css"
    newer.write_bytes(data)
    client = app.test_client()
    url = "/static/gen/" + newer.name
    assert client.get(url).data == data
    st = newer.stat()
    newer.write_bytes(b"body{color:pink}")  # same size
    os.utime(newer, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert client.get(url).status_code == 404  # never other bytes under a hashed name


@pytest.mark.parametrize("deleted", [".gz", ".br"])
def test_a_variant_deleted_while_serving_falls_back_to_the_file_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deleted: str
) -> None:
    from flask_bust_assets.web import lookup

    monkeypatch.setattr(lookup, "INLINE_MAX", 0)  # a large file: read from disk on each request
    app = site(tmp_path)
    css = "/static/" + json.loads((tmp_path / MANIFEST).read_text())["bundles"]["css"][0]["path"]
    on_disk = tmp_path / GEN / css.removeprefix("/static/")
    accept = {"Accept-Encoding": "gzip" if deleted == ".gz" else "br"}
    with serve(app) as base:
        assert http(base, css, headers=accept)[1]["content-encoding"] == ("gzip" if deleted == ".gz" else "br")
        on_disk.with_name(on_disk.name + deleted).unlink()  # docs/reliability.md: variants may go any time
        status, headers, body = http(base, css, headers=accept)
    assert status == 200 and "content-encoding" not in headers
    assert body == on_disk.read_bytes()


VERSION_ANYWHERE = [
    "gen/style-%(version)s.min.css",
    "gen/%(version)s-site.css",
    "gen/%(version)s/site.css",
    "gen/s.%(version)s.css",
]


@pytest.mark.parametrize("output", VERSION_ANYWHERE)
def test_a_version_anywhere_in_the_output_name_keeps_old_and_newer_urls_served_until_clean(
    tmp_path: Path, output: str
) -> None:
    # Rolling deploy with a %(version)s where webassets users put it (abilian: style-%(version)s.min.css):
    # the old server answers the newer build's URL, the new one the old URL, until `clean` retires it.
    def app_of(colour: str | None = None) -> Flask:
        if colour is not None:
            write(tmp_path, "static/css/a.css", f"a {{ color: {colour} }}\n")
        app, assets = make_app(tmp_path)
        assets.register("css", Bundle("css/a.css", filters="bust_cssmin", output=output))
        if colour is not None:
            with app.app_context():
                assert commands.build(app.extensions["bust_assets"]).ok
        return app

    def current() -> tuple[str, str, bytes]:
        entry = json.loads((tmp_path / MANIFEST).read_text())["bundles"]["css"][0]
        return "/static/" + entry["path"], entry["digest"], (tmp_path / GEN / entry["path"]).read_bytes()

    old_app = app_of("red")
    old_url, _, old_bytes = current()
    with serve(old_app) as old_base:
        assert http(old_base, old_url)[2] == old_bytes
        new_app = app_of("blue")
        new_url, digest, new_bytes = current()
        assert new_url != old_url
        status, headers, body = http(old_base, new_url)
        assert (status, body, headers["cache-control"]) == (200, new_bytes, "public, max-age=31536000, immutable")
    made_up = new_url.replace(digest, "0123456789abcdef")  # the newer bytes under a digest they do not have
    fake = tmp_path / GEN / made_up.removeprefix("/static/")
    fake.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tmp_path / GEN / new_url.removeprefix("/static/"), fake)
    with serve(new_app) as new_base:
        assert http(new_base, made_up)[0] == 404
        status, headers, body = http(new_base, old_url)
        assert (status, body, headers["cache-control"]) == (200, old_bytes, "public, max-age=31536000, immutable")
        with new_app.app_context():
            assert commands.clean(new_app.extensions["bust_assets"], keep=1, age=0).removed
    with serve(app_of()) as restarted:  # a server started after `clean`
        assert http(restarted, old_url)[0] == 404
        assert http(restarted, new_url)[2] == new_bytes
