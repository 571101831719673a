"""Definitions of capitalised terms in a contract, and whether each names a party to it.

Forms found, with straight or curly quotes: ("Client"), (the "Customer"), (including its
Affiliates, "Customer"), hereinafter "the Client", hereinafter referred to as "Customer",
"Customer" means / shall mean / refers to / is defined as; a definitions-list line that starts
Client means ... without quotes; in the parties clause also a bare (Client), as text copied
out of a PDF often has it. A pointer such as "Customer" has the
meaning given in the Preamble is not a definition: it defines nothing new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from clientlens.rules.contract_words import THIRD_PARTY_OPENERS

_OPEN, _CLOSE = "[\"“”„‘']", "[\"”“’']"
# A term is up to five capitalised words; "CUSTOMER(S)" defines the singular and plural at once.
_TERM = r"(?P<term>[A-Z][\w&\-]*(?:[ \t]+[A-Z][\w&\-]*){0,4})(?:\((?:s|S|es|ES)\))?"
_QUOTED = re.compile(rf"{_OPEN}(?:the\s+)?{_TERM}{_CLOSE}")
# A parenthesis that holds a quoted term: (the "Client"), ("REIT" or the "Company").
_PAREN = re.compile(r"\((?=[^()\n]{0,160}?[\"“”‘'](?:the\s+)?[A-Z])[^()\n]{0,240}\)")
_HEREIN = re.compile(
    rf"\b(?i:hereinafter|hereafter)\b[\s,]*(?:(?i:referred\s+to|called|known|designated)\s+(?:(?i:herein)\s+)?"
    rf"(?:(?i:as)\s+)?)?(?:(?i:the)\s+)?{_OPEN}(?:(?i:the)\s+)?{_TERM}{_CLOSE}")
_REFERRED = re.compile(rf"\b(?:referred\s+to\s+(?:herein\s+)?as|called)\s+(?:the\s+)?{_OPEN}(?:the\s+)?{_TERM}{_CLOSE}")
_MEANS = re.compile(rf"{_OPEN}{_TERM}{_CLOSE}\s*,?\s*(?:shall\s+mean|means|shall\s+refer\s+to|refers\s+to|"
                    rf"is\s+defined\s+as)\b")
_PARTIES_CUE = re.compile(r"\b(?:by\s+and\s+)?between\b|^\s*Parties\b|\baddressed\s+to\b|\bentered\s+into\s+by\b",
                          re.IGNORECASE | re.MULTILINE)
_SENTENCE_END = re.compile(r"\n[ \t]*\n|\.(?=\s+[A-Z0-9])")
_ABBREVIATION = re.compile(r"\b(?:Inc|Ltd|Co|Corp|L\.L\.C|LLC|N\.A|S\.A|No|St|plc|P\.C|L\.P|LP|B\.V|GmbH|AG)$", re.IGNORECASE)
_CLAUSE_START = re.compile(r"[.;:!?]\s|\n|\bbetween\b|\band\b")
_NUMBERING = re.compile(r"^\s*(?:\(?\d+(?:\.\d+)*\)?\.?|\(?[a-z]{1,3}\))\s+")
# An unquoted one-word term opening a definitions-list line: "(a) Client means any person who ...".
_BARE_MEANS = re.compile(r"^[ \t]*(?:\(?[0-9a-z]{1,3}(?:\.[0-9]{1,3})*[.)]?[ \t]+)?(?P<term>[A-Z][a-z]+)[ \t]+"
                         r"(?:means|shall\s+mean)\b", re.MULTILINE)
_NOT_A_TERM = frozenset({"This", "That", "It", "Which", "What", "Who", "There", "Such", "Each", "Nothing", "Notice"})
# An unquoted one-word name in brackets, only trusted inside the parties clause: "and (Client) Acme Inc.".
_BARE_PAREN = re.compile(r"\(\s*(?:the\s+)?(?P<term>[A-Z][a-z]{2,})\s*\)")
# Where a clause starts: a blank line, or a clause number at a line start or after a full stop.
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_CLAUSE_NUMBER = re.compile(r"(?:^|(?<=[.;:]\s))[ \t]*(?:\d{1,3}(?:\.\d{1,3})*\.?|[A-Z]\.|ARTICLE\s+\w+)[ \t]+(?=[A-Z(\"“])",
                            re.MULTILINE)
_SENTENCE_START = re.compile(r"[.!?]\s+(?=[A-Z0-9(\"“])")
_CLAUSE_REACH = 1500
# A party described only by its place in this contract: "the Entity entering into this Agreement",
# "IBM's Customer to whom the Services are provided", "The Undersigned".
_BY_ROLE = re.compile(r"\s*(?:the\s+)?undersigned\b|\s*(?:[\w'’-]+\s+){0,3}?(?:entering\s+into|signing|that\s+signs|"
                      r"who\s+signs|to\s+whom)\b[^.;]{0,80}?\b(?:this|the)\s+(?-i:[A-Z])", re.IGNORECASE)


@dataclass(frozen=True)
class Definition:
    """One place where a term is defined: the term, the defining span and whether it names a party.

    `form` is "parenthetical", "hereinafter" or "means"; `because` says why `is_party` was decided.
    """

    term: str
    start: int
    end: int
    form: str
    is_party: bool
    because: str

    @property
    def words(self) -> int:
        """Return the number of words in the term."""
        return len(self.term.split())


def find_definitions(text: str) -> list[Definition]:
    """Return every definition of a capitalised term in `text`, in text order, one per term and place."""
    found: list[tuple[int, int, str, str]] = []
    for paren in _PAREN.finditer(text):
        for quoted in _QUOTED.finditer(paren.group(0)):
            found.append((paren.start(), paren.end(), quoted.group("term"), "parenthetical"))
    for pattern, form in ((_HEREIN, "hereinafter"), (_REFERRED, "hereinafter"), (_MEANS, "means")):
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), m.group("term"), form))
    for m in _BARE_MEANS.finditer(text):
        if m.group("term") not in _NOT_A_TERM:
            found.append((m.start("term"), m.end(), m.group("term"), "means"))
    parties = parties_clause(text)
    if parties is not None:
        for m in _BARE_PAREN.finditer(text, *parties):
            found.append((m.start(), m.end(), m.group("term"), "parenthetical"))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[Definition] = []
    for start, end, term, form in found:
        if any(d.term == term and d.start <= end and start <= d.end for d in kept):
            continue  # (hereinafter "Client") matches twice
        is_party, because = _party_verdict(text, start, end, form, parties, found)
        kept.append(Definition(term, start, end, form, is_party, because))
    return kept


def parties_clause(text: str) -> tuple[int, int] | None:
    """Return the span of the clause that names the parties ("made between A and B"), or None."""
    cue = _PARTIES_CUE.search(text, 0, min(len(text), 6000))
    if cue is None:
        return None
    for end in _SENTENCE_END.finditer(text, cue.end(), min(len(text), cue.end() + 2000)):
        before = text[cue.start():end.start()].rstrip()
        if end.group(0).startswith(".") and _ABBREVIATION.search(before[-6:]):
            continue
        # "BETWEEN:" and "(1) Acme Ltd (the "Company"); and" go on in the next paragraph.
        if end.group(0).startswith("\n") and (before.endswith((":", ";", ",")) or before.lower().endswith(" and")
                                               or len(before) < 30):
            continue
        return cue.start(), end.start()
    return cue.start(), min(len(text), cue.end() + 2000)


def defining_clause_start(text: str, definition: Definition) -> int:
    """Return where the clause that holds `definition` starts: the parties clause, else the last blank
    line or clause number before it (within 1,500 characters), else its sentence."""
    parties = parties_clause(text)
    if parties is not None and parties[0] <= definition.start < parties[1]:
        return parties[0]
    lo = max(0, definition.start - _CLAUSE_REACH)
    starts = [m.end() for m in _BLANK_LINE.finditer(text, lo, definition.start)]
    starts += [m.start() for m in _CLAUSE_NUMBER.finditer(text, lo, definition.start)]
    if not starts:
        starts = [m.end() for m in _SENTENCE_START.finditer(text, lo, definition.start)]
    return max(starts, default=lo)


def _party_verdict(text: str, start: int, end: int, form: str, parties: tuple[int, int] | None,
                   found: Sequence[tuple[int, int, str, str]]) -> tuple[bool, str]:
    if form == "means":
        opener = _opener(text[end:end + 80])
        return (False, f"means {opener}...") if opener else (True, "means a named party")
    clause = _clause_before(text, start)
    opener = _opener(_NUMBERING.sub("", clause))
    if opener:
        return False, f"defines {opener}..."
    if re.search(r"\b(?:a|an|any|each|every)\s+(?:customer|client)s?\s*$", clause.lower()):
        return False, "defines a customer of someone else"
    if parties is not None and not parties[0] <= start < parties[1]:
        named = {f[2] for f in found if parties[0] <= f[0] < parties[1] and f[3] != "means"}
        if len(named) >= 2:
            return False, f"the parties are {' and '.join(sorted(named)[:3])}"
    return True, "in the parties clause" if parties and parties[0] <= start < parties[1] else "names a party"


def _opener(words: str) -> str | None:
    """Return the words that make a definition name a class of outsiders ("any", "the end user"), or None."""
    lowered = " ".join(words.split()).lower()
    return next((w.strip() for w in THIRD_PARTY_OPENERS if lowered.startswith(w)), None)


def _clause_before(text: str, start: int) -> str:
    window = text[max(0, start - 300):start]
    last = None
    for m in _CLAUSE_START.finditer(window):
        if m.group(0).startswith(".") and _ABBREVIATION.search(window[max(0, m.start() - 6):m.start()]):
            continue
        last = m
    return window[last.end():] if last else window


def party_name(text: str, definition: Definition) -> str | None:
    """Return the name the contract gives the party at `definition` ("Acme Ltd"), or None if unclear."""
    if definition.form == "means":
        after = re.match(r"\s*([A-Z][^,.;\n(]{2,80}?)(?:,|\.\s|\.$|;|\n|\(| and | together|$)",
                         text[definition.end:definition.end + 120])
        return after.group(1).strip() if after else None
    before = text[max(0, definition.start - 200):definition.start]
    pieces = re.split(r"\bbetween\b|\band\b|\bAND\b|[;\n]|\(\d+\)|:", before)
    clause = pieces[-1].strip() if pieces else ""
    # The name runs from the first capital of the clause to the next comma ("on behalf of Acme Ltd").
    name = re.search(r"([A-Z][^,]{2,80}?)(?:,|$)", clause)
    return name.group(1).strip() if name else None


def restates(text: str, first: Definition, other: Definition) -> bool:
    """Return True when `other` names the same party as `first`: in the same words (a restatement in a
    schedule or signature block), or by its place in this contract alone ("the entity entering into
    this Agreement", "the Undersigned"), which names no one new."""
    if other.form == "means":
        sentence = re.match(r"\s*([^;\n]*?)(?:\.\s|\.$|;|\n|$)", text[other.end:other.end + 300])
        theirs = sentence.group(1) if sentence else ""
    else:
        theirs = party_name(text, other) or ""
    if _BY_ROLE.match(theirs):
        return True
    ours = party_name(text, first) or ""
    return bool(ours) and _normal(ours) == _normal(theirs)


def _normal(name: str) -> str:
    return " ".join(re.sub(r"^the\s+", "", re.sub(r"[^\w\s]", " ", name.lower())).split())
