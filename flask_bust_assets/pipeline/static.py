"""The static-file pass of a build: digest every selected file, write the digested copies."""

from __future__ import annotations

import hashlib
import os
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..core.files import write_if_missing
from ..core.manifest import StaticFile
from ..core.names import shown
from ..core.stamps import Stamp
from ..core.stamps import of as stamp_of
from ..core.static import Selection, Skipped, StaticRoot
from ..errors import BuildError, StaticFileWarning
from .digested import DigestedFile
from .digester import Digester
from .problems import HINT
from .warnings_log import build_warnings

LEFT_OUT_SHOWN = 5  # files a "left out" warning names; it counts the rest


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
    unchanged: int = 0  # files seen exactly as the last build saw them, when that spared the pass


@dataclass
class Scan:
    """The selected files of every root, with their stats, as one pass over the folders saw them."""

    entries: list[tuple[StaticRoot, str, str, Stamp]]  # root, path, logical path, stamp
    seconds: float
    skipped: list[Skipped] = field(default_factory=list)  # files and folders the scan could not take

    def fingerprint(self) -> str:
        """A digest of every name and stamp seen: equal only when no file was added, removed or changed."""
        digest = hashlib.sha256()
        for root, _, logical, stamp in self.entries:
            digest.update(f"{root.endpoint}\t{logical}\t{stamp[1:]}\n".encode())
        return digest.hexdigest()


def scan(plan: StaticPlan) -> Scan:
    """One stat per selected file of every root (nothing read)."""
    started = time.perf_counter()
    if not plan.digest_all:
        return Scan([], 0.0)
    skipped: list[Skipped] = []
    entries = [  # stamps, not stat results: a tenth of the memory (12 MiB at 20,000 files)
        (root, path, logical, stamp_of(path, st))
        for root in plan.digester.roots
        for path, logical, st in plan.selection.entries(root, skipped)
    ]
    return Scan(entries, time.perf_counter() - started, skipped)


def left_out(skipped: list[Skipped], *, lenient: bool) -> str:
    """One line for every file and folder a scan could not take: each named with the reason
    (the first few, and how many in all), and what a page gets for them; ``lenient``: a warning
    (BUST_ASSETS_STATIC_PROBLEMS = 'warn'), else a build error."""
    named = "; ".join(f"{shown(path)} {why}" for path, why in skipped[:LEFT_OUT_SHOWN])
    more = f"; and {len(skipped) - LEFT_OUT_SHOWN} more" if len(skipped) > LEFT_OUT_SHOWN else ""
    count = "1 static file or folder is" if len(skipped) == 1 else f"{len(skipped)} static files or folders are"
    fix = (
        "rename such files (to UTF-8, without backslashes: convmv converts names), make such folders readable, "
        "or exclude them with BUST_ASSETS_STATIC_EXCLUDE"
    )
    if not lenient:
        return f"{count} not digested ({named}{more}); {fix}"
    return (
        f"{count} left out of the build and the manifest ({named}{more}): {fix}. Until then url_for links "
        "such files under their plain names, as Flask does; BUST_ASSETS_STATIC_PROBLEMS = 'error' makes this "
        "fail the build."
    )


def digest_static(plan: StaticPlan, scanned: Scan | None = None) -> StaticReport:
    """Digest every selected file of every static root (errors collected, nothing written)."""
    report = StaticReport()
    if not plan.digest_all:
        return report
    scanned = scanned or scan(plan)
    started = time.perf_counter()
    with build_warnings() as messages:
        for root, path, logical, stamp in scanned.entries:
            try:
                report.files.append(plan.digester.static_file(root, logical, path, stamp))
            except BuildError as exc:
                report.errors.append(exc)
            except OSError as exc:
                if not plan.digester.lenient:
                    report.errors.append(BuildError(f"{path}: {exc.strerror}"))
                    continue
                # Unreadable, so not digested: url_for links its plain name, as Flask would.
                warnings.warn(f"{path}: {exc.strerror}; not digested. {HINT}", StaticFileWarning, stacklevel=1)
    report.warnings = messages
    report.seconds = time.perf_counter() - started + scanned.seconds
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
    # one the last build made was seen in the output folder already.
    if digested.on_disk or digested.path == digested.logical or os.path.exists(digested.abspath):
        return False
    return write_if_missing(digested.abspath, digested.read())
