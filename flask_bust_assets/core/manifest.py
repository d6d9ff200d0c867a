"""The manifest: one JSON file naming what each bundle became. Stdlib only.

Written at build time, after every file it names exists; read once at start-up
in production.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..errors import BUILD_HINT, ManifestError
from .collector import collector_paused
from .files import write_atomic
from .names import fit, shown, why_unfit

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
    integrity: str  # SRI of the served bytes: sha384-<base64>; "" with digest "" (below)
    size: int  # bytes out
    source_size: int  # bytes in, all sources together
    query: str = ""  # "v=<digest>" under query-string versioning, else empty

    # digest "" (and integrity ""): a source of a bundle without output that did not exist at build
    # time, linked under its plain name as Flask links a missing file; nothing was written for it.

    @property
    def sri(self) -> str | None:
        """The integrity to render, None where there are no bytes to check (as webassets gives)."""
        return self.integrity or None


class StaticFile(NamedTuple):
    """A digested static file: what ``url_for('static', filename=logical)`` serves.

    A named tuple, not a dataclass: a manifest holds one per static file, and
    tuples are made five times faster (20,000 of them in 30 ms).
    """

    path: str  # img/logo.<digest>.png (the logical path itself under query-string versioning)
    digest: str
    integrity: str
    size: int
    query: str = ""


Module = tuple[str, str]  # (static endpoint, logical path)


@dataclass(frozen=True)
class ModuleEntry:
    """A JavaScript entry point's module graph: what its import map names (web/importmap.py)."""

    modules: tuple[Module, ...]  # the entry first
    preload: tuple[Module, ...] = ()  # its static imports, at any depth
    bare: Mapping[str, Module] = field(default_factory=dict)  # pinned bare specifiers it uses

    def to_doc(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "modules": [list(m) for m in self.modules],
            "preload": [list(m) for m in self.preload],
            "bare": {name: list(m) for name, m in self.bare.items()},
        }


@dataclass(frozen=True)
class ManifestData:
    """What one build produced: bundle name -> outputs; endpoint -> logical path -> file;
    module entry point -> its graph."""

    bundles: Mapping[str, tuple[BundleOutput, ...]] = field(default_factory=dict)
    files: Mapping[str, Mapping[str, StaticFile]] = field(default_factory=dict)
    modules: Mapping[str, ModuleEntry] = field(default_factory=dict)

    def to_json(self) -> bytes:
        """Serialise with sorted keys so the same build gives the same bytes.

        Compact, for json's C encoder: 20,000 files serialise in a tenth of the
        time an indented document takes (``python -m json.tool`` shows it indented).
        """
        doc = {
            "format": FORMAT,
            "bundles": {name: [vars(out) for out in outs] for name, outs in self.bundles.items()},
            "files": {ep: {lp: f._asdict() for lp, f in files.items()} for ep, files in self.files.items()},
            "modules": {entry: graph.to_doc() for entry, graph in self.modules.items()},
        }
        return (json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")

    def fingerprint(self) -> str:
        """A digest of everything ``to_json`` writes, a tenth of its cost: a build that would
        write the same manifest again can tell without serialising it."""
        lines = [f"{name}\t{out}" for name, outs in sorted(self.bundles.items()) for out in outs]
        for endpoint, files in sorted(self.files.items()):
            lines.extend(f"{endpoint}\t{logical}\t{entry}" for logical, entry in files.items())
        lines.extend(f"module\t{entry}\t{graph}" for entry, graph in sorted(self.modules.items()))
        return hashlib.sha256(f"{FORMAT}\n{chr(10).join(lines)}".encode()).hexdigest()


def load(path: str) -> ManifestData:
    """Read the manifest at ``path``; raise ManifestError naming it if absent or corrupt."""
    raw = _read(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _corrupt(path, exc) from exc
    del raw  # a million entries' bytes (200 MB) need not live beside the entries made from them
    return _from_json(path, text)


def load_with_bytes(path: str) -> tuple[ManifestData, bytes]:
    """The manifest at ``path`` and the bytes it was read from: a snapshot that a build
    replacing the file meanwhile cannot change (publish uploads exactly what it read)."""
    raw = _read(path)
    return _from_json(path, raw), raw


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise ManifestError(f"No manifest at {path}. {BUILD_HINT}") from None
    except OSError as exc:
        raise ManifestError(f"Cannot read the manifest {path}: {exc.strerror}.") from exc


def _from_json(path: str, doc: str | bytes) -> ManifestData:
    # Static entries become StaticFiles as the parser meets them (object_hook), so that a
    # million parsed dicts never live beside the million tuples made from them (issue 24).
    try:
        with collector_paused():  # a tuple per entry, no cycles (collector.py)
            return _parse(json.loads(doc, object_hook=_static_hook))
    except (ValueError, TypeError, KeyError) as exc:
        raise _corrupt(path, exc) from exc


def _corrupt(path: str, exc: Exception) -> ManifestError:
    return ManifestError(f"The manifest {path} is corrupt ({exc}). {BUILD_HINT}")


def save(path: str, data: ManifestData) -> bool:
    """Write the manifest atomically (readers see the old one or the new one) unless it already
    holds these bytes; True if written."""
    doc = data.to_json()
    try:
        with open(path, "rb") as handle:
            if handle.read() == doc:
                return False
    except OSError:
        pass
    write_atomic(path, doc, durable=True)
    return True


def _parse(doc: Any) -> ManifestData:
    """The document as ManifestData; ValueError naming the first field that is not as a build writes it."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"expected a JSON object with format {FORMAT}")
    if "bundles" not in doc:
        raise ValueError("bundles is missing")
    bundles: dict[str, tuple[BundleOutput, ...]] = {}
    for name, outputs in _mapping(doc["bundles"], "bundles").items():
        if not isinstance(outputs, list):
            raise ValueError(f"bundles.{name} is {_kind(outputs)}, not a list")
        bundles[name] = tuple(
            BundleOutput(**_entry(_undone(out), f"bundles.{name}[{i}]", BUNDLE_FIELDS, missing=True))
            for i, out in enumerate(outputs)
        )
    files: dict[str, dict[str, StaticFile]] = {}
    for endpoint, entries in _mapping(doc.get("files", {}), "files").items():
        files[endpoint] = {
            logical: entry
            if type(entry) is StaticFile
            else StaticFile(**_entry(entry, f"files.{endpoint}.{logical}", STATIC_FIELDS))
            for logical, entry in _mapping(entries, f"files.{endpoint}").items()
        }
    modules = {
        entry: _module_entry(graph, f"modules.{entry}")
        for entry, graph in _mapping(doc.get("modules", {}), "modules").items()
    }
    return ManifestData(bundles=bundles, files=files, modules=modules)


def _module_entry(value: Any, field: str) -> ModuleEntry:
    graph = _mapping(value, field)

    def module(item: Any, where: str) -> Module:
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(part, str) for part in item)):
            raise ValueError(f"{where} is not an [endpoint, path] pair")
        if not fit(item[1]):
            raise ValueError(f"{where} path {shown(item[1])!r} {why_unfit(item[1])}")
        return (item[0], item[1])

    lists = {}
    for key in ("modules", "preload"):
        items = graph.get(key, [])
        if not isinstance(items, list):
            raise ValueError(f"{field}.{key} is {_kind(items)}, not a list")
        lists[key] = tuple(module(item, f"{field}.{key}[{i}]") for i, item in enumerate(items))
    bare = {
        name: module(m, f"{field}.bare.{name}") for name, m in _mapping(graph.get("bare", {}), f"{field}.bare").items()
    }
    if not lists["modules"]:
        raise ValueError(f"{field}.modules is empty")
    return ModuleEntry(lists["modules"], lists["preload"], bare)


BUNDLE_FIELDS = {"path": str, "digest": str, "integrity": str, "size": int, "source_size": int, "query": str}
STATIC_FIELDS = {"path": str, "digest": str, "integrity": str, "size": int, "query": str}
OPTIONAL = frozenset({"query"})
_STATIC_KEYS = STATIC_FIELDS.keys()


def _static_entry(entry: Any) -> StaticFile | None:
    """The entry as a build writes it, checked in one expression (a worker reads 20,000 of them at
    start-up); None sends anything else through ``_entry``, which names what is wrong."""
    if (
        type(entry) is dict
        and entry.keys() == _STATIC_KEYS
        and type(path := entry["path"]) is str
        and type(entry["digest"]) is str
        and type(integrity := entry["integrity"]) is str
        and type(entry["size"]) is int
        and type(entry["query"]) is str
        and integrity.startswith("sha384-")
        and fit(path)
    ):
        return StaticFile(path, entry["digest"], integrity, entry["size"], entry["query"])
    return None


def _static_hook(value: dict[str, Any]) -> Any:
    """What json.loads makes of an object: a StaticFile if it is a static entry as a build writes it."""
    return _static_entry(value) or value


def _undone(value: Any) -> Any:
    """An object the hook took for a static entry where another kind belongs, as the object it was."""
    return value._asdict() if type(value) is StaticFile else value


def _mapping(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{field} is {_kind(value)}, not an object")
    return value


def _entry(value: Any, field: str, fields: dict[str, type], *, missing: bool = False) -> dict[str, Any]:
    """An entry with exactly the fields a build writes, each of its type, and a path that stays
    inside the folder it is relative to (invariant 5: a manifest names nothing outside).
    ``missing``: an empty digest and integrity may say a linked source did not exist."""
    entry = _mapping(value, field)
    for name in entry.keys() - fields.keys():
        raise ValueError(f"{field}.{name} is not a field of a manifest entry")
    for name, kind in fields.items():
        if name not in entry and name in OPTIONAL:
            continue
        if name not in entry:
            raise ValueError(f"{field}.{name} is missing")
        if not isinstance(entry[name], kind) or isinstance(entry[name], bool):
            raise ValueError(f"{field}.{name} is {_kind(entry[name])}, not {'a number' if kind is int else 'a string'}")
    path = entry["path"]
    if not fit(path):
        raise ValueError(f"{field}.path {shown(path)!r} {why_unfit(path)}")
    if missing and entry["digest"] == entry["integrity"] == "":
        return entry
    if not entry["integrity"].startswith("sha384-"):
        raise ValueError(f"{field}.integrity is not a sha384 integrity value")
    return entry


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )
