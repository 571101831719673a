"""Rewrite a mention into another family, keeping case, number, possessive and compounds."""

from __future__ import annotations

import re

from clientlens.rules.families import COLLECTIVE, FamilySet

_POSSESSIVE = re.compile(r"(['’]s?)$", re.IGNORECASE)


def rewrite(surface: str, target: str, families: FamilySet) -> str:
    """Return `surface` rewritten into family `target` ("Customers'" -> "Clients'")."""
    possessive_match = _POSSESSIVE.search(surface)
    possessive = possessive_match.group(1) if possessive_match else ""
    body = surface[: len(surface) - len(possessive)] if possessive else surface
    parts = body.split("-")
    singular, plural = families.singular_plural(target)
    number = _number_of_forms(families)
    for i, part in enumerate(parts):
        lower = part.lower()
        if lower in number:
            parts[i] = match_case(part, plural if number[lower] == "plural" else singular)
            break
    rewritten = "-".join(parts)
    if possessive == "'" and not rewritten.endswith("s"):
        possessive = "'s"
    return rewritten + possessive


def _number_of_forms(families: FamilySet) -> dict[str, str]:
    number = {}
    for name in families.families:
        singular, plural = families.singular_plural(name)
        number[singular] = "singular"
        number[plural] = "plural"
    return number | {word: "plural" for word in COLLECTIVE}


def match_case(model: str, word: str) -> str:
    """Return `word` in the case pattern of `model` (UPPER, Title or lower)."""
    if len(model) > 1 and model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
