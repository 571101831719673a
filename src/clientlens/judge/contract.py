"""Contracts in the judge: the one analysis that `clientlens contract` and `clientlens audit` share.

`analyse_contract` returns a document's ContractAnalysis, or None when the document is not a
contract: the party term (defined here, or used as defined and defined elsewhere), each use's
kind (rules/contracts.py), and the mentions with the sense and role the analysis settles.
`contract_document` turns it into the DocumentReport: counts and `mixed` from the uses that name
the party, the defined-term findings, and the ContractScore (judge/contract_score.py). A contract
is judged on its own: its word is its defined term, never the site's dominant family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from clientlens.config import Settings
from clientlens.judge import catalogue
from clientlens.judge.contract_score import ContractScore, score_contract
from clientlens.judge.document import Tally, tally_counts
from clientlens.judge.fixes import match_case
from clientlens.rules.contract_signals import contract_cues, reads_as_contract
from clientlens.rules.contracts import (
    ALLOWED, BEFORE, COMPOUND, DEFINITION, GENERIC, LOWERCASE, META, OTHER_TERM, PARTY, PARTY_KINDS, SOFTWARE, SYNONYM,
    THIRD_PARTY, DefinedTerm, Definition, TermUse, classify_uses, find_party_term,
)
from clientlens.rules.definitions import party_name
from clientlens.rules.families import POSSESSIVE_END, FamilySet
from clientlens.types import Document, DocumentReport, Finding, Framing, Kind, Location, Mention, Sense

_RULE_OF = {SYNONYM: catalogue.DEFINED_TERM_SYNONYM, LOWERCASE: catalogue.DEFINED_TERM_LOWERCASE,
            BEFORE: catalogue.DEFINED_TERM_BEFORE_DEFINITION}
# What each kind of use says about the mention: its sense, its role and why.
_SENSE_OF = {DEFINITION: Sense.META, META: Sense.META, SOFTWARE: Sense.NON_PERSON}
_ROLE_OF = {PARTY: ("own", "the defined party"), SYNONYM: ("own", "the defined party, in the other word"),
            LOWERCASE: ("own", "the defined party, in lower case"), BEFORE: ("own", "the defined party, before its definition"),
            THIRD_PARTY: ("third_party", "someone else's"), OTHER_TERM: ("term", "part of another defined term or name"),
            COMPOUND: ("term", "a compound"), GENERIC: ("generic", "clients or customers in general")}


@dataclass(frozen=True)
class ContractAnalysis:
    """A contract's party term, each use's kind, and its mentions with sense and role settled."""

    term: DefinedTerm | None
    uses: tuple[TermUse, ...]
    mentions: tuple[Mention, ...]


def analyse_contract(doc: Document, mentions: Sequence[Mention], families: FamilySet,
                     settings: Settings) -> ContractAnalysis | None:
    """Return the ContractAnalysis of `doc`, or None when it is not a contract.

    A PDF or DOCX (kind contract) is one; another document is one when it reads as a contract
    (patterns/contracts.json): a little contract wording with a party definition, more with a term
    only used as defined, most with no party term, so a page that quotes a capitalised word or
    says "shall" is not taken for one. Allowed and suppressed mentions (marked by the caller
    under `settings`) are left as they are.
    """
    cues = () if doc.kind is Kind.CONTRACT else contract_cues(doc.text)  # read once for both tests
    if doc.kind is not Kind.CONTRACT and not reads_as_contract(doc.text, cues=cues):
        return None  # too little contract wording for any kind of party term: most pages stop here
    term = find_party_term(doc.text, mentions, families)
    party = "none" if term is None else "defined" if term.defined_here else "elsewhere"
    if doc.kind is not Kind.CONTRACT and not reads_as_contract(doc.text, party, cues):
        return None
    uses = classify_uses(doc.text, mentions, term)
    return ContractAnalysis(term, tuple(uses), tuple(_settle(mentions, uses, term)))


def _settle(mentions: Sequence[Mention], uses: Sequence[TermUse], term: DefinedTerm | None) -> list[Mention]:
    """Return the mentions with the sense and role their use gives them."""
    by_span = {(u.start, u.end): u for u in uses}
    out = []
    for m in mentions:
        use = by_span.get((m.start, m.end))
        if m.role in ("allowed", "suppressed") or use is None or use.kind == ALLOWED:
            out.append(m)
        else:
            out.append(_settled(m, use, term))
    return out


def _settled(m: Mention, use: TermUse, term: DefinedTerm | None) -> Mention:
    sense = _SENSE_OF.get(use.kind, Sense.PERSON)
    if sense is not m.sense:
        m = replace(m, sense=sense, confidence=0.95, decided_by=f"contract:{use.kind}", cue=use.cue)
    if sense is not Sense.PERSON:
        return replace(m, role="", role_because=use.cue, group="")
    role, because = _ROLE_OF[use.kind]
    if use.kind in PARTY_KINDS and term is not None and not term.is_party:
        role, because = "third_party", f"the defined term names a third party ({term.definition.because})"
    group = "others" if role == "third_party" else "ours" if role in ("own", "generic") else ""
    return replace(m, role=role, role_because=f"{because}: {use.cue}" if use.cue else because, group=group)


def contract_document(doc: Document, analysis: ContractAnalysis, framings: Sequence[Framing], framing: Framing | None,
                      settings: Settings, families: FamilySet) -> DocumentReport:
    """Return the DocumentReport of a contract: party counts, mixed, defined-term findings and the score."""
    term = analysis.term
    findings = contract_findings(doc, term, analysis.uses, settings)
    definition = (doc.offsets.locate(term.definition.start, term.definition.end)
                  if term is not None and term.definition is not None else None)
    score = score_contract(term, analysis.uses, findings, framing, definition)
    t = party_tally(analysis.uses, list(families.families), term)
    return DocumentReport(path=doc.path, kind=doc.kind, mentions=analysis.mentions, framings=tuple(framings),
                          findings=tuple(sorted(findings, key=lambda f: (f.start, f.rule))), counts=t.counts,
                          dominant=t.dominant, consistency=t.consistency, mixed=t.mixed, framing=framing,
                          contract=score, text=doc.text, mixed_groups=("ours",) if t.mixed else ())


def contract_findings(doc: Document, term: DefinedTerm | None, uses: Sequence[TermUse],
                      settings: Settings) -> list[Finding]:
    """Return the defined-term Findings of one contract."""
    if term is None:
        return []
    findings = [_use_finding(doc, term, u, settings) for u in uses if u.kind in _RULE_OF]
    return findings + [_redefinition_finding(doc, term, d, settings) for d in term.redefinitions]


def party_tally(uses: Sequence[TermUse], families: Sequence[str], term: DefinedTerm | None) -> Tally:
    """Return the Tally of the uses that name the defined term's people; only a party named in both
    words makes the contract mixed (a non-party definition names outsiders)."""
    counts = {name: 0 for name in families}
    for u in uses:
        if u.kind in PARTY_KINDS and u.family is not None:
            counts[u.family] = counts.get(u.family, 0) + 1
    t = tally_counts(counts, {})  # no first uses: a tie goes to the family listed first
    return t if term is not None and term.is_party else replace(t, mixed=False)


def _finding(doc: Document, rule: str, settings: Settings, message: str, start: int, end: int,
             suggestion: str | None, because: str, related: tuple[Location, ...] = ()) -> Finding:
    loc = doc.offsets.locate(start, end)
    return Finding(rule, catalogue.severity_of(rule, dict(settings.severity)), message, loc.start, loc.end,
                   loc.line, loc.column, suggestion, because, related, loc.page)


def _where(doc: Document, definition: Definition | None) -> tuple[tuple[Location, ...], str]:
    if definition is None:
        return (), "defined in another document"
    loc = doc.offsets.locate(definition.start, definition.end)
    page = f", page {loc.page}" if loc.page else ""
    return (loc,), f"line {loc.line}{page}"


def _use_finding(doc: Document, term: DefinedTerm, use: TermUse, settings: Settings) -> Finding:
    rule = _RULE_OF[use.kind]
    related, where = _where(doc, term.definition)
    name = term.term
    if use.kind == SYNONYM:
        message = f"'{use.surface}' names the party defined as \"{name}\" ({where}): use the defined term"
        suggestion = as_defined(use.surface, name)
    elif use.kind == LOWERCASE:
        message = f"'{use.surface}' is the defined term \"{name}\" in lower case ({where}): capitalise it"
        suggestion = as_defined(use.surface, name)
    else:
        message = f"'{use.surface}' is used before \"{name}\" is defined ({where})"
        suggestion = party_name(doc.text, term.definition) if term.definition is not None else None
    return _finding(doc, rule, settings, message, use.start, use.end, suggestion, use.cue, related)


def _redefinition_finding(doc: Document, term: DefinedTerm, d: Definition, settings: Settings) -> Finding:
    related, where = _where(doc, term.definition)
    message = (f"\"{d.term}\" is defined again here; the party was first defined as \"{term.term}\" ({where}): "
               "keep one definition")
    return _finding(doc, catalogue.DEFINED_TERM_REDEFINED, settings, message, d.start, d.end, None,
                    f"second definition ({d.form})", related)


def as_defined(surface: str, term: str) -> str:
    """Return the defined term written in place of `surface`, keeping a possessive ("customer's" -> "Client's")."""
    possessive = POSSESSIVE_END.search(surface)
    mark = possessive.group(0) if possessive else ""
    core = surface[: len(surface) - len(mark)]
    plural = core.lower().endswith("s") and not term.lower().endswith("s")
    word = term + ("s" if plural else "")
    word = word.upper() if core.isupper() and len(core) > 1 and term.isupper() else match_case(term, word)
    if mark in ("'", "’") and not word.endswith("s"):
        mark += "s"
    return word + mark


def counts_tally(reports: Sequence[DocumentReport], families: Sequence[str]) -> Tally:
    """Return the Tally of the documents' counts added up (the site view of a run over contracts)."""
    return tally_counts({name: sum(r.counts.get(name, 0) for r in reports) for name in families}, {})


__all__ = ["ContractAnalysis", "ContractScore", "analyse_contract", "contract_document", "contract_findings",
           "party_tally", "counts_tally", "as_defined"]
