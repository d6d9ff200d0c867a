"""First-visit bytes: what a browser downloads for a page, with each JavaScript engine.

Two pages: the sample app's home page, and the build benchmark's corpus
(Bootstrap, jQuery, htmx, the sample's own files) on a page that loads its four
bundles. Each is built by `flask assets build` in a fresh process per engine,
then fetched through the app (our middleware serving brotli, as a browser asking
`br, gzip` gets it): the HTML, then every stylesheet, script and image it names.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.benchmarks.build import OURS, REPO, pristine, run

ENGINES = ("rjsmin", "tdewolff")
ACCEPT = {"Accept-Encoding": "br, gzip"}
TAGS = re.compile(r"<(?:link|script|img)\b[^>]*?\b(?:href|src)=\"(/[^\"]+)\"")
CORPUS_PAGE = '''
from flask import render_template_string

PAGE = """<!doctype html><html><head><title>corpus</title>
{% assets "vendor_css" %}<link rel="stylesheet" href="{{ ASSET_URL }}">{% endassets %}
{% assets "site_css" %}<link rel="stylesheet" href="{{ ASSET_URL }}">{% endassets %}
</head><body><p id="message"></p>
{% assets "vendor_js" %}<script src="{{ ASSET_URL }}"></script>{% endassets %}
{% assets "site_js" %}<script src="{{ ASSET_URL }}"></script>{% endassets %}
</body></html>"""


@app.get("/")
def page() -> str:
    return render_template_string(PAGE)
'''


def measure() -> None:
    """In the project's folder: the bytes of the page and of what it names, by kind, as JSON."""
    sys.path.insert(0, ".")
    from flask.cli import ScriptInfo

    client = ScriptInfo(app_import_path=sys.argv[2]).load_app().test_client()
    html = client.get("/", headers=ACCEPT).get_data()
    sizes = {"html": len(html), "css": 0, "js": 0, "other": 0}
    for url in TAGS.findall(html.decode("utf-8")):
        response = client.get(url, headers=ACCEPT)
        assert response.status_code == 200, url
        kind = url.rsplit("?", 1)[0].rsplit(".", 1)[-1]
        sizes[kind if kind in sizes else "other"] += len(response.get_data())
    print(json.dumps(sizes))


def _sizes(project: Path, app: str, engine: str) -> dict[str, int]:
    env = {"FLASK_BUST_ASSETS_JS_ENGINE": engine}
    run(project, "assets", "build", app=app, env=env)
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.first_visit", "measure", app],
        cwd=project, env={"PYTHONPATH": str(REPO), **env}, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    sizes: dict[str, int] = json.loads(done.stdout)
    return sizes


def main(quick: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sample = root / "sample"
        shutil.copytree(REPO / "sample_app", sample / "sample_app", ignore=shutil.ignore_patterns("gen", "__pycache__"))
        corpus = pristine(root / "corpus")
        app = OURS.replace("app = Flask(__name__)\n", "app = Flask(__name__)\napp.config.from_prefixed_env()\n")
        (corpus / "app.py").write_text(app + CORPUS_PAGE)
        print("## First visit (bytes a browser asking for br downloads: the page and what it names)\n")
        print("| page | JS engine | HTML | CSS | JS | images | total | vs rjsmin |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for name, project, app_path in (("sample home", sample, "sample_app"), ("corpus", corpus, "app")):
            baseline = 0
            for engine in ENGINES:
                for built in (project / "instance", project / ".webassets-cache"):
                    shutil.rmtree(built, ignore_errors=True)
                sizes = _sizes(project, app_path, engine)
                total = sum(sizes.values())
                baseline = baseline or total
                print(
                    f"| {name} | {engine} | {sizes['html']:,} | {sizes['css']:,} | {sizes['js']:,} "
                    f"| {sizes['other']:,} | {total:,} | {total / baseline - 1:+.1%} |"
                )


if __name__ == "__main__" and sys.argv[1:2] == ["measure"]:
    measure()
