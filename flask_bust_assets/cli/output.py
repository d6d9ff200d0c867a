"""What `flask assets build` prints: warnings, failures, the table, a progress line on a terminal."""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from ..build.report import table as report_table


def print_report(report: Any, manifest_path: str, quiet: bool) -> None:
    """Warnings and failures on stderr; on success the table (unless ``quiet``) and where the manifest went."""
    for message in [w for r in report.results for w in r.warnings] + report.static.warnings:
        click.echo(click.style("warning: ", fg="yellow") + message, err=True)
    for error in [r.error for r in report.failed] + report.static.errors:
        click.echo(click.style("FAILED  ", fg="red", bold=True) + str(error), err=True)
    if not report.ok:
        click.echo(
            f"Build failed: {len(report.failed) + len(report.static.errors)} problem(s). Nothing was written; "
            f"the previous manifest {manifest_path} and its files are unchanged.",
            err=True,
        )
        return
    if not quiet:
        for line in report_table(report, click.style):
            click.echo(line)  # click drops the colours when stdout is not a terminal
        if report.static.unchanged:
            click.echo(f"Nothing changed: {manifest_path} is up to date ({len(report.results)} bundles).")
        else:
            click.echo(f"Wrote {manifest_path} ({len(report.results)} bundles).")


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
