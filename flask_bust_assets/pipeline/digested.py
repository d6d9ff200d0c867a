"""DigestedFile: a static file as the browser receives it, and how a build remembers it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.digest import integrity
from ..core.stamps import Stamp
from ..core.static import StaticRoot
from ..errors import BuildError


@dataclass(slots=True)  # not frozen: a build makes one per static file, and frozen fields cost 5x to set
class DigestedFile:
    """A static file as the browser will receive it, and the name it is served under (never changed)."""

    root: StaticRoot
    logical: str  # img/logo.png
    path: str  # img/logo.<digest>.png; the logical path itself under query-string versioning
    query: str  # "v=<digest>" under query-string versioning, else ""
    digest: str
    integrity: str
    size: int
    data: bytes | None  # only for rewritten CSS: anything else is read back from disk when written
    references: tuple[DigestedFile, ...] = ()  # files its rewritten CSS names
    on_disk: bool = False  # known from the last build, whose digested copy is in the output folder

    @property
    def abspath(self) -> str:
        """Where the browser's bytes live on disk: the digested copy in the output folder,
        or the source itself under query-string versioning (nothing is copied then)."""
        return self.root.generated(self.path) if self.path != self.logical else self.source

    @property
    def source(self) -> str:
        """The original file it was digested from."""
        return self.root.source(self.logical)

    def read(self) -> bytes:
        """The bytes the browser receives: kept, or the digested copy, or the source again.

        A source is read back rather than held from its digest until the build
        writes (20,000 files held 30 MiB); one edited meanwhile no longer has the
        bytes the digest names, and is refused rather than written under it.
        """
        if self.data is not None:
            return self.data
        try:
            with open(self.abspath, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            if self.abspath == self.source:
                raise
        with open(self.source, "rb") as handle:
            data = handle.read()
        if integrity(data) != self.integrity:
            raise BuildError(f"{self.source} changed during the build; run the build again")
        return data

    def record(self, stamps: tuple[Stamp, ...]) -> dict[str, Any]:
        """What the next build needs to trust this answer while ``stamps`` hold (JSON-ready)."""
        return {
            "stamps": [list(stamp) for stamp in stamps],
            "path": self.path,
            "query": self.query,
            "digest": self.digest,
            "integrity": self.integrity,
            "size": self.size,
            "references": [r.source for r in self.references],
        }


def from_record(
    record: dict[str, Any], root: StaticRoot, logical: str, references: tuple[DigestedFile, ...]
) -> DigestedFile:
    """The DigestedFile a record describes; its bytes are read from disk when needed."""
    return DigestedFile(
        root, logical, record["path"], record["query"], record["digest"], record["integrity"], record["size"], None,
        references, on_disk=True,
    )  # fmt: skip
