"""finalise: give every judged finding its excerpt and its fix, in one place, after judging.

Rules and writers never compute these: the judge decides what is wrong, this module says
where it reads (the sentence, from the document's readable text) and how to apply the
suggestion (source edits with an applicability, as ruff's diagnostics carry). Writers only
read the result.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from typing import Sequence

from clientlens.judge.fixes import word_edits
from clientlens.judge.markup import is_markdown, markup_spans, without_markup
from clientlens.judge.suppress import TERMINOLOGY_RULES
from clientlens.rules.windows import sentence_bounds
from clientlens.types import (COUNTED_ROLES, FIX_NEEDS_REVIEW, FIX_SAFE, Document, DocumentReport, Edit, Excerpt,
                              Finding, Fix, InputFailure, Mention, OffsetMap, SiteReport)

# Characters of context kept on each side of the mention: a sentence longer than that is
# trimmed at a word boundary, so an excerpt stays one readable line.
EXCERPT_REACH = 60
ELLIPSIS = "…"
_SPACE = re.compile(r"\s+")


def finalise_site(report: SiteReport, items: Sequence[Document | InputFailure]) -> SiteReport:
    """Return `report` with every finding's excerpt and fix filled in from its Document.

    `items` are the audited sources in the order of `report.documents` (an InputFailure has
    no text, so its findings stay as they are).
    """
    docs = {item.path: item for item in items if isinstance(item, Document)}
    return replace(report, documents=tuple(finalise_document(d, docs.get(d.path)) for d in report.documents))


def finalise_document(report: DocumentReport, doc: Document | None) -> DocumentReport:
    """Return `report` with the excerpt and fix of each finding that lacks them (idempotent)."""
    if doc is None or not any(f.excerpt is None for f in report.findings):
        return report
    on_span = {(m.source_start, m.source_end): m for m in report.mentions}
    inverse = _TextOffsets(doc.offsets)
    findings = tuple(f if f.excerpt is not None else finalise_finding(f, doc, on_span.get((f.start, f.end)), inverse)
                     for f in report.findings)
    return replace(report, findings=findings)


def finalise_finding(f: Finding, doc: Document, mention: Mention | None = None,
                     inverse: "_TextOffsets | None" = None) -> Finding:
    """Return `f` with its excerpt and fix; the text span comes from its mention, else from the offset map."""
    if mention is not None:
        start, end = mention.start, mention.end
    elif f.end > f.start:
        inverse = inverse or _TextOffsets(doc.offsets)
        start, end = inverse.text_offset(f.start), inverse.text_offset(f.end)
    else:
        return f  # no span (an unreadable input): nothing to quote or fix
    return replace(f, excerpt=excerpt(doc.text, start, end, is_markdown(doc.path)),
                   fix=fix_of(f, doc, start, end, mention))


def excerpt(text: str, start: int, end: int, markdown: bool = False, reach: int = EXCERPT_REACH) -> Excerpt | None:
    """Return the sentence around text[start:end] as it reads: markup left out (Markdown syntax too
    with `markdown`), whitespace collapsed, trimmed to `reach` characters either side."""
    if not 0 <= start < end <= len(text):
        return None
    lo, hi = sentence_bounds(text, start, end)
    spans = [(s + lo, e + lo) for s, e in markup_spans(text[lo:hi], markdown)]

    def read(a: int, b: int) -> str:
        return _SPACE.sub(" ", without_markup(text, a, b, spans))

    left, word, right = read(lo, start).lstrip(), read(start, end), read(end, hi).rstrip()
    if len(left) > reach:
        cut = left.find(" ", len(left) - reach)
        left = ELLIPSIS + (left[cut:] if cut != -1 else left[-reach:])
    if len(right) > reach:
        cut = right.rfind(" ", 0, reach)
        right = (right[:cut] if cut > 0 else right[:reach]) + " " + ELLIPSIS
    if not word.strip():
        return None
    return Excerpt(left + word + right, len(left), len(left) + len(word))


def applicability(f: Finding, mention: Mention | None) -> str:
    """Return "safe" for a terminology rewrite of the author's own word, else "needs-review".

    A framing suggestion changes what the sentence claims, a third party's customers are not
    the author's word to change, and a contract's defined term is a legal choice: a person
    reviews those.
    """
    own_word = mention is not None and mention.role in COUNTED_ROLES
    return FIX_SAFE if f.rule in TERMINOLOGY_RULES and own_word else FIX_NEEDS_REVIEW


def fix_of(f: Finding, doc: Document, start: int, end: int, mention: Mention | None) -> Fix | None:
    """Return the Fix that writes `f.suggestion` over text[start:end] (and fixes "a"/"an" before it).

    None without a suggestion, or where an edit would not land on the same characters in the
    source (a word split by markup, an entity inside the changed letters).
    """
    if not f.suggestion:
        return None
    surface = doc.text[start:end]
    found = word_edits(doc.text, start, surface, f.suggestion)
    if not found:
        return None
    edits = []
    for a, b, new in found:
        edit = source_edit(doc.offsets, a, b, new)
        if edit is None:
            return None
        edits.append(edit)
    return Fix(tuple(edits), applicability(f, mention), f"Replace '{surface}' with '{f.suggestion}'")


def source_edit(offsets: OffsetMap, start: int, end: int, replacement: str) -> Edit | None:
    """Return the source Edit of the text span [start, end), or None when the span is not verbatim there."""
    loc = offsets.locate(start, end)
    if loc.end - loc.start != end - start:
        return None
    return Edit(loc.start, loc.end, replacement, loc.line, loc.column)


class _TextOffsets:
    """Maps source offsets back to text offsets (the inverse of an OffsetMap's segments)."""

    def __init__(self, offsets: OffsetMap) -> None:
        by_text = sorted(offsets.segments)
        # A segment's text may be shorter than its source (an entity): it ends where the next one starts.
        ends = [nxt[0] for nxt in by_text[1:]] + [2**62]
        self.segments = sorted(((s0, t0, length, end) for (t0, s0, length), end in zip(by_text, ends)))
        self.keys = [s[0] for s in self.segments]

    def text_offset(self, source_offset: int) -> int:
        """Return the text offset of a source offset (the identity without segments)."""
        if not self.segments:
            return source_offset
        i = max(bisect.bisect_right(self.keys, source_offset) - 1, 0)
        s0, t0, length, text_end = self.segments[i]
        return min(t0 + min(max(source_offset - s0, 0), length), text_end)
