"""Development, or no manifest yet: build a bundle or digest a static file when a render asks."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from ..core import generations
from ..core.files import exclusive_lock
from ..core.manifest import BundleOutput
from ..core.static import StaticRoot
from ..pipeline.bundle import BuildSettings, build_bundle, write_files
from ..pipeline.digester import Digester
from ..pipeline.static import write_digested


class LiveBuilder:
    """Builds and writes what a render needs, through the same pipeline as `flask assets build`.

    ``digester()`` gives the app's current digester: a build in this process
    (``flask assets watch``) replaces it, and the filters use the same one.
    """

    def __init__(
        self,
        env: Any,
        settings: BuildSettings,
        digester: Callable[[], Digester],
        templates: Mapping[str, Any] | None = None,
    ) -> None:
        self._env = env
        self._settings = settings
        self._digester = digester
        self._templates = {} if templates is None else templates  # template bundles by key, filled by renders

    def bundle(self, name: str) -> tuple[BundleOutput, ...]:
        """Build bundle ``name`` and write its files and the files its CSS references."""
        digester = self._digester()
        result = build_bundle(self._env, name, self._settings, digester, bundle=self._templates.get(name))
        referenced = digester.take_pending()
        if result.error is not None:
            raise result.error
        written = [d.abspath for d in referenced if write_digested(d)]
        written += write_files(result, self._settings)
        self._note(written)
        return result.outputs

    def static_file(self, root: StaticRoot | None, filename: str) -> tuple[str, str] | None:
        """(digested filename, query) of a file in ``root``, written with what it references; None if absent."""
        if root is None:
            return None
        abspath = os.path.join(root.folder, *filename.split("/"))
        if root.logical_path(abspath) is None or not os.path.isfile(abspath):
            return None
        digester = self._digester()
        digested = digester.file(abspath)
        self._note([d.abspath for d in [digested, *digester.take_pending()] if write_digested(d)])
        return digested.path, digested.query

    def _note(self, written: list[str]) -> None:
        """Record what this render wrote, so that `flask assets clean` may take it once old (invariant 11)."""
        if written:
            manifest_path = self._settings.manifest_path
            with exclusive_lock(manifest_path + ".lock"):
                generations.note_written(manifest_path, written)
