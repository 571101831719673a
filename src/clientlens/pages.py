"""Whole corpus pages through the audit's framing path: a document framing per page, and the
neutral weight of the document aggregate chosen on the dev pages.

Like engine.py this module crosses layers (ingest, rules, model, judge); `clientlens train`
hands `choose_page_policy` to the model layer's trainer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from clientlens.types import FRAMING_LABELS, Framing, FramingPolicy

# Candidate neutral weights: 1 is the plain length-weighted mean of the passages.
NEUTRAL_WEIGHTS = (1.0, 0.75, 0.5, 0.35, 0.25, 0.15, 0.1, 0.05)


def page_framings(model, pages: Sequence[dict]) -> list[list[Framing]]:
    """Return the passage framings of each corpus page (its text read as Markdown), as an audit
    computes them with `model` (a FramingModel)."""
    from clientlens.ingest.markdown import load_markdown
    from clientlens.model.framer import Framer
    from clientlens.rules.detect import detect_mentions
    from clientlens.rules.families import family_set
    from clientlens.rules.nlp import build_nlp

    documents = [load_markdown(page["text"], page["id"]) for page in pages]
    mentions = detect_mentions(build_nlp(), documents, family_set())
    return Framer(model).frame_documents(documents, mentions)


def page_labels(framings: Sequence[Sequence[Framing]], neutral_weight: float) -> list[str]:
    """Return the document framing label of each page under `neutral_weight` ("none" without passages)."""
    from clientlens.judge.framing import document_framing

    policy = FramingPolicy(neutral_weight=neutral_weight)
    out = []
    for fs in framings:
        framing = document_framing(fs, policy)
        out.append(framing.label if framing else "none")
    return out


def choose_page_policy(model, corpus: Path, limit: int = 0) -> tuple[float, dict]:
    """Return the neutral weight with the best page framing macro-F1 on the corpus's dev pages
    (a tie goes to the larger weight, the nearer to a plain mean), and the scores of every
    candidate on dev and test; a corpus without dev pages keeps the plain mean (1.0)."""
    from clientlens.model.data import load_records
    from clientlens.model.evaluate import metrics_from_labels

    def pages_of(split: str) -> list[dict]:
        path = Path(corpus) / "pages" / f"{split}.jsonl"
        return load_records(corpus, "pages", split) if path.is_file() and path.stat().st_size else []

    if not pages_of("dev"):
        return 1.0, {"neutral_weight": 1.0, "note": "no dev pages in the corpus: plain mean"}

    labels = list(FRAMING_LABELS)
    scores: dict[str, dict[str, float]] = {}
    for split in ("dev", "test"):
        pages = pages_of(split)
        if limit:
            pages = pages[:limit]
        framed = page_framings(model, pages)
        gold = [p["label"] for p in pages]
        scores[split] = {str(w): metrics_from_labels(gold, [x if x in labels else "neutral" for x in
                                                            page_labels(framed, w)], labels).macro_f1
                         for w in NEUTRAL_WEIGHTS}
        scores[split]["n"] = len(pages)
    best = max(NEUTRAL_WEIGHTS, key=lambda w: (scores["dev"][str(w)], w))
    return best, {"neutral_weight": best, "page_macro_f1": scores}
