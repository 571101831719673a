"""Smoke tests of scripts/finetune_encoder.py on the bundled MiniLM-L6 and a tiny corpus (no timing)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("transformers")
pytest.importorskip("datasets")

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
sys.path.insert(0, str(SCRIPTS))

import finetune_encoder  # noqa: E402

from clientlens.model.encoder import base_model_dir  # noqa: E402

TRAIN = [
    ("Your adviser stays with you from the first meeting to the last, and knows your family by name.", "client"),
    ("We meet every quarter to revisit the plan we built with you.", "client"),
    ("Add the kettle to your basket and pay at checkout; delivery takes two days.", "customer"),
    ("Every order over thirty pounds ships free, and returns are open for a month.", "customer"),
    ("Install the package, then set the path variable before you run the command.", "neutral"),
    ("The office is closed on public holidays.", "neutral"),
]
HELD = [
    ("A named partner looks after your accounts for as long as you are with us.", "client"),
    ("Choose a plan, enter your card details and the invoice arrives by email.", "customer"),
    ("Restart the service after changing the configuration file.", "neutral"),
]


def _corpus(root: Path) -> Path:
    for split, rows in (("train", TRAIN), ("dev", HELD), ("test", HELD)):
        folder = root / "framing"
        folder.mkdir(parents=True, exist_ok=True)
        lines = [json.dumps({"id": f"{split}-{i}", "text": text, "label": label})
                 for i, (text, label) in enumerate(rows)]
        (folder / f"{split}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_split_forward_matches_the_encoder():
    stack = finetune_encoder.Stack(str(base_model_dir()), 2)
    stack.check(64)  # raises SystemExit when the frozen + tuned halves differ from the whole
    assert len(stack.bottom) == 4 and len(stack.top) == 2
    assert all(p.requires_grad for p in stack.top.parameters())
    assert not any(p.requires_grad for p in stack.bottom.parameters())


def test_tuned_layers_out_of_range_is_a_clear_error():
    with pytest.raises(SystemExit, match="--tuned must be 1..6"):
        finetune_encoder.Stack(str(base_model_dir()), 7)


def test_a_tiny_run_scores_dev_and_test_and_writes_predictions(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path / "corpus")
    predict = tmp_path / "passages.jsonl"
    predict.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, (t, _) in enumerate(HELD)) + "\n")
    out = tmp_path / "runs" / "tiny.json"
    monkeypatch.setattr(sys, "argv", ["finetune_encoder.py", "--encoder", str(base_model_dir()),
                                      "--corpus", str(corpus), "--tuned", "1", "--epochs", "2", "--threads", "1",
                                      "--out", str(out), "--predict", str(predict)])
    finetune_encoder.main()
    result = json.loads(out.read_text())
    assert [row["epoch"] for row in result["epochs"]] == [1, 2]
    assert result["chosen_epoch"] in (1, 2) and 0.0 <= result["dev"] <= 1.0 and 0.0 <= result["test"] <= 1.0
    written = out.parent / f"{base_model_dir().name}.predictions.jsonl"
    predictions = [json.loads(line) for line in written.read_text().splitlines()]
    assert [p["id"] for p in predictions] == [0, 1, 2]
    for p in predictions:
        assert set(p["scores"]) == {"client", "customer", "neutral"}
        assert sum(p["scores"].values()) == pytest.approx(1.0, abs=1e-5)
