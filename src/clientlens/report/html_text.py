"""A document's text as HTML: mentions highlighted by family and sense, findings inline, markup
dimmed, and the passages behind a framing finding shaded. Every piece of text is escaped here.

Highlights never rely on colour alone: each mention carries a small text tag (its family,
and its sense or role when it does not count), each family has its own underline style,
and a shaded passage starts with a "customer framing" style label. Only passages that a
framing-mismatch finding points into are shaded: a label on every paragraph says nothing.
Markdown syntax and template tags left in a source's text (`#`, `**`, `[`, `{% ... %}`)
are kept, so offsets still match, but dimmed, so the text reads as prose.
"""

from __future__ import annotations

import re
from html import escape
from typing import Sequence

from clientlens.judge.catalogue import FRAMING_MISMATCH
from clientlens.judge.markup import is_markdown, markup_pieces, markup_spans
from clientlens.report.html_svg import slug
from clientlens.types import DocumentReport, Finding, Framing, Mention

SENSE_TAGS = {"person": "", "non_person": "software", "meta": "word"}
ROLE_TAGS = {"own": "", "generic": "", "third_party": "their", "discussion": "discussion", "allowed": "allowed",
             "term": "name", "suppressed": "ignored"}
_BLANKS = re.compile(r"[ \t\r\f\v]*\n\s*")
_SPACES = re.compile(r"[ \t\r\f\v]{2,}")


def tidy(text: str) -> str:
    """Return `text` escaped, with the blank runs that extraction and blanking leave reduced to line breaks."""
    text = _BLANKS.sub(lambda m: "\n\n" if m.group(0).count("\n") > 1 else "\n", text)
    return escape(_SPACES.sub(" ", text))


class _Writer:
    """Writes stretches of a document's text as escaped HTML, dimming the markup inside them."""

    def __init__(self, text: str, spans: list[tuple[int, int]]) -> None:
        self.text = text
        self.spans = spans

    def write(self, start: int, end: int) -> str:
        """Return text[start:end] as HTML."""
        return "".join(f'<span class="markup">{escape(self.text[a:b])}</span>' if markup else tidy(self.text[a:b])
                       for a, b, markup in markup_pieces(self.spans, start, end))


def mention_tag(m: Mention) -> str:
    """Return the short text label of a mention: its family, then its sense and role if they matter."""
    extra = [t for t in (SENSE_TAGS.get(m.sense.value, m.sense.value), ROLE_TAGS.get(m.role, m.role)) if t]
    return " · ".join([m.family, *extra])


def finding_ids(doc_id: str, findings: Sequence[Finding]) -> dict[int, str]:
    """Return the anchor id of each finding, keyed by its position in the document's list."""
    return {i: f"{doc_id}-f{i + 1}" for i in range(len(findings))}


def findings_by_mention(doc: DocumentReport) -> dict[tuple[int, int], list[int]]:
    """Return, per mention source span, the positions of the findings raised on it."""
    spans = {(m.source_start, m.source_end) for m in doc.mentions}
    out: dict[tuple[int, int], list[int]] = {}
    for i, f in enumerate(doc.findings):
        if (f.start, f.end) in spans:
            out.setdefault((f.start, f.end), []).append(i)
    return out


def mismatch_framings(doc: DocumentReport) -> list[Framing]:
    """Return the passage framings that hold a mention with a framing-mismatch finding."""
    flagged = {(f.start, f.end) for f in doc.findings if f.rule == FRAMING_MISMATCH}
    starts = [m.start for m in doc.mentions if (m.source_start, m.source_end) in flagged]
    return [f for f in doc.framings if f.passage is not None
            and any(f.passage.start <= s < f.passage.end for s in starts)]


def regions(length: int, framings: Sequence[Framing]) -> list[tuple[int, int, Framing | None]]:
    """Return the text cut into (start, end, framing) regions; overlapping passages are clipped."""
    out, pos = [], 0
    passages = sorted((f for f in framings if f.passage is not None), key=lambda f: f.passage.start)
    for f in passages:
        start, end = max(f.passage.start, pos), min(f.passage.end, length)
        if end <= start:
            continue
        if start > pos:
            out.append((pos, start, None))
        out.append((start, end, f))
        pos = end
    if pos < length:
        out.append((pos, length, None))
    return out


def mark(m: Mention, surface: str) -> str:
    """Return the <mark> of one mention, its details in data attributes and a title."""
    counted = " counted" if m.counts else ""
    classes = f"m fam-{slug(m.family)} sense-{slug(m.sense.value)} role-{slug(m.role)}{counted}"
    title = (f"{m.family} · {m.sense.value} · {m.role} · {m.decided_by} ({m.confidence:.2f})"
             + (f" · cue: {m.cue}" if m.cue else ""))
    return (f'<mark class="{classes}" data-family="{escape(m.family)}" data-sense="{escape(m.sense.value)}" '
            f'title="{escape(title)}">{escape(surface)}<sup class="tag">{escape(mention_tag(m))}</sup></mark>')


def inline_finding(f: Finding, anchor: str) -> str:
    """Return the inline badge of a finding: severity and rule as text, the suggestion, a link to the table."""
    suggestion = f' → <q class="suggestion">{escape(f.suggestion)}</q>' if f.suggestion else ""
    return (f'<a class="fi sev-{slug(f.severity.value)}" href="#{anchor}" id="{anchor}-inline" '
            f'title="{escape(f.message)}"><span class="sev">{escape(f.severity.value)}</span> '
            f'{escape(f.rule)}{suggestion}</a>')


def frame_open(f: Framing) -> str:
    """Return the opening of a shaded passage, with its label in text."""
    score = float(f.scores.get(f.label, 0.0))
    tag = f"{f.label} framing {score:.2f}" + (f" ({', '.join(f.cues)})" if f.cues else "")
    return (f'<span class="frame frame-{slug(f.label)}" data-label="{escape(f.label)}">'
            f'<span class="frame-tag">{escape(tag)}</span>')


def render_text_html(doc: DocumentReport, doc_id: str) -> str:
    """Return the document's text as HTML, highlighted; "" when the document has no text."""
    text = doc.text
    if not text.strip():
        return ""
    lo, hi = len(text) - len(text.lstrip()), len(text.rstrip())
    writer = _Writer(text, markup_spans(text, is_markdown(doc.path)))
    ids = finding_ids(doc_id, doc.findings)
    on_mention = findings_by_mention(doc)
    mentions = sorted(doc.mentions, key=lambda m: (m.start, -m.end))
    out: list[str] = []
    for start, end, framing in regions(len(text), mismatch_framings(doc)):
        start, end = max(start, lo), min(end, hi)
        if end <= start:
            continue
        out.append(frame_open(framing) if framing else "")
        pos = start
        for m in mentions:
            if m.start < pos or m.start >= end:
                continue  # outside this region, or overlapping a mention already drawn
            stop = min(m.end, end)
            out.append(writer.write(pos, m.start))
            out.append(mark(m, text[m.start:stop]))
            for i in on_mention.get((m.source_start, m.source_end), ()):
                out.append(inline_finding(doc.findings[i], ids[i]))
            pos = stop
        out.append(writer.write(pos, end) + ("</span>" if framing else ""))
    return "".join(out)
