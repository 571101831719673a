"""Mention sense from the model, for mentions the rules left unsure."""

from __future__ import annotations

from typing import Mapping, Sequence

from clientlens.types import SenseVote

META = "meta"


def model_sense(probs: Mapping[str, float], vote: SenseVote | None, meta_bar: float = 0.0) -> str:
    """Return the sense the model gives a mention: its most probable one, except that a meta
    reading over a rule vote that is not meta needs a probability of at least `meta_bar`; below
    it the most probable other sense stands.

    The corpus that taught the model is a quarter meta (it has to teach the reading), real copy
    hardly ever talks about the word, and the rules already catch the common shapes of talk
    about the word (quotes, "the word", "we call"). So an unmarked meta reading needs more
    evidence than the corpus' prior suggests; the bar is chosen on the dev split at training.
    """
    sense = max(probs, key=probs.get)
    if sense == META and probs[sense] < meta_bar and (vote is None or vote.sense.value != META):
        sense = max((k for k in probs if k != META), key=probs.get)
    return sense


def rule_senses(records: Sequence[dict]) -> list[SenseVote | None]:
    """Return the rules' vote for every labelled mention of sense records (None if not found)."""
    from clientlens.rules.mentions import SpanDecision, char_bounds
    from clientlens.rules.nlp import build_nlp

    nlp = build_nlp()
    out: list[SenseVote | None] = []
    for record, doc in zip(records, nlp.pipe([r["text"] for r in records], batch_size=256)):
        found = {}
        for span in doc.spans.get("clientlens", []):
            decision: SpanDecision | None = span._.clientlens
            if decision is not None:
                found[char_bounds(span)] = decision.vote
        for m in record["mentions"]:
            out.append(found.get((m["start"], m["end"])))
    return out
