"""A static file no bundle uses never fails a build: its problems are one warning each (invariant 9).

Each case puts one problem in a vendored file that no bundle names (a font
stylesheet naming fonts its package does not ship, a file in another encoding...).
Stock Flask-Assets never reads such a file, so the build must pass, warn once
naming the file, and copy the file as written; the same problem in a file a
bundle reads (its source, or a stylesheet the source @imports) stays an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, url_for
from flask_assets import Bundle

from flask_bust_assets.errors import BuildError, StaticFileWarning
from flask_bust_assets.web import commands

from .helpers import GEN, make_app, run_flask, write

SVG = "<svg xmlns='http://www.w3.org/2000/svg'/>"


def missing_references(root: Path, rel: str) -> bytes:
    """A font stylesheet naming three fonts its package does not ship."""
    text = (
        "@font-face { font-family: i; src: url(../fonts/i.woff2) format('woff2'), url(../fonts/i.woff) }\n"
        ".x { background: url(../gone.png) }\n"
    )
    write(root, rel, text)
    return text.encode()


def outside(root: Path, rel: str) -> bytes:
    text = ".a { background: url(../../../../../../etc/hostname) }\n"
    write(root, rel, text)
    return text.encode()


def nul(root: Path, rel: str) -> bytes:
    text = ".a { background: url('/static/img/logo.svg%00.png') }\n"
    write(root, rel, text)
    return text.encode()


def not_utf8(root: Path, rel: str) -> bytes:
    latin1 = "caf\u00e9".encode("latin-1")
    data = b".a::after { content: '" + latin1 + b"' } .b { background: url(/static/img/logo.svg) }\n"
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_bytes(data)
    return data


def unparsable(root: Path, rel: str) -> bytes:
    text = ".a { background: url(/static/img/logo.svg) } .b { background: url(/static/img/logo svg) }\n"
    write(root, rel, text)
    return text.encode()


def too_deep(root: Path, rel: str) -> bytes | None:
    """A chain of 60 stylesheets, each @importing the next (the limit is 50): the one at the limit
    is copied as written, so ``rel`` is not (None)."""
    folder = Path(rel).parent
    for i in range(60):
        write(root, str(folder / f"deep/{i}.css"), f'@import "{i + 1}.css";\n.d{i} {{ margin: {i}px }}\n')
    write(root, str(folder / "deep/60.css"), ".end { margin: 0 }\n")
    text = '@import "deep/0.css";\n'
    write(root, rel, text)
    return None


CASES: dict[str, tuple[Callable[[Path, str], bytes | None], str]] = {
    "missing references": (missing_references, "3 references left as written"),
    "a reference outside every static folder": (outside, "1 reference left as written"),
    "a NUL in a url()": (nul, "1 reference left as written"),
    "not UTF-8": (not_utf8, "is not UTF-8"),
    "a CSS parse error": (unparsable, "does not parse as CSS"),
    "@imports 60 deep": (too_deep, "50 deep"),
}


def project(root: Path, config: dict[str, Any] | None = None, *, bundled: str | None = None) -> Flask:
    """The app's own CSS in a bundle, an image, and (with ``bundled``) a bundle of that file too."""
    write(root, "static/css/site.css", ".site { background: url(../img/logo.svg) }\n")
    write(root, "static/img/logo.svg", SVG)
    app, assets = make_app(root, config)
    assets.register("site", Bundle("css/site.css", filters="bust_cssurls,bust_cssmin", output="gen/s.%(version)s.css"))
    if bundled:
        assets.register("more", Bundle(bundled, filters="bust_cssurls", output="gen/m.%(version)s.css"))
    return app


def build(app: Flask) -> Any:
    with app.app_context():
        return commands.build(app.extensions["bust_assets"])


def warnings_of(report: Any) -> list[str]:
    return [w for r in report.results for w in r.warnings] + report.static.warnings


@pytest.mark.parametrize("case", CASES)
def test_a_problem_in_a_static_file_no_bundle_uses_is_one_warning(tmp_path: Path, case: str) -> None:
    make, says = CASES[case]
    written = make(tmp_path, "static/vendor/pkg/css/pkg.css")
    app = project(tmp_path)
    report = build(app)
    assert report.ok, [str(e) for e in report.static.errors]
    about = [w for w in warnings_of(report) if "vendor/pkg/css/pkg.css" in w and says in w]
    assert len(about) == 1, warnings_of(report)
    assert "BUST_ASSETS_STATIC_PROBLEMS = 'error'" in about[0]
    # Copied as written (its references untouched), and url_for names the copy.
    with app.test_request_context("/"):
        url = url_for("static", filename="vendor/pkg/css/pkg.css")
    assert re.fullmatch(r"/static/vendor/pkg/css/pkg\.[0-9a-f]{16}\.css", url), url
    copy = (tmp_path / GEN / url.removeprefix("/static/")).read_bytes()
    assert copy == written or written is None
    assert app.test_client().get(url).data == copy


@pytest.mark.parametrize("case", CASES)
def test_the_same_problem_in_a_file_a_bundle_reads_stays_an_error(tmp_path: Path, case: str) -> None:
    make, _ = CASES[case]
    make(tmp_path, "static/vendor/pkg/css/pkg.css")
    write(tmp_path, "static/css/more.css", '@import "../vendor/pkg/css/pkg.css";\n')
    for source in ("vendor/pkg/css/pkg.css", "css/more.css"):  # the bundle's source, or a file it @imports
        report = build(project(tmp_path, bundled=source))
        assert not report.ok, source
        errors = [str(r.error) for r in report.failed] + [str(e) for e in report.static.errors]
        assert any("pkg.css" in e for e in errors), errors


@pytest.mark.parametrize("case", CASES)
def test_static_problems_error_fails_the_build_on_static_files_too(tmp_path: Path, case: str) -> None:
    make, _ = CASES[case]
    make(tmp_path, "static/vendor/pkg/css/pkg.css")
    report = build(project(tmp_path, {"BUST_ASSETS_STATIC_PROBLEMS": "error"}))
    assert not report.ok
    assert any("vendor/pkg/css/pkg.css" in str(e) or "deep/" in str(e) for e in report.static.errors)


def test_a_bundle_that_imports_a_file_the_static_pass_warned_about_still_fails(tmp_path: Path) -> None:
    # The static pass (or a development render's url_for) may meet the file first: its lenient
    # answer must not stand in for the strict one a bundle needs, in this build or the next.
    missing_references(tmp_path, "static/vendor/pkg/css/pkg.css")
    assert build(project(tmp_path)).ok
    write(tmp_path, "static/css/more.css", '@import "../vendor/pkg/css/pkg.css";\n')
    report = build(project(tmp_path, bundled="css/more.css"))  # the last build's record says "warned"
    assert not report.ok
    app = project(tmp_path, {"ASSETS_AUTO_BUILD": True}, bundled="css/more.css")
    with app.test_request_context("/"):
        with pytest.warns(StaticFileWarning, match="3 references left as written"):
            url_for("static", filename="vendor/pkg/css/pkg.css")  # digested leniently first
        state = app.extensions["bust_assets"]
        with pytest.raises(BuildError, match=r"pkg\.css line 1: '\.\./fonts/i\.woff2' points to"):
            state.urls("more")


def test_a_source_map_comment_with_a_nul_is_left_as_written(tmp_path: Path) -> None:
    js = b"window.lib = 1;\n//# sourceMappingURL=lib.js%00.map\n"
    (tmp_path / "static/vendor").mkdir(parents=True)
    (tmp_path / "static/vendor/lib.js").write_bytes(js)
    app = project(tmp_path)
    assert build(app).ok
    with app.test_request_context("/"):
        url = url_for("static", filename="vendor/lib.js")
    assert (tmp_path / GEN / url.removeprefix("/static/")).read_bytes() == js


APP = """
from flask import Flask
from flask_bust_assets import Bundle, BustAssets

app = Flask(__name__)
app.config.from_prefixed_env()
assets = BustAssets(app)
assets.register("site", Bundle("css/site.css", filters="bust_cssurls", output="gen/s.%(version)s.css"))
"""


def test_flask_assets_build_passes_and_says_it_once(tmp_path: Path) -> None:
    write(tmp_path, "app.py", APP)
    write(tmp_path, "static/css/site.css", ".site { color: red }\n")
    missing_references(tmp_path, "static/vendor/materialize/css/materialize.min.css")
    result = run_flask(tmp_path, "assets", "build")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "materialize.min.css" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("warning: ") and "3 references left as written" in lines[0]
    assert "line 1: '../fonts/i.woff2'" in lines[0]  # the first of them, so it can be found
