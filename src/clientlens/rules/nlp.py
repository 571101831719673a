"""build_nlp: the spaCy pipeline the rules run in (blank English + our component)."""

from __future__ import annotations

from typing import Mapping

import spacy
from spacy.language import Language

import clientlens.rules.mentions  # noqa: F401 - registers the "clientlens_mentions" factory


def build_nlp(families: Mapping[str, tuple[str, ...]] | None = None) -> Language:
    """Return a blank English pipeline with `clientlens_mentions` added.

    The rules need tokens only, so no tagger or parser runs: that keeps the audit fast.
    """
    nlp = spacy.blank("en")
    nlp.add_pipe("clientlens_mentions", config={"families": {k: list(v) for k, v in (families or {}).items()}})
    return nlp
