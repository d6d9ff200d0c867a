"""The releases we say we support are the ones CI runs: pyproject's floors, .ci/oldest.txt, README."""

from __future__ import annotations

import os
import re
import sys
import warnings
from importlib.metadata import metadata, requires, version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Our direct dependencies whose oldest release CI proves (.ci/matrix); the rest are ours alone to pick.
FLOORED = ("flask", "werkzeug", "jinja2", "markupsafe", "click", "flask-assets", "webassets")


def oldest_pins() -> dict[str, str]:
    lines = (ROOT / ".ci" / "oldest.txt").read_text().splitlines()
    return dict(line.split("==") for line in lines if line and not line.startswith("#"))


def declared_floors() -> dict[str, str]:
    """pyproject.toml's runtime requirements, as the installed package's metadata states them."""
    floors = {}
    for requirement in requires("flask-bust-assets") or []:
        if "extra ==" in requirement:
            continue  # the extras' test tools and engines: not floors we promise
        found = re.match(r"([A-Za-z0-9_.-]+)\s*(?:>=\s*([^;,\s]+))?", requirement)
        assert found, requirement
        floors[found[1].lower()] = found[2]
    return floors


def test_each_declared_floor_is_the_release_ci_runs_as_oldest() -> None:
    pins, floors = oldest_pins(), declared_floors()
    assert {name: floors.get(name) for name in FLOORED} == {name: pins.get(name) for name in FLOORED}
    assert metadata("flask-bust-assets")["Requires-Python"] == ">=3.10"


def test_readme_states_the_supported_releases() -> None:
    pins = oldest_pins()
    readme = (ROOT / "README.md").read_text()
    for name, label in (("flask", "Flask"), ("werkzeug", "Werkzeug"), ("flask-assets", "Flask-Assets")):
        assert f"{label} {'.'.join(pins[name].split('.')[:2])}" in readme, name
    assert f"webassets {pins['webassets']}" in readme and "Python 3.10" in readme


@pytest.mark.skipif(os.environ.get("BUST_MATRIX") != "oldest", reason="only in .ci/matrix's oldest set")
def test_the_oldest_set_really_runs_the_oldest_releases() -> None:
    assert {name: version(name) for name in FLOORED} == {name: oldest_pins()[name] for name in FLOORED}
    assert sys.version_info[:2] == (3, 10) or "no Python 3.10" in os.environ.get("BUST_MATRIX_NOTE", "")


def test_a_deprecation_our_package_triggers_fails_the_suite() -> None:
    # pyproject's filterwarnings: what we call that a newer Flask or webassets deprecates must be
    # fixed, not left to break on their next major release.
    for category in (DeprecationWarning, PendingDeprecationWarning):
        with pytest.raises(category):
            warnings.warn_explicit("old API", category, "flask_bust_assets/web/x.py", 1, module="flask_bust_assets.web")
