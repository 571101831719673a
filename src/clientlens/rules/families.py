"""Term families and their surface forms, compiled into one mention regex.

A mention is a whole token that contains a family word: the word itself, its plural,
possessives with straight or curly apostrophes, and hyphenated compounds
(client-centric, attorney-client, end-customer). "clientlens" is not a mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

BUILTIN_FAMILIES: dict[str, tuple[str, ...]] = {
    "client": ("client", "clients", "clientele"),
    "customer": ("customer", "customers"),
}
COLLECTIVE = frozenset({"clientele"})


@dataclass(frozen=True)
class FamilySet:
    """The families in force and the compiled regex that finds their mentions."""

    families: Mapping[str, tuple[str, ...]]
    pattern: re.Pattern[str]
    group_family: Mapping[str, str]

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
    return FamilySet(dict(items), re.compile(regex, re.IGNORECASE), group_family)


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
