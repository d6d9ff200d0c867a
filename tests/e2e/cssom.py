"""What Chromium makes of stylesheets: their rules (CSSOM) and the computed styles of a page.

Two stylesheets mean the same when Chromium reports the same rules, each by what
it holds (selector, conditions, declarations), and computes the same styles for
the same elements. Custom properties and values holding var() keep the text they
were written with, so their whitespace around punctuation and the leading 0 of
a number (0.5, .5) are not compared; an
@import is compared by the rules it brings in, not by its (digested) URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ORIGIN = "http://css.test"

SNAPSHOT = """([selector, properties]) => {
  // Text kept as written: whitespace by punctuation and a leading 0 of a number do not count.
  const loose = v => v.replace(/\\s+/g, ' ').replace(/ ?([,()/]) ?/g, '$1')
    .replace(/(^|[^\\w.])0+\\.(\\d)/g, '$1.$2').trim();
  const value = (s, p) => {
    const v = s.getPropertyValue(p);
    return p.startsWith('--') || /var\\(|env\\(/.test(v) ? loose(v) : v;
  };
  // Longhands by value; a shorthand holding var() leaves them empty, so its text counts too.
  const declarations = s => [...Array(s.length).keys()].map(i => s[i])
    .map(p => `${p}:${value(s, p)}${s.getPropertyPriority(p) ? '!' + s.getPropertyPriority(p) : ''}`)
    .concat(/var\\(|env\\(/.test(s.cssText) ? [loose(s.cssText)] : []);
  const rule = r => {
    if (r instanceof CSSImportRule)
      return ['@import', r.layerName, r.media.mediaText, r.styleSheet && [...r.styleSheet.cssRules].map(rule)];
    const held = [r.constructor.name];
    for (const key of ['selectorText', 'conditionText', 'name', 'keyText', 'prefix', 'namespaceURI'])
      if (r[key] !== undefined) held.push(key, r[key]);
    if (r.media) held.push('media', r.media.mediaText);
    if (r.nameList) held.push('layers', [...r.nameList]);
    if (r.style) held.push(declarations(r.style));
    if (r.cssRules) held.push([...r.cssRules].map(rule));
    if (held.length === 1) held.push(r.cssText);
    return held;
  };
  const rules = [...document.styleSheets].flatMap(s => [...s.cssRules].map(rule));
  const styles = [...document.querySelectorAll(selector)].map(e => {
    const s = getComputedStyle(e), before = getComputedStyle(e, '::before');
    const names = properties || [...s];
    return [e.outerHTML.slice(0, 60), ...names.map(p => `${p}:${value(s, p)}`), before.content];
  });
  return {rules, styles};
}"""


class Pages:
    """Stylesheets served from one origin, and what Chromium makes of a page linking some.

    ``other`` answers paths no page linked (what an @import names), or None for a 404."""

    def __init__(self, page: Any, body: str, other: Callable[[str], str | None] = lambda path: None) -> None:
        self.page = page
        self.body = body
        self.other = other
        self.files: dict[str, str] = {}
        self._html = ""
        page.route(f"{ORIGIN}/**", self._serve)

    def _serve(self, route: Any) -> None:
        path = route.request.url[len(ORIGIN) + 1 :]
        if path == "page.html":
            route.fulfill(body=self._html, content_type="text/html")
        elif (text := self.files.get(path, self.other(path))) is not None:
            route.fulfill(body=text, content_type="text/css")
        else:
            route.fulfill(status=404, body="")

    def snapshot(self, links: dict[str, str], selector: str = "body *", properties: list[str] | None = None) -> Any:
        """Rules and computed styles of the page linking ``links`` (path -> text), in order.

        ``properties`` None compares every computed property."""
        self.files = dict(links)
        tags = "".join(f'<link rel="stylesheet" href="{path}">' for path in links)
        self._html = f"<!doctype html><html><head>{tags}</head><body>{self.body}</body></html>"
        self.page.goto(f"{ORIGIN}/page.html", wait_until="load")
        return self.page.evaluate(SNAPSHOT, [selector, properties])
