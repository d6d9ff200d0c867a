"""Requests per second for a digested file: our serving path versus Flask's static route.

Both run under gunicorn (one gthread worker) on 127.0.0.1, serving the same
file of the sample app; a Python client keeps connections alive from several
threads for a fixed time. The client shares the 2 cores, so absolute numbers
are low; the ratio is what to read.
"""

from __future__ import annotations

import http.client
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.helpers import FLASK, free_port, wait_for_http

from ..helpers import clean_env

REPO = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def load(port: int, path: str, headers: dict[str, str], seconds: float, threads: int = 4) -> tuple[float, float]:
    """(requests per second, bytes per response) over ``seconds``."""
    counts = [0] * threads
    sizes: list[int] = []
    deadline = time.monotonic() + seconds

    def client(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
            counts[slot] += 1
            if slot == 0 and len(sizes) < 10:
                sizes.append(len(body))
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.close()

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / seconds, statistics.median(sizes)


def server(root: Path, serve: bool) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = clean_env()
    env["FLASK_BUST_ASSETS_SERVE"] = "true" if serve else "false"
    proc = subprocess.Popen(
        [GUNICORN, "-k", "gthread", "--threads", "4", "-w", "1", "-b", f"127.0.0.1:{port}", "sample_app:create_app()"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for_http(f"http://127.0.0.1:{port}/")
    return proc, port


def main(quick: bool = False) -> None:
    seconds, repeat = (1.0, 1) if quick else (3.0, 3)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "sample_app", root / "sample_app", ignore=shutil.ignore_patterns("gen", "*.json"))
        subprocess.run([FLASK, "--app", "sample_app", "assets", "build"], cwd=root, check=True, capture_output=True)
        (css,) = re.findall(r"gen/site\.[0-9a-f]{16}\.css", (root / "sample_app/assets-manifest.json").read_text())[:1]
        path = "/static/" + css
        results: dict[tuple[str, str], list[tuple[float, float]]] = {}
        servers = {"Flask's static route": server(root, False), "ours": server(root, True)}
        try:
            for _ in range(repeat):  # alternate, so drift hits both alike
                for label, (_, port) in servers.items():
                    for encoding in ("identity", "br"):
                        headers = {"Accept-Encoding": encoding}
                        results.setdefault((label, encoding), []).append(load(port, path, headers, seconds))
        finally:
            for proc, _ in servers.values():
                proc.terminate()
                proc.wait(timeout=30)
    print(f"## Serving `{path}` (gunicorn gthread, 1 worker; median req/s of {repeat} x {seconds:.0f} s)\n")
    print("| server | Accept-Encoding | req/s | bytes per response | ratio to Flask |")
    print("|---|---|---:|---:|---:|")
    for (label, encoding), runs in results.items():
        rate = statistics.median(r for r, _ in runs)
        base = statistics.median(r for r, _ in results[("Flask's static route", encoding)])
        size = statistics.median(s for _, s in runs)
        print(f"| {label} | {encoding} | {rate:.0f} | {size:.0f} | {rate / base:.2f}x |")
