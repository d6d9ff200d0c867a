"""What each setting accepts: one checker per key, so a wrong value is one ConfigError naming it.

Python counts the string ``"false"`` as true and renders ``5`` as a relative URL
without a word; a setting read from an environment variable or a typo'd config
file must not change what the app does silently. Every key this package reads
is in CHECKS; ``checked`` answers its value made plain (a path as ``str``, a
list as a tuple) or raises ConfigError with the key, the value and what is
accepted, the way the user would write it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from typing import Any

from webassets.updater import get_updater

from ..errors import ConfigError
from ..minify.engines import CSS_ENGINES, DEFAULT_CSS_ENGINE, DEFAULT_JS_ENGINE, JS_ENGINES

Checker = Callable[[str, Any], Any]

# Header values go to the client as latin-1 bytes; CR/LF would split the header.
_HEADER_VALUE = re.compile(r"[\x20-\x7e]+")
# $HOME, ${SITE}: what a shell would expand and Python does not.
_SHELL_VARIABLE = re.compile(r"\$(?:[A-Za-z_]\w*|\{[^}]*\})")
# ASSETS_CACHE strings meaning a switch, from an environment variable or an INI file.
_SWITCH_WORDS = frozenset({"true", "false", "none", "null", "yes", "no", "on", "off", "0", "1"})
# The host, then a path that a file's URL path can follow: no query or fragment (the path would
# land in it: https://cdn.example.com/x?sig=1/static/...), nothing a URL cannot hold as it is.
_ABSOLUTE_URL = re.compile(r"(?:https?:)?//[^/\s?#]+(?:/[^\s?#\"<>\\^`{|}]*)?", re.IGNORECASE)


def _refuse(key: str, value: Any, accepted: str, note: str = "") -> ConfigError:
    """'KEY is VALUE (a list); use ...': the type is named where the repr does not show it."""
    if not note and not isinstance(value, (str, bool, int, float, type(None))):
        note = f" (a {type(value).__name__})"
    return ConfigError(f"{key} is {value!r}{note}; {accepted}.")


def flag(key: str, value: Any) -> bool:
    """True or False (1 and 0 too); a string is refused, since ``"false"`` is true to Python."""
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        return bool(value)
    note = " (a string, which Python counts as true unless it is empty)" if isinstance(value, str) else ""
    raise _refuse(key, value, "use True or False", note)


def debug_flag(key: str, value: Any) -> bool | str:
    """ASSETS_DEBUG: True, False or webassets' "merge"."""
    if value == "merge":
        return "merge"
    if isinstance(value, str):
        raise _refuse(key, value, "use True, False or 'merge'")
    return flag(key, value)


def _path_problem(value: Any) -> str | None:
    """Why ``value`` is no usable path, or None. Python takes ``~/assets`` and
    ``$HOME/assets`` literally (a folder named ``~`` beside the app), and which home
    or variable was meant depends on who runs the build: refused, not guessed."""
    if not isinstance(value, str) or not value or "\0" in value:
        return "set it to a path, e.g. os.path.join(app.instance_path, 'assets')"
    if value.startswith("~") or _SHELL_VARIABLE.search(value):
        return (
            "Python expands no ~ or $VARIABLE in a path (it would make a folder of that name): "
            "use os.path.expanduser() or os.path.expandvars() on it in your config"
        )
    return None


def path(key: str, value: Any) -> str:
    """A file-system path (str or os.PathLike), not empty, no NUL, nothing only a shell expands."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    problem = _path_problem(value)
    if problem is not None:
        raise _refuse(key, value, problem)
    return str(value)


_LOAD_PATH_EXAMPLE = "use a list of folder paths, e.g. [os.path.join(app.root_path, 'assets')]"


def paths(key: str, value: Any) -> tuple[str, ...]:
    """ASSETS_LOAD_PATH: a list of folder paths (None or [] for none), each as ``path`` takes it."""
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        items = [os.fspath(v) if isinstance(v, os.PathLike) else v for v in value]
        wrong = next((v for v in items if _path_problem(v) is not None), None)
        if wrong is None:
            return tuple(items)
        raise _refuse(key, value, f"{_LOAD_PATH_EXAMPLE}; of its items, {wrong!r}: {_path_problem(wrong)}")
    raise _refuse(key, value, _LOAD_PATH_EXAMPLE)


def optional_path(key: str, value: Any) -> str | None:
    """None (the default place) or a path."""
    return None if value is None or value == "" else path(key, value)


def cache(key: str, value: Any) -> Any:
    """ASSETS_CACHE: False or None (off), True (the instance folder), a folder path, or a webassets cache."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _SWITCH_WORDS:
        note = " (a string, which webassets takes for a folder of that name)"
        raise _refuse(key, value, "use False (no cache), True (the instance folder) or a folder path", note)
    if isinstance(value, (str, os.PathLike)):
        return path(key, value)
    if callable(getattr(value, "get", None)) and callable(getattr(value, "set", None)):
        return value
    raise _refuse(key, value, "use a folder path, True (the instance folder), False, or a webassets cache object")


def text(key: str, value: Any) -> str | None:
    """None or a string."""
    if value is None or isinstance(value, str):
        return value or None
    raise _refuse(key, value, "use a string, or leave it unset")


def updater(key: str, value: Any) -> Any:
    """ASSETS_UPDATER: what webassets' registry resolves (``"timestamp"``, ``"always"``, an updater),
    or None/False; webassets itself raises a ValueError traceback on the first build."""
    if value is None or value is False:
        return value
    try:
        return get_updater(value)
    except (ValueError, TypeError):
        raise _refuse(key, value, "use 'timestamp' (webassets' default), 'always', or an updater object") from None


def optional_mode(key: str, value: Any) -> int | None:
    """ASSETS_CACHE_FILE_MODE: None (the umask decides) or a file mode such as 0o644."""
    return None if value is None else whole(0, 0o7777)(key, value)


def key_prefix(key: str, value: Any) -> str | None:
    """BUST_ASSETS_S3_PREFIX: None, or segments of a key; ``..`` and ``.`` are refused, since a CDN
    (and every browser) normalises them out of a URL, and the object under such a key is unreachable."""
    found = text(key, value)
    if found and any(part in (".", "..") or "\\" in part for part in found.split("/")):
        raise _refuse(key, value, "use a plain key prefix such as 'site' or 'assets/v2', without . or .. segments")
    return found


def absolute_url(key: str, value: Any) -> str | None:
    """None, or an absolute URL (``https://cdn.example.com/assets``), without a trailing slash."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _ABSOLUTE_URL.fullmatch(value):
        after = isinstance(value, str) and ("?" in value or "#" in value)
        note = " (a query or fragment: each file's path would be appended after it)" if after else ""
        raise _refuse(key, value, "use an absolute URL such as 'https://cdn.example.com/assets'", note)
    return value.rstrip("/")


def header_value(key: str, value: Any) -> str | None:
    """None or "" (no header), or one printable ASCII header value such as ``*``."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _HEADER_VALUE.fullmatch(value):
        raise _refuse(key, value, "use one origin as a string ('*' or 'https://example.com'), or None for no header")
    return value


def whole(low: int, high: int | None = None) -> Checker:
    """A whole number from ``low`` (to ``high``): never a bool, a float or a string."""

    def check(key: str, value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and value >= low and (high is None or value <= high):
            return value
        span = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise _refuse(key, value, f"use a whole number {span}")

    return check


def choice(*choices: str, default: str | None = None, optional: bool = False) -> Checker:
    """One of ``choices``; None gives ``default`` where there is one (None itself if ``optional``)."""

    def check(key: str, value: Any) -> str | None:
        if value is None and (default is not None or optional):
            return default
        if value in choices:
            return str(value)
        listed = " or ".join(repr(c) for c in choices)
        raise _refuse(key, value, f"use {listed}" + (f" (the default is {default!r})" if default else ""))

    return check


def strings(example: str, *, optional: bool = False) -> Checker:
    """A list (or tuple) of strings; one string (or None unless ``optional``) is refused, not taken
    letter by letter."""

    def check(key: str, value: Any) -> tuple[str, ...] | None:
        if value is None and optional:
            return None
        if isinstance(value, (list, tuple, set, frozenset)) and all(isinstance(v, str) for v in value):
            return tuple(sorted(value) if isinstance(value, (set, frozenset)) else value)
        raise _refuse(key, value, f"use a list of strings, e.g. {example} ([] for none)")

    return check


def _default_first(engines: Mapping[str, Any], default: str) -> tuple[str, ...]:
    """The engine names minify/engines.py knows, its default first."""
    return (default, *(name for name in engines if name != default))


def algorithm_name(key: str, value: Any) -> str:
    """The name of a hashlib algorithm (core.digest.check_algorithm says which)."""
    if isinstance(value, str):
        return value
    raise _refuse(key, value, "use the name of a hashlib algorithm, e.g. 'sha256'")


def imports(key: str, value: Any) -> tuple[tuple[str, str], ...]:
    """A mapping of bare import names to logical paths."""
    if isinstance(value, Mapping) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return tuple(sorted(value.items()))
    example = "{'htmx.org': 'vendor/htmx.esm.js'}"
    raise _refuse(key, value, f"use a dict of bare import names to logical paths, e.g. {example}")


CHECKS: dict[str, Checker] = {
    "BUST_ASSETS_OUTPUT_FOLDER": path,
    "BUST_ASSETS_MANIFEST": optional_path,
    "BUST_ASSETS_VERSIONING": choice("filename", "query", default="filename"),
    "BUST_ASSETS_DIGEST_ALGORITHM": algorithm_name,
    "BUST_ASSETS_DIGEST_LENGTH": whole(1),
    "BUST_ASSETS_CSS_ENGINE": choice(*_default_first(CSS_ENGINES, DEFAULT_CSS_ENGINE), default=DEFAULT_CSS_ENGINE),
    "BUST_ASSETS_JS_ENGINE": choice(*_default_first(JS_ENGINES, DEFAULT_JS_ENGINE), default=DEFAULT_JS_ENGINE),
    "BUST_ASSETS_INVALID_JS": choice("error", "warn", default="error"),
    "BUST_ASSETS_KEEP_LICENCE": flag,
    "BUST_ASSETS_BROTLI_QUALITY": whole(0, 11),
    "BUST_ASSETS_STATIC_BROTLI_QUALITY": whole(0, 11),
    "BUST_ASSETS_STATIC": flag,
    "BUST_ASSETS_STATIC_INCLUDE": strings("['*']"),
    "BUST_ASSETS_STATIC_EXCLUDE": strings("['robots.txt', 'downloads/*']"),
    "BUST_ASSETS_STATIC_LAZY_FOLDERS": strings("['node_modules', 'bower_components']"),
    "BUST_ASSETS_STATIC_LAZY_BLUEPRINTS": strings("['bootstrap']", optional=True),  # None: installed packages'
    "BUST_ASSETS_STATIC_PROBLEMS": choice("warn", "error", default="warn"),
    "BUST_ASSETS_STRICT": flag,
    "BUST_ASSETS_MISSING_STATIC": choice("warn", "error", optional=True),  # None: "error" when strict
    "BUST_ASSETS_MISSING_REFERENCE": choice("error", "warn", default="error"),
    "BUST_ASSETS_SERVE": flag,
    "BUST_ASSETS_ALLOW_ORIGIN": header_value,
    "BUST_ASSETS_PLAIN_MAX_AGE": whole(0),
    "BUST_ASSETS_MODULES": strings("['js/app.js']"),
    "BUST_ASSETS_IMPORTS": imports,
    "BUST_ASSETS_S3_BUCKET": text,
    "BUST_ASSETS_S3_PREFIX": key_prefix,
    "BUST_ASSETS_S3_ENDPOINT_URL": absolute_url,
    "BUST_ASSETS_S3_REGION": text,
    "BUST_ASSETS_PUBLISH_WORKERS": whole(1, 256),
    "BUST_ASSETS_CDN_URL": absolute_url,
    "ASSETS_AUTO_BUILD": flag,
    "ASSETS_DEBUG": debug_flag,
    "ASSETS_CACHE": cache,
    "ASSETS_CACHE_FILE_MODE": optional_mode,
    "ASSETS_UPDATER": updater,
    "ASSETS_DIRECTORY": optional_path,
    "ASSETS_LOAD_PATH": paths,
    "ASSETS_URL": text,
}


def checked(config: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """``config[key]`` made plain by its checker (``default`` when unset), or a ConfigError naming it."""
    value = config.get(key, default)
    return CHECKS[key](key, value)


def check_all(config: Mapping[str, Any]) -> None:
    """Check every key of CHECKS that ``config`` sets (unset keys get their defaults later)."""
    for key, checker in CHECKS.items():
        if key in config:
            checker(key, config[key])
