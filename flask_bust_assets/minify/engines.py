"""Minify CSS and JavaScript without changing what they mean.

Every engine runs on text whose fragile constructs are protected (see
protect.py). Where an engine would still corrupt the input, it is not used for
that file: a MinifyWarning names the file and what was done instead.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version

import cssmin as cssmin_engine
import jsmin as jsmin_engine
import rcssmin
import rjsmin

from ..errors import BuildError, ConfigError, MinifyWarning
from . import hashbang
from .protect import HTML_COMMENT, ProtectionError, joined_tokens, protect_css, protect_js
from .renaming import INSTALL, available, minify_renaming, with_licences
from .trust import NotJavaScript, Untrusted

Engine = Callable[[str, bool], str]

# Chosen by measurement (docs/filters.md): rcssmin is a C extension, thousands
# of times faster than cssmin on large files, and with protection in place it
# kept the meaning of every hazard we know. tdewolff-minify takes a fifth off
# JavaScript after brotli where a parser says renaming is safe; where it is not
# installed, rjsmin (as fast, whitespace only) takes its place.
DEFAULT_CSS_ENGINE = "rcssmin"
DEFAULT_JS_ENGINE = "tdewolff"
_MISSING_WARNED: list[bool] = []

CSS_ENGINES: dict[str, Engine] = {
    "rcssmin": lambda text, keep: rcssmin.cssmin(text, keep_bang_comments=keep),
    # cssmin always keeps /*! comments; protect_css drops them when asked.
    "cssmin": lambda text, keep: cssmin_engine.cssmin(text),
}
JS_ENGINES: dict[str, Engine] = {
    "rjsmin": lambda text, keep: rjsmin.jsmin(text, keep_bang_comments=keep),
    # jsmin always keeps /*! comments; protect_js drops them when asked.
    "jsmin": lambda text, keep: jsmin_engine.jsmin(text),
    # Renames locals and folds syntax where a parser allows (renaming.py, in minify_js);
    # this entry removes the whitespace of the scopes around a with or direct eval.
    "tdewolff": lambda text, keep: rjsmin.jsmin(text, keep_bang_comments=keep),
}

# What cssmin 0.2.0 still corrupts once strings, url() and math are protected:
# "not (" / "or (" become function tokens "not(" / "or(", and zero lengths or
# percentages lose their unit where the unit matters (custom properties, flex-basis).
_CHANNEL = r"\s*0*(?:25[0-5]|2[0-4]\d|1?\d?\d)\s*"
_CSSMIN_HAZARDS = (
    (re.compile(r"\b(?:not|or)\s+\("), "a 'not (' or 'or (' condition"),
    (re.compile(r"--[\w-]+\s*:[^;{}]*(?<![\w.])0+(?:\.0+)?(?:%|[a-zA-Z]+)"), "a zero length in a custom property"),
    (re.compile(r":[^;{}]*(?<![\w.#-])0+(?:\.0+)?%"), "a zero percentage"),
    # Inside a block (@media, nesting) it drops the space of "a :hover", a descendant combinator.
    (re.compile(r"\{[^{};]*[^\s{};,>+~(:]\s+:[^;{}]*\{"), "a descendant combinator before a pseudo-class"),
    # rgb(0 0 255) crashes it; rgb(300,0,0) becomes the invalid #12c0000: only three
    # comma-separated channels of 0 to 255 make a hex colour.
    (re.compile(rf"rgb\s*\((?!{_CHANNEL},{_CHANNEL},{_CHANNEL}\))[0-9,\s]+\)"), "an rgb() colour it cannot convert"),
)


def check_engine(kind: str, engine: str) -> None:
    """Raise ConfigError naming the setting if ``engine`` is unknown for ``kind``."""
    engines = CSS_ENGINES if kind == "css" else JS_ENGINES
    if engine not in engines:
        setting = "BUST_ASSETS_CSS_ENGINE" if kind == "css" else "BUST_ASSETS_JS_ENGINE"
        raise ConfigError(
            f"{setting} (or the filter's engine option) is {engine!r}; choose one of: {', '.join(sorted(engines))}."
        )


def minify_css(text: str, *, engine: str = DEFAULT_CSS_ENGINE, keep_licence: bool = True, source: str = "<css>") -> str:
    """Minified CSS with the same meaning as ``text``; ``source`` names it in warnings."""
    check_engine("css", engine)
    try:
        protected = protect_css(text, keep_licence=keep_licence)
    except ProtectionError as exc:
        return _unminified(text, source, f"it does not parse as CSS ({exc})")
    if engine == "cssmin":
        for pattern, hazard in _CSSMIN_HAZARDS:
            if pattern.search(protected.text):
                warnings.warn(
                    f"{source}: cssmin would corrupt {hazard}; minified with rcssmin instead.",
                    MinifyWarning,
                    stacklevel=2,
                )
                engine = "rcssmin"
                break
    return _run(CSS_ENGINES[engine], protected.text, protected.restore, keep_licence, text, source, engine)


def minify_js(
    text: str,
    *,
    engine: str = DEFAULT_JS_ENGINE,
    keep_licence: bool = True,
    source: str = "<js>",
    invalid: str = "warn",
) -> str:
    """Minified JavaScript with the same meaning as ``text``; ``source`` names it in warnings.

    ``invalid`` says what a syntax error is: ``"error"`` (BuildError naming the file, line and
    column: it would fail in the browser too) or ``"warn"`` (served unminified, with a warning).
    """
    check_engine("js", engine)
    head, text = hashbang.split(text)  # no engine may see it: it counts only at byte 0
    if head:
        rest = minify_js(text, engine=engine, keep_licence=keep_licence, source=source, invalid=invalid)
        return hashbang.join(head, rest if rest.strip() else "")
    if engine == "tdewolff":
        if available():
            try:
                renamed = minify_renaming(text)
            except NotJavaScript:
                pass  # reported below, as BUST_ASSETS_INVALID_JS says
            except Untrusted as exc:
                warnings.warn(f"{source}: {exc}; minified with rjsmin instead.", MinifyWarning, stacklevel=2)
            else:
                minified = renamed.text if renamed.hazard is None else _whitespace(renamed.text, keep_licence)
                if minified is not None:
                    return with_licences(text, minified, keep=keep_licence)
        elif not _MISSING_WARNED:
            _MISSING_WARNED.append(True)  # one warning per process, not one per file
            warnings.warn(
                f"tdewolff-minify is not installed ({INSTALL}; there is no wheel for every platform): "
                "JavaScript is minified with rjsmin instead, about a fifth larger after compression. "
                "BUST_ASSETS_JS_ENGINE = 'rjsmin' says that is intended.",
                MinifyWarning,
                stacklevel=2,
            )
        engine = "rjsmin"
    try:
        protected = protect_js(text, keep_licence=keep_licence)
    except ProtectionError as exc:
        if invalid == "error":
            raise BuildError(
                f"{source} is {exc}: a browser would refuse it too. Fix it, or set "
                "BUST_ASSETS_INVALID_JS = 'warn' to serve such files unminified"
            ) from None
        return _unminified(text, source, f"it does not parse as JavaScript ({exc})")
    return _run(_unjoined(JS_ENGINES[engine]), protected.text, protected.restore, keep_licence, text, source, engine)


def _unjoined(run_engine: Engine) -> Engine:
    """``run_engine``, refusing output where removed space joined two tokens into one."""

    def run(text: str, keep: bool) -> str:
        if HTML_COMMENT.search(text):
            # A script reads them as comments, a module as operators, tree-sitter as either.
            raise ProtectionError(
                "it has <!--, or --> at the start of a line, outside strings and comments, "
                "which a script reads as a comment"
            )
        minified = run_engine(text, keep)
        if joined_tokens(text, minified):
            raise ProtectionError("it joined two tokens into a comment (<!--, -->) or a number's member (1.a)")
        return minified

    return run


def _whitespace(text: str, keep_licence: bool) -> str | None:
    """``text`` (renamed where that was safe) with the whitespace of the rest removed, or None."""
    try:
        protected = protect_js(text, keep_licence=keep_licence)
        return protected.restore(_unjoined(JS_ENGINES["tdewolff"])(protected.text, keep_licence))
    except ProtectionError:
        return None  # the caller minifies the original with rjsmin instead


def _run(
    run_engine: Engine,
    protected_text: str,
    restore: Callable[[str], str],
    keep_licence: bool,
    original: str,
    source: str,
    engine: str,
) -> str:
    try:
        return restore(run_engine(protected_text, keep_licence))
    except ProtectionError as exc:
        return _unminified(original, source, f"{engine} mangled it ({exc})")
    except (ValueError, TypeError) as exc:  # an engine's own crash is no fault of the source
        return _unminified(original, source, f"{engine} failed on it ({type(exc).__name__}: {exc})")


def _unminified(text: str, source: str, why: str) -> str:
    warnings.warn(f"{source}: left unminified because {why}.", MinifyWarning, stacklevel=3)
    return text


# The distribution that provides each engine, whose release is part of cache keys.
DISTRIBUTIONS = {"tdewolff": "tdewolff-minify"}


@functools.cache
def distribution_version(distribution: str) -> str:
    """The installed version of ``distribution`` (or of the engine so named), looked up once per process.

    "missing" when it is not installed: a build after installing the renaming
    engine must not reuse outputs minified without it.
    """
    try:
        return dist_version(DISTRIBUTIONS.get(distribution, distribution))
    except PackageNotFoundError:  # an unknown engine name is reported by check_engine
        return "missing"


def engine_versions() -> tuple[str, ...]:
    """Every engine's installed release: part of what decides a build's outputs."""
    return tuple(f"{name}={distribution_version(name)}" for name in sorted({*CSS_ENGINES, *JS_ENGINES}))
