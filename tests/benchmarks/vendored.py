"""Build cost against what pages use: an app with Bootstrap-Flask and a real node_modules, ours beside stock.

The app's pages load Bootstrap from a CDN (Bootstrap-Flask's default) and its own
bundles: its stylesheet with Font Awesome's (whose url()s name fonts in
node_modules) and jQuery with its own script. Its static folder holds a
node_modules tree `npm install` made at pinned versions (bootstrap@5.3.3,
@fortawesome/fontawesome-free@6.5.2, jquery@3.7.1, bootstrap-icons@1.11.3: about
4,800 files, 48 MB) and Bootstrap-Flask 2.x is installed (27 MB of static files).

Each build runs cold (a fresh copy, no outputs, no caches) in a fresh process:
stock Flask-Assets (cssrewrite + rcssmin, rjsmin), ours with its defaults, and
once ours with every static folder digested eagerly (the default before issue 23).
"referenced" is the bytes of what the pages can load, as stock builds it: its
bundle outputs, every file their url()s name, and the app's own static files.
"""

from __future__ import annotations

import re
import shutil
import statistics
import tempfile
from pathlib import Path

from tests.helpers import npm_tree

from .build import REPO, fresh, run

PACKAGES = ("bootstrap@5.3.3", "@fortawesome/fontawesome-free@6.5.2", "jquery@3.7.1", "bootstrap-icons@1.11.3")

APP = """
from flask import Flask, render_template_string
from flask_bootstrap import Bootstrap5
from {module} import Bundle, {extension}

app = Flask(__name__)
app.config.from_prefixed_env()
Bootstrap5(app)  # pages load Bootstrap from its CDN (BOOTSTRAP_SERVE_LOCAL is off)
assets = {extension}(app)
assets.register("site_css", Bundle("css/base.css", "css/layout.css",
                                   "node_modules/@fortawesome/fontawesome-free/css/all.css",
                                   filters="{css}", output="gen/site.%(version)s.css"))
assets.register("site_js", Bundle("node_modules/jquery/dist/jquery.js", "js/greet.js", "js/app.js",
                                  filters="{js}", output="gen/site.%(version)s.js"))

@app.get("/")
def index():
    return render_template_string(
        "{{{{ bootstrap.load_css() }}}}{{% assets 'site_css' %}}<link rel=stylesheet href='{{{{ ASSET_URL }}}}'>"
        "{{% endassets %}}<img src=\\"{{{{ url_for('static', filename='img/logo.svg') }}}}\\">"
    )
"""
OURS = APP.format(module="flask_bust_assets", extension="BustAssets", css="bust_cssurls,bust_cssmin", js="bust_jsmin")
STOCK = APP.format(module="flask_assets", extension="Environment", css="cssrewrite,rcssmin", js="rjsmin")
EVERYTHING = {"FLASK_BUST_ASSETS_STATIC_LAZY_FOLDERS": "[]", "FLASK_BUST_ASSETS_STATIC_LAZY_BLUEPRINTS": "[]"}
URL = re.compile(r"url\(\s*['\"]?([^'\")?#]+)")


def pristine(folder: Path) -> Path:
    """The sample app's own static files plus the node_modules tree."""
    shutil.copytree(REPO / "sample_app/static", folder / "static", ignore=shutil.ignore_patterns("gen"))
    shutil.copytree(npm_tree(*PACKAGES), folder / "static/node_modules", symlinks=True)
    return folder


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def referenced_bytes(stock: Path) -> int:
    """Stock's bundle outputs, the files their url()s name, and the app's own static files."""
    static = stock / "static"
    outputs = [p for p in (static / "gen").rglob("*") if p.is_file()]
    named = {
        (css.parent / ref).resolve()
        for css in outputs
        if css.suffix == ".css"
        for ref in URL.findall(css.read_text())
        if not ref.startswith("data:")
    }
    own = [p for p in static.rglob("*") if p.is_file() and not {"node_modules", "gen"} & set(p.parts)]
    return sum(p.stat().st_size for p in {*outputs, *(n for n in named if n.is_file()), *own})


def main(quick: bool = False) -> None:
    repeat = 1 if quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sources = pristine(root / "sources")
        files = sum(1 for p in (sources / "static").rglob("*") if p.is_file())
        rows: dict[str, list[tuple[float, float, int]]] = {}
        referenced = 0
        for _ in range(repeat):  # alternated, so that drift hits both alike
            stock = fresh(sources, root / "stock", STOCK)
            seconds, peak = run(stock, "assets", "build")
            rows.setdefault("stock Flask-Assets", []).append((seconds, peak, size_of(stock / "static/gen")))
            referenced = referenced_bytes(stock)
            ours = fresh(sources, root / "ours", OURS)
            seconds, peak = run(ours, "assets", "build")
            rows.setdefault("ours (defaults)", []).append((seconds, peak, size_of(ours / "instance/assets")))
        if not quick:
            ours = fresh(sources, root / "ours", OURS)
            seconds, peak = run(ours, "assets", "build", env=EVERYTHING)
            eager = (seconds, peak, size_of(ours / "instance/assets"))
            rows["ours, every static folder eager (before issue 23)"] = [eager]
    stock_seconds = statistics.median(s for s, _, _ in rows["stock Flask-Assets"])
    print(f"## Vendored static files ({files:,} static files, Bootstrap-Flask installed; median of {repeat})\n")
    goal = (
        f"at most 2x stock's time + 1 s ({2 * stock_seconds + 1:.2f} s), 3x those bytes ({3 * referenced / 1e6:.2f} MB)"
    )
    print(f"Referenced by the pages: {referenced / 1e6:.2f} MB. Goal: {goal}.\n")
    print("| build | seconds | vs stock | peak MiB | output MB | vs referenced |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, results in rows.items():
        seconds = statistics.median(s for s, _, _ in results)
        peak = max(m for _, m, _ in results)
        output = statistics.median(b for _, _, b in results)
        print(
            f"| {label} | {seconds:.2f} | {seconds / stock_seconds:.2f}x | {peak:.0f} | {output / 1e6:.2f} "
            f"| {output / referenced:.2f}x |"
        )
