"""Precompressed variants (``.br``, ``.gz``) written beside digested text files.

gzip is written with mtime 0 and brotli is deterministic, so the same bytes
give the same variants on every machine (invariant 1). A variant is kept only
when it is clearly smaller than the original, and a file is compressed only
when it can pay: a text format, at least MIN_SIZE bytes. Compressed bytes are
kept in a store by the digest of what they compress (``ASSETS_CACHE``), so no
content is compressed twice: not by the next build, not for another output
folder, not after ``clean`` retired it and an edit brought it back.

TrueType, OpenType and EOT fonts get gzip only: every browser that accepts brotli
reads WOFF2, which stylesheets list first, so it never downloads them; their
brotli variants cost most of a build that bundles Font Awesome (5 of 5.6 s).

Bundle outputs and static copies get brotli qualities of their own: a bundle is
downloaded by every page, so its last bytes pay; static copies are many (a
vendored editor is 150 files) and most are never downloaded, so quality 5
(18x faster than 10 for 11% more bytes on CKEditor) is their default.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import brotli

from ..core.files import ENCODINGS, TEMP_PREFIX, TEMP_SUFFIX, write_atomic

# Formats that are not compressed already; woff2, png, jpg, webp... are.
COMPRESSIBLE = frozenset(
    {".css", ".js", ".mjs", ".svg", ".json", ".map", ".txt", ".html", ".htm", ".xml", ".webmanifest",
     ".ico", ".wasm", ".ttf", ".otf", ".eot", ".csv", ".md"}
)  # fmt: skip
# Fonts only browsers without brotli download (WOFF2 is read by every browser with it).
GZIP_ONLY = frozenset({".ttf", ".otf", ".eot"})
KEEP_RATIO = 0.95  # a variant under 95% of the original is worth a second file
# Below this a response fits in one TCP segment (about 1,400 bytes of payload) with
# its headers whether compressed or not: compressing it saves no round trip.
MIN_SIZE = 1024
# Below this, compressing again costs less than the store's extra file (measured: a file
# created costs about 0.7 ms on a busy disk; brotli 10 compresses 16 KiB in about 2 ms).
STORE_MIN = 16 * 1024
DEFAULT_BROTLI_QUALITY = 10  # of bundle outputs: 11 is 2.2% smaller but 2.5x slower (docs/configuration.md)
DEFAULT_STATIC_BROTLI_QUALITY = 5  # of static copies: see docs/performance.md "Static copies' brotli quality"
NONE = ".none"  # the store's mark for "no variant pays for this content"


def is_compressible(path: str) -> bool:
    """True for text-like formats that are worth precompressing."""
    return os.path.splitext(path)[1].lower() in COMPRESSIBLE


def encodings_for(path: str) -> tuple[str, ...]:
    """The content-codings a browser may ask ``path`` in: gzip alone for fonts older than WOFF2."""
    return ("gzip",) if os.path.splitext(path)[1].lower() in GZIP_ONLY else ("br", "gzip")


def variants(
    data: bytes, brotli_quality: int = DEFAULT_BROTLI_QUALITY, encodings: tuple[str, ...] = ("br", "gzip")
) -> dict[str, bytes]:
    """The encodings worth keeping for ``data``: content-coding -> compressed bytes."""
    if len(data) < MIN_SIZE:
        return {}
    candidates = {}
    if "br" in encodings:
        candidates["br"] = brotli.compress(data, quality=brotli_quality)
    if "gzip" in encodings:
        candidates["gzip"] = gzip.compress(data, compresslevel=9, mtime=0)
    return {enc: body for enc, body in candidates.items() if len(body) < len(data) * KEEP_RATIO}


class VariantStore:
    """Variants by the digest of their content and the brotli quality; None keeps nothing."""

    def __init__(self, folder: str | None, brotli_quality: int = DEFAULT_BROTLI_QUALITY) -> None:
        self._folder = os.path.join(folder, "variants") if folder else None
        self._quality = brotli_quality

    def write(self, path: str, data: bytes | None = None, replace: bool = False) -> int:
        """Write the variants of the file at ``path`` that are missing beside it; return how many.

        Names are content-addressed, so an existing variant is already right, unless it was
        made at another quality: ``replace`` then puts this store's over it.
        ``data`` defaults to the file's bytes.
        """
        encodings = encodings_for(path)
        if not is_compressible(path):
            return 0
        if not replace and all(os.path.exists(path + ENCODINGS[e]) for e in encodings):
            return 0
        if data is None:
            with open(path, "rb") as handle:
                data = handle.read()
        if len(data) < MIN_SIZE:
            return 0
        stored = self._stored(data, encodings)
        written = 0
        for encoding, source in stored.items():
            written += _place(source, path + ENCODINGS[encoding], replace)
        for encoding in encodings if replace else ():  # one the new quality no longer pays for
            if encoding not in stored and os.path.exists(path + ENCODINGS[encoding]):
                os.remove(path + ENCODINGS[encoding])
        return written

    def _stored(self, data: bytes, encodings: tuple[str, ...]) -> dict[str, str | bytes]:
        """Content-coding -> the store's file of that variant of ``data`` (compressed first if new),
        or the compressed bytes themselves without a store."""
        if self._folder is None or len(data) < STORE_MIN:
            return dict(variants(data, self._quality, encodings))
        digest = hashlib.sha256(data).hexdigest()
        key = f"{digest}-q{self._quality}" if "br" in encodings else f"{digest}-gzip"
        base = os.path.join(self._folder, key[:2], key)
        found: dict[str, str | bytes] = {
            enc: base + ENCODINGS[enc] for enc in encodings if os.path.exists(base + ENCODINGS[enc])
        }
        if found or os.path.exists(base + NONE):
            return found
        made = variants(data, self._quality, encodings)
        for encoding, body in made.items():
            write_atomic(base + ENCODINGS[encoding], body)
        if not made:
            write_atomic(base + NONE, b"")
        return {enc: base + ENCODINGS[enc] for enc in made}


def _place(source: str | bytes, target: str, replace: bool = False) -> int:
    """Put a variant at ``target`` unless one is there (``replace``: over it): a hard link to the
    store's copy (no bytes copied), a copy across file systems, or the bytes themselves."""
    if os.path.exists(target) and not replace:
        return 0
    if isinstance(source, bytes):
        write_atomic(target, source)
        return 1
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        if replace:  # a server reading the old variant meanwhile gets it whole, then the new one
            # The temp name of write_atomic's kind: a killed build's leftover is swept (pipeline.py).
            folder, name = os.path.split(target)
            temp = os.path.join(folder, f"{TEMP_PREFIX}{name}.{os.getpid()}.{threading.get_ident()}{TEMP_SUFFIX}")
            os.link(source, temp)
            os.replace(temp, target)
        else:
            os.link(source, target)  # atomic: the name appears with every byte
    except FileExistsError:
        return 0
    except OSError:  # the store on another file system: copy, through the same temp-name rename
        with open(source, "rb") as handle:
            write_atomic(target, handle.read())
    return 1


def compress_all(files: Iterable[tuple[str, bytes | None, VariantStore]], replace: bool = False) -> int:
    """Each file's ``store.write`` on all cores (zlib and brotli release the GIL)."""
    todo = [(path, data, store) for path, data, store in files if is_compressible(path)]
    if not todo:
        return 0
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return sum(pool.map(lambda item: item[2].write(item[0], item[1], replace), todo))
