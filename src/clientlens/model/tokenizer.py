"""The base encoder's WordPiece tokenizer, straight from its tokenizer.json.

transformers' AutoTokenizer is a thin layer over the `tokenizers` library, but importing it
pulls in most of transformers (seconds of a cold start). This wrapper runs the same
tokenizer.json through `tokenizers` and answers the calls clientlens makes with what
transformers' fast tokenizer returns for them: the same ids, masks and offsets
([CLS]/[SEP] and padding at (0, 0)), as tensors or as lists.
"""

from __future__ import annotations

import json
from pathlib import Path


class WordPieceTokenizer:
    """Callable like a transformers fast tokenizer, for the arguments clientlens uses."""

    def __init__(self, model_dir: Path) -> None:
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        config = _read_json(model_dir / "tokenizer_config.json")
        # transformers' defaults when tokenizer_config.json leaves these out.
        self.model_max_length = int(config.get("model_max_length", 512))
        pad = config.get("pad_token", "[PAD]")
        # Newer tokenizer_config.json files store special tokens as AddedToken dicts.
        self.pad_token = pad["content"] if isinstance(pad, dict) else pad
        self.pad_token_id = self._tokenizer.token_to_id(self.pad_token)
        if self.pad_token_id is None:
            raise ValueError(f"{model_dir}: pad token {self.pad_token!r} is not in the vocabulary")
        self._settings: tuple | None = None

    def __call__(self, text, padding: bool = False, truncation: bool = False, max_length: int | None = None,
                 return_tensors: str | None = None, return_offsets_mapping: bool = False) -> dict:
        """Return {input_ids, token_type_ids, attention_mask[, offset_mapping]} for `text` (a str or a list of them).

        As transformers does: `padding=True` pads to the longest in the batch, `truncation=True`
        cuts at `max_length` (else the model's maximum); lists for one str and no tensors, one
        list per text for a batch, torch long tensors ([batch, seq], offsets [batch, seq, 2])
        with `return_tensors="pt"`.
        """
        if return_tensors not in (None, "pt"):
            raise ValueError(f"return_tensors={return_tensors!r}: only 'pt' is supported")
        single = isinstance(text, str)
        texts = [text] if single else list(text)
        self._configure(bool(padding), bool(truncation), max_length)
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=True)
        out = {"input_ids": [e.ids for e in encodings], "token_type_ids": [e.type_ids for e in encodings],
               "attention_mask": [e.attention_mask for e in encodings]}
        if return_offsets_mapping:
            out["offset_mapping"] = [e.offsets for e in encodings]
        if return_tensors == "pt":
            import torch

            # Without padding, texts of different lengths cannot stack: transformers refuses too.
            return {k: torch.tensor(v, dtype=torch.long) for k, v in out.items()}
        return {k: v[0] for k, v in out.items()} if single else out

    def _configure(self, padding: bool, truncation: bool, max_length: int | None) -> None:
        """Set the tokenizer's padding and truncation for this call (tokenizer.json carries its own defaults)."""
        settings = (padding, truncation, max_length)
        if settings == self._settings:
            return
        if truncation:
            self._tokenizer.enable_truncation(max_length if max_length is not None else self.model_max_length,
                                              stride=0, strategy="longest_first", direction="right")
        else:
            self._tokenizer.no_truncation()
        if padding:
            self._tokenizer.enable_padding(direction="right", pad_id=self.pad_token_id, pad_type_id=0,
                                           pad_token=self.pad_token, length=None, pad_to_multiple_of=None)
        else:
            self._tokenizer.no_padding()
        self._settings = settings


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
