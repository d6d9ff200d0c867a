"""The README's Python example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

from flask_bust_assets import BustAssets

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_python_example_registers_its_bundles() -> None:
    (code,) = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    namespace: dict[str, object] = {"__name__": "readme_example"}
    exec(compile(code, str(README), "exec"), namespace)
    assets = namespace["assets"]
    assert isinstance(assets, BustAssets)
    assert sorted(assets._named_bundles) == ["site_css", "site_js"]
    assert [b.output for b in (assets["site_css"], assets["site_js"])] == [
        "gen/site.%(version)s.css",
        "gen/site.%(version)s.js",
    ]


def test_render_benchmark_runs_and_prints_its_table() -> None:
    # Not a timing test: the numbers are not judged here, only that the benchmark still runs.
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks", "render", "--quick"],
        cwd=README.parent, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "| production | ours `asset_url()` |" in result.stdout
    assert "of stock (goal <= 0.2)" in result.stdout
