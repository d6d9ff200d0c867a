"""Behind a proxy that ignores query strings, only filename versioning delivers a deploy."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ..helpers import http
from .conftest import Tab
from .deployment import Deployment
from .nginx import CachingProxy

STYLE = "getComputedStyle(document.querySelector('.badge')).backgroundColor"
NEW = "rgb(10, 20, 30)"


@pytest.fixture
def proxies(tmp_path: Path) -> Iterator[Callable[[int], CachingProxy]]:
    started: list[CachingProxy] = []

    def start(upstream: int) -> CachingProxy:
        proxy = CachingProxy(tmp_path / f"nginx{len(started)}", upstream)
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()


def deploy_through_proxy(
    mode: str, deploy: Callable[..., Deployment], proxies: Callable[[int], CachingProxy], tabs: Callable[..., Tab]
) -> tuple[Tab, str, bytes, bytes]:
    """Visit through the proxy, deploy a CSS change, visit again with a fresh browser.

    Returns the second tab, the new stylesheet URL, and the bytes the proxy and
    the app serve for it.
    """
    site = deploy(BUST_ASSETS_VERSIONING=mode)
    server = site.serve()
    proxy = proxies(server.port)
    tabs().goto(proxy.base + "/")  # warms the proxy's cache

    site.edit("css/layout.css", "background: var(--brand);", f"background: {NEW};")
    site.flask("assets", "build")
    (new_url,) = re.findall(r'href="(/static/gen/[^"]+)"', _render(site))
    server.reload(expect=new_url)

    tab = tabs()  # a new visitor: no browser cache, only the proxy's
    tab.goto(proxy.base + "/")
    return tab, new_url, http(proxy.base, new_url)[2], http(server.base, new_url)[2]


def _render(site: Deployment) -> str:
    """The page as the freshly built manifest renders it (a new process, like a new worker)."""
    return site.flask_python("from sample_app import create_app\napp = create_app()\n"
                             "print(app.test_client().get('/').get_data(as_text=True))")  # fmt: skip


def test_filename_versioning_delivers_the_new_css_through_the_proxy(
    deploy: Callable[..., Deployment], proxies: Callable[[int], CachingProxy], tabs: Callable[..., Tab]
) -> None:
    tab, url, via_proxy, from_app = deploy_through_proxy("filename", deploy, proxies, tabs)
    assert re.fullmatch(r"/static/gen/site\.[0-9a-f]{16}\.css", url)
    assert via_proxy == from_app
    assert tab.js(STYLE) == NEW


def test_query_string_versioning_gets_the_stale_css_from_the_proxy(
    deploy: Callable[..., Deployment], proxies: Callable[[int], CachingProxy], tabs: Callable[..., Tab]
) -> None:
    tab, url, via_proxy, from_app = deploy_through_proxy("query", deploy, proxies, tabs)
    assert re.fullmatch(r"/static/gen/site\.css\?v=[0-9a-f]{16}", url)
    assert NEW.replace(" ", "").encode() not in via_proxy  # the proxy answered with the old file...
    assert b"rgb(10,20,30)" in from_app  # ...though the app has the new one
    assert tab.js(STYLE) != NEW  # so the visitor never sees the deploy
    # and the page's integrity attribute, computed for the new bytes, rejects the stale ones
    assert any("integrity" in text.lower() for text in tab.console())
