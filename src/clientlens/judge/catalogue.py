"""Every rule clientlens can report, documented beside its name. Rule names are spelled only here."""

from __future__ import annotations

from dataclasses import dataclass

from clientlens.types import Severity


@dataclass(frozen=True)
class RuleInfo:
    """What a rule flags, why it matters, an example and what to write instead."""

    name: str
    severity: Severity
    summary: str
    why: str
    example: str
    fix_hint: str


MIXED_TERMINOLOGY = "mixed-terminology"
FRAMING_MISMATCH = "framing-mismatch"
DEFINED_TERM_SYNONYM = "defined-term-synonym"
DEFINED_TERM_LOWERCASE = "defined-term-lowercase"
DEFINED_TERM_BEFORE_DEFINITION = "defined-term-before-definition"
DEFINED_TERM_REDEFINED = "defined-term-redefined"
PREFERRED_TERM = "preferred-term"
UNREADABLE_INPUT = "unreadable-input"

RULES: dict[str, RuleInfo] = {r.name: r for r in (
    RuleInfo(MIXED_TERMINOLOGY, Severity.WARNING,
             "A mention uses a different family from the one the document or site mostly uses.",
             "One business should call the people it serves by one name; switching between "
             "'clients' and 'customers' reads as careless and blurs what relationship is offered.",
             "Most pages say 'clients'; pricing.html says 'Customers can pay online.'",
             "Use the dominant family, keeping case, number and possessive ('Customers'' -> 'Clients'')."),
    RuleInfo(FRAMING_MISMATCH, Severity.INFO,
             "The word contradicts how the passage frames the relationship.",
             "'Customers' promises a transaction and 'clients' an ongoing relationship; when the "
             "copy describes the other one, readers get mixed signals.",
             "'Our customers get a dedicated adviser for life.' (client framing, customer word)",
             "Use the word that matches the framing, or rewrite the passage to match the word."),
    RuleInfo(DEFINED_TERM_SYNONYM, Severity.ERROR,
             "A contract uses the other family for its defined party.",
             "A contract that defines \"Client\" and then says 'the customer' invites an argument "
             "about whether they are the same person.",
             "(the \"Client\") ... the customer shall pay within 30 days",
             "Use the defined term exactly ('the Client')."),
    RuleInfo(DEFINED_TERM_LOWERCASE, Severity.WARNING,
             "The defined party term appears in lower case where the party is meant.",
             "A defined term is capitalised so that readers know the definition applies.",
             "(the \"Client\") ... the client shall pay",
             "Capitalise it as defined ('the Client')."),
    RuleInfo(DEFINED_TERM_BEFORE_DEFINITION, Severity.WARNING,
             "The defined party term is used before the clause that defines it (headings, contents pages, "
             "the defining clause itself, forward references and definitions lists excepted).",
             "Readers meet a capitalised term with no definition yet.",
             "Client shall pay ... (later) Acme Ltd (the \"Client\")",
             "Move the definition earlier, or name the party in full before it."),
    RuleInfo(DEFINED_TERM_REDEFINED, Severity.ERROR,
             "The party is defined a second time, differently.",
             "Two definitions of one party make the contract ambiguous.",
             "(the \"Client\") ... (the \"Customer\")",
             "Keep one definition and use it throughout."),
    RuleInfo(PREFERRED_TERM, Severity.WARNING,
             "A mention uses a family other than the one the configuration prefers.",
             "The team chose one word in its style guide.",
             "preferred = \"client\" and the page says 'customers'",
             "Use the preferred family."),
    RuleInfo(UNREADABLE_INPUT, Severity.ERROR,
             "A source could not be read, so it was not audited.",
             "An audit that silently skips files gives false confidence.",
             "a binary file, an empty file, undecodable bytes, a missing path",
             "Fix or exclude the file (exclude = [\"...\"]), then audit again."),
)}


def severity_of(rule: str, overrides: dict[str, str] | None = None) -> Severity:
    """Return the severity of `rule`, honouring per-rule overrides from the settings."""
    if overrides and rule in overrides:
        return Severity(overrides[rule])
    return RULES[rule].severity
