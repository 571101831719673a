"""judge_document: counts, dominant family, consistency and terminology findings for one document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Sequence

from clientlens.config import Settings
from clientlens.judge import catalogue
from clientlens.judge.fixes import rewrite
from clientlens.rules.families import FamilySet
from clientlens.types import Document, DocumentReport, Finding, Framing, InputFailure, Location, Mention, Sense


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
    return _tally_of((m for m in mentions if m.counts), families)


def _tally_of(mentions: Iterable[Mention], families: Sequence[str]) -> Tally:
    counts = {name: 0 for name in families}
    first: dict[str, int] = {}
    for m in mentions:
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


def group_tally(mentions: Iterable[Mention], families: Sequence[str], group: str) -> Tally:
    """Return the Tally of the person mentions of one group of someone else's people ("reader",
    "others"). Such a group is mixed only when the page keeps talking about it: at least
    OTHERS_MIN_MENTIONS mentions, both words among them."""
    t = _tally_of(_members(mentions, group), families)
    return replace(t, mixed=t.mixed and sum(t.counts.values()) >= OTHERS_MIN_MENTIONS)


def _members(mentions: Iterable[Mention], group: str) -> list[Mention]:
    """Return the person mentions that name one group of someone else's people."""
    return [m for m in mentions if m.sense is Sense.PERSON and m.role == "third_party" and m.group == group]


# Someone else's people are a group worth a finding only when a page keeps talking about them.
OTHERS_MIN_MENTIONS = 3
OTHER_GROUPS = {"reader": "the reader's own people", "others": "someone else's people"}


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


def others_findings(group: str, others: Tally, mentions: Sequence[Mention], settings: Settings,
                    families: FamilySet) -> list[Finding]:
    """Return a mixed-terminology finding on each minority-word mention of one group of someone
    else's people, when the page names that group with both words (a copy-editing matter, not the
    brand's own word)."""
    if not others.mixed or others.dominant is None:
        return []
    target = others.dominant
    rule = catalogue.MIXED_TERMINOLOGY
    severity = catalogue.severity_of(rule, dict(settings.severity))
    here = ", ".join(f"{f} {n}" for f, n in others.counts.items() if n)
    members = _members(mentions, group)
    related = tuple(Location(m.source_start, m.source_end, m.line, m.column) for m in members if m.family == target)[:3]
    findings = []
    for m in members:
        if m.family == target:
            continue
        message = (f"'{m.surface}' names {OTHER_GROUPS[group]}, whom this page mostly calls {target} "
                   f"(not the site's own people: {here})")
        findings.append(Finding(rule, severity, message, m.source_start, m.source_end, m.line, m.column,
                                rewrite(m.surface, target, families),
                                f"group: {OTHER_GROUPS[group]} ({m.role_because}); page counts for the group: {here}",
                                related))
    return findings


def merge_findings(terminology: Sequence[Finding], framing: Sequence[Finding], alone: bool = True) -> list[Finding]:
    """Return one finding per mention: a framing-mismatch on a mention that already has a
    terminology finding is folded into it (both reasons kept) when it advises the same word,
    and dropped when it advises another; a framing-mismatch alone keeps its place when `alone`."""
    by_place = {(f.start, f.end): f for f in terminology}
    out = list(terminology)
    for f in framing:
        other = by_place.get((f.start, f.end))
        if other is None:
            if alone:
                out.append(f)
        elif other.suggestion == f.suggestion:
            out[out.index(other)] = replace(other, because=f"{other.because}; also {f.rule}: {f.because}")
    return out


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
                   site: Tally | None, framing_findings: Iterable[Finding] = (),
                   discussion: str | None = None) -> DocumentReport:
    """Return the DocumentReport of one audited document (roles already resolved) against `target`.

    A document that discusses the words (`discussion` says why) is never mixed and gets no
    rewrite findings; its own mentions outside the discussion still count.
    """
    mentions = tuple(mentions)
    names = list(families.families)
    ours = tally(mentions, names)
    others = {group: group_tally(mentions, names, group) for group in OTHER_GROUPS}
    groups = {group: t.counts for group, t in others.items() if any(t.counts.values())}
    mixed_groups: tuple[str, ...] = ()
    findings: list[Finding] = []
    if not discussion:
        mixed_groups = tuple(g for g, t in (("ours", ours), *others.items()) if t.mixed)
        findings = terminology_findings(ours, mentions, target, site, settings, families)
        for group, t in others.items():
            findings += others_findings(group, t, mentions, settings, families)
        findings = merge_findings(findings, list(framing_findings), alone=settings.framing_findings == "all")
    findings.sort(key=lambda f: (f.start, f.rule))
    return DocumentReport(path=doc.path, kind=doc.kind, mentions=mentions, framings=tuple(framings),
                          findings=tuple(findings), counts=ours.counts, dominant=ours.dominant,
                          consistency=ours.consistency, mixed=bool(mixed_groups), text=doc.text,
                          discussion=discussion, groups=groups, mixed_groups=mixed_groups)


def judge_failure(failure: InputFailure, settings: Settings, families: Sequence[str]) -> DocumentReport:
    """Return the DocumentReport of a source that could not be read: an error and one finding."""
    rule = catalogue.UNREADABLE_INPUT
    finding = Finding(rule, catalogue.severity_of(rule, dict(settings.severity)), failure.reason,
                      0, 0, 1, 1, None, "the source could not be read")
    return DocumentReport(path=failure.path, kind=failure.kind, error=failure.reason, findings=(finding,),
                          counts={name: 0 for name in families})
