"""core/static.py: static roots and which of their files are digested."""

from __future__ import annotations

from pathlib import Path

import pytest

from flask_bust_assets.core.static import Selection, StaticRoot, is_our_file, locate, relative_url

DIGEST = "0123456789abcdef"


@pytest.mark.parametrize(
    ("logical", "selected"),
    [
        ("img/logo.png", True),
        ("robots.txt", False),  # excluded
        ("downloads/big.zip", False),  # excluded by a folder glob
        (".env", False),  # dotfiles never
        ("css/.hidden/a.css", False),  # nor anything in a dot-folder
        (f"gen/site.{DIGEST}.css", False),  # a bundle output
        (f"img/logo.{DIGEST}.png.br", False),  # a variant
        (f"img/logo.{DIGEST}.png.gz", False),
    ],
)
def test_selects_name(logical: str, selected: bool) -> None:
    selection = Selection(include=("*",), exclude=("robots.txt", "downloads/*"), outputs=("gen/site.*.css",))
    assert selection.selects_name(logical) is selected


def test_a_digested_copy_is_not_digested_again_but_a_look_alike_user_file_is(tmp_path: Path) -> None:
    root = StaticRoot("static", str(tmp_path), "/static/")
    (tmp_path / "lib.js").write_text("x")
    (tmp_path / f"lib.{DIGEST}.js").write_text("x")  # our copy: its source is beside it
    (tmp_path / f"vendor.{DIGEST}.js").write_text("y")  # a user's file that merely looks digested
    files = sorted(Path(p).name for p in Selection().files(root))
    assert files == ["lib.js", f"vendor.{DIGEST}.js"]
    assert is_our_file(str(tmp_path / f"lib.{DIGEST}.js")) and not is_our_file(str(tmp_path / f"vendor.{DIGEST}.js"))


def test_logical_paths_stay_inside_their_root(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static_private").mkdir()
    root = StaticRoot("static", str(tmp_path / "static"), "/static/")
    assert root.logical_path(str(tmp_path / "static/img/a.png")) == "img/a.png"
    assert root.logical_path(str(tmp_path / "static_private/keys.txt")) is None  # not a string-prefix test
    assert root.logical_path(str(tmp_path / "static/../secret")) is None
    assert locate([root], str(tmp_path / "static_private/keys.txt")) is None


def test_relative_url_between_folders() -> None:
    assert relative_url("/static/gen/", "/static/img/a.png") == "../img/a.png"
    assert relative_url("/static/", "/static/a.png") == "a.png"
