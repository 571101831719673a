"""render_json: the versioned "clientlens.report/1" contract of DESIGN.md."""

from __future__ import annotations

import json
from typing import Any

from clientlens.types import DocumentReport, Excerpt, Finding, Fix, Framing, Mention, SiteReport

SCHEMA_ID = "clientlens.report/1"


EVIDENCE_CHARS = 300


def framing_dict(framing: Framing | None) -> dict[str, Any] | None:
    """Return the JSON form of a framing, or None; a document's also lists its `evidence`: the
    passages that decided its label ({label, scores, text}, the text cut to EVIDENCE_CHARS), or
    `because` when a rule, not its passages, decided it."""
    if framing is None:
        return None
    out: dict[str, Any] = {"label": framing.label, "scores": {k: round(float(v), 4) for k, v in framing.scores.items()}}
    if framing.cues and framing.passage is None:
        out["because"] = "; ".join(framing.cues)
    if framing.evidence:
        out["evidence"] = [{"label": e.label, "scores": {k: round(float(v), 4) for k, v in e.scores.items()},
                            "text": evidence_text(e)} for e in framing.evidence]
    return out


def evidence_text(framing: Framing) -> str:
    """Return a passage framing's text, cut at a word to at most EVIDENCE_CHARS characters."""
    text = framing.passage.text if framing.passage else ""
    if len(text) <= EVIDENCE_CHARS:
        return text
    return text[:EVIDENCE_CHARS].rsplit(" ", 1)[0] + " ..."


def mention_dict(m: Mention) -> dict[str, Any]:
    """Return the JSON form of a mention: offsets into the source, DESIGN keys plus decided_by, cue, role."""
    return {"start": m.source_start, "end": m.source_end, "line": m.line, "column": m.column, "surface": m.surface,
            "family": m.family, "sense": m.sense.value, "confidence": m.confidence,
            "decided_by": m.decided_by, "cue": m.cue, "role": m.role or None, "role_because": m.role_because or None,
            "group": m.group or None}


def excerpt_dict(e: Excerpt | None) -> dict[str, Any] | None:
    """Return the JSON form of an excerpt: its text and the mention's offsets in it, or None."""
    return None if e is None else {"text": e.text, "start": e.start, "end": e.end}


def fix_dict(fix: Fix | None) -> dict[str, Any] | None:
    """Return the JSON form of a fix: applicability, message and source edits, or None."""
    if fix is None:
        return None
    return {"applicability": fix.applicability, "message": fix.message,
            "edits": [{"start": e.start, "end": e.end, "line": e.line, "column": e.column,
                       "replacement": e.replacement} for e in fix.edits]}


def finding_dict(f: Finding) -> dict[str, Any]:
    """Return the JSON form of a finding (DESIGN keys plus because, excerpt, fix, and page for paged sources)."""
    out = {"rule": f.rule, "severity": f.severity.value, "message": f.message, "start": f.start,
           "end": f.end, "line": f.line, "column": f.column, "suggestion": f.suggestion,
           "because": f.because, "excerpt": excerpt_dict(f.excerpt), "fix": fix_dict(f.fix)}
    if f.page is not None:
        out["page"] = f.page
    return out


def document_dict(d: DocumentReport) -> dict[str, Any]:
    """Return the JSON form of one document's report."""
    out = {"path": d.path, "kind": d.kind.value, "error": d.error, "counts": dict(d.counts),
           "dominant": d.dominant or "none", "consistency": d.consistency, "mixed": d.mixed,
           "framing": framing_dict(d.framing),
           "discussion": d.discussion, "reader": d.reader or None,
           "groups": {g: dict(c) for g, c in d.groups.items()}, "mixed_groups": list(d.mixed_groups),
           "mentions": [mention_dict(m) for m in d.mentions],
           "findings": [finding_dict(f) for f in d.findings]}
    if d.contract is not None:
        out["contract"] = d.contract.to_dict()  # type: ignore[attr-defined]
    return out


def report_dict(report: SiteReport) -> dict[str, Any]:
    """Return the whole report as plain JSON-ready data."""
    model = report.model
    return {
        "schema": SCHEMA_ID,
        "tool": {"name": "clientlens", "version": report.tool_version},
        "model": {"name": model.name, "version": model.version, "sha256": model.sha256} if model else None,
        "summary": {
            "documents": len(report.documents),
            "mentions": sum(len(d.mentions) for d in report.documents),
            "counts": dict(report.counts),
            "dominant": report.dominant or "none",
            "consistency": report.consistency,
            "framing": framing_dict(report.framing),
            "mixed_documents": list(report.mixed_documents),
            "findings": report.findings_by_severity(),
        },
        "documents": [document_dict(d) for d in report.documents],
    }


def render_json(report: SiteReport) -> str:
    """Return the report as indented JSON text."""
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
