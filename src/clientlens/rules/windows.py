"""Sentence windows around candidate mentions, so spaCy only sees text that needs it."""

from __future__ import annotations

import re
from typing import Sequence

from clientlens.types import Block

# A boundary: sentence punctuation (plus closing quotes/brackets) then space, or a blank line,
# or a line break before a heading, list item or table row.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*[ \t]+(?=[\"'“‘(\[*_]*[A-Z0-9])|\n[ \t]*\n\s*|\n(?=[ \t]*(?:[#>|*+-]|\d+[.)])\s)")
_ABBREVIATIONS = frozenset({"vs", "e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "no", "inc", "ltd", "co",
                            "st", "cf", "approx", "dept", "est", "fig", "jr", "sr", "vol", "u.s", "u.k"})
_NEAR = 256


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    if text[match.start() - 1:match.start()] != "." or "\n" in match.group(0):
        return True
    word = re.search(r"([\w.]+)\.[\"'”’)\]]*$", text[max(0, match.start() - 12):match.start() + 1])
    return not (word and word.group(1).lower() in _ABBREVIATIONS)


def _last_boundary_end(text: str, lo_limit: int, start: int) -> int:
    """Return the end of the last sentence boundary in text[lo_limit:start], else lo_limit."""
    # Scan the last _NEAR characters first, from a letter or digit: no boundary match holds
    # one, so none straddles that position and the scan from there finds the same matches
    # as the scan from lo_limit. Only when it finds none is the whole stretch scanned.
    near = start - _NEAR
    while lo_limit < near < start and not text[near].isalnum():
        near += 1
    for pos in ((near, lo_limit) if lo_limit < near < start else (lo_limit,)):
        for m in reversed(list(_BOUNDARY.finditer(text, pos, start))):
            if _is_boundary(text, m):
                return m.end()
    return lo_limit


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the bounds of the sentence around text[start:end] (searching at most 2,000 chars out)."""
    lo_limit, hi_limit = max(0, start - 2000), min(len(text), end + 2000)
    lo = _last_boundary_end(text, lo_limit, start)
    hi = hi_limit
    for m in _BOUNDARY.finditer(text, end, hi_limit):
        if _is_boundary(text, m):
            hi = m.start()
            break
    return lo, max(hi, end)


def mention_windows(text: str, hits: Sequence[tuple[int, int]], blocks: Sequence[Block] = ()) -> list[tuple[int, int]]:
    """Return merged, sorted windows (start, end) that hold every hit inside its sentence and block."""
    windows: list[tuple[int, int]] = []
    for start, end in hits:
        lo, hi = sentence_bounds(text, start, end)
        for block in blocks:
            if block.start <= start < block.end:
                lo, hi = max(lo, block.start), min(hi, block.end)
                break
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
        else:
            windows.append((lo, hi))
    return windows
