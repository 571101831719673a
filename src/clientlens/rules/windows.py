"""Sentence windows around candidate mentions, so spaCy only sees text that needs it."""

from __future__ import annotations

import re
from typing import Sequence

from clientlens.types import Block, block_at, disjoint_starts

# A boundary: sentence punctuation (plus closing quotes/brackets) then space, or a blank line,
# or a line break before a heading, list item or table row.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*[ \t]+(?=[\"'“‘(\[*_]*[A-Z0-9])|\n[ \t]*\n\s*|\n(?=[ \t]*(?:[#>|*+-]|\d+[.)])\s)")
_ABBREVIATIONS = frozenset({"vs", "e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "no", "inc", "ltd", "co",
                            "st", "cf", "approx", "dept", "est", "fig", "jr", "sr", "vol", "u.s", "u.k"})
_NEAR = 256
REACH = 2000  # characters searched for a sentence boundary either side of a mention
MAX_WINDOW = 100_000  # characters given to spaCy at once (its own limit is 1,000,000)


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


def sentence_bounds(text: str, start: int, end: int, reach: int = REACH) -> tuple[int, int]:
    """Return the bounds of the sentence around text[start:end] (searching at most `reach` chars out)."""
    lo = _last_boundary_end(text, max(0, start - reach), start)
    hi, _ = _next_boundary_start(text, end, min(len(text), end + reach))
    return lo, max(hi, end)


def _next_boundary_start(text: str, end: int, hi_limit: int, clear: tuple[int, int] = (0, 0)) -> tuple[int, tuple[int, int]]:
    """Return (start of the first sentence boundary in text[end:hi_limit], else hi_limit; a stretch known to hold none).

    `clear` is a stretch an earlier call found no boundary in: when it holds `end`, the scan
    starts near its far end instead of at `end` (a little before it, so that a boundary whose
    lookahead the earlier scan could not see is still found). In text with no sentence breaks,
    that keeps the scans of consecutive mentions from going over the same characters again.
    """
    pos = max(end, clear[1] - _NEAR) if clear[0] <= end < clear[1] else end
    for m in _BOUNDARY.finditer(text, pos, hi_limit):
        if _is_boundary(text, m):
            return m.start(), (min(end, clear[0]) if pos != end else end, m.start())
    return hi_limit, (min(end, clear[0]) if pos != end else end, hi_limit)


def mention_windows(text: str, hits: Sequence[tuple[int, int]], blocks: Sequence[Block] = (),
                    max_sentence: int = 2 * REACH, max_window: int = MAX_WINDOW) -> list[tuple[int, int]]:
    """Return merged, sorted windows (start, end) that hold every hit inside its sentence and block.

    Every window is at most `max_window` characters long: a sentence is looked for at most
    `max_sentence` / 2 characters either side of a hit (longer unbroken text is cut there),
    a hit longer than that is cut too, and touching sentences stop merging when the window
    would pass `max_window`, so spaCy never sees more than that at once.
    """
    reach = max(max_sentence // 2, 1)
    starts = disjoint_starts(blocks)
    windows: list[tuple[int, int]] = []
    clear = (0, 0)
    for start, end in hits:
        end = min(end, start + reach)
        # A hit inside the current window merges into it, whatever its sentence's start:
        # only the end needs looking for.
        inside = bool(windows) and start < windows[-1][1]
        lo = start if inside else _last_boundary_end(text, max(0, start - reach), start)
        hi, clear = _next_boundary_start(text, end, min(len(text), end + reach), clear)
        hi = max(hi, end)
        block = block_at(blocks, start, starts)
        if block is not None:
            lo, hi = max(lo, block.start), min(hi, block.end)
        if windows and lo <= windows[-1][1]:
            w_lo, w_hi = windows[-1]
            if max(hi, w_hi) - w_lo <= max_window:
                windows[-1] = (w_lo, max(hi, w_hi))
                continue
            if end <= w_hi:
                continue  # the window is full and already holds this hit
            lo = w_hi  # the next window starts where the full one ends
        windows.append((lo, hi))
    return windows
