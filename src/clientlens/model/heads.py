"""The trainable parts: the tuned top layers, the framing head and the sense head.

Saved as safetensors: top layers and the sense encoder's LoRA adapters in float16 (the bulk
of the file; the loss in precision changes no prediction we measured), heads in float32.
"""

from __future__ import annotations

import copy
from pathlib import Path

from clientlens.model.sense_head import RULE_FEATURES, SenseHead


def build_modules(base, config):
    """Return (top layers, framing head, sense head) initialised from the base encoder."""
    import torch.nn as nn

    hidden = base.config.hidden_size
    top = nn.ModuleList(copy.deepcopy(layer) for layer in base.encoder.layer[config.split:])
    head = nn.Sequential(nn.Dropout(0.1), nn.Linear(hidden, len(config.labels)))
    layers = None
    if config.sense_lora_rank:
        from clientlens.model.lora import add_lora

        layers = add_lora(nn.ModuleList(copy.deepcopy(layer) for layer in base.encoder.layer),
                          config.sense_lora_rank, 2.0 * config.sense_lora_rank)
    return top, head, SenseHead(hidden, len(config.senses), layers)


def _shipped(key: str) -> bool:
    """Return whether a sense-head state key ships: the MLP and the adapters, not the copied
    base weights under them (those come from the base package)."""
    from clientlens.model.lora import is_adapter_key

    return key.startswith("mlp.") or is_adapter_key(key)


def state_of(top, head, sense_head) -> dict:
    """Return the tensors to save: top layers and adapters in float16, heads in float32."""
    from clientlens.model.lora import is_adapter_key

    state = {f"top.{k}": v.detach().to("cpu").half().contiguous() for k, v in top.state_dict().items()}
    state.update({f"head.{k}": v.detach().cpu().float().contiguous() for k, v in head.state_dict().items()})
    state.update({f"sense.{k}": (v.detach().cpu().half() if is_adapter_key(k) else v.detach().cpu().float()).contiguous()
                  for k, v in sense_head.state_dict().items() if _shipped(k)})
    return state


def save_weights(path: Path, top, head, sense_head) -> None:
    """Write the weights as safetensors."""
    from safetensors.torch import save_file

    save_file(state_of(top, head, sense_head), str(path))


def load_weights(path: Path, top, head, sense_head) -> None:
    """Load safetensors weights into the modules (float32 in memory), every shipped key required;
    LoRA adapters are then merged into the sense layers' weights."""
    from safetensors.torch import load_file

    from clientlens.errors import ModelError

    state = load_file(str(path))
    for prefix, module in (("top.", top), ("head.", head), ("sense.", sense_head)):
        part = {k[len(prefix):]: v.float() for k, v in state.items() if k.startswith(prefix)}
        expected = {k for k in module.state_dict() if prefix != "sense." or _shipped(k)}
        missing, unexpected = sorted(expected - set(part)), sorted(set(part) - expected)
        if missing or unexpected:
            what = f"missing {missing[0]}" if missing else f"unexpected {unexpected[0]}"
            raise ModelError(f"{path}: weights do not fit this version ({what}, {len(missing) + len(unexpected)} keys)")
        module.load_state_dict(part, strict=False)
        module.eval()
    if sense_head.layers is not None:
        from clientlens.model.lora import merge_lora

        merge_lora(sense_head.layers)


def quantize_dynamic(module):
    """Return `module` with Linear layers dynamically quantised to int8."""
    import warnings

    import torch

    # torch 2.13 warns that its quantised tensor constructors are deprecated; the user can do
    # nothing about it, so it must not reach their terminal.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*quantize_per_tensor.*", category=UserWarning)
        warnings.filterwarnings("ignore", message="torch.ao.quantization is deprecated", category=DeprecationWarning)
        return torch.ao.quantization.quantize_dynamic(module, {torch.nn.Linear}, dtype=torch.qint8)


def quantized_bottom(base, split: int):
    """Return what bottom_forward needs of `base` for the int8 framing path: the same embeddings
    (shared, not copied) and int8 copies of the frozen layers [0, split) only."""
    import torch.nn as nn

    bottom = nn.Module()
    bottom.embeddings = base.embeddings
    bottom.encoder = nn.Module()
    bottom.encoder.layer = quantize_dynamic(nn.ModuleList(base.encoder.layer[:split]))
    return bottom.eval()


def rule_features(votes):
    """Return the rules' votes as a [n, RULE_FEATURES] tensor (see RULE_FEATURES); a vote is a
    SenseVote or None (no rule found the mention: treated as the default vote)."""
    import torch

    from clientlens.types import Sense

    senses = [s.value for s in Sense]  # the order of train.SENSES and of every saved config
    out = torch.zeros(len(votes), RULE_FEATURES)
    for row, vote in enumerate(votes):
        if vote is None or vote.decided_by == "rule:default":
            out[row, 3] = 1.0
        if vote is not None:
            out[row, senses.index(vote.sense.value)] = float(vote.confidence)
    return out


# With `sense_mark`, the sense encoder reads its mention wrapped in pilcrows ("the ¶client¶
# asked"): every mention is its own encoder row anyway, and the marks tell attention which of
# a passage's mentions is being asked about. The pilcrow is one token of the base vocabulary
# and rare in business copy.
SENSE_MARK = "\u00b6"


def mark_mention(text: str, start: int, end: int) -> tuple[str, int, int]:
    """Return the text with text[start:end] wrapped in SENSE_MARK, and the mention's new span."""
    return f"{text[:start]}{SENSE_MARK}{text[start:end]}{SENSE_MARK}{text[end:]}", start + 1, end + 1


# Real sentences run far longer than the encoder's 128 tokens: on the real-world documents
# we tried, one mention in ten sat past the cut, so the sense model never saw it. The sense
# encoder therefore reads at most this many characters on either side of its mention (cut at
# a space). Corpus passages are at most 309 characters long, so training never clips.
SENSE_REACH = 300


def clip_around(text: str, start: int, end: int, reach: int = SENSE_REACH) -> tuple[str, int, int]:
    """Return at most `reach` characters of `text` on either side of [start, end) (cut at a
    space where there is one), and the mention's span in what is returned."""
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    return text[lo:hi], start - lo, end - lo


def sense_view(text: str, start: int, end: int, mark: bool) -> tuple[str, int, int]:
    """Return the text the sense encoder reads for the mention text[start:end] (clipped around
    it, then marked when `mark`), and the mention's span in it: the one view training and
    inference share."""
    text, start, end = clip_around(text, start, end)
    return mark_mention(text, start, end) if mark else (text, start, end)


def sense_features(base, enc, spans, split: int, votes, layers=None):
    """Return sense features per sequence: [mention mean; context mean; sequence mean] of the
    sense encoder's output (`layers` over the base embeddings; with None, the frozen base at
    layer `split`), then the rules' vote (rule_features).

    `spans` are the (start, end) character offsets of each mention in its text; tokens are
    matched through the tokenizer's offset mapping.
    """
    import torch

    from clientlens.model.encoder import bottom_forward, extended_mask, mean_pool, top_forward

    if layers is None:
        hidden, _ = bottom_forward(base, enc["input_ids"], enc["attention_mask"], split)
    else:
        hidden = base.embeddings(input_ids=enc["input_ids"])
        hidden = top_forward(layers, hidden, extended_mask(base, enc["attention_mask"], hidden.dtype))
    offsets = enc["offset_mapping"]
    mention = torch.zeros(len(spans), hidden.shape[1])
    context = torch.zeros(len(spans), hidden.shape[1])
    for row, (start, end) in enumerate(spans):
        s, e = offsets[row, :, 0], offsets[row, :, 1]
        real = e > s
        inside = real & (s < end) & (e > start)
        near = real & ~inside & (e > start - 40) & (s < end + 40)
        mention[row] = inside.float()
        context[row] = near.float()
    def pooled(weights):
        w = weights.unsqueeze(-1)
        return (hidden * w).sum(1) / w.sum(1).clamp(min=1.0)
    return torch.cat([pooled(mention), pooled(context), mean_pool(hidden, enc["attention_mask"]),
                      rule_features(votes)], -1)
