"""Markdown -> Document: prose kept in place, everything else blanked with spaces.

Blanking (instead of cutting) keeps every offset into `Document.text` equal to the offset
into the source, so `source[start:end] == surface` holds without a map.
"""

from __future__ import annotations

import re

from clientlens.types import Block, Document, Kind, OffsetMap

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


def _blank(text: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if text[i] not in "\r\n":
            text[i] = " "


def strip_markdown(source: str) -> tuple[str, tuple[Block, ...]]:
    """Return (text, code blocks): `source` with non-prose blanked, same length, same lines."""
    chars = list(source)
    code: list[Block] = []
    for pattern, scope in ((_FRONT_MATTER, "meta"), (_FENCE, "code"), (_INDENTED_CODE, "code"),
                           (_HTML_COMMENT, "meta")):
        for m in pattern.finditer("".join(chars)):
            if m.group(0).strip():
                _blank(chars, m.start(), m.end())
                code.append(Block(m.start(), m.end(), scope))
    current = "".join(chars)
    for pattern in (_INLINE_CODE, _LINK_TARGET, _REF_DEF, _AUTOLINK, _HTML_TAG):
        for m in pattern.finditer(current):
            start = m.start() + (1 if pattern is _LINK_TARGET else 0)
            _blank(chars, start, m.end())
        current = "".join(chars)
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
    return Document(path=path, kind=kind, text=text, offsets=OffsetMap.for_source(source),
                    blocks=tuple(blocks), meta={"format": "markdown"})
