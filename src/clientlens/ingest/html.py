"""HTML -> Document: visible text only, with a map back to the HTML source.

Script, style and other invisible elements are dropped, and so are `<nav>` and `<footer>`,
the boilerplate repeated on every page of a site. Each text node keeps its source offset,
so findings point at the right line and column of the HTML file. A template page (Jekyll,
Eleventy, Jinja) has its template tags blanked and its front matter read as for Markdown.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import replace

from clientlens.ingest.frontmatter import FrontMatter, FrontMatterRules, read_front_matter
from clientlens.ingest.htmlscan import LinearHTMLParser
from clientlens.ingest.markup import blank, blank_templates, looks_like_file_name
from clientlens.types import Block, Comment, Document, Kind, OffsetMap

_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "nav", "footer",
                   "select", "iframe", "object", "canvas"})
_BLOCK = frozenset({"p", "div", "section", "article", "main", "header", "aside", "ul", "ol", "li",
                    "table", "tr", "td", "th", "blockquote", "dd", "dt", "dl", "figcaption",
                    "figure", "form", "br", "hr", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
                    "title", "label", "button", "caption", "address", "details", "summary"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_ALT = re.compile(r"""\salt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


class _TextCollector(LinearHTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = OffsetMap.for_source(source).line_starts
        self.parts: list[str] = []
        self.length = 0
        self.segments: list[tuple[int, int, int]] = []
        self.blocks: list[Block] = []
        self.skip_depth = 0
        self.stack: list[tuple[str, int]] = []
        self.comments: list[Comment] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _emit(self, text: str, source_start: int | None, source_len: int | None = None) -> None:
        if not text:
            return
        if source_start is not None:
            self.segments.append((self.length, source_start, source_len if source_len is not None else len(text)))
        self.parts.append(text)
        self.length += len(text)

    def _break(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n\n"):
            self._emit("\n\n", None)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
            return
        if tag in _BLOCK:
            self._break()
        if tag in _HEADINGS or tag == "title":
            self.stack.append((tag, self.length))
        if tag == "img" and not self.skip_depth:
            self._alt_text()

    def _alt_text(self) -> None:
        raw = self.get_starttag_text() or ""
        m = _ALT.search(raw)
        if not m:
            return
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        value = m.group(group)
        if not value.strip() or looks_like_file_name(value):  # a file name stands in for missing alt text
            return
        self._break()
        start = self.length
        self._emit(html.unescape(value), self._offset() + m.start(group), len(value))
        self.blocks.append(Block(start, self.length, "alt"))
        self._break()

    def front_matter(self, front: FrontMatter) -> None:
        """Emit the front-matter values a reader sees, each its own block, before the page's text."""
        for value in front.values:
            start = self.length
            self._emit(front.text[value.start:value.end], value.start)
            self.blocks.append(Block(start, self.length, value.scope))
            self._break()

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag not in _SKIP:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(self.skip_depth - 1, 0)
            return
        if self.stack and self.stack[-1][0] == tag:
            name, start = self.stack.pop()
            self.blocks.append(Block(start, self.length, "title" if name == "title" else "heading"))
        if tag in _BLOCK:
            self._break()

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        self._emit(data, self._offset())

    def handle_comment(self, data: str) -> None:
        # Comments are not text, but inline directives (clientlens: ignore-next-line) live in them.
        start = self._offset()
        if not self.source.startswith("<!--", start):
            return
        close = self.source.find(">", start + 4 + len(data))
        end = close + 1 if close != -1 else len(self.source)
        line = bisect.bisect_right(self.line_starts, start)
        self.comments.append(Comment(start, end, line, bisect.bisect_right(self.line_starts, end - 1), data))

    def handle_entityref(self, name: str) -> None:
        self._charref(f"&{name}")

    def handle_charref(self, name: str) -> None:
        self._charref(f"&#{name}")

    def _charref(self, ref: str) -> None:
        if self.skip_depth:
            return
        start = self._offset()
        length = len(ref) + (1 if self.source[start + len(ref):start + len(ref) + 1] == ";" else 0)
        self._emit(html.unescape(self.source[start:start + length]), start, length)


def load_html(source: str, path: str, kind: Kind = Kind.PAGE, rules: FrontMatterRules | None = None) -> Document:
    """Return a Document of the visible text of HTML `source`, mapped back to the source.

    Template tags are blanked first (same length, so offsets hold); front matter is read
    as `rules` say, and `meta["warning"]` says when it could not be parsed.
    """
    markup = blank_templates(source)
    front = read_front_matter(source, rules or FrontMatterRules())
    meta = {"format": "html"}
    if front is not None:
        markup = blank(markup[:front.end]) + markup[front.end:]
        front = replace(front, text=blank_templates(front.text))
        if front.warning:
            meta["warning"] = f"{path}: {front.warning}"
    parser = _TextCollector(markup)
    if front is not None:
        parser.front_matter(front)
    cut = parser.feed_linear(markup)
    if cut < len(markup) and not parser.swallowed and not parser.skip_depth:
        # After the last ">" only text is left; from a "<!--" on, it is an unclosed comment.
        tail = markup[cut:].split("<!--", 1)[0]
        parser._emit(tail, cut)
    text = "".join(parser.parts)
    return Document(path=path, kind=kind, text=text,
                    offsets=OffsetMap.for_source(source, tuple(parser.segments)),
                    blocks=tuple(sorted(parser.blocks, key=lambda b: b.start)),
                    meta=meta, comments=tuple(parser.comments))
