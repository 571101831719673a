"""Term families and their surface forms, compiled into one mention regex.

A mention is a whole token that contains a family word: the word itself, its plural,
possessives with straight or curly apostrophes, and hyphenated compounds
(client-centric, attorney-client, end-customer). "clientlens" is not a mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Mapping

BUILTIN_FAMILIES: dict[str, tuple[str, ...]] = {
    "client": ("client", "clients", "clientele"),
    "customer": ("customer", "customers"),
}
COLLECTIVE = frozenset({"clientele"})
# What [A-Za-z] matches under re.IGNORECASE (four non-ASCII letters fold to ASCII ones), plus "-":
# the characters a mention's hyphenated prefix is made of.
_PREFIX_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-\u0130\u0131\u017f\u212a")


@dataclass(frozen=True)
class FamilySet:
    """The families in force and the compiled regex that finds their mentions."""

    families: Mapping[str, tuple[str, ...]]
    pattern: re.Pattern[str]
    group_family: Mapping[str, str]
    words: re.Pattern[str] | None = None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Yield the matches of `pattern` in `text`, exactly as `pattern.finditer(text)` does, faster.

        Every match holds a family word, and the plain word search is several times faster
        than the full pattern. From each word not inside the last match, the full pattern
        searches on from the start of the letters and hyphens before it: no match can straddle
        that point, so the search finds the same next match as a scan from the text's start.
        """
        if self.words is None:
            yield from self.pattern.finditer(text)
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
            yield match
            done = match.end()
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
    return FamilySet(dict(items), re.compile(regex, re.IGNORECASE), group_family, re.compile(words, re.IGNORECASE))


def family_set(extra: Mapping[str, tuple[str, ...]] | None = None) -> FamilySet:
    """Return the FamilySet for the built-in families plus `extra` ones (cached)."""
    merged = dict(BUILTIN_FAMILIES)
    for name, forms in (extra or {}).items():
        merged[name] = tuple(f.lower() for f in forms)
    return _compile(tuple(sorted(merged.items())))


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
