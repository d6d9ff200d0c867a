"""Loading the app for a `flask assets` command: one clear line for a bad bundle or setting."""

from __future__ import annotations

import functools
import os
import re
import traceback
from typing import Any

import click
from flask import current_app
from flask.cli import ScriptInfo

from ..errors import BustAssetsError
from ..web.bundles import unknown_filter_message
from ..web.process_manifest import LOADING_FOR_COMMAND


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
    match = re.fullmatch(r"No filter '(.*)'", str(exc))
    frames = traceback.extract_tb(exc.__traceback__)
    if match is None or not frames or frames[-1].name != "get_filter":
        return None
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    users = [f for f in frames if "webassets" not in f.filename and not f.filename.startswith(here)]
    where = f"{os.path.relpath(users[-1].filename)}:{users[-1].lineno}" if users else ""
    return match.group(1), where
