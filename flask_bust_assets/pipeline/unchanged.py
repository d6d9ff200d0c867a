"""Has anything changed since the last build? Answered from stats and names, before reading a record.

A build whose bundles are all reused, whose static scan sees every file with the
stamp the last build saw, whose output folder holds the same names and whose
manifest is the one it wrote, under the same settings, would write exactly what
is there: it stops after the scan. Anything else takes the full path, which
trusts files one record at a time.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..core.files import names_digest
from ..core.stamps import stamp
from .reuse import BuildCache
from .static import Scan, StaticPlan


def fingerprints(scanned: Scan, settings: Any, plan: StaticPlan, bundles: list[str]) -> tuple[str, str]:
    """(the scan's fingerprint, the settings' and bundle names'): the output folder's names are
    listed only when needed. A bundle gone since the last build (a template no longer declaring
    one) changes the manifest, even when every bundle left is reused."""
    return scanned.fingerprint(), settings_key(settings, plan, bundles)


def settings_key(settings: Any, plan: StaticPlan, bundles: list[str]) -> str:
    """Everything besides files that decides the static pass, the variants and the manifest's bundles."""
    described = repr(
        (settings, plan.selection, plan.digest_all, plan.digester.roots, plan.digester.policy, sorted(bundles))
    )
    return hashlib.sha256(described.encode("utf-8")).hexdigest()


def nothing_changed(cache: BuildCache, now: tuple[str, str], results: list[Any], settings: Any) -> bool:
    """True if this build would write exactly what the last one left (see the module docstring).
    The cheap tests first: the output folder is listed only when all else is unchanged."""
    return (
        len(cache.tree) == 3
        and (cache.tree[0], cache.tree[2]) == now
        and all(r.reused and r.error is None for r in results)
        and cache.manifest[1:] == list(stamp(settings.manifest_path))
        and cache.tree[1] == names_digest(settings.output_folder)
    )
