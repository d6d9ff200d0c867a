"""Where generated files go: each output path in the output folder, laid out by its URL path.

A bundle output is placed first where webassets would put it (a static folder,
or ASSETS_DIRECTORY), which decides its URL and is checked to stay inside that
folder; the file itself is then written under the output folder, never there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from webassets.bundle import ContextWrapper

from ..core import generations
from ..core.digest import VERSION_PLACEHOLDER
from ..core.manifest import ManifestData
from ..core.names import fit, why_unfit
from ..core.static import StaticRoot, locate
from ..errors import BuildError
from .webassets_api import flask_location


@dataclass(frozen=True)
class ManifestFile:
    """A file the manifest names: where it is on disk and where it is served."""

    abspath: str
    endpoint: str | None  # the static endpoint serving it; None for ASSETS_DIRECTORY outputs
    filename: str  # its name under that endpoint
    url_path: str  # for ASSETS_DIRECTORY outputs: the path under ASSETS_URL, as characters (not escaped)
    digest: str  # "" for a plain name (query-string versioning), which a build rewrites in place


def output_location(ctx: Any, path: str, roots: list[StaticRoot], output_folder: str) -> str:
    """Where the bundle output ``path`` (digest filled in) is written in the output folder."""
    located = locate(roots, ctx.resolver.resolve_output_to_path(ctx, path, None))
    if located is not None:
        return located[0].generated(located[1])
    return os.path.join(output_folder, *filter(None, assets_url_path(ctx, path).split("/")))


def assets_url(ctx: Any, path: str) -> str:
    """The URL of an ASSETS_DIRECTORY / ASSETS_URL output, percent-encoded. webassets joins
    ASSETS_URL and the name as written, so a ``#`` or ``?`` in it would end the path (outputs
    ``a#1.css`` and ``a#2.css`` one file, ``gen/a``) and ``c:d.css`` would read as a scheme."""
    return str(ctx.resolver.resolve_output_to_url(ctx, quote(path, safe="/")))


def assets_url_path(ctx: Any, path: str) -> str:
    """The URL path (characters, not escapes) serving that output: what the server and publish key on."""
    return unquote(urlsplit(assets_url(ctx, path)).path)


def check_output_name(output: str, contents: Any, name: str) -> None:
    """A bundle's ``output`` must name a file that can be served, apart from the bundle's sources."""
    problem = None
    if any(ord(c) < 0x20 or c == "\x7f" for c in output):
        problem = "holds a control character (a NUL?), which no URL or file name should"
    elif output.endswith(("/", "\\")) or not output.rsplit("/", 1)[-1]:
        problem = "names a folder, not a file"
    elif output.rsplit("/", 1)[-1].startswith("."):
        problem = "names a dot-file, which is never served"
    elif VERSION_PLACEHOLDER in output and "%" in output.replace(VERSION_PLACEHOLDER, ""):
        problem = "holds a % that is not part of %(version)s, which webassets cannot fill in (`%` formatting)"
    elif output in [c for c in contents if isinstance(c, str)]:
        problem = "is also one of its sources, and a build never writes over a source"
    if problem is not None:
        raise BuildError(
            f"output {output!r} {problem}; give it a file name of its own, e.g. 'gen/site.%(version)s.css'", bundle=name
        )


def manifest_clash(written: list[str], manifest_path: str) -> str | None:
    """Why one of the files ``written`` cannot be written (it is where the manifest, its history
    or its lock is: the top of the output folder under ``static_url_path=""``, with a name query
    versioning keeps), or None."""
    own = (manifest_path, generations.history_path(manifest_path), manifest_path + ".lock")
    places = {os.path.realpath(p) for p in own}
    clash = next((path for path in written if path and os.path.realpath(path) in places), None)
    if clash is None:
        return None
    return (
        f"output {os.path.basename(clash)!r} would be written at {clash}, the manifest's own file (its history "
        "and lock live beside it); give the bundle another output, e.g. 'gen/site.%(version)s.css'"
    )


def static_location(ctx: Any, path: str, roots: list[StaticRoot]) -> tuple[str, str] | None:
    """(static endpoint, filename) under which ``url_for`` names the output ``path`` (``admin/gen/a.css``
    is ``("admin.static", "gen/a.css")``), or None for one outside every static folder."""
    location = flask_location(ctx, path)
    if location is not None:
        return location[2], location[1]
    located = locate(roots, ctx.resolver.resolve_output_to_path(ctx, path, None))  # ASSETS_DIRECTORY
    return (located[0].endpoint, located[1]) if located is not None else None


def check_inside_root(ctx: Any, output: str, leaf: Any, name: str) -> None:
    """A bundle's ``output`` pattern must land inside the folder webassets resolves it in."""
    location = flask_location(ctx, output)
    root = os.path.realpath(location[0] if location else str(ctx.directory))
    real = os.path.realpath(ctx.resolver.resolve_output_to_path(ctx, output, leaf))
    if os.path.commonpath([root, real]) != root:
        raise BuildError(
            f"output {output!r} resolves to {real}, outside the static folder {root}; "
            "give an output path inside it, e.g. 'gen/name.%(version)s.css'",
            bundle=name,
        )


def check_manifest_name(output: str, path: str, name: str) -> None:
    """The output's ``path`` (digest filled in) must be one a manifest can name (core/names.py):
    else the build would write a manifest its own loader refuses."""
    if not fit(path):
        raise BuildError(
            f"output {output!r} {why_unfit(path)}; give it a file name of its own, e.g. 'gen/site.%(version)s.css'",
            bundle=name,
        )


def manifest_files(data: ManifestData, env: Any, roots: list[StaticRoot], output_folder: str) -> list[ManifestFile]:
    """Every file the manifest names, bundle outputs included, in the output folder."""
    ctx = ContextWrapper(env)
    found = []
    for outputs in data.bundles.values():
        for out in outputs:
            if not out.digest:
                continue  # a missing source of a bundle without output: linked under its plain name, nothing written
            abspath = output_location(ctx, out.path, roots, output_folder)
            digest = "" if out.query else out.digest
            location = flask_location(ctx, out.path)
            if location is not None:
                found.append(ManifestFile(abspath, location[2], location[1], "", digest))
            else:  # ASSETS_DIRECTORY / ASSETS_URL: served where webassets says
                found.append(ManifestFile(abspath, None, out.path, assets_url_path(ctx, out.path), digest))
    by_endpoint = {root.endpoint: root for root in roots}
    for endpoint, entries in data.files.items():
        for entry in entries.values():
            if endpoint in by_endpoint and not entry.query:  # under query versioning the source is served
                root = by_endpoint[endpoint]
                found.append(ManifestFile(root.generated(entry.path), endpoint, entry.path, "", entry.digest))
    return found
