"""Everything the compat check does to one real app, stage by stage, and how stock's and ours compare.

A stage that raises is recorded, not propagated: each check (tests/realapps/test_realapps.py)
then fails with that stage's message, and the checks that do not need it still run.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalog import RealApp
from .harness import Side, sides, timed_build

# A content hash in a file name: ours ("site.2c26b46b68ffc68f.css") or the app's own
# %(version)s ("style-fa3f5a83.min.css"); gone, both name the same logical file.
HASHED = re.compile(r"[.-][0-9a-f]{8,}(?=[.?)'\"]|$)")
EDIT = "\n.bust-compat-edit { color: #123456 }\n"


CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+?)\1\s*\)""")


def logical(url: str) -> str:
    return HASHED.sub("", url.split("?", 1)[0])


def resolved(css: str, url: str) -> str:
    """``css`` (served at ``url``) with each local url() spelled as the path it resolves to: ours
    names digested files relative to the stylesheet (docs/filters.md) where the app may have
    written ``/static/img/x.png``; both load the same file."""

    def absolute(match: re.Match[str]) -> str:
        quote, ref = match.group(1), match.group(2).strip()
        if ref.startswith(("data:", "#")) or urllib.parse.urlsplit(ref).scheme or ref.startswith("//"):
            return match.group(0)
        return f"url({quote}{urllib.parse.urljoin(url, ref)}{quote})"

    return CSS_URL.sub(absolute, css)


def served(result: dict[str, Any]) -> dict[str, tuple[int, bytes]]:
    """Logical URL -> (status, body as compared: CSS with url() resolved and hashed names made
    logical) of one drive."""
    out: dict[str, tuple[int, bytes]] = {}
    for url, info in result["urls"].items():
        body = (Path(result["bodies"]) / info["body"]).read_bytes()
        if "css" in info["type"]:
            body = HASHED.sub("", resolved(body.decode("utf-8", "replace"), url)).encode()
        out.setdefault(logical(url), (info["status"], body))
    return out


def differences(stock: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    """Where ours serves something other than stock: pages, the URLs they reference, their bytes."""
    found = []
    for page, info in stock["pages"].items():
        mine = ours["pages"][page]
        if mine["status"] != info["status"]:
            found.append(f"{page}: status {mine['status']}, stock {info['status']}")
        if [logical(u) for u in mine["refs"]] != [logical(u) for u in info["refs"]]:
            found.append(f"{page}: references {mine['refs']}, stock {info['refs']}")
    theirs, mine = served(stock), served(ours)
    for url in sorted(theirs.keys() | mine.keys()):
        if url not in mine or url not in theirs:
            found.append(f"{url}: {'only stock' if url not in mine else 'only ours'} references it")
        elif mine[url][0] != theirs[url][0]:
            found.append(f"{url}: status {mine[url][0]}, stock {theirs[url][0]}")
        elif mine[url][0] == 200 and mine[url][1] != theirs[url][1]:  # error pages may differ (nonces)
            found.append(f"{url}: {len(mine[url][1])} bytes differ from stock's {len(theirs[url][1])}")
    return found


@dataclass
class Outcome:
    """What each stage gave (or the error it raised, by stage name)."""

    app: RealApp
    stages: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def stage(self, name: str, run: Callable[[], Any]) -> None:
        try:
            self.stages[name] = run()
        except BaseException as error:  # a pytest.fail/skip inside a stage is an outcome too
            if isinstance(error, KeyboardInterrupt):
                raise
            self.errors[name] = f"{type(error).__name__}: {error}"

    def get(self, name: str) -> Any:
        if name in self.errors:
            raise AssertionError(f"{self.app.name}: stage {name!r} failed: {self.errors[name]}")
        return self.stages[name]


def prepare(side: Side) -> None:
    """The app's set-up commands, in production and in debug: its debug config may use another
    database (dribdat's DevConfig: dev.db)."""
    for command in side.app.prepare:
        for in_debug in (False, True):
            done = side.flask(*command, debug=in_debug)
            assert done.returncode == 0, f"flask {' '.join(command)} failed: {done.stderr[-2000:]}"


def both(run: Callable[[Side], Any], stock: Side, ours: Side) -> dict[str, Any]:
    """``run`` on both sides at once (separate processes, separate folders): CI's time halves."""
    with ThreadPoolExecutor(2) as pool:
        futures = {"stock": pool.submit(run, stock), "ours": pool.submit(run, ours)}
        return {label: future.result() for label, future in futures.items()}


def edit_and_rebuild(stock: Side, ours: Side) -> dict[str, Any]:
    """Edit a stylesheet in both copies, rebuild; drive; then `clean` ours and drive again."""
    # Both sides drive the same pages as often: an app's pages may show its own activity (dribdat's feed)
    before = both(lambda side: side.drive("before-edit"), stock, ours)["ours"]
    for side in (stock, ours):
        for name in side.app.edit:
            with (side.project / name).open("a", encoding="utf-8") as handle:
                handle.write(EDIT)
    # Stock's side as webassets compiles the edited sources: its plain rebuild may serve a stale
    # compile (harness.UNCACHED_BUILD), which is no answer to compare ours with.
    rebuilt = both(lambda side: side.flask("assets", "build") if side is ours else side.uncached_build(), stock, ours)
    old = tuple(sorted(set(before["urls"])))
    after = both(lambda side: side.drive("edited", also=old if side is ours else ()), stock, ours)
    cleaned = ours.flask("assets", "clean", "--keep", "1", "--age", "0")
    return {
        "before": before, "rebuilt": rebuilt, "after": after, "clean": cleaned,
        "after_clean": ours.drive("cleaned", also=old),
    }  # fmt: skip


def debug(app: RealApp, source: Path, tmp: Path) -> dict[str, Any]:
    """Both served with FLASK_DEBUG=1 from fresh copies, never built: after a build, stock's debug
    pages get the production output back (webassets finds it up to date: abilian's minified CSS)."""
    stock, ours = sides(app, source, tmp / "debug")
    both(prepare, stock, ours)
    return both(lambda side: side.drive("debug", True), stock, ours)


def exercise(app: RealApp, source: Path, tmp: Path) -> Outcome:
    outcome = Outcome(app)
    outcome.stage("sides", lambda: sides(app, source, tmp))
    if "sides" in outcome.errors:
        return outcome
    stock, ours = outcome.stages["sides"]
    outcome.stage("prepare", lambda: both(prepare, stock, ours))
    outcome.stage("build", lambda: both(timed_build, stock, ours))
    outcome.stage("production", lambda: both(lambda side: side.drive("production"), stock, ours))
    outcome.stage("debug", lambda: debug(app, source, tmp))
    outcome.stage("edit", lambda: edit_and_rebuild(stock, ours))
    outcome.stage("tests", lambda: both(Side.tests, stock, ours))
    return outcome
