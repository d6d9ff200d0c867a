"""core/names.py: the one test of a name a manifest can hold, shared by the static scan and the loader."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flask_bust_assets.core import manifest
from flask_bust_assets.core.digest import digested_path, integrity
from flask_bust_assets.core.manifest import ManifestData, StaticFile
from flask_bust_assets.core.names import fit, shown, why_unfit
from flask_bust_assets.errors import ManifestError

CAF = os.fsdecode(b"caf\xe9.txt")


@pytest.mark.parametrize(
    ("path", "ok", "why"),
    [
        ("img/logo.png", True, ""),
        ("données/été.txt", True, ""),
        ("-x/ a%20b#c?.txt", True, ""),
        ("a..b/...c", True, ""),
        ("back\\slash.txt", False, "holds a backslash"),
        (CAF, False, "is not valid UTF-8"),
        ("dir/\ud800.txt", False, "is not valid UTF-8"),
        ("nul\0.txt", False, "holds a NUL"),
        ("", False, "not a relative path"),
        ("/etc/passwd", False, "not a relative path"),
        ("a/../../b", False, "not a relative path"),
        ("..", False, "not a relative path"),
    ],
)
def test_fit_says_which_paths_a_manifest_holds_and_why_not(path: str, ok: bool, why: str) -> None:
    assert fit(path) is ok
    if not ok:
        assert why in why_unfit(path)


def test_a_name_that_is_not_utf8_is_shown_with_escapes() -> None:
    assert shown(f"/srv/static/{CAF}") == "/srv/static/caf\\xe9.txt"
    assert shown("dir/\ud800") == "dir/\\ud800"  # a surrogate no file name gave: still printable
    assert shown("café.txt") == "café.txt"


def _round_trip(tmp_path: Path, logical: str) -> ManifestData:
    entry = StaticFile(digested_path(logical, "0123456789abcdef"), "0123456789abcdef", integrity(b"x"), 1)
    path = str(tmp_path / "m.json")
    manifest.save(path, ManifestData(files={"static": {logical: entry}}))
    return manifest.load(path)


def test_the_loader_refuses_a_path_that_is_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match=r"caf\\\\xe9.*is not valid UTF-8"):
        _round_trip(tmp_path, CAF)


# Any text, with what file names bring: the surrogates os.fsdecode makes of bytes that are not UTF-8
# (U+DC80 to U+DCFF: never a pair, which JSON would read back as one character), backslashes, NULs, dots.
UNDECODABLE = st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF, categories=["Cs"])
ANY = st.one_of(st.characters(exclude_categories=["Cs"]), UNDECODABLE, st.sampled_from("\\/.\0%"))


@given(st.lists(ANY, max_size=12).map("".join))  # st.text would drop the surrogates
def test_every_name_the_scanner_takes_is_one_the_loader_reads_back(logical: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        digested = digested_path(logical, "0123456789abcdef")
        try:
            loaded = _round_trip(Path(folder), logical)
        except ManifestError:
            assert not fit(digested) and not fit(logical)
        else:
            assert fit(digested) and loaded.files["static"][logical].path == digested
