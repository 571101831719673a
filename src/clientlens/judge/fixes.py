"""Rewrite a mention into another family, keeping case, number, possessive and compounds."""

from __future__ import annotations

import os
import re

from clientlens.rules.families import COLLECTIVE, FamilySet

_POSSESSIVE = re.compile(r"(['’]s?)$", re.IGNORECASE)
# "a"/"an" right before the mention, across spaces, one line break or emphasis marks.
_ARTICLE = re.compile(r"(?<![\w'’&;-])(an|a)(?:[ \t]+|[ \t]*\r?\n[ \t]*)[*_]{0,3}$", re.IGNORECASE)


def rewrite(surface: str, target: str, families: FamilySet) -> str:
    """Return `surface` rewritten into family `target` ("Customers'" -> "Clients'")."""
    possessive_match = _POSSESSIVE.search(surface)
    possessive = possessive_match.group(1) if possessive_match else ""
    body = surface[: len(surface) - len(possessive)] if possessive else surface
    parts = body.split("-")
    singular, plural = families.singular_plural(target)
    number = _number_of_forms(families)
    # Longest runs of parts first: a family form may itself be hyphenated ("end-user").
    for size in range(len(parts), 0, -1):
        hit = next((i for i in range(len(parts) - size + 1)
                    if "-".join(parts[i:i + size]).lower() in number), None)
        if hit is not None:
            word = "-".join(parts[hit:hit + size])
            parts[hit:hit + size] = [match_case(word, plural if number[word.lower()] == "plural" else singular)]
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


# Spelled with a vowel but said with a consonant ("a user", "a union"), and the reverse ("an hour").
_CONSONANT_SOUND = ("one", "once", "uni", "use", "usi", "usu", "uti", "ure", "uro", "eu", "ewe", "ubi")
_VOWEL_SOUND = ("hour", "honest", "honour", "honor", "heir")


def indefinite_article(word: str) -> str:
    """Return "an" when `word` starts with a vowel sound, else "a" (a small rule with exceptions)."""
    lower = word.lower().lstrip("\"'‘“(")
    if lower.startswith(_VOWEL_SOUND):
        return "an"
    if lower.startswith(_CONSONANT_SOUND):
        return "a"
    return "an" if lower[:1] in ("a", "e", "i", "o", "u") else "a"


def fix_article(article: str, word: str) -> str:
    """Return the indefinite article to put before `word`, in the case of `article` ("A" -> "An")."""
    wanted = indefinite_article(word)
    return article if article.lower() == wanted else match_case(article, wanted)


def word_edits(text: str, start: int, surface: str, suggestion: str) -> list[tuple[int, int, str]]:
    """Return the (start, end, replacement) edits of `text` that turn `surface` at `start` into `suggestion`.

    The ending the two words share is left in place (`customers` -> `clients` replaces
    `customer`), so an entity in an HTML source's possessive (`customer&rsquo;s`) survives;
    an "a"/"an" right before the word is changed to suit the new word's first sound. Empty
    when nothing changes.
    """
    if surface == suggestion:
        return []
    suffix = len(os.path.commonprefix([surface[::-1], suggestion[::-1]]))
    suffix = min(suffix, len(surface) - 1, len(suggestion) - 1)  # never an empty replacement of a whole word
    edits = [(start, start + len(surface) - suffix, suggestion[:len(suggestion) - suffix])]
    article = _ARTICLE.search(text, max(0, start - 16), start)
    if article is not None:
        old = article.group(1)
        new = fix_article(old, suggestion)
        if new != old:
            edits.insert(0, (article.start(1), article.end(1), new))
    return edits
