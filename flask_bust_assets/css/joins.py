"""Join stylesheets so that a bundle means what its files linked one after another mean.

The end of a file closes what is left open in it (CSS Syntax 3, "EOF" in each
tokenizer and parser state): a comment, a string, a url(), every block, and a
top-level at-rule that lacks its ``;`` (``@layer reset, base``, ``@import
url(a.css)``, valid at the end of a file). A bare newline between two files
closes none of these, so the next file's first rules would be swallowed. A
selector left without its block is dropped at the end of a file, so it is cut
here rather than prefixed to the next file's first rule.

Pure text work with one pass of a small state machine (no tokenizer: a bundle's
files are joined on every build, and tinycss2 takes minutes on large files).
"""

from __future__ import annotations

import re

# What can change the state: comments, strings, url(, brackets, `;`, escapes.
_INTERESTING = re.compile(r"""/\*|["'{}()\[\];\\]|(?<![\w\-\\\u0080-\U0010ffff])url\((?=[ \t\n]*[^"' \t\n])""", re.I)
# Inside a block a ";" changes nothing: skipping them is most of the speed on real files.
_IN_BLOCK = re.compile(_INTERESTING.pattern.replace(";", ""), re.I)
_SPACE = re.compile(r"[ \t\n\r\f]*")
_AT_RULE = re.compile(r"@-?(?:[a-zA-Z_\u0080-\U0010ffff]|-|\\[^\n])")
_AT_KEYWORD = re.compile(r"@([-\w]*)")
_DEFAULT_NAMESPACE = re.compile(r"@namespace[ \t\n]*(?:url\(|[\"'])", re.I)
_CLOSERS = {"{": "}", "(": ")", "[": "]"}
# What may come before an @import (a @layer statement has no block), and before a @namespace.
_BEFORE_IMPORT = frozenset({"charset;", "import;", "layer;"})
_BEFORE_NAMESPACE = _BEFORE_IMPORT | {"namespace;"}


def closed(text: str) -> str:
    """``text`` with what its end leaves open closed, as the end of a file would close it."""
    ending = _Ending(text)
    return text[: ending.cut] + ending.suffix


def join(texts: list[str], separator: str = "\n") -> str:
    """The stylesheets ``texts`` as one, each closed before the next begins."""
    return bundle(texts, separator)[0]


def bundle(texts: list[str], separator: str = "\n") -> tuple[str, list[tuple[int, str]]]:
    """``join(texts)``, and what in it no join can keep: (index of the file, what).

    An @import or @namespace is valid only before every other rule: a later file's
    is ignored in the bundle once earlier files have rules, though the file alone
    would apply it. A default @namespace applies to the files after it too.
    """
    endings = [_Ending(text) for text in texts]
    joined = separator.join(
        [text[: e.cut] + e.suffix for text, e in zip(texts[:-1], endings, strict=False)] + texts[-1:]
    )
    found: list[tuple[int, str]] = []
    imports = namespaces = True  # still valid in the bundle
    for index, ending in enumerate(endings):
        alone_imports = alone_namespaces = True  # still valid in the file alone
        for kind, start in ending.statements:
            if kind == "import;" and alone_imports and not imports:
                found.append((index, "its @import follows the rules of the files before it, so browsers ignore it"))
            elif kind == "namespace;" and alone_namespaces and not namespaces:
                found.append((index, "its @namespace follows the rules of the files before it, so browsers ignore it"))
            if kind == "namespace;" and index < len(texts) - 1 and _DEFAULT_NAMESPACE.match(ending.text, start):
                found.append((index, "its default @namespace applies to the files after it too"))
            if kind not in _BEFORE_IMPORT:
                alone_imports = imports = False
            if kind not in _BEFORE_NAMESPACE:
                alone_namespaces = namespaces = False
    return joined, found


class _Ending:
    """One pass over ``text``: its top-level statements, where its last begins and what closes it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.stack: list[str] = []  # open brackets; a function's "(" counts as one
        self.statement = ""  # of the top-level statement under way: "", "at-rule" or "rule"
        self.start = 0  # where it began
        # Each top-level statement: its at-keyword ("" for a rule; "import;" without a block), start.
        self.statements: list[tuple[str, int]] = []
        self.cut = len(text)
        self.suffix = ""
        self._scan()

    def _scan(self) -> None:
        text, position = self.text, 0
        while True:
            if not self.stack and not self.statement:
                position = self._next_statement(position)
                if position >= len(text):
                    return
            match = (_IN_BLOCK if self.stack else _INTERESTING).search(text, position)
            if match is None:
                self._finish("")
                return
            token, position = match.group(), match.end()
            if token == "/*":
                end = text.find("*/", position)
                if end < 0:
                    self._finish("*/")
                    return
                position = end + 2
            elif token in ('"', "'"):
                position = self._string_end(position, token)
                if position < 0:
                    return
            elif token.lower() == "url(":
                end = self._url_end(position)
                if end < 0:
                    return
                position = end
            elif token == "\\":
                if position >= len(text):
                    self._finish("\ufffd")  # an escape at the end stands for U+FFFD
                    return
                position += 1
            elif token in _CLOSERS:
                self.stack.append(token)
            elif self.stack and token == _CLOSERS[self.stack[-1]]:
                self.stack.pop()
                if not self.stack and token == "}":
                    self._ended(block=True)
            elif token == ";" and not self.stack and self.statement == "at-rule":
                self._ended(block=False)

    def _ended(self, *, block: bool) -> None:
        keyword = ""
        if self.statement == "at-rule":
            keyword = _AT_KEYWORD.match(self.text, self.start).group(1).lower()  # type: ignore[union-attr]
        self.statements.append((keyword if block else keyword + ";", self.start))
        self.statement = ""

    def _next_statement(self, position: int) -> int:
        """Skip what lies between top-level statements; note where the next begins."""
        text = self.text
        while True:
            position = _SPACE.match(text, position).end()  # type: ignore[union-attr]
            if text.startswith("/*", position):
                end = text.find("*/", position + 2)
                if end < 0:
                    self._finish("*/")
                    return len(text)
                position = end + 2
            elif text.startswith(("<!--", "-->"), position):
                position += 4 if text[position] == "<" else 3
            else:
                break
        if position < len(text):
            self.statement = "at-rule" if _AT_RULE.match(text, position) else "rule"
            self.start = position
        return position

    def _string_end(self, position: int, quote: str) -> int:
        """Past the string's end, or -1 once the end of the text closed it."""
        text = self.text
        while position < len(text):
            char = text[position]
            if char == "\\":
                if position + 1 >= len(text):
                    self._finish("\n" + quote)  # an escaped newline is nothing in a string
                    return -1
                position += 2
            elif char == quote:
                return position + 1
            elif char == "\n":
                return position  # a bad string ends at the line break, which stays
            else:
                position += 1
        self._finish(quote)
        return -1

    def _url_end(self, position: int) -> int:
        """Past an unquoted url()'s ``)``, or -1 once the end of the text closed it."""
        text = self.text
        while position < len(text):
            char = text[position]
            if char == "\\":
                if position + 1 >= len(text):
                    self._finish("\ufffd)")
                    return -1
                position += 2
            elif char == ")":
                return position + 1
            else:
                position += 1
        self._finish(")")
        return -1

    def _finish(self, closing: str) -> None:
        """The end of the text: close the token under way (``closing``), then every block;
        then end an at-rule with ``;``, or cut a rule that never got its block."""
        # Closing a top-level block ends its statement; a "(" or "[" is in a prelude.
        block = bool(self.stack) and self.stack[0] == "{"
        if self.statement == "rule" and not block:
            self.cut = self.start
            return
        self.suffix = closing + "".join(_CLOSERS[opener] for opener in reversed(self.stack))
        if self.statement == "at-rule" and not block:
            self.suffix += ";"
        if self.statement:
            self._ended(block=block)
