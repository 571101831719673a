"""detect_mentions: Documents -> Mentions, running spaCy only on windows that hold a family word."""

from __future__ import annotations

from typing import Iterable, Iterator, Sequence

from spacy.language import Language

from clientlens.rules.families import FamilySet
from clientlens.rules.mentions import to_mentions
from clientlens.rules.windows import MAX_WINDOW, REACH, mention_windows
from clientlens.types import Document, Mention


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
    return results


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
