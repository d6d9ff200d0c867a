"""Every test file in tests/ is collected by the project's own pytest configuration.

pytest's default ``norecursedirs`` holds ``build``, which once hid tests/pipeline/
from every CI run without a word; any such rule hides a folder the same way.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_test_file_is_collected() -> None:
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("test_*.py")}
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    collected = {line.split("::", 1)[0] for line in listed.splitlines() if "::" in line}
    assert on_disk - collected == set(), "test files pytest never collects (see norecursedirs in pyproject.toml)"


def test_no_folder_is_named_like_build_output() -> None:
    # pytest's norecursedirs, GitHub's Python .gitignore and structure tools all skip these names.
    named = [
        p.relative_to(ROOT).as_posix()
        for top in ("flask_bust_assets", "tests")
        for p in (ROOT / top).rglob("*")
        if p.is_dir() and p.name in ("build", "dist") and "node_modules" not in p.parts
    ]
    assert named == []
