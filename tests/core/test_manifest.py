"""manifest.py: round trip, atomic save, clear errors on missing or corrupt files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flask_bust_assets.core import manifest
from flask_bust_assets.core.manifest import BundleOutput, ManifestData
from flask_bust_assets.errors import ManifestError

ENTRY = BundleOutput(
    path="gen/site.0123456789abcdef.css",
    digest="0123456789abcdef",
    integrity="sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb",
    size=10,
    source_size=20,
)


def test_round_trip(tmp_path: Path) -> None:
    path = str(tmp_path / "m.json")
    manifest.save(path, ManifestData(bundles={"site": (ENTRY,)}))
    assert manifest.load(path).bundles == {"site": (ENTRY,)}
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]  # no temp file left behind


def test_same_data_same_bytes(tmp_path: Path) -> None:
    a = ManifestData(bundles={"b": (ENTRY,), "a": (ENTRY,)})
    b = ManifestData(bundles={"a": (ENTRY,), "b": (ENTRY,)})
    assert a.to_json() == b.to_json()


def test_missing_manifest_says_run_build(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(ManifestError, match=r"No manifest at .*absent\.json\. Run `flask assets build`"):
        manifest.load(str(path))


@pytest.mark.parametrize("content", ["{not json", '{"format": 99, "bundles": {}}', '{"format": 1}', "[]"])
def test_corrupt_manifest_names_file_and_fix(tmp_path: Path, content: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(content)
    with pytest.raises(ManifestError, match=r"m\.json is corrupt .*Run `flask assets build`"):
        manifest.load(str(path))


GOOD_ENTRY = {"path": "gen/a.0123456789abcdef.css", "digest": "0123456789abcdef", "integrity": "sha384-x", "size": 1}


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ({"format": 1, "bundles": []}, "bundles is a list, not an object"),
        ({"format": 1, "bundles": {}, "files": []}, "files is a list, not an object"),
        ({"format": 1, "bundles": {"css": {}}}, "bundles.css is an object, not a list"),
        ({"format": 1, "bundles": {"css": [7]}}, r"bundles.css\[0\] is a number, not an object"),
        (
            {"format": 1, "bundles": {"css": [{**GOOD_ENTRY, "source_size": 1, "integrity": 5}]}},
            r"bundles.css\[0\].integrity is a number, not a string",
        ),
        ({"format": 1, "bundles": {"css": [GOOD_ENTRY]}}, r"bundles.css\[0\].source_size is missing"),
        (
            {"format": 1, "bundles": {}, "files": {"static": {"a.png": {**GOOD_ENTRY, "size": "1"}}}},
            r"files.static.a.png.size is a string, not a number",
        ),
        (
            {"format": 1, "bundles": {}, "files": {"static": {"x": {**GOOD_ENTRY, "path": "../../../../etc/passwd"}}}},
            r"files.static.x.path '../../../../etc/passwd' is not a relative path inside its folder",
        ),
        (
            {"format": 1, "bundles": {}, "files": {"static": {"x": {**GOOD_ENTRY, "path": "/etc/passwd"}}}},
            "files.static.x.path '/etc/passwd' is not a relative path inside its folder",
        ),
        (
            {"format": 1, "bundles": {}, "files": {"static": {"x": {**GOOD_ENTRY, "extra": 1}}}},
            "files.static.x.extra is not a field",
        ),
    ],
)
def test_a_manifest_of_the_wrong_shape_names_the_file_and_the_field(tmp_path: Path, doc: object, field: str) -> None:
    path = tmp_path / "assets-manifest.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ManifestError, match=rf"assets-manifest\.json is corrupt \({field}"):
        manifest.load(str(path))
