"""A Sass or LESS compiler's error as one line naming the file, the line and the fix.

libsass raises its own ``sass.CompileError``; dart-sass and lessc fail as
subprocesses of webassets' filters, whose ``FilterError`` carries their whole
stderr (deprecation warnings, code frames, a stack). The compiler's own message
is kept; a source fed on stdin (``-``, "root stylesheet") is named by its path.
"""

from __future__ import annotations

import os
import re

from webassets.exceptions import FilterError

from ..errors import BuildError

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_LIBSASS_AT = re.compile(r"on line (\d+):(\d+) of (.+)")
_DART_AT = re.compile(r"^\s+(\S.*?)\s+(\d+):(\d+)\s+\S.*$", re.M)  # "  _colors.scss 2:13  @import"
_LESS = re.compile(r"^(\w*Error): (.*?)(?: Tried [^\n]*?)? in (\S+) on line (\d+), column (\d+):", re.M)
STDIN = ("-", "root stylesheet", "stdin")


def compile_error(exc: Exception, sources: list[str], missing: list[tuple[str, int, str]], *, bundle: str) -> Exception:
    """A BuildError for a failed compile; any other exception (not a compiler's) unchanged."""
    if isinstance(exc, UnicodeDecodeError) or not (
        isinstance(exc, FilterError) or type(exc).__module__ == "sass"  # libsass's CompileError
    ):
        return exc
    text = _ANSI.sub("", str(exc))
    compiled = [s for s in sources if not s.endswith(".css")]
    fed = compiled[0] if len(compiled) == 1 else None  # which source a compiler read on stdin
    if type(exc).__module__ == "sass":
        first = text.strip().splitlines()[0].removeprefix("Error: ")
        at = _LIBSASS_AT.search(text)
        where = f"{os.path.abspath(at.group(3))}:{at.group(1)}:{at.group(2)}" if at else (fed or "a source")
        return BuildError(f"{where}: {first} (libsass); {_fix(first, missing)}", bundle=bundle)
    tool, _, rest = text.partition(":")
    stderr = rest.split("stderr=", 1)[-1]
    less = _LESS.search(stderr)
    if less is not None:
        kind, message, path, line, column = less.groups()
        where = _place(path, fed, int(line), int(column))
        return BuildError(f"{where}: {kind}: {message} ({tool}); {_fix(message, missing)}", bundle=bundle)
    errors = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    if errors:  # dart-sass: its message, then a code frame, then the innermost location first
        message = errors[-1].removeprefix("Error: ")
        at = _DART_AT.search(stderr, stderr.rfind(errors[-1]))
        where = _place(at.group(1), fed, int(at.group(2)), int(at.group(3))) if at else (fed or "a source")
        return BuildError(f"{where}: {message} ({tool}); {_fix(message, missing)}", bundle=bundle)
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    summary = lines[-1] if lines else text.strip().splitlines()[0]
    return BuildError(f"{fed or 'a source'}: {summary} ({tool}); fix the stylesheet", bundle=bundle)


def _place(path: str, fed: str | None, line: int, column: int) -> str:
    """``file:line:column``; a path the compiler printed relative to its working folder (the source's)."""
    if path in STDIN:
        path = fed or "a source fed on stdin"
    elif not os.path.isabs(path) and fed is not None:
        path = os.path.normpath(os.path.join(os.path.dirname(fed), path))
    return f"{path}:{line}:{column}"


def _fix(message: str, missing: list[tuple[str, int, str]]) -> str:
    """The fix: for an import of nothing, which import and where, found before compiling."""
    lowered = message.lower()
    if missing and ("import" in lowered or "find" in lowered or "found" in lowered):
        file, line, url = missing[0]
        return f"no file is named {url!r} ({file} line {line}): create the partial or fix the import"
    return "fix the stylesheet"
