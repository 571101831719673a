"""Framer: what the audit engine asks of the model layer (framings, and senses the rules left unsure)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Sequence

from clientlens.model.framing import FramingModel
from clientlens.model.passages import passages_for
from clientlens.model.sense import model_sense
from clientlens.types import Document, Framing, Mention, Sense, SenseVote


class Framer:
    """Wraps one loaded FramingModel for the engine."""

    def __init__(self, model: FramingModel) -> None:
        self.model = model
        self.info = model.info
        self.tag = f"{model.info.name}@{model.info.version}"

    @classmethod
    def load(cls, model_dir: Path, quantize: bool = False) -> "Framer":
        """Return a Framer over the model in `model_dir`."""
        return cls(FramingModel.load(model_dir, quantize=quantize))

    def refine_senses(self, documents: Sequence[Document], mentions: Sequence[Sequence[Mention]]) -> list[list[Mention]]:
        """Return the mentions with the model's sense where the rules were less sure than the
        model's saved threshold (chosen on the dev split when the model was trained), a meta
        reading only where it clears the model's meta bar (model_sense)."""
        from clientlens.model.passages import mention_passage

        jobs = []
        for d, (doc, ms) in enumerate(zip(documents, mentions)):
            for i, m in enumerate(ms):
                if m.confidence < self.model.config.sense_threshold:
                    lo, hi = mention_passage(doc.text, m.start, m.end)
                    vote = SenseVote(m.sense, m.confidence, m.decided_by, m.cue)
                    jobs.append((d, i, (doc.text[lo:hi], m.start - lo, m.end - lo, vote)))
        out = [list(ms) for ms in mentions]
        if not jobs:
            return out
        probs = self.model.predict_sense([item for _, _, item in jobs])
        for (d, i, item), p in zip(jobs, probs):
            sense = model_sense(p, item[3], self.model.config.sense_meta_bar)
            m = out[d][i]
            if sense != m.sense.value or p[sense] > m.confidence:
                out[d][i] = replace(m, sense=Sense(sense), confidence=round(p[sense], 3),
                                    decided_by=f"model:{self.tag}", cue=m.cue)
        return out

    def frame_documents(self, documents: Sequence[Document], mentions: Sequence[Sequence[Mention]]) -> list[list[Framing]]:
        """Return the framing of each document's passages (one batched model call for all)."""
        per_doc = [passages_for(doc, ms) for doc, ms in zip(documents, mentions)]
        flat = [p for ps in per_doc for p in ps]
        probs = self.model.predict_proba([p.text for p in flat]) if flat else []
        out, k = [], 0
        for ps in per_doc:
            framings = []
            for p in ps:
                scores = {label: round(v, 4) for label, v in probs[k].items()}
                framings.append(Framing(max(scores, key=scores.get), scores, p, (), self.tag))
                k += 1
            out.append(framings)
        return out
