"""digest.py: standard hash vectors, digested path naming, config validation."""

from __future__ import annotations

import hashlib

import pytest

from flask_bust_assets.core.digest import (
    check_algorithm,
    content_digest,
    digested_path,
    integrity,
    split_digested_path,
)
from flask_bust_assets.errors import ConfigError


def test_digest_is_the_sha256_prefix_of_the_bytes() -> None:
    # Published SHA-256 test vectors (FIPS 180-2): "" and "abc".
    assert content_digest(b"") == "e3b0c44298fc1c14"
    assert content_digest(b"abc") == "ba7816bf8f01cfea"
    assert content_digest(b"abc", "sha1", 12) == "a9993e364706"


def test_integrity_is_sha384_base64_as_browsers_check_it() -> None:
    # The SRI spec's own example value for the empty string.
    assert integrity(b"") == "sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb"


@pytest.mark.parametrize(
    ("logical", "expected"),
    [
        ("css/app.css", "css/app.0123456789abcdef.css"),
        ("jquery.min.js", "jquery.min.0123456789abcdef.js"),
        ("gen/site.%(version)s.css", "gen/site.0123456789abcdef.css"),
        ("gen/%(version)s/site.css", "gen/0123456789abcdef/site.css"),
        ("LICENSE", "LICENSE.0123456789abcdef"),
        ("fonts/.hidden", "fonts/.hidden.0123456789abcdef"),
    ],
)
def test_digested_path(logical: str, expected: str) -> None:
    assert digested_path(logical, "0123456789abcdef") == expected


def test_split_digested_path_inverts_digested_path() -> None:
    for logical in ("css/app.css", "jquery.min.js", "LICENSE"):
        assert split_digested_path(digested_path(logical, "0123456789abcdef")) == (logical, "0123456789abcdef")
    assert split_digested_path("css/app.css") is None
    assert split_digested_path("css/app.0123456789ABCDEF.css") is None  # digests are lower-case hex


def test_same_bytes_same_digest_different_bytes_different_digest() -> None:
    assert content_digest(b"a{color:red}") == content_digest(b"a{color:red}")
    assert content_digest(b"a{color:red}") != content_digest(b"a{color:blue}")
    assert content_digest(b"x" * 100, "sha256", 64) == hashlib.sha256(b"x" * 100).hexdigest()


@pytest.mark.parametrize(("algorithm", "length"), [("nope", 16), ("sha256", 4), ("md5", 40), ("shake_128", 16)])
def test_bad_digest_settings_name_the_setting(algorithm: str, length: int) -> None:
    with pytest.raises(ConfigError, match="BUST_ASSETS_DIGEST_"):
        check_algorithm(algorithm, length)
