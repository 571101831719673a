"""judge_contract: defined-term Findings and a 0-100 ContractScore with its breakdown.

`contract_report` is the one entry point the engine calls: it finds the defined party term
(rules/contracts.py), sorts the document's mentions into uses, and returns the
DocumentReport with the defined-term findings and its `contract` object set.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence

from clientlens.config import Settings
from clientlens.judge import catalogue
from clientlens.judge.document import Tally
from clientlens.judge.fixes import match_case
from clientlens.rules.contracts import (
    BEFORE, LOWERCASE, PARTY, SYNONYM, DefinedTerm, Definition, TermUse, classify_uses, find_defined_term,
)
from clientlens.rules.definitions import party_name
from clientlens.rules.families import FamilySet
from clientlens.types import Document, DocumentReport, Finding, Framing, Location

# Points off the hygiene score per problem: a second word for the party or a second definition
# can change who is bound; a lower-case slip or an early use only makes the reader work.
PENALTY = {catalogue.DEFINED_TERM_SYNONYM: 12, catalogue.DEFINED_TERM_REDEFINED: 15,
           catalogue.DEFINED_TERM_LOWERCASE: 4, catalogue.DEFINED_TERM_BEFORE_DEFINITION: 6}
WEIGHTS = {"defined_term_hygiene": 0.5, "terminology_consistency": 0.3, "framing": 0.2}
_RULE_OF = {SYNONYM: catalogue.DEFINED_TERM_SYNONYM, LOWERCASE: catalogue.DEFINED_TERM_LOWERCASE,
            BEFORE: catalogue.DEFINED_TERM_BEFORE_DEFINITION}
_PARTY_KINDS = frozenset({PARTY, SYNONYM, LOWERCASE, BEFORE})


@dataclass(frozen=True)
class ContractScore:
    """The contract part of a DocumentReport: the defined term, where it is defined, a score and why."""

    defined_term: str | None
    is_party: bool
    definition: Location | None
    score: float
    breakdown: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form ("contract" object of DESIGN.md)."""
        d = self.definition
        return {"defined_term": self.defined_term, "is_party": self.is_party,
                "definition": None if d is None else {"start": d.start, "end": d.end, "line": d.line, "page": d.page},
                "score": self.score, "breakdown": dict(self.breakdown)}


def contract_report(doc: Document, report: DocumentReport, settings: Settings, families: FamilySet) -> DocumentReport:
    """Return `report` with the defined-term findings, contract-aware counts and the ContractScore set."""
    term = find_defined_term(doc.text, families)
    uses = classify_uses(doc.text, report.mentions, term) if term else []
    findings, score = judge_contract(doc, term, uses, settings, report)
    kept = [f for f in report.findings if term is None or f.rule != catalogue.MIXED_TERMINOLOGY]
    merged = tuple(sorted(kept + findings, key=lambda f: (f.start, f.rule)))
    # Counts change meaning only where the party is a client or customer word: then "own" means the party.
    if term is None or not term.is_party or term.family is None:
        return replace(report, findings=merged, contract=score)
    t = party_tally(uses, list(families.families))
    return replace(report, findings=merged, contract=score, counts=t.counts, dominant=t.dominant,
                   consistency=t.consistency, mixed=t.mixed)


def judge_contract(doc: Document, term: DefinedTerm | None, uses: Sequence[TermUse], settings: Settings,
                   report: DocumentReport) -> tuple[list[Finding], ContractScore]:
    """Return the defined-term Findings and the ContractScore of one contract."""
    if term is None:
        return [], _score(None, [], [], report)
    findings = [_use_finding(doc, term, u, settings) for u in uses if u.kind in _RULE_OF]
    findings += [_redefinition_finding(doc, term, d, settings) for d in term.redefinitions]
    return findings, _score(term, uses, findings, report, doc)


def party_tally(uses: Sequence[TermUse], families: Sequence[str]) -> Tally:
    """Return the Tally of the uses that mean the party: per family, dominant, consistency, mixed."""
    counts = {name: 0 for name in families}
    for u in uses:
        if u.kind in _PARTY_KINDS and u.family is not None:
            counts[u.family] = counts.get(u.family, 0) + 1
    return _tally_of(counts)


def counts_tally(reports: Sequence[DocumentReport], families: Sequence[str]) -> Tally:
    """Return the Tally of the documents' counts added up (the site view of a contract run)."""
    return _tally_of({name: sum(r.counts.get(name, 0) for r in reports) for name in families})


def _tally_of(counts: dict[str, int]) -> Tally:
    total = sum(counts.values())
    if total == 0:
        return Tally(counts, None, 100.0, False)
    top = max(counts, key=lambda f: counts[f])
    return Tally(counts, top, round(100.0 * counts[top] / total, 1), sum(1 for n in counts.values() if n) > 1)


def _finding(doc: Document, rule: str, settings: Settings, message: str, start: int, end: int,
             suggestion: str | None, because: str, related: tuple[Location, ...] = ()) -> Finding:
    loc = doc.offsets.locate(start, end)
    return Finding(rule, catalogue.severity_of(rule, dict(settings.severity)), message, loc.start, loc.end,
                   loc.line, loc.column, suggestion, because, related, loc.page)


def _where(doc: Document, definition: Definition) -> tuple[Location, str]:
    loc = doc.offsets.locate(definition.start, definition.end)
    page = f", page {loc.page}" if loc.page else ""
    return loc, f"line {loc.line}{page}"


def _use_finding(doc: Document, term: DefinedTerm, use: TermUse, settings: Settings) -> Finding:
    rule = _RULE_OF[use.kind]
    loc, where = _where(doc, term.definition)
    name = term.term
    if use.kind == SYNONYM:
        message = f"'{use.surface}' names the party defined as \"{name}\" ({where}): use the defined term"
        suggestion = as_defined(use.surface, name)
    elif use.kind == LOWERCASE:
        message = f"'{use.surface}' is the defined term \"{name}\" in lower case ({where}): capitalise it"
        suggestion = as_defined(use.surface, name)
    else:
        message = f"'{use.surface}' is used before \"{name}\" is defined ({where})"
        suggestion = party_name(doc.text, term.definition)
    return _finding(doc, rule, settings, message, use.start, use.end, suggestion, use.cue, (loc,))


def _redefinition_finding(doc: Document, term: DefinedTerm, d: Definition, settings: Settings) -> Finding:
    loc, where = _where(doc, term.definition)
    message = (f"\"{d.term}\" is defined again here; the party was first defined as \"{term.term}\" ({where}): "
               "keep one definition")
    return _finding(doc, catalogue.DEFINED_TERM_REDEFINED, settings, message, d.start, d.end, None,
                    f"second definition ({d.form})", (loc,))


def as_defined(surface: str, term: str) -> str:
    """Return the defined term written in place of `surface`, keeping a possessive ("customer's" -> "Client's")."""
    possessive = re.search(r"['’]s?$", surface)
    mark = possessive.group(0) if possessive else ""
    core = surface[: len(surface) - len(mark)]
    plural = core.lower().endswith("s") and not term.lower().endswith("s")
    word = term + ("s" if plural else "")
    word = word.upper() if core.isupper() and len(core) > 1 and term.isupper() else match_case(term, word)
    if mark in ("'", "’") and not word.endswith("s"):
        mark += "s"
    return word + mark


def _score(term: DefinedTerm | None, uses: Sequence[TermUse], findings: Sequence[Finding],
           report: DocumentReport, doc: Document | None = None) -> ContractScore:
    issues = Counter(f.rule for f in findings)
    kinds = Counter(u.kind for u in uses)
    party = sum(kinds[k] for k in _PARTY_KINDS)
    parts: dict[str, Any] = {}
    if term is None:
        parts["defined_term_hygiene"] = {"score": None, "note": "no definition of the party term found"}
        parts["terminology_consistency"] = {"score": report.consistency, "basis": "own mentions (no defined term)"}
    else:
        hygiene = max(0.0, 100.0 - sum(PENALTY[r] * n for r, n in issues.items()))
        parts["defined_term_hygiene"] = {"score": hygiene, "issues": {r: issues.get(r, 0) for r in PENALTY},
                                         "penalty_per_issue": dict(PENALTY)}
        synonyms = kinds[SYNONYM]
        consistency = round(100.0 * (party - synonyms) / party, 1) if party else 100.0
        parts["terminology_consistency"] = {"score": consistency, "party_uses": party, "synonyms": synonyms}
    parts["framing"] = _framing_part(report.framing, term)
    parts["uses"] = dict(sorted(kinds.items()))
    scored = {k: p["score"] for k, p in parts.items() if k in WEIGHTS and p.get("score") is not None}
    total = sum(WEIGHTS[k] for k in scored)
    score = round(sum(WEIGHTS[k] * v for k, v in scored.items()) / total, 1) if total else 100.0
    parts["weights"] = {k: WEIGHTS[k] for k in scored}
    definition = doc.offsets.locate(term.definition.start, term.definition.end) if term and doc else None
    return ContractScore(term.term if term else None, term.is_party if term else False, definition,
                         score, parts)


def _framing_part(framing: Framing | None, term: DefinedTerm | None) -> dict[str, Any]:
    if framing is None:
        return {"score": None, "scored": False, "note": "not scored: no framing model (rules only)"}
    scores = {k: round(float(v), 4) for k, v in framing.scores.items()}
    family = term.family if term else None
    if family not in scores:
        return {"score": None, "scored": False, "label": framing.label, "scores": scores,
                "note": "not scored: the defined term is not a client or customer word"}
    # The language fits the word when it frames that relationship; neutral legal text half counts.
    value = round(100.0 * (scores[family] + 0.5 * scores.get("neutral", 0.0)), 1)
    return {"score": min(100.0, value), "scored": True, "label": framing.label, "scores": scores}
