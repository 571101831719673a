"""Signals the contract rules read from the text: contract wording, a party term defined in another
document, and the software wording that makes a "client" a program.

Cues and thresholds are data (patterns/contracts.json); the software words are the sense rules'
lists (patterns/sense.json), so a contract and a page agree on what "email client" is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from clientlens.rules.contract_words import GENERIC_BEFORE, context_at, sentence_initial_at
from clientlens.rules.data import pattern_data
from clientlens.rules.families import POSSESSIVE_END, strip_possessive
from clientlens.rules.sense import SOFTWARE_AFTER, SOFTWARE_AFTER_AMBIGUOUS, SOFTWARE_BEFORE, SOFTWARE_PARTS
from clientlens.types import Mention

_DATA = pattern_data("contracts.json")
CONTRACT_CUES = {name: re.compile(p, re.IGNORECASE) for name, p in _DATA["contract_cues"].items()}
MIN_CONTRACT_CUES = {name: int(n) for name, n in _DATA["min_contract_cues"].items()}
POINTERS = tuple(re.compile(p, re.IGNORECASE) for p in _DATA["elsewhere_pointers"])
NOT_ELSEWHERE = frozenset(w.lower() for w in _DATA["not_elsewhere"])
MIN_PARTY_USES = int(_DATA["min_party_uses"])
EXTRA_BEFORE = frozenset(_DATA["software_before"])
EXTRA_AFTER = tuple(_DATA["software_after"])
_SINGULAR = re.compile(r"[A-Z][a-z]+(?:['’]s?)?")
_WORD_BEFORE = re.compile(r"([A-Za-z][\w-]*)[ \t]+$")
_WORD_AFTER = re.compile(r"[ \t]+([A-Za-z][\w-]*)")


@dataclass(frozen=True)
class Elsewhere:
    """A family word used as a defined party term that the text does not define, and why we think so."""

    term: str
    family: str
    uses: int
    because: str


def contract_cues(text: str) -> tuple[str, ...]:
    """Return the names of the kinds of contract wording found in `text` ("agreement", "shall", ...)."""
    return tuple(name for name, pattern in CONTRACT_CUES.items() if pattern.search(text))


def reads_as_contract(text: str, party: str | None = None, cues: Sequence[str] | None = None) -> bool:
    """Return True when `text` holds enough kinds of contract wording for how it names its party:
    `party` is "defined" (the text defines it), "elsewhere" (only used as defined) or "none"; with
    None, enough for the most lenient of the three. `cues` (from `contract_cues`) saves reading
    the text again."""
    need = MIN_CONTRACT_CUES[party] if party else min(MIN_CONTRACT_CUES.values())
    return len(contract_cues(text) if cues is None else cues) >= need


def pointer(text: str, term: str | None = None) -> str | None:
    """Return the sentence part that sends the reader elsewhere for defined terms (for `term`, when a
    pointer names one), or None."""
    for pattern in POINTERS:
        for m in pattern.finditer(text):
            where = m.group("where")
            if where.split()[0].lower() in NOT_ELSEWHERE:
                continue
            named = m.groupdict().get("term")
            if named is not None and (term is None or named.lower() != term.lower()):
                continue
            return " ".join(m.group(0).split())
    return None


def find_elsewhere(text: str, mentions: Sequence[Mention]) -> Elsewhere | None:
    """Return the family word used as a defined party term with no definition in `text`, or None.

    A use stands as a name when the word is capitalised where the sentence does not explain the
    capital ("to Customer", "the Customer shall"), or starts a sentence with no article
    ("Customer shall pay"); "Customer Data", "a Customer" and "Customer support" do not.
    """
    uses: dict[str, list[str]] = {}
    for m in mentions:
        if _SINGULAR.fullmatch(m.surface) and _stands_as_name(text, m):
            uses.setdefault(m.family, []).append(strip_possessive(m.surface))
    if not uses:
        return None
    family = max(uses, key=lambda f: len(uses[f]))
    term = max(set(uses[family]), key=uses[family].count)
    n = len(uses[family])
    found = pointer(text, term)
    if found is None and n < MIN_PARTY_USES:
        return None
    why = f"{n} uses of \"{term}\" as a name and no definition here"
    return Elsewhere(term, family, n, f"{why}; the text says: {found}" if found else why)


def _stands_as_name(text: str, m: Mention) -> bool:
    ctx = context_at(text, m.start, m.end)
    if ctx.capitalised_neighbour or ctx.prev_lower in GENERIC_BEFORE or ctx.possessive_before:
        return False
    if not ctx.party_like and ctx.prev_lower not in _TAKES_PARTY:
        return False
    if sentence_initial_at(text, m.start):
        return ctx.prev_lower != "the" and ctx.next in _PARTY_VERBS_AFTER
    return True


# Before a bare name: prepositions and verbs that take a party as object ("provide Customer with").
_TAKES_PARTY = frozenset({"to", "by", "for", "with", "from", "of", "against", "between", "and", "or", "provide",
                          "provides", "notify", "notifies", "invoice", "invoices", "give", "gives", "bill", "the"})
_PARTY_VERBS_AFTER = frozenset({"shall", "may", "will", "must", "is", "agrees", "acknowledges", "can", "has",
                                "represents", "warrants", "should", "cannot", "will", "does", "retains",
                                "grants", "owns", "pays"})


def software_cue(text: str, start: int, end: int, surface: str, family: str) -> str | None:
    """Return the word that makes this client a program ("email client", "client-side", "client
    software", "client devices"), or None. A possessive ("Client's server") is the party's."""
    if family != "client":
        return None
    parts = surface.lower().split("-")
    if len(parts) > 1:
        return next((p for p in parts if p in SOFTWARE_PARTS), None)
    if POSSESSIVE_END.search(surface):
        return None
    # Only a word on the same line with nothing but spaces between: "E-MAIL.\n\nClient shall" is no email client.
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    after = _WORD_AFTER.match(text, end, end + 40)
    prev = before.group(1).lower() if before else ""
    nxt = after.group(1).lower() if after else ""
    if prev in SOFTWARE_BEFORE or prev in EXTRA_BEFORE:
        return prev
    following = " ".join(text[end:end + 40].lower().split())
    extra = next((w for w in EXTRA_AFTER if following.startswith(w) and not following[len(w):len(w) + 1].isalpha()),
                 None)
    if extra:
        return extra
    # An ambiguous word after ("client devices") is software only after a lower-case client: "CLIENT
    # NAME" on a signature page and "Client devices" for the party's own kit are the party's.
    if nxt in SOFTWARE_AFTER or (nxt in SOFTWARE_AFTER_AMBIGUOUS and surface.islower()):
        return nxt
    return None
