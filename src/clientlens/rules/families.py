"""Term families and their surface forms, compiled into one mention regex.

A mention is a whole token that contains a family word: the word itself, its plural,
possessives with straight or curly apostrophes, and hyphenated compounds
(client-centric, attorney-client, end-customer). "clientlens" is not a mention, and neither
is a word glued to a path, file name, URL, anchor or identifier (`in_code_token`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Mapping
from clientlens.rules.data import pattern_data

BUILTIN_FAMILIES: dict[str, tuple[str, ...]] = {
    "client": ("client", "clients", "clientele"),
    "customer": ("customer", "customers"),
}
COLLECTIVE = frozenset({"clientele"})
# A final possessive: 's, ’s, or the bare apostrophe after a plural s.
POSSESSIVE_END = re.compile(r"['’]s?$")
# What [A-Za-z] matches under re.IGNORECASE (four non-ASCII letters fold to ASCII ones), plus "-":
# the characters a mention's hyphenated prefix is made of.
_PREFIX_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-\u0130\u0131\u017f\u212a")
_GLUE = pattern_data("glue.json")
_SENTENCE_END = _GLUE["sentence_punctuation"]
_EMPHASIS = _GLUE["emphasis"]
_PROSE_ALTERNATIVES = re.compile(_GLUE["prose_alternatives"])
GLUE_REACH = 100  # a longer glued run is no prose word either: it is code or data
# A code token is a run of letters, digits, hyphens and code characters. (Letters glued straight
# to a family word never reach here: the family regex refuses clientlens and getClient.)
_GLUED_CHAR = re.compile("[\\w" + re.escape(_GLUE["code_characters"]) + "-]")
_GLUED = re.compile(_GLUED_CHAR.pattern + "*")
_GLUE_CHARS = frozenset(_GLUE["code_characters"] + "-")


def in_code_token(text: str, start: int, end: int) -> bool:
    """Return True when the word text[start:end] is part of code, not prose.

    The characters glued to the word (no space between) decide: `client_id`, `/client-org-setup/`,
    `provider-add-client.png`, `#customers`, `customer.name` and `{client}` are code.
    Sentence punctuation after the word, emphasis underscores on both sides (`_clients_`)
    and words joined by slashes (`clients/customers`) are prose.
    """
    return _code_run_end(text, start, end) is not None


def _code_run_end(text: str, start: int, end: int) -> int | None:
    """Return where the code token holding text[start:end] ends, or None when the word is prose."""
    if not _GLUED_CHAR.match(text, start - 1 if start else 0, start):
        stop = end  # the common case, a word alone or before its sentence's punctuation: no slow path
        while stop < len(text) and text[stop] in _SENTENCE_END:
            stop += 1
        if not _GLUED_CHAR.match(text, stop):
            return None
    lo = start - _GLUED.match(text[max(0, start - GLUE_REACH):start][::-1]).end()
    hi = _GLUED.match(text, end, end + GLUE_REACH).end()
    before, after = text[lo:start], text[end:hi].rstrip(_SENTENCE_END)
    if not before and not after:
        return None
    if before and after and not before.strip(_EMPHASIS) and not after.strip(_EMPHASIS):
        return None
    slashes = before.count("/") + after.count("/")
    if 0 < slashes <= 3 and _PROSE_ALTERNATIVES.fullmatch(text[lo:end] + after):
        return None
    return hi


@dataclass(frozen=True)
class FamilySet:
    """The families in force and the compiled regex that finds their mentions."""

    families: Mapping[str, tuple[str, ...]]
    pattern: re.Pattern[str]
    group_family: Mapping[str, str]
    words: re.Pattern[str] | None = None
    forms: frozenset[str] = frozenset()

    def is_word(self, word: str) -> bool:
        """Return True when `word` is one of the families' word forms, possessive or not, in any case
        ("Clients'", "customer's", a configured "patients"); a compound such as "client-side" is not."""
        return strip_possessive(word.lower()) in self.forms

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Yield the mentions in `text`: the matches of `pattern` not inside code (`in_code_token`).

        This is `pattern.finditer(text)` without the code matches, only faster.

        Every match holds a family word, and the plain word search is several times faster
        than the full pattern. From each word not inside the last match, the full pattern
        searches on from the start of the letters and hyphens before it: no match can straddle
        that point, so the search finds the same next match as a scan from the text's start.
        """
        if self.words is None:
            yield from (m for m in self.pattern.finditer(text) if not in_code_token(text, m.start(), m.end()))
            return
        done = at = 0
        while (word := self.words.search(text, at)) is not None:
            start = word.start()
            at = start + 1
            if start < done:
                continue
            while start > done and text[start - 1] in _PREFIX_CHARS:
                start -= 1
            match = self.pattern.search(text, start)
            if match is None:
                return
            end = match.end()
            before = text[match.start() - 1] if match.start() else " "
            after = text[end] if end < len(text) else " "
            if after in _SENTENCE_END and end + 1 < len(text):  # "clients." ends a sentence unless more is glued on
                after = text[end + 1]
            # Most words have a space or a comma on each side: only a glued character needs a closer look.
            glued = before in _GLUE_CHARS or before.isalnum() or after in _GLUE_CHARS or after.isalnum()
            code_end = _code_run_end(text, match.start(), end) if glued else None
            if code_end is None:
                yield match
            # Every later word inside the same code token is code too: skip past it.
            done = max(match.end(), code_end or 0)
            at = max(at, done)

    def family_of(self, match: re.Match[str]) -> str:
        """Return the family name of a match of `pattern`."""
        return self.group_family[match.lastgroup or ""]

    def singular_plural(self, family: str) -> tuple[str, str]:
        """Return the (singular, plural) forms used to rewrite towards `family`."""
        forms = self.families[family]
        singular = forms[0]
        plural = forms[1] if len(forms) > 1 else singular + "s"
        return singular, plural


@lru_cache(maxsize=16)
def _compile(items: tuple[tuple[str, tuple[str, ...]], ...]) -> FamilySet:
    alternatives = []
    group_family = {}
    for index, (name, forms) in enumerate(items):
        group = f"f{index}"
        group_family[group] = name
        words = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        alternatives.append(f"(?P<{group}>{words})")
    core = "|".join(alternatives)
    # Prefix and suffix compounds are letters joined by hyphens; the possessive is 's / ’s,
    # or a bare apostrophe after a plural s.
    # Underscores are not word characters here, so _customer_ (Markdown emphasis) still matches.
    regex = (rf"(?<![^\W_])(?<!-)(?:[A-Za-z]+-)*(?:{core})(?:['’]s|(?<=s)['’](?![^\W_]))?"
             rf"(?:-[A-Za-z]+)*(?![^\W_])")
    words = "|".join(re.escape(f) for _, forms in items for f in sorted(forms, key=len, reverse=True))
    forms = frozenset(f.lower() for _, fs in items for f in fs)
    return FamilySet(dict(items), re.compile(regex, re.IGNORECASE), group_family, re.compile(words, re.IGNORECASE), forms)


def family_set(extra: Mapping[str, tuple[str, ...]] | None = None) -> FamilySet:
    """Return the FamilySet for the built-in families plus `extra` ones (cached)."""
    merged = dict(BUILTIN_FAMILIES)
    for name, forms in (extra or {}).items():
        merged[name] = tuple(f.lower() for f in forms)
    return _compile(tuple(sorted(merged.items())))


def strip_possessive(word: str) -> str:
    """Return `word` without a final possessive ("client's" -> "client", "clients'" -> "clients")."""
    return POSSESSIVE_END.sub("", word)


def trim_closing_quote(text: str, start: int, end: int) -> int:
    """Return `end` without a trailing apostrophe that closes a quote opened before `start`.

    In 'clients' the final ' closes the quote; it is not a plural possessive.
    """
    if end - start < 2 or text[end - 1] not in "'’":
        return end
    opener = text[start - 1] if start > 0 else ""
    if (text[end - 1] == "'" and opener == "'") or (text[end - 1] == "’" and opener == "‘"):
        return end - 1
    return end
