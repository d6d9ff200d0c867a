"""A server holding only its manifest, every asset loaded by the browser from the bucket's URL."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable

from ..s3 import CREDENTIALS, moto_server, public_bucket
from .conftest import Tab
from .deployment import Deployment
from .test_browser import assert_page_works


def test_browser_loads_the_sample_app_from_the_bucket(
    deploy: Callable[..., Deployment], tabs: Callable[..., Tab]
) -> None:
    with moto_server() as endpoint:
        public_bucket(endpoint, "cdn")
        cdn = f"{endpoint}/cdn/site"
        site = deploy(
            BUST_ASSETS_S3_BUCKET="cdn",
            BUST_ASSETS_S3_PREFIX="site",
            BUST_ASSETS_S3_ENDPOINT_URL=endpoint,
            BUST_ASSETS_CDN_URL=cdn,
        )
        site.env.update(CREDENTIALS)
        site.flask("assets", "publish")
        shutil.rmtree(site.static)  # the app server keeps only code, templates and the manifest
        server = site.serve()
        tab = tabs()
        tab.goto(server.base + "/")
        assert_page_works(tab)
        assets = [r["url"] for r in tab.responses("/static/")]
        assert len(assets) == 5 and all(url.startswith(cdn + "/static/") for url in assets), assets
        assert all(r["status"] == 200 for r in tab.responses("/static/"))
        assert server.requests()[:1] == ["/"] and not [p for p in server.requests() if "/static/" in p]
        assert re.search(r'integrity="sha384-[^"]+" crossorigin="anonymous"', server.page("/"))
