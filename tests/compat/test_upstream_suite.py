"""Flask-Assets 2.1.0's own test suite, stock and with BustAssets swapped in: only documented differences fail.

The sdist comes from the package index (``pip download --no-binary``) at a pinned
version; upstream_conftest.py makes it run on today's pytest and does the swap.
Each difference is listed by test name in docs/migration.md with its reason.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..helpers import clean_env, junit_outcomes, pypi_sdist

UPSTREAM = "Flask-Assets==2.1.0"
REPO = Path(__file__).resolve().parents[2]
# Test id -> the row of docs/migration.md's "what differs" table that explains it.
# Each run starts from a fresh copy: the suite's apps share one instance folder (the sdist's), so in
# a folder a previous run built, test_custom_load_path finds that build and gets a digested URL too
# (the "output names" row).
DIFFERENCES = {
    "tests/test_integration.py::TestUrlAndDirectory::test_glob": "bundle without `output=`",
}


def start_suite(tmp_path: Path, swap: bool) -> tuple[Path, subprocess.Popen[str]]:
    """Start the upstream suite in a copy of the sdist (stock, or swapped); its JUnit report goes to report.xml."""
    suite = tmp_path / ("swapped" if swap else "stock")
    shutil.copytree(pypi_sdist(UPSTREAM), suite)
    shutil.copyfile(Path(__file__).with_name("upstream_conftest.py"), suite / "tests/conftest.py")
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=report.xml", "tests"],
        cwd=suite, env=clean_env(BUST_SWAP="1" if swap else "0"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    return suite, process


def outcomes_of(suite: Path, process: subprocess.Popen[str]) -> dict[str, str]:
    """Every test id of a finished run -> "passed", "failed" or "skipped"."""
    output, _ = process.communicate(timeout=300)
    report = suite / "report.xml"
    assert report.exists(), output[-3000:]
    return junit_outcomes(report, suite)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("upstream")
    runs = {swap: start_suite(tmp, swap) for swap in (False, True)}  # side by side: half the wall time
    return {swap: outcomes_of(*run) for swap, run in runs.items()}


def test_the_upstream_suite_passes_with_stock_flask_assets(outcomes: dict[bool, dict[str, str]]) -> None:
    """The baseline: with stock Environment every test passes here, so a failure after the swap is ours."""
    stock = outcomes[False]
    assert len(stock) >= 25
    assert [t for t, outcome in stock.items() if outcome == "failed"] == []


def test_with_bustassets_only_the_documented_differences_fail(outcomes: dict[bool, dict[str, str]]) -> None:
    stock, swapped = outcomes[False], outcomes[True]
    assert swapped.keys() == stock.keys(), "the swap lost or gained tests"
    failed = {t for t, outcome in swapped.items() if outcome == "failed"}
    assert failed == set(DIFFERENCES)
    assert [t for t, o in swapped.items() if o == "skipped"] == [t for t, o in stock.items() if o == "skipped"]


def test_each_difference_is_documented_by_test_name() -> None:
    migration = (REPO / "docs/migration.md").read_text(encoding="utf-8")
    for test_id, row in DIFFERENCES.items():
        assert test_id.rsplit("::", 1)[1] in migration, f"docs/migration.md does not name {test_id}"
        assert f"| {row} |" in migration, f"docs/migration.md has no '{row}' row for {test_id}"
