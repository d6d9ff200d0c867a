"""`flask assets` (build, check, clean, watch, publish): thin click commands over web/commands.py.

Flask-Assets registers its ``assets`` group through the ``flask.commands``
entry point, and Flask lets that group shadow any ``app.cli`` group of the same
name. So we do not add a rival group: we replace the subcommands of that very
group object, and our own entry point names the same object. Whichever entry
point Flask loads first, ``flask assets`` is one group whose commands run our
pipeline for apps with BustAssets and stock Flask-Assets for any other app.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from typing import Any

import click
import flask_assets
from flask import current_app

from ..errors import BustAssetsError
from ..pipeline.clean import DEFAULT_AGE, DEFAULT_KEEP
from ..pipeline.report import as_json as report_json
from ..pipeline.report import count
from ..pipeline.report import table as report_table
from ..pipeline.sources import SourceWatch
from ..pipeline.webassets_api import named_bundles
from ..web import commands
from ..web.templating import STATE_KEY
from .loading import with_app
from .output import print_report, progress_line

assets_group: click.Group = flask_assets.assets
_stock_build = assets_group.commands["build"]
_stock_clean = assets_group.commands["clean"]
_stock_watch = assets_group.commands["watch"]


@click.command("build")
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if the manifest is stale.")
@click.option("--quiet", "-q", is_flag=True, help="Print only warnings and errors.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout, for CI.")
@with_app
def build(check_only: bool, quiet: bool, as_json: bool) -> None:
    """Build every bundle and static file: minify, name by content hash, write the manifest."""
    state = current_app.extensions.get(STATE_KEY)
    if state is None:
        click.get_current_context().invoke(_stock_build)
        return
    if check_only:
        click.get_current_context().invoke(check)
        return
    try:
        settings = state.settings.build
        report = commands.build(
            state, progress=None if quiet or as_json else progress_line(len(named_bundles(state.env)) + 1)
        )
    except BustAssetsError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report_json(report, settings.manifest_path), indent=2))
    else:
        print_report(report, settings.manifest_path, quiet)
    if not report.ok:
        sys.exit(1)


@click.command("check")
@with_app
def check() -> None:
    """Exit 1 if the manifest is stale against the sources; writes nothing (for CI and deploy hooks)."""
    state = _state()
    try:
        problems = commands.check(state)
    except BustAssetsError as exc:
        raise click.ClickException(str(exc)) from exc
    if problems:
        for problem in problems:
            click.echo(f"stale   {problem}", err=True)
        click.echo("The manifest is stale: run `flask assets build`.", err=True)
        sys.exit(1)
    click.echo(f"{state.settings.build.manifest_path} is up to date.")


@click.command("clean")
@click.option("--keep", default=DEFAULT_KEEP, show_default=True, type=click.IntRange(min=1), help="Builds to keep.")
@click.option(
    "--age",
    default=DEFAULT_AGE,
    show_default=True,
    type=click.IntRange(min=0),
    help="Seconds a retired file stays after a newer build stopped naming it.",
)
@click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
@with_app
def clean(keep: int, age: int, dry_run: bool) -> None:
    """Remove digested files no recent build names (stock Flask-Assets clean for other apps)."""
    if STATE_KEY not in current_app.extensions:
        click.get_current_context().invoke(_stock_clean)
        return
    try:
        report = commands.clean(_state(), keep=keep, age=age, dry_run=dry_run)
    except BustAssetsError as exc:
        raise click.ClickException(f"{exc} Nothing was removed.") from exc
    verb = "would remove" if dry_run else "removed"
    for path in report.removed:
        click.echo(f"{verb}  {os.path.relpath(path)}")
    click.echo(
        f"{verb.capitalize()} {count(len(report.removed), 'file')} ({report.freed:,} B); "
        f"kept the last {count(keep, 'build')}."
    )


@click.command("watch")
@click.option(
    "--interval", default=0.5, show_default=True, type=click.FloatRange(min=0.05), help="Seconds between looks."
)
@with_app
def watch(interval: float) -> None:
    """Rebuild through the same pipeline whenever a source or static file changes (Ctrl+C stops)."""
    state = _state()
    click.echo(f"Watching {len(named_bundles(state.env))} bundles and the static folders; Ctrl+C to stop.")
    watch, last = SourceWatch(state.env, None), None
    # Stop on SIGTERM too (process managers, `kill`), and on SIGINT even where a background job
    # of a non-interactive shell started with it ignored (Python then leaves it ignored).
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stop)
    try:
        while True:
            snapshot = commands.watch_snapshot(state, watch)
            if snapshot != last:
                last = snapshot
                report = commands.build(state)
                print_report(report, state.settings.build.manifest_path, quiet=True)
                if report.ok:
                    plain = report_table(report, lambda text, **_: text)[1:-1]  # rows only
                    for line in plain:
                        if line.endswith("built"):  # what this round rebuilt
                            click.echo(click.style(line, fg="green"))
                last = commands.watch_snapshot(state, watch)  # the build's own outputs are not changes
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("Stopped watching.")


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@click.command("publish")
@click.option("--dry-run", is_flag=True, help="List what would be uploaded; upload nothing.")
@with_app
def publish(dry_run: bool) -> None:
    """Upload the current build to BUST_ASSETS_S3_BUCKET, skipping what is there, the manifest last."""
    try:
        report = commands.publish(_state(), dry_run=dry_run)
    except BustAssetsError as exc:
        raise click.ClickException(str(exc)) from exc
    verb = "would upload" if dry_run else "uploaded"
    for key in report.uploaded:
        click.echo(f"{verb}  {key}")
    for key, error in report.failed:
        click.echo(click.style("FAILED  ", fg="red", bold=True) + f"{key}: {error}", err=True)
    if not report.ok:
        if report.missing:  # publishing again uploads the same manifest, naming the same missing files
            click.echo(
                f"Publish failed: {report.missing} file(s) the manifest names are missing from the output folder; "
                "the bucket keeps its previous manifest. Run `flask assets build`, then publish again.",
                err=True,
            )
        else:
            click.echo("Publish failed: the bucket keeps its previous manifest; run it again.", err=True)
        sys.exit(1)
    click.echo(f"{verb.capitalize()} {len(report.uploaded)} objects; {report.skipped} were there already.")


def _state() -> Any:
    state = current_app.extensions.get(STATE_KEY)
    if state is None:
        raise click.ClickException("This app has no BustAssets; call BustAssets(app) or assets.init_app(app).")
    return state


assets_group.add_command(build)
assets_group.add_command(check)
assets_group.add_command(clean)
assets_group.add_command(watch)
assets_group.add_command(publish)
