"""`flask assets` (build, check, clean, watch, publish): thin click commands over web/commands.py.

Flask-Assets registers its ``assets`` group through the ``flask.commands``
entry point, and Flask lets that group shadow any ``app.cli`` group of the same
name. So we do not add a rival group: we replace the subcommands of that very
group object, and our own entry point names the same object. Whichever entry
point Flask loads first, ``flask assets`` is one group whose commands run our
pipeline for apps with BustAssets and stock Flask-Assets for any other app.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
import time
import traceback
from typing import Any

import click
import flask_assets
from flask import current_app
from flask.cli import ScriptInfo

from .build.clean import DEFAULT_AGE, DEFAULT_KEEP
from .build.report import as_json as report_json
from .build.report import table as report_table
from .build.sources import SourceWatch
from .build.webassets_api import named_bundles
from .errors import LOADING_FOR_COMMAND, BustAssetsError
from .web import commands
from .web.bundles import unknown_filter_message
from .web.templating import STATE_KEY

assets_group: click.Group = flask_assets.assets
_stock_build = assets_group.commands["build"]
_stock_clean = assets_group.commands["clean"]
_stock_watch = assets_group.commands["watch"]


def with_app(command: Any) -> Any:
    """Flask's ``with_appcontext``, with one clear line for a bad bundle or setting at load time.

    The app module runs ``assets.register()`` when it is imported; an error there
    would otherwise reach the user as a traceback through click and Flask.
    """

    @click.pass_context
    def load_and_run(ctx: click.Context, /, *args: Any, **kwargs: Any) -> Any:
        if not current_app:
            loading = LOADING_FOR_COMMAND.set(True)
            try:
                app = ctx.ensure_object(ScriptInfo).load_app()
            except BustAssetsError as exc:
                raise click.ClickException(str(exc)) from exc
            except ValueError as exc:
                bad = _unknown_filter(exc)
                if bad is None:
                    raise
                raise click.ClickException(unknown_filter_message(None, bad[0], bad[1])) from exc
            finally:
                LOADING_FOR_COMMAND.reset(loading)
            ctx.with_resource(app.app_context())
        return ctx.invoke(command, *args, **kwargs)

    return functools.update_wrapper(load_and_run, command)


def _unknown_filter(exc: ValueError) -> tuple[str, str] | None:
    """(filter name, "file:line" of the Bundle call) if webassets refused a filter name."""
    match = re.fullmatch(r"No filter '(.+)'", str(exc))
    frames = traceback.extract_tb(exc.__traceback__)
    if match is None or not frames or frames[-1].name != "get_filter":
        return None
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    users = [f for f in frames if "webassets" not in f.filename and not f.filename.startswith(here)]
    where = f"{os.path.relpath(users[-1].filename)}:{users[-1].lineno}" if users else ""
    return match.group(1), where


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
            state, progress=None if quiet or as_json else _progress(len(named_bundles(state.env)) + 1)
        )
    except BustAssetsError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report_json(report, settings.manifest_path), indent=2))
    else:
        _print_report(report, settings.manifest_path, quiet)
    if not report.ok:
        sys.exit(1)


def _print_report(report: Any, manifest_path: str, quiet: bool) -> None:
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
        click.echo(f"Wrote {manifest_path} ({len(report.results)} bundles).")


def _progress(steps: int) -> Any:
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
    click.echo(f"{verb.capitalize()} {len(report.removed)} files ({report.freed:,} B); kept the last {keep} builds.")


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
    try:
        while True:
            snapshot = commands.watch_snapshot(state, watch)
            if snapshot != last:
                last = snapshot
                report = commands.build(state)
                _print_report(report, state.settings.build.manifest_path, quiet=True)
                if report.ok:
                    plain = report_table(report, lambda text, **_: text)[1:-1]  # rows only
                    for line in plain:
                        if line.endswith("built"):  # what this round rebuilt
                            click.echo(click.style(line, fg="green"))
                last = commands.watch_snapshot(state, watch)  # the build's own outputs are not changes
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("Stopped watching.")


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
