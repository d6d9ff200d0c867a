"""Finding partials: reading the import rules (ours) versus asking the compiler what it loaded.

    python -m tests.benchmarks partials [--quick]

On real libraries' own sources (npm, pinned): libsass's source map of a second
compile (Bootstrap 4), the dart-sass JavaScript API's ``loadedUrls`` (Bootstrap 5,
Bulma 1) and ``lessc --depends`` (Bootstrap 3). Each compiler answer is a whole
compile; node's start-up is inside it, as it would be for a build. Medians.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from flask_bust_assets.css.partials import loaded_files
from tests.helpers import npm_install, npm_package

SASS, LESS = "sass@1.108.2", "less@4.9.1"
LOADED = "const s = require(process.argv[1]); s.compile(process.argv[2], {logger: s.Logger.silent});"


def _dart_sass(entry: Path) -> object:
    """What dart-sass loaded, from its JavaScript API: a whole compile, node's start-up included."""
    return subprocess.run(["node", "-e", LOADED, str(npm_install(SASS)), str(entry)], check=True, capture_output=True)


def _median(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(quick: bool = False) -> None:
    """Print a Markdown table: ours and the compiler's answer, medians and the ratio."""
    import sass

    repeat = 1 if quick else 5
    cases: list[tuple[str, Path, str, Callable[[Path], object]]] = [
        ("Bootstrap 4.6.2, libsass source map", npm_package("bootstrap@4.6.2") / "scss/bootstrap.scss", "libsass",
         lambda p: sass.compile(filename=str(p), source_map_filename=str(p) + ".map")),
        ("Bootstrap 5.3.8, dart-sass loadedUrls", npm_package("bootstrap@5.3.8") / "scss/bootstrap.scss", "dart",
         _dart_sass),
        ("Bulma 1.0.4, dart-sass loadedUrls", npm_package("bulma@1.0.4") / "bulma.scss", "dart",
         _dart_sass),
        ("Bootstrap 3.4.1, lessc --depends", npm_package("bootstrap@3.4.1") / "less/bootstrap.less", "less",
         lambda p: subprocess.run([str(npm_install(LESS).parent / ".bin/lessc"), "--depends", str(p), "x.css"],
                                  check=True, capture_output=True)),
    ]  # fmt: skip
    print("| sources | files | ours (read the rules) | the compiler's answer | ratio |")
    print("|---|---:|---:|---:|---:|")
    for label, entry, dialect, compiler in cases:
        files = len(loaded_files(str(entry), dialect=dialect, load_paths=[]).stamps)
        ours = _median(lambda e=entry, d=dialect: loaded_files(str(e), dialect=d, load_paths=[]), repeat * 4)
        theirs = _median(lambda e=entry, c=compiler: c(e), repeat)
        print(f"| {label} | {files} | {ours * 1000:.1f} ms | {theirs * 1000:.0f} ms | {theirs / ours:.0f}x |")
