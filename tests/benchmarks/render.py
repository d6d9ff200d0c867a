"""Per-render cost of asset helpers, against a plain url_for('static') in the same process.

Cases are timed round-robin (one batch of each, repeated), so that a noisy
neighbour slows every case alike; the table shows medians.
"""

from __future__ import annotations

import statistics
import tempfile
import timeit
from pathlib import Path

from flask import Flask
from flask_assets import Bundle, Environment

from flask_bust_assets import BustAssets
from flask_bust_assets.web import commands

CSS = "body { color: red }\n"
TAG = '{% assets "css" %}<link href="{{ ASSET_URL }}">{% endassets %}'
URL_FOR = "{{ url_for('static', filename='css/a.css') }}"
INLINE = '{% assets "css/a.css", output="gen/t.%(version)s.css" %}<link href="{{ ASSET_URL }}">{% endassets %}'


def _app(root: Path, name: str) -> Flask:
    (root / "static/css").mkdir(parents=True, exist_ok=True)
    (root / "static/css/a.css").write_text(CSS)
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates/page.html").write_text(INLINE)  # our build prebuilds the bundle written there
    return Flask(name, root_path=str(root), instance_path=str(root / "instance"))


def ours(root: Path, auto_build: bool) -> Flask:
    app = _app(root, "ours")
    app.config["ASSETS_AUTO_BUILD"] = auto_build
    assets = BustAssets(app)
    assets.register("css", Bundle("css/a.css", filters="bust_cssmin", output="gen/a.%(version)s.css"))
    with app.app_context():
        assert commands.build(app.extensions["bust_assets"]).ok
    return app


def stock(root: Path, auto_build: bool) -> Flask:
    """Stock Flask-Assets at its fastest: JSON manifest, hashed names."""
    app = _app(root, "stock")
    app.config.update(ASSETS_AUTO_BUILD=auto_build, ASSETS_MANIFEST="json")
    env = Environment(app)
    env.register("css", Bundle("css/a.css", filters="rcssmin", output="gen/a.%(version)s.css"))
    with app.app_context():
        env["css"].build()
    return app


Case = tuple[Flask, str]  # an app and a template source


def measure(cases: dict[str, Case], number: int, repeat: int) -> dict[str, float]:
    """Median microseconds per render of each case, timed round-robin.

    Each batch runs inside one request context of its own app, pushed once.
    """
    templates = {name: (app, app.jinja_env.from_string(source)) for name, (app, source) in cases.items()}
    runs: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, (app, template) in templates.items():
            with app.test_request_context("/"):
                template.render()  # warm: manifest loaded, caches filled
                runs[name].append(timeit.timeit(template.render, number=number) / number * 1e6)
    return {name: statistics.median(times) for name, times in runs.items()}


def main(quick: bool = False) -> None:
    number, repeat = (300, 3) if quick else (3000, 11)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        plain = _app(root / "plain", "plain")
        prod_ours, prod_stock = ours(root / "o", False), stock(root / "s", False)
        dev_ours, dev_stock = ours(root / "od", True), stock(root / "sd", True)
        production = {
            "plain `url_for('static')` (baseline)": (plain, URL_FOR),
            "stock Flask-Assets `{% assets %}`": (prod_stock, TAG),
            "ours `{% assets %}`": (prod_ours, TAG),
            "ours `asset_url()`": (prod_ours, '{{ asset_url("css") }}'),
            "ours `url_for('static')` (digested)": (prod_ours, URL_FOR),
            # Stock cannot prebuild it: its default, auto_build, checks the sources on every render.
            "stock Flask-Assets, bundle written in the template, auto_build": (dev_stock, INLINE),
            "ours, bundle written in the template (prebuilt)": (prod_ours, INLINE),
        }
        development = {
            "plain `url_for('static')` (baseline)": production["plain `url_for('static')` (baseline)"],
            "stock Flask-Assets `{% assets %}`, auto_build": (dev_stock, TAG),
            "ours `{% assets %}`, auto_build, nothing changed": (dev_ours, TAG),
        }
        prod = measure(production, number, repeat)
        dev = measure(development, max(number // 10, 100), repeat)
    base, dev_base = prod["plain `url_for('static')` (baseline)"], dev["plain `url_for('static')` (baseline)"]
    goals = {
        "ours `{% assets %}`": "<= 2x",
        "ours `asset_url()`": "<= 1.2x",
        "ours, bundle written in the template (prebuilt)": "<= 2x",
    }
    print("## Render (one template render inside a request, median µs; ratio to plain url_for)\n")
    print("| mode | what | µs | ratio | goal |")
    print("|---|---|---:|---:|---|")
    for what, micros in prod.items():
        print(f"| production | {what} | {micros:.1f} | {micros / base:.2f}x | {goals.get(what, '')} |")
    stock_dev = dev["stock Flask-Assets `{% assets %}`, auto_build"]
    for what, micros in list(dev.items())[1:]:
        goal = f"{micros / stock_dev:.2f} of stock (goal <= 0.2)" if what.startswith("ours") else ""
        print(f"| development | {what} | {micros:.1f} | {micros / dev_base:.2f}x | {goal} |")
