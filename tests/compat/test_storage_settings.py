"""Flask-Assets' FLASK_ASSETS_USE_CDN / _S3 / _AZURE: honoured as stock renders them, or refused in one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask, render_template_string
from flask_assets import Bundle, Environment
from flask_cdn import CDN

from flask_bust_assets import BustAssets
from flask_bust_assets.errors import ConfigError
from flask_bust_assets.web import commands

from ..helpers import make_app, run_flask, write

CDN_SETTINGS = {"FLASK_ASSETS_USE_CDN": True, "CDN_DOMAIN": "cdn.example.test", "CDN_HTTPS": True}
TAG = '{% assets "css" %}{{ ASSET_URL }}{% endassets %}'


def sources(root: Path) -> None:
    write(root, "static/css/a.css", "body { background: url(../img/dot.svg) }\n")
    write(root, "static/img/dot.svg", "<svg/>")


def build_in_process(app: Flask) -> None:
    with app.app_context():
        assert commands.build(app.extensions["bust_assets"]).ok


def stock_url(root: Path, config: dict[str, object]) -> str:
    """The bundle URL stock Flask-Assets renders with Flask-CDN, as its users run it."""
    app = Flask("stock", root_path=str(root))
    app.config.update(config)
    CDN(app)
    assets = Environment(app)
    assets.register("css", Bundle("css/a.css", output="gen/stock.css"))
    with app.test_request_context("/"):
        return render_template_string(TAG)


def test_use_cdn_puts_bundles_and_static_files_on_flask_cdns_domain_as_stock_does(tmp_path: Path) -> None:
    sources(tmp_path)
    assert stock_url(tmp_path, CDN_SETTINGS).startswith("https://cdn.example.test/static/gen/stock.css")
    app = Flask("site", root_path=str(tmp_path), instance_path=str(tmp_path / "instance"))
    app.config.update(CDN_SETTINGS)
    CDN(app)  # as stock needs it; BustAssets, initialised after it, answers the templates' url_for
    assets = BustAssets(app)
    assets.register("css", Bundle("css/a.css", output="gen/site.%(version)s.css"))
    build_in_process(app)
    with app.test_request_context("/"):
        page = render_template_string(TAG + " {{ url_for('static', filename='img/dot.svg') }}")
    digested = r"https://cdn\.example\.test/static/gen/site\.[0-9a-f]{16}\.css"
    assert re.fullmatch(digested + r" https://cdn\.example\.test/static/img/dot\.[0-9a-f]{16}\.svg", page), page


@pytest.mark.parametrize(("https", "prefix"), [(None, "//cdn.example.test"), (False, "//cdn.example.test")])
def test_use_cdn_without_cdn_https_is_scheme_relative_as_stock(tmp_path: Path, https: object, prefix: str) -> None:
    sources(tmp_path)
    config = CDN_SETTINGS | {"CDN_HTTPS": https}
    assert stock_url(tmp_path, config).startswith(prefix + "/static/")
    app, assets = make_app(tmp_path, config)
    assets.register("css", Bundle("css/a.css", output="gen/site.%(version)s.css"))
    build_in_process(app)
    with app.test_request_context("/"):
        assert render_template_string(TAG).startswith(prefix + "/static/gen/site.")


def test_use_cdn_under_cdn_debug_links_the_app_as_stock(tmp_path: Path) -> None:
    sources(tmp_path)
    config = CDN_SETTINGS | {"CDN_DEBUG": True}
    assert stock_url(tmp_path, config).startswith("/static/gen/stock.css")
    app, assets = make_app(tmp_path, config)
    assets.register("css", Bundle("css/a.css", output="gen/site.%(version)s.css"))
    build_in_process(app)
    with app.test_request_context("/"):
        assert render_template_string(TAG).startswith("/static/gen/site.")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"FLASK_ASSETS_USE_S3": True, "FLASKS3_BUCKET_NAME": "shop-assets", "FLASKS3_PREFIX": "/site/"},
            "FLASK_ASSETS_USE_S3 is on, but Flask-S3 uploads the static folder, which holds none of the digested "
            "files a build writes: drop it, set BUST_ASSETS_S3_BUCKET = 'shop-assets', BUST_ASSETS_S3_PREFIX = "
            "'site' and BUST_ASSETS_CDN_URL = 'https://shop-assets.s3.amazonaws.com/site', and run flask assets "
            "publish after flask assets build.",
        ),
        (
            {"FLASK_ASSETS_USE_S3": True, "FLASKS3_BUCKET_NAME": "b", "FLASKS3_CDN_DOMAIN": "d123.cloudfront.net"},
            "BUST_ASSETS_S3_BUCKET = 'b' and BUST_ASSETS_CDN_URL = 'https://d123.cloudfront.net',",
        ),
        (
            {"FLASK_ASSETS_USE_S3": True, "FLASKS3_BUCKET_NAME": "b", "FLASKS3_URL_STYLE": "path"},
            "BUST_ASSETS_CDN_URL = 'https://s3.amazonaws.com/b',",
        ),
        (
            {
                "FLASK_ASSETS_USE_AZURE": True,
                "AZURE_STORAGE_DOMAIN": "shop.blob.core.windows.net",
                "AZURE_STORAGE_CONTAINER_NAME": "assets",
                "AZURE_STORAGE_VIRTUAL_FOLDER_NAME": "site",
            },
            "FLASK_ASSETS_USE_AZURE is on, but Flask-Azure-Storage uploads the static folder, which holds none of "
            "the digested files a build writes: drop it, set BUST_ASSETS_CDN_URL = "
            "'https://shop.blob.core.windows.net/assets/site', and after flask assets build upload the output "
            "folder {output} to that container.",
        ),
        (
            {"FLASK_ASSETS_USE_CDN": True},
            "FLASK_ASSETS_USE_CDN is on but CDN_DOMAIN is not set; set BUST_ASSETS_CDN_URL = "
            "'https://cdn.example.com' (and drop FLASK_ASSETS_USE_CDN) to serve assets from a CDN.",
        ),
        (
            CDN_SETTINGS | {"BUST_ASSETS_CDN_URL": "https://other.example.test/"},
            "BUST_ASSETS_CDN_URL is 'https://other.example.test' but FLASK_ASSETS_USE_CDN points at "
            "'https://cdn.example.test'; drop FLASK_ASSETS_USE_CDN and keep BUST_ASSETS_CDN_URL.",
        ),
    ],
    ids=["s3", "s3-cloudfront", "s3-path-style", "azure", "cdn-without-domain", "cdn-and-ours-disagree"],
)
def test_settings_that_cannot_be_honoured_are_refused_naming_ours(
    tmp_path: Path, config: dict[str, object], message: str
) -> None:
    sources(tmp_path)
    app, assets = make_app(tmp_path, config)
    assets.register("css", Bundle("css/a.css", output="gen/site.%(version)s.css"))
    with pytest.raises(ConfigError) as refused:
        app.test_client().get("/")  # the first request reads the settings
    assert message.format(output=tmp_path / "instance" / "assets") in str(refused.value)


def test_use_s3_stops_flask_assets_build_with_one_line(tmp_path: Path) -> None:
    sources(tmp_path)
    write(
        tmp_path,
        "app.py",
        "from flask import Flask\nfrom flask_assets import Bundle\nfrom flask_bust_assets import BustAssets\n"
        "app = Flask(__name__)\n"
        "app.config.update(FLASK_ASSETS_USE_S3=True, FLASKS3_BUCKET_NAME='shop-assets')\n"
        "BustAssets(app).register('css', Bundle('css/a.css', output='gen/site.%(version)s.css'))\n",
    )
    result = run_flask(tmp_path, "assets", "build")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr, result.stderr
    assert "FLASK_ASSETS_USE_S3 is on" in result.stderr and "BUST_ASSETS_S3_BUCKET = 'shop-assets'" in result.stderr
    assert not (tmp_path / "instance" / "assets").exists()


def test_an_app_using_none_of_them_keeps_its_own_cdn_url(tmp_path: Path) -> None:
    sources(tmp_path)
    app, assets = make_app(tmp_path, {"BUST_ASSETS_CDN_URL": "https://mine.example.test", "CDN_DOMAIN": "x.test"})
    assets.register("css", Bundle("css/a.css", output="gen/site.%(version)s.css"))
    build_in_process(app)
    with app.test_request_context("/"):
        assert render_template_string(TAG).startswith("https://mine.example.test/static/gen/site.")
