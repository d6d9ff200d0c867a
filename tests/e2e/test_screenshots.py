"""The README's screenshots, taken by headless Chromium from the sample app as README's command runs it.

Each run checks what the screenshot must show, then writes it to docs/images/,
so the pictures stay true to the code (commit them when they change).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from ..helpers import clean_env, free_port, wait_for_http
from .conftest import Tab
from .deployment import Deployment

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def test_screenshots_of_the_sample_and_what_was_built(
    deploy: Callable[..., Deployment], tabs: Callable[..., Tab]
) -> None:
    site = deploy()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "sample_app", "run", "--debug", "--no-reload", "--port", str(port)],
        cwd=site.root, env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/", 30)
        tab = tabs()
        tab.page.set_viewport_size({"width": 1100, "height": 760})
        tab.goto(base + "/")
        tab.page.wait_for_function("document.getElementById('message').textContent.startsWith('Hello')")
        assert tab.js("document.querySelector('.card code').textContent").startswith("/static/gen/site.")
        IMAGES.mkdir(parents=True, exist_ok=True)
        tab.page.screenshot(path=str(IMAGES / "sample.png"))
        tab.page.click("text=What was built")
        tab.page.wait_for_selector("table.assets")
        rows = tab.js("[...document.querySelectorAll('table.assets tbody tr')].map(r => r.innerText)")
        assert len(rows) == 11 and all(re.search(r"sha384-", row) for row in rows)
        assert all("max-age=31536000, immutable" in row for row in rows), rows
        tab.page.screenshot(path=str(IMAGES / "assets.png"), full_page=True)
        # The helpers page loads JavaScript modules through its import map.
        tab.goto(base + "/helpers")
        tab.page.wait_for_function("document.getElementById('modules').textContent.startsWith('Loaded')")
        assert re.search(r"from main\.[0-9a-f]{16}\.js", tab.js("document.getElementById('modules').textContent"))
    finally:
        server.terminate()
        server.wait(timeout=30)
