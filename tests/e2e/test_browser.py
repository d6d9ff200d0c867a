"""What a real browser does with the sample app: first visit, return, deploy, rolling deploy, bad SRI."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from pathlib import Path

import brotli

from .conftest import DIGESTED, Tab
from .deployment import Deployment

STYLE = "getComputedStyle(document.querySelector('.badge')).backgroundColor"
ICON_FONT = "[...document.fonts].filter(f => f.family.includes('SampleIcons')).map(f => f.status)"


def assert_page_works(tab: Tab) -> None:
    """CSS applied, JS ran, the icon font loaded: all under integrity attributes."""
    assert tab.js("getComputedStyle(document.querySelector('.layout')).display") == "grid"
    assert tab.js("window.sampleApp && window.sampleApp.ready") is True
    assert tab.js("document.getElementById('message').textContent") == "Hello world  and 3 items // not a comment"
    assert tab.js(ICON_FONT) == ["loaded"]
    assert tab.js("[...document.querySelectorAll('link[rel=stylesheet], script[src]')].every(e => e.integrity)")
    assert not [e for e in tab.events if e["event"] == "failed"]
    assert not [text for text in tab.console() if "integrity" in text.lower()]


def test_first_visit_loads_everything_from_digested_urls(
    deploy: Callable[..., Deployment], tabs: Callable[..., Tab]
) -> None:
    server = deploy().serve()
    tab = tabs()
    tab.goto(server.base + "/")
    assert_page_works(tab)
    urls = [r["url"] for r in tab.responses()]
    kinds = {re.sub(r"\?.*", "", url).rsplit(".", 1)[-1] for url in urls}
    assert kinds == {"css", "js", "svg", "woff2"}
    assert len(urls) == 5  # stylesheet, script, logo, background stripes, icon font
    assert all(DIGESTED.search(url) for url in urls), urls
    assert all(r["status"] == 200 for r in tab.responses())


def test_returning_visitor_sends_no_request_for_digested_files(
    deploy: Callable[..., Deployment], tabs: Callable[..., Tab]
) -> None:
    server = deploy().serve()
    first = tabs()
    first.goto(server.base + "/")
    server.mark()
    second = tabs(first.page.context)  # a new tab, same profile
    second.goto(server.base + "/")
    assert_page_works(second)
    assert server.requests() == ["/"]


def test_deploy_fetches_only_the_changed_bundle(deploy: Callable[..., Deployment], tabs: Callable[..., Tab]) -> None:
    site = deploy()
    server = site.serve()
    first = tabs()
    first.goto(server.base + "/")
    before = first.js(STYLE)

    site.edit("css/layout.css", "background: var(--brand);", "background: rgb(10, 20, 30);")
    built = site.flask("assets", "build")
    new_css = "/static/" + re.search(r"^site_css\s+(\S+)", built, re.M).group(1)  # type: ignore[union-attr]
    server.reload(expect=new_css)
    server.mark()
    again = tabs(first.page.context)  # the same visitor, after the deploy
    again.goto(server.base + "/")
    assert server.requests() == ["/", new_css]  # not the script, the font or the images
    assert again.js(STYLE) == "rgb(10, 20, 30)" != before
    assert_page_works(again)


def test_rolling_deploy_old_pages_keep_loading(deploy: Callable[..., Deployment], tabs: Callable[..., Tab]) -> None:
    site = deploy()
    old_server = site.serve()
    old_html = old_server.page("/")
    site.edit("css/layout.css", "background: var(--brand);", "background: rgb(10, 20, 30);")
    site.edit("js/app.js", "ready: true,", "ready: true, version: 2,")
    site.flask("assets", "build")
    site.flask("assets", "clean")  # default retention
    new_server = site.serve()
    assert new_server.page("/") != old_html

    # The old server still renders the old page, and all of it loads.
    tab = tabs()
    tab.goto(old_server.base + "/")
    assert_page_works(tab)
    assert tab.js("window.sampleApp.version") is None
    # A page rendered before the deploy, its assets fetched from the new server.
    (site.static / "old-page.html").write_text(old_html)
    tab = tabs()
    tab.goto(new_server.base + "/static/old-page.html")
    assert_page_works(tab)
    assert all(r["status"] == 200 for r in tab.responses())


def test_tampered_file_is_refused_by_the_browser(deploy: Callable[..., Deployment], tabs: Callable[..., Tab]) -> None:
    site = deploy()
    server = site.serve()
    (script,) = site.generated.glob("gen/site.*.js")
    tampered = script.read_bytes() + b"\nwindow.tampered = true;\n"
    script.write_bytes(tampered)  # and its precompressed variants, as an attacker would
    Path(f"{script}.gz").write_bytes(gzip.compress(tampered))
    Path(f"{script}.br").write_bytes(brotli.compress(tampered))
    tab = tabs()
    tab.goto(server.base + "/")
    assert tab.js("typeof window.sampleApp") == "undefined"
    assert tab.js("typeof window.tampered") == "undefined"
    assert any("integrity" in text.lower() for text in tab.console()), tab.console()
    assert tab.js("getComputedStyle(document.querySelector('.layout')).display") == "grid"  # the CSS is intact
