"""Corpus splits -> plain records (via `datasets`), plus counterfactual augmentation."""

from __future__ import annotations

from pathlib import Path

from clientlens.errors import ClientlensError


def load_records(corpus: Path, kind: str, split: str) -> list[dict]:
    """Return the records of corpus/KIND/SPLIT.jsonl, or of a .jsonl file given as `split`."""
    path = Path(split) if split.endswith(".jsonl") else Path(corpus) / kind / f"{split}.jsonl"
    if not path.is_file():
        raise ClientlensError(f"no {kind} data at {path}: run `clientlens corpus build` or pass a .jsonl file")
    from datasets import load_dataset
    from datasets.utils.logging import disable_progress_bar, set_verbosity_error

    disable_progress_bar()
    set_verbosity_error()
    dataset = load_dataset("json", data_files=str(path), split="train", cache_dir=None, keep_in_memory=True)
    return list(dataset)


def swap_family(text: str) -> str | None:
    """Return `text` with every client word swapped for customer and back, or None if it has none.

    The framing label stays the same: this is the counterfactual that teaches the model to
    read the relationship rather than the keyword.
    """
    from clientlens.judge.fixes import rewrite
    from clientlens.rules.families import family_set

    families = family_set()
    out, pos, changed = [], 0, False
    for m in families.pattern.finditer(text):
        family = families.family_of(m)
        if family not in ("client", "customer"):
            continue
        target = "customer" if family == "client" else "client"
        out.append(text[pos:m.start()])
        out.append(rewrite(m.group(0), target, families))
        pos = m.end()
        changed = True
    if not changed:
        return None
    out.append(text[pos:])
    return "".join(out)


def augment(records: list[dict]) -> list[dict]:
    """Return `records` plus a word-swapped copy (same label) of each one with a family word."""
    extra = []
    for r in records:
        swapped = swap_family(r["text"])
        if swapped and swapped != r["text"]:
            extra.append({**r, "text": swapped, "id": r["id"] + "~swap"})
    return records + extra
