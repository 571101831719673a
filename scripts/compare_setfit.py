"""Compare SetFit-style contrastive fine-tuning with the plain classification fine-tune.

Both tune the same top layers of MiniLM-L6 over the same frozen bottom and corpus train
split (with the same word-swap augmentation) and are scored on the dev split, overall and
on passages with no client/customer word. SetFit-style: pairs of passages with the same
label (target 1) or different labels (target 0), cosine-similarity loss on mean-pooled
embeddings, then a logistic-regression head on the tuned embeddings.

    python3 scripts/compare_setfit.py [--pairs 8000] [--epochs 1] [--out runs/setfit.json]

The plain fine-tune's numbers are read from the model card metrics of --model
(default models/framing/metrics.json), trained by `clientlens train`.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--model", type=Path, default=Path("models/framing"))
    parser.add_argument("--pairs", type=int, default=8000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=Path("runs/setfit.json"))
    parser.add_argument("--predict", type=Path, help="a .jsonl of {id, text}: write the SetFit-style model's "
                                                    "probabilities for them to OUT's folder as setfit.predictions.jsonl")
    args = parser.parse_args()

    import torch
    from sklearn.linear_model import LogisticRegression

    from clientlens.model.data import augment, load_records
    from clientlens.model.encoder import extended_mask, load_base_encoder, load_tokenizer, mean_pool, set_threads, top_forward
    from clientlens.model.evaluate import metrics_from_labels
    from clientlens.model.framing import ModelConfig
    from clientlens.model.heads import build_modules
    from clientlens.model.train import LABELS, SENSES, _cache_bottom, _encode, _stack

    started = time.time()
    set_threads()
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    train = augment(load_records(args.corpus, "framing", "train"))
    dev = load_records(args.corpus, "framing", "dev")
    base, tokenizer = load_base_encoder(), load_tokenizer()
    top, _, _ = build_modules(base, ModelConfig("x", "0", "base", LABELS, SENSES, 4, 128))
    states = _cache_bottom(base, _encode(tokenizer, [r["text"] for r in train], 128), 4, 64)
    dev_states = _cache_bottom(base, _encode(tokenizer, [r["text"] for r in dev], 128), 4, 64)

    def embed(batch_states):
        hidden, mask = _stack(batch_states)
        return mean_pool(top_forward(top, hidden, extended_mask(base, mask, hidden.dtype)), mask)

    by_label = {label: [i for i, r in enumerate(train) if r["label"] == label] for label in LABELS}
    pairs = []
    for _ in range(args.pairs // 2):
        i = rng.randrange(len(train))
        same = rng.choice(by_label[train[i]["label"]])
        other = rng.choice(by_label[rng.choice([l for l in LABELS if l != train[i]["label"]])])
        pairs += [(i, same, 1.0), (i, other, 0.0)]
    optimiser = torch.optim.AdamW(top.parameters(), lr=2e-5)
    top.train()
    for _ in range(args.epochs):
        rng.shuffle(pairs)
        for k in range(0, len(pairs), 16):
            chunk = pairs[k:k + 16]
            u = embed([states[a] for a, _, _ in chunk])
            v = embed([states[b] for _, b, _ in chunk])
            target = torch.tensor([t for _, _, t in chunk])
            loss = torch.nn.functional.mse_loss(torch.cosine_similarity(u, v), target)
            loss.backward()
            optimiser.step()
            optimiser.zero_grad()
    top.eval()
    with torch.inference_mode():
        x = torch.cat([embed(states[i:i + 64]) for i in range(0, len(states), 64)]).numpy()
        dx = torch.cat([embed(dev_states[i:i + 64]) for i in range(0, len(dev_states), 64)]).numpy()
    head = LogisticRegression(max_iter=2000).fit(x, [r["label"] for r in train])
    pred = list(head.predict(dx))
    gold = [r["label"] for r in dev]
    overall = metrics_from_labels(gold, pred, LABELS)
    no_term = [i for i, r in enumerate(dev) if not r["terms"]]
    sub = metrics_from_labels([gold[i] for i in no_term], [pred[i] for i in no_term], LABELS)
    result = {"setfit_style": {"dev_macro_f1": overall.macro_f1, "dev_macro_f1_no_term": sub.macro_f1,
                               "pairs": len(pairs), "epochs": args.epochs, "seconds": round(time.time() - started, 1)}}
    metrics = args.model / "metrics.json"
    if metrics.is_file():
        plain = json.loads(metrics.read_text())["framing, dev"]
        result["plain_fine_tune"] = {"dev_macro_f1": plain["macro_f1"], "dev_macro_f1_no_term": plain.get("macro_f1_no_term")}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.predict:
        records = [json.loads(line) for line in args.predict.read_text().splitlines() if line.strip()]
        extra = _cache_bottom(base, _encode(tokenizer, [r["text"] for r in records], 128), 4, 64)
        with torch.inference_mode():
            px = torch.cat([embed(extra[i:i + 64]) for i in range(0, len(extra), 64)]).numpy()
        lines = [json.dumps({"id": r["id"], "scores": dict(zip(head.classes_, map(float, p)))})
                 for r, p in zip(records, head.predict_proba(px))]
        (args.out.parent / "setfit.predictions.jsonl").write_text("\n".join(lines) + "\n")
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
