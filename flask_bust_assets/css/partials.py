"""Which files a Sass/SCSS or LESS stylesheet loads (its partials), found as the compilers find them.

Stdlib only. The import rules (``@import``, ``@use``, ``@forward``, ``meta.load-css()``;
LESS ``@import (options)``) are read outside comments and strings and resolved by
each compiler's rules: for Sass the partial ``_name``, the ``.sass``/``.scss``/``.css``
extensions, ``index`` files and (dart-sass) ``.import`` files, relative to the
importing file and then the load paths; for LESS ``.less`` appended to a name
without extension, relative to the importing file and then its include paths.
Plain CSS imports (``.css``, ``url()``, a media query in Sass, ``(css)`` in LESS),
built-in modules (``sass:math``), other schemes and interpolated URLs load
nothing here. Reading the rules costs milliseconds where asking a compiler for
what it loaded costs a second compile (docs/filters.md has the figures).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..core.stamps import Stamp, stamp

# Which compiler's rules: "dart" (dart-sass), "libsass" or "less".
DIALECTS = ("dart", "libsass", "less")

_TOKENS = re.compile(
    r"""(?P<comment>/\*.*?(?:\*/|\Z)|//[^\n]*)
    |(?P<string>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')
    |(?P<url>url\(\s*(?:"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|[^)'"\s][^)]*?)?\s*\))
    |(?P<rule>@(?:import|use|forward)(?![\w-]))
    |(?P<loadcss>load-css\(\s*)
    |(?P<end>[;{}\n])""",
    re.S | re.X | re.I,
)
_ANY_RULE = re.compile(r"@(?:import|use|forward)|load-css", re.I)  # most partials have none: skip them
_LESS_OPTIONS = re.compile(r"\(\s*([\w\s,-]*)\)")
_BARE = re.compile(r"[\w./-]+")  # an unquoted @import URL of the indented syntax


@dataclass(frozen=True)
class Load:
    """One URL a stylesheet loads: the rule, the URL as written, its line, and LESS options."""

    rule: str  # "import", "use", "forward", "load-css"
    url: str
    line: int
    options: frozenset[str] = frozenset()


@dataclass
class Loaded:
    """What a stylesheet loads, at any depth: each file's stamp taken before it was read,
    the imports that named no file, and a fingerprint of the loaded bytes."""

    stamps: list[Stamp] = field(default_factory=list)
    missing: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, URL as written)
    _hash: Any = field(default_factory=hashlib.sha256)

    @property
    def fingerprint(self) -> str:
        """Changes whenever any loaded file's bytes (or the set of files) change."""
        return str(self._hash.hexdigest())


def find_loads(text: str, *, dialect: str, indented: bool = False) -> Iterator[Load]:
    """Every load rule of ``text`` outside comments and strings (``indented``: the .sass syntax)."""
    if not _ANY_RULE.search(text):
        return
    rule: str | None = None
    start = 0
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "rule" and rule is None:
            rule, start = match.group()[1:].lower(), match.end()
        elif kind == "loadcss" and rule is None and dialect != "less":
            string = _TOKENS.match(text, match.end())
            if string is not None and string.lastgroup == "string":
                yield Load("load-css", _unquote(string.group()), _line(text, match.start()))
        elif kind == "end" and rule is not None and (match.group() != "\n" or indented):
            yield from _parse(rule, text[start : match.start()], _line(text, start), dialect, indented)
            rule = None
    if rule is not None:
        yield from _parse(rule, text[start:], _line(text, start), dialect, indented)


def _parse(rule: str, args: str, line: int, dialect: str, indented: bool) -> Iterator[Load]:
    args = _TOKENS.sub(lambda m: "" if m.lastgroup == "comment" else m.group(), args).strip()
    if dialect == "less":
        options = _LESS_OPTIONS.match(args)
        names = frozenset(o.strip().lower() for o in options.group(1).split(",")) if options else frozenset()
        url = _first_url(args[options.end() :] if options else args)
        if url is not None and rule == "import":
            yield Load(rule, url, line, names)
        return
    if rule != "import":  # @use / @forward: the first string; the rest is `as`, `with`, `show`
        url = _first_url(args, strings_only=True)
        if url is not None:
            yield Load(rule, url, line)
        return
    for item in _split_commas(args):
        match = _TOKENS.match(item)
        if match is not None and match.lastgroup == "string" and match.end() == len(item):
            yield Load(rule, _unquote(item), line)  # alone: a media query after it makes it plain CSS
        elif indented and _BARE.fullmatch(item):
            yield Load(rule, item, line)


def _first_url(args: str, *, strings_only: bool = False) -> str | None:
    match = _TOKENS.match(args.strip())
    if match is None:
        return None
    if match.lastgroup == "string":
        return _unquote(match.group())
    if match.lastgroup == "url" and not strings_only:  # LESS loads url(x.less) too
        inner = match.group()[4:-1].strip()
        return _unquote(inner) if inner[:1] in "\"'" and inner else inner
    return None


def _split_commas(args: str) -> list[str]:
    items, depth, last = [], 0, 0
    for match in re.finditer(r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[(),]""", args):
        token = match.group()
        depth += {"(": 1, ")": -1}.get(token, 0)
        if token == "," and depth == 0:
            items.append(args[last : match.start()].strip())
            last = match.end()
    items.append(args[last:].strip())
    return [i for i in items if i]


def _unquote(string: str) -> str:
    return re.sub(r"\\(.)", r"\1", string[1:-1])


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def loads_nothing(load: Load, dialect: str) -> bool:
    """True for a load the compiler leaves to the browser or serves itself (no file of ours)."""
    url = load.url
    if "#{" in url or "@{" in url or re.match(r"[a-z][a-z0-9+.-]*:|//", url, re.I):
        return True  # interpolated, a built-in module (sass:math), a URL with a scheme
    if dialect == "less":
        return "css" in load.options or (url.endswith(".css") and not {"less", "inline"} & load.options)
    return load.rule == "import" and url.endswith(".css")


def resolve(
    load: Load, importer_dir: str, load_paths: list[str], dialect: str, listed: dict[str, set[str]] | None = None
) -> str | None:
    """The file ``load`` names, as the compiler looks for it; None if there is none.

    ``listed`` keeps each folder's names: one listing per folder, not a stat per candidate.
    """
    listed = {} if listed is None else listed
    for base in [importer_dir, *load_paths]:
        target = os.path.normpath(os.path.join(base, *load.url.split("/")))
        for candidate in _candidates(target, dialect, load.rule == "import"):
            folder, name = os.path.split(candidate)
            if name in _names(folder, listed) and os.path.isfile(candidate):
                return candidate
    return None


def _names(folder: str, listed: dict[str, set[str]]) -> set[str]:
    names = listed.get(folder)
    if names is None:
        try:
            names = set(os.listdir(folder))
        except OSError:
            names = set()
        listed[folder] = names
    return names


def _candidates(path: str, dialect: str, for_import: bool) -> list[str]:
    if dialect == "less":
        return [path if os.path.splitext(path)[1] else path + ".less"]
    folder, name = os.path.split(path)
    if os.path.splitext(name)[1] in (".scss", ".sass", ".css"):
        return [path, os.path.join(folder, "_" + name)]
    exts = (".scss", ".sass", ".css") if dialect == "libsass" else (".sass", ".scss", ".css")
    stems = [(folder, name), (path, "index")]
    if for_import and dialect == "dart":  # import-only files come first
        stems = [(folder, name + ".import"), stems[0], (path, "index.import"), stems[1]]
    return [f"{head}{os.sep}{prefix}{tail}{ext}" for head, tail in stems for ext in exts for prefix in ("_", "")]


def loaded_files(
    entry: str, *, dialect: str, load_paths: list[str], indented: bool = False, importer_dir: str | None = None
) -> Loaded:
    """Every file ``entry`` loads, at any depth (``entry`` itself not included).

    ``importer_dir`` is where the entry's relative loads start (a compiler fed on
    stdin resolves them from its working folder); nested ones start at their file.
    """
    loaded = Loaded()
    listed: dict[str, set[str]] = {}
    seen = {os.path.abspath(entry): True}  # file -> parsed (LESS reads an (inline) import without parsing it)
    todo = [(entry, importer_dir or os.path.dirname(entry), indented, True)]
    while todo:
        path, folder, syntax, parse = todo.pop(0)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue  # the compiler reports what it cannot read
        loaded._hash.update(f"{path}\0{len(data)}\0".encode() + data)
        if not parse:
            continue
        for load in find_loads(data.decode("utf-8", "replace"), dialect=dialect, indented=syntax):
            if loads_nothing(load, dialect):
                continue
            target = resolve(load, folder, load_paths, dialect, listed)
            if target is None:
                if "optional" not in load.options:
                    loaded.missing.append((path, load.line, load.url))
                continue
            real = os.path.abspath(target)  # normalised by resolve()
            parse_it = not target.endswith(".css") and "inline" not in load.options
            if real in seen and (seen[real] or not parse_it):
                continue
            if real not in seen:
                loaded.stamps.append(stamp(target))  # before it is read, by us or the compiler
            seen[real] = parse_it
            todo.append((target, os.path.dirname(target), target.endswith(".sass"), parse_it))
    return loaded
