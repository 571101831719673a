"""render_sarif: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Rule metadata comes from judge/catalogue.py, and the rules array lists only the rules that
were emitted (as ruff does). Relative document paths become relative URIs against
`%SRCROOT%`, which is what code scanning resolves against the checkout.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from clientlens.judge.catalogue import RULES
from clientlens.report.common import excerpt_marked
from clientlens.types import DocumentReport, Finding, Location, SiteReport

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# GitHub reads `problem.severity` from a rule's properties to label alerts.
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}
FINGERPRINT = "clientlensFinding/v1"


def split_record(path: str) -> tuple[str, str | None]:
    """Return (file, record id) for a JSONL record path `FILE#ID`, else (path, None)."""
    head, sep, tail = path.partition("#")
    if sep and head.lower().endswith(".jsonl"):
        return head, tail
    return path, None


def artifact_location(path: str) -> dict[str, Any]:
    """Return the SARIF artifactLocation of a document path: a URL, a file: URI or a %SRCROOT% URI."""
    if "://" in path:
        return {"uri": path}
    pure: PurePath = PureWindowsPath(path) if "\\" in path or PureWindowsPath(path).drive else PurePosixPath(path)
    if pure.is_absolute():
        try:
            return {"uri": pure.as_uri()}
        except (UnicodeEncodeError, ValueError):
            return {"uri": "file://" + _quoted(pure.as_posix())}
    return {"uri": _quoted(pure.as_posix()), "uriBaseId": SRCROOT}


def _quoted(path: str) -> str:
    # A file name that is not UTF-8 holds its bytes as surrogates (os.fsdecode): quote those bytes.
    try:
        data = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        data = path.encode("utf-8", "surrogatepass")
    return quote(data, safe="/")


def rule_descriptor(name: str) -> dict[str, Any]:
    """Return the reportingDescriptor of a rule, its help texts taken from the catalogue."""
    info = RULES.get(name)
    if info is None:  # a rule outside the catalogue still gets a valid, if terse, descriptor
        return {"id": name, "name": name, "shortDescription": {"text": name}}
    text = (f"What it flags: {info.summary}\nWhy it matters: {info.why}\n"
            f"Example: {info.example}\nUse instead: {info.fix_hint}")
    markdown = (f"**What it flags:** {info.summary}\n\n**Why it matters:** {info.why}\n\n"
                f"**Example:** {info.example}\n\n**Use instead:** {info.fix_hint}")
    return {
        "id": name,
        "name": name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": f"{info.summary} {info.why}"},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[info.severity.value]},
        "properties": {"tags": ["terminology"], "problem.severity": PROBLEM_SEVERITY[info.severity.value]},
    }


def exact_spans(doc: DocumentReport) -> set[tuple[int, int]]:
    """Return the source spans that hold exactly a mention's surface, so lie on one line."""
    return {(m.source_start, m.source_end) for m in doc.mentions
            if m.source_end - m.source_start == len(m.surface) and "\n" not in m.surface}


def region(start: int, end: int, line: int, column: int, one_line: bool) -> dict[str, Any]:
    """Return a SARIF region: line and column always, the end column only when the span is on one line."""
    out: dict[str, Any] = {"startLine": max(line, 1), "startColumn": max(column, 1)}
    if end > start:
        if one_line:
            out["endLine"] = out["startLine"]
            out["endColumn"] = out["startColumn"] + (end - start)
        out["charOffset"] = start
        out["charLength"] = end - start
    return out


class _Run:
    """Accumulates the artifacts, rules and results of one SARIF run."""

    def __init__(self) -> None:
        self.rules: list[str] = []
        self.results: list[dict[str, Any]] = []
        self.artifacts: list[dict[str, Any]] = []
        self.artifact_ids: dict[str, int] = {}

    def rule_index(self, name: str) -> int:
        """Return the index of `name` in the rules array, adding it on first use."""
        if name not in self.rules:
            self.rules.append(name)
        return self.rules.index(name)

    def artifact_index(self, file: str) -> int:
        # The schema wants artifacts unique, and every record of one JSONL file shares its file.
        if file not in self.artifact_ids:
            self.artifact_ids[file] = len(self.artifacts)
            self.artifacts.append({"location": artifact_location(file)})
        return self.artifact_ids[file]

    def add_document(self, doc: DocumentReport) -> None:
        """Add one result per finding of `doc`."""
        file, record = split_record(doc.path)
        index = self.artifact_index(file)
        spans = exact_spans(doc)
        seen: dict[str, int] = {}
        for f in doc.findings:
            self.results.append(self.result(doc, f, file, record, index, spans, seen))

    def location(self, file: str, record: str | None, index: int, loc: Location | Finding,
                 spans: set[tuple[int, int]]) -> dict[str, Any]:
        """Return the SARIF location of a finding or related span."""
        physical: dict[str, Any] = {"artifactLocation": {**artifact_location(file), "index": index}}
        out: dict[str, Any] = {"physicalLocation": physical}
        if record is None:
            physical["region"] = region(loc.start, loc.end, loc.line, loc.column, (loc.start, loc.end) in spans)
        else:
            # A record's offsets index its "text" value, not the file, so no file region is claimed.
            out["logicalLocations"] = [{"name": record, "kind": "object"}]
            out["properties"] = {"recordLine": loc.line, "recordColumn": loc.column}
        return out

    def result(self, doc: DocumentReport, f: Finding, file: str, record: str | None, index: int,
               spans: set[tuple[int, int]], seen: dict[str, int]) -> dict[str, Any]:
        """Return the SARIF result of one finding: its message ends with the excerpt it reads in."""
        primary = self.location(file, record, index, f, spans)
        text = f.message + (f"; write '{f.suggestion}' instead" if f.suggestion else "")
        if f.excerpt is not None:
            text += f". In: \"{excerpt_marked(f, '[', ']')}\""
        out: dict[str, Any] = {"ruleId": f.rule, "ruleIndex": self.rule_index(f.rule),
                               "level": LEVELS[f.severity.value], "message": {"text": text},
                               "locations": [primary]}
        if f.related:
            out["relatedLocations"] = [
                {"id": i, **self.location(file, record, index, loc, spans),
                 "message": {"text": "where the expected term is used or defined"}}
                for i, loc in enumerate(f.related, start=1)]
        fix = sarif_fix(f, primary) if record is None else None  # a record's offsets are not file offsets
        if fix is not None:
            out["fixes"] = [fix]
        out["partialFingerprints"] = {FINGERPRINT: fingerprint(doc, f, seen)}
        if f.because:
            out["properties"] = {"because": f.because}
        return out


def sarif_fix(f: Finding, primary: dict[str, Any]) -> dict[str, Any] | None:
    """Return the SARIF fix of a finding's Fix (one replacement per edit), or None when it has none."""
    if f.fix is None:
        return None
    # Every edit replaces letters of one word (judge/finalise.py), so it lies on one line.
    replacements = [{"deletedRegion": {"startLine": e.line, "startColumn": e.column, "endLine": e.line,
                                       "endColumn": e.column + (e.end - e.start), "charOffset": e.start,
                                       "charLength": e.end - e.start},
                     "insertedContent": {"text": e.replacement}} for e in f.fix.edits]
    return {"description": {"text": f"{f.fix.message} ({f.fix.applicability})"},
            "artifactChanges": [{"artifactLocation": primary["physicalLocation"]["artifactLocation"],
                                 "replacements": replacements}],
            "properties": {"applicability": f.fix.applicability}}


def fingerprint(doc: DocumentReport, f: Finding, seen: dict[str, int]) -> str:
    """Return a hash of rule, path, the flagged words and their occurrence number.

    Line numbers stay out, so an alert keeps its identity when text above it moves.
    """
    surface = next((m.surface.lower() for m in doc.mentions
                    if (m.source_start, m.source_end) == (f.start, f.end)), "")
    key = "\0".join((f.rule, doc.path, surface, f.suggestion or ""))
    seen[key] = seen.get(key, 0) + 1
    return hashlib.sha256(f"{key}\0{seen[key]}".encode("utf-8", "surrogatepass")).hexdigest()[:32]  # any text hashes


def sarif_log(report: SiteReport) -> dict[str, Any]:
    """Return the SARIF 2.1.0 log of `report` as JSON-ready data (one run)."""
    run = _Run()
    for doc in report.documents:
        run.add_document(doc)
    driver: dict[str, Any] = {"name": "clientlens", "version": report.tool_version,
                              "semanticVersion": report.tool_version,
                              "rules": [rule_descriptor(name) for name in run.rules]}
    tool: dict[str, Any] = {"driver": driver}
    if report.model is not None:
        tool["extensions"] = [{"name": report.model.name, "version": report.model.version,
                               "properties": {"sha256": report.model.sha256}}]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": tool,
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {SRCROOT: {"description": {"text": "The directory the audit ran in."}}},
            "artifacts": run.artifacts,
            "results": run.results,
            "properties": {"dominant": report.dominant or "none", "consistency": report.consistency,
                           "counts": dict(report.counts)},
        }],
    }


def render_sarif(report: SiteReport) -> str:
    """Return the report as indented SARIF 2.1.0 JSON text."""
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"
