"""Load through deploys: gunicorn with 4 workers answers every request right while the site is
rebuilt, reloaded (SIGHUP) and cleaned under it.

Visitors fetch the page and every asset it links, checking status, integrity
(the sha384 the page names) and digest (the name's); meanwhile each cycle edits
a stylesheet, builds, reloads gunicorn and cleans with a short age. Run with
``-s`` to see the figures docs/reliability.md quotes.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable

import brotli

from ..helpers import http
from .deployment import Deployment, Server

CYCLES = 6
VISITORS = 4
TAG = re.compile(r'(?:href|src)="([^"]+)"(?: integrity="([^"]+)")?')
DECODE: dict[str | None, Callable[[bytes], bytes]] = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def test_no_error_under_load_through_rebuild_reload_and_clean(deploy: Callable[..., Deployment]) -> None:
    site = deploy()
    server = Server(site, workers=4)
    site.servers.append(server)
    counts: Counter[str] = Counter()
    failures: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def visit(n: int) -> None:
        accept = ["br, gzip", "gzip", "identity"][n % 3]
        while not stop.is_set():
            status, _, page = http(server.base, "/")
            requests, errors = 1, [] if status == 200 else [f"page {status}"]
            for url, integrity in TAG.findall(page.decode()) if status == 200 else []:
                if not url.startswith("/static/"):
                    continue
                status, headers, body = http(server.base, url, headers={"Accept-Encoding": accept})
                requests += 1
                data = DECODE[headers.get("content-encoding")](body) if status == 200 else b""
                digest = re.search(r"\.([0-9a-f]{16})\.[a-z0-9]+$", url)
                if status != 200:
                    errors.append(f"{url}: {status}")
                elif integrity and sri(data) != integrity:
                    errors.append(f"{url}: integrity mismatch")
                elif digest and hashlib.sha256(data).hexdigest()[:16] != digest.group(1):
                    errors.append(f"{url}: bytes do not match the digest")
            with lock:
                counts["requests"] += requests
                failures.extend(errors)

    visitors = [threading.Thread(target=visit, args=(n,)) for n in range(VISITORS)]
    for visitor in visitors:
        visitor.start()
    started = time.monotonic()
    try:
        layout = site.static / "css/layout.css"
        for cycle in range(CYCLES):
            layout.write_text(layout.read_text() + f"\n.cycle-{cycle} {{ margin: {cycle}px }}\n")
            site.flask("assets", "build")
            css = json.loads((site.output / "assets-manifest.json").read_text())["bundles"]["site_css"][0]["path"]
            server.reload(expect=css)  # new workers, new manifest; old pages may still be loading
            cleaned = site.flask("assets", "clean", "--keep", "2", "--age", "2")
            counts["removed"] += sum(1 for line in cleaned.splitlines() if line.startswith("removed"))
            time.sleep(2.5)  # so that what the next clean retires stopped being current 2 s before
    finally:
        stop.set()
        for visitor in visitors:
            visitor.join(timeout=60)
    seconds = time.monotonic() - started
    print(
        f"\nload: {counts['requests']} requests by {VISITORS} visitors in {seconds:.0f} s through {CYCLES} "
        f"build + reload + clean cycles ({counts['removed']} files removed by clean); {len(failures)} errors"
    )
    assert failures == []
    assert counts["removed"] > 0  # clean really retired generations under load
    assert counts["requests"] > 500
