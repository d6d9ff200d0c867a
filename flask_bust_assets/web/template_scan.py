"""Find the bundles written in an app's templates: every loader's templates, parsed by Jinja itself.

Each template is parsed with the app's own Jinja environment (so its delimiters,
``<% %>`` or any, and its extensions apply), and the ``{% assets %}`` tags are read
from the syntax tree: the tag's arguments become a Definition when Jinja can
fold them to constants, and a warning naming the template and line otherwise.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from flask.templating import DispatchingJinjaLoader
from jinja2 import BaseLoader, ChoiceLoader, Environment, PrefixLoader, TemplateNotFound, TemplateSyntaxError, nodes
from jinja2.nodes import EvalContext, Impossible
from webassets.ext.jinja2 import AssetsExtension

from ..pipeline.template_bundles import KEY_PREFIX, ON_REQUEST, Definition

Declared = tuple[str, int, Definition]  # template name, line, what its tag declares
ARGUMENTS = ("filters", "output", "debug", "depends")  # the tag's call arguments, in order, then its sources


def scan_templates(env: Environment) -> tuple[list[Declared], list[str]]:
    """Every ``{% assets %}`` tag of every template ``env`` can load, and warnings for those
    that cannot be prebuilt (arguments that are variables, templates that do not parse)."""
    warnings: list[str] = []
    extensions = [e for e in env.extensions.values() if isinstance(e, AssetsExtension)]
    identifiers = {e.identifier for e in extensions}
    tags = {tag for e in extensions for tag in e.tags}
    declared: list[Declared] = []
    if not identifiers or env.loader is None:
        return declared, warnings
    for name in sorted(set(_listed(env.loader, warnings))):
        try:
            source, filename, _ = env.loader.get_source(env, name)
        except (TemplateNotFound, UnicodeDecodeError, OSError):
            continue  # not a text file (an image kept beside templates), or gone since listed
        if not any(tag in source for tag in tags):
            # No tag can be in it: the parse (the build's cost here, tens of ms per template) is spared,
            # and a file of another template language in the folder says nothing.
            continue
        try:
            tree = env.parse(source, name, filename)
        except TemplateSyntaxError as exc:
            warnings.append(f"{name} line {exc.lineno}: Jinja cannot parse it ({exc.message}), so its "
                            "{% assets %} bundles are not prebuilt: " + ON_REQUEST)  # fmt: skip
            continue
        for call in tree.find_all(nodes.Call):
            node = call.node
            if isinstance(node, nodes.ExtensionAttribute) and node.identifier in identifiers:
                found = _declared(env, name, call)
                if isinstance(found, str):
                    warnings.append(found)
                else:
                    declared.append(found)
    return declared, warnings


def _declared(env: Environment, name: str, call: nodes.Call) -> Declared | str:
    """What the tag at ``call`` declares, or the warning saying why it cannot be known before a render."""
    line = call.lineno
    *options, sources = call.args
    eval_ctx = EvalContext(env, name)
    values: list[Any] = []
    labelled: list[tuple[str, nodes.Node]] = [*zip(ARGUMENTS, options, strict=True)]
    labelled += [(f"source {i + 1}", node) for i, node in enumerate(sources.iter_child_nodes())]
    for label, node in labelled:
        try:
            values.append(node.as_const(eval_ctx))  # type: ignore[attr-defined]
        except Impossible:
            return (
                f"{name} line {line}: the {{% assets %}} tag's {label} is a variable or an expression, so its "
                f"bundle cannot be prebuilt: {ON_REQUEST}. Write its arguments as literals, or register the "
                "bundle with assets.register() and name it in the tag."
            )
    filters, output, debug, depends, *contents = values
    definition = Definition.of(filters, output, debug, depends, contents)
    if definition is None:
        return (
            f"{name} line {line}: the {{% assets %}} tag's arguments are not file names and options, "
            f"so its bundle cannot be prebuilt: {ON_REQUEST}"
        )
    return name, line, definition


def _listed(loader: BaseLoader, warnings: list[str]) -> Iterator[str]:
    """The names of the templates ``loader`` can load: Flask's app and blueprint loaders, and
    Jinja's choice and prefix loaders, one part at a time, so one loader that cannot list its
    templates (a FunctionLoader) costs only its own, with a warning."""
    if isinstance(loader, DispatchingJinjaLoader):
        app = loader.app
        parts = [app.jinja_loader, *(blueprint.jinja_loader for blueprint in app.iter_blueprints())]
        for part in parts:
            if part is not None:
                yield from _listed(part, warnings)
    elif isinstance(loader, ChoiceLoader):
        for part in loader.loaders:
            yield from _listed(part, warnings)
    elif isinstance(loader, PrefixLoader):
        for prefix, part in loader.mapping.items():
            yield from (prefix + loader.delimiter + name for name in _listed(part, warnings))
    else:
        try:
            yield from loader.list_templates()
        except TypeError:
            warnings.append(
                f"the template loader {type(loader).__name__} cannot list its templates, so the "
                f"{{% assets %}} bundles written in them are not prebuilt: {ON_REQUEST}"
            )


def prebuilt_bundles(jinja_env: Environment, env: Any, keys: Collection[str]) -> dict[str, Any]:
    """The bundles written in templates that the manifest holds (``keys``), by key, for
    ``url_for('static', filename=<their output>)`` in production. The manifest names what
    each became, not the output as written, so the templates are read again: once per
    process, and only if the manifest holds any template bundle."""
    if not any(key.startswith(KEY_PREFIX) for key in keys):
        return {}
    declared, _ = scan_templates(jinja_env)
    found = {}
    for _, _, definition in declared:
        if definition.output is not None and definition.key in keys and definition.key not in found:
            try:
                found[definition.key] = definition.bundle(env)
            except ValueError:  # an unknown filter: the build left it out, as the key check says too
                continue
    return found
