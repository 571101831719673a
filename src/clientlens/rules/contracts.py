"""Contracts: find the defined party term and sort every use of the party words.

`find_defined_term(text)` returns the DefinedTerm (the term, its defining clause, whether it
names a party to the contract, any later redefinition) or None. `classify_uses` takes the
Mentions the mention rules already found (sense and role decided there) and gives each a
TermUse kind; the judge turns the kinds that are problems into Findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from clientlens.rules.contract_words import GENERIC_BEFORE, NOTIFY_VERBS, SERVED_ROLES, context_at
from clientlens.rules.definitions import Definition, find_definitions, restates
from clientlens.rules.families import FamilySet, family_set
from clientlens.types import Mention, Sense

# The kinds a use can have. Only synonym, lowercase and before-definition are problems.
PARTY, SYNONYM, LOWERCASE, BEFORE = "party", "synonym", "lowercase", "before-definition"
DEFINITION, SOFTWARE, META, COMPOUND = "definition", "software", "meta", "compound"
OTHER_TERM, THIRD_PARTY, GENERIC, ALLOWED = "other-term", "third-party", "generic", "allowed"
PROBLEMS = frozenset({SYNONYM, LOWERCASE, BEFORE})
# An early use that is a heading or table-of-contents entry, a forward reference ("Customers (as
# defined below)") or a signature label ("By Client:") is not a drafting slip.
_TOC_AFTER = re.compile(r"['’]?s?\s*(?:(?:\.\s?){3,}|\s{2,}\d{1,3}(?:\s|$)|\t+\d{1,3}\s*$)")
_FORWARD = re.compile(r"['’]?s?\s*\((?:as\s+)?(?:hereinafter\s+)?defined\b", re.IGNORECASE)
_POSSESSORS = frozenset({"its", "their", "his", "her", "whose"})
_SMALL_WORDS = frozenset({"of", "by", "and", "the", "to", "for", "in", "on", "a", "an", "or", "with", "from", "its"})


@dataclass(frozen=True)
class DefinedTerm:
    """The party term a contract defines, its first definition, and later definitions of that party."""

    term: str
    family: str | None
    definition: Definition
    redefinitions: tuple[Definition, ...] = ()
    definitions: tuple[Definition, ...] = ()

    @property
    def is_party(self) -> bool:
        """Return True when the definition names a party to the contract, not a third party."""
        return self.definition.is_party


@dataclass(frozen=True)
class TermUse:
    """One use of a party word in a contract, with its kind (see PROBLEMS) and the cue that decided it."""

    start: int
    end: int
    surface: str
    family: str | None
    kind: str
    cue: str


def _singular_term(term: str) -> str:
    return re.sub(r"^the\s+", "", term, flags=re.IGNORECASE).strip()


def family_of_term(term: str, families: FamilySet) -> str | None:
    """Return the family whose singular or plural form is `term` ("Clients" -> "client"), else None."""
    lower = term.lower()
    for name in families.families:
        if lower in families.singular_plural(name):
            return name
    return None


def find_defined_term(text: str, families: FamilySet | None = None,
                      definitions: Sequence[Definition] | None = None) -> DefinedTerm | None:
    """Return the contract's DefinedTerm, or None when no party term is defined.

    A family term defined as a party wins, then a served role (Licensee, Purchaser...) defined as a
    party, then a family term that names a third party ("Customer" means any buyer...).
    """
    families = families or family_set()
    definitions = list(find_definitions(text) if definitions is None else definitions)
    # A term's standing comes from its first definition: a later party definition of a term first
    # defined as outsiders (an embedded form, a schedule) is a redefinition, not the party term.
    firsts: dict[str, Definition] = {}
    for d in definitions:
        firsts.setdefault(_singular_term(d.term).lower(), d)
    family_defs = [d for d in firsts.values() if family_of_term(_singular_term(d.term), families)]
    role_defs = [d for d in firsts.values() if _singular_term(d.term).lower() in SERVED_ROLES]
    first = (next((d for d in family_defs if d.is_party), None) or next((d for d in role_defs if d.is_party), None)
             or (family_defs[0] if family_defs else None))
    if first is None:
        return None
    term = _singular_term(first.term)
    family = family_of_term(term, families)
    redefined = tuple(d for d in definitions if d.start > first.start and not restates(text, first, d) and (
        _singular_term(d.term).lower() == term.lower()
        or (first.is_party and d.is_party and family_of_term(_singular_term(d.term), families))))
    return DefinedTerm(term, family, first, redefined, tuple(definitions))


def classify_uses(text: str, mentions: Sequence[Mention], term: DefinedTerm) -> list[TermUse]:
    """Return one TermUse per family mention (plus uses of a non-family term such as "Licensee"), in text order."""
    sorter = _Sorter(text, term)
    uses = [sorter.classify(m.start, m.end, m.surface, m.family, m) for m in mentions]
    if term.family is None:
        for m in re.finditer(rf"(?<![\w-]){re.escape(term.term)}(?:s|['’]s?)?(?![\w-])", text, re.IGNORECASE):
            uses.append(sorter.classify(m.start(), m.end(), m.group(0), None, None))
    uses.sort(key=lambda u: u.start)
    return uses


def _as_defined(surface: str, term: str) -> bool:
    """Return True when `surface` is written like the defined term: Title case, or all capitals for an all-capitals term."""
    if surface.isupper():
        return term.isupper()
    return surface[:1].isupper()


def _early_use_excuse(text: str, start: int, end: int, ctx, term: DefinedTerm) -> str | None:
    """Return why a use before the definition is no slip (heading, contents, forward reference, signature,
    or a definitions list, where entries refer to terms defined further down as a matter of course)."""
    if _FORWARD.match(text, end):
        return "forward reference"
    if term.definition.form == "means" and any(d.form == "means" and d.start < start for d in term.definitions):
        return "definitions list"
    if ctx.prev == "By" and text[end:end + 1] == ":":
        return "signature label"
    if _TOC_AFTER.match(text, end):
        return "table of contents"
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:len(text) if line_end == -1 else line_end]
    # Only the stretch between runs of spaces counts: flattened contents pages put many entries on one line.
    piece = next((p for p in re.split(r"\s{3,}", line) if text[start:end] in p), line)
    words = re.findall(r"[A-Za-z][\w'’-]*", piece)
    if 0 < len(words) <= 10 and not piece.rstrip().endswith((".", ";", ",")) and all(
            w[:1].isupper() or w.lower() in _SMALL_WORDS for w in words):
        return "heading"
    return None


def _other_terms(term: DefinedTerm) -> list[re.Pattern[str]]:
    words = {d.term for d in term.definitions if d.words > 1 or (d.term.lower() != term.term.lower() and not d.is_party)}
    return [re.compile(rf"(?<!\w){re.escape(w)}(?!\w)") for w in sorted(words, key=len, reverse=True)]


class _Sorter:
    """Sorts the uses of one contract: the checks that make a use someone else come first."""

    def __init__(self, text: str, term: DefinedTerm) -> None:
        self.text = text
        self.term = term
        self.spans = [(d.start, d.end) for d in term.definitions]
        self.other_terms = _other_terms(term)

    def classify(self, start: int, end: int, surface: str, family: str | None, mention: Mention | None) -> TermUse:
        """Return the TermUse of text[start:end] (`mention` is None for a non-family term found by name)."""
        ctx = context_at(self.text, start, end)
        kind, cue = self._not_the_party(start, end, surface, mention, ctx) or self._party_kind(
            start, end, surface, family, ctx)
        return TermUse(start, end, surface, family, kind, cue)

    def _not_the_party(self, start: int, end: int, surface: str, mention: Mention | None,
                       ctx) -> tuple[str, str] | None:
        if any(s <= start < e for s, e in self.spans):
            return DEFINITION, "inside a definition"
        # The user's allow list and ignore comments win over every contract rule.
        if mention is not None and mention.role in ("allowed", "suppressed"):
            return ALLOWED, mention.role
        if mention is not None and mention.sense is Sense.NON_PERSON:
            return SOFTWARE, mention.cue or "software sense"
        if mention is not None and mention.sense is Sense.META:
            return META, mention.cue or "the word itself"
        if "-" in surface:
            return COMPOUND, surface
        for pattern in self.other_terms:
            for m in pattern.finditer(self.text, max(0, start - 60), min(len(self.text), end + 60)):
                if m.start() <= start and end <= m.end() and m.group(0).lower() != self.term.term.lower():
                    return OTHER_TERM, m.group(0)
        if surface[:1].isupper() and ctx.capitalised_neighbour:
            return OTHER_TERM, ctx.capitalised_neighbour
        if (mention is not None and mention.role == "third_party") or ctx.possessive_before \
                or ctx.prev_lower in _POSSESSORS:
            return THIRD_PARTY, ctx.prev or "possessive"
        return None

    def _party_kind(self, start: int, end: int, surface: str, family: str | None, ctx) -> tuple[str, str]:
        term = self.term
        same = family == term.family if term.family else family is None
        if same and _as_defined(surface, term.term):
            if start >= term.definition.start:
                return PARTY, "the defined term"
            excuse = _early_use_excuse(self.text, start, end, ctx, term)
            return (PARTY, excuse) if excuse else (BEFORE, "used before the definition")
        if ctx.next == "of" and not (NOTIFY_VERBS & set(ctx.before)):
            return THIRD_PARTY, f"{surface} of ..."
        core = re.sub(r"['’]s?$", "", surface)
        if core.lower().endswith("s") and not term.term.lower().endswith("s"):
            return GENERIC, "plural"
        if ctx.prev_lower in GENERIC_BEFORE:
            return GENERIC, ctx.prev_lower
        if not term.is_party or not ctx.party_like:
            return GENERIC, ctx.next or "end"
        if same and surface.islower() and ctx.prev_lower == "the":
            return LOWERCASE, f"the {surface} {ctx.next}".strip()
        # Only "the customer" or a capitalised "Customer" stands for a party; a bare lower-case word is talk.
        if not same and family is not None and (ctx.prev_lower == "the" or surface[:1].isupper()):
            return SYNONYM, f"{ctx.prev} {surface} {ctx.next}".strip()
        return GENERIC, ctx.prev_lower or "no determiner"


__all__ = ["Definition", "DefinedTerm", "TermUse", "find_definitions", "find_defined_term", "classify_uses",
           "family_of_term", "PROBLEMS"]
