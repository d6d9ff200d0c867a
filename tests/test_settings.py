"""Every setting is checked once: a wrong value is one ConfigError naming the key, the value and the fix."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flask_bust_assets import BustAssets
from flask_bust_assets.errors import ConfigError, ManifestError
from flask_bust_assets.web.checks import CHECKS
from flask_bust_assets.web.settings import read_settings

from .helpers import run_flask, write

DOCS = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"

# (key, a value users really write by mistake); each must be refused with the key and the value named.
WRONG = [
    ("BUST_ASSETS_MANIFEST", 5),
    ("BUST_ASSETS_OUTPUT_FOLDER", None),
    ("BUST_ASSETS_OUTPUT_FOLDER", ""),
    ("BUST_ASSETS_STATIC_INCLUDE", None),
    ("BUST_ASSETS_STATIC_INCLUDE", "img/*"),
    ("BUST_ASSETS_STATIC_EXCLUDE", 5),
    ("BUST_ASSETS_MODULES", None),
    ("BUST_ASSETS_IMPORTS", ["htmx.org"]),
    ("BUST_ASSETS_JS_ENGINE", ["rjsmin"]),
    ("BUST_ASSETS_JS_ENGINE", "uglify"),
    ("BUST_ASSETS_CSS_ENGINE", ["rcssmin"]),
    ("BUST_ASSETS_PUBLISH_WORKERS", "eight"),
    ("BUST_ASSETS_PUBLISH_WORKERS", 0),
    ("BUST_ASSETS_CDN_URL", 5),
    ("BUST_ASSETS_CDN_URL", "cdn.example.com"),
    ("BUST_ASSETS_CDN_URL", "https://cdn.example.com/\r\nX: y"),
    ("BUST_ASSETS_S3_ENDPOINT_URL", "localhost:9000"),
    ("BUST_ASSETS_S3_BUCKET", 5),
    ("ASSETS_CACHE", 5),
    ("ASSETS_DIRECTORY", 5),
    ("ASSETS_URL", 5),
    ("ASSETS_DEBUG", "false"),
    ("ASSETS_AUTO_BUILD", "false"),
    ("BUST_ASSETS_STRICT", "false"),
    ("BUST_ASSETS_STATIC", "false"),
    ("BUST_ASSETS_SERVE", "false"),
    ("BUST_ASSETS_KEEP_LICENCE", "yes"),
    ("BUST_ASSETS_ALLOW_ORIGIN", ["https://a.example", "https://b.example"]),
    ("BUST_ASSETS_ALLOW_ORIGIN", "*\r\nSet-Cookie: a=b"),
    ("BUST_ASSETS_DIGEST_LENGTH", 16.9),
    ("BUST_ASSETS_DIGEST_LENGTH", "16"),
    ("BUST_ASSETS_DIGEST_LENGTH", True),
    ("BUST_ASSETS_DIGEST_ALGORITHM", 256),
    ("BUST_ASSETS_BROTLI_QUALITY", 12),
    ("BUST_ASSETS_STATIC_BROTLI_QUALITY", 12),
    ("BUST_ASSETS_STATIC_BROTLI_QUALITY", -1),
    ("BUST_ASSETS_STATIC_BROTLI_QUALITY", "5"),
    ("BUST_ASSETS_STATIC_BROTLI_QUALITY", 5.0),
    ("BUST_ASSETS_STATIC_BROTLI_QUALITY", True),
    ("BUST_ASSETS_PLAIN_MAX_AGE", -1),
    ("BUST_ASSETS_PLAIN_MAX_AGE", 1.5),
    ("BUST_ASSETS_VERSIONING", "hash"),
    ("BUST_ASSETS_MISSING_STATIC", "ignore"),
    ("BUST_ASSETS_MISSING_REFERENCE", False),
    ("BUST_ASSETS_INVALID_JS", "skip"),
]


def _app(tmp_path: Path, **config: Any) -> Flask:
    app = Flask("app", root_path=str(tmp_path), instance_path=str(tmp_path / "instance"))
    app.config.update(config)
    return app


def _documented_keys() -> set[str]:
    """Every key in the first column of a table of docs/configuration.md."""
    return set(re.findall(r"^\| `((?:BUST_)?ASSETS_[A-Z_0-9]+)`", DOCS.read_text(), re.MULTILINE))


def test_every_documented_setting_has_a_check() -> None:
    documented = _documented_keys()
    assert len(documented) >= 30
    unchecked = documented - set(CHECKS) - {"ASSETS_MANIFEST", "ASSETS_VERSIONS", "ASSETS_URL_EXPIRE"}
    assert not unchecked, f"documented but never checked: {sorted(unchecked)}"


@pytest.mark.parametrize(("key", "value"), WRONG, ids=[f"{k}={v!r}" for k, v in WRONG])
def test_wrong_value_is_refused_at_start_up_naming_key_and_value(tmp_path: Path, key: str, value: Any) -> None:
    app = _app(tmp_path, **{key: value})
    with pytest.raises(ConfigError) as caught:
        BustAssets(app)
        read_settings(app)  # keys webassets itself reads late are checked with the rest
    message = str(caught.value)
    assert message.startswith(f"{key} is {value!r}")
    assert "use " in message or "set it" in message  # and says what is accepted


def test_a_wrong_value_set_after_init_app_is_refused_when_settings_are_read(tmp_path: Path) -> None:
    app = _app(tmp_path)
    BustAssets(app)
    app.config["BUST_ASSETS_SERVE"] = "off"
    with pytest.raises(ConfigError, match=r"BUST_ASSETS_SERVE is 'off' \(a string"):
        read_settings(app)


@pytest.mark.parametrize(
    ("key", "value", "attribute", "expected"),
    [
        ("BUST_ASSETS_STRICT", 0, "strict", False),
        ("BUST_ASSETS_CDN_URL", "https://cdn.example.com/site/", "publish.cdn_url", "https://cdn.example.com/site"),
        ("BUST_ASSETS_CDN_URL", "//cdn.example.com", "publish.cdn_url", "//cdn.example.com"),
        ("BUST_ASSETS_CDN_URL", "", "publish.cdn_url", None),
        ("BUST_ASSETS_ALLOW_ORIGIN", None, "static.allow_origin", None),
        ("BUST_ASSETS_ALLOW_ORIGIN", "https://example.com", "static.allow_origin", "https://example.com"),
        ("BUST_ASSETS_STATIC_EXCLUDE", ("robots.txt",), "static.exclude", ("robots.txt",)),
        ("BUST_ASSETS_OUTPUT_FOLDER", Path("/tmp/out"), "build.output_folder", "/tmp/out"),
        ("BUST_ASSETS_PUBLISH_WORKERS", 3, "publish.workers", 3),
        ("BUST_ASSETS_STATIC_BROTLI_QUALITY", 0, "build.static_brotli_quality", 0),
        ("ASSETS_DEBUG", "merge", "debug", True),
    ],
)
def test_right_values_are_taken_as_meant(tmp_path: Path, key: str, value: Any, attribute: str, expected: Any) -> None:
    app = _app(tmp_path, **{key: value})
    BustAssets(app)
    found: Any = read_settings(app)
    for part in attribute.split("."):
        found = getattr(found, part)
    assert found == expected


def test_cli_names_the_bad_setting_in_one_line(tmp_path: Path) -> None:
    write(tmp_path, "static/a.txt", "a")
    write(
        tmp_path,
        "app.py",
        "from flask import Flask\nfrom flask_bust_assets import BustAssets\n"
        "app = Flask(__name__)\napp.config['BUST_ASSETS_STRICT'] = 'false'\nBustAssets(app)\n",
    )
    done = run_flask(tmp_path, "assets", "build")
    assert done.returncode != 0
    assert "BUST_ASSETS_STRICT is 'false' (a string" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 300),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(sorted(CHECKS)), value=VALUES)
def test_any_value_is_taken_or_refused_by_name(tmp_path: Path, key: str, value: Any) -> None:
    """Whatever a config file holds, the answer is settings or one ConfigError naming the key: never a traceback."""
    app = _app(tmp_path, **{key: value})
    try:
        BustAssets(app)
        read_settings(app)
    except ConfigError as exc:
        assert key in str(exc)
    except ManifestError as exc:  # strict mode on, and no manifest: the app must not start, and says so
        assert key == "BUST_ASSETS_STRICT" and "BUST_ASSETS_STRICT is on" in str(exc)
