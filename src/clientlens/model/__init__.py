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

    # float32: dynamic int8 scales activations per batch, so a passage's probabilities (and a
    # page's label) moved with whatever else the audit batched beside it. float32 gives every
    # page the same framing alone or in a site, and still meets the speed target (scripts/bench.py).
    return Framer.load(model_dir)
