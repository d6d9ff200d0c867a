"""Real apps (tests/realapps/catalog.py): build time, peak memory and output size, stock beside ours.

Each build is a fresh process (`flask assets build`, in the app's own venv, through
child.py for its peak memory) on a fresh copy of the app's project: a cold build, as
in a deploy. "Referenced" is the bytes of every URL the app's pages reference (their
stylesheets, scripts, images, and what the stylesheets load), as served by ours after
the build. The issue-23 goals: ours at most 2x stock's seconds plus 1 s, and an
output at most 3x the referenced bytes. Apps only in git need BUST_REALAPPS.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from tests.realapps.catalog import CATALOG, RealApp, runnable
from tests.realapps.exercise import prepare
from tests.realapps.harness import Side, sides, snapshot, written

CHILD = Path(__file__).with_name("child.py")


def build(side: Side) -> tuple[float, float, int]:
    """Seconds, peak MiB and bytes written of one cold `flask assets build` in ``side``."""
    result = side.project.parent / f"{side.project.name}-result.json"
    before = snapshot(side.project)
    started = time.perf_counter()
    done = subprocess.run(
        [str(side.venv / "bin/python"), str(CHILD), str(result), "--app", side.app.flask_app, "assets", "build"],
        cwd=side.project, env=side.env(), capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    outcome = json.loads(result.read_text())
    if outcome["code"] not in (0, None):
        raise RuntimeError(f"{side.app.name} ({side.project.name}) build failed: {done.stderr[-2000:]}")
    return seconds, float(outcome["peak_mib"]), written(before, side.project)


def referenced(side: Side) -> int:
    """Bytes of every URL the app's pages reference, as served."""
    result = side.drive("benchmark")
    return sum((Path(result["bodies"]) / info["body"]).stat().st_size for info in result["urls"].values())


def measure(app: RealApp, source: Path, repeat: int) -> dict[str, object]:
    runs: dict[str, list[tuple[float, float, int]]] = {"stock": [], "ours": []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            stock, ours = sides(app, source, Path(tmp))
            for side in (stock, ours):  # its database, untimed: a deploy has one before it builds
                prepare(side)
            runs["stock"].append(build(stock))
            runs["ours"].append(build(ours))
        pages = referenced(ours)
    row: dict[str, object] = {"referenced": pages}
    for label, results in runs.items():
        row[f"{label}_s"] = statistics.median(s for s, _, _ in results)
        row[f"{label}_mib"] = max(m for _, m, _ in results)
        row[f"{label}_out"] = statistics.median(b for _, _, b in results)
    return row


def mb(size: object) -> str:
    return f"{float(size) / 1e6:.2f}"  # type: ignore[arg-type]


def main(quick: bool = False) -> None:
    repeat = 1 if quick else 3
    print(f"## Real apps (cold builds, each a fresh process on a fresh copy; median of {repeat})\n")
    print(
        "| app | stock s | ours s | ours / stock | goal: 2x + 1 s | stock MiB | ours MiB | stock output MB "
        "| ours output MB | pages reference MB | ours output / referenced (goal 3x) |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for app in CATALOG:
        source = app.source()
        if not runnable(app) or source is None:
            print(
                f"| {app.name} | not run: {'no `flask assets build`' if not runnable(app) else 'set BUST_REALAPPS'} "
                "| | | | | | | | | |"
            )
            continue
        try:
            row = measure(app, source, repeat)
        except (RuntimeError, AssertionError) as error:  # one app's broken recipe must not hide the others
            print(f"| {app.name} | failed: {str(error).splitlines()[0][:200]} | | | | | | | | | |")
            continue
        stock_s, ours_s = float(row["stock_s"]), float(row["ours_s"])  # type: ignore[arg-type]
        goal = "met" if ours_s <= 2 * stock_s + 1 else "**missed**"
        ratio = float(row["ours_out"]) / max(1, int(row["referenced"]))  # type: ignore[arg-type]
        print(
            f"| {app.name} | {stock_s:.2f} | {ours_s:.2f} | {ours_s / stock_s:.2f}x | {goal} "
            f"| {row['stock_mib']:.0f} | {row['ours_mib']:.0f} | {mb(row['stock_out'])} | {mb(row['ours_out'])} "
            f"| {mb(row['referenced'])} | {ratio:.2f}x{'' if ratio <= 3 else ' **missed**'} |"
        )
