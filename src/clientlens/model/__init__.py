"""The model layer. torch is imported only inside functions of this package (or by modules,
like bert.py, that only those functions import). Inference never imports transformers; only
training does."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clientlens.config import Settings


def load_default_framer(settings: "Settings"):
    """Return a Framer over the configured or bundled model, or None when none is installed."""
    from clientlens.model.locate import find_model_dir

    model_dir = find_model_dir(settings.model_dir)
    if model_dir is None:
        return None
    from clientlens.model.framer import Framer

    # int8 top layers + head: 1.3x the passages/s of fp32 with no loss of dev macro-F1 on
    # framing or sense (scripts/bench_model.py); the whole-encoder int8 lost 1.06 points on sense.
    return Framer.load(model_dir, quantize=True)
