"""Markdown (and MDX) -> Document: prose kept in place, everything else blanked with spaces.

Blanking (instead of cutting) keeps every offset into `Document.text` equal to the offset
into the source, so `source[start:end] == surface` holds without a map. What is blanked:
code (fenced, indented, inline), link targets, HTML comments, HTML/JSX tags (but for their
`alt`/`title` values), template tags and shortcodes (ingest/markup.py), and in MDX the
`import`/`export` blocks and `{expressions}`. Front matter keeps only the values a reader
sees (ingest/frontmatter.py), each its own paragraph.
"""

from __future__ import annotations

import bisect
import re
from typing import Callable

from clientlens.ingest.frontmatter import FrontMatter, FrontMatterRules, front_matter_span, read_front_matter
from clientlens.ingest.markup import blank as _blank
from clientlens.ingest.markup import blank_tags, blank_templates, looks_like_file_name, template_code_spans
from clientlens.types import Block, Comment, Document, Kind, OffsetMap

# Possessive run and info string: a fence line with no line break after it is tried once, not
# once per backtick of the run (each try scanned the whole line).
_FENCE = re.compile(r"^([ \t]{0,3})(`{3,}+|~{3,}+)[^\n]*+\n.*?(?:^\1?[ \t]{0,3}\2[ \t]*$|\Z)", re.S | re.M)
_INDENTED_CODE = re.compile(r"(?:(?<=\n\n)|\A)(?:(?: {4}|\t)[^\n]*(?:\n|\Z))+")
_BACKTICKS = re.compile(r"`+")
# A link target may hold template outputs and tags ({{ site.baseurl }}/path, {% link x.md %}).
_LINK_TARGET = re.compile(r"\]\((?:\{\{[^{}\n]*\}\}|\{%[^%\n]*%\}|[^()\s{]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
_REF_DEF = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.M)  # one line: a long unclosed "[" is scanned once
# No "<" inside an autolink: with one, each unclosed "<" scanned to the line's end (quadratic).
_AUTOLINK = re.compile(r"<(?:https?|mailto|ftp):[^<>\s]*>|\bhttps?://[^\s)>\]]+")
_IMAGE_ALT = re.compile(r"!\[([^\[\]\n]{1,500})\]")
_MDX_ESM = re.compile(r"^(?:import|export)[ \t{*][^\n]*(?:\n(?![ \t]*(?:\n|\Z))[^\n]*)*", re.M)
_MDX_EXPRESSION = re.compile(r"\{(?:[^{}\n]|\n(?![ \t]*\n)|\{[^{}]{0,500}\}){0,2000}\}")
_LIST_ITEM = re.compile(r"( {0,3})(?:[*+-]|\d{1,9}[.)])( +|$)")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t].*$|^.+\n[ \t]{0,3}(?:=+|-+)[ \t]*$", re.M)
_PARAGRAPH = re.compile(r"\S(?:.|\n(?![ \t]*\n))*")


def _skip_spans(current: str, spans: list[tuple[int, int]], scope: str, code: list[Block]) -> str:
    """Return `current` with the sorted, disjoint `spans` blanked, each recorded in `code`."""
    parts, at = [], 0
    for start, end in spans:
        if current[start:end].strip():
            code.append(Block(start, end, scope))
            parts += [current[at:start], _blank(current[start:end])]
            at = end
    return "".join(parts) + current[at:] if parts else current


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


def strip_markdown(source: str, mdx: bool = False) -> tuple[str, tuple[Block, ...]]:
    """Return (text, skipped blocks): `source` with non-prose blanked, same length, same lines.

    The front matter is blanked whole here; `load_markdown` puts back the values a reader sees.
    """
    code: list[Block] = []
    front = front_matter_span(source)
    current = _skip_spans(source, [(0, front[2])], "meta", code) if front else source
    current = _FENCE.sub(lambda m: _skip(m, "code", code), current)
    current = _skip_spans(current, template_code_spans(current), "code", code)
    in_list = _list_continuations(current)
    current = _INDENTED_CODE.sub(lambda m: m.group(0) if in_list(m) else _skip(m, "code", code), current)
    current = _skip_spans(current, _html_comments(current), "meta", code)
    if mdx:
        current = _MDX_ESM.sub(lambda m: _skip(m, "code", code), current)
    return strip_inline(current, mdx), tuple(sorted(code, key=lambda b: b.start))


def _skip(m: re.Match[str], scope: str, code: list[Block]) -> str:
    if not m.group(0).strip():
        return m.group(0)
    code.append(Block(m.start(), m.end(), scope))
    return _blank(m.group(0))


def strip_inline(text: str, mdx: bool = False) -> str:
    """Return `text` with inline non-prose blanked: code spans, link targets, URLs, tags, templates."""
    text = _blank_spans(text, inline_code_spans(text))
    for pattern in (_LINK_TARGET, _REF_DEF, _AUTOLINK):
        keep = 1 if pattern is _LINK_TARGET else 0  # a link keeps its closing "]"
        text = pattern.sub(lambda m: m.group(0)[:keep] + _blank(m.group(0)[keep:]), text)
    # An image whose alt text is a file name or slug has no written alt text.
    text = _IMAGE_ALT.sub(lambda m: "![" + _blank(m.group(1)) + "]" if looks_like_file_name(m.group(1))
                          else m.group(0), text)
    text = blank_templates(blank_tags(text))
    if mdx:
        text = _MDX_EXPRESSION.sub(lambda m: _blank(m.group(0)), text)
    return text


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


def _list_continuations(text: str):
    """Return a test: is an indented block a list item's continuation (CommonMark), not code?

    A block indented four or more spaces after a blank line is code, unless the last line
    before it that is indented less than four spaces opens a list item and the block is
    indented less than four spaces past that item's text.
    """
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    governing: list[int | None] = []  # per line: the content column of the list item it continues
    column: int | None = None
    for i, start in enumerate(line_starts):
        end = line_starts[i + 1] - 1 if i + 1 < len(line_starts) else len(text)
        line = text[start:end]
        governing.append(column)
        stripped = line.lstrip(" ")
        if not stripped.strip() or len(line) - len(stripped) >= 4:
            continue
        item = _LIST_ITEM.match(line)
        column = len(item.group(0)) if item else None

    def in_list(m: re.Match[str]) -> bool:
        line = bisect.bisect_right(line_starts, m.start()) - 1
        col = governing[line] if line < len(governing) else None
        indent = len(m.group(0)) - len(m.group(0).lstrip(" "))
        return col is not None and indent < col + 4

    return in_list


def load_markdown(source: str, path: str, kind: Kind = Kind.PAGE, rules: FrontMatterRules | None = None,
                  mdx: bool = False) -> Document:
    """Return a Document for Markdown `source`: front-matter values, headings and paragraphs become Blocks.

    `rules` says which front-matter values are read; `mdx` also blanks MDX's ESM blocks and
    expressions. A front matter that cannot be parsed is read as plain text, and
    `meta["warning"]` says so in one line.
    """
    text, code = strip_markdown(source, mdx)
    meta = {"format": "mdx" if mdx else "markdown"}
    blocks: list[Block] = []
    front = read_front_matter(source, rules or FrontMatterRules())
    body_from = 0
    if front is not None:
        text, blocks, body_from = _with_front_matter(text, front, mdx)
        if front.warning:
            meta["warning"] = f"{path}: {front.warning}"
    headings = [Block(m.start(), m.end(), "heading") for m in _HEADING.finditer(text, body_from)]
    headed = [(b.start, b.end) for b in headings]
    blocks.extend(headings)
    for m in _PARAGRAPH.finditer(text, body_from):
        if not any(s <= m.start() < e for s, e in headed):
            blocks.append(Block(m.start(), m.end(), "body"))
    blocks.sort(key=lambda b: b.start)
    offsets = OffsetMap.for_source(source)
    return Document(path=path, kind=kind, text=text, offsets=offsets,
                    blocks=tuple(blocks), meta=meta,
                    comments=_comments(source, code, offsets.line_starts))


def load_mdx(source: str, path: str, kind: Kind = Kind.PAGE, rules: FrontMatterRules | None = None) -> Document:
    """Return a Document for MDX `source` (Markdown with JSX components, imports and expressions)."""
    return load_markdown(source, path, kind, rules, mdx=True)


def _with_front_matter(text: str, front: FrontMatter, mdx: bool) -> tuple[str, list[Block], int]:
    """Return (text with the front matter's read values put back, their Blocks, where the body starts)."""
    head = strip_inline(front.text, mdx)
    blocks = [Block(m.start(), m.end(), v.scope) for v in front.values
              for m in _PARAGRAPH.finditer(head, v.start, v.end)]
    return head + text[front.end:], blocks, front.end


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
