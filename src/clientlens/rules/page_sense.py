"""One sense per page: a mention nothing decided firmly takes the sense its page gives the word.

A page seldom switches a word between senses (one sense per discourse). When the mentions of
a family that the rules decided on a cue of their own mostly name software ("the desktop
client", "client-side", "the psql client"), a bare use of the same word on that page
("Configure clients", "the client sends the header") names software too, far more often than
people; and on a page whose cued mentions mostly name people ("our clients", "a client of
ours"), a bare "the client" that the sense model, reading one passage, took for software names
people. `page_senses` reads the page's senses from the rules' votes before the model runs;
`follow_page_sense` applies them afterwards to the mentions the rules decided by no cue (their
default, whatever the model then said), by a cue that agrees with the page, or by a weak one:
a determiner such as "your" or "all" says as little about people as about software
("configure your client", "all clients connect through the pool"). The thresholds and the
weak cues are data (patterns/sense.json, "page_sense").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
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


def _unsure(m: Mention) -> bool:
    """Return True when the rules decided `m` on no cue (their default), an unsure one, or a weak one."""
    return m.decided_by.startswith("rule:") and (m.confidence <= DEFAULT_CONFIDENCE or _weak(m))


@dataclass(frozen=True)
class PageSense:
    """What one page's rule votes say: each family's page sense with its reason, and the
    positions of the mentions that may follow it: those the rules were unsure of, and those
    whose own cue agrees with the page (the model, reading one passage, may not overrule both).
    Read before the model runs, since the model's answer replaces the rule's vote and hides its cue."""

    senses: Mapping[str, tuple[Sense, str]]
    followers: frozenset[int]


def read_page_sense(mentions: Sequence[Mention]) -> PageSense:
    """Return the PageSense of one document's mentions as the rules decided them."""
    senses = page_senses(mentions)
    return PageSense(senses, frozenset(i for i, m in enumerate(mentions) if _unsure(m) or (
        _cued(m) and senses.get(m.family, (None, ""))[0] is m.sense)))


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


def follow_page_sense(mentions: Sequence[Mention], page: PageSense | None = None) -> list[Mention]:
    """Return `mentions` (one document's, in the order `page` was read from) with each mention the
    rules were unsure of given its family's page sense where that differs; `page` defaults to
    `read_page_sense(mentions)`. A mention now read as meta (a heading that names the word) keeps
    that reading: it is a cue about this one use."""
    page = read_page_sense(mentions) if page is None else page
    out = list(mentions)
    for i in sorted(page.followers):
        m = out[i]
        sense, because = page.senses.get(m.family, (None, ""))
        if sense is not None and sense is not m.sense and m.sense in SENSES:
            out[i] = replace(m, sense=sense, confidence=CONFIDENCE, decided_by=DECIDED_BY, cue=because)
    return out
