"""Precompressed variants (``.br``, ``.gz``) written beside digested text files.

gzip is written with mtime 0 and brotli is deterministic, so the same bytes
give the same variants on every machine (invariant 1). A variant is kept only
when it is clearly smaller than the original.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import brotli

from ..core.files import ENCODINGS, write_if_missing

# Formats that are not compressed already; woff2, png, jpg, webp... are.
COMPRESSIBLE = frozenset(
    {".css", ".js", ".mjs", ".svg", ".json", ".map", ".txt", ".html", ".htm", ".xml", ".webmanifest",
     ".ico", ".wasm", ".ttf", ".otf", ".eot", ".csv", ".md"}
)  # fmt: skip
KEEP_RATIO = 0.95  # a variant under 95% of the original is worth a second file
DEFAULT_BROTLI_QUALITY = 11


def is_compressible(path: str) -> bool:
    """True for text-like formats that are worth precompressing."""
    return os.path.splitext(path)[1].lower() in COMPRESSIBLE


def variants(data: bytes, brotli_quality: int = DEFAULT_BROTLI_QUALITY) -> dict[str, bytes]:
    """The encodings worth keeping for ``data``: content-coding -> compressed bytes."""
    candidates = {
        "br": brotli.compress(data, quality=brotli_quality),
        "gzip": gzip.compress(data, compresslevel=9, mtime=0),
    }
    return {enc: body for enc, body in candidates.items() if len(body) < len(data) * KEEP_RATIO}


def write_variants(path: str, data: bytes | None = None, brotli_quality: int = DEFAULT_BROTLI_QUALITY) -> int:
    """Write the variants of the file at ``path`` that do not exist yet; return how many.

    Names are content-addressed, so an existing variant is already right: a
    rebuild compresses only new files. ``data`` defaults to the file's bytes.
    """
    if not is_compressible(path) or all(os.path.exists(path + s) for s in ENCODINGS.values()):
        return 0
    if data is None:
        with open(path, "rb") as handle:
            data = handle.read()
    written = 0
    for encoding, body in variants(data, brotli_quality).items():
        written += write_if_missing(path + ENCODINGS[encoding], body)
    return written


def compress_all(files: Iterable[tuple[str, bytes | None]], brotli_quality: int = DEFAULT_BROTLI_QUALITY) -> int:
    """``write_variants`` for many files on all cores (zlib and brotli release the GIL)."""
    todo = [(path, data) for path, data in files if is_compressible(path)]
    if not todo:
        return 0
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return sum(pool.map(lambda item: write_variants(item[0], item[1], brotli_quality), todo))
