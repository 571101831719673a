"""A document's text as HTML: mentions highlighted by family and sense, findings inline,
framing shaded per passage. Every piece of text is escaped here and nowhere else.

Highlights never rely on colour alone: each mention carries a small text tag (its family,
and its sense or role when it does not count), each family has its own underline style,
and each shaded passage starts with a "client framing" style label.
"""

from __future__ import annotations

import re
from html import escape
from typing import Sequence

from clientlens.report.html_svg import slug
from clientlens.types import DocumentReport, Finding, Framing, Mention

SENSE_TAGS = {"person": "", "non_person": "software", "meta": "word"}
ROLE_TAGS = {"own": "", "generic": "", "third_party": "their", "discussion": "discussion", "term": "term",
             "allowed": "allowed", "suppressed": "suppressed"}
_BLANKS = re.compile(r"[ \t\r\f\v]*\n\s*")
_SPACES = re.compile(r"[ \t\r\f\v]{2,}")


def tidy(text: str) -> str:
    """Return `text` escaped, with the blank runs that HTML extraction leaves reduced to paragraph breaks."""
    text = _BLANKS.sub(lambda m: "\n\n" if m.group(0).count("\n") > 1 else "\n", text)
    return escape(_SPACES.sub(" ", text))


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
    """Return the inline badge of a finding: severity and rule as text, the suggestion, a link to the list."""
    suggestion = f' → <q class="suggestion">{escape(f.suggestion)}</q>' if f.suggestion else ""
    return (f'<a class="fi sev-{slug(f.severity.value)}" href="#{anchor}" id="{anchor}-inline" '
            f'title="{escape(f.message)}"><span class="sev">{escape(f.severity.value)}</span> '
            f'{escape(f.rule)}{suggestion}</a>')


def frame_open(f: Framing | None) -> str:
    """Return the opening of a passage's span, with a text label unless it is neutral or unframed."""
    if f is None:
        return '<span class="frame frame-none">'
    label = f"frame-{slug(f.label)}"
    score = float(f.scores.get(f.label, 0.0))
    if f.label == "neutral":
        return f'<span class="frame {label}" data-label="neutral">'
    tag = f"{f.label} framing {score:.2f}" + (f" ({', '.join(f.cues)})" if f.cues else "")
    return (f'<span class="frame {label}" data-label="{escape(f.label)}">'
            f'<span class="frame-tag">{escape(tag)}</span>')


def render_text_html(doc: DocumentReport, doc_id: str) -> str:
    """Return the document's text as HTML, highlighted; "" when the document has no text."""
    text = doc.text
    if not text.strip():
        return ""
    lo = len(text) - len(text.lstrip())
    hi = len(text.rstrip())
    ids = finding_ids(doc_id, doc.findings)
    on_mention = findings_by_mention(doc)
    mentions = sorted(doc.mentions, key=lambda m: (m.start, -m.end))
    out: list[str] = []
    for start, end, framing in regions(len(text), doc.framings):
        start, end = max(start, lo), min(end, hi)
        if end <= start:
            continue
        out.append(frame_open(framing))
        pos = start
        for m in mentions:
            if m.start < pos or m.start >= end:
                continue  # outside this region, or overlapping a mention already drawn
            stop = min(m.end, end)
            out.append(tidy(text[pos:m.start]))
            out.append(mark(m, text[m.start:stop]))
            for i in on_mention.get((m.source_start, m.source_end), ()):
                out.append(inline_finding(doc.findings[i], ids[i]))
            pos = stop
        out.append(tidy(text[pos:end]) + "</span>")
    return "".join(out)

