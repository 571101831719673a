"""detect_mentions: Documents -> Mentions, running spaCy only on windows that hold a family word."""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from typing import Iterable, Iterator, Sequence

from spacy.language import Language

from clientlens.rules.families import FamilySet
from clientlens.rules.mentions import to_mentions
from clientlens.rules.windows import MAX_WINDOW, REACH, mention_windows
from clientlens.types import Document, Mention, Sense

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def candidate_hits(text: str, families: FamilySet) -> list[tuple[int, int]]:
    """Return (start, end) of every regex hit of a family word in `text`."""
    return [m.span() for m in families.finditer(text)]


def detect_mentions(nlp: Language, documents: Sequence[Document], families: FamilySet,
                    batch_size: int = 256, max_sentence: int = 2 * REACH,
                    max_window: int = MAX_WINDOW) -> list[list[Mention]]:
    """Return the mentions of each document, in document order.

    spaCy sees windows of at most `max_window` characters (see `mention_windows`).
    """
    jobs: list[tuple[int, int]] = []
    texts: list[str] = []
    for index, doc in enumerate(documents):
        hits = candidate_hits(doc.text, families)
        body_blocks = [b for b in doc.blocks if b.scope != "code"]
        for lo, hi in mention_windows(doc.text, hits, body_blocks, max_sentence, max_window):
            jobs.append((index, lo))
            texts.append(doc.text[lo:hi])
    results: list[list[Mention]] = [[] for _ in documents]
    for (index, lo), window, sdoc in zip(jobs, texts, nlp.pipe(texts, batch_size=batch_size)):
        doc = documents[index]
        results[index].extend(to_mentions(sdoc, lo, doc.offsets, doc.scope_at, text=window))
    return [mark_discussion(doc.text, found) for doc, found in zip(documents, results)]


def mark_discussion(text: str, mentions: list[Mention]) -> list[Mention]:
    """Return `mentions` with person mentions set to role "discussion" where their paragraph
    also mentions the same word as a word (meta): "the word customer ... a café has customers"
    is talk about the word, not the author's own customers."""
    if not any(m.sense is Sense.META for m in mentions):
        return mentions
    breaks = [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]

    def paragraph(offset: int) -> int:
        return bisect.bisect_right(breaks, offset)

    meta = {(paragraph(m.start), m.family) for m in mentions if m.sense is Sense.META}
    return [replace(m, role="discussion") if m.counts and (paragraph(m.start), m.family) in meta else m
            for m in mentions]


def iter_batches(items: Iterable, size: int) -> Iterator[list]:
    """Yield lists of up to `size` items."""
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
