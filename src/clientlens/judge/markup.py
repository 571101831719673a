"""The markup left in a document's text that a reader does not read: template tags always, and
Markdown syntax in Markdown sources (heading and quote marks, list bullets, emphasis runs, link
brackets, table pipes, rules).

Ingest keeps these characters so that every offset still points into the source; excerpts
drop them and the HTML report dims them, so both read as prose.
"""

from __future__ import annotations

import re

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
_TEMPLATE = re.compile(r"\{[{%<]-?.*?-?[}%>]\}", re.S)
_MARKDOWN = re.compile(
    r"^[ \t]{0,3}#{1,6}(?=[ \t])|^[ \t]{0,3}>[ \t]?|^[ \t]*(?:[-*+]|\d{1,3}[.)])(?=[ \t])"
    r"|^[ \t]*(?:[-*_][ \t]*){3,}$|\*{1,3}|(?<!\w)_{1,3}(?=\S)|(?<=\S)_{1,3}(?!\w)|!?\[|\]|\|", re.M)


def is_markdown(path: str) -> bool:
    """Return True when a document's path names a Markdown source."""
    return path.split("#", 1)[0].lower().endswith(MARKDOWN_SUFFIXES)


def markup_spans(text: str, markdown: bool) -> list[tuple[int, int]]:
    """Return the sorted, disjoint spans of `text` that are markup: template tags, and Markdown syntax if `markdown`."""
    spans = [m.span() for m in _TEMPLATE.finditer(text)]
    if markdown:
        spans += [m.span() for m in _MARKDOWN.finditer(text) if m.end() > m.start()]
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def without_markup(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """Return text[start:end] with the markup `spans` left out."""
    out, pos = [], start
    for s, e in spans:
        if e <= pos or s >= end:
            continue
        out.append(text[pos:max(s, pos)])
        pos = min(e, end)
    out.append(text[pos:end])
    return "".join(out)
