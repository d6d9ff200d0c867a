"""What `flask assets build` prints: warnings, failures, the table, a progress line on a terminal."""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import click

from ..pipeline.report import count
from ..pipeline.report import table as report_table


def print_report(report: Any, manifest_path: str, quiet: bool) -> None:
    """Warnings and failures on stderr; on success the table (unless ``quiet``) and where the manifest went."""
    # A stylesheet both bundled and digested is read twice: say each thing once.
    warnings = report.warnings + [w for r in report.results for w in r.warnings] + report.static.warnings
    for message in dict.fromkeys(warnings):
        click.echo(click.style("warning: ", fg="yellow") + message, err=True)
    failures = [r.error for r in report.failed] + report.errors + report.static.errors
    errors = list(dict.fromkeys(str(e) for e in failures))
    for error in errors:
        click.echo(click.style("FAILED  ", fg="red", bold=True) + error, err=True)
    if not report.ok:
        kept = (
            f"the previous manifest {manifest_path} and its files are unchanged."
            if os.path.exists(manifest_path)
            else "there is no manifest yet."
        )
        click.echo(f"Build failed: {count(len(errors), 'problem')}. Nothing was written; {kept}", err=True)
        return
    if not quiet:
        for line in report_table(report, click.style):
            click.echo(line)  # click drops the colours when stdout is not a terminal
        if report.static.unchanged:
            click.echo(f"Nothing changed: {manifest_path} is up to date ({count(len(report.results), 'bundle')}).")
        else:
            click.echo(f"Wrote {manifest_path} ({count(len(report.results), 'bundle')}).")


def progress_line(steps: int) -> Any:
    """A progress line on a terminal's stderr, once a build has taken over a second."""
    started = time.monotonic()
    done = [0]
    terminal = sys.stderr.isatty()

    def step(name: str) -> None:
        done[0] += 1
        if terminal and time.monotonic() - started > 1.0:
            filled = int(24 * done[0] / steps)
            end = "\n" if done[0] >= steps else ""
            click.echo(f"\r[{'#' * filled}{'.' * (24 - filled)}] {done[0]}/{steps} {name[:40]:<40}", nl=False, err=True)
            click.echo(end, nl=False, err=True)

    return step
