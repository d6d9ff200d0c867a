"""Build reports for people (a table, as bundlers print) and for machines (JSON)."""

from __future__ import annotations

import os
from typing import Any

from ..core.files import ENCODINGS
from .bundle import BuiltFile
from .processor import BuildReport


def _variant_size(abspath: str, encoding: str) -> int | None:
    try:
        return os.path.getsize(abspath + ENCODINGS[encoding])
    except OSError:
        return None


def count(number: int, word: str) -> str:
    """``1 file``, ``3 files``."""
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _size(value: int | None) -> str:
    if value is None:
        return "-"
    if value < 1000:
        return f"{value} B"
    return f"{value / 1000:.1f} kB" if value < 1_000_000 else f"{value / 1_000_000:.2f} MB"


def rows(report: BuildReport) -> list[dict[str, Any]]:
    """One row per bundle output: what the table and the JSON both show."""
    table = []
    for result in report.results:
        for built in result.files:
            table.append(
                {
                    "bundle": result.label or result.name,
                    "path": built.entry.path,
                    "files": len(result.sources) if not result.reused else None,
                    "raw": built.entry.source_size,
                    "minified": built.entry.size,
                    "gzip": _variant_size(built.abspath, "gzip"),
                    "brotli": _variant_size(built.abspath, "br"),
                    "ms": round(result.seconds * 1000),
                    "reused": result.reused,
                    "missing": not built.entry.digest,  # a source linked under its plain name: see linked.py
                    "integrity": built.entry.integrity,
                }
            )
    return table


def table(report: BuildReport, style: Any) -> list[str]:
    """Lines of the human report; ``style(text, **click_style)`` colours them (a no-op off a terminal)."""
    header = ["bundle", "output", "raw", "minified", "gzip", "brotli", "time", ""]
    body = [
        [r["bundle"], r["path"], _size(r["raw"]), _size(r["minified"]), _size(r["gzip"]), _size(r["brotli"]),
         f"{r['ms']} ms", "missing" if r["missing"] else "reused" if r["reused"] else "built"]
        for r in rows(report)
    ]  # fmt: skip
    widths = [max(len(str(line[i])) for line in [header, *body]) for i in range(len(header))]
    right = {2, 3, 4, 5, 6}

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    lines = [style(line(header).rstrip(), bold=True)]
    for cells in body:
        text = line(cells).rstrip()
        lines.append(style(text, fg="green") if cells[-1] == "built" else style(text, dim=True))
    static = report.static
    done = (
        f"{count(static.unchanged, 'file')} unchanged"
        if static.unchanged
        else f"{count(len(static.files), 'file')} digested"
    )
    lines.append(f"static  {done}, {count(report.compressed, 'new variant')}  {static.seconds * 1000:.0f} ms")
    lines.extend(note for result in report.results for built in result.files if (note := size_note(built)))
    return lines


def size_note(built: BuiltFile) -> str:
    """Why an output came out larger than its sources, when something other than a filter's whim
    explains it; "" when it did not grow, when its sources are another language (LESS, Sass) or
    when webassets' newlines between them are all it gained."""
    growth, entry = built.growth, built.entry
    grown = entry.size - entry.source_size
    if growth is None or grown <= growth.joins or growth.compiled:
        return ""
    sizes = f"{_size(entry.source_size)} -> {_size(entry.size)}"
    reasons = []
    if growth.references:
        named = "its references now name" if built.linked else "its url() references now name"
        reasons.append(f"{named} digested files, longer than the names they replace (+{_size(growth.references)})")
    added = grown - growth.references - growth.joins
    if added > 0:
        by = f"its filters ({', '.join(growth.filters)})" if growth.filters else "webassets"
        reasons.append(f"{by} added {_size(added)}")
    return f"note: {entry.path} came out larger than its sources ({sizes}): {'; '.join(reasons)}"


def as_json(report: BuildReport, manifest_path: str) -> dict[str, Any]:
    """The report for CI: every bundle, output, size, error and warning."""
    return {
        "ok": report.ok,
        "manifest": manifest_path if report.manifest_written else None,
        "outputs": rows(report),
        "errors": [str(e) for e in [*(r.error for r in report.failed), *report.errors, *report.static.errors]],
        "warnings": report.warnings + [w for r in report.results for w in r.warnings] + report.static.warnings,
        "static_files": len(report.static.files) or report.static.unchanged,
        "compressed": report.compressed,
    }
