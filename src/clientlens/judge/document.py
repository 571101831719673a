"""judge_document: counts, dominant family, consistency and terminology findings for one document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Sequence

from clientlens.config import Settings
from clientlens.judge import catalogue
from clientlens.judge.fixes import rewrite
from clientlens.rules.families import FamilySet
from clientlens.types import Document, DocumentReport, Finding, Framing, InputFailure, Location, Mention


@dataclass(frozen=True)
class Tally:
    """Person-sense counts of the author's own terms, and what follows from them.

    `first` holds the text offset of each counted family's first use (what breaks a tie).
    """

    counts: Mapping[str, int]
    dominant: str | None
    consistency: float
    mixed: bool
    first: Mapping[str, int] = field(default_factory=dict)


def tally(mentions: Iterable[Mention], families: Sequence[str]) -> Tally:
    """Return the Tally of counting mentions: ties for dominant go to the family used first."""
    counts = {name: 0 for name in families}
    first: dict[str, int] = {}
    for m in mentions:
        if m.counts:
            counts[m.family] = counts.get(m.family, 0) + 1
            first.setdefault(m.family, m.start)
    return tally_counts(counts, first)


def tally_counts(counts: Mapping[str, int], first: Mapping[str, int]) -> Tally:
    """Return the Tally of per-family counts, where `first` says where each counted family was first used."""
    counts = dict(counts)
    total = sum(counts.values())
    if total == 0:
        return Tally(counts, None, 100.0, False, dict(first))
    top = max(counts.values())
    dominant = min((f for f, n in counts.items() if n == top), key=lambda f: first.get(f, 0))
    used = sum(1 for n in counts.values() if n)
    return Tally(counts, dominant, round(100.0 * top / total, 1), used > 1, dict(first))


def allowed_spans(text: str, phrases: Iterable[str]) -> list[tuple[int, int]]:
    """Return the spans of `text` covered by allowed phrases (case-insensitive, whole words)."""
    spans = []
    for phrase in phrases:
        for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE):
            spans.append((m.start(), m.end()))
    return spans


def drop_allowed(mentions: Iterable[Mention], text: str, phrases: Iterable[str]) -> tuple[Mention, ...]:
    """Return the mentions that do not fall inside an allowed phrase."""
    spans = allowed_spans(text, phrases)
    return tuple(m for m in mentions if not any(s <= m.start and m.end <= e for s, e in spans))


def terminology_findings(path_tally: Tally, mentions: Sequence[Mention], target: str | None,
                         site: Tally | None, settings: Settings, families: FamilySet) -> list[Finding]:
    """Return a finding on each counting mention whose family is not `target`."""
    if target is None:
        return []
    preferred = settings.preferred != "auto"
    rule = catalogue.PREFERRED_TERM if preferred else catalogue.MIXED_TERMINOLOGY
    severity = catalogue.severity_of(rule, dict(settings.severity))
    related = tuple(Location(m.source_start, m.source_end, m.line, m.column) for m in mentions
                    if m.counts and m.family == target)[:3]
    findings = []
    for m in mentions:
        if not m.counts or m.family == target:
            continue
        suggestion = rewrite(m.surface, target, families)
        message, because = _explain(m, target, path_tally, site, preferred)
        findings.append(Finding(rule, severity, message, m.source_start, m.source_end, m.line, m.column,
                                suggestion, because, related))
    return findings


def _explain(m: Mention, target: str, doc: Tally, site: Tally | None, preferred: bool) -> tuple[str, str]:
    here = ", ".join(f"{f} {n}" for f, n in doc.counts.items() if n)
    if preferred:
        return (f"'{m.surface}' is not the preferred term ({target})", f"preferred = {target}; this document: {here}")
    if doc.mixed and doc.dominant == target:
        return (f"'{m.surface}' mixes terminology: this document mostly says {target} ({here})",
                f"document counts: {here}")
    site_counts = ", ".join(f"{f} {n}" for f, n in (site.counts if site else {}).items() if n)
    return (f"'{m.surface}' disagrees with the site, which mostly says {target} ({site_counts})",
            f"site counts: {site_counts}; this document: {here}")


def judge_document(doc: Document, mentions: Sequence[Mention], framings: Sequence[Framing],
                   settings: Settings, families: FamilySet, target: str | None,
                   site: Tally | None, extra_findings: Iterable[Finding] = ()) -> DocumentReport:
    """Return the DocumentReport of one audited document against the site's `target` family."""
    counted = drop_allowed(mentions, doc.text, settings.allow)
    kept = set(id(m) for m in counted)
    mentions = tuple(m if id(m) in kept else replace(m, role="allowed") for m in mentions)
    t = tally(mentions, list(families.families))
    findings = terminology_findings(t, mentions, target, site, settings, families)
    findings.extend(extra_findings)
    findings.sort(key=lambda f: (f.start, f.rule))
    return DocumentReport(path=doc.path, kind=doc.kind, mentions=mentions, framings=tuple(framings),
                          findings=tuple(findings), counts=t.counts, dominant=t.dominant,
                          consistency=t.consistency, mixed=t.mixed, text=doc.text)


def judge_failure(failure: InputFailure, settings: Settings, families: Sequence[str]) -> DocumentReport:
    """Return the DocumentReport of a source that could not be read: an error and one finding."""
    rule = catalogue.UNREADABLE_INPUT
    finding = Finding(rule, catalogue.severity_of(rule, dict(settings.severity)), failure.reason,
                      0, 0, 1, 1, None, "the source could not be read")
    return DocumentReport(path=failure.path, kind=failure.kind, error=failure.reason, findings=(finding,),
                          counts={name: 0 for name in families})
