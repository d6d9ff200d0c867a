"""``flask assets build``: thin click commands over build.py.

Flask-Assets registers its ``assets`` group through the ``flask.commands``
entry point, and Flask lets that group shadow any ``app.cli`` group of the same
name. So we do not add a rival group: we replace the subcommands of that very
group object, and our own entry point names the same object. Whichever entry
point Flask loads first, ``flask assets`` is one group whose commands run our
pipeline for apps with BustAssets and stock Flask-Assets for any other app.
"""

from __future__ import annotations

import sys

import click
import flask_assets
from flask import current_app
from flask.cli import with_appcontext

from .errors import BustAssetsError
from .templating import STATE_KEY

assets_group: click.Group = flask_assets.assets
_stock_build = assets_group.commands["build"]
_stock_clean = assets_group.commands["clean"]


@click.command("build")
@with_appcontext
def build() -> None:
    """Build every bundle: minify, name by content hash, write the manifest."""
    state = current_app.extensions.get(STATE_KEY)
    if state is None:
        click.get_current_context().invoke(_stock_build)
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
            click.echo(
                f"built   {result.name}  {entry.path}  {entry.source_size:,} B -> {entry.size:,} B"
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
    click.echo(f"Wrote {settings.manifest_path} ({len(report.results)} bundles).")


@click.command("clean")
@with_appcontext
def clean() -> None:
    """Remove old generations of digested files (stock Flask-Assets for other apps)."""
    if STATE_KEY not in current_app.extensions:
        click.get_current_context().invoke(_stock_clean)
        return
    # Stock clean deletes the *current* outputs, which running servers still
    # link to; refusing is safer than that until generations land (issue 4).
    raise click.ClickException(
        "flask-bust-assets does not clean old generations yet; digested files are kept. "
        "Delete unneeded files under the output folder by hand if you must."
    )


assets_group.add_command(build)
assets_group.add_command(clean)
