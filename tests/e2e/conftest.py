"""Headless Debian Chromium driven by Playwright; screenshots and network logs on failure."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ..helpers import REQUIRE_E2E, need_executable
from .deployment import Deployment

ARTIFACTS = Path(__file__).resolve().parents[2] / ".cache" / "e2e-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DIGESTED = re.compile(r"\.[0-9a-f]{16}\.[a-z0-9]+(\?|$)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        need_executable("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if REQUIRE_E2E:
            pytest.fail("playwright is required when BUST_REQUIRE_E2E=1; pip install -e '.[test]'")
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Tab:
    """A page plus everything the browser did: requests, responses, failures, console."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.events: list[dict[str, Any]] = []
        page.on("response", lambda r: self.events.append({"event": "response", "url": r.url, "status": r.status}))
        page.on("requestfailed", lambda r: self.events.append({"event": "failed", "url": r.url, "error": r.failure}))
        page.on("console", lambda m: self.events.append({"event": "console", "type": m.type, "text": m.text}))

    def goto(self, url: str) -> None:
        self.page.goto(url, wait_until="load")
        self.page.evaluate("document.fonts.ready.then(() => true)")

    def responses(self, part: str = "/static/") -> list[dict[str, Any]]:
        return [e for e in self.events if e["event"] == "response" and part in e["url"]]

    def console(self) -> list[str]:
        return [e["text"] for e in self.events if e["event"] == "console"]

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)


@pytest.fixture
def tabs(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Tab]]:
    """``tabs(context=None)`` opens a tab (in a new browser profile unless a context is given)."""
    opened: list[Tab] = []
    contexts: list[Any] = []

    def open_tab(context: Any = None) -> Tab:
        if context is None:
            context = browser.new_context()
            contexts.append(context)
        tab = Tab(context.new_page())
        opened.append(tab)
        return tab

    yield open_tab
    if getattr(request.node, "failed_call", False):
        folder = ARTIFACTS / request.node.name
        folder.mkdir(parents=True, exist_ok=True)
        for i, tab in enumerate(opened):
            try:
                tab.page.screenshot(path=str(folder / f"tab{i}.png"), full_page=True)
            except Exception as exc:  # a closed page must not hide the test's own failure
                print(f"no screenshot of tab {i}: {exc}")
            (folder / f"tab{i}-network.json").write_text(json.dumps(tab.events, indent=1))
        print(f"e2e artifacts (screenshots, network logs): {folder}")
    for context in contexts:
        context.close()


@pytest.fixture
def deploy(tmp_path: Path) -> Iterator[Callable[..., Deployment]]:
    """``deploy(**config)``: a built copy of the sample app, closed after the test."""
    made: list[Deployment] = []

    def make(**config: str) -> Deployment:
        deployment = Deployment(tmp_path / f"site{len(made)}", **config)
        made.append(deployment)
        return deployment

    yield make
    for deployment in made:
        deployment.close()
