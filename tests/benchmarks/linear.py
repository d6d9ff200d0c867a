"""Cost against input size: each input doubled, time and peak memory per doubling.

    python -m tests.benchmarks linear

Three inputs that grew faster than linearly (issue 24): one long line of
JavaScript with many distinct names (the renaming engine), a stylesheet with many
``url()`` references built by ``flask assets build``, and a manifest with many
static files read at start-up. Each input is written first, then each measurement
runs in a fresh process (``python -m tests.benchmarks.linear KIND FOLDER``) that
times the work alone, after its imports, and reports its peak memory; the
median of 3. A ratio near 2.0 per doubling is linear; 4.0 is quadratic. The
ratios are of CPU seconds (every thread of the process), which a machine busy with
other work disturbs less than wall time.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .build import REPO

# Inputs, in the unit of each kind's table; each doubled from the first.
SIZES = {
    "js": (4_000, 8_000, 16_000, 32_000),  # top-level functions (about 180 bytes each)
    "css": (12_500, 25_000, 50_000, 100_000),  # url() references, to 100 images
    "manifest": (125_000, 250_000, 500_000, 1_000_000),  # static files in the manifest
}
UNITS = {"js": "functions", "css": "url() references", "manifest": "manifest entries"}
IMAGES = 100
REPEAT = 3

CSS_APP = """
from flask import Flask
from flask_bust_assets import Bundle, BustAssets

app = Flask(__name__)
app.config["BUST_ASSETS_STATIC"] = False
assets = BustAssets(app)
assets.register("css", Bundle("css/main.css", filters="bust_cssurls,bust_cssmin", output="gen/site.%(version)s.css"))
"""


def javascript(functions: int) -> str:
    """One line: top-level functions, each with its own locals and a global they share."""
    rng = random.Random(functions)
    parts = ["var shared=0;"]
    for i in range(functions):
        a, b, c = f"alpha{i}", f"beta{i}", f"gamma{i}"
        parts.append(
            f"function fn{i}({a},{b}){{var {c}={a}*{rng.randrange(99)}+{b};"
            f'if({c}>shared){{shared={c};}}return {c}+"s{i}";}}window.w{i}=fn{i}(shared,{i});'
        )
    return "".join(parts)


def write_input(kind: str, size: int, folder: Path) -> None:
    """The input of ``kind`` at ``size``, in ``folder``."""
    if kind == "js":
        (folder / "input.js").write_text(javascript(size))
    elif kind == "css":
        static = folder / "static"
        (static / "img").mkdir(parents=True)
        (static / "css").mkdir()
        for n in range(IMAGES):
            (static / f"img/{n}.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg" id="i{n}"/>\n')
        (static / "css/main.css").write_text(
            "".join(f".r{n} {{ background: url(../img/{n % IMAGES}.svg) }}\n" for n in range(size))
        )
        (folder / "app.py").write_text(CSS_APP)
    else:
        entry = {"digest": "0123456789abcdef", "integrity": "sha384-" + "A" * 64, "size": 1234, "query": ""}
        files = {f"f{n // 1000:04d}/{n:07d}.png": {**entry, "path": f"f{n // 1000:04d}/{n:07d}.0123456789abcdef.png"}
                 for n in range(size)}  # fmt: skip
        doc = {"format": 1, "bundles": {}, "files": {"static": files}, "modules": {}}
        (folder / "manifest.json").write_text(json.dumps(doc, sort_keys=True, separators=(",", ":")))


def child(kind: str, folder: Path) -> dict[str, float]:
    """In a fresh process: do the work of ``kind`` once on the input in ``folder``."""
    if kind == "js":
        from flask_bust_assets.minify.engines import minify_js

        text = (folder / "input.js").read_text()
        started, cpu_before = time.perf_counter(), _cpu()
        minify_js(text)
    elif kind == "css":
        import os

        os.chdir(folder)
        sys.path.insert(0, str(folder))
        from app import app  # type: ignore[import-not-found]

        started, cpu_before = time.perf_counter(), _cpu()
        result = app.test_cli_runner().invoke(args=["assets", "build"])
        assert result.exit_code == 0, result.output
    else:
        from flask_bust_assets.core import manifest

        started, cpu_before = time.perf_counter(), _cpu()
        manifest.load(str(folder / "manifest.json"))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": _cpu() - cpu_before, "peak_mib": _usage().ru_maxrss / 1024}  # KiB on Linux


def _usage() -> resource.struct_rusage:
    return resource.getrusage(resource.RUSAGE_SELF)


def _cpu() -> float:
    """CPU seconds of this process, every thread (the compression pool, the engine's Go runtime)."""
    usage = _usage()
    return usage.ru_utime + usage.ru_stime


def measure(kind: str, folder: Path) -> tuple[float, float, float]:
    """Median wall seconds, CPU seconds and peak MiB of ``REPEAT`` fresh processes (a CSS build
    starts from no output each time)."""
    results = []
    for _ in range(REPEAT):
        for generated in ("static/gen", "instance"):
            subprocess.run(["rm", "-rf", str(folder / generated)], check=True)
        out = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.linear", kind, str(folder)],
            cwd=REPO, capture_output=True, text=True, timeout=900, check=True,
        ).stdout  # fmt: skip
        results.append(json.loads(out.splitlines()[-1]))
    return tuple(statistics.median(r[key] for r in results) for key in ("seconds", "cpu", "peak_mib"))  # type: ignore[return-value]


def main(quick: bool = False) -> None:
    print(f"## Linear cost (each input doubled; a fresh process per measurement, median of {REPEAT})\n")
    print("| input | size | seconds | CPU seconds | x per doubling | peak MiB | x per doubling |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind, sizes in SIZES.items():
        previous: tuple[float, float, float] | None = None
        for size in sizes[:2] if quick else sizes:
            with tempfile.TemporaryDirectory() as tmp:
                write_input(kind, size, Path(tmp))
                now = measure(kind, Path(tmp))
            cpu, peak = (f"{now[i] / previous[i]:.2f}" if previous else "" for i in (1, 2))
            print(
                f"| {UNITS[kind]} | {size:,} | {now[0]:.2f} | {now[1]:.2f} | {cpu} | {now[2]:.0f} | {peak} |",
                flush=True,
            )
            previous = now


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], Path(sys.argv[2]))))
