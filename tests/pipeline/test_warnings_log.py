"""pipeline/warnings_log.py: what a build reports as its warnings."""

from __future__ import annotations

import warnings

import pytest

from flask_bust_assets.errors import ReferenceWarning
from flask_bust_assets.pipeline.warnings_log import build_warnings


def test_a_build_reports_its_warnings_each_time_but_not_a_stray_resource_warning() -> None:
    with pytest.warns(ResourceWarning, match="unclosed file"), build_warnings() as messages:
        for _ in range(2):
            warnings.warn("a.css line 1: cycle; left as written", ReferenceWarning, stacklevel=1)
        warnings.warn("unclosed file <_io.BufferedReader name=18>", ResourceWarning, stacklevel=1)
        warnings.warn("libsass: deprecated syntax", UserWarning, stacklevel=1)
    assert messages == [
        "a.css line 1: cycle; left as written",
        "a.css line 1: cycle; left as written",
        "libsass: deprecated syntax",
    ]
