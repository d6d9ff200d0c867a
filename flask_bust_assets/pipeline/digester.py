"""Digests of static files, with CSS references rewritten to digested URLs first.

A stylesheet's digest covers the digests of the files it references (at any
depth), so changing an image changes the name of every stylesheet that uses it,
and of nothing else: one pass, no repeated rewriting (invariant 2). In a
reference cycle (a.css -> b.css -> a.css) the reference that closes the cycle is
left as written, with a warning, so a build never loops or crashes.

What a bundle reads (its sources and every stylesheet they reference) is held to
BUST_ASSETS_MISSING_REFERENCE and fails on any other problem; a file digested for
no bundle (the static pass, ``url_for``) has its problems said as one warning and is
copied as written (problems.py). Such a lenient answer is remembered as "flawed", so
that a bundle asking for the same file later gets the strict one.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from ..core.digest import content_digest, digested_path, integrity
from ..core.files import Listing
from ..core.names import fit, shown, why_unfit
from ..core.stamps import Stamp, stamp, still_valid
from ..core.static import StaticRoot, locate, relative_url, url_of
from ..css import references as cssurls
from ..css import tokens as csstokens
from ..css.targets import Missing, ReferenceTargets, silent
from ..errors import BuildError
from ..minify.protect import carry_css_spans
from . import sourcemaps
from .digested import DigestedFile, from_record
from .problems import FileProblems, say

# Stylesheets referencing stylesheets (@import, url()) are followed this deep; real ones
# nest a few levels, and each level costs Python frames (300 hit the recursion limit).
MAX_DEPTH = 50


class Digester:
    """Computes DigestedFiles, remembers them while their inputs are unchanged,
    and collects the ones a build must write."""

    def __init__(
        self,
        roots: list[StaticRoot],
        *,
        algorithm: str,
        length: int,
        versioning: str,
        missing_reference: str,
        static_problems: str = "warn",
        remembered: Mapping[str, Any] | None = None,
    ) -> None:
        self.roots = sorted(roots, key=lambda r: len(r.folder), reverse=True)  # innermost folder first
        self._algorithm = algorithm
        self._length = length
        self._versioning = versioning
        self._targets = ReferenceTargets(self.roots, missing_reference)
        self.policy = (missing_reference, static_problems)  # part of what decides a build's output
        self.lenient = static_problems == "warn"  # a static file's problems are warnings
        # Files answered leniently despite a problem (theirs, or of a file they reference): real
        # path -> their own warning ("" if only a file they reference had one).
        self._flawed: dict[str, str] = {}
        self._bundle_sources: set[str] = set()  # real paths rewrite_css was asked for
        self._memo: dict[str, tuple[tuple[Stamp, ...], DigestedFile]] = {}
        self._source_deps: dict[str, tuple[Stamp, ...]] = {}
        self._rewrites: dict[tuple[str, str], tuple[str, str, tuple[Stamp, ...], tuple[DigestedFile, ...], int]] = {}
        self._growth: dict[str, int] = {}  # bytes the last rewrite of a bundle source added (longer names)
        self._stack: list[str] = []
        self._pending: dict[str, DigestedFile] = {}
        self._lock = threading.RLock()  # the development server renders on several threads
        # What earlier builds learnt (see export()): lets a build skip reading and
        # hashing files whose stamps have not changed.
        self._last_build = remembered if remembered is not None else {}  # may load lazily: not bool()-ed
        self._source_refs: dict[str, tuple[str, ...]] = {}
        # Which digested copies exist, one directory listing per output folder: a build trusts
        # what the last one wrote without a stat per file. Renders re-list as files appear.
        self._generated = Listing()
        self._records: dict[str, dict[str, Any]] = {}  # the last build's record of each file trusted

    def locate(self, abspath: str) -> tuple[StaticRoot, str] | None:
        """The root holding ``abspath`` and its logical path there, or None."""
        return locate(self.roots, abspath)

    def file(self, abspath: str, *, for_bundle: bool = False) -> DigestedFile:
        """The digested form of a static file; raises OSError if it cannot be read.

        ``for_bundle``: a bundle reads it (a source linked on its own, a file its CSS names),
        so its problems are errors; otherwise they are a warning (see problems.py).
        """
        with self._lock:
            return self._file(os.path.realpath(abspath), for_bundle)

    def _file(self, real: str, for_bundle: bool) -> DigestedFile:
        memo = self._memo.get(real)
        if memo is not None and still_valid(memo[0]) and not (for_bundle and real in self._flawed):
            return memo[1]
        remembered = self._remembered(real, for_bundle)
        if remembered is not None:
            return remembered
        located = self.locate(real)
        if located is None:
            raise BuildError(f"{real} is outside every static folder")
        root, logical = located
        if not fit(logical):  # what the static scan leaves out, reached another way: never in a manifest
            raise BuildError(f"{shown(real)} {why_unfit(logical)}; rename it")
        stamps = [stamp(real)]
        with open(real, "rb") as handle:
            data = handle.read()
        problems = None
        references: tuple[DigestedFile, ...] = ()
        if real.endswith(".css") and self._versioning == "filename":
            problems = None if for_bundle or not self.lenient else FileProblems(real)
            try:
                text, deps, references = self._rewrite_file(data, real, for_bundle, problems)
            except (BuildError, OSError) as exc:
                if problems is None:
                    raise
                problems.fail(exc if isinstance(exc, BuildError) else BuildError(f"{exc.filename}: {exc.strerror}"))
            else:
                if references:
                    data = text.encode("utf-8")
                stamps.extend(deps)
        if self._versioning == "filename" and (mapped := self._source_map(data, real, root, logical, for_bundle)):
            data, map_file = mapped  # the reference names the map's digested name: its digest counts
            references = (*references, map_file)
            stamps.extend(self._memo[os.path.realpath(map_file.source)][0])
        digest = content_digest(data, self._algorithm, self._length)
        if self._versioning == "filename":
            path, query = digested_path(logical, digest), ""
        else:
            path, query = logical, f"v={digest}"
        kept = data if references else None  # the source's own bytes are read back when written
        result = DigestedFile(root, logical, path, query, digest, integrity(data), len(data), kept, references)
        self._memo[real] = (tuple(dict.fromkeys(stamps)), result)
        self._records.pop(real, None)
        self._note_flaws(real, problems, references)
        return result

    def _rewrite_file(
        self, data: bytes, real: str, for_bundle: bool, problems: FileProblems | None
    ) -> tuple[str, tuple[Stamp, ...], tuple[DigestedFile, ...]]:
        """A static stylesheet's text with its references rewritten (see _rewrite)."""
        if len(self._stack) >= MAX_DEPTH:
            chain = " -> ".join(os.path.basename(p) for p in [*self._stack[:3], "...", real])
            raise BuildError(
                f"{self._stack[0]}: stylesheets reference each other {MAX_DEPTH} deep ({chain}); "
                f"bundle them instead of chaining @import more than {MAX_DEPTH} levels"
            )
        missing = self._targets.strict(real) if problems is None else problems.missing_reference
        self._stack.append(real)
        try:
            return self._rewrite(_decode(data, real), real, os.path.dirname(real), missing, for_bundle)
        finally:
            self._stack.pop()

    def _note_flaws(self, real: str, problems: FileProblems | None, references: tuple[DigestedFile, ...]) -> None:
        """Remember whether ``real`` was answered leniently despite a problem, and say its own."""
        own = problems.message() if problems is not None else ""
        tainted = bool(self._flawed) and any(os.path.realpath(r.source) in self._flawed for r in references)
        if own or tainted:
            self._flawed[real] = own
            if real not in self._bundle_sources:  # else the bundle's error or warnings said it
                say(own)
        else:
            self._flawed.pop(real, None)

    def _source_map(
        self, data: bytes, real: str, root: StaticRoot, logical: str, for_bundle: bool
    ) -> tuple[bytes, DigestedFile] | None:
        """``data`` with its trailing sourceMappingURL naming the map's digested copy, and the map;
        None without one, or when the map is not a file of a static folder (left as written)."""
        found = sourcemaps.find(data, real)
        if found is None:
            return None
        start, end, url = found
        path, _, tail = url.partition("?") if "?" in url else url.partition("#")
        target = os.path.join(os.path.dirname(real), *unquote(path).split("/"))
        if "\0" in target or self.locate(target) is None or not os.path.isfile(target):
            return None  # no map to follow, as when a vendor ships none
        map_file = self._file(os.path.realpath(target), for_bundle)
        from_dir = url_of(root, logical).rsplit("/", 1)[0] + "/"
        new = relative_url(from_dir, url_of(map_file.root, map_file.path)) + (url[len(path) :] if tail else "")
        return data[:start] + new.encode("utf-8") + data[end:], map_file

    def rewrite_css(self, text: str, *, source_path: str, output_dir: str, lenient: bool = False) -> str:
        """``text`` (from ``source_path``) with references pointing at digested files,
        relative to ``output_dir``; the files referenced are queued to be written.

        ``lenient`` leaves a reference that does not resolve as written, whatever
        the policy: for a first look at a Sass or Less source, whose imports only
        resolve once compiled (the compiled CSS is then rewritten strictly).
        """
        with self._lock:
            real = os.path.realpath(source_path)
            key = (real, os.path.realpath(output_dir))
            known = self._rewrites.get(key)
            # webassets asks twice per build (cache key, then filter): answer once.
            if known is not None and known[0] == text and still_valid(known[2]):
                for referenced in known[3]:
                    self._queue(referenced)
                self._growth[real] = known[4]
                return known[1]
            self._bundle_sources.add(real)
            self._stack.append(real)
            try:
                missing = silent if lenient else self._targets.strict(real)
                rewritten, deps, references = self._rewrite(text, real, key[1], missing, True)
            finally:
                self._stack.pop()
            growth = len(rewritten.encode("utf-8")) - len(text.encode("utf-8")) if rewritten != text else 0
            self._rewrites[key] = (text, rewritten, deps, references, growth)
            self._growth[real] = growth
            self._source_deps[real] = deps
            self._source_refs[real] = tuple(r.source for r in references)
            return rewritten

    def dependency_stamps(self, source_path: str) -> tuple[Stamp, ...]:
        """Current stamps of every file the last rewrite of ``source_path`` referenced."""
        with self._lock:
            known = self._source_deps.get(os.path.realpath(source_path), ())
            return tuple(stamp(path) for path, *_ in known)

    def read_stamps(self, source_path: str) -> tuple[Stamp, ...]:
        """The stamps of every file the last rewrite of ``source_path`` referenced, as taken
        before each was read (for the build cache: a file edited meanwhile then differs)."""
        with self._lock:
            return self._source_deps.get(os.path.realpath(source_path), ())

    def reference_growth(self, source_paths: list[str]) -> int:
        """Bytes that rewriting references to digested names added to these bundle sources,
        by their last rewrite (forget_growth() first, so a source no filter rewrote counts 0)."""
        with self._lock:
            return sum(self._growth.get(os.path.realpath(p), 0) for p in source_paths)

    def forget_growth(self, source_paths: list[str]) -> None:
        """Forget what earlier rewrites of these sources added (see reference_growth)."""
        with self._lock:
            for path in source_paths:
                self._growth.pop(os.path.realpath(path), None)

    def references_of(self, source_path: str) -> tuple[str, ...]:
        """The files the last rewrite of ``source_path`` referenced directly."""
        with self._lock:
            return self._source_refs.get(os.path.realpath(source_path), ())

    def queue(self, abspath: str) -> DigestedFile:
        """Digest a file a bundle's CSS names and queue it (with what it references) to be written."""
        with self._lock:
            digested = self._file(os.path.realpath(abspath), True)
            self._queue(digested)
            return digested

    def export(self) -> dict[str, Any]:
        """What this digester learnt about the files it was asked for (a full build asks for every
        one), to hand to the next build's Digester(remembered=...); deleted files drop out."""
        with self._lock:
            exported = {
                real: self._records.get(real) or digested.record(stamps)
                for real, (stamps, digested) in self._memo.items()
            }
            for real, own in self._flawed.items():
                if real in exported:
                    exported[real] = {**exported[real], "flawed": own}
            return exported

    def static_file(self, root: StaticRoot, logical: str, path: str, stamp: Stamp) -> DigestedFile:
        """``file()`` for a file the static pass found by scanning ``root`` (path, logical path and stamp
        known): what the last build learnt is trusted on its stamp alone, with no other call."""
        with self._lock:
            if path not in self._memo:
                known = self._last_build.get(path)
                if known is not None and known["stamps"] and tuple(known["stamps"][0]) == stamp:
                    result = self._trust(known, root, logical, False)
                    if result is not None:
                        return result
            return self._file(os.path.realpath(path), False)

    def _remembered(self, real: str, for_bundle: bool) -> DigestedFile | None:
        known = self._last_build.get(real)
        located = self.locate(real) if known is not None else None
        if known is None or located is None or not still_valid(known["stamps"][:1]):
            return None
        return self._trust(known, *located, for_bundle)

    def _trust(self, known: dict[str, Any], root: StaticRoot, logical: str, for_bundle: bool) -> DigestedFile | None:
        """The DigestedFile a record of the last build describes, if the files it depends on are
        unchanged and its digested copy is in the output folder. (The static pass runs this for
        every file of a no-op build: it avoids every call it can.)"""
        flawed = known.get("flawed")
        if flawed is not None and (for_bundle or not self.lenient):
            return None  # answered leniently: what a bundle reads must be digested strictly
        stamps = known["stamps"]
        if len(stamps) > 1 and not still_valid(stamps[1:]):
            return None
        path = known["path"]
        if path != logical and not self._generated.exists(root.generated(path)):
            return None
        try:
            refs = known["references"]
            references = tuple(self._file(os.path.realpath(r), for_bundle) for r in refs) if refs else ()
        except (OSError, BuildError):
            return None
        result = from_record(known, root, logical, references)
        source = root.source(logical)
        self._memo[source] = (tuple(map(tuple, stamps)), result)
        self._records[source] = known  # exported as it came: nothing about it changed
        if flawed is not None:
            self._flawed[source] = flawed
            if source not in self._bundle_sources:
                say(flawed)  # said again on every build that digests the file, as on the first
        return result

    def take_pending(self) -> list[DigestedFile]:
        """The referenced files queued since the last call, to be written by the caller."""
        with self._lock:
            pending = list(self._pending.values())
            self._pending.clear()
            return pending

    def _queue(self, digested: DigestedFile) -> None:
        """Queue a file to be written, with every file its CSS references."""
        if digested.abspath not in self._pending:
            self._pending[digested.abspath] = digested
            for referenced in digested.references:
                self._queue(referenced)

    def _rewrite(
        self, text: str, source: str, output_dir: str, missing: Missing, for_bundle: bool
    ) -> tuple[str, tuple[Stamp, ...], tuple[DigestedFile, ...]]:
        """``text`` with its references naming digested files (relative to ``output_dir``), the stamps
        it depends on and the files it names; unresolved references are told to ``missing``."""
        text = csstokens.normalise(text)
        try:
            found = cssurls.find_references(text)
        except csstokens.CSSSyntaxError as exc:
            raise BuildError(f"{source} does not parse as CSS ({exc}); fix the stylesheet") from exc
        deps: list[Stamp] = []
        references: list[DigestedFile] = []
        output = self.locate(os.path.join(output_dir, "x"))
        from_url = url_of(output[0], output[1]).rsplit("/", 1)[0] + "/" if output is not None else ""
        # Each path written is resolved once per rewrite (its real path, a stat of every file it
        # depends on): a stylesheet naming one sprite 100,000 times pays for one (issue 24).
        # Unresolved ones are not remembered, so that each is told with its own line.
        resolved: dict[str, tuple[DigestedFile, str]] = {}

        def replace(ref: cssurls.Reference) -> str | None:
            known = resolved.get(ref.path)
            if known is None:
                target = self._targets.resolve(ref, source, self._stack, missing)
                if target is None:
                    return None
                digested = self._file(target, for_bundle)
                references.append(digested)
                self._queue(digested)
                deps.extend(self._memo[os.path.realpath(target)][0])
                url = url_of(digested.root, digested.path)  # an output outside every root: root-relative
                known = resolved[ref.path] = (digested, relative_url(from_url, url) if output is not None else url)
            return ref.replace_with(known[1], known[0].query)

        rewritten, edits = cssurls.rewrite(text, found, replace)
        if edits:  # the minifier that may follow finds what to protect without tokenising again
            carry_css_spans(text, rewritten, edits)
        return rewritten, tuple(dict.fromkeys(deps)), tuple(references)


def _decode(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BuildError(f"{path} is not UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8") from exc
