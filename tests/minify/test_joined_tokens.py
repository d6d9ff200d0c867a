"""Whitespace that carries meaning, through the real filter of a real build, for every engine.

Found by issue 25's outside corpora in the whitespace path (``engine = "rjsmin"``, every fallback
and the functions beside a direct ``eval``): a comment holding a line break is one for automatic
semicolon insertion; ``<!--`` and ``-->`` start comments in a script; ``1 .a`` is a member of 1.
Each case runs in node, source and built output side by side.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_small_faults import ENGINES, same_in_node

CASES = {
    "return-comment-line-break": "function f(){return/*\n*/1}\nconsole.log(f());\n",
    "return-comment-line-separator": "function f(){return/*\u2028*/1}\nconsole.log(f());\n",
    "break-comment-line-break": "a:for(var i=0;i<3;i++){console.log(i);break /*\n*/a}\n",
    "beside-eval": 'function f(){eval("");return/*\n*/1}\nconsole.log(f());\n',
    "html-open-comment": "var x=1\n<!-- note\n;console.log(x);\n",
    "html-close-comment": "var x=1\n--> note\nconsole.log(x);\n",
    "html-close-comment-after-comment": "var x=1\n /* c */ --> note\nconsole.log(x);\n",
    "html-close-comment-after-separator": "var x=1\u2028--> note\nconsole.log(x);\n",
    "less-than-not-decrement": "function g(b,c){return b < !--c}\nconsole.log(g(1,1),g(1,2));\n",
    "decrement-greater-than": "var c=3,d=1\nconsole.log(c-- > d, c);\n",
    "number-member": "console.log(1 .toString(), 10 .toFixed(1));\n",
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_meaningful_whitespace_is_kept(tmp_path: Path, engine: str, name: str) -> None:
    same_in_node(tmp_path, engine, CASES[name])


# `-->` is a comment only where it opens a line: a loop counting down keeps being minified.
DECREMENTS = {
    "loop": "var i=3,s=''\nwhile (i-- > 0) { s += i }\nconsole.log(s);\n",
    "joined-loop": "var i=3,s=''\nwhile (i-->0) { s += i }\nconsole.log(s);\n",
    "arrow-and-decrement": "var n=2,f=()=>n-->1\nconsole.log(f(), f(), n);\n",
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", sorted(DECREMENTS))
def test_a_decrement_before_greater_than_is_minified(tmp_path: Path, engine: str, name: str) -> None:
    out, warned = same_in_node(tmp_path, engine, DECREMENTS[name])
    assert not [w for w in warned if "unminified" in w], warned
    assert len(out) < len(DECREMENTS[name])
