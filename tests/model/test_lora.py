"""LoRA adapters of the sense encoder: what trains, what ships, and the merge at load time."""

from __future__ import annotations

import copy

import pytest
import torch
from torch import nn

from clientlens.errors import ModelError
from clientlens.model.lora import TARGETS, LoRALinear, add_lora, is_adapter_key, merge_lora


def _layers():
    from clientlens.model.encoder import load_base_encoder

    return nn.ModuleList(copy.deepcopy(layer) for layer in load_base_encoder().encoder.layer[:2])


def test_lora_starts_as_the_frozen_linear_and_merges_exactly():
    torch.manual_seed(0)
    linear = nn.Linear(8, 4)
    lora = LoRALinear(linear, rank=2, alpha=4.0)
    x = torch.randn(3, 8)
    assert torch.equal(lora(x), linear(x))  # B starts at zero
    with torch.no_grad():
        lora.lora_B.normal_()
    assert not torch.allclose(lora(x), linear(x))
    assert torch.allclose(lora.merged()(x), lora(x), atol=1e-5)
    assert not linear.weight.requires_grad and lora.lora_A.requires_grad


def test_add_lora_freezes_the_copy_and_only_adapters_train():
    layers = add_lora(_layers(), rank=4, alpha=8.0)
    trainable = {name for name, p in layers.named_parameters() if p.requires_grad}
    assert trainable and all(is_adapter_key(name) for name in trainable)
    assert len(trainable) == 2 * len(TARGETS) * len(layers)


def test_merged_layers_compute_what_the_adapted_ones_do():
    torch.manual_seed(1)
    layers = add_lora(_layers(), rank=4, alpha=8.0).eval()
    for name, p in layers.named_parameters():
        if name.endswith("lora_B"):
            with torch.no_grad():
                p.normal_(std=0.02)
    hidden = torch.randn(2, 5, 384)
    with torch.no_grad():
        before = layers[1](layers[0](hidden))
        merged = merge_lora(layers)
        after = merged[1](merged[0](hidden))
    assert not any(isinstance(m, LoRALinear) for m in merged.modules())
    assert torch.allclose(before, after, atol=1e-4)


def test_only_the_adapters_and_the_mlp_ship_and_a_missing_adapter_is_refused(tmp_path):
    from clientlens.model.encoder import load_base_encoder
    from clientlens.model.framing import ModelConfig
    from clientlens.model.heads import build_modules, load_weights, save_weights, state_of

    base = load_base_encoder()
    config = ModelConfig("t", "0", "b", ("client", "customer", "neutral"), ("person", "non_person", "meta"),
                         4, 32, sense_lora_rank=2)
    top, head, sense = build_modules(base, config)
    keys = [k for k in state_of(top, head, sense) if k.startswith("sense.")]
    assert keys and all(k.startswith("sense.mlp.") or is_adapter_key(k) for k in keys)
    path = tmp_path / "model.safetensors"
    save_weights(path, top, head, sense)
    load_weights(path, *build_modules(base, config))  # round trip
    from safetensors.torch import load_file, save_file

    state = load_file(str(path))
    state.pop(next(k for k in state if is_adapter_key(k)))
    save_file(state, str(path))
    with pytest.raises(ModelError, match="do not fit"):
        load_weights(path, *build_modules(base, config))
