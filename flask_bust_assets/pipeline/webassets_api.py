"""Every use of webassets' and Flask-Assets' private or duck-typed API, in one place.

Checked against webassets 3.0 and Flask-Assets 2.1. Nothing here imports Flask:
Flask-Assets' resolver is recognised by the methods it adds.
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from webassets.cache import FilesystemCache, make_md5


def named_bundles(env: Any) -> dict[str, Any]:
    """The environment's registered bundles, by name (webassets keeps them private)."""
    return env._named_bundles  # type: ignore[no-any-return]


def bound_env(bundle: Any) -> Any:
    """The environment a bundle is bound to, or None (``bundle.env`` raises instead)."""
    return bundle._env


# What else, besides a source's bytes, its compiled output depends on (its partials' bytes):
# StableKeyCache mixes it into every key of the leaf being built.
EXTRA_KEY: ContextVar[str | None] = ContextVar("flask_bust_assets_extra_key", default=None)


def build_leaf(leaf: Any, ctx: Any, extra_filters: Any, extra_key: str | None = None) -> str:
    """Run a leaf bundle's filters and merge its sources, in memory.

    ``force=True``: our digest, not webassets' updater, decides what changed; the
    filter cache still spares unchanged files. The sink keeps webassets from
    writing the output file (non-atomically) itself. ``extra_key`` joins every
    cache key of the leaf; a cache that cannot take it is not read for the leaf.
    """
    skip = extra_key is not None and bool(ctx.cache) and not isinstance(ctx.cache, StableKeyCache)
    token = EXTRA_KEY.set(extra_key)
    try:
        built = leaf._build(ctx, extra_filters, force=True, output=io.StringIO(), disable_cache=skip or None)
    finally:
        EXTRA_KEY.reset(token)
    return str(built.data())


def filter_option(instance: Any, ctx: Any, attribute: str) -> Any:
    """A filter's option as its setup() will read it: given to the filter, else the setting of ``ctx``."""
    value = getattr(instance, attribute, None)
    if value is not None:
        return value
    setting = instance._options.get(attribute, (None, None, None))[1]
    return ctx.get(setting) if setting else None


def forget_depends(bundle: Any) -> None:
    """Make webassets resolve ``depends=`` globs again (it caches them forever)."""
    bundle._resolved_depends = None


def filter_names() -> list[str]:
    """Every filter name webassets knows (its registry has no public listing)."""
    from webassets.filter import _FILTERS

    return sorted(name for name in _FILTERS if isinstance(name, str))


def flask_location(ctx: Any, path: str) -> tuple[str, str, str] | None:
    """(static folder, filename, endpoint) Flask-Assets gives an output path, e.g. a
    blueprint's for ``admin/gen/x.css``; None when webassets' own ASSETS_DIRECTORY /
    ASSETS_URL place it (or the resolver is not Flask-Assets'), as its resolver decides."""
    resolver = ctx.resolver
    if not hasattr(resolver, "split_prefix") or resolver.use_webassets_system_for_output(ctx):
        return None
    folder, filename, endpoint = resolver.split_prefix(ctx, path)
    return str(folder), str(filename), str(endpoint)


@contextlib.contextmanager
def cache_off(env: Any) -> Iterator[None]:
    """webassets' filter cache neither read nor written for the block (a check writes nothing).

    webassets has no per-call switch that also stops cache writes, so the
    environment's setting is swapped for the block and always restored.
    """
    saved = env.config["cache"]
    env.config["cache"] = False
    try:
        yield
    finally:
        env.config["cache"] = saved


class _Key:
    """A cache key already reduced to its digest (webassets' make_md5 walks ``id()``)."""

    def __init__(self, digest: str) -> None:
        self._digest = digest

    def id(self) -> str:
        return self._digest


class StableKeyCache(FilesystemCache):  # type: ignore[misc]
    """webassets' file cache, keyed by a source's bytes as they were before its filters ran.

    webassets hashes a file's current bytes into the key twice: to look the result
    up, then again to store it once the filters ran. A file saved in between gets
    the old output stored under the new bytes' key, and every later build is
    served that stale output. Here the key taken for the lookup is the one stored.
    """

    def __init__(self, directory: str, new_file_mode: int | None = None) -> None:
        super().__init__(directory, new_file_mode)
        self._last = threading.local()  # (key object, its frozen form) of this thread's last lookup

    def _frozen(self, key: Any) -> _Key:
        last = getattr(self._last, "pair", None)
        if last is not None and last[0] is key:
            return last[1]  # type: ignore[no-any-return]
        extra = EXTRA_KEY.get()
        frozen = _Key(make_md5(key) if extra is None else make_md5(key, extra))
        self._last.pair = (key, frozen)
        return frozen

    def get(self, key: Any) -> Any:
        """Look ``key`` up, remembering the bytes it was made of for the set() that follows."""
        return super().get(self._frozen(key))

    def set(self, key: Any, data: Any) -> None:
        """Store under the key of the lookup before the filters ran."""
        super().set(self._frozen(key), data)
