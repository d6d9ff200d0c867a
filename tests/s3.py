"""A real S3 API on 127.0.0.1: moto's standalone server, as the tests' bucket."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from .helpers import REQUIRE_E2E, clean_env, free_port, wait_for_http

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """Start ``moto.server`` on a free loopback port; yield its endpoint URL."""
    try:
        import moto.server  # noqa: F401
    except ImportError:
        if REQUIRE_E2E:
            pytest.fail("moto[server] is required when BUST_REQUIRE_E2E=1; pip install -e '.[test]'")
        pytest.skip("moto[server] is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(endpoint + "/", 30)
        yield endpoint
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip


def public_bucket(endpoint: str, name: str) -> None:
    """A bucket anyone may read, with CORS for any origin, as a CDN origin is set up."""
    s3 = s3_client(endpoint)
    s3.create_bucket(Bucket=name)
    read = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}
    policy = {"Version": "2012-10-17", "Statement": [read]}
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
    s3.put_bucket_cors(
        Bucket=name, CORSConfiguration={"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"]}]}
    )


def env_with_credentials() -> dict[str, str]:
    return clean_env() | CREDENTIALS
