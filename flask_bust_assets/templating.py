"""Template globals and the fast path behind ``{% assets %}`` for registered bundles."""

from __future__ import annotations

import posixpath
from typing import Any

from flask import current_app
from markupsafe import Markup, escape
from webassets.ext.jinja2 import AssetsExtension

from .errors import BustAssetsError

STATE_KEY = "bust_assets"


class BustAssetsExtension(AssetsExtension):  # type: ignore[misc]
    """``{% assets "name" %}``: hashed ``ASSET_URL`` and a real ``ASSET_SRI``.

    Registered bundle names, with no inline options, are answered by the app's
    resolver (manifest or live build); anything else, such as a bundle written
    inline in the template or ``ASSETS_DEBUG`` source URLs, takes webassets' own path.
    """

    def _render_assets(
        self, filter: Any, output: Any, dbg: Any, depends: Any, files: list[Any], caller: Any = None
    ) -> str:
        state = current_app.extensions.get(STATE_KEY)
        if (
            state is not None
            and files
            and filter is None
            and output is None
            and dbg is None
            and depends is None
            and state.is_fast_tag(files)
        ):
            return "".join([caller(url, sri, extra) for url, sri, extra in state.tag_parts(files)])
        return str(super()._render_assets(filter, output, dbg, depends, files, caller))


def asset_url(name: str) -> str:
    """The hashed URL of bundle ``name`` (its first output, if it has several)."""
    return str(_state().urls(name)[0][0])


def asset_tags(name: str, **attrs: Any) -> Markup:
    """``<link>``/``<script>`` tags for every output of bundle ``name``, with SRI.

    Extra keyword arguments become attributes (``defer=True`` gives ``defer``);
    every value is escaped.
    """
    tags = []
    for url, entry in _state().urls(name):
        extension = posixpath.splitext(entry.path)[1].lower()
        common = {"integrity": entry.integrity, "crossorigin": "anonymous", **attrs}
        if extension == ".css":
            tags.append(Markup("<link {}>").format(_attributes({"rel": "stylesheet", "href": url, **common})))
        elif extension in (".js", ".mjs"):
            tags.append(Markup("<script {}></script>").format(_attributes({"src": url, **common})))
        else:
            raise BustAssetsError(
                f"asset_tags({name!r}): cannot tell which tag suits {entry.path}; "
                "use asset_url() and write the tag yourself."
            )
    return Markup("\n").join(tags)


def _attributes(attrs: dict[str, Any]) -> Markup:
    parts = []
    for key, value in attrs.items():
        if value is True:
            parts.append(escape(key))
        elif value not in (False, None):
            parts.append(Markup('{}="{}"').format(key, value))
    return Markup(" ").join(parts)


def _state() -> Any:
    try:
        return current_app.extensions[STATE_KEY]
    except KeyError:
        raise BustAssetsError(
            "This app has no BustAssets; call BustAssets(app) or assets.init_app(app) first."
        ) from None
