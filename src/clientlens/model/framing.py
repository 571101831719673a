"""FramingModel: load a model directory, predict framing (and sense for unsure mentions).

preprocess (tokenise, length-sorted batches) -> forward (frozen bottom, tuned top, heads)
-> postprocess (probabilities in the saved label order). Loaded once per process.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from clientlens.errors import ModelError
from clientlens.types import FramingPolicy, ModelInfo, SenseVote

WEIGHTS = "model.safetensors"
CONFIG = "config.json"
REQUIRED = (WEIGHTS, CONFIG)


@dataclass(frozen=True)
class ModelConfig:
    """What a saved model directory says about itself (config.json)."""

    name: str
    version: str
    base: str
    labels: tuple[str, ...]
    senses: tuple[str, ...]
    split: int
    max_length: int
    sense_threshold: float = 0.75
    sense_lora_rank: int = 0
    sense_mark: bool = False
    # Chosen on the corpus dev split at training time (calibrate.py); the defaults are what
    # models before 1.4.0 did: raw softmax, the length-weighted mean, a fixed 0.8 threshold.
    temperature: float = 1.0
    neutral_weight: float = 1.0
    mismatch_threshold: float = 0.8
    # A meta reading over a rule vote that is not meta needs this probability (model/sense.py:
    # model_sense); 0, as before 1.4.1, lets meta win like any other sense.
    sense_meta_bar: float = 0.0

    @staticmethod
    def read(model_dir: Path) -> "ModelConfig":
        """Return the config of `model_dir`, or raise ModelError naming what is wrong."""
        try:
            raw = json.loads((model_dir / CONFIG).read_text(encoding="utf-8"))
            return ModelConfig(raw["name"], raw["version"], raw["base"], tuple(raw["labels"]),
                               tuple(raw["senses"]), int(raw["split"]), int(raw["max_length"]),
                               float(raw.get("sense_threshold", 0.75)), int(raw.get("sense_lora_rank", 0)),
                               bool(raw.get("sense_mark", False)), float(raw.get("temperature", 1.0)),
                               float(raw.get("neutral_weight", 1.0)), float(raw.get("mismatch_threshold", 0.8)),
                               float(raw.get("sense_meta_bar", 0.0)))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{model_dir}: not a clientlens model ({CONFIG} unreadable: {exc})") from None

    def to_dict(self) -> dict:
        """Return the JSON form written to config.json."""
        return {"name": self.name, "version": self.version, "base": self.base, "labels": list(self.labels),
                "senses": list(self.senses), "split": self.split, "max_length": self.max_length,
                "sense_threshold": self.sense_threshold, "sense_lora_rank": self.sense_lora_rank,
                "sense_mark": self.sense_mark, "temperature": self.temperature,
                "neutral_weight": self.neutral_weight, "mismatch_threshold": self.mismatch_threshold,
                "sense_meta_bar": self.sense_meta_bar}

    @property
    def policy(self) -> FramingPolicy:
        """Return how the judge should aggregate and gate this model's framings."""
        return FramingPolicy(self.neutral_weight, self.mismatch_threshold)


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class FramingModel:
    """The fine-tuned framing classifier plus the mention-sense head."""

    def __init__(self, config: ModelConfig, tokenizer, base, top, head, sense_head, info: ModelInfo,
                 batch_size: int = 32, framing_base=None) -> None:
        self.config = config
        self.tokenizer = tokenizer
        self.base = base
        # The framing path may run its own (int8) copy of the frozen layers; the sense head
        # always reads the float32 bottom it was trained on.
        self.framing_base = framing_base if framing_base is not None else base
        self.top = top
        self.head = head
        self.sense_head = sense_head
        self.info = info
        self.batch_size = batch_size

    @classmethod
    def load(cls, model_dir: Path, quantize: bool = False) -> "FramingModel":
        """Return the model saved in `model_dir` (safetensors only; no pickle, no remote code).

        With `quantize`, the framing path runs every Linear layer in dynamic int8 (frozen
        bottom, tuned top, head) while the sense head keeps reading float32 bottom states:
        see the README's Performance section for what each variant costs and scores.
        """
        model_dir = Path(model_dir)
        missing = [f for f in REQUIRED if not (model_dir / f).is_file()]
        if missing:
            raise ModelError(f"{model_dir}: not a clientlens model (missing {', '.join(missing)})")
        config = ModelConfig.read(model_dir)
        from clientlens.model.encoder import load_base_encoder, load_tokenizer, one_thread, set_threads
        from clientlens.model.heads import build_modules, load_weights

        set_threads()
        info = ModelInfo(config.name, config.version, sha256_of(model_dir / WEIGHTS))
        with one_thread():
            base = load_base_encoder()
            top, head, sense_head = build_modules(base, config)
            load_weights(model_dir / WEIGHTS, top, head, sense_head)
            model = cls(config, load_tokenizer(), base, top, head, sense_head, info)
            return model.with_int8_framing() if quantize else model

    def with_int8_framing(self) -> "FramingModel":
        """Return a model whose framing path (frozen bottom, tuned top, head) runs in dynamic
        int8, sharing this one's float32 sense path; this model is left as it is."""
        from clientlens.model.heads import quantize_dynamic, quantized_bottom

        return FramingModel(self.config, self.tokenizer, self.base, quantize_dynamic(self.top),
                            quantize_dynamic(self.head), self.sense_head, self.info, self.batch_size,
                            framing_base=quantized_bottom(self.base, self.config.split))

    # preprocess ---------------------------------------------------------------
    def _batches(self, texts: Sequence[str]):
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for i in range(0, len(order), self.batch_size):
            idx = order[i:i + self.batch_size]
            enc = self.tokenizer([texts[j] for j in idx], padding=True, truncation=True,
                                 max_length=self.config.max_length, return_tensors="pt",
                                 return_offsets_mapping=True)
            yield idx, enc

    # forward ------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], temperature: float | None = None) -> list[dict[str, float]]:
        """Return one calibrated {label: probability} per text, in input order (a repeated text is
        run once): the softmax of the logits divided by the model's temperature (or `temperature`)."""
        t = self.config.temperature if temperature is None else temperature
        return self._run_distinct(texts, lambda text: text, lambda enc, items: self._framing_logits(enc, items) / t,
                                  self.config.labels)

    def predict_sense(self, items: Sequence[tuple[str, int, int, SenseVote | None]]) -> list[dict[str, float]]:
        """Return {sense: probability} for each (text, start, end, rule vote) mention, in input order
        (a repeated item is run once).

        The rule vote (None when no rule saw the mention) is an input of the sense head: it
        learned from the corpus when to trust which rule. A long text is clipped around its
        mention first (heads.clip_around), so the mention sits near the middle of what the encoder reads.
        """
        from clientlens.model.heads import sense_view

        mark = self.config.sense_mark
        items = [(*sense_view(text, start, end, mark), vote) for text, start, end, vote in items]
        return self._run_distinct(items, lambda item: item[0], self._sense_logits, self.config.senses)

    def _framing_logits(self, enc, _items):
        from clientlens.model.encoder import bottom_forward, mean_pool, top_forward

        hidden, mask = bottom_forward(self.framing_base, enc["input_ids"], enc["attention_mask"], self.config.split)
        return self.head(mean_pool(top_forward(self.top, hidden, mask), enc["attention_mask"]))

    def _sense_logits(self, enc, items):
        from clientlens.model.heads import sense_features

        feats = sense_features(self.base, enc, [(item[1], item[2]) for item in items], self.config.split,
                               [item[3] for item in items], self.sense_head.layers)
        return self.sense_head(feats)

    def _run_distinct(self, items, text_of, logits_of, labels) -> list[dict[str, float]]:
        """Return one {label: probability} per item: each distinct item runs once, in
        length-sorted batches; `logits_of(encoding, batch items)` is the forward pass."""
        import torch

        unique = list(dict.fromkeys(items))
        found: list[dict[str, float] | None] = [None] * len(unique)
        with torch.inference_mode():
            for idx, enc in self._batches([text_of(item) for item in unique]):
                probs = torch.softmax(logits_of(enc, [unique[j] for j in idx]), -1).tolist()
                for j, p in zip(idx, probs):
                    found[j] = self._postprocess(p, labels)
        index = {item: i for i, item in enumerate(unique)}
        return [dict(found[index[item]]) for item in items]  # type: ignore[arg-type]

    # postprocess --------------------------------------------------------------
    @staticmethod
    def _postprocess(probs: Sequence[float], labels: Sequence[str]) -> dict[str, float]:
        return {label: float(p) for label, p in zip(labels, probs)}
