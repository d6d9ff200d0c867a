"""Flask extensions installed alongside BustAssets keep working, and so do every asset URL.

Each case is a small real app in its own folder: built by the real `flask assets
build`, then asked for its page, every asset three times in a row (extensions that
introspect view functions crashed from the second static request on), and the
behaviour the extension exists for.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .apps import asset_tags, build, check_page, extension_app, fetch, load_app, project

CSRF = {
    "imports": "from flask_wtf.csrf import CSRFProtect",
    "setup": "csrf = CSRFProtect(app)",
    "routes": '@app.route("/form", methods=["POST"])\ndef form():\n    return "saved"\n',
}

LIMITER = {
    "imports": "from flask_limiter import Limiter\nfrom flask_limiter.util import get_remote_address",
    "setup": 'limiter = Limiter(get_remote_address, app=app, default_limits=["100 per minute"], '
    'headers_enabled=True, storage_uri="memory://")',
    "routes": '@app.route("/scarce")\n@limiter.limit("2 per minute")\ndef scarce():\n    return "ok"\n',
}

LOGIN = {
    "imports": "from flask_login import LoginManager, UserMixin, current_user, login_user",
    "setup": """
login_manager = LoginManager(app)
login_manager.login_view = "login"


class User(UserMixin):
    id = "1"


@login_manager.user_loader
def load_user(user_id):
    return User() if user_id == "1" else None


@app.before_request
def require_login():  # login_required for every view but these, a common pattern
    if not current_user.is_authenticated and request.endpoint not in ("login", "static"):
        return login_manager.unauthorized()
""",
    "routes": '@app.route("/login", methods=["GET", "POST"])\ndef login():\n'
    '    if request.method == "POST":\n        login_user(User())\n        return redirect("/")\n'
    '    return "log in"\n',
}

CORS = {"imports": "from flask_cors import CORS", "setup": "CORS(app)"}

TALISMAN = {
    "imports": "from flask_talisman import Talisman",
    "setup": "Talisman(app, force_https=False, content_security_policy={'default-src': \"'self'\"})",
}

COMPRESS = {
    "imports": "from flask_compress import Compress",
    "setup": 'app.config["COMPRESS_MIN_SIZE"] = 0\nCompress(app)',
}

CACHING = {
    "imports": "import itertools\nfrom flask_caching import Cache",
    "setup": 'cache = Cache(app, config={"CACHE_TYPE": "SimpleCache"})\ncalls = itertools.count(1)',
    "decorators": "@cache.cached(timeout=60)\n",
    "routes": '@app.route("/count")\n@cache.cached(timeout=60)\ndef count():\n    return str(next(calls))\n',
}

TOOLBAR = {
    "imports": "from flask_debugtoolbar import DebugToolbarExtension",
    "setup": 'app.debug = True\napp.config["DEBUG_TB_INTERCEPT_REDIRECTS"] = False\n'
    "toolbar = DebugToolbarExtension(app)",
}


def csrf_rejects_a_forged_post(client: Any) -> None:
    response = client.post("/form", data={"name": "x"})
    assert response.status_code == 400 and b"The CSRF token is missing." in response.data


def limiter_counts_and_limits(client: Any) -> None:
    assert client.get("/").headers["X-RateLimit-Limit"] == "100"
    assert [client.get("/scarce").status_code for _ in range(3)] == [200, 200, 429]


def login_still_redirects(client: Any) -> None:
    response = client.get("/")  # a new client: not logged in
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def cors_headers_on_pages_and_assets(client: Any) -> None:
    page = client.get("/", headers={"Origin": "https://example.org"})
    assert page.headers["Access-Control-Allow-Origin"] == "https://example.org"
    (stylesheet, _), *_ = asset_tags(page.get_data(as_text=True))
    status, headers, _ = fetch(client, stylesheet, headers={"Origin": "https://example.org"})
    # Digested files are answered before Flask (so before Flask-CORS), with BUST_ASSETS_ALLOW_ORIGIN.
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"


def talisman_headers(client: Any) -> None:
    page = client.get("/")
    assert page.headers["Content-Security-Policy"] == "default-src 'self'"
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"


def compress_still_compresses_pages(client: Any) -> None:
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"


def caching_still_caches(client: Any) -> None:
    assert [client.get("/count").data for _ in range(3)] == [b"1", b"1", b"1"]


def toolbar_is_injected(client: Any) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'id="flDebug"' in html


CASES: dict[str, tuple[dict[str, str], Callable[[Any], None], dict[str, str]]] = {
    "flask-wtf CSRFProtect": (CSRF, csrf_rejects_a_forged_post, {}),
    "flask-limiter": (LIMITER, limiter_counts_and_limits, {}),
    "flask-login": (LOGIN, login_still_redirects, {}),
    "flask-cors": (CORS, cors_headers_on_pages_and_assets, {"Origin": "https://example.org"}),
    "flask-talisman": (TALISMAN, talisman_headers, {}),
    "flask-compress": (COMPRESS, compress_still_compresses_pages, {"Accept-Encoding": "br, gzip"}),
    "flask-caching": (CACHING, caching_still_caches, {}),
    "flask-debugtoolbar": (TOOLBAR, toolbar_is_injected, {}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_extension_keeps_working_beside_bust_assets(tmp_path: Path, case: str) -> None:
    parts, behaves, headers = CASES[case]
    root = project(tmp_path, extension_app(**parts))
    build(root)
    app = load_app(root)
    client = app.test_client()
    if parts is LOGIN:
        client.post("/login")
    html = check_page(client, headers=headers)
    assert "/static/gen/site." in html  # digested, not the plain output name
    behaves(app.test_client())
