"""The contract score: 100 less a stated deduction per drafting problem, in two capped parts.

Only what a drafter controls is scored: defined-term hygiene (lower-case slips, uses before the
definition, a second definition) and the consistency of party references (the other word used
for the party). Each deduction names its rule, its points and the clause it points to (line,
and page for a PDF), so the breakdown adds up to the score. The framing of the contract's
language is shown beside the score as an observation, never part of it. A contract with nothing
to check (no party term) gets no score, and says why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from clientlens.judge import catalogue
from clientlens.rules.contracts import PARTY_KINDS, SYNONYM, DefinedTerm, TermUse
from clientlens.types import Finding, Framing, Location

# Points off per problem: a second word for the party or a second definition can change who is
# bound; a lower-case slip or an early use only makes the reader work.
PENALTY = {catalogue.DEFINED_TERM_SYNONYM: 12, catalogue.DEFINED_TERM_REDEFINED: 15,
           catalogue.DEFINED_TERM_LOWERCASE: 4, catalogue.DEFINED_TERM_BEFORE_DEFINITION: 6}
# Each part can lose at most half the score, so a contract riddled with lower-case slips still
# shows whether it names its party consistently.
PART_OF = {catalogue.DEFINED_TERM_SYNONYM: "party_references", catalogue.DEFINED_TERM_REDEFINED: "defined_term_hygiene",
           catalogue.DEFINED_TERM_LOWERCASE: "defined_term_hygiene",
           catalogue.DEFINED_TERM_BEFORE_DEFINITION: "defined_term_hygiene"}
PART_MAX = {"defined_term_hygiene": 50.0, "party_references": 50.0}
ELSEWHERE_UNCHECKED = (catalogue.DEFINED_TERM_BEFORE_DEFINITION, catalogue.DEFINED_TERM_REDEFINED)


@dataclass(frozen=True)
class ContractScore:
    """The contract part of a DocumentReport: the defined term, where it is defined, a score and why.

    `score` is None when there is nothing to check; `note` then says why. `defined_elsewhere` is
    True for a term the contract uses as defined but defines in another document.
    """

    defined_term: str | None
    is_party: bool
    definition: Location | None
    score: float | None
    breakdown: Mapping[str, Any] = field(default_factory=dict)
    defined_elsewhere: bool = False
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form ("contract" object of DESIGN.md, plus defined_elsewhere and note)."""
        d = self.definition
        return {"defined_term": self.defined_term, "is_party": self.is_party,
                "definition": None if d is None else {"start": d.start, "end": d.end, "line": d.line, "page": d.page},
                "score": self.score, "breakdown": dict(self.breakdown),
                "defined_elsewhere": self.defined_elsewhere, "note": self.note or None}

    def deductions(self) -> list[dict[str, Any]]:
        """Return every deduction of both parts, in text order."""
        parts = [self.breakdown.get(name, {}) for name in PART_MAX]
        return sorted((d for p in parts for d in p.get("deductions", ())), key=lambda d: d["start"])


def score_contract(term: DefinedTerm | None, uses: Sequence[TermUse], findings: Sequence[Finding],
                   framing: Framing | None, definition: Location | None) -> ContractScore:
    """Return the ContractScore: 100 less each part's deductions (capped), with the breakdown that adds up to it."""
    kinds = Counter(u.kind for u in uses)
    observation = framing_observation(framing, term)
    if term is None:
        note = "no party term is defined here or used as a defined term, so there is nothing to check"
        return ContractScore(None, False, None, None, {"framing": observation, "uses": dict(sorted(kinds.items()))},
                             note=note)
    parts: dict[str, Any] = {name: _part(name, findings) for name in PART_MAX}
    party = sum(kinds[k] for k in PARTY_KINDS)
    parts["party_references"].update(party_uses=party, other_word=kinds[SYNONYM])
    note = ""
    if not term.defined_here:
        note = (f"\"{term.term}\" is defined in another document ({term.elsewhere}); where it is defined, "
                "and whether it is used before that or defined twice, could not be checked")
        parts["defined_term_hygiene"]["not_checked"] = list(ELSEWHERE_UNCHECKED)
    score: float | None = round(100.0 - sum(parts[name]["lost"] for name in PART_MAX), 1)
    if party == 0 and score == 100.0:
        # Defined and never used again: no use to check, so a 100 would claim what was not checked.
        score = None
        note = f"\"{term.term}\" is defined but never used as the party, so there is nothing to check"
    breakdown = {"start": 100.0, **parts, "penalty_per_issue": dict(PENALTY), "framing": observation,
                 "uses": dict(sorted(kinds.items()))}
    return ContractScore(term.term, term.is_party, definition, score, breakdown, not term.defined_here, note)


def _part(name: str, findings: Sequence[Finding]) -> dict[str, Any]:
    deductions = [{"rule": f.rule, "points": float(PENALTY[f.rule]), "line": f.line, "column": f.column,
                   "page": f.page, "start": f.start, "end": f.end, "message": f.message}
                  for f in findings if PART_OF.get(f.rule) == name]
    total = sum(d["points"] for d in deductions)
    lost = min(PART_MAX[name], total)
    part: dict[str, Any] = {"max": PART_MAX[name], "lost": lost, "deductions": deductions}
    if total > lost:
        part["capped"] = f"{total:g} points of deductions, capped at {PART_MAX[name]:g}"
    return part


def framing_observation(framing: Framing | None, term: DefinedTerm | None) -> dict[str, Any]:
    """Return how the contract's language frames the relationship: shown for information, never scored."""
    if framing is None:
        return {"part_of_score": False, "note": "no framing model (rules only)"}
    scores = {k: round(float(v), 4) for k, v in framing.scores.items()}
    note = "an observation about the contract's language, not part of the score"
    if term is not None and term.family in scores and framing.label not in ("neutral", term.family):
        note += f"; the language reads as a {framing.label} relationship, the defined term is \"{term.term}\""
    return {"part_of_score": False, "label": framing.label, "scores": scores, "note": note}
