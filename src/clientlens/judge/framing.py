"""Framing in the judge: document and site aggregates, and `framing-mismatch` findings."""

from __future__ import annotations

from typing import Iterable, Sequence

from clientlens.config import Settings
from clientlens.judge import catalogue
from clientlens.judge.fixes import rewrite
from clientlens.rules.families import FamilySet
from clientlens.types import FRAMING_LABELS, Finding, Framing, Mention


def aggregate(framings: Iterable[Framing], weights: Iterable[float] | None = None) -> Framing | None:
    """Return the weighted mean of framing scores (default weight: passage length), or None.

    A long paragraph says more about a page than a one-line caption, so passages weigh by
    their number of characters; documents weigh the same way by their text length.
    """
    framings = list(framings)
    if not framings:
        return None
    if weights is None:
        weights = [max(len(f.passage.text), 1) if f.passage else 1 for f in framings]
    weights = list(weights)
    total = sum(weights) or 1.0
    scores = {label: round(sum(w * f.scores.get(label, 0.0) for f, w in zip(framings, weights)) / total, 4)
              for label in FRAMING_LABELS}
    return Framing(max(scores, key=scores.get), scores, None, (), framings[0].model)


def mismatch_findings(mentions: Sequence[Mention], framings: Sequence[Framing], settings: Settings,
                      families: FamilySet, target: str | None = None,
                      document: Framing | None = None) -> list[Finding]:
    """Return a finding on each counted mention whose word contradicts a confident framing of its passage.

    Only the author's own people (own or generic roles) are judged, and only where the document
    as a whole leans the same way as the passage (`document`, when given), so one odd paragraph
    on a page about something else says nothing. The suggestion is the framing's word only when
    that is the site's word (`target`, or no target); otherwise the finding names the tension
    and suggests nothing, since the word the framing asks for is the one the site avoids.
    """
    findings = []
    severity = catalogue.severity_of(catalogue.FRAMING_MISMATCH, dict(settings.severity))
    for m in mentions:
        if not m.counts or m.family not in ("client", "customer"):
            continue
        framing = next((f for f in framings if f.passage and f.passage.start <= m.start < f.passage.end), None)
        if framing is None or framing.label in ("neutral", m.family):
            continue
        p = framing.scores.get(framing.label, 0.0)
        if p < settings.mismatch_threshold:
            continue
        if document is not None and document.label != framing.label:
            continue
        advise = target is None or framing.label == target
        suggestion = rewrite(m.surface, framing.label, families) if advise else None
        tail = "" if advise else f"; the site says '{target}', so the copy, not the word, may need a look"
        findings.append(Finding(
            catalogue.FRAMING_MISMATCH, severity,
            f"'{m.surface}' in a passage framed as a {framing.label} relationship (p={p:.2f}){tail}",
            m.source_start, m.source_end, m.line, m.column, suggestion,
            f"framing {framing.label} {p:.2f}; word family {m.family}"))
    return findings
