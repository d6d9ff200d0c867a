"""Minify engines side by side on real libraries: raw engines versus our protected filters.

    python -m tests.benchmarks.engines [--repeat N]

Fetches bootstrap@5.3.3, jquery@3.7.1 and htmx.org@2.0.3 with `npm pack` into
.cache/ (once), then prints median seconds and output sizes per engine. cssmin is
quadratic, so it runs once on bootstrap.css whatever --repeat says.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable

import cssmin
import jsmin
import rcssmin
import rjsmin

from flask_bust_assets.minify.engines import minify_css, minify_js
from tests.helpers import npm_package

INPUTS = {
    "bootstrap.css": ("bootstrap@5.3.3", "dist/css/bootstrap.css"),
    "jquery.js": ("jquery@3.7.1", "dist/jquery.js"),
    "htmx.js": ("htmx.org@2.0.3", "dist/htmx.js"),
}


def median_seconds(func: Callable[[], str], repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = len(func().encode())
        times.append(time.perf_counter() - started)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"{'input':<14} {'engine':<22} {'median s':>10} {'bytes out':>10} {'vs raw fast engine':>19}")
    for label, (spec, rel) in INPUTS.items():
        text = (npm_package(spec) / rel).read_text(encoding="utf-8")
        if label.endswith(".css"):
            rows = [
                ("rcssmin (raw)", lambda t=text: rcssmin.cssmin(t, keep_bang_comments=True), args.repeat),
                ("bust_cssmin rcssmin", lambda t=text: minify_css(t, engine="rcssmin"), args.repeat),
                ("cssmin (raw)", lambda t=text: cssmin.cssmin(t), 1),
                ("bust_cssmin cssmin", lambda t=text: minify_css(t, engine="cssmin"), 1),
            ]
        else:
            rows = [
                ("rjsmin (raw)", lambda t=text: rjsmin.jsmin(t, keep_bang_comments=True), args.repeat),
                ("bust_jsmin rjsmin", lambda t=text: minify_js(t, engine="rjsmin"), args.repeat),
                ("jsmin (raw)", lambda t=text: jsmin.jsmin(t), args.repeat),
                ("bust_jsmin jsmin", lambda t=text: minify_js(t, engine="jsmin"), args.repeat),
            ]
        baseline = None
        print(f"{label:<14} {'(source)':<22} {'':>10} {len(text.encode()):>10}")
        for name, func, repeat in rows:
            seconds, size = median_seconds(func, repeat)
            baseline = baseline or seconds
            print(f"{'':<14} {name:<22} {seconds:>10.4f} {size:>10} {seconds / baseline:>18.1f}x")


if __name__ == "__main__":
    main()
