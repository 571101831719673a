"""Whole corpus pages through the audit's framing path: a document framing per page, and the
neutral weight of the document aggregate chosen on the dev pages.

Like engine.py this module crosses layers (ingest, rules, model, judge); `clientlens train`
hands `choose_page_policy` to the model layer's trainer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from clientlens.types import FRAMING_LABELS, Framing, FramingPolicy, Mention

# Candidate neutral weights: 1 is the plain length-weighted mean of the passages.
NEUTRAL_WEIGHTS = (1.0, 0.75, 0.5, 0.35, 0.25, 0.15, 0.1, 0.05)
# A page whose gold label gets no probability at all costs as much as one at 0.001.
NLL_FLOOR = 1e-3


def _read_pages(pages: Sequence[dict], framer=None):
    """Return each corpus page (its text read as Markdown) as an audit reads it: (documents,
    their mentions decided by `decide_mentions` with `framer`'s sense model when given and given
    roles by the role resolver, and why each discusses the words, None where it does not)."""
    from clientlens.config import Settings
    from clientlens.engine import decide_mentions
    from clientlens.ingest.markdown import load_markdown
    from clientlens.judge.roles import resolve_roles
    from clientlens.rules.families import family_set
    from clientlens.rules.nlp import build_nlp

    documents = [load_markdown(page["text"], page["id"]) for page in pages]
    mentions = decide_mentions(build_nlp(), documents, family_set(), framer)
    settings = Settings()
    resolved = [resolve_roles(doc, ms, settings) for doc, ms in zip(documents, mentions)]
    return documents, [list(ms) for ms, _ in resolved], [roles.discussion for _, roles in resolved]


def page_framings(model, pages: Sequence[dict]) -> tuple[list[list[Framing]], list[str | None], list[list[Mention]]]:
    """Return the passage framings of each corpus page, as an audit computes them with `model`
    (a FramingModel), why each page discusses the words (None where it does not; such a page
    is framed neutral), and its mentions with their roles (document_framing reads them)."""
    from clientlens.model.framer import Framer

    framer = Framer(model)
    documents, mentions, discussions = _read_pages(pages, framer)
    return framer.frame_documents(documents, mentions), discussions, mentions


def page_document_framings(framings: Sequence[Sequence[Framing]], neutral_weight: float,
                           discussions: Sequence[str | None] = (),
                           mentions: Sequence[Sequence[Mention]] = ()) -> list[Framing | None]:
    """Return the document framing of each page under `neutral_weight` (None without passages),
    as the audit's judge.framing.document_framing computes it: a page that discusses the words
    (`discussions`, by position) neutral, and a page that reads neutral framed by the passages
    naming its own people (`mentions`, by position, with roles)."""
    from clientlens.judge.framing import document_framing

    policy = FramingPolicy(neutral_weight=neutral_weight)
    discussions = list(discussions) or [None] * len(framings)
    mentions = list(mentions) or [()] * len(framings)
    return [document_framing(fs, policy, discussion, ms) for fs, discussion, ms in zip(framings, discussions, mentions)]


def page_labels(framings: Sequence[Sequence[Framing]], neutral_weight: float,
                discussions: Sequence[str | None] = (), mentions: Sequence[Sequence[Mention]] = ()) -> list[str]:
    """Return the document framing label of each page (page_document_framings), "none" for a
    page without passages."""
    return [f.label if f else "none" for f in page_document_framings(framings, neutral_weight, discussions, mentions)]


def page_nll(framings: Sequence[Framing | None], gold: Sequence[str]) -> float:
    """Return the mean negative log-likelihood of the gold labels under the document framings'
    scores (a page without passages counts as neutral; probabilities floored at NLL_FLOOR)."""
    from clientlens.model.calibrate import nll

    neutral = {label: float(label == "neutral") for label in FRAMING_LABELS}
    return nll([dict(f.scores) if f else neutral for f in framings], gold, floor=NLL_FLOOR)


def page_calibration_error(pairs: Sequence[tuple[Framing | None, str]]) -> float:
    """Return the expected calibration error of document framings against gold page labels:
    each page's confidence is its framing label's score, right when the label is the gold one
    (a page without passages reads neutral with confidence 1)."""
    from clientlens.model.evaluate import expected_calibration_error

    correct = [(f.label if f else "neutral") == gold for f, gold in pairs]
    confidence = [f.scores[f.label] if f else 1.0 for f, _ in pairs]
    return expected_calibration_error(correct, confidence)


def framing_pages(corpus: Path, split: str, source: str = "pages") -> list[dict]:
    """Return the corpus pages of `split` that carry a framing label, as {id, text, label}:
    the framing shards' pages (`source` "pages"), or the roles pages given a `framing`
    ("roles").

    The roles pages are longer, whole pages written for the role resolver and labelled for
    framing after model 1.4 was trained: the shipped framing model never saw them (only an
    opt-in page loss trains on the train split's), and the page policy is not chosen on them,
    so they check the document framing on copy written for another purpose."""
    from clientlens.model.data import load_records

    path = Path(corpus) / source / f"{split}.jsonl"
    records = load_records(corpus, source, split) if path.is_file() and path.stat().st_size else []
    if source == "roles":
        return [{"id": r["id"], "text": r["text"], "label": r["framing"]} for r in records if r.get("framing")]
    return [{"id": p["id"], "text": p["text"], "label": p["label"]} for p in records]


# Where the page policy is measured: (name in the summary, source, split). It is chosen on the
# sets named in CHOOSE_ON together.
PAGE_SETS = (("dev", "pages", "dev"), ("test", "pages", "test"),
             ("roles train", "roles", "train"), ("roles dev", "roles", "dev"), ("roles test", "roles", "test"))
CHOOSE_ON = ("dev", "roles dev")


def choose_page_policy(model, corpus: Path, limit: int = 0) -> tuple[float, dict]:
    """Return the neutral weight whose document framings give the gold labels of all the corpus's
    dev pages (CHOOSE_ON: the framing shards' and the roles pages' dev splits) the lowest mean
    negative log-likelihood (a tie goes to the larger weight, the nearer to a plain mean), and
    the page framing macro-F1 of every candidate on each of PAGE_SETS that has pages; a corpus
    without dev pages keeps the plain mean (1.0).

    The likelihood, not the macro-F1, chooses: on some fifty to a hundred pages the macro-F1 of
    neighbouring weights differs by one page flipping, while the likelihood moves smoothly with
    how sure each page's framing is. The summary also holds each set's page framing ECE at the
    chosen weight (the page label's probability against whether it is right), as `page_ece`.
    """
    from clientlens.model.evaluate import metrics_from_labels

    sets = {name: framing_pages(corpus, split, source)[:limit or None] for name, source, split in PAGE_SETS}
    if not sets["dev"]:
        return 1.0, {"neutral_weight": 1.0, "note": "no dev pages in the corpus: plain mean"}

    labels = list(FRAMING_LABELS)
    # All sets in one pass: one spaCy pipeline, one batched model call.
    framed, discussions, mentions = page_framings(model, [page for pages in sets.values() for page in pages])
    scores: dict[str, dict[str, float]] = {}
    read: dict[tuple[str, float], list[tuple[Framing | None, str]]] = {}
    start = 0
    for name, pages in sets.items():
        if not pages:
            continue
        part = slice(start, start + len(pages))
        start += len(pages)
        gold = [p["label"] for p in pages]
        scores[name] = {"n": len(pages)}
        for w in NEUTRAL_WEIGHTS:
            documents = page_document_framings(framed[part], w, discussions[part], mentions[part])
            predicted = [f.label if f else "neutral" for f in documents]
            scores[name][str(w)] = metrics_from_labels(gold, predicted, labels).macro_f1
            read[name, w] = list(zip(documents, gold))
    chosen_on = {w: [pair for name in CHOOSE_ON for pair in read.get((name, w), ())] for w in NEUTRAL_WEIGHTS}
    nll = {w: page_nll([f for f, _ in pairs], [g for _, g in pairs]) for w, pairs in chosen_on.items()}
    best = min(NEUTRAL_WEIGHTS, key=lambda w: (round(nll[w], 4), -w))
    page_ece = {name: page_calibration_error(read[name, best]) for name in scores}
    return best, {"neutral_weight": best, "page_macro_f1": scores, "page_ece": page_ece,
                  "chosen_on": {"sets": list(CHOOSE_ON), "n": len(chosen_on[best]),
                                "nll": {str(w): round(v, 4) for w, v in nll.items()}}}


def training_pages(corpus: Path, split: str = "train") -> list[tuple[list[str], list[float], str]]:
    """Return each labelled corpus page of `split` (framing shards' pages and roles pages) as
    (passage texts, passage weights, label): passages cut and weighed as audits cut and weigh
    them, from the rules' mentions (the page loss of `clientlens train` reads these). Pages
    that discuss the words are left out: audits frame them neutral whatever their passages say."""
    from clientlens.judge.framing import text_weight
    from clientlens.model.passages import passages_for

    pages = framing_pages(corpus, split, "pages") + framing_pages(corpus, split, "roles")
    documents, mentions, discussions = _read_pages(pages)
    out = []
    for page, doc, ms, discussion in zip(pages, documents, mentions, discussions):
        if discussion:
            continue
        passages = passages_for(doc, ms)
        if passages:
            out.append(([p.text for p in passages], [text_weight(p.text) for p in passages], page["label"]))
    return out
