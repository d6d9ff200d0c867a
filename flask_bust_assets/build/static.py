"""The static-file pass of a build: digest every selected file, write the digested copies."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..core.files import write_if_missing
from ..core.manifest import StaticFile
from ..core.static import Selection
from ..errors import BuildError
from .digested import DigestedFile
from .digester import Digester
from .warnings_log import build_warnings


@dataclass
class StaticPlan:
    """How static files are digested: by whom, which ones, and whether at all."""

    digester: Digester
    selection: Selection
    digest_all: bool = True  # every selected file, not only those CSS references


@dataclass
class StaticReport:
    """The digested static files of a build, and the files that failed."""

    files: list[DigestedFile] = field(default_factory=list)
    errors: list[BuildError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def digest_static(plan: StaticPlan) -> StaticReport:
    """Digest every selected file of every static root (errors collected, nothing written)."""
    report = StaticReport()
    if not plan.digest_all:
        return report
    started = time.perf_counter()
    with build_warnings() as messages:
        for root in plan.digester.roots:
            for abspath, logical, st in plan.selection.entries(root):
                try:
                    report.files.append(plan.digester.static_file(root, logical, abspath, st))
                except BuildError as exc:
                    report.errors.append(exc)
                except OSError as exc:
                    report.errors.append(BuildError(f"{abspath}: {exc.strerror}"))
    report.warnings = messages
    report.seconds = time.perf_counter() - started
    return report


def static_entries(files: Iterable[DigestedFile]) -> dict[str, dict[str, StaticFile]]:
    """The manifest's ``files`` section: endpoint -> logical path -> entry."""
    entries: dict[str, dict[str, StaticFile]] = {}
    for digested in files:
        entries.setdefault(digested.root.endpoint, {})[digested.logical] = StaticFile(
            digested.path, digested.digest, digested.integrity, digested.size, digested.query
        )
    return entries


def write_digested(digested: DigestedFile) -> bool:
    """Write a digested static file unless it exists (names are content-addressed); True if written."""
    # Query-string versioning never rewrites a source; an existing digested file is right, and
    # one the last build made (no bytes in memory) was seen in the output folder already.
    if digested.data is None or digested.path == digested.logical or os.path.exists(digested.abspath):
        return False
    return write_if_missing(digested.abspath, digested.data)
