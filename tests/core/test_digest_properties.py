"""core/digest.py, property-based: a digested path always leads back to its logical path."""

from __future__ import annotations

import posixpath
import string

from hypothesis import given
from hypothesis import strategies as st

from flask_bust_assets.core.digest import VERSION_PLACEHOLDER, digested_path, digests_in_name, split_digested_path

# Realistic names: no trailing dot, extensions of letters (a file whose extension is
# itself 16 hex digits would be ambiguous and does not occur in static folders).
stems = st.text(string.ascii_letters + string.digits + "-_.", min_size=1, max_size=20).filter(
    lambda s: not s.endswith(".") and "%(" not in s
)
extensions = st.one_of(st.just(""), st.text(string.ascii_lowercase, min_size=1, max_size=5))
folders = st.lists(st.text(string.ascii_lowercase + string.digits + "-_", min_size=1, max_size=8), max_size=3)
digests = st.text("0123456789abcdef", min_size=16, max_size=16)


@given(folders, stems, extensions, digests)
def test_split_digested_path_inverts_digested_path(folder: list[str], stem: str, ext: str, digest: str) -> None:
    logical = "/".join([*folder, f"{stem}.{ext}" if ext else stem])
    digested = digested_path(logical, digest)
    assert digested != logical
    assert split_digested_path(digested, 16) == (logical, digest)
    assert posixpath.dirname(digested) == posixpath.dirname(logical)  # same folder: relative URLs still hold


@given(folders, stems, extensions)
def test_a_logical_path_is_not_taken_for_a_digested_one(folder: list[str], stem: str, ext: str) -> None:
    logical = "/".join([*folder, f"{stem}.{ext}" if ext else stem])
    split = split_digested_path(logical, 16)
    # Only a name that really carries 16 hex digits before its extension looks digested.
    if split is not None:
        assert digested_path(split[0], split[1]) == logical


# Where webassets users put %(version)s: a separator on each side.
separators = st.sampled_from([".", "-", "_", "/"])


@given(folders, stems, separators, separators, stems, digests)
def test_a_version_anywhere_in_an_output_name_is_found_again(
    folder: list[str], before: str, left: str, right: str, after: str, digest: str
) -> None:
    output = "/".join([*folder, f"{before}{left}{VERSION_PLACEHOLDER}{right}{after}"])
    assert digest in digests_in_name(digested_path(output, digest), 16)
