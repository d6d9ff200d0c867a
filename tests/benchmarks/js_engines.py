"""JavaScript engines on four real libraries: brotli bytes, time, and what each had to leave alone.

jQuery 3.7.1, Bootstrap 5.3.3's bundle, htmx 2.0.3 and Alpine.js 3.14.1 (fetched
with `npm pack` once), through `bust_jsmin` with each engine; a fallback (the
renaming engine refusing a file) is shown with its reason.
"""

from __future__ import annotations

import statistics
import time
import warnings

import brotli

from flask_bust_assets.minify.engines import JS_ENGINES, minify_js
from tests.helpers import npm_package

LIBRARIES = {
    "jQuery 3.7.1": ("jquery@3.7.1", "dist/jquery.js"),
    "Bootstrap 5.3.3 bundle": ("bootstrap@5.3.3", "dist/js/bootstrap.bundle.js"),
    "htmx 2.0.3": ("htmx.org@2.0.3", "dist/htmx.js"),
    "Alpine.js 3.14.1": ("alpinejs@3.14.1", "dist/cdn.js"),
}


def main(quick: bool = False) -> None:
    repeat = 1 if quick else 3
    sources = {name: (npm_package(spec) / path).read_text(encoding="utf-8") for name, (spec, path) in LIBRARIES.items()}
    print("## JavaScript engines (bust_jsmin; brotli quality 11 bytes; median of", repeat, "runs)\n")
    print("| library | engine | bytes | brotli | vs rjsmin | seconds | left to rjsmin because |")
    print("|---|---|---:|---:|---:|---:|---|")
    totals: dict[str, int] = {}
    for name, text in sources.items():
        baseline = 0
        for engine in ["rjsmin", *sorted(e for e in JS_ENGINES if e != "rjsmin")]:
            times = []
            for _ in range(repeat):
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    started = time.perf_counter()
                    out = minify_js(text, engine=engine, source=name)
                    times.append(time.perf_counter() - started)
            size = len(brotli.compress(out.encode(), quality=11))
            baseline = baseline or size
            totals[engine] = totals.get(engine, 0) + size
            why = "; ".join(
                str(w.message).split(": ", 1)[1].split("; minified")[0] for w in caught if "rjsmin" in str(w.message)
            )
            print(
                f"| {name} | {engine} | {len(out.encode()):,} | {size:,} | {size / baseline - 1:+.1%} "
                f"| {statistics.median(times):.3f} | {why} |"
            )
    base = totals["rjsmin"]
    print(
        "\n"
        + ", ".join(f"{engine}: {total:,} brotli bytes ({total / base - 1:+.1%})" for engine, total in totals.items())
    )
