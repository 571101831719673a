"""Training end to end on a 200-passage slice: the saved model loads, predicts and is safetensors-only."""

import json
import math

import pytest

from clientlens.errors import ConfigError, ModelError
from clientlens.model.framing import FramingModel
from clientlens.model.train import TrainConfig, train
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    out = tmp_path_factory.mktemp("model") / "framing"
    import os

    from clientlens.pages import choose_page_policy

    old = os.umask(0o077)  # a strict umask: the model's files must still come out 0644
    try:
        return train(TrainConfig(corpus=ROOT / "corpus", out=out, limit=200, epochs=1, sense_epochs=2),
                     page_policy=choose_page_policy)
    finally:
        os.umask(old)


def test_train_writes_a_complete_model_dir(small_model):
    names = {p.name for p in small_model.iterdir()}
    assert names == {"config.json", "model.safetensors", "training.json", "README.md", "metrics.json"}
    assert not any(p.suffix in (".bin", ".pt", ".pkl") for p in small_model.iterdir())
    assert small_model.joinpath("model.safetensors").stat().st_size < 10_000_000
    card = small_model.joinpath("README.md").read_text()
    assert "macro-F1" in card and "test" in card
    metrics = json.loads(small_model.joinpath("metrics.json").read_text())
    assert {"framing, dev", "framing, test"} <= set(metrics)


def test_train_saved_model_loads_and_predicts(small_model):
    model = FramingModel.load(small_model)
    [probs] = model.predict_proba(["Your adviser reviews the family portfolio with you every spring."])
    assert set(probs) == {"client", "customer", "neutral"}
    assert abs(sum(probs.values()) - 1) < 1e-4
    [sense] = model.predict_sense([("Update the email client today.", 17, 23, None)])
    assert set(sense) == {"person", "non_person", "meta"}
    assert len(model.info.sha256) == 64


def test_train_quick_run_is_no_release_and_files_are_world_readable(small_model):
    config = json.loads(small_model.joinpath("config.json").read_text())
    assert config["version"].endswith(".dev0+quick")
    assert TrainConfig(epochs=6).release == TrainConfig().version
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in small_model.iterdir())


def test_train_saves_the_calibration_chosen_on_dev(small_model):
    config = json.loads(small_model.joinpath("config.json").read_text())
    assert config["temperature"] > 0 and 0.5 <= config["mismatch_threshold"] <= 0.99
    assert 0 < config["neutral_weight"] <= 1
    summary = json.loads(small_model.joinpath("training.json").read_text())["calibration"]
    assert summary["dev_nll_after"] <= summary["dev_nll_before"]
    assert "Calibration and document framing" in small_model.joinpath("README.md").read_text()
    # the page policy is measured on the labelled roles pages too; chosen by likelihood on the dev ones
    pages = summary["pages"]
    assert {"dev", "roles dev", "roles test"} <= set(pages["page_macro_f1"])
    assert pages["chosen_on"]["sets"] == ["dev", "roles dev"]
    nll = pages["chosen_on"]["nll"]
    assert nll[str(pages["neutral_weight"])] == min(nll.values())
    assert set(pages["page_ece"]) == set(pages["page_macro_f1"])
    assert all(0.0 <= value <= 1.0 for value in pages["page_ece"].values())
    card = small_model.joinpath("README.md").read_text()
    assert "roles dev pages" in card and "dev NLL, chooses" in card
    assert "Page framing ECE at the chosen weight" in card


def test_train_chooses_a_meta_bar_on_dev_after_the_threshold(small_model):
    from clientlens.model.train import META_BARS

    config = json.loads(small_model.joinpath("config.json").read_text())
    sense = json.loads(small_model.joinpath("training.json").read_text())["sense"]
    assert config["sense_meta_bar"] == sense["meta_bar"] in META_BARS
    assert set(sense["meta_bars_dev_macro_f1"]) == {str(b) for b in META_BARS}
    assert "Meta bar" in small_model.joinpath("README.md").read_text()


def test_page_labels_frame_a_page_that_discusses_the_words_neutral():
    from clientlens.pages import page_labels
    from clientlens.types import Framing, Passage

    client = Framing("client", {"client": 0.9, "customer": 0.05, "neutral": 0.05}, Passage(0, 40, "x" * 40))
    assert page_labels([[client], [client], []], 0.25) == ["client", "client", "none"]
    assert page_labels([[client], [client], []], 0.25, [None, "its title names both words", None]) == \
        ["client", "neutral", "none"]


def test_page_labels_read_a_neutral_page_by_the_passages_naming_its_own_people():
    from clientlens.pages import page_labels
    from clientlens.types import Framing, Mention, Passage, Sense

    steps = [Framing("neutral", {"client": 0.02, "customer": 0.03, "neutral": 0.95}, Passage(k * 50, k * 50 + 40, "x" * 40))
             for k in range(6)]
    plans = Framing("customer", {"client": 0.1, "customer": 0.8, "neutral": 0.1}, Passage(300, 340, "x" * 40))
    own = Mention(310, 319, 1, 311, "customers", "customer", Sense.PERSON, 0.9, "rule:test", role="own")
    assert page_labels([steps + [plans]], 0.35) == ["neutral"]
    assert page_labels([steps + [plans]], 0.35, [None], [[own]]) == ["customer"]


def test_page_nll_is_the_mean_negative_log_likelihood_of_the_gold_labels():
    from clientlens.pages import NLL_FLOOR, page_nll
    from clientlens.types import Framing

    sure = Framing("client", {"client": 0.8, "customer": 0.1, "neutral": 0.1})
    wrong = Framing("customer", {"client": 0.0, "customer": 1.0, "neutral": 0.0})
    assert page_nll([sure, sure], ["client", "customer"]) == pytest.approx((-math.log(0.8) - math.log(0.1)) / 2)
    assert page_nll([wrong, None], ["client", "neutral"]) == pytest.approx(-math.log(NLL_FLOOR) / 2)


def test_page_calibration_error_compares_each_page_label_score_with_being_right():
    from clientlens.pages import page_calibration_error
    from clientlens.types import Framing

    right = Framing("client", {"client": 0.85, "customer": 0.1, "neutral": 0.05})
    wrong = Framing("customer", {"client": 0.35, "customer": 0.55, "neutral": 0.1})
    # Bin (0.8, 0.9]: one page at 0.85, right -> |1 - 0.85|; bin (0.5, 0.6]: one at 0.55, wrong -> 0.55.
    assert page_calibration_error([(right, "client"), (wrong, "client")]) == pytest.approx((0.15 + 0.55) / 2)
    # A page without passages reads neutral, sure of it: right when the gold label is neutral.
    assert page_calibration_error([(None, "neutral")]) == 0.0
    assert page_calibration_error([(None, "client")]) == 1.0


def test_train_can_keep_the_sense_part_of_another_model(small_model, tmp_path):
    from safetensors.torch import load_file

    out = train(TrainConfig(corpus=ROOT / "corpus", out=tmp_path / "framing", limit=60, epochs=1,
                            sense_from=small_model))
    mine, theirs = load_file(str(out / "model.safetensors")), load_file(str(small_model / "model.safetensors"))
    sense = [k for k in theirs if k.startswith("sense.")]
    assert sense and all((mine[k] == theirs[k]).all() for k in sense)
    assert json.loads((out / "training.json").read_text())["sense"]["from"] == str(small_model)
    kept = json.loads((out / "config.json").read_text())
    theirs_config = json.loads((small_model / "config.json").read_text())
    assert (kept["sense_threshold"], kept["sense_meta_bar"]) == \
        (theirs_config["sense_threshold"], theirs_config["sense_meta_bar"])


def test_train_leaves_no_temporary_dirs(small_model):
    assert [p.name for p in small_model.parent.iterdir()] == ["framing"]


def test_page_loss_is_the_nll_of_the_audits_document_aggregate(monkeypatch):
    import math

    import torch

    from clientlens.model import train as train_module

    logits = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
    monkeypatch.setattr(train_module, "_framing_logits", lambda base, top, head, hidden, mask: logits)
    states = [torch.zeros(3, 4), torch.zeros(5, 4)]
    weights = torch.tensor([100.0, 300.0])
    probs = torch.softmax(logits, -1).tolist()
    mass = [(100 * probs[0][i] + 300 * probs[1][i]) / 400 for i in range(3)]
    mass[2] *= 0.35
    for label in range(3):
        loss = train_module._page_loss(None, None, None, states, weights, label, 0.35)
        assert float(loss) == pytest.approx(-math.log(mass[label] / sum(mass)), rel=1e-5)


def test_training_pages_cut_labelled_pages_as_audits_do_and_leave_discussions_out():
    from clientlens.judge.framing import WEIGHT_CAP
    from clientlens.pages import framing_pages, training_pages

    pages = training_pages(ROOT / "corpus")
    labelled = framing_pages(ROOT / "corpus", "train", "pages") + framing_pages(ROOT / "corpus", "train", "roles")
    discussing = [line for line in (ROOT / "corpus/roles/train.jsonl").read_text().splitlines()
                  if json.loads(line)["discussion"]]
    assert discussing and len(pages) == len(labelled) - len(discussing)
    assert {label for _, _, label in pages} == {"client", "customer", "neutral"}
    assert all(texts and len(texts) == len(weights) and all(0 < w <= WEIGHT_CAP for w in weights)
               for texts, weights, _ in pages)


def test_train_with_a_page_loss_reads_the_train_pages(small_model, tmp_path):
    from clientlens.pages import training_pages

    out = train(TrainConfig(corpus=ROOT / "corpus", out=tmp_path / "framing", limit=20, epochs=1,
                            sense_from=small_model, page_weight=1.0), page_examples=training_pages)
    summary = json.loads((out / "training.json").read_text())
    assert summary["framing"]["pages"] == 20 and summary["config"]["page_weight"] == 1.0


@pytest.mark.parametrize("kwargs", [{"epochs": 0}, {"split": 7}, {"lr": 2.0}, {"limit": -1}, {"page_weight": -1.0},
                                    {"page_neutral_weight": 0.0}])
def test_train_config_rejects_bad_values(kwargs):
    with pytest.raises(ConfigError):
        TrainConfig(**kwargs)


@pytest.mark.parametrize("files, message", [
    ({}, "missing"),
    ({"config.json": "{}", "model.safetensors": "x"}, "not a clientlens model"),
])
def test_load_rejects_incomplete_model_dirs(tmp_path, files, message):
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    with pytest.raises(ModelError, match=message):
        FramingModel.load(tmp_path)
