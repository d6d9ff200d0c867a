"""Exceptions whose messages name the file, bundle or setting and say what to do."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

BUILD_HINT = "Run `flask assets build` to regenerate it."


def closest(name: str, known: Iterable[str]) -> str:
    """ " Did you mean 'a' or 'b'?" for the known names closest to ``name``, or ""."""
    close = difflib.get_close_matches(name, sorted(set(known)), n=3, cutoff=0.6)
    return f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


class BustAssetsError(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigError(BustAssetsError):
    """A setting has a value we cannot use."""


class BuildError(BustAssetsError):
    """A bundle could not be built; the previous output stays in place."""

    def __init__(self, message: str, *, bundle: str | None = None) -> None:
        self.bundle = bundle
        prefix = f"bundle {bundle!r}: " if bundle else ""
        super().__init__(prefix + message)


class PublishError(BustAssetsError):
    """The bucket could not be reached, found or written; nothing after the failure was uploaded."""


class ManifestError(BustAssetsError):
    """The manifest is missing, unreadable or does not name what was asked for."""


class UnknownAssetError(ManifestError, LookupError):
    """A template asked for an asset nobody knows: catch this for either kind below."""


class UnknownBundleError(UnknownAssetError):
    """A bundle name that is not registered, or not in the manifest."""


class UnknownStaticFileError(UnknownAssetError):
    """``url_for('static', ...)`` for a file the manifest does not know (strict mode)."""


class BustAssetsWarning(UserWarning):
    """Something was left as written so that the build could go on; the message says what."""


class MinifyWarning(BustAssetsWarning):
    """A file was minified by another engine than asked, or left as it was, to keep its meaning."""


class ReferenceWarning(BustAssetsWarning):
    """A CSS reference was left as written (missing file under the 'warn' policy, or a cycle)."""


class LinkWarning(BustAssetsWarning):
    """A bundle has no output: each of its sources is linked under its own digested URL."""


class StaticFileWarning(BustAssetsWarning):
    """A static file no bundle reads has a problem: it is copied as written and the build goes on."""
