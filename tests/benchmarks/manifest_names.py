"""What the manifest's name check costs at start-up: ``core.names.fit`` beside the inline test it replaced.

    python -m tests.benchmarks.manifest_names [--quick]

A production worker checks every path of the manifest once, when it starts. The
baseline is the loader's check of an entry before ``fit`` (inline, no UTF-8 test), timed in the same
rounds, alternating, over 20,000 paths as a large app's manifest holds them (1 in
100 beyond ASCII); and a whole ``manifest.load`` of those entries, for scale.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

from flask_bust_assets.core import manifest

FILES = 20_000


def baseline(entry: Any) -> manifest.StaticFile | None:
    """The loader's check of a static entry before core/names.py, as it stood (inline, no UTF-8 test)."""
    if (
        type(entry) is dict
        and entry.keys() == _KEYS
        and type(path := entry["path"]) is str
        and type(entry["digest"]) is str
        and type(integrity := entry["integrity"]) is str
        and type(entry["size"]) is int
        and type(entry["query"]) is str
        and integrity.startswith("sha384-")
        and path
        and path[0] != "/"
        and "/../" not in f"/{path}/"
        and "\\" not in path
        and "\0" not in path
    ):
        return manifest.StaticFile(path, entry["digest"], integrity, entry["size"], entry["query"])
    return None


_KEYS = manifest.STATIC_FIELDS.keys()


def paths() -> list[str]:
    return [
        f"img/section-{i % 40}/{'données' if i % 100 == 0 else 'file'}-{i}.0123456789abcdef.png" for i in range(FILES)
    ]


def _time(check: Callable[[Any], object], entries: list[dict[str, Any]]) -> float:
    started = time.perf_counter()
    for entry in entries:
        check(entry)
    return time.perf_counter() - started


def main(quick: bool = False) -> None:
    names = paths()
    digest, sri = "0" * 16, "sha384-" + "A" * 64
    entries = {p: {"path": p, "digest": digest, "integrity": sri, "size": 1, "query": ""} for p in names}
    listed = list(entries.values())
    assert all(manifest._static_entry(e) == baseline(e) for e in listed)  # the same answers
    rounds = 5 if quick else 31
    old, new = [], []
    for _ in range(rounds):  # alternating, so both see the same machine load
        old.append(_time(baseline, listed))
        new.append(_time(manifest._static_entry, listed))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "assets-manifest.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"format": 1, "bundles": {}, "files": {"static": entries}, "modules": {}}, handle)
        loads = []
        for _ in range(max(3, rounds // 3)):
            started = time.perf_counter()
            manifest.load(path)
            loads.append(time.perf_counter() - started)
    o, n, load = (statistics.median(x) * 1000 for x in (old, new, loads))
    print(f"### Manifest name check at start-up ({FILES:,} paths, median of {rounds} alternating rounds)\n")
    print("| check of every static entry | ms | ratio |\n|---|---|---|")
    print(f"| inline, before core/names.py (baseline) | {o:.2f} | 1.00 |")
    print(f"| through `core.names.fit` (adds the UTF-8 test) | {n:.2f} | {n / o:.2f} |")
    print(f"| whole `manifest.load` of those entries | {load:.1f} | {load / o:.1f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    main(quick=parser.parse_args().quick)
