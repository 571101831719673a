"""Document -> Passages: sentence windows around mentions, and paragraphs without mentions.

Only passages that can carry framing evidence are kept: not headings, navigation, footers,
titles or code, not fragments under MIN_WORDS words, and not text that is more markup than
prose (tables, commands, link lists). Long paragraphs are cut into windows of a few sentences.
"""

from __future__ import annotations

import bisect
import re
from typing import Sequence

from clientlens.rules.windows import REACH, sentence_bounds
from clientlens.types import Document, Mention, Passage

MIN_WORDS = 6
MAX_WORDS = 90
NO_EVIDENCE = ("nav", "footer", "title", "code", "heading")
# Characters of tables, code, templates and link markup; prose has few. More than MAX_MARKUP
# of a passage's non-space characters and it is no prose.
MAX_MARKUP = 0.05
_PARAGRAPH = re.compile(r"\S(?:.|\n(?![ \t]*\n))*")
_WORD = re.compile(r"\w+")
_MARKUP = re.compile(r"[|={}<>`\\~^\[\]#]|://")
_HEADING_LINE = re.compile(r"#{1,6}\s")


def carries_evidence(text: str) -> bool:
    """Return whether a passage's text can say something about a relationship: at least
    MIN_WORDS words, not a Markdown heading, and no more than MAX_MARKUP markup characters."""
    text = text.strip()
    if _words(text) < MIN_WORDS or _HEADING_LINE.match(text):
        return False
    solid = sum(1 for c in text if not c.isspace())
    return len(_MARKUP.findall(text)) <= MAX_MARKUP * solid


def _clean(text: str) -> str:
    return " ".join(text.split())


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def mention_passage(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the window of the sentence holding [start, end) plus its neighbours in the paragraph."""
    lo, hi = sentence_bounds(text, start, end)
    # Only paragraph breaks within two sentence reaches can change the window: searching no
    # further keeps a long text with many mentions linear (the answer is the same).
    reach = 2 * REACH + 8
    para_lo = text.rfind("\n\n", max(0, start - reach), start) + 1
    para_hi = text.find("\n\n", end, end + reach)
    para_hi = len(text) if para_hi == -1 else para_hi
    if lo > para_lo:
        lo = max(para_lo, sentence_bounds(text, max(lo - 2, para_lo), max(lo - 1, para_lo))[0])
    if hi < para_hi:
        hi = min(para_hi, sentence_bounds(text, min(hi + 1, para_hi - 1), min(hi + 2, para_hi))[1])
    return lo, hi


def passages_for(doc: Document, mentions: Sequence[Mention]) -> list[Passage]:
    """Return the passages of `doc` that the framing model should judge, in text order."""
    text = doc.text
    out: list[Passage] = []
    covered: list[tuple[int, int]] = []
    for m in mentions:
        if covered and covered[-1][0] <= m.start < covered[-1][1]:
            continue
        lo, hi = mention_passage(text, m.start, m.end)
        covered.append((lo, hi))
        if doc.scope_at(m.start) not in NO_EVIDENCE and carries_evidence(text[lo:hi]):
            out.append(Passage(lo, hi, _clean(text[lo:hi])))
    overlaps = _overlap_test(covered)
    for para in _PARAGRAPH.finditer(text):
        if overlaps(para.start(), para.end()):
            continue
        if doc.scope_at(para.start()) in NO_EVIDENCE:
            continue
        out.extend(p for p in _windows(text, para.start(), para.end()) if carries_evidence(p.text))
    out.sort(key=lambda p: p.start)
    return out


def _overlap_test(spans: list[tuple[int, int]]):
    """Return f(start, end): whether [start, end) overlaps one of `spans`, in O(log n) (bisect and prefix maxima)."""
    spans = sorted(spans)
    starts = [lo for lo, _ in spans]
    reach: list[int] = []
    for _, hi in spans:
        reach.append(max(hi, reach[-1]) if reach else hi)

    def overlaps(start: int, end: int) -> bool:
        k = bisect.bisect_left(starts, end)
        return k > 0 and reach[k - 1] > start

    return overlaps


def _windows(text: str, start: int, end: int) -> list[Passage]:
    chunk = text[start:end]
    if _words(chunk) < MIN_WORDS:
        return []
    if _words(chunk) <= MAX_WORDS:
        return [Passage(start, end, _clean(chunk))]
    out, lo = [], start
    while lo < end:
        hi = lo
        while hi < end and _words(text[lo:hi]) < MAX_WORDS // 2:
            hi = min(end, sentence_bounds(text, hi, min(hi + 1, end))[1] + 1)
        out.append(Passage(lo, min(hi, end), _clean(text[lo:min(hi, end)])))
        lo = hi
    return [p for p in out if _words(p.text) >= MIN_WORDS // 2]
