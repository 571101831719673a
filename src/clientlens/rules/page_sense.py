"""One sense per page: a mention nothing decided firmly takes the sense its page gives the word.

A page seldom switches a word between senses (one sense per discourse). When the mentions of
a family that the rules decided on a cue of their own mostly name software ("the desktop
client", "client-side", "the psql client"), a bare use of the same word on that page
("Configure clients", "the client sends the header") names software too, far more often than
people; and on a page whose cued mentions mostly name people ("our clients", "a client of
ours"), a bare "the client" that the sense model, reading one passage, took for software names
people. `page_senses` reads the page's senses from the rules' votes before the model runs;
`follow_page_sense` applies them afterwards to the mentions decided by no cue (the rules'
default, or the model) or by a weak one: a determiner such as "your" or "all" says as little
about people as about software ("configure your client", "all clients connect through the
pool"). The thresholds and the weak cues are data (patterns/sense.json, "page_sense").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Mapping, Sequence

from clientlens.rules.data import pattern_data
from clientlens.rules.sense import DEFAULT_CONFIDENCE
from clientlens.types import Mention, Sense

_DATA = pattern_data("sense.json")["page_sense"]
CUED = float(_DATA["cued_confidence"])          # a rule vote this sure had a cue of its own
MIN_AGREEING = int(_DATA["min_agreeing"])       # cued mentions needed at least for a page sense
RATIO = float(_DATA["ratio"])                   # ... outnumbering the cued mentions of other senses this many times
CONFIDENCE = float(_DATA["confidence"])         # the confidence of a mention that follows its page
SENSES = tuple(Sense(s) for s in _DATA["senses"])  # the senses a page can pass on
WEAK_CUES = {rule: frozenset(cues) for rule, cues in _DATA["weak_cues"].items() if not rule.startswith("_")}
DECIDED_BY = "rule:page-sense"


def _weak(m: Mention) -> bool:
    return m.cue in WEAK_CUES.get(m.decided_by, ())


def _cued(m: Mention) -> bool:
    return (m.decided_by.startswith("rule:") and m.decided_by != DECIDED_BY and m.confidence >= CUED
            and not _weak(m))


def _follows(m: Mention) -> bool:
    # A meta reading (a heading that names the word) is a cue about this one use: it never follows.
    return m.sense in SENSES and (m.decided_by.startswith("model:") or _weak(m) or (
        m.decided_by.startswith("rule:") and m.confidence <= DEFAULT_CONFIDENCE))


def page_senses(mentions: Sequence[Mention]) -> dict[str, tuple[Sense, str]]:
    """Return {family: (sense, reason)} for the families whose cued mentions on this page (one
    document's `mentions`, as the rules decided them) agree: at least MIN_AGREEING of one sense,
    RATIO times as many as all the cued and weakly cued mentions of other senses together.
    Families without such a majority are absent."""
    votes: dict[str, Counter] = {}
    weak: dict[str, Counter] = {}
    for m in mentions:
        if _cued(m):
            votes.setdefault(m.family, Counter())[m.sense] += 1
        elif _weak(m):
            weak.setdefault(m.family, Counter())[m.sense] += 1
    out = {}
    for family, counts in votes.items():
        against = counts + weak.get(family, Counter())
        total = sum(counts.values())
        for sense in SENSES:
            agreeing = counts[sense]
            # A weak cue makes no page sense, but it does speak against the others.
            if agreeing >= MIN_AGREEING and agreeing >= RATIO * (sum(against.values()) - against[sense]):
                out[family] = (sense, f"{agreeing} of this page's {total} cued '{family}' mentions are {sense.value}")
    return out


def follow_page_sense(mentions: Sequence[Mention], senses: Mapping[str, tuple[Sense, str]] | None = None) -> list[Mention]:
    """Return `mentions` (one document's) with each mention that no cue decided (the rules'
    default, or the model) given its family's page sense, where `senses` (default: read from
    `mentions` themselves) has one that differs."""
    senses = page_senses(mentions) if senses is None else senses
    out = list(mentions)
    for i, m in enumerate(out):
        sense, because = senses.get(m.family, (None, ""))
        if sense is not None and sense is not m.sense and _follows(m):
            out[i] = replace(m, sense=sense, confidence=CONFIDENCE, decided_by=DECIDED_BY, cue=because)
    return out
