"""Publish digested files to S3-compatible storage behind a CDN; the manifest goes last.

Object keys mirror URL paths (``/static/gen/site.<digest>.css`` becomes
``<prefix>static/gen/site.<digest>.css``), so relative ``url()`` references in
CSS resolve on the CDN host as they do on the app. Names are content-addressed:
a key that exists already holds the right bytes and is skipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .core.digest import FOREVER
from .core.files import ENCODINGS
from .errors import ConfigError, PublishError

MANIFEST_CACHE = "no-cache"  # app servers fetching it must always get the latest


@dataclass(frozen=True)
class Upload:
    """One object to put: where its bytes are and the headers it is served with."""

    key: str
    path: str
    content_type: str
    cache_control: str = FOREVER
    content_encoding: str | None = None
    body: bytes | None = None  # the bytes to put, when they are not to be read from ``path`` at upload time


@dataclass
class PublishReport:
    """What ``publish`` did (or, on a dry run, would do)."""

    uploaded: list[str] = field(default_factory=list)
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    missing: int = 0  # of the failed: files the manifest names that are not in the output folder

    @property
    def ok(self) -> bool:
        """True if every object, and then the manifest, went up."""
        return not self.failed


def uploads_for(files: Iterable[tuple[str, str]], prefix: str) -> list[Upload]:
    """The uploads for (absolute path, URL path) pairs: each file and its precompressed variants."""
    planned = []
    for path, url_path in files:
        key = prefix + url_path.lstrip("/")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        planned.append(Upload(key, path, content_type))
        for encoding, suffix in ENCODINGS.items():
            if os.path.isfile(path + suffix):
                planned.append(Upload(key + suffix, path + suffix, content_type, content_encoding=encoding))
    return planned


def client(*, endpoint_url: str | None, region: str | None) -> Any:
    """A boto3 S3 client: credentials from boto3's usual sources, retries on transient errors."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise ConfigError("flask assets publish needs boto3: pip install 'flask-bust-assets[s3]'.") from None
    config = Config(retries={"max_attempts": 5, "mode": "standard"})
    return boto3.client("s3", endpoint_url=endpoint_url, region_name=region, config=config)


def existing_keys(s3: Any, bucket: str, prefix: str) -> set[str]:
    """Every key under ``prefix``, listed once (cheaper than a HEAD per object).

    The first call to the storage: where it cannot be reached, the bucket does not
    exist or the credentials are missing or refused, a PublishError says which.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    keys: set[str] = set()
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys.update(obj["Key"] for obj in page.get("Contents", []))
    except (BotoCoreError, ClientError) as exc:
        raise PublishError(_storage_problem(exc, bucket, s3.meta.endpoint_url)) from None
    return keys


def _storage_problem(exc: Exception, bucket: str, endpoint: str) -> str:
    """One line for what went wrong talking to the storage, and what to do; nothing was uploaded."""
    from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

    where = f"bucket {bucket!r} at {endpoint}"
    if isinstance(exc, NoCredentialsError):
        fix = "no credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE"
    elif isinstance(exc, EndpointConnectionError):
        fix = f"nothing answers there ({exc}): check BUST_ASSETS_S3_ENDPOINT_URL and that the storage is up"
    elif isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code == "NoSuchBucket":
            fix = "it does not exist: create it, or fix BUST_ASSETS_S3_BUCKET"
        elif code in ("AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
            fix = f"the storage refused the credentials ({code}): they need s3:ListBucket and s3:PutObject on it"
        else:
            fix = f"the storage answered {code or type(exc).__name__}: {exc}"
    else:
        fix = f"{type(exc).__name__}: {exc}"
    return f"Cannot publish to {where}: {fix}. Nothing was uploaded."


def publish(
    s3: Any,
    *,
    bucket: str,
    prefix: str,
    uploads: list[Upload],
    manifest_path: str,
    manifest_body: bytes,
    workers: int = 8,
    dry_run: bool = False,
) -> PublishReport:
    """Upload what the bucket lacks, in parallel; then the manifest, only if all went up.

    ``manifest_body`` is the manifest ``uploads`` were read from: a build finishing
    meanwhile replaces the file on disk, and its manifest names files not uploaded.
    """
    report = PublishReport()
    present = existing_keys(s3, bucket, prefix)
    todo = [u for u in uploads if u.key not in present]
    report.skipped = len(uploads) - len(todo)
    key = prefix + os.path.basename(manifest_path)
    manifest = Upload(key, manifest_path, "application/json", MANIFEST_CACHE, body=manifest_body)
    if dry_run:
        report.uploaded = [u.key for u in todo] + [manifest.key]
        return report

    from botocore.exceptions import BotoCoreError, ClientError

    failures = (OSError, BotoCoreError, ClientError)

    missing: set[str] = set()  # keys whose file is gone

    def put(upload: Upload) -> tuple[str, str | None]:
        try:
            extra = {"ContentEncoding": upload.content_encoding} if upload.content_encoding else {}
            with contextlib.ExitStack() as closing:
                body = upload.body if upload.body is not None else closing.enter_context(open(upload.path, "rb"))
                s3.put_object(
                    Bucket=bucket, Key=upload.key, Body=body, ContentType=upload.content_type,
                    CacheControl=upload.cache_control, **extra,
                )  # fmt: skip
            return upload.key, None
        except FileNotFoundError:  # deleted by hand, or a clean of another checkout: a retry cannot help
            missing.add(upload.key)
            return upload.key, f"{upload.path} is missing from the output folder"
        except failures as exc:  # reported with its key; the manifest then stays as it was
            return upload.key, f"{type(exc).__name__}: {exc}"

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for key, error in pool.map(put, todo):
            if error is None:
                report.uploaded.append(key)
            else:
                report.failed.append((key, error))
    report.missing = len(missing)
    if report.failed:
        return report  # the bucket keeps its previous manifest, which names only files that are there
    try:
        unchanged = manifest.key in present and _same_object(s3, bucket, manifest)
    except failures as exc:
        report.failed.append((manifest.key, f"{type(exc).__name__}: {exc}"))
        return report
    if unchanged:
        report.skipped += 1  # nothing changed since the last publish
        return report
    key, error = put(manifest)
    if error is not None:
        report.failed.append((key, error))
    else:
        report.uploaded.append(key)
    return report


def _same_object(s3: Any, bucket: str, upload: Upload) -> bool:
    """True if the bucket's object has these bytes (a single-part upload's ETag is their MD5)."""
    local = hashlib.md5(upload.body or b"", usedforsecurity=False).hexdigest()
    return bool(s3.head_object(Bucket=bucket, Key=upload.key)["ETag"].strip('"') == local)
