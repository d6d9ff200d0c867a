"""The webassets filters: ``bust_cssmin``, ``bust_jsmin`` and ``bust_cssurls``.

Names carry a ``bust_`` prefix so they never replace webassets' built-in
``cssmin``/``jsmin``. Registration happens when this module is imported, as
webassets' filter names are looked up in its global registry.
"""

from __future__ import annotations

import hashlib
import os
from typing import IO, Any, ClassVar

from webassets.filter import Filter, register_filter

from ..errors import BuildError, ConfigError
from ..minify.engines import (
    DEFAULT_CSS_ENGINE,
    DEFAULT_JS_ENGINE,
    check_engine,
    distribution_version,
    minify_css,
    minify_js,
)


def _as_bool(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


class _Minifier(Filter):  # type: ignore[misc]
    kind = ""
    default_engine = ""
    engine: str | None
    keep_licence: Any

    def setup(self) -> None:
        super().setup()
        self.engine = self.engine or self.default_engine
        self.keep_licence = _as_bool(self.keep_licence, True)
        check_engine(self.kind, self.engine)

    def unique(self) -> tuple[Any, ...]:
        # Part of webassets' cache key: a changed option or engine release must
        # never return output cached under the old one.
        engine = self.engine or self.default_engine
        return (
            engine,
            _as_bool(self.keep_licence, True),
            distribution_version(engine),
            distribution_version("flask-bust-assets"),
        )


class BustCSSMin(_Minifier):
    """Minify CSS with the configured engine, keeping its meaning and licence comments."""

    name = "bust_cssmin"
    kind = "css"
    default_engine = DEFAULT_CSS_ENGINE
    options: ClassVar[dict[str, str]] = {"engine": "BUST_ASSETS_CSS_ENGINE", "keep_licence": "BUST_ASSETS_KEEP_LICENCE"}

    def input(self, _in: IO[str], out: IO[str], source_path: str = "<css>", **kw: Any) -> None:
        """Minify one source file; warnings name ``source_path``."""
        assert self.engine is not None
        out.write(minify_css(_in.read(), engine=self.engine, keep_licence=self.keep_licence, source=source_path))


class BustJSMin(_Minifier):
    """Minify JavaScript with the configured engine, keeping its meaning and licence comments."""

    name = "bust_jsmin"
    kind = "js"
    default_engine = DEFAULT_JS_ENGINE
    options: ClassVar[dict[str, str]] = {
        "engine": "BUST_ASSETS_JS_ENGINE",
        "keep_licence": "BUST_ASSETS_KEEP_LICENCE",
        "invalid": "BUST_ASSETS_INVALID_JS",
    }
    invalid: str | None

    def input(self, _in: IO[str], out: IO[str], source_path: str = "<js>", **kw: Any) -> None:
        """Minify one source file; warnings and errors name ``source_path``."""
        assert self.engine is not None
        invalid = self.invalid or "error"
        out.write(
            minify_js(
                _in.read(), engine=self.engine, keep_licence=self.keep_licence, source=source_path, invalid=invalid
            )
        )


class BustCSSUrls(Filter):  # type: ignore[misc]
    """Rewrite url() and @import references to digested files, relative to the output.

    Runs in merge mode too (like webassets' cssrewrite), since moving CSS into an
    output folder changes what relative references mean.
    """

    name = "bust_cssurls"
    max_debug_level = "merge"

    def input(self, _in: IO[str], out: IO[str], source_path: str = "", output_path: str = "", **kw: Any) -> None:
        """Rewrite one source file's references for its place in ``output_path``."""
        out.write(
            _digester(self.ctx.environment).rewrite_css(
                _in.read(), source_path=source_path, output_dir=os.path.dirname(output_path)
            )
        )

    def get_additional_cache_keys(self, source_path: str = "", output_path: str = "", **kw: Any) -> list[Any]:
        """The output depends on the referenced files too: their digests join the cache key.

        Runs on every build, cache hit or not, so the referenced files are also
        queued to be written when webassets answers from its cache.
        """
        if not source_path or not os.path.isfile(source_path):
            return []
        with open(source_path, encoding="utf-8") as handle:
            text = handle.read()
        # After a preprocessor (libsass,bust_cssurls) the source is not CSS yet: look
        # at what resolves in it; input() rewrites the compiled CSS strictly.
        preprocessed = not source_path.endswith(".css")
        try:
            rewritten = _digester(self.ctx.environment).rewrite_css(
                text, source_path=source_path, output_dir=os.path.dirname(output_path), lenient=preprocessed
            )
        except BuildError:
            if not preprocessed:
                raise
            rewritten = text  # Sass syntax tinycss2 cannot read: the source's own bytes key it
        return [hashlib.sha256(rewritten.encode("utf-8")).hexdigest()]


def _digester(env: Any) -> Any:
    """The digester of the app being built or rendered, from our webassets environment.

    BustAssets serves one app or several (init_app); it answers for the current one.
    Asking the environment keeps this layer free of Flask.
    """
    digester = getattr(env, "bust_digester", None)
    if digester is None:
        raise ConfigError("bust_cssurls needs BustAssets on the app; call BustAssets(app) first.")
    return digester()


register_filter(BustCSSMin)
register_filter(BustJSMin)
register_filter(BustCSSUrls)
