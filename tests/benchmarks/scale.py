"""How builds and start-up grow with the static tree: 1,000, 5,000 and 20,000 files.

A generated tree of SVG, PNG, JS and CSS files (100 per folder) and a stylesheet
referencing 200 of them through url(), bundled with bust_cssurls. For each size:
app start (`flask routes`), a cold build, a build with nothing changed, a build
after one file changed, each a fresh process with its peak memory; then a
production worker (import the app, read the manifest, answer the first request),
timed in its own process; and the manifest's size.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..helpers import MANIFEST
from .build import REPO, run

SIZES = (1_000, 5_000, 20_000)
REFERENCED = 200
PER_FOLDER = 100

APP = """
from flask import Flask, render_template_string
from flask_bust_assets import Bundle, BustAssets

app = Flask(__name__)
assets = BustAssets(app)
assets.register("css", Bundle("css/main.css", filters="bust_cssurls,bust_cssmin", output="gen/site.%(version)s.css"))
assets.register("js", Bundle("js/a.js", "js/b.js", filters="bust_jsmin", output="gen/site.%(version)s.js"))

@app.get("/")
def index():
    return render_template_string(
        '{{ asset_tags("css") }}{{ asset_tags("js") }}'
        '<img src="{{ url_for("static", filename="f000/0001.svg") }}">'
    )
"""

WORKER = """
import json, resource, sys, time
started = time.perf_counter()
from app import app
status = app.test_client().get("/").status_code
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
json.dump({"status": status, "seconds": seconds, "peak_mib": peak}, sys.stdout)
"""


def tree(root: Path, count: int) -> Path:
    """``count`` static files of mixed types under ``root/static``, and the app."""
    rng = random.Random(count)
    static = root / "static"
    images: list[str] = []
    for i in range(count):
        folder = static / f"f{i // PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        kind = i % 10
        if kind < 4:
            name = f"{i:04d}.svg"
            (folder / name).write_text(
                f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {i % 97 + 1} 10">'
                + "".join(
                    f'<rect x="{rng.randrange(99)}" width="{rng.randrange(9) + 1}" height="3"/>' for _ in range(8)
                )
                + "</svg>\n"
            )
            images.append(f"{folder.name}/{name}")
        elif kind < 7:
            name = f"{i:04d}.png"
            (folder / name).write_bytes(b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randrange(500, 3000)))
            images.append(f"{folder.name}/{name}")
        elif kind < 9:
            (folder / f"{i:04d}.js").write_text(
                "".join(f"export function f{i}_{j}(x) {{ return x * {j} + {i}; }}\n" for j in range(30))
            )
        else:
            (folder / f"{i:04d}.css").write_text("".join(f".c{i}-{j} {{ margin: {j}px }}\n" for j in range(30)))
    (static / "css").mkdir()
    (static / "css/main.css").write_text(
        "".join(f".r{n} {{ background: url(../{path}) }}\n" for n, path in enumerate(images[:REFERENCED]))
    )
    (static / "js").mkdir()
    (static / "js/a.js").write_text("window.a = function (x) { return x + 1; };\n" * 50)
    (static / "js/b.js").write_text("window.b = `b  ${window.a(1)}`;\n" * 50)
    (root / "app.py").write_text(APP)
    return root


def worker(project: Path) -> tuple[float, float]:
    """Seconds and peak MiB of a production worker: import, manifest, first request."""
    out = subprocess.run(
        [sys.executable, "-c", WORKER], cwd=project, env={"PYTHONPATH": f"{project}:{REPO}"},
        capture_output=True, text=True, timeout=300, check=True,
    ).stdout  # fmt: skip
    result = json.loads(out)
    assert result["status"] == 200, result
    return float(result["seconds"]), float(result["peak_mib"])


def main(quick: bool = False) -> None:
    sizes = SIZES[:1] if quick else SIZES
    print(f"## Scale ({REFERENCED} files referenced from one stylesheet; each step a fresh process)\n")
    print(
        "| files | app start | cold build | no-op build | one file changed | peak MiB (cold) "
        "| worker ready | worker MiB | manifest |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for count in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            project = tree(Path(tmp), count)
            start = statistics.median(run(project, "routes")[0] for _ in range(3))
            cold, cold_peak = run(project, "assets", "build")
            noop = statistics.median(run(project, "assets", "build")[0] for _ in range(3))
            changed_file = project / "static/f000/0007.js"
            changes = []
            for n in range(3):
                changed_file.write_text(changed_file.read_text() + f"\n// change {n} {time.time_ns()}\n")
                changes.append(run(project, "assets", "build")[0])
            ready = [worker(project) for _ in range(3)]
            manifest = (project / MANIFEST).stat().st_size
        print(
            f"| {count:,} | {start:.2f} s | {cold:.1f} s | {noop:.2f} s | {statistics.median(changes):.2f} s "
            f"| {cold_peak:.0f} | {statistics.median(s for s, _ in ready):.2f} s "
            f"| {max(m for _, m in ready):.0f} | {manifest / 1024:,.0f} KiB |"
        )
