"""conftest.py for Flask-Assets 2.1.0's own test suite: runs it on today's pytest, and swaps in BustAssets.

tests/compat/test_upstream_suite.py copies this file into the unpacked sdist as
``tests/conftest.py``. Two things, nothing else:

* The suite is written for nose-style ``setup``/``teardown`` methods (pytest 8
  dropped them) and calls ``TempEnvironmentHelper.setup``, which webassets 3
  renamed ``setup_method``: alias both ways so the unmodified tests run.
* With ``BUST_SWAP=1`` every test module's ``Environment`` (imported with
  ``from flask_assets import Environment``) becomes ``BustAssets``: the one-line
  switch the README promises, applied to every app the suite builds.
  ``flask_assets.Environment`` itself stays stock, since BustAssets subclasses it.
"""

from __future__ import annotations

import inspect
import os
import sys
from typing import Any

from webassets import test as webassets_test

for _helper in (webassets_test.TempDirHelper, webassets_test.TempEnvironmentHelper):
    _helper.setup = _helper.setup_method  # type: ignore[attr-defined]
    _helper.teardown = _helper.teardown_method  # type: ignore[attr-defined]


def pytest_pycollect_makeitem(collector: Any, name: str, obj: object) -> None:
    if inspect.isclass(obj):
        for nose, xunit in (("setup", "setup_method"), ("teardown", "teardown_method")):
            if nose in obj.__dict__ and xunit not in obj.__dict__:
                setattr(obj, xunit, obj.__dict__[nose])


def pytest_collection_modifyitems(items: list[Any]) -> None:
    if os.environ.get("BUST_SWAP") != "1":
        return
    import flask_assets

    from flask_bust_assets import BustAssets

    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "")
        if (name == "tests" or name.startswith("tests.")) and getattr(module, "Environment", None) is (
            flask_assets.Environment
        ):
            module.Environment = BustAssets  # type: ignore[attr-defined]
