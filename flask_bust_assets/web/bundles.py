"""Bundle: webassets' Bundle whose ``urls()`` answer exactly as ``{% assets %}`` renders.

Apps keep building bundles with ``flask_assets.Bundle``; ``BustAssets.register``
adopts those (see ``adopt``), so ``bundle.urls()`` and ``assets["x"].urls()``
give the digested URLs in production and development alike, never the plain
output name that the build does not write.
"""

from __future__ import annotations

from typing import Any

import flask_assets
from flask import has_request_context

from ..errors import ConfigError, closest
from ..pipeline.webassets_api import bound_env, filter_names, named_bundles
from .templating import STATE_KEY


class Bundle(flask_assets.Bundle):  # type: ignore[misc]
    """A webassets Bundle; ``urls()`` of a registered bundle come from BustAssets.

    A filter name that does not exist is reported when the bundle is registered,
    naming the bundle and the closest filter names, instead of a traceback from
    inside webassets at construction.
    """

    def __init__(self, *contents: Any, **options: Any) -> None:
        filters = options.pop("filters", None)
        super().__init__(*contents, **options)
        self.unknown_filters: tuple[str, ...] = ()
        if isinstance(filters, str):  # "a,b," means a and b, as a trailing comma does in Python
            filters = [name for name in map(str.strip, filters.split(",")) if name]
        try:
            self.filters = filters
        except ValueError:
            names = list(filters) if isinstance(filters, (list, tuple)) else [filters]
            self.unknown_filters = tuple(n for n in names if isinstance(n, str) and not is_filter_name(n))
            self.filters = [n for n in names if not isinstance(n, str) or is_filter_name(n)]

    def urls(self, *args: Any, **kwargs: Any) -> list[Any]:
        """The URLs ``{% assets %}`` renders for this bundle (dicts with ``calculate_sri=True``)."""
        answered = registered_urls(self, calculate_sri=bool(kwargs.get("calculate_sri")))
        return answered if answered is not None else list(super().urls(*args, **kwargs))


def is_filter_name(name: str) -> bool:
    """True if webassets knows a filter called ``name``."""
    return name in filter_names()


def unknown_filter_message(name: str | None, bad: str, where: str = "") -> str:
    """'bundle 'x': no webassets filter 'cssminn' ...; did you mean 'cssmin'?'"""
    known = filter_names()
    subject = f"bundle {name!r}" if name else f"the Bundle made at {where}" if where else "a Bundle"
    if not bad.strip():
        return f"{subject}: its filters name an empty filter (a stray comma?); remove it, e.g. filters='cssmin'."
    return (
        f"{subject}: there is no webassets filter {bad!r}.{closest(bad, known)} "
        f"Known filters: {', '.join(known)}. A filter of your own must be registered "
        "(webassets.filter.register_filter) before the bundle is made."
    )


def check_filters(name: str, bundle: Any) -> None:
    """ConfigError if ``bundle`` (or a bundle inside it) was given a filter name that does not exist."""
    for bad in getattr(bundle, "unknown_filters", ()):
        raise ConfigError(unknown_filter_message(name, bad))
    for item in bundle.contents:
        if isinstance(item, flask_assets.Bundle):
            check_filters(name, item)


_ADOPTED: dict[type, type] = {}


def _adopted(cls: type) -> type:
    """Our Bundle's behaviour over a user's Bundle subclass (one subclass per class)."""
    if cls not in _ADOPTED:
        _ADOPTED[cls] = type(cls.__name__, (Bundle, cls), {"__module__": cls.__module__})
    return _ADOPTED[cls]


def adopt(bundle: Any) -> None:
    """Give a registered stock Bundle (and those inside it) our ``urls()``.

    The object keeps its identity, state and class name: only the class gains
    our subclass, so code holding the bundle sees the same URLs the tag renders.
    """
    if not isinstance(bundle, Bundle) and isinstance(bundle, flask_assets.Bundle):
        bundle.unknown_filters = ()
        bundle.__class__ = Bundle if type(bundle) is flask_assets.Bundle else _adopted(type(bundle))
    for item in bundle.contents:
        if isinstance(item, flask_assets.Bundle):
            adopt(item)


def registered_urls(bundle: Any, *, calculate_sri: bool) -> list[Any] | None:
    """The rendered URLs of ``bundle`` if it is registered by name with BustAssets, else None."""
    env = bound_env(bundle)
    if env is None:
        return None
    name = next((n for n, b in named_bundles(env).items() if b is bundle), None)
    try:
        app = env._app
    except RuntimeError:  # no app bound nor current: webassets' own path says so
        return None
    state = app.extensions.get(STATE_KEY)
    if name is None or state is None or state.settings.debug:
        return None
    if has_request_context():
        urls = state.urls(name)
    else:
        with app.test_request_context():  # as Flask-Assets does for URLs outside a request
            urls = state.urls(name)
    if calculate_sri:
        return [{"uri": url, "sri": entry.sri} for url, entry in urls]
    return [url for url, _ in urls]
