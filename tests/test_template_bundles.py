"""Bundles written in templates: found by `flask assets build`, answered from the manifest in production."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from pathlib import Path

import pytest
from flask import Blueprint, Flask, render_template, render_template_string
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import ChoiceLoader, FileSystemLoader, FunctionLoader

from flask_bust_assets import Bundle, BustAssets
from flask_bust_assets.pipeline.template_bundles import Definition
from flask_bust_assets.web import commands

from .helpers import GEN, MANIFEST, file_system_calls, make_app, run_flask, write

APP = """
from flask import Flask, render_template
from flask_bust_assets import Bundle, BustAssets

app = Flask(__name__)
assets = BustAssets(app)
assets.register("site_css", Bundle("css/site.css", filters="bust_cssmin", output="gen/site.%(version)s.css"))

@app.get("/<name>")
def page(name):
    return render_template(name + ".html", out="gen/dyn.%(version)s.css")
"""
TAG = (
    '{% assets filters="bust_cssmin", output="gen/x.%(version)s.css", "css/a.css", "css/b.css" %}'
    '<link href="{{ ASSET_URL }}" integrity="{{ ASSET_SRI }}">{% endassets %}'
)
LINK = re.compile(r'<link href="([^"]+)" integrity="([^"]+)">')


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def project(root: Path, **templates: str) -> Path:
    write(root, "app.py", APP)
    write(root, "static/css/site.css", "main { padding : 0 }\n")
    write(root, "static/css/a.css", "body { color : red }\n")
    write(root, "static/css/b.css", "p { margin : 0 }\n")
    for name, text in templates.items():
        write(root, f"templates/{name}.html", text)
    return root


def template_keys(root: Path) -> dict[str, list[dict[str, object]]]:
    bundles = json.loads((root / MANIFEST).read_text())["bundles"]
    return {k: v for k, v in bundles.items() if k.startswith("template:")}


def production(root: Path) -> Flask:
    """The project's app in production, in this process (the same folders as app.py's)."""
    app, assets = make_app(root)
    assets.register("site_css", Bundle("css/site.css", filters="bust_cssmin", output="gen/site.%(version)s.css"))
    app.add_url_rule("/<name>", view_func=lambda name: render_template(f"{name}.html", out="gen/dyn.%(version)s.css"))
    return app


def build(app: Flask) -> commands.BuildReport:
    with app.app_context():
        return commands.build(app.extensions["bust_assets"])


def test_flask_assets_build_prebuilds_it_and_production_answers_from_memory(tmp_path: Path) -> None:
    project(tmp_path, index=f"<p>\n{TAG}")
    result = run_flask(tmp_path, "assets", "build")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^index\.html:2\s+gen/x\.[0-9a-f]{16}\.css\s.*built$", result.stdout, re.M), result.stdout
    (entry,) = template_keys(tmp_path).values()
    app = production(tmp_path)
    with app.test_request_context("/"):
        html = render_template("index.html")  # loads and compiles the template: file-system calls
        with file_system_calls() as calls:
            again = render_template("index.html")
    assert calls == [] and again == html
    url, integrity = LINK.search(html).groups()  # type: ignore[union-attr]
    assert url == f"/static/{entry[0]['path']}" and integrity == entry[0]["integrity"]
    served = app.test_client().get(url)
    assert served.data == b"body{color:red}\np{margin:0}" and served.headers["Cache-Control"].endswith("immutable")
    assert not (tmp_path / "static/gen").exists()  # nothing built on request into the static folder


def test_a_dynamic_bundle_is_named_by_template_and_line_and_built_on_request(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    dyn = '<p>\n\n{% assets "css/a.css", output=out %}<link href="{{ ASSET_URL }}" integrity="{{ ASSET_SRI }}">'
    project(tmp_path, dyn=dyn + "{% endassets %}")
    result = run_flask(tmp_path, "assets", "build")
    assert result.returncode == 0, result.stderr
    assert (
        "warning: dyn.html line 3: the {% assets %} tag's output is a variable or an expression, so its bundle "
        "cannot be prebuilt: a page rendering that {% assets %} tag builds its bundle on request, as "
        "Flask-Assets does."
    ) in result.stderr
    app = production(tmp_path)
    with caplog.at_level("WARNING", logger="flask_bust_assets"):
        page = app.test_client().get("/dyn")  # as stock Flask-Assets: built on request
        assert app.test_client().get("/dyn").text == page.text
    assert page.status_code == 200
    (record,) = caplog.records  # once per bundle, naming its output and why
    assert "bundle with output 'gen/dyn.%(version)s.css' is not in the manifest" in record.getMessage()
    url, integrity = LINK.search(page.text).groups()  # type: ignore[union-attr]
    assert re.fullmatch(r"/static/gen/dyn\.[0-9a-f]{16}\.css", url)
    served = production(tmp_path).test_client().get(url).data
    assert served == b"body { color : red }\n" and integrity == sri(served)


@pytest.mark.parametrize(
    "tag",
    [
        '{% assets "css/a.css", "css/b.css", filters=["bust_cssmin"], output="gen/y.%(version)s.css" %}',
        '{% assets "site_css", "css/a.css", output="gen/mixed.%(version)s.css", debug=False %}',  # a name and a file
        '{% assets "css/a.css", output="gen/d.%(version)s.css", depends="css/*.css" %}',
        '{% assets "css/a.css", "css/b.css" %}',  # no output: each source on its own, as stock links them
        '{% assets "site_css", debug=False %}',  # options around a registered bundle
        "{% assets ['css/a.css', 'css/' ~ 'b.css'], output='gen/folded.%(version)s.css' %}",  # Jinja folds it
    ],
)
def test_each_form_of_the_tag_is_prebuilt_and_rendered_without_a_file_system_call(tmp_path: Path, tag: str) -> None:
    body = tag + '<link href="{{ ASSET_URL }}" integrity="{{ ASSET_SRI }}">{% endassets %}'
    project(tmp_path, page=body)
    app = production(tmp_path)
    report = build(app)
    assert report.ok and len(template_keys(tmp_path)) == 1
    app = production(tmp_path)  # a new process, after the build
    with app.test_request_context("/"):
        render_template("page.html")
        with file_system_calls() as calls:
            html = render_template("page.html")
    assert calls == []
    links = LINK.findall(html)
    assert links
    for url, integrity in links:
        served = app.test_client().get(url)
        assert served.status_code == 200 and integrity == sri(served.data)


def test_the_mixed_bundle_merges_the_registered_bundle_and_the_file(tmp_path: Path) -> None:
    project(tmp_path, page='{% assets "site_css", "css/a.css", output="gen/m.%(version)s.css" %}{{ ASSET_URL }}'
                           "{% endassets %}")  # fmt: skip
    app = production(tmp_path)
    assert build(app).ok
    url = render_with(production(tmp_path), "page.html")
    assert production(tmp_path).test_client().get(url).data == b"main{padding:0}\nbody { color : red }\n"


def render_with(app: Flask, name: str) -> str:
    with app.test_request_context("/"):
        return render_template(name)


def test_a_registered_name_alone_is_not_a_second_bundle(tmp_path: Path) -> None:
    project(tmp_path, page='{% assets "site_css" %}{{ ASSET_URL }}{% endassets %}')
    assert build(production(tmp_path)).ok
    assert template_keys(tmp_path) == {}


def test_two_templates_declaring_one_bundle_share_one_output(tmp_path: Path) -> None:
    other = TAG.replace('filters="bust_cssmin"', "filters='bust_cssmin'")  # written otherwise, the same bundle
    project(tmp_path, one=TAG, two=f"<main>\n{other}")
    report = build(production(tmp_path))
    assert [r.label for r in report.results if r.name.startswith("template:")] == ["one.html:1 (+1 more)"]
    assert len(template_keys(tmp_path)) == 1
    assert len(list((tmp_path / GEN / "gen").glob("x.*.css"))) == 1
    app = production(tmp_path)
    assert LINK.search(render_with(app, "one.html")).groups() == LINK.search(render_with(app, "two.html")).groups()  # type: ignore[union-attr]


def test_an_output_clash_is_refused_naming_both_places(tmp_path: Path) -> None:
    clash = '{% assets "css/b.css", output="gen/site.%(version)s.css" %}{{ ASSET_URL }}{% endassets %}'
    other = TAG.replace('"css/b.css"', '"css/site.css"')  # gen/x again, other sources
    project(tmp_path, a=TAG, b=f"\n{other}", c=f"\n\n{clash}")
    result = run_flask(tmp_path, "assets", "build")
    assert result.returncode == 1
    assert (
        "the {% assets %} tag at b.html line 2 writes output 'gen/x.%(version)s.css', which the {% assets %} "
        "tag at a.html line 1 writes too"
    ) in result.stderr
    assert (
        "the {% assets %} tag at c.html line 3 writes output 'gen/site.%(version)s.css', which the registered "
        "bundle 'site_css' writes too"
    ) in result.stderr
    assert not (tmp_path / MANIFEST).exists()


def test_custom_delimiters_blueprints_and_every_loader_are_searched(tmp_path: Path) -> None:
    project(tmp_path)
    write(tmp_path, "templates/app.html", TAG.replace("{%", "<%").replace("%}", "%>"))
    write(
        tmp_path,
        "admin/templates/admin/panel.html",
        TAG.replace("x.%", "admin.%").replace("{%", "<%").replace("%}", "%>"),
    )
    app = Flask("site", root_path=str(tmp_path), instance_path=str(tmp_path / "instance"))
    app.jinja_options = {**app.jinja_options, "block_start_string": "<%", "block_end_string": "%>"}
    app.jinja_loader = ChoiceLoader(  # type: ignore[assignment]
        [FileSystemLoader(str(tmp_path / "templates")), FunctionLoader(lambda name: None)]
    )
    app.register_blueprint(Blueprint("admin", "admin", root_path=str(tmp_path / "admin"), template_folder="templates"))
    BustAssets(app)
    report = build(app)
    assert report.ok
    outputs = sorted(o["path"].split(".")[0] for outs in template_keys(tmp_path).values() for o in outs)
    assert outputs == ["gen/admin", "gen/x"]  # the app's folder and the blueprint's, both in <% %>
    assert any("template loader FunctionLoader cannot list its templates" in w for w in report.warnings)


def test_a_template_bundle_that_does_not_build_is_a_warning_not_a_failed_build(tmp_path: Path) -> None:
    project(tmp_path, broken='\n{% assets "css/nope.css", output="gen/n.css" %}{{ ASSET_URL }}{% endassets %}')
    report = build(production(tmp_path))
    assert report.ok and template_keys(tmp_path) == {}
    (warning,) = [w for w in report.warnings if "broken.html" in w]
    assert warning.startswith("bundle 'broken.html:2': source file ") and "nope.css does not exist" in warning
    assert "left out of the manifest" in warning


def test_check_covers_template_bundles(tmp_path: Path) -> None:
    project(tmp_path, index=TAG)
    assert run_flask(tmp_path, "assets", "build").returncode == 0
    assert run_flask(tmp_path, "assets", "check").returncode == 0
    write(tmp_path, "static/css/b.css", "p { margin : 1px }\n")
    stale = run_flask(tmp_path, "assets", "check")
    assert stale.returncode == 1
    assert re.search(r"stale   bundle 'index\.html:1' would build gen/x\.[0-9a-f]{16}\.css; the manifest", stale.stderr)
    assert run_flask(tmp_path, "assets", "build").returncode == 0
    write(tmp_path, "templates/index.html", "no tag any more")
    gone = run_flask(tmp_path, "assets", "check")
    assert gone.returncode == 1 and "is in the manifest but no template declares it any more" in gone.stderr


def test_a_tag_removed_leaves_the_manifest_on_the_next_build(tmp_path: Path) -> None:
    project(tmp_path, index=TAG)
    build(production(tmp_path))
    assert len(template_keys(tmp_path)) == 1
    write(tmp_path, "templates/index.html", "no tag any more")
    build(production(tmp_path))  # every bundle left is reused: the manifest still changes
    assert template_keys(tmp_path) == {}


def test_clean_keeps_the_current_outputs_of_template_bundles(tmp_path: Path) -> None:
    project(tmp_path, index=TAG)
    assert run_flask(tmp_path, "assets", "build").returncode == 0
    write(tmp_path, "static/css/a.css", "body { color : blue }\n")
    assert run_flask(tmp_path, "assets", "build").returncode == 0
    assert len(list((tmp_path / GEN / "gen").glob("x.*.css"))) == 2
    cleaned = run_flask(tmp_path, "assets", "clean", "--keep", "1", "--age", "0")
    assert cleaned.returncode == 0, cleaned.stderr
    (current,) = template_keys(tmp_path).values()
    assert [p.name for p in (tmp_path / GEN / "gen").glob("x.*.css")] == [current[0]["path"].split("/")[-1]]


def test_development_builds_them_live_as_before(tmp_path: Path) -> None:
    project(tmp_path)
    app, _ = make_app(tmp_path, {"ASSETS_AUTO_BUILD": True})
    with app.test_request_context("/"):
        first = LINK.search(render_template_string(TAG)).group(1)  # type: ignore[union-attr]
        time.sleep(1.1)  # webassets' updater compares mtimes in seconds
        write(tmp_path, "static/css/a.css", "body { color : blue }\n")
        second = LINK.search(render_template_string(TAG)).group(1)  # type: ignore[union-attr]
    assert first != second and not (tmp_path / MANIFEST).exists()


def test_the_manifest_key_is_the_documented_digest() -> None:
    definition = Definition.of("bust_cssmin", "gen/x.%(version)s.css", None, None, ["css/a.css", "css/b.css"])
    doc = {"contents": ["css/a.css", "css/b.css"], "debug": None, "depends": [], "filters": ["bust_cssmin"]}
    doc["output"] = "gen/x.%(version)s.css"
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    assert definition is not None and definition.key == "template:" + hashlib.sha256(text.encode()).hexdigest()[:16]


names = st.lists(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), min_size=1, max_size=4)


@given(filters=names, contents=names)
def test_filters_written_as_a_string_or_a_list_are_one_bundle(filters: list[str], contents: list[str]) -> None:
    as_list = Definition.of(filters, "o.css", None, None, contents)
    as_text = Definition.of(", ".join(filters), "o.css", None, None, tuple(contents))
    assert as_list is not None and as_list == as_text and as_list.key == as_text.key
    other = Definition.of(filters, "o.css", None, None, [*contents, "more"])
    assert other is not None and other.key != as_list.key


def test_a_template_jinja_cannot_parse_is_named_and_other_files_are_passed_over(tmp_path: Path) -> None:
    project(tmp_path, index=TAG, client="<ul>\n{{#each assets}}<li>{{this}}</li>{{/each}}</ul>")
    (tmp_path / "templates/logo.png").write_bytes(bytes(range(256)))  # not text: nothing to say
    report = build(production(tmp_path))
    assert report.ok and len(template_keys(tmp_path)) == 1
    (warning,) = report.warnings
    assert warning.startswith("client.html line 2: Jinja cannot parse it (")
