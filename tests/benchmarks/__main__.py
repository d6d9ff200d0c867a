"""Benchmarks, ours beside the baselines, in one run: medians and ratios.

    python -m tests.benchmarks [render|build|serve|scale|js|first_visit|partials|realapps|vendored|linear ...] [--quick]

Needs what the test suite needs (the venv from `bash .ci/test`, and npm for the
build benchmark's real libraries, fetched once into .cache/ with `npm pack`).
Installs nothing. Prints Markdown tables; docs/performance.md holds the latest.
"""

from __future__ import annotations

import argparse
import os
import platform

from . import build, first_visit, js_engines, linear, partials, realapps, render, scale, serve, vendored

SECTIONS = {
    "render": render.main,
    "build": build.main,
    "serve": serve.main,
    "scale": scale.main,
    "js": js_engines.main,
    "first_visit": first_visit.main,
    "partials": partials.main,
    "realapps": realapps.main,
    "vendored": vendored.main,
    "linear": linear.main,
}


def main() -> None:
    parser = argparse.ArgumentParser(description="flask-bust-assets benchmarks")
    parser.add_argument("sections", nargs="*", metavar="section", help=f"any of {', '.join(SECTIONS)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, for a smoke run")
    args = parser.parse_args()
    unknown = [s for s in args.sections if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    for section in args.sections or SECTIONS:
        SECTIONS[section](quick=args.quick)
        print()


if __name__ == "__main__":
    main()
