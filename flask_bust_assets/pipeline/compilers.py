"""Which filter of a bundle compiles a Sass/SCSS or LESS source, and by which compiler's rules.

webassets' own ``libsass``, ``sass``/``scss`` and ``less`` filters are known by
name. Apps also bring their own: abilian-sbe registers a ``Less`` of its own
under webassets' name, others subclass webassets' filter under a new name, or
write a filter of their own from scratch and give it ``.less`` files. Each is a
compiler here, known (in this order) by its name, by the webassets filter it
subclasses, or, for a filter that is neither webassets' nor ours, by the
extension of the source it is given. Treating a filter that compiles nothing as
a compiler only costs reading its sources' import rules; missing a compiler
serves a stale compile (docs/filters.md, "Partials").
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from webassets.filter import Filter
from webassets.filter.less import Less
from webassets.filter.libsass import LibSass
from webassets.filter.sass import Sass

# webassets filter name -> the compiler whose rules it follows
COMPILERS = {"libsass": "libsass", "sass": "dart", "scss": "dart", "less": "less"}
# webassets' compiler filters, for a subclass under a name of its own; most derived first
BASES: tuple[tuple[type[Filter], str], ...] = ((LibSass, "libsass"), (Sass, "dart"), (Less, "less"))
# a source's extension -> the rules of the compiler that takes it, for an app's own filter
EXTENSIONS = {".less": "less", ".scss": "dart", ".sass": "dart"}
# filters of these packages are what they say they are: none compiles unless named above
KNOWN_PACKAGES = ("webassets", "flask_assets", "flask_bust_assets")


@dataclass(frozen=True)
class Compiler:
    """A filter that compiles a source, and the rules (``dart``, ``libsass``, ``less``) it follows."""

    filter: Filter
    dialect: str

    def indented(self, path: str) -> bool:
        """True if ``path`` is read in Sass's indented syntax (``.sass``) by this compiler."""
        if self.dialect == "less":
            return False
        if isinstance(self.filter, Sass) or getattr(self.filter, "name", None) == "sass":
            return not getattr(self.filter, "use_scss", False)  # webassets' sass filter: its own setting
        return path.endswith(".sass")


def known_dialect(instance: Filter) -> str | None:
    """The rules of a compiler filter known by its name or by the webassets filter it subclasses."""
    dialect = COMPILERS.get(getattr(instance, "name", None) or "")
    if dialect is not None:
        return dialect
    return next((d for base, d in BASES if isinstance(instance, base)), None)


def is_own(instance: Filter) -> bool:
    """True for a filter the app wrote: neither webassets', Flask-Assets' nor ours."""
    return type(instance).__module__.partition(".")[0] not in KNOWN_PACKAGES


def may_compile(instance: Filter) -> bool:
    """True if ``instance`` is, or may be, a compiler (cheap: no source is looked at)."""
    return known_dialect(instance) is not None or is_own(instance)


def compiler_for(filters: list[Filter], path: str) -> Compiler | None:
    """The filter of ``filters`` that compiles source ``path``, or None."""
    for instance in filters:
        dialect = known_dialect(instance)
        if dialect is not None:
            return Compiler(instance, dialect)
    dialect = EXTENSIONS.get(os.path.splitext(path)[1].lower())
    own = next((f for f in filters if is_own(f)), None)
    return Compiler(own, dialect) if dialect is not None and own is not None else None
