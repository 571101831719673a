"""Contracts: find the defined party term and sort every use of the party words.

`find_defined_term(text)` returns the DefinedTerm (the term, its defining clause, whether it
names a party to the contract, any later redefinition) or None; `find_party_term` adds a term
used as defined but defined in another document (a cover page, an order form). `classify_uses`
takes the Mentions the mention rules found and gives each a TermUse kind, reading the text
itself where the sense rules or the model may have been misled by a clause about software;
the judge turns the kinds that are problems into Findings and the kinds into senses and roles.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Sequence

from clientlens.rules.contract_signals import find_elsewhere, software_cue
from clientlens.rules.contract_words import GENERIC_BEFORE, NOTIFY_VERBS, SERVED_ROLES, context_at
from clientlens.rules.definitions import Definition, defining_clause_start, find_definitions, restates
from clientlens.rules.families import POSSESSIVE_END, FamilySet, family_set, strip_possessive
from clientlens.types import Mention

# The kinds a use can have. Only synonym, lowercase and before-definition are problems.
PARTY, SYNONYM, LOWERCASE, BEFORE = "party", "synonym", "lowercase", "before-definition"
DEFINITION, SOFTWARE, META, COMPOUND = "definition", "software", "meta", "compound"
OTHER_TERM, THIRD_PARTY, GENERIC, ALLOWED = "other-term", "third-party", "generic", "allowed"
PROBLEMS = frozenset({SYNONYM, LOWERCASE, BEFORE})
# Uses that name the party.
PARTY_KINDS = frozenset({PARTY, SYNONYM, LOWERCASE, BEFORE})
# An early use that is a heading or table-of-contents entry, a forward reference ("Customers (as
# defined below)") or a signature label ("By Client:") is not a drafting slip.
_TOC_AFTER = re.compile(r"['’]?s?\s*(?:(?:\.\s?){3,}|\s{2,}\d{1,3}(?:\s|$)|\t+\d{1,3}\s*$)")
_FORWARD = re.compile(r"['’]?s?\s*\((?:as\s+)?(?:hereinafter\s+)?defined\b", re.IGNORECASE)
_SMALL_WORDS = frozenset({"of", "by", "and", "the", "to", "for", "in", "on", "a", "an", "or", "with", "from", "its"})
# After the word, these start a clause ("every client it has served"), not a compound ("client portal").
_NOT_A_HEAD = frozenset({"it", "they", "he", "she", "we", "you", "i", "this", "that", "these", "those", "there",
                         "here", "whom", "whose", "what", "whatever", "whoever"})
_OWNERS = frozenset({"its", "their", "his", "her", "whose"})
# The other word used for a party this often, and at least as often as the defined term, names another group.
MIN_OTHER_GROUP = 3
_OPEN_QUOTES, _CLOSE_QUOTES = "\"“”„‘'", "\"”“’'"


@dataclass(frozen=True)
class DefinedTerm:
    """The party term a contract defines, its first definition, and later definitions of that party.

    `definition` is None for a term defined in another document; `elsewhere` then says why the
    term is taken for a defined one (its uses as a name, a "capitalised terms have the meaning
    given in the Order Form" sentence).
    """

    term: str
    family: str | None
    definition: Definition | None
    redefinitions: tuple[Definition, ...] = ()
    definitions: tuple[Definition, ...] = ()
    elsewhere: str = ""

    @property
    def is_party(self) -> bool:
        """Return True when the definition names a party to the contract, not a third party."""
        return self.definition.is_party if self.definition is not None else True

    @property
    def defined_here(self) -> bool:
        """Return True when the text itself defines the term."""
        return self.definition is not None


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


def find_party_term(text: str, mentions: Sequence[Mention], families: FamilySet | None = None) -> DefinedTerm | None:
    """Return the party term defined in `text`, else a family word the text uses as a defined party
    term without defining it (defined in another document), else None."""
    definitions = find_definitions(text)
    term = find_defined_term(text, families, definitions)
    if term is not None:
        return term
    found = find_elsewhere(text, mentions)
    if found is None:
        return None
    return DefinedTerm(found.term, found.family, None, (), tuple(definitions), found.because)


def classify_uses(text: str, mentions: Sequence[Mention], term: DefinedTerm | None) -> list[TermUse]:
    """Return one TermUse per family mention (plus uses of a non-family term such as "Licensee"), in text order.

    With no party term (None) the uses are still sorted (definitions, quotes, software, someone
    else's, other terms, general talk), and none of them names the party.
    """
    sorter = _Sorter(text, term)
    uses = [sorter.classify(m.start, m.end, m.surface, m.family, m) for m in mentions]
    if term is not None and term.family is None:
        for m in re.finditer(rf"(?<![\w-]){re.escape(term.term)}(?:s|['’]s?)?(?![\w-])", text, re.IGNORECASE):
            uses.append(sorter.classify(m.start(), m.end(), m.group(0), None, None))
    uses.sort(key=lambda u: u.start)
    return _another_group(uses)


def _another_group(uses: list[TermUse]) -> list[TermUse]:
    """Return `uses` with "synonyms" turned generic where the other word is used for a party at least as
    often as the defined term: then it names another group (the shoppers an app is built for in a
    specification), not the party, which a contract names mostly by its defined term."""
    party = sum(1 for u in uses if u.kind in (PARTY, LOWERCASE, BEFORE))
    others = Counter(u.family for u in uses if u.kind == SYNONYM)
    crowded = {f for f, n in others.items() if n >= MIN_OTHER_GROUP and n >= party}
    return [replace(u, kind=GENERIC, cue=f"another group: {others[u.family]} uses against {party} of the defined term")
            if u.kind == SYNONYM and u.family in crowded else u for u in uses]


def _as_defined(text: str, start: int, end: int, term: str) -> bool:
    """Return True when text[start:end] is written like the defined term: Title case, or all capitals
    for an all-capitals term or inside an all-capitals stretch ("PAID BY CLIENT TO THE AGENCY")."""
    surface = text[start:end]
    if surface.isupper():
        return term.isupper() or _in_capitals(text, start, end)
    return surface[:1].isupper()


def _in_capitals(text: str, start: int, end: int) -> bool:
    """Return True when the words around the use on its line are all capitals (a heading, a caps clause)."""
    before = text[max(0, start - 40):start].rsplit("\n", 1)[-1]
    after = text[end:end + 40].split("\n", 1)[0]
    words = re.findall(r"[A-Za-z]{2,}", before)[-4:] + re.findall(r"[A-Za-z]{2,}", after)[:4]
    return all(w.isupper() for w in words)


def _quoted_alone(text: str, start: int, end: int) -> bool:
    """Return True when the word stands alone in quotes ("Client", (the “Customer”), "the Client"): named, not used."""
    before = re.sub(r"(?i)the\s+$", "", text[max(0, start - 5):start])
    return bool(before) and before[-1] in _OPEN_QUOTES and text[end:end + 1] in _CLOSE_QUOTES and text[end:end + 1] != ""


def _early_use_excuse(text: str, start: int, end: int, ctx, term: DefinedTerm, clause_start: int) -> str | None:
    """Return why a use before the definition is no slip (inside the defining clause, a heading, contents,
    a forward reference, a signature, or a definitions list, where entries refer to terms defined further
    down as a matter of course), or None."""
    definition = term.definition
    if definition is None:
        return "defined in another document"
    if clause_start <= start:
        return "inside the defining clause"
    if _FORWARD.match(text, end):
        return "forward reference"
    if definition.form == "means" and any(d.form == "means" and d.start < start for d in term.definitions):
        return "definitions list"
    if ctx.prev == "By" and text[end:end + 1] == ":":
        return "signature label"
    if _TOC_AFTER.match(text, end):
        return "table of contents"
    return _heading(text, start, end)


def _heading(text: str, start: int, end: int) -> str | None:
    """Return "heading" when the use sits in a heading: a short title-case or all-capitals line, a
    stretch of a flattened contents page, or the run-in title of a numbered clause."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:len(text) if line_end == -1 else line_end]
    # Only the stretch between runs of spaces counts: flattened contents pages put many entries on one line.
    piece = next((p for p in re.split(r"\s{3,}", line) if text[start:end] in p), line)
    if _title_words(piece) and not piece.rstrip().endswith((".", ";", ",")):
        return "heading"
    # "7.2 Solicitation of Customers. During ...": the title runs from the number to the first full stop.
    before = text[max(line_start, start - 80):start]
    number = None
    for m in re.finditer(r"(?:^|\s)(?:\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}\.|[A-Z]\.)[ \t]+", before):
        number = m
    if number is not None:
        stop = re.search(r"[.:;]", text[start:start + 80])
        title = before[number.end():] + text[start:start + (stop.start() if stop else 0)]
        if stop and _title_words(title, limit=8):
            return "heading"
    return None


def _title_words(piece: str, limit: int = 10) -> bool:
    words = re.findall(r"[A-Za-z][\w'’-]*", piece)
    return 0 < len(words) <= limit and all(w[:1].isupper() or w.lower() in _SMALL_WORDS for w in words)


def _names_another(text: str, start: int, end: int, surface: str, ctx) -> bool:
    """Return True when a capitalised word beside the use makes a longer name of it ("Client Storage
    Area", "Sponsor Client Graphic"); not "Client's Affiliates" (the party's), a capitals heading
    run into the clause ("CHANGE REQUESTS Client will"), or a clause in capitals."""
    neighbour = ctx.capitalised_neighbour
    if not neighbour or _in_capitals(text, start, end) or (neighbour.isupper() and not surface.isupper()):
        return False
    return not (POSSESSIVE_END.search(surface) and neighbour.lower() == ctx.next)


def _other_terms(term: DefinedTerm | None, definitions: Sequence[Definition]) -> list[re.Pattern[str]]:
    words = {d.term for d in definitions
             if term is None or d.words > 1 or (d.term.lower() != term.term.lower() and not d.is_party)}
    return [re.compile(rf"(?<!\w){re.escape(w)}(?!\w)") for w in sorted(words, key=len, reverse=True)]


class _Sorter:
    """Sorts the uses of one contract: the checks that make a use someone else come first.

    The text settles each use, not the sense the mention rules or the model gave it: a clause
    about software misleads them ("if Client fails to pay", "Client's server", "the Client Site"),
    while a contract's client is software only beside a software word ("email client").
    """

    def __init__(self, text: str, term: DefinedTerm | None) -> None:
        self.text = text
        self.term = term
        self.definitions = term.definitions if term is not None else tuple(find_definitions(text))
        self.other_terms = _other_terms(term, self.definitions)
        self.clause_start = (defining_clause_start(text, term.definition)
                             if term is not None and term.definition is not None else len(text))

    def classify(self, start: int, end: int, surface: str, family: str | None, mention: Mention | None) -> TermUse:
        """Return the TermUse of text[start:end] (`mention` is None for a non-family term found by name)."""
        ctx = context_at(self.text, start, end)
        kind, cue = self._not_the_party(start, end, surface, family, mention, ctx) or self._party_kind(
            start, end, surface, family, ctx)
        return TermUse(start, end, surface, family, kind, cue)

    def _not_the_party(self, start: int, end: int, surface: str, family: str | None, mention: Mention | None,
                       ctx) -> tuple[str, str] | None:
        inside = next((d for d in self.definitions if d.start <= start < d.end), None)
        if inside is not None and (_quoted_alone(self.text, start, end) or surface == inside.term):
            return DEFINITION, "the defining quote"
        # The user's allow list and ignore comments win over every contract rule.
        if mention is not None and mention.role in ("allowed", "suppressed"):
            return ALLOWED, mention.role
        software = software_cue(self.text, start, end, surface, family or "")
        if software:
            return SOFTWARE, software
        if inside is not None and inside.words > 1 and surface.lower().rstrip("s'’") in inside.term.lower():
            return OTHER_TERM, inside.term
        if _quoted_alone(self.text, start, end):
            return META, "quoted as a word"
        if "-" in surface:
            return COMPOUND, surface
        for pattern in self.other_terms:
            for m in pattern.finditer(self.text, max(0, start - 60), min(len(self.text), end + 60)):
                if m.start() <= start and end <= m.end() and (self.term is None
                                                              or m.group(0).lower() != self.term.term.lower()):
                    return OTHER_TERM, m.group(0)
        if surface[:1].isupper() and _names_another(self.text, start, end, surface, ctx):
            return OTHER_TERM, ctx.capitalised_neighbour
        # Whose people these are is read here, not taken from the page role resolver, which does not
        # know that a contract's bare "Client" is its party.
        if ctx.possessive_before:
            return THIRD_PARTY, ctx.prev or "possessive"
        owner = next((w for w in ctx.before[-2:] if w in _OWNERS), None)
        if owner:  # "its other clients", "their existing customers"
            return THIRD_PARTY, owner
        return None

    def _party_kind(self, start: int, end: int, surface: str, family: str | None, ctx) -> tuple[str, str]:
        term = self.term
        same = term is not None and (family == term.family if term.family else family is None)
        if same and _as_defined(self.text, start, end, term.term):  # type: ignore[union-attr]
            if term.definition is None or start >= term.definition.start:
                return PARTY, "the defined term"
            excuse = _early_use_excuse(self.text, start, end, ctx, term, self.clause_start)
            return (PARTY, excuse) if excuse else (BEFORE, "used before the definition")
        if ctx.next == "of" and not (NOTIFY_VERBS & set(ctx.before)):
            return THIRD_PARTY, f"{surface} of ..."
        core = strip_possessive(surface)
        # "the customer car park", "the client portal"; a plural before a word is mostly its verb ("customers pay").
        if not ctx.party_like and ctx.next.isalpha() and ctx.next.islower() and ctx.next not in _NOT_A_HEAD \
                and core == surface and not core.lower().endswith("s"):
            return COMPOUND, f"{surface} {ctx.next}"
        if core.lower().endswith("s") and not (term is not None and term.term.lower().endswith("s")):
            return GENERIC, "plural"
        if ctx.prev_lower in GENERIC_BEFORE:
            return GENERIC, ctx.prev_lower
        if term is None or not term.is_party or not ctx.party_like:
            return GENERIC, ctx.next or "end"
        if same and surface.islower() and ctx.prev_lower == "the":
            return LOWERCASE, f"the {surface} {ctx.next}".strip()
        # Only "the customer" or a capitalised "Customer" stands for a party; a bare lower-case word is talk.
        if not same and family is not None and (ctx.prev_lower == "the" or surface[:1].isupper()):
            return SYNONYM, f"{ctx.prev} {surface} {ctx.next}".strip()
        return GENERIC, ctx.prev_lower or "no determiner"


__all__ = ["Definition", "DefinedTerm", "TermUse", "find_definitions", "find_defined_term", "find_party_term",
           "classify_uses", "family_of_term", "PROBLEMS", "PARTY_KINDS"]
