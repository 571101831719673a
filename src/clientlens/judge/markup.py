"""The markup left in a document's text that a reader does not read: template tags always, and
Markdown syntax in Markdown sources (heading and quote marks, list bullets, emphasis runs, link
brackets, table pipes, rules).

Ingest keeps these characters so that every offset still points into the source; excerpts
drop them and the HTML report dims them, so both read as prose.
"""

from __future__ import annotations

import bisect
import re
from typing import Iterator

from clientlens.ingest.markup import MAX_TAG

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
# Bounded as ingest's own tag scan is: an unclosed "{{" looks MAX_TAG characters ahead, not to the end.
_TEMPLATE = re.compile(r"\{[{%<]-?.{0," + str(MAX_TAG) + r"}?-?[}%>]\}", re.S)
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


def markup_pieces(spans: list[tuple[int, int]], start: int, end: int) -> Iterator[tuple[int, int, bool]]:
    """Yield (from, to, is_markup) pieces that tile [start, end), given the sorted, disjoint
    markup `spans`; only the spans that reach into the stretch are visited."""
    pos = start
    for s, e in spans[bisect.bisect_right(spans, start, key=lambda span: span[1]):]:
        if s >= end:
            break
        s, e = max(s, pos), min(e, end)
        yield pos, s, False
        yield s, e, True
        pos = e
    yield pos, end, False


def without_markup(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """Return text[start:end] with the markup `spans` left out."""
    return "".join(text[a:b] for a, b, markup in markup_pieces(spans, start, end) if not markup)
