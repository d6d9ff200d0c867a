"""How the files of a CSS bundle are joined: each closed as the end of a file closes it.

webassets puts a bare newline between a bundle's files, so a file ending in a
statement without its ``;`` (``@layer reset, base``, valid at the end of a
file) or in an open block, string or comment swallows the next file's first
rules. Every CSS output our build makes is joined by ``css.joins`` instead,
whatever its filters: input filters (``bust_cssurls``, ``bust_cssmin``) have
run on each file by then, output filters (webassets' ``cssmin``, ``rcssmin``)
see the joined text.
"""

from __future__ import annotations

import warnings
from typing import IO, Any

from webassets import Bundle
from webassets.filter import Filter

from ..css import joins
from ..errors import BustAssetsWarning


class JoinCSS(Filter):  # type: ignore[misc]
    """webassets' concat() hook: the bundle's files, each closed before the next begins."""

    name = "bust_cssjoin"  # never registered: our build adds it to CSS outputs only
    max_debug_level = "merge"  # ASSETS_DEBUG = "merge" joins files too

    def concat(self, out: IO[str], hunks: list[tuple[Any, dict[str, Any]]], **kw: Any) -> None:
        """Write the hunks (each a source after its input filters) joined; warn, naming the
        file, of what no join can keep (an @import after another file's rules)."""
        joined, misplaced = joins.bundle([hunk.data() for hunk, _ in hunks])
        for index, what in misplaced:
            source = hunks[index][1].get("source_path") or "a nested bundle"
            warnings.warn(
                f"{source}: {what} in the bundle; put that file first, or give it a bundle of its own",
                BustAssetsWarning,
                stacklevel=2,
            )
        out.write(joined)


def joining_filters(leaf: Bundle, extra_filters: Any, output: str) -> list[Any]:
    """``extra_filters`` plus JoinCSS when ``output`` is a stylesheet.

    webassets runs one concat() per bundle; where a filter of the user's already
    joins the files its own way, that filter keeps the job.
    """
    extra = list(extra_filters or ())
    if not output.lower().endswith(".css") or _has_concat([*extra, *_tree_filters(leaf)]):
        return extra
    return [*extra, JoinCSS()]


def _tree_filters(bundle: Bundle) -> list[Any]:
    found = list(bundle.filters)
    for item in bundle.contents:
        if isinstance(item, Bundle):
            found.extend(_tree_filters(item))
    return found


def _has_concat(filters: list[Any]) -> bool:
    return any(getattr(f, "concat", None) is not None for f in filters)
