"""Framing in the judge: document and site aggregates, and `framing-mismatch` findings."""

from __future__ import annotations

from typing import Iterable, Sequence

from clientlens.config import Settings
from clientlens.judge import catalogue
from clientlens.judge.fixes import rewrite
from clientlens.rules.families import FamilySet
from clientlens.types import FRAMING_LABELS, Finding, Framing, FramingPolicy, Mention, Passage

# A passage weighs by its length, up to this many characters: a long block of terms or
# instructions is one piece of evidence, not ten.
WEIGHT_CAP = 600
EVIDENCE = 3


def text_weight(text: str) -> float:
    """Return how much a passage's text weighs in its document: its length, capped at WEIGHT_CAP."""
    return float(min(max(len(text), 1), WEIGHT_CAP))


def passage_weight(framing: Framing) -> float:
    """Return how much a passage framing weighs in its document (text_weight; 1 without a passage)."""
    return text_weight(framing.passage.text) if framing.passage else 1.0


def aggregate(framings: Iterable[Framing], weights: Iterable[float] | None = None,
              neutral_weight: float = 1.0) -> Framing | None:
    """Return the weighted mean of framing scores (default weight: passage_weight), or None.

    With `neutral_weight` below 1 the neutral mass is scaled down before the scores are
    normalised again, so that a few clear client or customer passages among many neutral
    ones (headings, instructions, boilerplate) decide the label; neutral wins only where that
    evidence is thin.
    """
    framings = list(framings)
    if not framings:
        return None
    weights = list(weights) if weights is not None else [passage_weight(f) for f in framings]
    total = sum(weights) or 1.0
    mass = {label: sum(w * f.scores.get(label, 0.0) for f, w in zip(framings, weights)) / total
            for label in FRAMING_LABELS}
    mass["neutral"] *= neutral_weight
    norm = sum(mass.values()) or 1.0
    scores = {label: round(v / norm, 4) for label, v in mass.items()}
    return Framing(max(scores, key=scores.get), scores, None, (), framings[0].model)


def document_framing(framings: Sequence[Framing], policy: FramingPolicy,
                     discussion: str | None = None, mentions: Sequence[Mention] = ()) -> Framing | None:
    """Return a document's framing from its passages' under `policy`, with the passages that
    weighed most for its label as `evidence` (strongest first, at most EVIDENCE).

    A document that discusses the words (`discussion` says why) describes no relationship of its
    own, whatever its passages lean to: it is neutral, and `cues` says why. Its passages are full
    of both words' strongest cues, which is what the model reads as framing.

    A document that reads neutral as a whole but names its own people (`mentions`, with roles:
    a counted mention in the own role) is framed by the passages that name them, under the same
    policy: a help page or a doc whose plans, tickets or engagements are told only where it
    speaks of its own clients or customers, among many passages of instructions, describes that
    relationship there. `cues` then says so, and such a framing licenses no framing-mismatch
    finding (mismatch_findings): it rests on a few passages.
    """
    framing = aggregate(framings, neutral_weight=policy.neutral_weight)
    if framing is None:
        return None
    if discussion:
        return Framing("neutral", {label: float(label == "neutral") for label in FRAMING_LABELS}, None,
                       (f"the document discusses the words ({discussion})",), framing.model)
    decided_by, cues = framings, ()
    if framing.label == "neutral":
        told = [f for f in framings if f.passage is not None and _names_own_people(f.passage, mentions)]
        lean = aggregate(told, neutral_weight=policy.neutral_weight)
        if lean is not None and lean.label != "neutral":
            framing, decided_by = lean, told
            cues = (f"the document as a whole reads neutral; the {len(told)} passage{'s' * (len(told) > 1)} "
                    f"naming its own people frame{'s' * (len(told) == 1)} a {lean.label} relationship",)
    ranked = sorted((f for f in decided_by if f.passage is not None and f.label == framing.label),
                    key=lambda f: -passage_weight(f) * f.scores.get(framing.label, 0.0))
    return Framing(framing.label, framing.scores, None, cues, framing.model, tuple(ranked[:EVIDENCE]))


def _names_own_people(passage: Passage, mentions: Sequence[Mention]) -> bool:
    return any(m.counts and m.role == "own" and passage.start <= m.start < passage.end for m in mentions)


def site_framing(documents: Sequence[tuple[Framing, int]]) -> Framing | None:
    """Return the site's framing: the mean of its documents' framings weighted by text length."""
    return aggregate([f for f, _ in documents], [max(n, 1) for _, n in documents])


def mismatch_findings(mentions: Sequence[Mention], framings: Sequence[Framing], settings: Settings,
                      families: FamilySet, target: str | None = None,
                      document: Framing | None = None, policy: FramingPolicy = FramingPolicy()) -> list[Finding]:
    """Return a finding on each counted mention whose word contradicts a confident framing of its passage.

    Confident: the passage's calibrated probability is at least the threshold (the
    `mismatch-threshold` setting, else the one saved with the model in `policy`). Only the
    author's own people (own or generic roles) are judged, and only where the document as a
    whole leans the same way as the passage (`document`, when given), so one odd paragraph on a
    page about something else says nothing. The suggestion is the framing's word only when that
    is the site's word (`target`, or no target); otherwise the finding names the tension and
    suggests nothing, since the word the framing asks for is the one the site avoids. A document
    framing with `cues` (framed from a few passages, or a discussion) licenses no finding.
    """
    findings = []
    threshold = settings.mismatch_threshold if settings.mismatch_threshold is not None else policy.mismatch_threshold
    severity = catalogue.severity_of(catalogue.FRAMING_MISMATCH, dict(settings.severity))
    for m in mentions:
        if not m.counts or m.family not in ("client", "customer"):
            continue
        framing = next((f for f in framings if f.passage and f.passage.start <= m.start < f.passage.end), None)
        if framing is None or framing.label in ("neutral", m.family):
            continue
        p = framing.scores.get(framing.label, 0.0)
        if p < threshold:
            continue
        if document is not None and (document.label != framing.label or document.cues):
            continue
        advise = target is None or framing.label == target
        suggestion = rewrite(m.surface, framing.label, families) if advise else None
        tail = "" if advise else f"; the site says '{target}', so the copy, not the word, may need a look"
        findings.append(Finding(
            catalogue.FRAMING_MISMATCH, severity,
            f"'{m.surface}' in a passage framed as a {framing.label} relationship (p={p:.2f}){tail}",
            m.source_start, m.source_end, m.line, m.column, suggestion,
            f"passage framing {framing.label} {p:.2f} (threshold {threshold:.2f})"
            + (f", document framing {document.label}" if document is not None else "") + f"; word family {m.family}"))
    return findings
