"""How the model's sense probabilities become a mention's sense (model/sense.py: model_sense)."""

from __future__ import annotations

import json

import pytest

from clientlens.model.framing import ModelConfig
from clientlens.model.sense import model_sense
from clientlens.types import Sense, SenseVote

DEFAULT_PERSON = SenseVote(Sense.PERSON, 0.6, "rule:default")
QUOTED = SenseVote(Sense.META, 0.7, "rule:the-word", "quoted")


@pytest.mark.parametrize("probs, vote, bar, expected", [
    # no bar: the most probable sense, meta included
    ({"person": 0.2, "non_person": 0.1, "meta": 0.7}, DEFAULT_PERSON, 0.0, "meta"),
    # a meta reading under the bar over a person vote: the best other sense stands
    ({"person": 0.2, "non_person": 0.1, "meta": 0.7}, DEFAULT_PERSON, 0.95, "person"),
    ({"person": 0.05, "non_person": 0.25, "meta": 0.7}, DEFAULT_PERSON, 0.95, "non_person"),
    # at or over the bar meta wins
    ({"person": 0.02, "non_person": 0.01, "meta": 0.97}, DEFAULT_PERSON, 0.95, "meta"),
    # the rules said meta too: the bar does not apply
    ({"person": 0.3, "non_person": 0.1, "meta": 0.6}, QUOTED, 0.95, "meta"),
    # no rule vote at all: an unmarked meta reading still needs the bar
    ({"person": 0.3, "non_person": 0.1, "meta": 0.6}, None, 0.95, "person"),
    # the bar never touches the other senses
    ({"person": 0.1, "non_person": 0.6, "meta": 0.3}, DEFAULT_PERSON, 0.95, "non_person"),
])
def test_model_sense_holds_an_unmarked_meta_reading_to_the_bar(probs, vote, bar, expected):
    assert model_sense(probs, vote, bar) == expected


def test_meta_bar_round_trips_through_config_json_and_old_configs_have_none(tmp_path):
    config = ModelConfig("t", "0", "b", ("client", "customer", "neutral"), ("person", "non_person", "meta"),
                         4, 32, sense_meta_bar=0.9)
    (tmp_path / "config.json").write_text(json.dumps(config.to_dict()))
    assert ModelConfig.read(tmp_path) == config
    old = config.to_dict()
    del old["sense_meta_bar"]
    (tmp_path / "config.json").write_text(json.dumps(old))
    assert ModelConfig.read(tmp_path).sense_meta_bar == 0.0


class _FakeModel:
    """A sense model that reads every mention as meta with probability 0.8."""

    def __init__(self, bar: float) -> None:
        from clientlens.types import ModelInfo

        self.config = ModelConfig("fake", "0", "b", ("client", "customer", "neutral"),
                                  ("person", "non_person", "meta"), 4, 32, sense_threshold=0.98,
                                  sense_meta_bar=bar)
        self.info = ModelInfo("fake", "0", "")

    def predict_sense(self, items):
        return [{"person": 0.15, "non_person": 0.05, "meta": 0.8} for _ in items]


@pytest.mark.parametrize("bar, expected, by", [(0.0, Sense.META, "model:fake@0"),
                                               (0.95, Sense.PERSON, "rule:default")])
def test_the_audit_applies_the_models_meta_bar(bar, expected, by):
    from clientlens.model.framer import Framer
    from clientlens.types import Document, Kind, Mention

    text = "We run showcases for every client of ours each fortnight."
    start = text.index("client")
    doc = Document("page.md", Kind.PAGE, text)
    mention = Mention(start, start + 6, 1, start + 1, "client", "client", Sense.PERSON, 0.6, "rule:default")
    [[out]] = Framer(_FakeModel(bar)).refine_senses([doc], [[mention]])
    assert out.sense is expected
    assert out.decided_by == by  # under the bar the rule's vote stands as it was
