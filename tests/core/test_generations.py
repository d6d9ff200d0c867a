"""core/generations.py: which files `clean` may retire, and the history a build leaves."""

from __future__ import annotations

import os
from pathlib import Path

from flask_bust_assets.core import generations
from flask_bust_assets.core.generations import Generation, retired


def gen(built_at: float, *files: str) -> Generation:
    return Generation(built_at, frozenset(files))


HISTORY = [gen(300, "/s/c3.css"), gen(200, "/s/c2.css"), gen(100, "/s/c1.css")]  # newest first


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
    a, b = str(tmp_path / "a.css"), str(tmp_path / "b.css")
    generations.record(manifest, [a], built_at=1)
    generations.record(manifest, [b], built_at=2)
    generations.record(manifest, [b], built_at=3)  # no-op build: not a new generation
    assert generations.load(manifest) == [gen(2, b), gen(1, a)]
    assert generations.history_path(manifest) == str(tmp_path / "assets-manifest.history.json")


def test_an_unreadable_history_is_empty(tmp_path: Path) -> None:
    manifest = tmp_path / "assets-manifest.json"
    Path(generations.history_path(str(manifest))).write_text("{not json")
    assert generations.load(str(manifest)) == []
