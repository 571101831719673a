"""Markdown -> Document: prose kept in place, everything else blanked with spaces.

Blanking (instead of cutting) keeps every offset into `Document.text` equal to the offset
into the source, so `source[start:end] == surface` holds without a map.
"""

from __future__ import annotations

import bisect
import re

from clientlens.types import Block, Comment, Document, Kind, OffsetMap

_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*\r?\n.*?\r?\n\1[ \t]*(?:\r?\n|\Z)", re.S)
_FENCE = re.compile(r"^([ \t]{0,3})(`{3,}|~{3,})[^\n]*\n.*?(?:^\1?[ \t]{0,3}\2[ \t]*$|\Z)", re.S | re.M)
_INDENTED_CODE = re.compile(r"(?:(?<=\n\n)|\A)(?:(?: {4}|\t)[^\n]*(?:\n|\Z))+")
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1", re.S)
_LINK_TARGET = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
_REF_DEF = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]*\S+.*$", re.M)
_AUTOLINK = re.compile(r"<(?:https?|mailto|ftp):[^>\s]*>|\bhttps?://[^\s)>\]]+")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HTML_TAG = re.compile(r"</?[A-Za-z][^>\n]*>")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t].*$|^.+\n[ \t]{0,3}(?:=+|-+)[ \t]*$", re.M)
_PARAGRAPH = re.compile(r"\S(?:.|\n(?![ \t]*\n))*")


_NOT_NEWLINE = re.compile(r"[^\r\n]")


def _blank(text: str) -> str:
    return _NOT_NEWLINE.sub(" ", text)


def strip_markdown(source: str) -> tuple[str, tuple[Block, ...]]:
    """Return (text, code blocks): `source` with non-prose blanked, same length, same lines."""
    current = source
    code: list[Block] = []
    for pattern, scope in ((_FRONT_MATTER, "meta"), (_FENCE, "code"), (_INDENTED_CODE, "code"),
                           (_HTML_COMMENT, "meta")):

        def skip(m: re.Match[str], scope: str = scope) -> str:
            if not m.group(0).strip():
                return m.group(0)
            code.append(Block(m.start(), m.end(), scope))
            return _blank(m.group(0))

        current = pattern.sub(skip, current)
    for pattern in (_INLINE_CODE, _LINK_TARGET, _REF_DEF, _AUTOLINK, _HTML_TAG):
        keep = 1 if pattern is _LINK_TARGET else 0  # a link keeps its closing "]"
        current = pattern.sub(lambda m: m.group(0)[:keep] + _blank(m.group(0)[keep:]), current)
    return current, tuple(code)


def load_markdown(source: str, path: str, kind: Kind = Kind.PAGE) -> Document:
    """Return a Document for Markdown `source`; headings and paragraphs become Blocks."""
    text, code = strip_markdown(source)
    blocks = [Block(m.start(), m.end(), "heading") for m in _HEADING.finditer(text)]
    headed = [(b.start, b.end) for b in blocks]
    for m in _PARAGRAPH.finditer(text):
        if not any(s <= m.start() < e for s, e in headed):
            blocks.append(Block(m.start(), m.end(), "body"))
    blocks.sort(key=lambda b: b.start)
    offsets = OffsetMap.for_source(source)
    return Document(path=path, kind=kind, text=text, offsets=offsets,
                    blocks=tuple(blocks), meta={"format": "markdown"},
                    comments=_comments(source, code, offsets.line_starts))


def _comments(source: str, skipped: tuple[Block, ...], line_starts: tuple[int, ...]) -> tuple[Comment, ...]:
    """Return the HTML comments of the prose (not those shown as code), with their lines."""
    out = []
    for block in skipped:
        if block.scope != "meta" or not source.startswith("<!--", block.start):
            continue
        line_start = line_starts[bisect.bisect_right(line_starts, block.start) - 1]
        # An odd number of backticks before it on its line: the comment is shown in inline code
        # (documentation about the directives), not a directive itself.
        if source.count("`", line_start, block.start) % 2:
            continue
        out.append(Comment(block.start, block.end, bisect.bisect_right(line_starts, block.start),
                           bisect.bisect_right(line_starts, block.end - 1), source[block.start + 4:block.end - 3]))
    return tuple(out)
