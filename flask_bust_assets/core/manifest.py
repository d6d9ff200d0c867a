"""The manifest: one JSON file naming what each bundle became. Stdlib only.

Written at build time, after every file it names exists; read once at start-up
in production.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import BUILD_HINT, ManifestError
from .files import write_atomic

FORMAT = 1
FILE_NAME = "assets-manifest.json"  # in the output folder unless BUST_ASSETS_MANIFEST says otherwise


def manifest_path(output_folder: str, configured: str | None = None) -> str:
    """Where the manifest is: ``configured`` (BUST_ASSETS_MANIFEST) or in the output folder,
    so that shipping the output folder ships the manifest that names its files."""
    return os.path.abspath(configured or os.path.join(output_folder, FILE_NAME))


@dataclass(frozen=True)
class BundleOutput:
    """One built file of a bundle, as the browser will receive it."""

    path: str  # output path as the bundle names it, digest filled in: gen/site.<digest>.css
    digest: str
    integrity: str  # SRI of the served bytes: sha384-<base64>
    size: int  # bytes out
    source_size: int  # bytes in, all sources together
    query: str = ""  # "v=<digest>" under query-string versioning, else empty


@dataclass(frozen=True)
class StaticFile:
    """A digested static file: what ``url_for('static', filename=logical)`` serves."""

    path: str  # img/logo.<digest>.png (the logical path itself under query-string versioning)
    digest: str
    integrity: str
    size: int
    query: str = ""


@dataclass(frozen=True)
class ManifestData:
    """What one build produced: bundle name -> outputs; endpoint -> logical path -> file."""

    bundles: Mapping[str, tuple[BundleOutput, ...]] = field(default_factory=dict)
    files: Mapping[str, Mapping[str, StaticFile]] = field(default_factory=dict)

    def to_json(self) -> bytes:
        """Serialise with sorted keys so the same build gives the same bytes."""
        doc = {
            "format": FORMAT,
            "bundles": {name: [asdict(out) for out in outs] for name, outs in self.bundles.items()},
            "files": {ep: {lp: asdict(f) for lp, f in files.items()} for ep, files in self.files.items()},
        }
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")


def load(path: str) -> ManifestData:
    """Read the manifest at ``path``; raise ManifestError naming it if absent or corrupt."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        raise ManifestError(f"No manifest at {path}. {BUILD_HINT}") from None
    except OSError as exc:
        raise ManifestError(f"Cannot read the manifest {path}: {exc.strerror}.") from exc
    try:
        return _parse(json.loads(raw))
    except (ValueError, TypeError, KeyError) as exc:
        raise ManifestError(f"The manifest {path} is corrupt ({exc}). {BUILD_HINT}") from exc


def save(path: str, data: ManifestData) -> None:
    """Write the manifest atomically: readers see the old one or the new one."""
    write_atomic(path, data.to_json())


def _parse(doc: Any) -> ManifestData:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"expected a JSON object with format {FORMAT}")
    bundles: dict[str, tuple[BundleOutput, ...]] = {}
    for name, outputs in doc["bundles"].items():
        if not isinstance(outputs, list):
            raise ValueError(f"bundle {name!r} is not a list")
        bundles[name] = tuple(_parse_output(name, out) for out in outputs)
    files = {
        endpoint: {logical: StaticFile(**entry) for logical, entry in entries.items()}
        for endpoint, entries in doc.get("files", {}).items()
    }
    return ManifestData(bundles=bundles, files=files)


def _parse_output(name: str, out: Any) -> BundleOutput:
    if not isinstance(out, dict):
        raise ValueError(f"bundle {name!r} has an entry that is not an object")
    entry = BundleOutput(**out)
    if not isinstance(entry.path, str) or not entry.integrity.startswith("sha384-"):
        raise ValueError(f"bundle {name!r} has a malformed entry")
    return entry
