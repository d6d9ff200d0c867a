"""Digests of static files, with CSS references rewritten to digested URLs first.

A stylesheet's digest covers the digests of the files it references (at any
depth), so changing an image changes the name of every stylesheet that uses it,
and of nothing else: one pass, no repeated rewriting (invariant 2). In a
reference cycle (a.css -> b.css -> a.css) the reference that closes the cycle is
left as written, with a warning, so a build never loops or crashes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from ..core.digest import content_digest, digested_path, integrity
from ..core.files import Listing
from ..core.stamps import Stamp, stamp, still_valid
from ..core.static import StaticRoot, locate, relative_url, url_of
from ..css import references as cssurls
from ..css import tokens as csstokens
from ..css.targets import ReferenceTargets
from ..errors import BuildError
from ..minify.protect import carry_css_spans
from . import sourcemaps
from .digested import DigestedFile, from_record

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
        remembered: Mapping[str, Any] | None = None,
    ) -> None:
        self.roots = sorted(roots, key=lambda r: len(r.folder), reverse=True)  # innermost folder first
        self._algorithm = algorithm
        self._length = length
        self._versioning = versioning
        self._targets = ReferenceTargets(self.roots, missing_reference)
        self._memo: dict[str, tuple[tuple[Stamp, ...], DigestedFile]] = {}
        self._source_deps: dict[str, tuple[Stamp, ...]] = {}
        self._rewrites: dict[tuple[str, str], tuple[str, str, tuple[Stamp, ...], tuple[DigestedFile, ...]]] = {}
        self._stack: list[str] = []
        self._pending: dict[str, DigestedFile] = {}
        self._lock = threading.RLock()  # the development server renders on several threads
        # What earlier builds learnt (see export()): lets a build skip reading and
        # hashing files whose stamps have not changed.
        self._last_build = remembered if remembered is not None else {}  # may load lazily: not bool()-ed
        self._source_refs: dict[str, tuple[str, ...]] = {}
        self._lenient = False  # set by rewrite_css(lenient=True), under the lock
        # Which digested copies exist, one directory listing per output folder: a build trusts
        # what the last one wrote without a stat per file. Renders re-list as files appear.
        self._generated = Listing()
        self._records: dict[str, dict[str, Any]] = {}  # the last build's record of each file trusted

    def locate(self, abspath: str) -> tuple[StaticRoot, str] | None:
        """The root holding ``abspath`` and its logical path there, or None."""
        return locate(self.roots, abspath)

    def file(self, abspath: str) -> DigestedFile:
        """The digested form of a static file; raises OSError if it cannot be read."""
        with self._lock:
            real = os.path.realpath(abspath)
            memo = self._memo.get(real)
            if memo is not None and still_valid(memo[0]):
                return memo[1]
            remembered = self._remembered(real)
            if remembered is not None:
                return remembered
            located = self.locate(real)
            if located is None:
                raise BuildError(f"{abspath} is outside every static folder")
            root, logical = located
            stamps = [stamp(real)]
            with open(real, "rb") as handle:
                data = handle.read()
            references: tuple[DigestedFile, ...] = ()
            if real.endswith(".css") and self._versioning == "filename":
                if len(self._stack) >= MAX_DEPTH:
                    chain = " -> ".join(os.path.basename(p) for p in [*self._stack[:3], "...", real])
                    raise BuildError(
                        f"{self._stack[0]}: stylesheets reference each other {MAX_DEPTH} deep ({chain}); "
                        f"bundle them instead of chaining @import more than {MAX_DEPTH} levels"
                    )
                self._stack.append(real)
                try:
                    text, deps, references = self._rewrite(_decode(data, real), real, os.path.dirname(real))
                finally:
                    self._stack.pop()
                if references:
                    data = text.encode("utf-8")
                stamps.extend(deps)
            if self._versioning == "filename" and (mapped := self._source_map(data, real, root, logical)):
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
            return result

    def _source_map(self, data: bytes, real: str, root: StaticRoot, logical: str) -> tuple[bytes, DigestedFile] | None:
        """``data`` with its trailing sourceMappingURL naming the map's digested copy, and the map;
        None without one, or when the map is not a file of a static folder (left as written)."""
        found = sourcemaps.find(data, real)
        if found is None:
            return None
        start, end, url = found
        path, _, tail = url.partition("?") if "?" in url else url.partition("#")
        if "\0" in unquote(path):  # no file has such a name (and the OS refuses to look): left as written
            return None
        target = os.path.join(os.path.dirname(real), *unquote(path).split("/"))
        if self.locate(target) is None or not os.path.isfile(target):
            return None
        map_file = self.file(target)
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
                return known[1]
            self._stack.append(real)
            self._lenient = lenient
            try:
                rewritten, deps, references = self._rewrite(text, real, key[1])
            finally:
                self._stack.pop()
                self._lenient = False
            self._rewrites[key] = (text, rewritten, deps, references)
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

    def references_of(self, source_path: str) -> tuple[str, ...]:
        """The files the last rewrite of ``source_path`` referenced directly."""
        with self._lock:
            return self._source_refs.get(os.path.realpath(source_path), ())

    def queue(self, abspath: str) -> DigestedFile:
        """Digest a file and queue it (with what it references) to be written."""
        with self._lock:
            digested = self.file(abspath)
            self._queue(digested)
            return digested

    def export(self) -> dict[str, Any]:
        """What this digester learnt about the files it was asked for (a full build asks for every
        one), to hand to the next build's Digester(remembered=...); deleted files drop out."""
        with self._lock:
            return {
                real: self._records.get(real) or digested.record(stamps)
                for real, (stamps, digested) in self._memo.items()
            }

    def static_file(self, root: StaticRoot, logical: str, path: str, stamp: Stamp) -> DigestedFile:
        """``file()`` for a file the static pass found by scanning ``root`` (path, logical path and stamp
        known): what the last build learnt is trusted on its stamp alone, with no other call."""
        with self._lock:
            if path not in self._memo:
                known = self._last_build.get(path)
                if known is not None and known["stamps"] and tuple(known["stamps"][0]) == stamp:
                    result = self._trust(known, root, logical)
                    if result is not None:
                        return result
            return self.file(path)

    def _remembered(self, real: str) -> DigestedFile | None:
        known = self._last_build.get(real)
        located = self.locate(real) if known is not None else None
        if known is None or located is None or not still_valid(known["stamps"][:1]):
            return None
        return self._trust(known, *located)

    def _trust(self, known: dict[str, Any], root: StaticRoot, logical: str) -> DigestedFile | None:
        """The DigestedFile a record of the last build describes, if the files it depends on are
        unchanged and its digested copy is in the output folder. (The static pass runs this for
        every file of a no-op build: it avoids every call it can.)"""
        stamps = known["stamps"]
        if len(stamps) > 1 and not still_valid(stamps[1:]):
            return None
        path = known["path"]
        if path != logical and not self._generated.exists(root.generated(path)):
            return None
        try:
            references = tuple(self.file(ref) for ref in known["references"]) if known["references"] else ()
        except (OSError, BuildError):
            return None
        result = from_record(known, root, logical, references)
        source = root.source(logical)
        self._memo[source] = (tuple(map(tuple, stamps)), result)
        self._records[source] = known  # exported as it came: nothing about it changed
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
        self, text: str, source: str, output_dir: str
    ) -> tuple[str, tuple[Stamp, ...], tuple[DigestedFile, ...]]:
        text = csstokens.normalise(text)
        try:
            found = cssurls.find_references(text)
        except csstokens.CSSSyntaxError as exc:
            raise BuildError(f"{source} does not parse as CSS ({exc}); fix the stylesheet") from exc
        deps: list[Stamp] = []
        references: list[DigestedFile] = []
        output = self.locate(os.path.join(output_dir, "x"))

        def replace(ref: cssurls.Reference) -> str | None:
            target = self._targets.resolve(ref, source, self._stack, lenient=self._lenient)
            if target is None:
                return None
            digested = self.file(target)
            references.append(digested)
            self._queue(digested)
            deps.extend(self._memo[os.path.realpath(target)][0])
            if output is None:  # an output outside every root: link by root-relative URL
                return ref.replace_with(url_of(digested.root, digested.path), digested.query)
            from_url = url_of(output[0], output[1]).rsplit("/", 1)[0] + "/"
            return ref.replace_with(relative_url(from_url, url_of(digested.root, digested.path)), digested.query)

        rewritten, edits = cssurls.rewrite(text, found, replace)
        if edits:  # the minifier that may follow finds what to protect without tokenising again
            carry_css_spans(text, rewritten, edits)
        return rewritten, tuple(dict.fromkeys(deps)), tuple(references)


def _decode(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BuildError(f"{path} is not UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8") from exc
