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


def test_a_file_no_generation_names_is_judged_by_its_own_age(tmp_path: Path) -> None:
    stray = tmp_path / "old.0123456789abcdef.css"
    stray.write_text("x")
    os.utime(stray, (1000, 1000))
    kwargs = {"current": frozenset[str](), "keep": 1}
    assert retired([str(stray)], HISTORY, age=50, now=1040, **kwargs) == []
    assert retired([str(stray)], HISTORY, age=50, now=1051, **kwargs) == [str(stray)]
    assert retired([str(tmp_path / "gone.css")], HISTORY, age=0, now=9999, **kwargs) == []  # vanished: skipped


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
    assert f"{files[0]}.0" not in history.newest  # folded away: judged by its own age


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
