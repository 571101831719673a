"""Re-measure an existing model directory after the rules or the corpus changed (its weights did not).

Chooses the sense hand-off threshold and meta bar again on the dev split, the temperature and
the framing-mismatch threshold again on the framing dev split (train.py: calibrate), and the
document framing's neutral weight again on the dev pages (pages.py: framing_pages), then re-evaluates
dev and test and rewrites config.json, training.json, README.md (the model card) and
metrics.json in place, exactly as `clientlens train` would have for these weights.

    python3 scripts/refresh_card.py [models/framing] [--version=X.Y.Z]
    python3 scripts/refresh_card.py models/framing --render-only   # README.md from training.json + metrics.json

--render-only measures nothing: it renders the card again from the saved summary and metrics
(after a section such as "comparison" was added to training.json by hand).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path


def render_only(folder: Path) -> None:
    """Rewrite README.md from training.json and metrics.json, measuring nothing."""
    from clientlens.model.card import render_model_card
    from clientlens.model.evaluate import EvalResult
    from clientlens.model.framing import sha256_of

    summary = json.loads((folder / "training.json").read_text())
    fields = set(EvalResult.__dataclass_fields__) - {"extra"}
    results = {}
    for name, raw in json.loads((folder / "metrics.json").read_text()).items():
        extra = {k: v for k, v in raw.items() if k not in fields}
        results[name] = EvalResult(**{k: (tuple(v) if k == "labels" else v) for k, v in raw.items() if k in fields},
                                   extra=extra)
    (folder / "README.md").write_text(render_model_card(summary, results, sha256_of(folder / "model.safetensors")))
    print(f"card rendered again in {folder}")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    folder = Path(args[0] if args else "models/framing")
    version = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--version=")), None)
    if "--render-only" in sys.argv:
        return render_only(folder)
    from clientlens.model.data import load_records
    from clientlens.model.framing import FramingModel
    from clientlens.model.train import TrainConfig, _write_card, choose_sense_threshold

    model = FramingModel.load(folder)
    summary = json.loads((folder / "training.json").read_text())
    raw = dict(summary["config"])
    config = TrainConfig(**{**raw, "corpus": Path(raw["corpus"]), "out": Path(raw["out"])})
    sense_dev = load_records(config.corpus, "sense", "dev")
    new_config = choose_sense_threshold(model.config, model.tokenizer, model.base, model.top, model.head,
                                        model.sense_head, sense_dev, summary["sense"])
    if version:
        new_config = dataclasses.replace(new_config, version=version)
        summary["config"]["version"] = version
    from clientlens.model.train import calibrate
    from clientlens.pages import choose_page_policy

    new_config, calibration = calibrate(model, new_config, load_records(config.corpus, "framing", "dev"))
    model.config = new_config
    weight, calibration["pages"] = choose_page_policy(model, config.corpus)
    summary["calibration"] = calibration
    new_config = dataclasses.replace(new_config, neutral_weight=weight)
    (folder / "config.json").write_text(json.dumps(new_config.to_dict(), indent=2) + "\n")
    (folder / "training.json").write_text(json.dumps(summary, indent=2) + "\n")
    _write_card(folder, config, new_config, model.tokenizer, model.base, model.top, model.head,
                model.sense_head, summary, None)
    print(f"threshold {new_config.sense_threshold}, meta bar {new_config.sense_meta_bar}, "
          f"neutral weight {new_config.neutral_weight}; card rewritten in {folder}")


if __name__ == "__main__":
    main()
