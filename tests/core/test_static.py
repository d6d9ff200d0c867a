"""core/static.py: static roots and which of their files are digested."""

from __future__ import annotations

from pathlib import Path

import pytest

from flask_bust_assets.core.static import Selection, StaticRoot, installed, locate, relative_url

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
        (f"vendor/lib.{DIGEST}.js", True),  # a user's file whose name merely looks digested
        (f"img/logo.{DIGEST}.png.br", True),  # sources hold no variants of ours: the user's own file
    ],
)
def test_selects_name(logical: str, selected: bool) -> None:
    selection = Selection(include=("*",), exclude=("robots.txt", "downloads/*"), outputs=("gen/site.*.css",))
    assert selection.selects(logical) is selected


LAZY = Selection(lazy_folders=("node_modules", "bower_components"), lazy_roots=("bootstrap.static",))


@pytest.mark.parametrize(
    ("endpoint", "logical", "selected"),
    [
        ("static", "node_modules/bootstrap/dist/css/bootstrap.css", False),
        ("static", "vendor/node_modules/x.js", False),  # at any depth
        ("static", "bower_components/jquery/jquery.js", False),
        ("static", "node_modules.js", True),  # a file, not the folder
        ("static", "css/my_node_modules/a.css", True),  # a whole folder name only
        ("admin.static", "img/logo.png", True),
        ("bootstrap.static", "css/bootstrap.min.css", False),  # a lazy root
    ],
)
def test_lazy_folders_and_roots_are_not_selected(endpoint: str, logical: str, selected: bool) -> None:
    assert LAZY.selects(logical, endpoint) is selected


def test_entries_do_not_list_lazy_folders_or_roots(tmp_path: Path) -> None:
    for rel in ("a.css", "node_modules/pkg/index.js", "js/node_modules/x.js", "js/app.js"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    root = StaticRoot("static", str(tmp_path), "/static/", str(tmp_path / "out"))
    assert [logical for _, logical, _ in LAZY.entries(root)] == ["a.css", "js/app.js"]
    assert list(LAZY.entries(StaticRoot("bootstrap.static", str(tmp_path), "/bootstrap/static/"))) == []


def test_installed_means_inside_site_packages(tmp_path: Path) -> None:
    import flask

    assert installed(str(Path(flask.__file__).parent / "static"))  # pip's folder, existing or not
    assert not installed(str(tmp_path))


def test_every_file_of_a_source_folder_is_the_users_whatever_its_name(tmp_path: Path) -> None:
    root = StaticRoot("static", str(tmp_path), "/static/", str(tmp_path / "out"))
    (tmp_path / "lib.js").write_text("x")
    (tmp_path / f"lib.{DIGEST}.js").write_text("y")  # looks like a digested copy of lib.js: it is not
    assert sorted(Path(p).name for p, _, _ in Selection().entries(root)) == [f"lib.{DIGEST}.js", "lib.js"]


def test_entries_walk_folders_in_order_and_keep_links_inside_the_root(tmp_path: Path) -> None:
    static, outside = tmp_path / "static", tmp_path / "outside"
    for rel in ("b.css", "a/z.js", "a/b/c.png", ".hidden/x.js", "robots.txt"):
        (static / rel).parent.mkdir(parents=True, exist_ok=True)
        (static / rel).write_text(rel)
    outside.mkdir()
    (outside / "secret.txt").write_text("no")
    (static / "leak.txt").symlink_to(outside / "secret.txt")  # leads outside: never read
    (static / "alias.css").symlink_to(static / "b.css")  # inside: a file under its own name
    (static / "linked_dir").symlink_to(outside, target_is_directory=True)  # folders are not followed
    root = StaticRoot("static", str(static), "/static/", str(tmp_path / "out"))
    found = [(logical, st.st_size) for _, logical, st in Selection(exclude=("robots.txt",)).entries(root)]
    assert found == [("alias.css", 5), ("b.css", 5), ("a/z.js", 6), ("a/b/c.png", 9)]


def test_generated_files_go_to_the_roots_output_folder(tmp_path: Path) -> None:
    root = StaticRoot("admin.static", str(tmp_path / "src"), "/admin/static/", str(tmp_path / "out/admin/static"))
    assert root.generated(f"img/a.{DIGEST}.png") == str(tmp_path / f"out/admin/static/img/a.{DIGEST}.png")
    assert root.source("img/a.png") == str(tmp_path / "src/img/a.png")


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
