"""Requests per second for digested files: ours, Flask's static route, and WhiteNoise 6, side by side.

Each server is gunicorn (one worker, sync or gthread) on 127.0.0.1 running the
sample app (with a 2 KB and a 200 KB stylesheet added); WhiteNoise wraps the same
Flask app, serving the same files and precompressed variants. The load comes from
wrk (Debian's package; .ci/run installs it), bounded in time and on loopback
only. Servers are measured in turn, repeatedly, so drift hits them alike; the
client shares the 2 cores, so read the ratios.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from ..helpers import FLASK, MANIFEST, clean_env, free_port, wait_for_http

REPO = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
WORKERS = {"sync": ["-k", "sync"], "gthread": ["-k", "gthread", "--threads", "4"]}
SIZES = {"2 KB": 2 * 1024, "200 KB": 200 * 1024}

# The baselines serve the very files our build wrote (the output folder, with its .br/.gz
# variants), from a plain Flask app: Flask's static route, and WhiteNoise in front of it.
BASELINE_APPS = """
from flask import Flask
from whitenoise import WhiteNoise

GENERATED = "instance/assets/static"  # the sample app's output folder, by URL path

flask_static = Flask(__name__, static_folder=GENERATED)
flask_static.get("/")(lambda: "ok")

whitenoise = Flask(__name__, static_folder=None)
whitenoise.get("/")(lambda: "ok")
# Cached forever as ours are (the names are digests).
whitenoise.wsgi_app = WhiteNoise(
    whitenoise.wsgi_app, root=GENERATED, prefix="static/", immutable_file_test=lambda p, u: True
)
"""
SERVERS = {
    "Flask's static route": ("baselines:flask_static", "false"),
    "WhiteNoise 6": ("baselines:whitenoise", "false"),
    "ours": ("sample_app:create_app()", "true"),
}


def stylesheet(size: int) -> str:
    """Compressible CSS of about ``size`` bytes, as a real stylesheet is."""
    rules, i = [], 0
    while sum(map(len, rules)) < size:
        rules.append(f".c{i} {{ color: #{i * 7919 % 0xFFFFFF:06x}; margin: {i % 17}px {i % 5}rem }}\n")
        i += 1
    return "".join(rules)


def wrk(port: int, path: str, encoding: str, seconds: float) -> float:
    """Requests per second wrk measures over ``seconds`` (2 threads, 8 connections)."""
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds:.0f}s", "-H", f"Accept-Encoding: {encoding}", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, timeout=seconds + 30, check=True,
    ).stdout  # fmt: skip
    if "Non-2xx" in out:
        raise RuntimeError(f"{path}: errors under load\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def start(root: Path, target: str, serve: str, worker: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = clean_env(FLASK_BUST_ASSETS_SERVE=serve)
    proc = subprocess.Popen(
        [GUNICORN, *WORKERS[worker], "-w", "1", "-b", f"127.0.0.1:{port}", target],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for_http(f"http://127.0.0.1:{port}/")
    return proc, port


def main(quick: bool = False) -> None:
    seconds, repeat = (1.0, 1) if quick else (2.0, 3)
    if shutil.which("wrk") is None:
        print("## Serving: skipped, wrk is not installed (apt-get install wrk)\n")
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "sample_app", root / "sample_app", ignore=shutil.ignore_patterns("gen", "*.json"))
        for size in SIZES.values():
            (root / f"sample_app/static/bench/{size}.css").parent.mkdir(parents=True, exist_ok=True)
            (root / f"sample_app/static/bench/{size}.css").write_text(stylesheet(size))
        (root / "baselines.py").write_text(BASELINE_APPS)
        subprocess.run([FLASK, "--app", "sample_app", "assets", "build"], cwd=root, check=True, capture_output=True)
        files = json.loads((root / MANIFEST).read_text())["files"]["static"]
        paths = {label: "/static/" + files[f"bench/{size}.css"]["path"] for label, size in SIZES.items()}
        results: dict[tuple[str, str, str, str], list[float]] = {}
        for worker in WORKERS:
            running = {label: start(root, target, serve, worker) for label, (target, serve) in SERVERS.items()}
            try:
                for _ in range(repeat):  # in turn, so drift hits every server alike
                    for size, path in paths.items():
                        for encoding in ("identity", "br"):
                            for label, (_, port) in running.items():
                                rate = wrk(port, path, encoding, seconds)
                                results.setdefault((worker, size, encoding, label), []).append(rate)
            finally:
                for proc, _ in running.values():
                    proc.terminate()
                    proc.wait(timeout=30)
    load = f"wrk 2 threads x 8 connections; median req/s of {repeat} x {seconds:.0f} s"
    print(f"## Serving digested files (gunicorn, 1 worker; {load})\n")
    columns = ["worker", "file", "Accept-Encoding", "Flask's static route", "WhiteNoise 6", "ours"]
    print("| " + " | ".join([*columns, "ours / WhiteNoise", "ours / Flask"]) + " |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for worker in WORKERS:
        for size in SIZES:
            for encoding in ("identity", "br"):
                flask, whitenoise, ours = (
                    statistics.median(results[(worker, size, encoding, label)]) for label in SERVERS
                )
                print(
                    f"| {worker} | {size} | {encoding} | {flask:.0f} | {whitenoise:.0f} | {ours:.0f} "
                    f"| {ours / whitenoise:.2f}x | {ours / flask:.2f}x |"
                )
