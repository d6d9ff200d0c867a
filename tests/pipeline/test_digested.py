"""pipeline/digested.py: a digested file's bytes, read back from its source when written."""

from __future__ import annotations

from pathlib import Path

import pytest

from flask_bust_assets import BuildError
from flask_bust_assets.core.static import StaticRoot
from flask_bust_assets.pipeline.digester import Digester


def digester(tmp_path: Path) -> Digester:
    root = StaticRoot("static", str(tmp_path / "static"), "/static/", str(tmp_path / "out/static"))
    return Digester([root], algorithm="sha256", length=16, versioning="filename", missing_reference="error")


def test_a_source_is_read_back_when_written_and_refused_if_edited_since(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    source = tmp_path / "static/app.js"
    source.write_text("window.a = 1;\n")
    digested = digester(tmp_path).file(str(source))
    assert digested.data is None  # not held in memory until the write phase
    assert digested.read() == b"window.a = 1;\n"
    source.write_text("window.a = 2;\n")  # saved while the build ran
    with pytest.raises(BuildError, match=r"static/app\.js changed during the build; run the build again"):
        digested.read()


def test_rewritten_css_is_kept_in_memory(tmp_path: Path) -> None:
    (tmp_path / "static/img").mkdir(parents=True)
    (tmp_path / "static/img/a.svg").write_text("<svg/>")
    (tmp_path / "static/a.css").write_text(".a { background: url(img/a.svg) }\n")
    digested = digester(tmp_path).file(str(tmp_path / "static/a.css"))
    assert digested.data is not None and b"img/a." in digested.data and digested.read() == digested.data
