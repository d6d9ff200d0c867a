"""Write files so that a reader sees the old bytes or the new ones, never a torn file."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator

# Precompressed variants live beside the file they compress: content-coding -> suffix.
ENCODINGS = {"br": ".br", "gzip": ".gz"}
VARIANT_SUFFIXES = tuple(ENCODINGS.values())
# Temp files are written beside their target (same file system, so os.replace is atomic)
# and named so that nothing serves, digests or globs them: hidden, with this suffix; and
# with our own prefix, so that sweeping a killed build's never takes a user's `.notes.tmp`.
TEMP_PREFIX, TEMP_SUFFIX = ".bust-", ".tmp"


def is_temp_name(name: str) -> bool:
    """True for a file name write_atomic uses while writing."""
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


class RealPaths:
    """The real path of a file, as a build wrote it: its folder resolved (links followed), once per folder.

    Builds write regular files into real folders; a folder on the way may be a
    link (``instance/`` linked to shared storage). Every path a build records and
    ``clean`` compares goes through this, so both see the same string for one file.
    """

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        folder, name = os.path.split(os.path.abspath(path))
        real = self._folders.get(folder)
        if real is None:
            real = self._folders[folder] = os.path.realpath(folder)
        return os.path.join(real, name)


def write_atomic(path: str, data: bytes, *, durable: bool = False) -> None:
    """Write ``data`` to a temp file beside ``path`` and move it into place.

    The temp file lives in the same folder so that ``os.replace`` is a rename on
    one file system, which POSIX makes atomic (invariant 3): readers see the old
    bytes or the new ones. ``durable`` also syncs them to disk first, for the
    manifest; a build syncs the files it names all at once before writing it
    (one ``os.sync()`` instead of an fsync per file, which cost a build of
    20,000 files a third of its time). A link at ``path`` is written through, not
    replaced by a file: other servers reading its target see the new bytes.
    """
    if os.path.islink(path):  # a manifest linked to shared storage: replace what it names, keep the link
        path = os.path.realpath(path)
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    except OSError as exc:  # a read-only folder: name the file meant, not a temp name
        raise OSError(exc.errno, exc.strerror, path) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        # mkstemp creates 0600; static files must be readable by a web server.
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename in (None, tmp):  # ENOSPC names no file; a folder at
            raise OSError(exc.errno, exc.strerror, path) from exc  # ``path`` names the temp file: name ``path``
        raise


def cannot_write(folder: str) -> OSError | None:
    """Why files cannot be created in ``folder`` (made if missing), or None. Asked of the
    file system (access(2): permission bits, read-only mounts), so nothing is written."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        return exc
    if not os.access(folder, os.W_OK | os.X_OK):
        return PermissionError(errno.EACCES, os.strerror(errno.EACCES), folder)
    return None


def write_if_missing(path: str, data: bytes) -> bool:
    """Write atomically unless ``path`` exists; True if written.

    For content-addressed names only: the name is the digest of the bytes, and
    files are only ever moved into place whole, so an existing file already
    holds exactly ``data``. Rewriting it would only disturb readers.
    """
    if os.path.exists(path):
        return False
    write_atomic(path, data)
    return True


class Listing:
    """Whether files exist, answered from one ``os.listdir`` per folder instead of a stat per file.

    A name missing from a folder's listing is looked up again (a file written
    since), so only a file deleted after its folder was listed is believed to
    exist; builds write after they have looked, and ``clean`` waits for them.
    """

    def __init__(self) -> None:
        self._folders: dict[str, frozenset[str]] = {}

    def exists(self, path: str) -> bool:
        """True if ``path`` names an entry of its folder."""
        folder, _, name = path.rpartition(os.sep)
        names = self._folders.get(folder)
        if names is None or name not in names:
            try:
                names = self._folders[folder] = frozenset(os.listdir(folder))
            except OSError:
                names = self._folders[folder] = frozenset()
        return name in names


def names_digest(folder: str, *, sweep_after: float | None = None) -> str:
    """A digest of the names of every file under ``folder``: it changes when a file appears or
    goes, not when one is rewritten. One scan per folder, no stat but for temp files.

    ``sweep_after`` (seconds) first deletes temp files at least that old: a killed
    build's leftovers. A younger one may be another writer's, in flight.
    """
    digest = hashlib.sha256()
    now = time.time()
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as scan:
                found = sorted(scan, key=lambda e: e.name)
        except OSError:
            continue
        for entry in found:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
                continue
            if sweep_after is not None and is_temp_name(entry.name):
                with contextlib.suppress(OSError):
                    if now - entry.stat(follow_symlinks=False).st_mtime >= sweep_after:
                        os.unlink(entry.path)
                        continue
            digest.update(entry.path.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


@contextlib.contextmanager
def exclusive_lock(path: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the block.

    Two builds, or a build and a clean, then take turns in writing: a clean can
    never delete a file a concurrent build has just decided to reuse.
    """
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
