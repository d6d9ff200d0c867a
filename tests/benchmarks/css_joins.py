"""What joining a CSS bundle's files costs, beside minifying them (the baseline, same run).

    python -m tests.benchmarks.css_joins [--repeat N]

Every file of a CSS bundle but the last is scanned once (css/joins.py) to close
what its end leaves open; this prints the median seconds of that scan on real
stylesheets (fetched with `npm pack` into .cache/ once), next to bust_cssmin's
default engine on the same text, and the ratio.
"""

from __future__ import annotations

import argparse
import warnings

from flask_bust_assets.css import references
from flask_bust_assets.css.joins import bundle
from flask_bust_assets.minify.engines import minify_css
from tests.benchmarks.engines import median_seconds
from tests.helpers import npm_package

INPUTS = {
    "bootstrap.css": ("bootstrap@5.3.3", "dist/css/bootstrap.css"),
    "bootstrap.min.css": ("bootstrap@5.3.3", "dist/css/bootstrap.min.css"),
    "bulma.css": ("bulma@1.0.2", "css/bulma.css"),
    "fontawesome all.css": ("@fortawesome/fontawesome-free@6.6.0", "css/all.css"),
}


def cold_minify(text: str) -> str:
    """bust_cssmin as a build meets a changed file: its tokens not cached yet."""
    references._scan.cache_clear()
    return minify_css(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"{'input':<20} {'bytes':>9} {'join s':>8} {'bust_cssmin s':>14} {'join / minify':>14}")
    for label, (spec, rel) in INPUTS.items():
        text = (npm_package(spec) / rel).read_text(encoding="utf-8")
        join = median_seconds(lambda text=text: bundle([text, ""])[0], args.repeat)[0]  # type: ignore[misc]
        minify = median_seconds(lambda text=text: cold_minify(text), args.repeat)[0]  # type: ignore[misc]
        print(f"{label:<20} {len(text):>9,} {join:>8.3f} {minify:>14.3f} {join / minify:>14.2f}")


if __name__ == "__main__":
    main()
