"""Mention sense from the model, for mentions the rules left unsure."""

from __future__ import annotations

from typing import Sequence

from clientlens.types import SenseVote


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
