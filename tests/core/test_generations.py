"""core/generations.py: which files `clean` may retire, and the history a build leaves."""

from __future__ import annotations

import json
import os
from pathlib import Path

from flask_bust_assets.core import generations
from flask_bust_assets.core.generations import History, retired

# Three builds, newest first: c3 at t=300, c2 at t=200, c1 at t=100.
HISTORY = History((300, 200, 100), {"/s/c3.css": 0, "/s/c2.css": 1, "/s/c1.css": 2})


def test_current_and_the_last_keep_generations_are_never_retired() -> None:
    candidates = ["/s/c1.css", "/s/c2.css", "/s/c3.css", "/s/c1.css.br"]
    assert retired(candidates, HISTORY, current=frozenset({"/s/c3.css"}), keep=2, age=0, now=1000) == [
        "/s/c1.css",
        "/s/c1.css.br",  # a variant goes with its file
    ]


def test_a_file_stays_for_age_seconds_after_a_newer_build_stopped_naming_it() -> None:
    # c1 stopped being current when c2's build ran (t=200): kept until 200 + age.
    kwargs = {"current": frozenset({"/s/c3.css"}), "keep": 1}
    assert retired(["/s/c1.css"], HISTORY, age=500, now=650, **kwargs) == []
    assert retired(["/s/c1.css"], HISTORY, age=500, now=701, **kwargs) == ["/s/c1.css"]


def test_a_file_no_build_recorded_is_never_retired_whatever_its_name_or_age(tmp_path: Path) -> None:
    names = ["old.0123456789abcdef.css", "db.20240101.sql", "c1.css.gz.bak", ".notes.tmp"]
    for name in names:
        (tmp_path / name).write_text("the user's")
        os.utime(tmp_path / name, (1, 1))
    kwargs = {"current": frozenset[str](), "keep": 1, "age": 0, "now": 1e12}
    assert retired([str(tmp_path / n) for n in names], HISTORY, **kwargs) == []


def test_a_file_named_like_a_variant_is_its_own_file_not_a_variant() -> None:
    history = History((300, 200), {"/s/data.tar.0123456789abcdef.gz": 0, "/s/x.css": 1})
    assert history.owner("/s/data.tar.0123456789abcdef.gz") == "/s/data.tar.0123456789abcdef.gz"
    assert history.owner("/s/x.css.br") == "/s/x.css"
    assert history.owner("/s/data.tar.0123456789abcdef") is None
    current = frozenset({"/s/data.tar.0123456789abcdef.gz"})
    assert retired(["/s/data.tar.0123456789abcdef.gz", "/s/x.css.br"], history, current=current, keep=1, age=0,
                   now=1000) == ["/s/x.css.br"]  # fmt: skip


def test_files_beyond_the_remembered_builds_and_files_renders_built_go_by_age(tmp_path: Path) -> None:
    manifest = str(tmp_path / "assets-manifest.json")
    first = tmp_path.resolve() / "first.0123456789abcdef.css"
    first.write_text("x")
    generations.record(manifest, [str(first)], built_at=0)
    for build in range(1, generations.KEEP_HISTORY + 2):  # `first` folds out of the remembered builds
        generations.record(manifest, [str(tmp_path / f"b{build}.css")], built_at=build)
    live = tmp_path / "live.0123456789abcdef.css"
    generations.note_written(manifest, [str(live)], written_at=500)
    history = generations.load(manifest)
    assert str(first) not in history.newest
    assert history.retired_at == {str(first): 1.0, str(live.resolve()): 500.0}
    kwargs = {"current": frozenset[str](), "keep": 3, "age": 100}
    assert retired([str(first), str(live)], history, now=550, **kwargs) == [str(first)]
    assert retired([str(first), str(live)], history, now=601, **kwargs) == [str(first), str(live)]
    generations.forget(manifest, [str(first)])
    assert generations.load(manifest).retired_at == {str(live.resolve()): 500.0}


def test_paths_through_a_linked_folder_are_recorded_as_the_real_ones(tmp_path: Path) -> None:
    (tmp_path / "shared/instance").mkdir(parents=True)
    (tmp_path / "app").mkdir()
    (tmp_path / "app/instance").symlink_to(tmp_path / "shared/instance")
    manifest = str(tmp_path / "app/assets-manifest.json")  # beside the app; the files on the shared storage
    generations.record(manifest, [str(tmp_path / "app/instance/assets/a.css")], built_at=1)
    assert generations.load(manifest).newest == {str((tmp_path / "shared/instance/assets/a.css").resolve()): 0}


def test_record_keeps_newest_first_and_skips_a_build_that_changed_nothing(tmp_path: Path) -> None:
    manifest = str(tmp_path / "assets-manifest.json")
    a, b, c = (str(tmp_path.resolve() / name) for name in ("a.css", "b.css", "c.css"))
    generations.record(manifest, [a, c], built_at=1)
    generations.record(manifest, [b, c], built_at=2)
    generations.record(manifest, [b, c], built_at=3)  # no-op build: not a new generation
    assert generations.load(manifest) == History((2, 1), {a: 1, b: 0, c: 0})
    assert generations.history_path(manifest) == str(tmp_path / "assets-manifest.history.json")


def test_history_stores_what_changed_and_folds_the_oldest(tmp_path: Path) -> None:
    manifest = str(tmp_path / "assets-manifest.json")
    files = [str(tmp_path.resolve() / f"f{i}.0123456789abcdef.png") for i in range(2000)]
    for build in range(generations.KEEP_HISTORY + 10):  # each build changes one file
        generations.record(manifest, [*files[1:], f"{files[0]}.{build}"], built_at=build)
    size = Path(generations.history_path(manifest)).stat().st_size
    assert size < 3 * len(json.dumps(files))  # the oldest in full, then two names per build
    history = generations.load(manifest)
    assert len(history.built_at) == generations.KEEP_HISTORY
    assert history.built_at[0] == generations.KEEP_HISTORY + 9  # newest first
    assert history.newest[files[1]] == 0 and history.newest[f"{files[0]}.{generations.KEEP_HISTORY + 8}"] == 1
    assert f"{files[0]}.0" not in history.newest and not history.retired_at  # folded away; the file is gone


def test_a_history_of_the_previous_format_is_read(tmp_path: Path) -> None:
    manifest = tmp_path / "assets-manifest.json"
    doc = {"format": 1, "generations": [{"built_at": 2, "files": ["b.css"]}, {"built_at": 1, "files": ["a.css"]}]}
    Path(generations.history_path(str(manifest))).write_text(json.dumps(doc))
    base = tmp_path.resolve()
    assert generations.load(str(manifest)) == History((2, 1), {str(base / "a.css"): 1, str(base / "b.css"): 0})


def test_an_unreadable_history_is_empty(tmp_path: Path) -> None:
    manifest = tmp_path / "assets-manifest.json"
    Path(generations.history_path(str(manifest))).write_text("{not json")
    assert generations.load(str(manifest)) == History()
