"""Word lists for the contract rules (rules/contracts.py) and the look-around they use.

Data, not logic: each list says which neighbouring word makes a use of a party word mean the
party ("the client SHALL pay"), someone else ("ANY customer", "customers OF the Agency"), or
part of another term ("Client DATA").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clientlens.rules.families import POSSESSIVE_END

# Party roles that are the served side of a contract when no client/customer term is defined.
SERVED_ROLES = frozenset({"licensee", "purchaser", "buyer", "subscriber", "lessee", "hirer"})

# Openers of a definition that names a class of outsiders rather than one party:
# "Customer" means ANY retailer ...; ANY boatyard ... (the "Customer").
THIRD_PARTY_OPENERS = (
    "any ", "each ", "every ", "all ", "a ", "an ", "those ", "such ", "persons", "person ", "anyone",
    "anybody", "whoever", "customers", "clients", "third part", "end user", "end-user", "members of the public",
    "the customers", "the clients", "the persons", "individuals", "entities", "one or more", "the end user",
    "the end-user", "the end customer", "end customer", "the ultimate", "the user", "the person", "the individual",
    "the purchaser", "the buyer", "the consumer", "the customer", "the client", "the members",
)

# Before the word: these make it someone, not the party ("a customer", "any other client").
GENERIC_BEFORE = frozenset({
    "a", "an", "any", "each", "every", "no", "another", "other", "that", "this", "such", "some", "all",
    "individual", "prospective", "potential", "existing", "new", "former", "its", "their", "his", "her",
    "our", "your", "my", "whose", "which", "those", "these", "one", "certain", "particular", "relevant",
    "applicable", "retail", "end", "trade", "corporate", "commercial", "industrial", "same", "given",
    "private", "business", "key", "major", "large", "small", "direct", "indirect", "ultimate",
})

# After the word: a modal, verb, preposition or adverb shows the word is the party itself
# ("the client SHALL", "invoice the customer MONTHLY"). Any other following word is taken as
# the head of a compound ("the customer TOILETS"), which is not the party.
FOLLOW_WORDS = frozenset({
    "shall", "may", "will", "must", "should", "can", "cannot", "could", "would", "might", "is", "are", "was",
    "were", "be", "been", "has", "have", "had", "does", "did", "do", "agrees", "acknowledges", "accepts",
    "approves", "warrants", "represents", "undertakes", "confirms", "authorises", "authorizes", "elects",
    "requests", "wishes", "pays", "owns", "uses", "receives", "provides", "fails", "terminates", "cancels",
    "notifies", "gives", "makes", "needs", "requires", "wants", "decides", "chooses", "raises", "becomes",
    "remains", "retains", "reserves", "instructs", "consents", "objects", "disputes", "hereby", "also",
    "only", "itself", "themselves", "alone", "in", "on", "at", "by", "for", "from", "with", "within",
    "without", "under", "upon", "to", "and", "or", "nor", "but", "if", "unless", "until", "whether", "who",
    "which", "as", "against", "after", "before", "during", "than", "via", "through", "a", "an", "the", "any",
    "all", "its", "their", "each", "such", "hereunder", "herein", "hereto", "thereof", "pursuant", "first",
    "promptly", "immediately", "directly", "written", "not", "alleges", "claims", "signs", "submits",
    "supplies", "sends", "delivers", "orders", "selects", "specifies", "nominates", "appoints", "ends",
    "reasonably", "at", "about", "then", "so", "where", "when", "while", "once", "jointly", "solely",
    "sole", "concerned", "named", "identified", "referred", "listed", "set", "together", "asks", "breaches",
    "changes", "delays", "owes", "prefers", "rejects", "reports", "returns", "hires", "engages", "signs",
    "transfers", "assigns", "indemnifies", "procures", "ensures", "complies", "cooperates", "co-operates",
    "discloses", "grants", "licenses", "permits", "allows", "refuses", "withholds", "withdraws", "continues",
    "suffers", "incurs", "bears", "holds", "keeps", "obtains", "reimburses", "acquires", "occupies",
    "operates", "requires", "understands", "intends", "expects", "believes", "determines", "considers",
})
# After "the customer" a word in -s followed by one of these is a verb ("the client OWES THE fee"),
# not the head of a compound ("the customer toilets every weekday").
VERB_OBJECT_WORDS = frozenset({"the", "a", "an", "its", "their", "that", "to", "any", "all", "such", "this"})

# "notify the client OF a change": after these verbs "of" does not make a third party.
NOTIFY_VERBS = frozenset({"notify", "notifies", "inform", "informs", "advise", "advises", "remind",
                          "apprise", "warn", "tell", "assure", "relieve", "release", "deprive"})

# Capitalised words that may stand before a defined term without making a longer term of it.
CAPITALISED_FUNCTION = frozenset({
    "The", "A", "An", "Each", "Any", "If", "Where", "When", "Unless", "Provided", "Should", "Neither", "Nor",
    "Both", "Either", "No", "That", "This", "Such", "Every", "All", "Until", "Before", "After", "Upon", "On",
    "In", "For", "By", "To", "From", "With", "Without", "At", "And", "Or", "But", "As", "Once", "While",
    "Whether", "Notwithstanding", "Subject", "Then", "Only", "Unless", "Dear", "Of", "Whereas", "Our",
    "Its", "Their", "Your", "Between", "Against", "Under", "Within", "During", "Except", "Save", "Following",
})

_TOKEN = re.compile(r"[A-Za-z0-9][\w'’.&\-]*[\w]|[A-Za-z0-9]|[^\w\s]|\n")
_QUOTES = frozenset('"“”‘’\'*_')
_PUNCT_PARTY = frozenset(",.;:)!?\n")


@dataclass(frozen=True)
class Around:
    """The words around a use: `prev`/`next` skip quotes; `before` holds up to four lower-case words."""

    prev: str
    next: str
    before: tuple[str, ...]
    capitalised_neighbour: str | None
    possessive_before: bool
    party_like: bool

    @property
    def prev_lower(self) -> str:
        """Return the word before, lower-cased."""
        return self.prev.lower()


def _tokens(window: str) -> list[str]:
    return [t for t in _TOKEN.findall(window) if t not in _QUOTES]


def context_at(text: str, start: int, end: int) -> Around:
    """Return the Around of the use text[start:end] (looking at most 80 characters either side)."""
    left = _tokens(text[max(0, start - 80):start])
    right = _tokens(text[end:end + 80])
    prev = left[-1] if left else ""
    nxt = right[0] if right else ""
    before = tuple(t.lower() for t in left[-4:] if t != "\n")
    surface = text[start:end]
    neighbour = None
    if right and _adjacent(text, end) and nxt[:1].isupper() and nxt.isalpha() and nxt != "I":
        neighbour = nxt
    elif left and _adjacent_before(text, start) and prev[:1].isupper() and prev.isalpha() \
            and prev not in CAPITALISED_FUNCTION and not _sentence_initial(left):
        neighbour = prev
    possessive = bool(re.search(r"\w(?:['’]s|s['’])$", prev))
    next_lower = nxt.lower()
    after = right[1].lower() if len(right) > 1 else ""
    party_like = (not nxt or nxt in _PUNCT_PARTY or next_lower in FOLLOW_WORDS
                  or (next_lower.endswith("ly") and len(next_lower) > 4)
                  or (next_lower.endswith("s") and nxt.islower() and after in VERB_OBJECT_WORDS)
                  or bool(POSSESSIVE_END.search(surface)))
    return Around(prev, next_lower if nxt.isalpha() else nxt, before, neighbour, possessive, party_like)


def _adjacent(text: str, end: int) -> bool:
    return end < len(text) and text[end] in " \t" and end + 1 < len(text) and text[end + 1].isalpha()


def _adjacent_before(text: str, start: int) -> bool:
    return start >= 2 and text[start - 1] in " \t" and text[start - 2].isalpha()


def _sentence_initial(left: list[str]) -> bool:
    """Return True when the last token of `left` starts a sentence, a line or a numbered clause."""
    if len(left) < 2:
        return True
    before = left[-2]
    return before in (".", ":", ";", "!", "?", "\n", "(") or bool(re.fullmatch(r"\(?\d+(?:\.\d+)*\.?\)?", before))


def sentence_initial_at(text: str, start: int) -> bool:
    """Return True when the word at `start` starts a sentence, a line or a numbered clause."""
    return _sentence_initial([*_tokens(text[max(0, start - 80):start]), "word"])
