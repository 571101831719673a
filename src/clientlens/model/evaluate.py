"""evaluate: per-label precision/recall/F1, macro-F1, confusion matrix and calibration error."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence


@dataclass(frozen=True)
class EvalResult:
    """Classification metrics on one labelled set (the model card is rendered from these)."""

    labels: tuple[str, ...]
    per_label: dict[str, dict[str, float]]
    macro_f1: float
    accuracy: float
    confusion: list[list[int]]
    ece: float
    n: int
    extra: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Return the JSON form of the result."""
        return {"labels": list(self.labels), "per_label": self.per_label, "macro_f1": self.macro_f1,
                "accuracy": self.accuracy, "confusion": self.confusion, "ece": self.ece, "n": self.n,
                **self.extra}


def metrics(gold: Sequence[str], probs: Sequence[dict[str, float]], labels: Sequence[str]) -> EvalResult:
    """Return the EvalResult of predictions `probs` against `gold` labels."""
    pred = [max(p, key=p.get) for p in probs]
    return metrics_from_labels(gold, pred, labels, [max(p.values()) for p in probs])


def metrics_from_labels(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str],
                        confidence: Sequence[float] | None = None) -> EvalResult:
    """Return the EvalResult of hard predictions (ECE is 0 without confidences)."""
    index = {label: i for i, label in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred):
        confusion[index[g]][index[p]] += 1
    per_label = {}
    for label, i in index.items():
        tp = confusion[i][i]
        fp = sum(confusion[r][i] for r in range(len(labels))) - tp
        fn = sum(confusion[i]) - tp
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                            "support": tp + fn}
    present = [label for label in labels if per_label[label]["support"] > 0]
    macro = sum(per_label[label]["f1"] for label in present) / max(len(present), 1)
    correct = sum(1 for g, p in zip(gold, pred) if g == p)
    ece = expected_calibration_error([g == p for g, p in zip(gold, pred)], confidence) if confidence else 0.0
    return EvalResult(tuple(labels), per_label, round(macro, 4), round(correct / max(len(gold), 1), 4),
                      confusion, ece, len(gold))


def expected_calibration_error(correct: Sequence[bool], confidence: Sequence[float], bins: int = 10) -> float:
    """Return the expected calibration error over equal-width confidence bins."""
    total = len(correct)
    if not total:
        return 0.0
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidence) if lo < c <= hi or (b == 0 and c == 0)]
        if members:
            acc = sum(correct[i] for i in members) / len(members)
            conf = sum(confidence[i] for i in members) / len(members)
            ece += len(members) / total * abs(acc - conf)
    return round(ece, 4)


def evaluate_framing(model, records: Sequence[dict]) -> EvalResult:
    """Return framing metrics of `model` on corpus records, plus macro-F1 on passages with no family word."""
    probs = model.predict_proba([r["text"] for r in records])
    result = metrics([r["label"] for r in records], probs, model.config.labels)
    no_term = [i for i, r in enumerate(records) if not r.get("terms")]
    mismatch = [i for i, r in enumerate(records) if r.get("mismatch")]
    extra = {}
    for name, idx in (("macro_f1_no_term", no_term), ("macro_f1_mismatch", mismatch)):
        if idx:
            sub = metrics([records[i]["label"] for i in idx], [probs[i] for i in idx], model.config.labels)
            extra[name] = sub.macro_f1
            extra[name.replace("macro_f1", "n")] = len(idx)
    return EvalResult(result.labels, result.per_label, result.macro_f1, result.accuracy, result.confusion,
                      result.ece, result.n, extra)


def sense_items(records: Sequence[dict]) -> list[tuple[str, int, int, str]]:
    """Return (text, start, end, gold sense) for every labelled mention of sense records."""
    return [(r["text"], m["start"], m["end"], m["sense"]) for r in records for m in r["mentions"]]


def evaluate_sense(records: Sequence[dict], model=None, threshold: float | None = None, decided=None,
                   meta_bar: float | None = None) -> EvalResult:
    """Return mention-sense metrics of the rules, refined by `model` for rule votes below `threshold`
    and with its meta readings held to `meta_bar` (defaults: the model's saved values), as an
    audit decides them. `decided` may pass precomputed rule votes."""
    from clientlens.model.sense import model_sense, rule_senses

    senses = ("person", "non_person", "meta")
    decided = decided if decided is not None else rule_senses(records)
    if threshold is None:
        threshold = model.config.sense_threshold if model is not None else 0.75
    gold = [m["sense"] for r in records for m in r["mentions"]]
    pred = [vote.sense.value if vote else "person" for vote in decided]
    if model is not None:
        items = sense_items(records)
        unsure = [i for i, vote in enumerate(decided) if vote is None or vote.confidence < threshold]
        probs = model.predict_sense([(*items[i][:3], decided[i]) for i in unsure])
        bar = model.config.sense_meta_bar if meta_bar is None else meta_bar
        for i, p in zip(unsure, probs):
            pred[i] = model_sense(p, decided[i], bar)
    result = metrics_from_labels(gold, pred, senses)
    return EvalResult(result.labels, result.per_label, result.macro_f1, result.accuracy, result.confusion,
                      result.ece, result.n, {"unsure": float(sum(1 for v in decided if v is None or v.confidence < threshold))})


def load_for_eval(model_dir: Path | None, quantize: bool = False):
    """Return the FramingModel at `model_dir` (default: the bundled model), as the audit runs it
    (float32), or with its framing path in dynamic int8 when `quantize` is True."""
    from clientlens.model.framing import FramingModel
    from clientlens.model.locate import require_model_dir

    return FramingModel.load(require_model_dir(model_dir), quantize=quantize)
