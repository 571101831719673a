"""Low-rank adapters (LoRA) for the sense encoder: a copy of the base layers whose Linear
layers learn a small update B @ A, so that only A and B ship (about 1.3 MB at rank 16).

At inference the update is merged into plain Linear weights once, so the sense path costs
what an ordinary encoder pass costs.
"""

from __future__ import annotations

import math

import torch
from torch import nn

# The Linear layers of a BertLayer that get an adapter: attention projections and the
# feed-forward block.
TARGETS = ("attention.self.query", "attention.self.key", "attention.self.value",
           "attention.output.dense", "intermediate.dense", "output.dense")


class LoRALinear(nn.Module):
    """A frozen Linear plus a trainable low-rank update: y = W x + b + scale * B A x."""

    def __init__(self, linear: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.linear = linear
        for p in self.linear.parameters():
            p.requires_grad_(False)
        self.lora_A = nn.Parameter(torch.empty(rank, linear.in_features))
        self.lora_B = nn.Parameter(torch.zeros(linear.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.scale = alpha / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the frozen projection plus the scaled low-rank update."""
        return self.linear(x) + (x @ self.lora_A.t() @ self.lora_B.t()) * self.scale

    def merged(self) -> nn.Linear:
        """Return a plain Linear whose weight already holds the update."""
        out = nn.Linear(self.linear.in_features, self.linear.out_features)
        with torch.no_grad():
            out.weight.copy_(self.linear.weight + self.scale * (self.lora_B @ self.lora_A))
            out.bias.copy_(self.linear.bias)
        return out


def _parent(module: nn.Module, dotted: str) -> tuple[nn.Module, str]:
    *path, name = dotted.split(".")
    for part in path:
        module = getattr(module, part)
    return module, name


def add_lora(layers: nn.ModuleList, rank: int, alpha: float) -> nn.ModuleList:
    """Return `layers` with a LoRALinear around every TARGETS Linear (in place); every other
    parameter is frozen."""
    for p in layers.parameters():
        p.requires_grad_(False)
    for layer in layers:
        for target in TARGETS:
            parent, name = _parent(layer, target)
            setattr(parent, name, LoRALinear(getattr(parent, name), rank, alpha))
    return layers


def merge_lora(layers: nn.ModuleList) -> nn.ModuleList:
    """Return `layers` with every LoRALinear replaced by its merged Linear (in place)."""
    for layer in layers:
        for target in TARGETS:
            parent, name = _parent(layer, target)
            module = getattr(parent, name)
            if isinstance(module, LoRALinear):
                setattr(parent, name, module.merged())
    return layers


def is_adapter_key(key: str) -> bool:
    """Return whether a state-dict key is an adapter tensor (what ships of the sense layers)."""
    return ".lora_A" in key or ".lora_B" in key
