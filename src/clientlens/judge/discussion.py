"""Documents about the words: a "Client vs. Customer" explainer is a discussion, not mixed terminology.

A document discusses the words when its title (or first heading) sets the two words side by
side, holds one of them as a word ('Why we stopped saying "customers"'), or names one with a
word about words ("The difference between ..."); or when its body compares the two words as
words (mentions of both words used as words, rules/sense.py's meta sense). Inside such a
document, the paragraphs that talk about the words are the discussion: those with a mention
of a word as a word, a word about words ("difference", "term", "sense"), or both words side by
side. A person mention elsewhere in it is judged as usual.
"""

from __future__ import annotations

import bisect
import re
from typing import Sequence

from clientlens.rules.data import pattern_data
from clientlens.rules.families import strip_possessive
from clientlens.types import Document, Mention, Sense

_DATA = pattern_data("roles.json")
TITLE_CUES = frozenset(_DATA["discussion_title_cues"])
PARAGRAPH_CUES = frozenset(_DATA["discussion_paragraph_cues"])
MIN_META = int(_DATA["discussion_min_meta"])
TITLE_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in _DATA["discussion_title_patterns"])
META_RULES = frozenset(_DATA["discussion_meta_rules"])
_WORD = re.compile(r"\w[\w.'’-]*")
_TITLE_SCOPES = ("title", "heading")
MAX_TITLE_WORDS = 14


def plain_meta(m: Mention) -> bool:
    """Return True when a meta mention was decided by a rule that reads talk about the word itself
    (not a bold label or a short quoted phrase, which are weak evidence)."""
    return m.decided_by in META_RULES or (m.decided_by == "rule:quoted-word" and m.confidence >= 0.9)


def _title(doc: Document) -> tuple[int, int] | None:
    """Return the span of the document's title: its first title or heading block, else a first line
    that reads as a title (short, no closing full stop, more text after it)."""
    for block in doc.blocks:
        if block.scope in _TITLE_SCOPES and doc.text[block.start:block.end].strip():
            return block.start, block.end
    stripped = doc.text.lstrip()
    start = len(doc.text) - len(stripped)
    end = doc.text.find("\n", start)
    if not stripped or end == -1 or not doc.text[end:].strip():
        return None
    line = doc.text[start:end].strip()
    if len(line.split()) > MAX_TITLE_WORDS or line.endswith((".", ";", ",")):
        return None
    return start, end


def _owns_the_other(in_title: Sequence[Mention]) -> bool:
    """Return True when a possessive word of one family owns a word of the other in the title
    ("Recruiting your client's customers"): two groups of people, not the two words compared."""
    return any(strip_possessive(a.surface) != a.surface and b.family != a.family and 0 <= b.start - a.end <= 2
               for a in in_title for b in in_title)


def discussion_reason(doc: Document, mentions: Sequence[Mention]) -> str | None:
    """Return why `doc` is a discussion of the words (one phrase), or None when it is not."""
    title = _title(doc)
    if title is not None:
        lo, hi = title
        in_title = [m for m in mentions if lo <= m.start < hi]
        families = {m.family for m in in_title}
        words = {w.lower() for w in _WORD.findall(doc.text[lo:hi])}
        if len(families) >= 2 and not _owns_the_other(in_title):
            return "its title names both words"
        if any(m.sense is Sense.META and plain_meta(m) for m in in_title):
            return "its title holds the word as a word"
        cues = words & TITLE_CUES
        if families and cues and any(m.sense is Sense.META for m in in_title):
            return f"its title talks about the word ('{sorted(cues)[0]}')"
        said = next(filter(None, (p.search(doc.text, lo, hi) for p in TITLE_PATTERNS)), None)
        if families and said:
            return f"its title talks about what to call people ('{said.group(0).strip()}')"
    meta = [m for m in mentions if m.sense is Sense.META and plain_meta(m)]
    if len(meta) < MIN_META or len({m.family for m in meta}) < 2:
        return None
    # One sentence on why a page says "clients" does not make the words its subject.
    if len({doc.text.count("\n\n", 0, m.start) for m in meta}) >= 2:
        return f"it compares the words ({len(meta)} mentions of the words as words)"
    return None


def discussing_paragraphs(text: str, mentions: Sequence[Mention], breaks: Sequence[int]) -> set[int]:
    """Return the indexes of the paragraphs of a discussion document that talk about the words."""
    out: set[int] = set()
    families: dict[int, set[str]] = {}
    for m in mentions:
        para = bisect.bisect_right(breaks, m.start)
        families.setdefault(para, set()).add(m.family)
        if m.sense is Sense.META:
            out.add(para)
    for para, fams in families.items():
        if para in out or len(fams) >= 2:
            out.add(para)
            continue
        # Each paragraph's words are read once, however many mentions it holds.
        lo = breaks[para - 1] if para > 0 else 0
        hi = breaks[para] if para < len(breaks) else len(text)
        if {w.lower().rstrip(".") for w in _WORD.findall(text[lo:hi])} & PARAGRAPH_CUES:
            out.add(para)
    return out
