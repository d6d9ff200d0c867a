"""Bundles written in templates (``{% assets "a.css", output=... %}``): their definitions and manifest keys.

Stock webassets builds such a bundle on the request that renders it; here
`flask assets build` builds every one it finds (web/template_scan.py reads the
templates), under a key that the tag computes again from the same arguments at
render: ``template:`` and 16 hex digits of the sha256 of the definition, so two
templates that declare the same bundle share one key and one output.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from webassets.bundle import Bundle, wrap
from webassets.exceptions import BundleError

from ..core.digest import digested_path
from ..errors import BuildError
from .bundle import BuildSettings, BundleResult, build_bundle
from .digester import Digester
from .reuse import BuildCache
from .webassets_api import named_bundles

KEY_PREFIX = "template:"


def named(keys: Iterable[str]) -> list[str]:
    """The names among manifest keys that a user registered (what an error may suggest)."""
    return [key for key in keys if not key.startswith(KEY_PREFIX)]


@dataclass(frozen=True)
class Definition:
    """What an ``{% assets %}`` tag declares, normalised: filters "a, b" and ["a", "b"] are one definition."""

    contents: tuple[str, ...]  # bundle names and file paths, as written
    output: str | None = None
    filters: tuple[str, ...] = ()
    debug: bool | str | None = None
    depends: tuple[str, ...] = ()

    @classmethod
    def of(cls, filters: Any, output: Any, debug: Any, depends: Any, contents: Any) -> Definition | None:
        """The definition of the tag's arguments (in the order webassets passes them), or None if
        one of them is of a type a template bundle cannot be prebuilt with (a Bundle object, a number)."""
        names = _strings(contents, split=False)
        filter_names = _strings(filters, split=True)
        depend_names = _strings(depends, split=False)
        if names is None or filter_names is None or depend_names is None:
            return None
        if (output is not None and not isinstance(output, str)) or debug not in (None, True, False, "merge"):
            return None
        return cls(names, output, filter_names, debug, depend_names)

    @property
    def key(self) -> str:
        """The bundle's key in the manifest: the same definition gives the same key on every machine."""
        doc: dict[str, Any] = {"contents": self.contents, "output": self.output, "filters": self.filters}
        doc.update(debug=self.debug, depends=self.depends)
        text = json.dumps(doc, sort_keys=True, separators=(",", ":"))
        return KEY_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def only_registered(self, env: Any) -> bool:
        """True for ``{% assets "site_css" %}``: registered names without options, built as they are."""
        plain = self.output is None and not self.filters and self.debug is None and not self.depends
        return plain and bool(self.contents) and all(name in named_bundles(env) for name in self.contents)

    def bundle(self, env: Any) -> Bundle:
        """The webassets Bundle the tag makes: registered names become those bundles, as webassets does."""
        registered = named_bundles(env)
        contents = [registered.get(name, name) for name in self.contents]
        options = {"output": self.output, "filters": list(self.filters) or None, "debug": self.debug}
        return Bundle(*contents, depends=list(self.depends) or None, **options)


def _strings(value: Any, *, split: bool) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",")) if split else (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return tuple(item.strip() if split else item for item in value)
    return None


@dataclass
class TemplateBundle:
    """One definition and every place (template, line) that declares it."""

    definition: Definition
    places: list[tuple[str, int]] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Its manifest key."""
        return self.definition.key

    @property
    def label(self) -> str:
        """Where it is declared, for messages and the build report: ``layout.html:12``."""
        template, line = self.places[0]
        more = len(self.places) - 1
        return f"{template}:{line}" + (f" (+{more} more)" if more else "")


def collect(declared: Iterable[tuple[str, int, Definition]], env: Any) -> list[TemplateBundle]:
    """The template bundles to build, one per definition, in key order; registered names alone are left out."""
    found: dict[str, TemplateBundle] = {}
    for template, line, definition in declared:
        if definition.only_registered(env):
            continue
        found.setdefault(definition.key, TemplateBundle(definition)).places.append((template, line))
    return [found[key] for key in sorted(found)]


ON_REQUEST = "a page rendering that {% assets %} tag builds its bundle on request, as Flask-Assets does"
LEFT_OUT = f"it is left out of the manifest, so {ON_REQUEST}"


def build_template_bundles(
    env: Any,
    templates: Sequence[TemplateBundle],
    settings: BuildSettings,
    digester: Digester,
    cache: BuildCache | None = None,
) -> tuple[list[BundleResult], list[str], list[BuildError]]:
    """(results of the template bundles that built, warnings, errors).

    One that does not build is a warning, not a failed build: stock Flask-Assets never
    builds it at all (invariant 9), and its page still renders as it does today. Outputs
    that clash are errors: one bundle would overwrite the other.
    """
    results, warnings = [], []
    for template in templates:
        try:
            bundle = template.definition.bundle(env)
        except (ValueError, BundleError) as exc:  # an unknown filter name
            warnings.append(f"bundle {template.label!r}: {exc}; {LEFT_OUT}")
            continue
        result = build_bundle(env, template.key, settings, digester, cache, bundle=bundle, label=template.label)
        if result.error is None:
            results.append(result)
        else:
            warnings.extend([*result.warnings, f"{result.error}; {LEFT_OUT}"])
    return results, warnings, conflicts(env, templates)


def conflicts(env: Any, bundles: Sequence[TemplateBundle]) -> list[BuildError]:
    """A template bundle whose output is another bundle's (registered, or declared differently in a
    template) would overwrite it, or be served in its place: one error per clash, naming both places."""
    claimed: dict[str, tuple[str, tuple[Any, ...]]] = {}  # output pattern -> (who, what it merges)
    for name in sorted(named_bundles(env)):
        for output in _leaf_outputs(env, env[name]):
            claimed.setdefault(_pattern(output), (f"the registered bundle {name!r}", ("registered", name)))
    errors = []
    for bundle in bundles:
        if bundle.definition.output is None:
            continue
        output = bundle.definition.output
        merges = (bundle.definition.contents, bundle.definition.filters)  # debug and depends change no byte
        where = "the {% assets %} tag at " + ", ".join(f"{t} line {n}" for t, n in bundle.places)
        other = claimed.setdefault(_pattern(output), (where, merges))
        if other[1] != merges:
            errors.append(
                BuildError(
                    f"{where} writes output {output!r}, which {other[0]} writes too; give one of them "
                    "another output (e.g. 'gen/<name>.%(version)s.css'): nothing was built"
                )
            )
    return errors


def _leaf_outputs(env: Any, bundle: Bundle) -> Iterator[str]:
    for leaf, _, _ in bundle.iterbuild(wrap(env, bundle)):
        if leaf.output:
            yield leaf.output


def _pattern(output: str) -> str:
    """One name for every output that gives the same digested names: gen/x.css and gen/x.%(version)s.css,
    and ./gen/x.css, which is the same file."""
    return posixpath.normpath(digested_path(output, "*"))
