"""Pure functions over bytes and paths: digest, integrity, digested path.

Nothing here touches the file system, so the same bytes give the same answer on
every machine (invariant 1).
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re

from ..errors import ConfigError

DEFAULT_ALGORITHM = "sha256"
# 16 hex characters are 64 bits: a collision between two versions of one logical
# path needs about four billion builds of it, while URLs stay short to read.
DEFAULT_LENGTH = 16
MIN_LENGTH = 8

INTEGRITY_ALGORITHM = "sha384"  # what the SRI spec and browsers recommend
VERSION_PLACEHOLDER = "%(version)s"
# How long a digested name may be cached: a year, the longest lifetime caches honour.
# The name changes whenever the bytes do, so a browser never needs to ask again.
FOREVER = "public, max-age=31536000, immutable"


def check_algorithm(algorithm: str, length: int) -> None:
    """Raise ConfigError unless hashlib has ``algorithm`` and ``length`` fits it."""
    if algorithm not in hashlib.algorithms_guaranteed or algorithm.startswith("shake"):
        choices = ", ".join(sorted(a for a in hashlib.algorithms_guaranteed if not a.startswith("shake")))
        raise ConfigError(
            f"BUST_ASSETS_DIGEST_ALGORITHM={algorithm!r} is not a hash this Python guarantees; use one of: {choices}."
        )
    full = hashlib.new(algorithm).digest_size * 2
    if not MIN_LENGTH <= length <= full:
        raise ConfigError(
            f"BUST_ASSETS_DIGEST_LENGTH={length!r} must be between {MIN_LENGTH} and {full} for {algorithm}."
        )


def content_digest(data: bytes, algorithm: str = DEFAULT_ALGORITHM, length: int = DEFAULT_LENGTH) -> str:
    """The fixed-length hex digest of the bytes the browser receives."""
    return hashlib.new(algorithm, data).hexdigest()[:length]


def integrity(data: bytes) -> str:
    """The Subresource Integrity value (``sha384-<base64>``) of ``data``."""
    raw = hashlib.new(INTEGRITY_ALGORITHM, data).digest()
    return f"{INTEGRITY_ALGORITHM}-{base64.b64encode(raw).decode('ascii')}"


def digested_path(logical_path: str, digest: str) -> str:
    """``css/app.css`` -> ``css/app.<digest>.css``.

    A ``%(version)s`` placeholder, as webassets users write it, is filled in
    where it stands; otherwise the digest goes before the last extension.
    """
    if VERSION_PLACEHOLDER in logical_path:
        return logical_path.replace(VERSION_PLACEHOLDER, digest)
    folder, name = posixpath.split(logical_path)
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:  # "LICENSE" or ".htaccess": no extension to keep
        stem, ext = name, ""
    new_name = f"{stem}.{digest}.{ext}" if ext else f"{stem}.{digest}"
    return posixpath.join(folder, new_name) if folder else new_name


def output_path(output: str, digest: str, *, query: bool = False) -> str:
    """The path a bundle's ``output`` is written under: digested (``gen/site.<digest>.css``), or
    under query-string versioning the name as written, a ``%(version)s`` placeholder filled."""
    return output.replace(VERSION_PLACEHOLDER, digest) if query else digested_path(output, digest)


def split_digested_path(path: str, length: int | None = DEFAULT_LENGTH) -> tuple[str, str] | None:
    """``css/app.<digest>.css`` -> (``css/app.css``, digest); None if not digested.

    ``length=None`` accepts any digest length the settings allow.
    """
    folder, name = posixpath.split(path)
    size = f"{MIN_LENGTH},128" if length is None else str(length)
    match = re.fullmatch(rf"(.+)\.([0-9a-f]{{{size}}})((?:\.[^.]+)?)", name)
    if match is None:
        return None
    logical = match.group(1) + match.group(3)
    return (posixpath.join(folder, logical) if folder else logical), match.group(2)


def digests_in_name(path: str, length: int) -> list[str]:
    """Every digest ``path`` may carry where an output's ``%(version)s`` stood, which may be
    anywhere (``style-%(version)s.min.css`` gives ``style-<digest>.min.css``, and a folder may
    hold it too): each run of exactly ``length`` lower-case hex digits between separators.
    Hex in a name is no proof: a caller checks the file's bytes against each."""
    return re.findall(rf"(?<![0-9A-Za-z])[0-9a-f]{{{length}}}(?![0-9A-Za-z])", path)
