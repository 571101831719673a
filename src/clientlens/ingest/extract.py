"""Crawled HTML -> Documents of main text, mapped back to the HTML source.

trafilatura picks a page's main text (no navigation, cookie banner, sidebar or footer), but
it rewrites what it keeps (entities, whitespace, list markers). So each paragraph it returns
is looked up, word by word, in the visible text that ingest/html.py parses from the same
source, and the Document is made of the matching slices of that visible text: its words are
the page's own and its OffsetMap still points into the HTML source for line and column.

Across the pages of one crawl, a paragraph found word for word on three or more pages (a
newsletter box, a call to action, a repeated title) is boilerplate: it is kept on the first
page that has it and dropped from the others, so it is counted once, not once per page.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from clientlens.errors import internal_error
from clientlens.ingest.html import load_html
from clientlens.types import Block, Document, InputFailure, Kind, OffsetMap

REPEATED_MIN_PAGES = 3
MAX_GAP = 3  # visible words trafilatura may leave out between two words it kept (a button, a badge)
MAX_STARTS = 200  # places tried for one paragraph: bounds the work on pages full of one word
_WORD = re.compile(r"\w+")
_BREAK = re.compile(r"\n\s*\n")

Span = tuple[int, int]


@dataclass(frozen=True)
class _Parsed:
    path: str
    source: str
    visible: Document
    spans: tuple[Span, ...]


def extract_pages(pages: Sequence[tuple[str, str]]) -> list[Document | InputFailure]:
    """Return one main-text Document per (url, html) pair, in order, with repeated paragraphs kept once.

    A page that cannot be parsed is an InputFailure in its place; the others are unaffected.
    """
    parsed = [_parse_or_fail(url, html) for url, html in pages]
    read = [p for p in parsed if isinstance(p, _Parsed)]
    keep = iter(drop_repeated([[p.visible.text[a:b] for a, b in p.spans] for p in read]))
    out: list[Document | InputFailure] = []
    for page in parsed:
        if isinstance(page, _Parsed):
            flags = next(keep)
            page = _document(page, [s for s, k in zip(page.spans, flags) if k], flags.count(False))
        out.append(page)
    return out


def _parse_or_fail(url: str, html: str) -> _Parsed | InputFailure:
    try:
        return _parse(url, html)
    except Exception as exc:  # noqa: BLE001 - one page's parser error must not lose the crawl
        return InputFailure(url, internal_error(url, exc, "reading"), Kind.PAGE)


def drop_repeated(pages: Sequence[Sequence[str]], min_pages: int = REPEATED_MIN_PAGES) -> list[list[bool]]:
    """Return, per page and paragraph, True to keep it.

    A paragraph whose normalised text is on `min_pages` or more pages is kept only on the
    first page that has it; every other paragraph is kept.
    """
    keys = [[" ".join(text.split()).casefold() for text in page] for page in pages]
    on_pages = Counter(k for page in keys for k in set(page))
    first: dict[str, int] = {}
    for i, page in enumerate(keys):
        for k in page:
            first.setdefault(k, i)
    return [[on_pages[k] < min_pages or first[k] == i for k in page] for i, page in enumerate(keys)]


def main_paragraphs(source: str) -> list[str] | None:
    """Return the main-text paragraphs trafilatura finds in HTML `source`, or None when it finds none."""
    import trafilatura

    try:
        text = trafilatura.extract(source, output_format="txt", include_comments=False, include_tables=True,
                                   include_images=False, include_links=False, deduplicate=False)
    except Exception:  # noqa: BLE001 - a page trafilatura cannot handle falls back to all visible text
        return None
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines or None


def align(paragraphs: Sequence[str], text: str, cursor_offset: int = 0) -> list[Span]:
    """Return the (start, end) slices of `text` holding each paragraph's words in order, sorted, not overlapping.

    A slice runs from the first word to the last, widened to the punctuation touching them.

    Paragraphs are searched from where the previous one ended (then from `cursor_offset`);
    one whose words cannot be found is left out.
    """
    tokens = [(m.start(), m.end(), _norm(m.group())) for m in _WORD.finditer(text)]
    where: dict[str, list[int]] = {}
    for i, (_, _, word) in enumerate(tokens):
        where.setdefault(word, []).append(i)
    floor = bisect.bisect_left([t[0] for t in tokens], cursor_offset)
    cursor = floor
    spans: list[Span] = []
    for paragraph in paragraphs:
        words = [_norm(w) for w in _WORD.findall(paragraph)]
        if not words:
            continue
        found = _match(words, tokens, where, cursor) or _match(words, tokens, where, floor)
        if found:
            spans.append(_widen(text, tokens[found[0]][0], tokens[found[1]][1]))
            cursor = found[1] + 1
    return _disjoint(spans)


def _widen(text: str, start: int, end: int) -> Span:
    # Take in the punctuation touching the first and last word: quotes around "Client" are
    # what the sense rules read, and a sentence should keep its full stop.
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _norm(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


def _match(words: list[str], tokens: list[tuple[int, int, str]], where: dict[str, list[int]],
           cursor: int) -> tuple[int, int] | None:
    starts = where.get(words[0], [])
    first = bisect.bisect_left(starts, cursor)
    for start in starts[first:first + MAX_STARTS]:
        pos = start
        for word in words[1:]:
            nxt = next((q for q in range(pos + 1, min(pos + 2 + MAX_GAP, len(tokens))) if tokens[q][2] == word), None)
            if nxt is None:
                break
            pos = nxt
        else:
            return start, pos
    return None


def _disjoint(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for span in sorted(spans):
        if not out or span[0] >= out[-1][1]:
            out.append(span)
    return out


def _paragraph_spans(text: str, start: int = 0) -> list[Span]:
    """Return the non-blank paragraphs of html.py's visible text (blocks are split by blank lines)."""
    spans: list[Span] = []
    pos = start
    for m in [*_BREAK.finditer(text, start), None]:
        end = m.start() if m else len(text)
        chunk = text[pos:end]
        if chunk.strip():
            spans.append((pos + len(chunk) - len(chunk.lstrip()), end - (len(chunk) - len(chunk.rstrip()))))
        if m:
            pos = m.end()
    return spans


def _parse(path: str, source: str) -> _Parsed:
    visible = load_html(source, path)
    text = visible.text
    titles = [(b.start, b.end) for b in visible.blocks if b.scope == "title" and text[b.start:b.end].strip()]
    title = _paragraph_spans(text[:titles[0][1]], titles[0][0])[:1] if titles else []
    body_from = title[0][1] if title else 0
    paragraphs = main_paragraphs(source)
    spans = align(paragraphs, text, body_from) if paragraphs else []
    if not spans:  # trafilatura found nothing we could place: fall back to all visible text
        spans = _paragraph_spans(text, body_from)
    return _Parsed(path, source, visible, tuple(_disjoint(title + spans)))


def _document(page: _Parsed, spans: Sequence[Span], dropped: int) -> Document:
    text = page.visible.text
    source_segments = page.visible.offsets.segments
    keys = [s[0] for s in source_segments]
    parts: list[str] = []
    segments: list[tuple[int, int, int]] = []
    blocks: list[Block] = []
    t = 0
    for a, b in spans:
        if parts:
            parts.append("\n\n")
            t += 2
        parts.append(text[a:b])
        segments.extend(_segments_within(source_segments, keys, len(text), a, b, t))
        blocks.extend(Block(t + max(a, bl.start) - a, t + min(b, bl.end) - a, bl.scope)
                      for bl in page.visible.blocks if max(a, bl.start) < min(b, bl.end))
        t += b - a
    return Document(path=page.path, kind=Kind.PAGE, text="".join(parts),
                    offsets=OffsetMap.for_source(page.source, tuple(segments)),
                    blocks=tuple(sorted(blocks, key=lambda bl: bl.start)),
                    meta={"format": "html", "extracted": "main-text", "repeated-dropped": str(dropped)})


def _segments_within(segments: Sequence[tuple[int, int, int]], keys: list[int], text_len: int,
                     a: int, b: int, at: int) -> list[tuple[int, int, int]]:
    """Return the source segments of visible-text slice [a, b), moved to start at text offset `at`."""
    out: list[tuple[int, int, int]] = []
    i = max(bisect.bisect_right(keys, a) - 1, 0)
    while i < len(segments) and segments[i][0] < b:
        start, source_start, length = segments[i]
        # An entity such as &amp; spans more source than text: its text ends where the next segment starts.
        text_length = min(length, (keys[i + 1] if i + 1 < len(keys) else text_len) - start)
        lo, hi = max(a, start), min(b, start + text_length)
        if lo < hi:
            whole = lo == start and hi == start + text_length
            out.append((at + lo - a, source_start + lo - start, length if whole else hi - lo))
        i += 1
    return out
