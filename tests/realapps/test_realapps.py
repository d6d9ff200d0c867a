"""Real public Flask-Assets apps, switched with one line, against stock Flask-Assets side by side.

For each app of catalog.py: `flask assets build` passes where stock's does (and says only
true things), its pages render in production and in debug with every URL they reference
serving what stock serves for that logical file, an edited stylesheet gets a new URL
while the old one works until `clean`, and its own test suite loses no test. Apps only
in git run with BUST_REALAPPS set (see catalog.py) and skip without it, even in CI.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .catalog import CATALOG, RealApp, runnable
from .exercise import Outcome, differences, exercise, logical

CHECKS = ("build", "report", "production", "debug", "edit", "tests")
_outcomes: dict[str, Outcome] = {}


def params(check: str) -> list[Any]:
    marks = {
        app.name: [pytest.mark.xfail(strict=True, reason=app.xfail[check])] if check in app.xfail else []
        for app in CATALOG
    }
    return [pytest.param(app, id=app.name, marks=marks[app.name]) for app in CATALOG if runnable(app)]


@pytest.fixture
def outcome(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    app: RealApp = request.param
    source = app.source()
    if source is None:
        pytest.skip(f"{app.name} ({app.pinned}) is not on the package index: set BUST_REALAPPS to run it")
    if app.name not in _outcomes:
        _outcomes[app.name] = exercise(app, source, tmp_path_factory.mktemp(app.name))
    return _outcomes[app.name]


def check(name: str) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("outcome", params(name), indirect=True)


@check("build")
def test_builds_where_stock_builds(outcome: Outcome) -> None:
    builds = outcome.get("build")
    stock, ours = builds["stock"][0], builds["ours"][0]
    assert stock.returncode == 0, f"stock's build fails, the check is void: {stock.stderr[-2000:]}"
    assert ours.returncode == 0, ours.stdout[-3000:] + ours.stderr[-3000:]
    assert "Traceback" not in ours.stderr


@check("report")
def test_the_build_report_says_larger_only_when_true(outcome: Outcome) -> None:
    report = outcome.get("build")["ours"][0].stdout
    false_notes = re.findall(r"note: (\S+) came out larger than its sources.*url\(\) references", report)
    assert false_notes == [], f"{outcome.app.name}: {report[-2000:]}"


@check("production")
def test_production_pages_serve_what_stock_serves(outcome: Outcome) -> None:
    drives = outcome.get("production")
    assert all(info["status"] < 500 for info in drives["stock"]["pages"].values())
    assert differences(drives["stock"], drives["ours"]) == []


@check("debug")
def test_debug_pages_serve_what_stock_serves(outcome: Outcome) -> None:
    drives = outcome.get("debug")
    assert all(info["status"] < 500 for info in drives["stock"]["pages"].values()), "stock's pages fail: void"
    assert differences(drives["stock"], drives["ours"]) == []


@check("edit")
def test_an_edit_gets_a_new_url_and_the_old_one_works_until_clean(outcome: Outcome) -> None:
    edit = outcome.get("edit")
    assert edit["rebuilt"]["ours"].returncode == 0, edit["rebuilt"]["ours"].stderr[-2000:]
    before = {u for page in edit["before"]["pages"].values() for u in page["refs"]}
    after = {u for page in edit["after"]["ours"]["pages"].values() for u in page["refs"]}
    gone, new = before - after, after - before
    assert gone and {logical(u) for u in gone} == {logical(u) for u in new}, "the edited bundle's URL did not change"
    urls = edit["after"]["ours"]["urls"]
    assert all(urls[u]["status"] == 200 for u in gone | new), "an old URL stopped working before clean"
    assert differences(edit["after"]["stock"], edit["after"]["ours"]) == []
    assert edit["clean"].returncode == 0, edit["clean"].stderr[-2000:]
    cleaned = edit["after_clean"]["urls"]
    assert all(cleaned[u]["status"] == 404 for u in gone), "clean left the replaced file"
    assert all(cleaned[u]["status"] == 200 for u in new)


@check("tests")
def test_its_own_test_suite_loses_no_test(outcome: Outcome) -> None:
    suites = outcome.get("tests")
    if not outcome.app.tests:
        pytest.skip(f"{outcome.app.name} ships no test suite")
    passed = {t for t, o in suites["stock"].items() if o == "passed"}
    assert passed, "stock ran no test: the check is void"
    lost = sorted(t for t in passed if suites["ours"].get(t) != "passed")
    assert lost == []


def test_the_catalog_is_documented() -> None:
    """docs/compat.md names each app with the version or commit its checks were written against."""
    doc = (Path(__file__).resolve().parents[2] / "docs/compat.md").read_text(encoding="utf-8")
    for app in CATALOG:
        assert app.name in doc and app.pinned.split(" ")[0] in doc, app.name
