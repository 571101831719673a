"""Markup that is no prose, shared by the Markdown and HTML loaders: template tags, component
tags and attributes, each blanked with spaces (same length, same lines) so offsets are kept.

- Liquid and Jinja tags `{% ... %}`, outputs `{{ ... }}` and comments `{# ... #}`; Hugo
  shortcodes `{{< ... >}}` and `{{% ... %}}`. Only the tags go: the prose between a pair
  (`{% callout %}...{% endcallout %}`) is read. The body of a comment, raw or highlight
  pair is not prose and goes too.
- kramdown attribute lists `{: .class}` and heading ids `{#id}`.
- An HTML or JSX tag keeps the values of its `alt` and `title` attributes (a reader sees or
  hears them) and loses the rest.

Every scan is bounded (MAX_TAG characters per tag), so the work grows linearly with the text.
"""

from __future__ import annotations

import bisect
import re

MAX_TAG = 2000
_NOT_NEWLINE = re.compile(r"[^\r\n]")
# A pair whose body is code or a comment, not prose: Liquid/Jinja {% comment %}...{% endcomment %},
# {% raw %}, {% highlight %}; Hugo {{< highlight >}}...{{< /highlight >}}.
_OPEN_PAIR = re.compile(r"\{%-?\s*(comment|raw|highlight)\b|\{\{[<%]\s*(highlight)\b")
_CLOSE_PAIR = re.compile(r"\{%-?\s*end(comment|raw|highlight)\s*-?%\}|\{\{[<%]\s*/\s*(highlight)\s*[>%]\}\}")
_OPENERS = {"{%": "%}", "{{": "}}", "{#": "#}"}
_ATTRIBUTE_LIST = re.compile(r"\{:[^{}\n]{0,500}\}|\{#[A-Za-z][\w-]{0,200}(?:[ \t][^{}\n]{0,300})?\}")
_TAG = re.compile(
    r"</?[A-Za-z][\w.:-]{0,100}"
    r"(?:[ \t]|\n(?![ \t]*\n))"
    r"(?:[^<>\"'{}\n]|\n(?![ \t]*\n)|\"[^\"<>]{0,1000}\"|'[^'<>]{0,1000}'|\{(?:[^{}]|\{[^{}]{0,500}\}){0,1000}\}){0,2000}"
    r"/?>|</?[A-Za-z][\w.:-]{0,100}/?>")
_SHOWN_ATTRIBUTE = re.compile(r"""(?<![\w-])(?:alt|title)[ \t]*=[ \t]*(?:"([^"]*)"|'([^']*)')""", re.I)
_SLUG = re.compile(r"[^\W_]+(?:[-_.]+[^\W_]+)+")


def blank(text: str) -> str:
    """Return `text` with every character but line breaks replaced by a space."""
    return _NOT_NEWLINE.sub(" ", text)


def _blank_span(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] not in "\r\n":
            chars[i] = " "


def template_code_spans(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of comment, raw and highlight pairs, tags included."""
    closes: dict[str, list[tuple[int, int]]] = {}
    for m in _CLOSE_PAIR.finditer(text):
        closes.setdefault(m.group(1) or m.group(2), []).append((m.start(), m.end()))
    spans: list[tuple[int, int]] = []
    for m in _OPEN_PAIR.finditer(text):
        if spans and m.start() < spans[-1][1]:
            continue
        ends = closes.get(m.group(1) or m.group(2), [])
        i = bisect.bisect_left(ends, (m.end(), 0))
        if i < len(ends):
            spans.append((m.start(), ends[i][1]))
    return spans


def blank_templates(text: str) -> str:
    """Return `text` with template tags, shortcodes and attribute lists blanked (the prose between kept)."""
    if "{" not in text:
        return text
    chars = list(text)
    for start, end in template_code_spans(text):
        _blank_span(chars, start, end)
    clear: dict[str, int] = {}  # per closer: no occurrence starts before this offset (checked already)
    at = text.find("{")
    while at != -1:
        closer = _OPENERS.get(text[at:at + 2])
        end = -1
        if closer:
            end = text.find(closer, max(at + 2, clear.get(closer, 0)), at + MAX_TAG)
            if end == -1:
                clear[closer] = at + MAX_TAG - 1
        if end != -1:
            _blank_span(chars, at, end + 2 + (closer == "}}" and text[end + 2:end + 3] == "}"))
            at = text.find("{", end + 2)
        else:
            at = text.find("{", at + 1)
    for m in _ATTRIBUTE_LIST.finditer(text):
        _blank_span(chars, m.start(), m.end())
    return "".join(chars)


def blank_tags(text: str) -> str:
    """Return `text` with HTML and JSX tags blanked, except the values of `alt` and `title` attributes."""
    def keep_shown(m: re.Match[str]) -> str:
        tag = m.group(0)
        out = list(blank(tag))
        for a in _SHOWN_ATTRIBUTE.finditer(tag):
            group = 1 if a.group(1) is not None else 2
            if not looks_like_file_name(a.group(group)):
                out[a.start(group):a.end(group)] = a.group(group)
        return "".join(out)

    return _TAG.sub(keep_shown, text)


def looks_like_file_name(text: str) -> bool:
    """Return True when `text` is one token joined by hyphens, underscores or dots: a slug or a file
    name (`customer-journey-crm`, `team_photo.jpg`), which a CMS fills in where alt text is missing."""
    return bool(_SLUG.fullmatch(text.strip()))
