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


def test_soft_targets_mix_gold_and_teacher():
    labels = ("client", "customer", "neutral")
    teacher = {"a": {"client": 0.6, "customer": 0.4, "neutral": 0.0},
               "b": {"client": 0.0, "customer": 0.0, "neutral": 1.0}}
    rows = [{"text": "a", "label": "customer"}, {"text": "b", "label": None}, {"text": "c", "label": "client"}]
    out = finetune_encoder.soft_targets(rows, teacher, labels, 0.25).tolist()
    assert out[0] == pytest.approx([0.15, 0.85, 0.0])  # 0.75 * gold + 0.25 * teacher
    assert out[1] == pytest.approx([0.0, 0.0, 1.0])  # unlabelled: the teacher alone
    assert out[2] == pytest.approx([1.0, 0.0, 0.0])  # not scored by the teacher: gold alone


def test_a_tiny_distillation_run_learns_from_unlabelled_transfer_texts(tmp_path, monkeypatch, capsys):
    corpus = _corpus(tmp_path / "corpus")
    unlabelled = ["Book a table online and pay the deposit at checkout.", "Your planner calls you every spring."]
    teacher = tmp_path / "teacher.jsonl"
    teacher.write_text("\n".join(json.dumps({"text": t, "scores": {"client": 0.2, "customer": 0.7, "neutral": 0.1}})
                                 for t in unlabelled[:1] + [text for text, _ in TRAIN]) + "\n")
    transfer = tmp_path / "transfer.jsonl"
    transfer.write_text("\n".join(json.dumps({"text": t}) for t in unlabelled) + "\n")
    out = tmp_path / "runs" / "student.json"
    monkeypatch.setattr(sys, "argv", ["finetune_encoder.py", "--encoder", str(base_model_dir()),
                                      "--corpus", str(corpus), "--tuned", "1", "--epochs", "1", "--threads", "1",
                                      "--out", str(out), "--teacher", str(teacher), "--transfer", str(transfer)])
    finetune_encoder.main()
    # The second transfer text has no teacher score and no label, so it cannot be learnt from.
    assert "the teacher did not score 1 of" in capsys.readouterr().out
    assert json.loads(out.read_text())["chosen_epoch"] == 1


@pytest.mark.parametrize("flags,message", [(["--transfer", "t.jsonl"], "--transfer needs --teacher"),
                                           (["--teacher", "missing.jsonl"], "no such file")])
def test_bad_arguments_stop_with_one_clear_line(tmp_path, monkeypatch, capsys, flags, message):
    (tmp_path / "t.jsonl").write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["finetune_encoder.py", "--encoder", str(base_model_dir()), *flags])
    with pytest.raises(SystemExit) as stop:
        finetune_encoder.main()
    assert stop.value.code == 2 and message in capsys.readouterr().err
