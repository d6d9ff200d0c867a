"""The five real public Flask-Assets apps of the compat check: where each comes from, and how it runs.

Nobody on this project wrote them. Only abilian-sbe is on the package index with
its templates and static files (a wheel), so only it runs in CI. The other four
live in public git repositories, whose code we may not commit: their checks run
against checkouts you name with BUST_REALAPPS=/path/to/folder (a folder holding
one checkout per app, named as ``name`` below, at the commit pinned here), and
skip without it, even in CI. docs/compat.md says which app shows what.

Each app is switched with the one-line change of docs/migration.md (``swap``).
Checks that fail on today's main because of an issue 23 item another change
fixes are in ``xfail``: check name -> reason; strict, so a fix that lands shows
as an unexpected pass and the mark must go.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REALAPPS = os.environ.get("BUST_REALAPPS")  # the folder of checkouts for the git-only apps


@dataclass(frozen=True)
class RealApp:
    name: str
    pinned: str  # the version or commit these checks were written against
    shows: str  # what of Flask-Assets' range it covers
    install: tuple[str, ...]  # pip arguments for the app's own venv; {source} is its checkout
    flask_app: str  # `flask --app` value, relative to the project folder
    swap: tuple[str, str, str]  # file (relative to the project), stock text, the one-line change
    pages: tuple[str, ...]
    edit: tuple[str, ...]  # stylesheets (relative to the project) a developer edits between two builds
    package: str | None = None  # index apps: the top-level package copied out of site-packages
    env: dict[str, str] = field(default_factory=dict)  # {project} is filled in
    npm: tuple[str, ...] = ()  # npm packages its filters run (installed once, with `npm install`)
    # (folder relative to the project, npm packages): a node_modules its bundles read, as its own
    # install step lays it out (PowerDNS-Admin's `yarn install`), at its lock file's versions
    node_modules: tuple[str, tuple[str, ...]] | None = None
    # bundle outputs the checkout ships, removed from both copies: webassets' timestamp updater finds
    # a committed output as new as its sources, so stock would serve it, stale, until a build
    built: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()  # pytest arguments for its own suite, relative to the project
    prepare: tuple[tuple[str, ...], ...] = ()  # `flask` commands before the first build (a database)
    xfail: dict[str, str] = field(default_factory=dict)

    def source(self) -> Path | None:
        """Its checkout (git apps) or None when it is not available here; index apps return a marker path."""
        if self.package:
            return Path("<index>")
        if REALAPPS and (Path(REALAPPS) / self.name).is_dir():
            return Path(REALAPPS) / self.name
        return None


ABILIAN_ENV = {
    "FLASK_SECRET_KEY": "compat",
    "FLASK_SERVER_NAME": "localhost",
    "REALAPP_HOST": "localhost",
    "FLASK_SQLALCHEMY_DATABASE_URI": "sqlite:///{project}/db.sqlite",
    "FLASK_DRAMATIQ_BROKER_URL": "redis://127.0.0.1:9/0",  # never reached: no task runs
}

# jtimeout 3.2.0, in PowerDNS-Admin's yarn.lock, is no longer on the npm registry: its source, the
# HTMLGuyLLC/jTimeout checkout at tag 3.2.0 (e1f1e5c) beside the apps, is packed and installed instead.
JTIMEOUT = f"{REALAPPS}/jTimeout" if REALAPPS else "jtimeout@3.2.0"

CATALOG = (
    RealApp(
        name="abilian-sbe",
        pinned="abilian-sbe==1.1.15 (wheel, package index)",
        shows="app factory, plugins as blueprints, custom Filter subclasses (Less, LessImportFilter, "
        "ImportCSSFilter, ClosureJS), LESS through lessc, cssmin, its own ASSETS directory/url/manifest, "
        "Talisman, Flask-Babel, Flask-Login, Flask-WTF, SQLAlchemy",
        install=("abilian-sbe==1.1.15", "termcolor==3.1.0"),  # flask-super imports termcolor, undeclared
        package="abilian",
        flask_app="abilian.wsgi:app",
        swap=(
            "abilian/web/assets/extension.py",
            "from flask_assets import Bundle, Environment as AssetsEnv\n",
            "from flask_assets import Bundle\nfrom flask_bust_assets import BustAssets as AssetsEnv\n",
        ),
        pages=("/", "/login"),
        edit=("abilian/web/resources/less/abilian.less",),
        env=ABILIAN_ENV,
        npm=("less@4.2.0",),
    ),
    RealApp(
        name="flask-blueprint-tutorial",
        pinned="hackersandslackers/flask-blueprint-tutorial@468023f",
        shows="app factory, three blueprints with their own static folders, LESS (lessc) + cssmin, "
        "bundle outputs linked with url_for('static', filename=...)",
        # Its requirements.txt is marked python>=3.12; the same pins, for the Python here:
        install=(
            "flask==3.1.2",
            "flask-assets==2.1.0",
            "cssmin==0.2.0",
            "jsmin==3.0.1",
            "faker==37.6.0",
            "python-dotenv==1.1.1",
        ),
        flask_app="wsgi:app",
        swap=(
            "flask_blueprint_tutorial/__init__.py",
            "from flask_assets import Environment\n",
            "from flask_bust_assets import BustAssets as Environment\n",
        ),
        pages=("/", "/products/1/", "/profile"),
        # style.less's bundle is linked with url_for('static', filename='dist/css/style.css'), home.less's
        # with {% assets %}
        edit=(
            "flask_blueprint_tutorial/static/src/less/style.less",
            "flask_blueprint_tutorial/home/static/less/home.less",
        ),
        env={"ENVIRONMENT": "production", "SECRET_KEY": "compat"},
        npm=("less@4.2.0",),
    ),
    RealApp(
        name="dribdat",
        pinned="dribdat/dribdat@a679b85",
        shows="hackathon platform: app factory, blueprints, cssmin/jsmin bundles, Talisman, Flask-Login, "
        "Flask-Caching, vendored libraries in static/libs, its own pytest suite",
        install=("-r", "{source}/requirements/prod.txt", "pytest", "factory-boy", "webtest"),
        flask_app="autoapp:app",
        swap=(
            "dribdat/assets.py",
            "from flask_assets import Bundle, Environment\n",
            "from flask_assets import Bundle\nfrom flask_bust_assets import BustAssets as Environment\n",
        ),
        pages=("/", "/about/", "/login/", "/register/"),  # "/about" redirects to an absolute https URL
        edit=("dribdat/static/css/style.css",),
        env={
            "SERVER_NAME": "localhost",
            "REALAPP_HOST": "localhost",
            "DRIBDAT_SECRET": "compat",
            "DATABASE_URL": "sqlite:///{project}/db.sqlite",
        },
        prepare=(("db", "upgrade"),),
        tests=("tests",),
    ),
    RealApp(
        name="PowerDNS-Admin",
        pinned="PowerDNS-Admin/PowerDNS-Admin@742dd10",
        shows="DNS admin UI: app factory, blueprints, custom Filter subclass (ConcatFilter), cssmin/rcssmin "
        "/rjsmin/cssrewrite, Talisman, SeaSurf, node_modules in static (yarn install first), its own tests",
        install=("-r", "{source}/requirements.txt", "pytest"),
        flask_app="powerdnsadmin:create_app()",
        swap=(
            "powerdnsadmin/assets.py",
            "from flask_assets import Bundle, Environment, Filter\n",
            "from flask_assets import Bundle, Filter\nfrom flask_bust_assets import BustAssets as Environment\n",
        ),
        pages=("/login",),
        # /login, the one page without an account, links css_login: two node_modules stylesheets
        # (custom.css is in css_main, behind the login); a package upgrade edits them like this
        edit=("powerdnsadmin/static/node_modules/admin-lte/dist/css/adminlte.css",),
        # .yarnrc puts yarn's modules folder in static; these are yarn.lock's resolutions at the pin
        node_modules=(
            "powerdnsadmin/static/node_modules",
            (
                "@fortawesome/fontawesome-free@7.3.1",
                "@popperjs/core@2.11.8",
                "admin-lte@4.1.0",
                "bootstrap@5.3.8",
                "datatables.net@1.13.11",
                "datatables.net-bs5@1.13.11",
                "datatables.net-plugins@1.13.6",
                "jquery@3.7.1",
                "jquery-validation@1.22.1",
                "knockout@3.5.3",
                JTIMEOUT,
            ),
        ),
        env={"SECRET_KEY": "compat", "SQLALCHEMY_DATABASE_URI": "sqlite:///{project}/pda.db"},
        prepare=(("db", "upgrade"),),
        tests=("tests/unit",),
    ),
    RealApp(
        name="flask-base",
        pinned="hack4impact/flask-base@811fda1",
        shows="app skeleton: app factory taking a config name, three blueprints, SCSS through the scss filter "
        "(dart-sass), jsmin, a bundle with no filter, append_path to folders outside static, url_expire, "
        "Flask-Compress, Flask-WTF, Flask-Login, Flask-RQ, its own unittest suite",
        # Its requirements.txt pins Flask 1.1 (older than Flask-Assets 2 and this package support); the
        # Flask 2.2-era releases its code still imports under (itsdangerous 2.1 drops its
        # TimedJSONWebSignatureSerializer, WTForms 3 wtforms.ext, redis 4 the redis._compat Flask-RQ uses):
        install=(
            "flask==2.2.5",
            "werkzeug==2.2.3",
            "jinja2==3.1.2",
            "itsdangerous==2.0.1",
            "click==8.1.3",
            "flask-assets==2.0",
            "webassets==2.0",
            "jsmin==3.0.1",
            "flask-compress==1.13",
            "flask-login==0.6.2",
            "flask-mail==0.9.1",
            "flask-rq==0.2",
            "rq==1.10.1",
            "redis==3.5.3",
            "flask-sqlalchemy==2.5.1",
            "sqlalchemy==1.4.46",
            "flask-wtf==1.0.1",
            "wtforms==2.3.3",
            "email-validator==1.3.1",
            "raygun4py==4.3.0",
            "faker==2.0.1",
            "pytest",
        ),
        flask_app="app:create_app('production')",
        swap=(
            "app/__init__.py",
            "from flask_assets import Environment\n",
            "from flask_bust_assets import BustAssets as Environment\n",
        ),
        pages=("/", "/account/login", "/account/register"),  # "/about" needs tables only manage.py creates
        edit=("app/assets/styles/app.scss",),
        env={"SECRET_KEY": "compat"},
        npm=("sass@1.57.1",),  # webassets' scss filter runs `sass --stdin`: dart-sass's command line
        built=("app/static/styles/app.css",),  # committed, from Ruby Sass with --debug-info
        tests=("tests",),
    ),
)


def runnable(app: RealApp) -> bool:
    return bool(app.flask_app)
