"""The build report's size note: said only when true, with the true reason.

Each case builds a real bundle and reads the lines `flask assets build` prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_assets import Bundle
from webassets.filter import Filter, register_filter

from flask_bust_assets.pipeline.report import rows, table
from flask_bust_assets.web import commands

from ..helpers import make_app, need_executable, npm_install, write

DIGESTED_URL = "its url() references now name digested files"


class Banner(Filter):  # type: ignore[misc]
    """A filter that adds a comment, as licence-banner filters do."""

    name = "test_banner"

    def output(self, _in: Any, out: Any, **kw: Any) -> None:
        out.write("/* built by the test suite, with a banner of some length */\n" + _in.read())


register_filter(Banner)


def notes(root: Path, bundle: Bundle, config: dict[str, Any] | None = None) -> tuple[list[str], dict[str, Any]]:
    """The note lines of the report of a build of ``bundle`` alone, and its row."""
    app, assets = make_app(root, {"BUST_ASSETS_STATIC": False, **(config or {})})
    assets.register("b", bundle)
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    assert report.ok, [str(r.error) for r in report.failed]
    (row,) = rows(report)
    return [line for line in table(report, lambda text, **_: text) if line.startswith("note:")], row


def test_no_note_for_the_newline_webassets_puts_between_sources(tmp_path: Path) -> None:
    write(tmp_path, "static/js/a.js", "var a = 1;")  # no final newline: webassets' "\n" join adds a byte
    write(tmp_path, "static/js/b.js", "var b = 2;")
    found, row = notes(tmp_path, Bundle("js/a.js", "js/b.js", output="gen/ab.%(version)s.js"))
    assert row["minified"] == row["raw"] + 1
    assert found == []


def test_the_url_note_when_digested_names_made_it_larger(tmp_path: Path) -> None:
    write(tmp_path, "static/css/a.css", ".a{background:url(../img/x.svg)}")
    write(tmp_path, "static/img/x.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    found, row = notes(tmp_path, Bundle("css/a.css", filters="bust_cssurls", output="gen/a.%(version)s.css"))
    assert row["minified"] - row["raw"] == 17  # ".<16 hex digits>"
    assert found == [
        f"note: {row['path']} came out larger than its sources (32 B -> 49 B): {DIGESTED_URL}, "
        "longer than the names they replace (+17 B)"
    ]


def test_a_filter_that_adds_bytes_is_named_not_the_urls(tmp_path: Path) -> None:
    write(tmp_path, "static/css/a.css", ".a{color:red}\n")
    found, row = notes(tmp_path, Bundle("css/a.css", filters="test_banner", output="gen/a.%(version)s.css"))
    assert found == [
        f"note: {row['path']} came out larger than its sources (14 B -> 74 B): its filters (test_banner) added 60 B"
    ]


def test_no_note_when_the_sources_are_another_language(tmp_path: Path) -> None:
    # SCSS mixins expand: the CSS is larger than its source, and the sizes do not compare.
    write(
        tmp_path,
        "static/css/a.scss",
        "@mixin m { color: red; margin: 0 auto; }\n.a { @include m; }\n.b { @include m; }",
    )
    found, row = notes(tmp_path, Bundle("css/a.scss", filters="libsass", output="gen/a.%(version)s.css"))
    assert row["minified"] > row["raw"]
    assert found == []


def test_no_note_for_less_compiled_to_css(tmp_path: Path) -> None:
    need_executable("node")
    lessc = npm_install("less@4.2.0") / "bin/lessc"
    less = ".m() { color: red; margin: 0 auto; }\n.a { .m(); }\n.b { .m(); }\n.c { .m(); }"
    write(tmp_path, "static/css/a.less", less)
    bundle = Bundle("css/a.less", filters="less", output="gen/a.%(version)s.css")
    found, row = notes(tmp_path, bundle, {"LESS_BIN": str(lessc)})
    assert row["minified"] > row["raw"]
    assert found == []


def test_depends_do_not_count_as_sources(tmp_path: Path) -> None:
    write(tmp_path, "static/css/a.css", ".a{color:red}\n")
    write(tmp_path, "static/css/settings.css", "/* read by a preprocessor, not merged */\n" * 50)
    bundle = Bundle("css/a.css", depends="css/settings.css", output="gen/a.%(version)s.css")
    found, row = notes(tmp_path, bundle)
    assert row["raw"] == 14 and row["minified"] == 14
    assert found == []
