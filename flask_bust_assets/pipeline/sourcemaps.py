"""``sourceMappingURL`` comments: follow a static file's map to its digested name; drop stale ones.

A vendor file such as ``lib.min.js`` ends with ``//# sourceMappingURL=lib.min.js.map``
(CSS: ``/*# sourceMappingURL=... */``). The spec finds it on the file's last line,
and so does this: under filename versioning the reference becomes the map's
digested name (as Django's and Propshaft's manifests do), and the file's digest
covers the map's. A bundle merges and minifies, so a source's map no longer
describes it: the comment is dropped from bundle outputs.
"""

from __future__ import annotations

import re

_JS = re.compile(rb"//[#@][ \t]*sourceMappingURL=(\S+)[ \t]*$")
_CSS = re.compile(rb"/\*[#@][ \t]*sourceMappingURL=(\S+?)[ \t]*\*/[ \t]*$")
_SCHEME = re.compile(rb"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//|^/")


def find(data: bytes, path: str) -> tuple[int, int, str] | None:
    """(start, end, URL) of the relative map URL on the last non-blank line of ``data``, or None."""
    if not path.endswith((".css", ".js", ".mjs")):
        return None
    match = _last_line(data, path)
    if match is None or _SCHEME.match(match.group(1)):  # data:, http(s):, //host, /root: left alone
        return None
    try:
        return match.start(1), match.end(1), match.group(1).decode("utf-8")
    except UnicodeDecodeError:
        return None


def strip(text: str, path: str) -> str:
    """``text`` (a bundle output named ``path``) without a trailing source-map comment."""
    data = text.encode("utf-8")
    match = _last_line(data, path)
    return text if match is None else data[: match.start()].rstrip().decode("utf-8") + "\n"


def _last_line(data: bytes, path: str) -> re.Match[bytes] | None:
    """The source-map comment on the last non-blank line of ``data``, as the spec finds it."""
    body = data.rstrip()
    return (_CSS if path.endswith(".css") else _JS).search(body, body.rfind(b"\n") + 1)
