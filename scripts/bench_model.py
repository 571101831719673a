"""Compare framing-model variants on speed and accuracy: fp32, dynamic int8 and ONNX Runtime.

    python3 scripts/bench_model.py --out bench-model.json
    python3 scripts/bench_model.py --model-dir runs/full1 --passages 500 --runs 3

Speed is passages/s of `predict_proba` on the same passages (the framing passages of the
synthetic site from scripts/bench_site.py, in audit order); accuracy is framing macro-F1 on
corpus/framing/dev.jsonl (clientlens.model.evaluate.evaluate_framing), plus agreement with
fp32. The recommendation is the fastest variant that loses at most 1 point of macro-F1.
This script only measures: which variant ships is the model owner's decision.

Variants: fp32; int8-top (tuned top layers and framing head in int8); int8 (as shipped:
FramingModel.load(quantize=True), the whole framing path in int8 while the sense head reads
float32 bottom layers); int8-all (the sense path in int8 too); onnx (the whole framing
forward pass, exported with torch.onnx.export, run by ONNX Runtime); onnx-int8 (that graph
with dynamic int8 weights). --threads 1 gives per-core speed, which load from other
processes on a shared machine distorts least.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402
import bench_site  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "corpus" / "framing" / "dev.jsonl"
SENSE_DEV = ROOT / "corpus" / "sense" / "dev.jsonl"


class OnnxFraming:
    """The framing model as one ONNX graph: token ids + mask -> label probabilities.

    Same preprocessing as FramingModel (its tokenizer, length-sorted batches, max_length),
    so the two are compared on exactly the same inputs.
    """

    def __init__(self, model, path: Path, threads: int) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.model = model
        self.config = model.config

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Return one {label: probability} per text, in input order."""
        out: list[dict[str, float] | None] = [None] * len(texts)
        for idx, enc in self.model._batches(texts):
            feeds = {"input_ids": enc["input_ids"].numpy(), "attention_mask": enc["attention_mask"].numpy()}
            probs = self.session.run(["probs"], feeds)[0].tolist()
            for j, p in zip(idx, probs):
                out[j] = {label: float(v) for label, v in zip(self.config.labels, p)}
        return out  # type: ignore[return-value]


def export_onnx(model, path: Path) -> Path:
    """Write the whole framing forward pass of a FramingModel (fp32) to `path` as ONNX."""
    import torch

    from clientlens.model.encoder import bottom_forward, mean_pool, top_forward

    class Whole(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.base, self.top, self.head = model.base, model.top, model.head

        def forward(self, input_ids, attention_mask):
            hidden, mask = bottom_forward(self.base, input_ids, attention_mask, model.config.split)
            hidden = top_forward(self.top, hidden, mask)
            return torch.softmax(self.head(mean_pool(hidden, attention_mask)), -1)

    enc = model.tokenizer(["An example passage for tracing.", "Another, longer example passage."],
                          padding=True, return_tensors="pt")
    dynamic = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}, "probs": {0: "batch"}}
    with torch.inference_mode(False), torch.no_grad():
        torch.onnx.export(Whole().eval(), (enc["input_ids"], enc["attention_mask"]), str(path),
                          input_names=["input_ids", "attention_mask"], output_names=["probs"],
                          dynamic_axes=dynamic, opset_version=17, dynamo=False)
    return path


def quantize_onnx(path: Path) -> Path:
    """Write a dynamic-int8 copy of the ONNX graph at `path`; return its path."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out = path.with_name(path.stem + ".int8.onnx")
    quantize_dynamic(str(path), str(out), weight_type=QuantType.QInt8)
    return out


def variants(model_dir: Path, workdir: Path, threads: int) -> dict[str, Callable[[], object]]:
    """Return name -> loader of each variant (loaded one at a time, so memory stays flat)."""
    from clientlens.model.framing import FramingModel
    from clientlens.model.heads import quantize_dynamic

    def int8_top():
        model = FramingModel.load(model_dir)
        model.top, model.head = quantize_dynamic(model.top), quantize_dynamic(model.head)
        return model

    def int8_all():
        model = FramingModel.load(model_dir, quantize=True)
        model.base, model.sense_head = model.framing_base, quantize_dynamic(model.sense_head)
        return model

    def onnx(int8: bool):
        def load():
            model = FramingModel.load(model_dir)
            path = export_onnx(model, workdir / "framing.onnx")
            return OnnxFraming(model, quantize_onnx(path) if int8 else path, threads)
        return load

    return {"fp32": lambda: FramingModel.load(model_dir), "int8-top": int8_top,
            "int8": lambda: FramingModel.load(model_dir, quantize=True), "int8-all": int8_all, "onnx": onnx(False), "onnx-int8": onnx(True)}


def site_passages(count: int) -> list[str]:
    """Return the texts of the first `count` distinct framing passages of the synthetic site, in audit
    order (distinct: FramingModel runs a repeated text once, the ONNX wrapper would not)."""
    from clientlens.config import Settings
    from clientlens.engine import Auditor
    from clientlens.ingest import load_documents
    from clientlens.model.passages import passages_for
    from clientlens.types import Document

    site = Path(tempfile.mkdtemp(prefix="clientlens-bench-")) / "site"
    bench_site.write_site(site, pages=300, words=200_000)
    settings = Settings(use_model=False)
    docs = [d for d in load_documents([str(site)], settings) if isinstance(d, Document)]
    mentions = Auditor(settings).mentions(docs)
    texts = [p.text for doc, ms in zip(docs, mentions) for p in passages_for(doc, ms)]
    return list(dict.fromkeys(texts))[:count]


class _Recorder:
    """A model that keeps the probabilities it last returned (so dev is predicted once per variant)."""

    def __init__(self, model) -> None:
        self.model, self.config, self.probs = model, model.config, []

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.probs = self.model.predict_proba(texts)
        return self.probs


def speeds(models: dict[str, object], texts: list[str], runs: int) -> dict[str, list[float]]:
    """Return each model's wall times for `predict_proba(texts)`, taken in turns (round-robin),
    so that load from other processes on the machine falls on every variant alike."""
    for model in models.values():
        model.predict_proba(texts[:64])
    times: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(runs):
        for name, model in models.items():
            start = time.perf_counter()
            model.predict_proba(texts)
            times[name].append(time.perf_counter() - start)
    return times


def accuracy(model, dev: list[dict], reference: list[dict] | None,
             sense_dev: list[dict] = ()) -> tuple[dict, list[dict]]:
    """Return (dev metrics and agreement with the `reference` probabilities, this model's probabilities).

    Torch variants also get mention-sense macro-F1 (each with its own precision of the sense
    path); the ONNX graph holds the framing path only.
    """
    from clientlens.model.evaluate import evaluate_framing, evaluate_sense

    recorder = _Recorder(model)
    result = evaluate_framing(recorder, dev)
    row = {"dev_macro_f1": result.macro_f1, "dev_accuracy": result.accuracy}
    probs = recorder.probs
    if sense_dev and not isinstance(model, OnnxFraming):
        row["sense_dev_macro_f1"] = evaluate_sense(sense_dev, model).macro_f1
    if reference is not None:
        same = sum(max(p, key=p.get) == max(q, key=q.get) for p, q in zip(probs, reference))
        row["agree_with_fp32"] = round(same / len(dev), 4)
        row["max_prob_diff"] = round(max(abs(p[k] - q[k]) for p, q in zip(probs, reference) for k in p), 4)
    return row, probs


def recommend(rows: dict[str, dict]) -> str:
    """Return the fastest variant within 1 point (0.01) of fp32's dev macro-F1."""
    floor = rows["fp32"]["dev_macro_f1"] - 0.01
    ok = [name for name, row in rows.items() if row["dev_macro_f1"] >= floor]
    return max(ok, key=lambda name: rows[name]["passages_per_s"])


def main(argv: list[str] | None = None) -> dict:
    """Measure every variant; print a table; return (and with --out, write) the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", help="default: models/framing, else runs/full1")
    parser.add_argument("--passages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dev", default=str(DEV), help="labelled framing records (JSONL)")
    parser.add_argument("--only", help="comma-separated variants to run (default: all)")
    parser.add_argument("--threads", type=int, help="threads per model (default: every core, as the audit does)")
    parser.add_argument("--speed-only", action="store_true", help="skip the dev-set accuracy")
    parser.add_argument("--out", help="write the results as JSON here")
    args = parser.parse_args(argv)
    model_dir = bench.find_model_dir(args.model_dir)
    if model_dir is None:
        raise SystemExit("bench_model: no framing model (models/framing or runs/full1); pass --model-dir")
    dev = [json.loads(line) for line in Path(args.dev).read_text(encoding="utf-8").splitlines() if line.strip()]
    sense_dev = [json.loads(line) for line in SENSE_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = site_passages(args.passages)
    threads = args.threads or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
    workdir = Path(tempfile.mkdtemp(prefix="clientlens-onnx-"))
    rows: dict[str, dict] = {}
    models = {}
    for name, load in variants(model_dir, workdir, threads).items():
        if args.only and name not in args.only.split(","):
            continue
        start = time.perf_counter()
        models[name] = load()
        rows[name] = {"load_s": round(time.perf_counter() - start, 2)}
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)  # after loading: FramingModel.load sets every core
    for name, times in speeds(models, texts, args.runs).items():
        rows[name].update(passages_per_s=round(len(texts) / statistics.median(times), 1),
                          runs_s=[round(t, 3) for t in times])
    reference = None
    for name, model in models.items() if not args.speed_only else ():
        row, probs = accuracy(model, dev, reference, sense_dev)
        reference = probs if name == "fp32" else reference
        rows[name].update(row)
        print(f"{name:10} {rows[name]['passages_per_s']:8.1f} passages/s  dev macro-F1 {row['dev_macro_f1']:.4f}",
              flush=True)
    result = {"machine": bench.machine(), "model_dir": str(model_dir), "passages": len(texts), "dev": len(dev),
              "threads": threads, "variants": rows,
              "recommended": recommend(rows) if "fp32" in rows and not args.speed_only else None}
    print(render_table(result))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def render_table(result: dict) -> str:
    """Return the variants as a Markdown table."""
    lines = ["| variant | passages/s | framing dev macro-F1 | agrees with fp32 | sense dev macro-F1 | load s |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, row in result["variants"].items():
        sense = f"{row['sense_dev_macro_f1']:.4f}" if "sense_dev_macro_f1" in row else "-"
        lines.append(f"| {name} | {row['passages_per_s']:.1f} | {row.get('dev_macro_f1', float('nan')):.4f} | "
                     f"{row.get('agree_with_fp32', 1.0):.4f} | {sense} | {row['load_s']:.1f} |")
    if result.get("recommended"):
        lines.append(f"\nFastest within 1 point of fp32's macro-F1: {result['recommended']}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
