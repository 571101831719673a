"""A plain-torch BERT encoder: the part of transformers' BertModel that clientlens runs.

Importing transformers and building a model through AutoModel costs seconds of every cold
start; this is the same computation (embeddings, then BertLayer after BertLayer) in a page
of torch. Submodule names match transformers' BertModel, so the base package's
model.safetensors loads into it as it is, and the saved top layers (keys like
`top.0.attention.self.query.weight`) load into copies of its layers strictly. The
operations are also the same, in the same order (scaled_dot_product_attention with an
additive mask, exact erf GELU, dropout in the same places for training), so outputs match
transformers' to float rounding and training consumes random numbers in the same order.
Only what the encoder module uses is here: no pooler, no cross-attention, no KV cache.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

# Keys of a transformers BertModel checkpoint that this encoder has no use for: the pooler
# (clientlens mean-pools) and a position_ids buffer older checkpoints saved.
UNUSED_KEYS = ("pooler.", "embeddings.position_ids")


@dataclass(frozen=True)
class BertConfig:
    """The fields of a BERT config.json this encoder reads."""

    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    type_vocab_size: int
    layer_norm_eps: float
    hidden_dropout_prob: float
    attention_probs_dropout_prob: float
    pad_token_id: int = 0

    @staticmethod
    def read(path: Path) -> "BertConfig":
        """Return the config in the config.json at `path`; ValueError for what this encoder cannot run."""
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        if raw.get("hidden_act", "gelu") != "gelu" or raw.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{path}: only BERT with gelu and absolute positions is supported")
        return BertConfig(raw["vocab_size"], raw["hidden_size"], raw["num_hidden_layers"], raw["num_attention_heads"],
                          raw["intermediate_size"], raw["max_position_embeddings"], raw["type_vocab_size"],
                          float(raw["layer_norm_eps"]), float(raw["hidden_dropout_prob"]),
                          float(raw["attention_probs_dropout_prob"]), int(raw.get("pad_token_id", 0)))


class BertEmbeddings(nn.Module):
    """Word + token type (always 0) + position embeddings, LayerNorm, dropout."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Return the embedded tokens, [batch, seq, hidden]."""
        seq = input_ids.shape[1]
        positions = torch.arange(seq, device=input_ids.device).unsqueeze(0)
        types = torch.zeros_like(input_ids)
        # Summed in transformers' order ((word + type) + position), so the floats are the same.
        embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(types)
        embeddings = embeddings + self.position_embeddings(positions)
        return self.dropout(self.LayerNorm(embeddings))


class BertSelfAttention(nn.Module):
    """Multi-head self-attention (query/key/value projections)."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.num_attention_heads = config.num_attention_heads
        self.attention_head_size = config.hidden_size // config.num_attention_heads
        self.scaling = self.attention_head_size ** -0.5
        self.query = nn.Linear(config.hidden_size, config.hidden_size)
        self.key = nn.Linear(config.hidden_size, config.hidden_size)
        self.value = nn.Linear(config.hidden_size, config.hidden_size)
        self.dropout = nn.Dropout(config.attention_probs_dropout_prob)

    def forward(self, hidden: torch.Tensor, attention_mask: torch.Tensor | None) -> torch.Tensor:
        """Return the attended values, [batch, seq, hidden]; `attention_mask` is additive."""
        shape = (*hidden.shape[:-1], -1, self.attention_head_size)
        query = self.query(hidden).view(shape).transpose(1, 2)
        key = self.key(hidden).view(shape).transpose(1, 2)
        value = self.value(hidden).view(shape).transpose(1, 2)
        out = F.scaled_dot_product_attention(query, key, value, attn_mask=attention_mask,
                                             dropout_p=self.dropout.p if self.training else 0.0,
                                             scale=self.scaling, is_causal=False)
        return out.transpose(1, 2).contiguous().reshape(*hidden.shape[:-1], -1).contiguous()


class BertSelfOutput(nn.Module):
    """Attention output projection, dropout, residual LayerNorm."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        """Return LayerNorm(dropout(dense(hidden)) + residual)."""
        return self.LayerNorm(self.dropout(self.dense(hidden)) + residual)


class BertAttention(nn.Module):
    """Self-attention plus its output block."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.self = BertSelfAttention(config)
        self.output = BertSelfOutput(config)

    def forward(self, hidden: torch.Tensor, attention_mask: torch.Tensor | None) -> torch.Tensor:
        """Return the attention block's output, [batch, seq, hidden]."""
        return self.output(self.self(hidden, attention_mask), hidden)


class BertIntermediate(nn.Module):
    """Feed-forward expansion with exact (erf) GELU."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        """Return gelu(dense(hidden))."""
        return F.gelu(self.dense(hidden))


class BertOutput(BertSelfOutput):
    """Feed-forward projection back to hidden size, dropout, residual LayerNorm."""

    def __init__(self, config: BertConfig) -> None:
        nn.Module.__init__(self)
        self.dense = nn.Linear(config.intermediate_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)


class BertLayer(nn.Module):
    """One transformer block, with transformers' BertLayer submodule names."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.attention = BertAttention(config)
        self.intermediate = BertIntermediate(config)
        self.output = BertOutput(config)

    def forward(self, hidden: torch.Tensor, attention_mask: torch.Tensor | None = None) -> torch.Tensor:
        """Return the block's output, [batch, seq, hidden]; `attention_mask` is additive ([batch, 1, 1, seq])."""
        attended = self.attention(hidden, attention_mask)
        return self.output(self.intermediate(attended), attended)


class BertEncoder(nn.Module):
    """The stack of layers (`encoder.layer[i]`, as in transformers)."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.layer = nn.ModuleList(BertLayer(config) for _ in range(config.num_hidden_layers))


class BertModel(nn.Module):
    """Embeddings and encoder layers; callers run the layers themselves (see encoder.bottom_forward)."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.config = config
        self.embeddings = BertEmbeddings(config)
        self.encoder = BertEncoder(config)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Return the last layer's hidden states, [batch, seq, hidden] (`attention_mask` is 0/1)."""
        hidden = self.embeddings(input_ids)
        mask = (1.0 - attention_mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min
        for layer in self.encoder.layer:
            hidden = layer(hidden, attention_mask=mask)
        return hidden


@contextmanager
def _no_init():
    """Skip the random initialisation of new layers, which the checkpoint overwrites anyway.

    Building on the meta device would do the same, but its first use imports some 800
    modules of torch (a second of cold start); transformers skips init the same way. The
    patch is process-wide while the block runs: clientlens builds no modules on other threads.
    """
    names = ("kaiming_uniform_", "uniform_", "normal_")
    saved = {name: getattr(nn.init, name) for name in names}
    for name in names:
        setattr(nn.init, name, lambda tensor, *args, **kwargs: tensor)
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(nn.init, name, function)


def load_bert(model_dir: Path) -> BertModel:
    """Return the BERT in `model_dir` (config.json + model.safetensors) in eval mode; every weight required."""
    from safetensors.torch import load_file

    model_dir = Path(model_dir)
    config = BertConfig.read(model_dir / "config.json")
    with _no_init():
        model = BertModel(config)
    state = {k: v for k, v in load_file(str(model_dir / "model.safetensors")).items()
             if not k.startswith(UNUSED_KEYS)}
    model.load_state_dict(state, strict=True, assign=True)
    model.eval()
    return model
