"""Find the file references in a stylesheet and splice in new URLs. Pure text work.

References are ``url(...)`` (quoted or not), ``@import "..."`` and the strings of
``image-set()``. Comments are skipped by the tokenizer; ``data:``, any other
scheme, protocol-relative URLs and fragment-only URLs (``url(#clip)``) are not
file references and are left alone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, unquote

from ..core.collector import collector_paused
from . import tokens as csstokens
from .tokens import Span

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_IMAGE_SETS = frozenset({"image-set", "-webkit-image-set"})
# Characters that may stand unescaped in an unquoted url() and in a quoted one.
_SAFE_PATH = "/:@!$&*+,;=-._~"
_SAFE_TAIL = _SAFE_PATH + "?#%"


@dataclass(frozen=True)
class Reference:
    """One file reference: its place in the text and what it says."""

    start: int
    end: int
    line: int
    kind: str  # "url" (unquoted url token) or "string"
    path: str  # percent-decoded path part, e.g. ../img/logo.png
    tail: str  # "?query" and/or "#fragment" exactly as written

    def replace_with(self, new_path: str, extra_query: str = "") -> str:
        """Source text for this reference pointing at ``new_path``, query and fragment kept."""
        tail = self.tail
        if extra_query:
            query, hash_, fragment = tail.partition("#")
            query = f"{query}&{extra_query}" if query else f"?{extra_query}"
            tail = query + hash_ + fragment
        url = quote(new_path, safe=_SAFE_PATH) + quote(tail, safe=_SAFE_TAIL)
        return f"url({url})" if self.kind == "url" else f'"{url}"'


def is_file_reference(url: str) -> bool:
    """False for data:, http(s):, any scheme, //host, #fragment-only and empty URLs."""
    url = url.strip()
    return bool(url) and not url.startswith(("#", "//")) and not _SCHEME.match(url)


def find_references(text: str) -> list[Reference]:
    """Every file reference in normalised ``text``, in source order."""
    return list(_scan(text)[0])


def protected_spans(text: str) -> tuple[Span, ...]:
    """Where normalised ``text`` has what minifiers must not touch (strings, url(), math
    functions, comments): (start, end, is a comment), outermost only, in order."""
    return _scan(text)[1]


# A build reads a stylesheet several times (the static pass, then each bundle that
# includes it, for its cache key and its output, then its minifier); tokenising is the
# costly part (tinycss2 is pure Python: minutes for a 20 MB stylesheet), and the answers
# depend on the text only: one walk over the tokens finds both, kept for the last texts
# (small tuples; the tokens themselves are not kept).
@functools.lru_cache(maxsize=16)
def _scan(text: str) -> tuple[tuple[Reference, ...], tuple[Span, ...]]:
    offsets = csstokens.Offsets(text)
    found: list[Reference] = []
    spans: list[Span] = []
    inside_until = -1
    previous = None
    with collector_paused():  # a token per few bytes, all alive until the walk ends (core/collector.py)
        for node, parent in csstokens.walk(csstokens.tokens(text)):
            if csstokens.is_protected(node) and offsets.start(node) >= inside_until:
                start, end = offsets.span(node)
                spans.append((start, end, node.type == "comment"))
                inside_until = end
            value = None
            if node.type == "url":
                value, kind = node.value, "url"
            elif node.type == "string" and (
                (parent is not None and parent.lower_name in ({"url"} | _IMAGE_SETS))
                or (previous is not None and previous.type == "at-keyword" and previous.lower_value == "import")
            ):
                value, kind = node.value, "string"
            if node.type not in ("whitespace", "comment"):
                previous = node
            if value is None or not is_file_reference(value):
                continue
            start, end = offsets.span(node)
            path, tail = _split_tail(value.strip())
            found.append(Reference(start, end, node.source_line, kind, unquote(path), tail))
    return tuple(found), tuple(spans)


Edit = tuple[int, int, int]  # (start, end) replaced in the old text, and the replacement's length


def rewrite(
    text: str, references: list[Reference], replace: Callable[[Reference], str | None]
) -> tuple[str, list[Edit]]:
    """Splice ``replace(ref)`` over each reference (None leaves it as written); the new text and
    the edits made, in order, so that positions found in ``text`` can be carried to it."""
    pieces: list[str] = []
    edits: list[Edit] = []
    cursor = 0
    for ref in references:
        new = replace(ref)
        if new is None:
            continue
        pieces.append(text[cursor : ref.start])
        pieces.append(new)
        edits.append((ref.start, ref.end, len(new)))
        cursor = ref.end
    pieces.append(text[cursor:])
    return "".join(pieces), edits


def _split_tail(url: str) -> tuple[str, str]:
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    return url[:cut], url[cut:]
