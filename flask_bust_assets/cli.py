"""``flask assets build``: thin click commands over build.py.

Flask-Assets registers its ``assets`` group through the ``flask.commands``
entry point, and Flask lets that group shadow any ``app.cli`` group of the same
name. So we do not add a rival group: we replace the subcommands of that very
group object, and our own entry point names the same object. Whichever entry
point Flask loads first, ``flask assets`` is one group whose commands run our
pipeline for apps with BustAssets and stock Flask-Assets for any other app.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click
import flask_assets
from flask import current_app
from flask.cli import with_appcontext

from .clean import DEFAULT_AGE, DEFAULT_KEEP
from .errors import BustAssetsError
from .templating import STATE_KEY

assets_group: click.Group = flask_assets.assets
_stock_build = assets_group.commands["build"]
_stock_clean = assets_group.commands["clean"]


@click.command("build")
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if the manifest is stale.")
@with_appcontext
def build(check_only: bool) -> None:
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
        report = state.build()
    except BustAssetsError as exc:
        raise click.ClickException(str(exc)) from exc
    for result in report.results:
        for message in result.warnings:
            click.echo(f"warning: {message}", err=True)
        if result.error is not None:
            click.echo(f"FAILED  {result.error}", err=True)
            continue
        for entry in result.outputs:
            verb = "reused " if result.reused else "built  "  # reused: nothing it reads changed
            click.echo(
                f"{verb} {result.name}  {entry.path}  {entry.source_size:,} B -> {entry.size:,} B"
                f"  {result.seconds * 1000:.0f} ms"
            )
    for message in report.static.warnings:
        click.echo(f"warning: {message}", err=True)
    for error in report.static.errors:
        click.echo(f"FAILED  {error}", err=True)
    if not report.ok:
        failures = len(report.failed) + len(report.static.errors)
        click.echo(
            f"Build failed: {failures} problem(s). Nothing was written; "
            f"the previous manifest {settings.manifest_path} and its files are unchanged.",
            err=True,
        )
        sys.exit(1)
    click.echo(f"digested {len(report.static.files)} static files  {report.static.seconds * 1000:.0f} ms")
    click.echo(f"compressed {report.compressed} new variants (br, gzip)")
    click.echo(f"Wrote {settings.manifest_path} ({len(report.results)} bundles).")


@click.command("check")
@with_appcontext
def check() -> None:
    """Exit 1 if the manifest is stale against the sources; writes nothing (for CI and deploy hooks)."""
    state = _state()
    try:
        problems = state.check()
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
@with_appcontext
def clean(keep: int, age: int, dry_run: bool) -> None:
    """Remove digested files no recent build names (stock Flask-Assets clean for other apps)."""
    if STATE_KEY not in current_app.extensions:
        click.get_current_context().invoke(_stock_clean)
        return
    try:
        report = _state().clean(keep=keep, age=age, dry_run=dry_run)
    except BustAssetsError as exc:
        raise click.ClickException(f"{exc} Nothing was removed.") from exc
    verb = "would remove" if dry_run else "removed"
    for path in report.removed:
        click.echo(f"{verb}  {os.path.relpath(path)}")
    click.echo(f"{verb.capitalize()} {len(report.removed)} files ({report.freed:,} B); kept the last {keep} builds.")


def _state() -> Any:
    state = current_app.extensions.get(STATE_KEY)
    if state is None:
        raise click.ClickException("This app has no BustAssets; call BustAssets(app) or assets.init_app(app).")
    return state


assets_group.add_command(build)
assets_group.add_command(check)
assets_group.add_command(clean)
