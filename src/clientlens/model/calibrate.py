"""Calibration chosen on the corpus dev split: a temperature for the framing probabilities and
the probability a framing-mismatch finding needs.

Both work on probabilities the model gave at temperature 1: softmax(log p / T) equals
softmax(logits / T), so no second pass through the encoder is needed.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

# Log-spaced from 0.5 to 8: a temperature below 1 sharpens, above 1 softens.
TEMPERATURES = tuple(round(0.5 * 2 ** (k / 8), 4) for k in range(33))
THRESHOLDS = tuple(round(0.5 + k / 100, 2) for k in range(50))
MISMATCH_PRECISION = 0.90


def with_temperature(probs: Mapping[str, float], t: float) -> dict[str, float]:
    """Return `probs` (given at temperature 1) as they are at temperature `t`."""
    logs = {k: math.log(max(v, 1e-12)) / t for k, v in probs.items()}
    top = max(logs.values())
    exp = {k: math.exp(v - top) for k, v in logs.items()}
    total = sum(exp.values())
    return {k: v / total for k, v in exp.items()}


def nll(probs: Sequence[Mapping[str, float]], gold: Sequence[str], t: float = 1.0, floor: float = 1e-12) -> float:
    """Return the mean negative log-likelihood of `gold` under `probs` at temperature `t`, each
    probability taken as at least `floor`."""
    return sum(-math.log(max(with_temperature(p, t)[g], floor)) for p, g in zip(probs, gold)) / max(len(gold), 1)


def fit_temperature(probs: Sequence[Mapping[str, float]], gold: Sequence[str]) -> float:
    """Return the temperature in TEMPERATURES with the lowest negative log-likelihood on (probs, gold)."""
    return min(TEMPERATURES, key=lambda t: (nll(probs, gold, t), abs(t - 1.0)))


def mismatch_candidates(records: Sequence[dict], probs: Sequence[Mapping[str, float]]) -> list[tuple[float, bool]]:
    """Return (probability, right) for each passage where a framing-mismatch finding could fire:
    its predicted framing is client or customer and it holds a word of the other family; right
    when the gold label is that framing."""
    out = []
    for r, p in zip(records, probs):
        label = max(p, key=p.get)
        if label == "neutral" or not (set(r.get("terms") or ()) - {label}):
            continue
        out.append((p[label], r["label"] == label))
    return out


def choose_mismatch_threshold(candidates: Sequence[tuple[float, bool]],
                              target: float = MISMATCH_PRECISION) -> tuple[float, dict[str, list]]:
    """Return the lowest threshold in THRESHOLDS at which, and above which, the candidates'
    precision stays at least `target` (the highest threshold when none does), and a table
    {threshold: [precision, findings]} of every candidate threshold."""
    table = {}
    for t in THRESHOLDS:
        kept = [right for p, right in candidates if p >= t]
        table[t] = [round(sum(kept) / len(kept), 4) if kept else 1.0, len(kept)]
    chosen = THRESHOLDS[-1]
    for t in reversed(THRESHOLDS):
        if table[t][0] < target:
            break
        chosen = t
    return chosen, {str(t): v for t, v in table.items()}
