"""Suppressions: inline comment directives, per-file ignores and the baseline -> fewer findings.

Directives live in HTML comments (Markdown and HTML files):

    <!-- clientlens: ignore-next-line [RULE ...] -->   the line right after the comment
    <!-- clientlens: ignore-start [RULE ...] -->       everything up to ...
    <!-- clientlens: ignore-end -->                    ... this comment (or the end of the file)

`ignore` and `end-ignore` are accepted as spellings of `ignore-start` and `ignore-end`.
With no rule names a directive covers every rule, and the mentions it covers stop
counting (their role becomes "suppressed"); with rule names only those findings go, and
the mentions still count unless a terminology rule is named. Unknown rule names in a
directive cover nothing, so a typo shows the finding instead of hiding more than meant.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

from clientlens.config import Settings, path_matches
from clientlens.errors import ConfigError
from clientlens.judge import catalogue
from clientlens.types import Comment, Document, DocumentReport, Finding, Mention, SiteReport

BASELINE_SCHEMA = "clientlens.baseline/1"
REPORT_SCHEMA = "clientlens.report/1"
# A suppression naming one of these is about the word itself, so the mention stops counting.
TERMINOLOGY_RULES = frozenset({catalogue.MIXED_TERMINOLOGY, catalogue.PREFERRED_TERM})
_DIRECTIVE = re.compile(r"\s*clientlens:\s*(ignore-next-line|ignore-start|ignore-end|end-ignore|ignore)"
                        r"(?=\s|$)(.*)", re.S)
_CONTEXT_WORDS = 4
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n[ \t]*\n")


@dataclass(frozen=True)
class Suppression:
    """Where findings are dropped: a source line (`line`) or a source offset range [start, end).

    `rules` empty means every rule.
    """

    rules: frozenset[str]
    line: int | None = None
    start: int = 0
    end: int = 0

    def covers(self, offset: int, line: int, rule: str | None = None) -> bool:
        """Return True when a finding of `rule` (None: any rule) at `offset`/`line` is suppressed."""
        if rule is not None and self.rules and rule not in self.rules:
            return False
        if self.line is not None:
            return line == self.line
        return self.start <= offset < self.end

    @property
    def uncounts(self) -> bool:
        """Return True when the mentions it covers stop counting (all rules, or a terminology rule)."""
        return not self.rules or bool(self.rules & TERMINOLOGY_RULES)


def suppressions(comments: Iterable[Comment]) -> tuple[Suppression, ...]:
    """Return the Suppressions that the directive comments of one document ask for."""
    out: list[Suppression] = []
    open_block: tuple[int, frozenset[str]] | None = None
    for comment in sorted(comments, key=lambda c: c.start):
        match = _DIRECTIVE.match(comment.text)
        if match is None:
            continue
        action, rules = match.group(1), frozenset(re.split(r"[\s,]+", match.group(2).strip())) - {""}
        if action == "ignore-next-line":
            out.append(Suppression(rules, line=comment.end_line + 1))
        elif action in ("ignore-start", "ignore"):
            if open_block is None:
                open_block = (comment.end, rules)
        elif open_block is not None:
            out.append(Suppression(open_block[1], start=open_block[0], end=comment.start))
            open_block = None
    if open_block is not None:
        # An unclosed block runs to the end of the file, like an unclosed `# fmt: off`.
        out.append(Suppression(open_block[1], start=open_block[0], end=2**62))
    return tuple(out)


def check_rule_names(settings: Settings) -> None:
    """Raise ConfigError naming the key and file when `severity` or `per-file-ignores` names an unknown rule."""
    known = ", ".join(catalogue.RULES)
    where = f" in {settings.source}" if settings.source != "defaults" else ""
    for rule in settings.severity:
        if rule not in catalogue.RULES:
            raise ConfigError(f"severity.{rule}{where}: unknown rule {rule!r}; expected one of {known}")
    for glob, rules in settings.per_file_ignores.items():
        for rule in rules:
            if rule not in catalogue.RULES:
                raise ConfigError(f"per-file-ignores.{glob!r}{where}: unknown rule {rule!r}; expected one of {known}")


def file_ignores(path: str, settings: Settings) -> Suppression | None:
    """Return a whole-file Suppression for `path` from `per-file-ignores`, or None."""
    name = path.split("#", 1)[0].replace(os.sep, "/")
    rules = {r for glob, names in settings.per_file_ignores.items() if path_matches(name, [glob]) for r in names}
    return Suppression(frozenset(rules), start=0, end=2**62) if rules else None


def document_suppressions(doc: Document | None, path: str, settings: Settings) -> tuple[Suppression, ...]:
    """Return every Suppression in force for one document: its directives plus per-file ignores."""
    found = suppressions(doc.comments) if doc is not None else ()
    whole = file_ignores(path, settings)
    return (*found, whole) if whole else found


def drop_suppressed(report: DocumentReport, doc: Document | None, settings: Settings) -> DocumentReport:
    """Return `report` without the findings that a directive or a per-file ignore covers."""
    rules = document_suppressions(doc, report.path, settings)
    if not rules:
        return report
    kept = tuple(f for f in report.findings if not any(s.covers(f.start, f.line, f.rule) for s in rules))
    return replace(report, findings=kept)


# The baseline ---------------------------------------------------------------------------


def normal_path(path: str) -> str:
    """Return `path` as the baseline stores it: relative to the working folder, with "/"."""
    if "://" in path:
        return path
    name, sep, record = path.partition("#")
    try:
        name = os.path.relpath(os.path.abspath(name))
    except ValueError:  # another drive on Windows
        pass
    return name.replace(os.sep, "/") + sep + record


def _mention_at(report: DocumentReport, f: Finding) -> Mention | None:
    return next((m for m in report.mentions if m.source_start == f.start and m.source_end == f.end), None)


def fingerprint(report: DocumentReport, f: Finding) -> str:
    """Return a hash of the words around a finding, which survives edits elsewhere in the file.

    Line numbers move when a paragraph is added above; the few words either side of the
    mention, within its sentence, only change when that sentence is edited, and then a new
    look is fair.
    """
    m = _mention_at(report, f)
    if m is None:
        context = re.sub(r"\d+", "#", f.message)
    else:
        before = _SENTENCE_END.split(report.text[max(0, m.start - 200):m.start])[-1]
        after = _SENTENCE_END.split(report.text[m.end:m.end + 200])[0]
        words_before = re.findall(r"\w+", before.lower())[-_CONTEXT_WORDS:]
        words_after = re.findall(r"\w+", after.lower())[:_CONTEXT_WORDS]
        context = " ".join(words_before) + "|" + " ".join(words_after)
    return hashlib.sha1(context.encode("utf-8", "surrogatepass")).hexdigest()[:16]  # any text hashes


def baseline_entries(report: SiteReport) -> list[dict[str, Any]]:
    """Return one baseline record per finding: path, rule, surface, suggestion, fingerprint, line."""
    entries = []
    for doc in report.documents:
        for f in doc.findings:
            m = _mention_at(doc, f)
            entries.append({"path": normal_path(doc.path), "rule": f.rule, "surface": m.surface if m else "",
                            "suggestion": f.suggestion, "fingerprint": fingerprint(doc, f), "line": f.line})
    return entries


def render_baseline(report: SiteReport) -> str:
    """Return the baseline file text (JSON, schema "clientlens.baseline/1") for every finding of `report`."""
    data = {"schema": BASELINE_SCHEMA, "tool": {"name": "clientlens", "version": report.tool_version},
            "findings": baseline_entries(report)}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Baseline:
    """Known findings: exact keys (with a context fingerprint) and loose ones (from a JSON report)."""

    exact: Counter
    loose: Counter

    def __len__(self) -> int:
        return sum(self.exact.values()) + sum(self.loose.values())


def read_baseline(path: Path) -> Baseline:
    """Return the Baseline in a baseline file or a clientlens.report/1 JSON report; ConfigError if neither."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"--baseline {path}: cannot read it ({exc.strerror or exc})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"--baseline {path}: not JSON ({exc}); write one with --write-baseline") from None
    schema = data.get("schema") if isinstance(data, dict) else None
    try:
        if schema == BASELINE_SCHEMA:
            return Baseline(Counter(_key(e) for e in data["findings"]), Counter())
        if schema == REPORT_SCHEMA:
            return Baseline(Counter(), Counter(_report_keys(data)))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"--baseline {path}: a {schema} file with a missing or bad field ({exc})") from None
    raise ConfigError(f"--baseline {path}: expected schema {BASELINE_SCHEMA} or {REPORT_SCHEMA}, found {schema!r}")


def _key(entry: dict[str, Any], exact: bool = True) -> tuple:
    loose = (entry["path"], entry["rule"], entry.get("surface") or "", entry.get("suggestion"))
    return (*loose, entry["fingerprint"]) if exact else loose


def _report_keys(data: dict[str, Any]) -> Iterable[tuple]:
    # A report has no fingerprints: its findings match on path, rule, surface and suggestion.
    for doc in data["documents"]:
        surfaces = {m["start"]: m["surface"] for m in doc.get("mentions", [])}
        for f in doc["findings"]:
            yield (normal_path(doc["path"]), f["rule"], surfaces.get(f["start"], ""), f.get("suggestion"))


def apply_baseline(report: SiteReport, baseline: Baseline) -> tuple[SiteReport, int]:
    """Return (`report` without the findings the baseline knows, how many were dropped).

    Each baseline record absorbs one finding, so a second copy of a known sentence is new.
    """
    exact, loose = Counter(baseline.exact), Counter(baseline.loose)
    documents, dropped = [], 0
    for doc in report.documents:
        kept = []
        for f in doc.findings:
            m = _mention_at(doc, f)
            entry = {"path": normal_path(doc.path), "rule": f.rule, "surface": m.surface if m else "",
                     "suggestion": f.suggestion, "fingerprint": fingerprint(doc, f)}
            for counter, key in ((exact, _key(entry)), (loose, _key(entry, exact=False))):
                if counter[key] > 0:
                    counter[key] -= 1
                    dropped += 1
                    break
            else:
                kept.append(f)
        documents.append(replace(doc, findings=tuple(kept)))
    return replace(report, documents=tuple(documents)), dropped
