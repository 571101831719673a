"""Re-measure an existing model directory after the rules changed (its weights did not).

Chooses the sense hand-off threshold again on the dev split, then re-evaluates dev and test
and rewrites config.json, README.md (the model card) and metrics.json in place, exactly as
`clientlens train` would have for these weights.

    python3 scripts/refresh_card.py [models/framing]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "models/framing")
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
    (folder / "config.json").write_text(json.dumps(new_config.to_dict(), indent=2) + "\n")
    (folder / "training.json").write_text(json.dumps(summary, indent=2) + "\n")
    _write_card(folder, config, new_config, model.tokenizer, model.base, model.top, model.head,
                model.sense_head, summary, None)
    print(f"threshold {new_config.sense_threshold}; card rewritten in {folder}")


if __name__ == "__main__":
    main()
