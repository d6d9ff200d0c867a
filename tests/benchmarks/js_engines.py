"""JavaScript engines on four real libraries: brotli bytes, time, and what each had to leave alone.

jQuery 3.7.1, Bootstrap 5.3.3's bundle, htmx 2.0.3 and Alpine.js 3.14.1 (fetched
with `npm pack` once; tests/libraries.py), through `bust_jsmin` with each
engine; a fallback (the renaming engine refusing a file) is shown with its
reason, and so are the scopes it left their names because code reaches them by name.
"""

from __future__ import annotations

import statistics
import time
import warnings

import brotli

from flask_bust_assets.minify.engines import JS_ENGINES, minify_js
from flask_bust_assets.minify.javascript import tree
from flask_bust_assets.minify.trust import renaming_hazard
from tests.helpers import npm_package
from tests.libraries import LIBRARIES, TITLES


def main(quick: bool = False) -> None:
    repeat = 1 if quick else 3
    sources = {
        TITLES[name]: (npm_package(spec) / path).read_text(encoding="utf-8") for name, (spec, path) in LIBRARIES.items()
    }
    print("## JavaScript engines (bust_jsmin; brotli quality 11 bytes; median of", repeat, "runs)\n")
    print("| library | engine | bytes | brotli | vs rjsmin | seconds | left to rjsmin, or names kept, because |")
    print("|---|---|---:|---:|---:|---:|---|")
    totals: dict[str, int] = {}
    for name, text in sources.items():
        baseline = 0
        for engine in ["rjsmin", *sorted(e for e in JS_ENGINES if e != "rjsmin")]:
            times = []
            for _ in range(repeat):
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    tree.cache_clear()  # each run parses afresh, as a build does
                    started = time.perf_counter()
                    out = minify_js(text, engine=engine, source=name)
                    times.append(time.perf_counter() - started)
            size = len(brotli.compress(out.encode(), quality=11))
            baseline = baseline or size
            totals[engine] = totals.get(engine, 0) + size
            why = "; ".join(
                str(w.message).split(": ", 1)[1].split("; minified")[0] for w in caught if "rjsmin" in str(w.message)
            )
            if engine == "tdewolff" and not why:
                hazard = renaming_hazard(text)
                why = f"{hazard}: the scopes around it keep their names" if hazard else ""
            print(
                f"| {name} | {engine} | {len(out.encode()):,} | {size:,} | {size / baseline - 1:+.1%} "
                f"| {statistics.median(times):.3f} | {why} |"
            )
    base = totals["rjsmin"]
    print(
        "\n"
        + ", ".join(f"{engine}: {total:,} brotli bytes ({total / base - 1:+.1%})" for engine, total in totals.items())
    )
