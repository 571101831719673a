"""What every writer says the same way: the verdict, its band, what was not counted, a page's state.

Writers format; the wording and the thresholds live here once, so the text report, the
Markdown comment and the HTML page never disagree about a site.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Mapping, Sequence

from clientlens.judge.catalogue import FRAMING_MISMATCH
from clientlens.judge.suppress import TERMINOLOGY_RULES
from clientlens.types import DocumentReport, Finding, Mention, SiteReport

# Consistency bands: the verdict's first word and the colour of every consistency bar.
CONSISTENT, MOSTLY, MIXED = "consistent", "mostly", "mixed"
MOSTLY_FROM = 80.0

# Why a mention was not counted, in the order a reader asks: by sense first, then by role.
NOT_COUNTED = {
    "non_person": "software or devices (email client, client-side)",
    "meta": "the word itself (quoted, defined, compared)",
    "third_party": "someone else's people (their customers)",
    "term": "fixed names and terms (customer relationship management)",
    "discussion": "talk about the words",
    "allowed": "allowed phrases (configuration)",
    "suppressed": "suppressed (directives, per-file ignores)",
}


def short_paths(paths: Sequence[str]) -> list[str]:
    """Return the paths with their common folder removed, for compact labels (URLs as they are)."""
    if len(paths) < 2 or any("://" in p for p in paths):
        return list(paths)
    try:
        common = os.path.commonpath([os.path.dirname(p) for p in paths])
    except ValueError:  # absolute and relative paths mixed
        return list(paths)
    return [os.path.relpath(p, common) if common else p for p in paths]


def counts_text(counts: Mapping[str, int], empty: str = "none") -> str:
    """Return "client 30, customer 8" (families with a count), or `empty`."""
    return ", ".join(f"{k} {v}" for k, v in counts.items() if v) or empty


def band(consistency: float, counted: int = 1) -> str:
    """Return the consistency band: "consistent" (100, or nothing counted), "mostly" (>= 80), else "mixed"."""
    if counted == 0 or consistency >= 100.0:
        return CONSISTENT
    return MOSTLY if consistency >= MOSTLY_FROM else MIXED


def reason_of(m: Mention) -> str | None:
    """Return the key of NOT_COUNTED that says why `m` was not counted, or None when it counts."""
    if m.counts:
        return None
    return m.sense.value if m.sense.value in NOT_COUNTED else m.role


def not_counted(documents: Sequence[DocumentReport]) -> list[tuple[str, int, tuple[str, ...]]]:
    """Return (reason, mentions, paths of the documents holding them) per reason a mention went
    uncounted, most common first."""
    tally: Counter[str] = Counter()
    where: dict[str, dict[str, None]] = {}
    for d in documents:
        for m in d.mentions:
            key = reason_of(m)
            if key is not None:
                tally[key] += 1
                where.setdefault(key, {})[d.path] = None
    order = list(NOT_COUNTED)
    keys = sorted(tally, key=lambda k: (-tally[k], order.index(k) if k in order else len(order)))
    return [(NOT_COUNTED.get(k, k), tally[k], tuple(where[k])) for k in keys]


def discusses_words(d: DocumentReport) -> bool:
    """Return True when the judge found that a document talks about the words themselves: the
    whole document (`discussion`) or a passage of it (mentions with role "discussion").

    One word read as meta ("client-centred" in quotes) is no discussion, as the judge says too.
    """
    return bool(d.discussion) or any(m.role == "discussion" for m in d.mentions)


def page_state(d: DocumentReport, site_dominant: str | None) -> str:
    """Return a page's state in words: error, mixed, "other word" (consistent alone, not with the site),
    "word vs framing" (only framing findings), "discusses the words" (talk about the words) or ok."""
    if d.error:
        return "error"
    if d.mixed:
        return "mixed"
    if site_dominant and d.dominant and d.dominant != site_dominant:
        return "other word"
    if any(f.rule in TERMINOLOGY_RULES for f in d.findings):
        return "other word"
    if any(f.rule == FRAMING_MISMATCH for f in d.findings):
        return "word vs framing"
    return "discusses the words" if discusses_words(d) and not d.findings else "ok"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _percent(value: float) -> str:
    """Return a share rounded to a whole number, or to one decimal where rounding would carry it
    into the next band (79.6 is "79.6", not the "80" that opens the "mostly" band)."""
    whole = f"{value:.0f}"
    return f"{value:.1f}" if any(value < edge <= float(whole) for edge in (MOSTLY_FROM, 100.0)) else whole


def verdict(report: SiteReport) -> str:
    """Return the report in one sentence: "Mostly 'client' (87%); 9 pages slip into 'customer'; ..."."""
    docs = report.documents
    unit = "page" if docs and all(d.kind.value == "page" for d in docs) else "document"
    counted = sum(report.counts.values())
    if counted == 0 or report.dominant is None:
        head = "No client or customer words counted"
    else:
        word = {CONSISTENT: "Consistently", MOSTLY: "Mostly", MIXED: "Mixed, mostly"}[band(report.consistency, counted)]
        head = f"{word} '{report.dominant}' ({_percent(report.consistency)}% of {counted} counted mentions)"
    parts = [head]
    for family, n in report.counts.items():
        if family == report.dominant or not n:
            continue
        pages = sum(1 for d in docs if d.counts.get(family, 0))
        parts.append(f"{_plural(pages, unit)} slip{'s' if pages == 1 else ''} into '{family}'")
    talking = sum(1 for d in docs if discusses_words(d))
    if talking:
        parts.append(f"{_plural(talking, unit)} discuss{'es' if talking == 1 else ''} the words")
    failed = sum(1 for d in docs if d.error)
    if failed:
        parts.append(f"{_plural(failed, unit)} could not be read")
    return "; ".join(parts)


def excerpt_marked(f: Finding, left: str = "[", right: str = "]", escape=lambda s: s) -> str:
    """Return the finding's excerpt, each part passed through `escape`, the mention between `left` and `right`.

    "" when the finding has no excerpt.
    """
    e = f.excerpt
    if e is None:
        return ""
    return (escape(e.text[:e.start]) + left + escape(e.text[e.start:e.end]) + right + escape(e.text[e.end:]))
