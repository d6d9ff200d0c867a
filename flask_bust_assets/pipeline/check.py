"""Is the manifest up to date with the sources? Builds in memory, writes nothing."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from ..core import manifest
from ..core.manifest import ManifestData, StaticFile
from ..core.static import StaticRoot
from ..errors import ManifestError
from .bundle import BundleResult, build_bundle
from .static import StaticPlan, digest_static, static_entries
from .template_bundles import KEY_PREFIX, TemplateBundle, build_template_bundles
from .webassets_api import cache_off, named_bundles


def stale(
    env: Any, settings: Any, plan: StaticPlan, *, roots: list[StaticRoot], templates: Sequence[TemplateBundle] = ()
) -> list[str]:
    """What differs between a fresh build and the manifest; empty when it is up to date.

    ``roots`` are the static roots, to check that every file the manifest names
    exists in the output folder; ``templates`` the bundles written in templates. webassets'
    cache is bypassed so that nothing, not even a cache entry, is written.
    """
    try:
        data = manifest.load(settings.manifest_path)
    except ManifestError as exc:
        return [str(exc)]
    problems: list[str] = []
    with cache_off(env):
        for name in sorted(set(named_bundles(env)) | set(data.bundles)):
            if name.startswith(KEY_PREFIX):
                continue  # a template bundle: below
            if name not in named_bundles(env):
                problems.append(f"bundle {name!r} is in the manifest but no longer registered")
                continue
            result = build_bundle(env, name, settings, plan.digester)
            if result.error is not None:
                problems.append(str(result.error))
            else:
                problems.extend(_differences(result, data))
        built, _, errors = build_template_bundles(env, templates, settings, plan.digester)
        problems.extend(str(e) for e in errors)
        for result in built:  # one that does not build is left out by a build too: no difference
            problems.extend(_differences(result, data))
        declared = {t.key for t in templates}
        gone = [key for key in sorted(data.bundles) if key.startswith(KEY_PREFIX) and key not in declared]
        problems.extend(f"bundle {key!r} is in the manifest but no template declares it any more" for key in gone)
        report = digest_static(plan)
        problems.extend(str(e) for e in report.errors)
        fresh = static_entries([*report.files, *plan.digester.take_pending()])
        problems.extend(_static_differences(fresh, data.files))
    by_endpoint = {root.endpoint: root for root in roots}
    for endpoint, files in data.files.items():
        for entry in files.values():
            root = by_endpoint.get(endpoint)
            path = None if root is None else root.generated(entry.path) if not entry.query else root.source(entry.path)
            if path is not None and not os.path.isfile(path):
                problems.append(f"{endpoint}: {entry.path} is named by the manifest but missing from {path}")
    return problems


def _differences(result: BundleResult, data: ManifestData) -> list[str]:
    """How a bundle's fresh build differs from what the manifest names for it."""
    label = result.label or result.name
    recorded = data.bundles.get(result.name)
    if result.outputs != recorded:
        now = ", ".join(o.path for o in result.outputs)
        was = ", ".join(o.path for o in recorded or ()) or "nothing"
        return [f"bundle {label!r} would build {now}; the manifest names {was}"]
    return [  # a no-output bundle's missing source has no file of its own (abspath "")
        f"bundle {label!r}: {b.abspath} is missing on disk"
        for b in result.files
        if b.abspath and not os.path.isfile(b.abspath)
    ]


def _static_differences(fresh: dict[str, dict[str, StaticFile]], recorded: Any) -> list[str]:
    problems = []
    for endpoint in sorted(set(fresh) | set(recorded)):
        now, was = fresh.get(endpoint, {}), recorded.get(endpoint, {})
        for logical in sorted(set(now) | set(was)):
            if logical not in was:
                problems.append(f"{endpoint}: {logical} is new since the last build")
            elif logical not in now:
                problems.append(f"{endpoint}: {logical} is gone since the last build")
            elif now[logical] != was[logical]:
                problems.append(f"{endpoint}: {logical} changed since the last build")
    return problems
