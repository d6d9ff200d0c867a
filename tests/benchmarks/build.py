"""Build time and peak memory: the sample app plus real libraries, ours beside stock Flask-Assets.

Libraries (fetched once with `npm pack`): bootstrap@5.3.3 (CSS and bundle JS),
bootstrap-icons@1.11.3 (CSS and fonts), jquery@3.7.1, htmx.org@2.0.3.
Each build runs in a fresh process; cold builds start from a fresh copy of
the project (no outputs, no caches).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.helpers import npm_package

REPO = Path(__file__).resolve().parents[2]

APP = """
from flask import Flask
from {module} import Bundle, {extension}

app = Flask(__name__)
assets = {extension}(app)
assets.register("vendor_css", Bundle("vendor/bootstrap.css", "vendor/icons/bootstrap-icons.css",
                                     filters="{css}", output="gen/vendor.%(version)s.css"))
assets.register("vendor_js", Bundle("vendor/jquery.js", "vendor/bootstrap.bundle.js", "vendor/htmx.js",
                                    filters="{js}", output="gen/vendor.%(version)s.js"))
assets.register("site_css", Bundle("css/base.css", "css/layout.css", filters="{css}",
                                   output="gen/site.%(version)s.css"))
assets.register("site_js", Bundle("js/greet.js", "js/app.js", filters="{js}", output="gen/site.%(version)s.js"))
"""
OURS = APP.format(module="flask_bust_assets", extension="BustAssets", css="bust_cssurls,bust_cssmin", js="bust_jsmin")
# Static copies at the bundles' brotli quality: every build before issue 23's BUST_ASSETS_STATIC_BROTLI_QUALITY.
OURS_STATIC_Q10 = OURS.replace("assets = ", 'app.config["BUST_ASSETS_STATIC_BROTLI_QUALITY"] = 10\nassets = ', 1)


def stock(css: str, js: str) -> str:
    """The same bundles for stock Flask-Assets with the given filters."""
    return APP.format(module="flask_assets", extension="Environment", css=css, js=js)


def pristine(folder: Path) -> Path:
    """The project's sources: the sample app's static files plus the libraries."""
    static = folder / "static"
    shutil.copytree(REPO / "sample_app/static", static, ignore=shutil.ignore_patterns("gen"))
    vendor = static / "vendor"
    vendor.mkdir()
    for spec, rel, name in [
        ("bootstrap@5.3.3", "dist/css/bootstrap.css", "bootstrap.css"),
        ("bootstrap@5.3.3", "dist/js/bootstrap.bundle.js", "bootstrap.bundle.js"),
        ("jquery@3.7.1", "dist/jquery.js", "jquery.js"),
        ("htmx.org@2.0.3", "dist/htmx.js", "htmx.js"),
    ]:
        shutil.copyfile(npm_package(spec) / rel, vendor / name)
    shutil.copytree(
        npm_package("bootstrap-icons@1.11.3") / "font", vendor / "icons", ignore=shutil.ignore_patterns("*.scss")
    )
    return folder


def run(project: Path, *args: str, app: str = "app", env: dict[str, str] | None = None) -> tuple[float, float]:
    """Seconds (wall) and peak MiB of one `flask` command in a fresh process (``env``: extra variables)."""
    result = project / "result.json"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.child", str(result), "--app", app, *args],
        cwd=project, env={"PYTHONPATH": str(REPO), "PATH": str(Path(sys.executable).parent), **(env or {})},
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    outcome = json.loads(result.read_text())
    if outcome["code"] not in (0, None):
        raise RuntimeError(f"flask {' '.join(args)} failed in {project}: {done.stderr[-2000:]}")
    return seconds, float(outcome["peak_mib"])


def fresh(sources: Path, into: Path, app: str) -> Path:
    if into.exists():
        shutil.rmtree(into)
    shutil.copytree(sources, into)
    (into / "app.py").write_text(app)
    return into


def main(quick: bool = False) -> None:
    repeat = 1 if quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sources = pristine(root / "sources")
        size = sum(p.stat().st_size for p in (sources / "static").rglob("*") if p.is_file())
        rows: dict[str, list[tuple[float, float]]] = {}

        def record(label: str, result: tuple[float, float]) -> None:
            rows.setdefault(label, []).append(result)

        for _ in range(repeat):
            project = fresh(sources, root / "ours", OURS)
            record("start the app only (`flask routes`)", run(project, "routes"))
            record(
                "ours, cold (defaults: minify, url rewrite, static digests, br + gzip)", run(project, "assets", "build")
            )
            before = fresh(sources, root / "ours-static-q10", OURS_STATIC_Q10)
            record(
                "ours, cold, static copies at brotli 10 (the default before issue 23)", run(before, "assets", "build")
            )
            record("ours, nothing changed", run(project, "assets", "build"))
            layout = project / "static/css/layout.css"
            layout.write_text(layout.read_text() + f"\n.bench-{time.time_ns()} {{ color: red }}\n")
            record("ours, one source changed", run(project, "assets", "build"))
            for label, css, js in [("cssmin/jsmin", "cssmin", "jsmin"), ("rcssmin/rjsmin", "rcssmin", "rjsmin")]:
                project = fresh(sources, root / "stock", stock(css, js))
                record(f"stock Flask-Assets {label}, cold", run(project, "assets", "build"))
    start = statistics.median(s for s, _ in rows["start the app only (`flask routes`)"])
    print(f"## Build ({size / 1e6:.1f} MB of sources; each a fresh process; median of {repeat})\n")
    print("| build | seconds | above app start | peak MiB |")
    print("|---|---:|---:|---:|")
    for label, results in rows.items():
        seconds = statistics.median(s for s, _ in results)
        peak = max(m for _, m in results)
        print(f"| {label} | {seconds:.2f} | {seconds - start:+.2f} | {peak:.0f} |")
