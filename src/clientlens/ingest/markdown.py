"""Markdown -> Document: prose kept in place, everything else blanked with spaces.

Blanking (instead of cutting) keeps every offset into `Document.text` equal to the offset
into the source, so `source[start:end] == surface` holds without a map.
"""

from __future__ import annotations

import bisect
import re
from typing import Callable

from clientlens.types import Block, Comment, Document, Kind, OffsetMap

_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*\r?\n.*?\r?\n\1[ \t]*(?:\r?\n|\Z)", re.S)
# Possessive run and info string: a fence line with no line break after it is tried once, not
# once per backtick of the run (each try scanned the whole line).
_FENCE = re.compile(r"^([ \t]{0,3})(`{3,}+|~{3,}+)[^\n]*+\n.*?(?:^\1?[ \t]{0,3}\2[ \t]*$|\Z)", re.S | re.M)
_INDENTED_CODE = re.compile(r"(?:(?<=\n\n)|\A)(?:(?: {4}|\t)[^\n]*(?:\n|\Z))+")
_LINK_TARGET = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
_REF_DEF = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.M)  # one line: a long unclosed "[" is scanned once
# No "<" inside an autolink or a tag: with one, each unclosed "<" scanned to the line's end (quadratic).
_AUTOLINK = re.compile(r"<(?:https?|mailto|ftp):[^<>\s]*>|\bhttps?://[^\s)>\]]+")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
_BACKTICKS = re.compile(r"`+")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t].*$|^.+\n[ \t]{0,3}(?:=+|-+)[ \t]*$", re.M)
_PARAGRAPH = re.compile(r"\S(?:.|\n(?![ \t]*\n))*")


_NOT_NEWLINE = re.compile(r"[^\r\n]")


def _blank(text: str) -> str:
    return _NOT_NEWLINE.sub(" ", text)


def _html_comments(text: str) -> list[tuple[int, int]]:
    """Return the spans of `<!-- ... -->` comments, as the non-greedy regex finds them, in linear time.

    The regex searched to the end of the text for each unclosed `<!--` (quadratic); once one
    `<!--` has no `-->` after it, no later one has either.
    """
    spans = []
    pos = text.find("<!--")
    while pos != -1:
        close = text.find("-->", pos + 4)
        if close == -1:
            break
        spans.append((pos, close + 3))
        pos = text.find("<!--", close + 3)
    return spans


def strip_markdown(source: str) -> tuple[str, tuple[Block, ...]]:
    """Return (text, code blocks): `source` with non-prose blanked, same length, same lines."""
    current = source
    code: list[Block] = []
    for pattern, scope in ((_FRONT_MATTER, "meta"), (_FENCE, "code"), (_INDENTED_CODE, "code"),
                           (_html_comments, "meta")):
        spans = [s for s in _spans(pattern, current) if current[s[0]:s[1]].strip()]
        code.extend(Block(start, end, scope) for start, end in spans)
        current = _blank_spans(current, spans)
    for pattern in (inline_code_spans, _LINK_TARGET, _REF_DEF, _AUTOLINK, _HTML_TAG):
        keep = 1 if pattern is _LINK_TARGET else 0  # a link keeps its closing "]"
        current = _blank_spans(current, _spans(pattern, current), keep)
    return current, tuple(code)


def _spans(pattern: re.Pattern[str] | Callable[[str], list[tuple[int, int]]], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)] if isinstance(pattern, re.Pattern) else pattern(text)


def _blank_spans(text: str, spans: list[tuple[int, int]], keep: int = 0) -> str:
    """Return `text` with each span blanked (its first `keep` characters kept)."""
    parts, last = [], 0
    for start, end in spans:
        parts += [text[last:start + keep], _blank(text[start + keep:end])]
        last = end
    return "".join(parts) + text[last:]


def inline_code_spans(text: str) -> list[tuple[int, int]]:
    """Return the spans that the regex `(`+)(?!`).+?(?<!`)\\1` (re.S) finds in `text`, in O(n log n).

    That regex, the inline code of Markdown, scanned to the end of the text for every
    position of a backtick run that nothing closes. The same spans follow from the runs
    alone: a run of length L opens the longest code span that a later run can close, of
    k = min(L, the longest later run) backticks; the first later run at least k long
    closes it, and whatever that run has beyond k backticks opens anew.
    """
    runs = [(m.start(), m.end() - m.start()) for m in _BACKTICKS.finditer(text)]
    longest_after = [0] * (len(runs) + 1)
    for i in range(len(runs) - 1, -1, -1):
        longest_after[i] = max(runs[i][1], longest_after[i + 1])
    first_at_least = _first_at_least([length for _, length in runs])
    spans: list[tuple[int, int]] = []
    r, opener = 0, runs[0] if runs else None
    while opener is not None and longest_after[r + 1]:
        start, length = opener
        k = min(length, longest_after[r + 1])
        c = first_at_least(r + 1, k)
        close_start, close_length = runs[c]
        spans.append((start + length - k, close_start + k))
        r, opener = (c, (close_start + k, close_length - k)) if close_length > k else \
            (c + 1, runs[c + 1] if c + 1 < len(runs) else None)
    return spans


def _first_at_least(values: list[int]) -> Callable[[int, int], int]:
    """Return f(lo, k): the first index >= lo whose value is at least k (-1 if none), by a max segment tree."""
    size = 1
    while size < max(len(values), 1):
        size *= 2
    tree = [0] * (2 * size)
    tree[size:size + len(values)] = values
    for i in range(size - 1, 0, -1):
        tree[i] = max(tree[2 * i], tree[2 * i + 1])

    def first(lo: int, k: int) -> int:
        i = lo + size
        if lo >= len(values):
            return -1
        if tree[i] >= k:
            return lo
        while i > 1:
            if i % 2 == 0 and tree[i + 1] >= k:
                i += 1
                while i < size:
                    i = 2 * i if tree[2 * i] >= k else 2 * i + 1
                return i - size
            i //= 2
        return -1

    return first


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
