"""The sense head's inputs (rule votes) and the int8 framing path of the bundled model."""

from __future__ import annotations

import pytest

from clientlens.model.heads import RULE_FEATURES, rule_features
from clientlens.types import Sense, SenseVote

from clientlens.model.locate import bundled_model_dir


def test_rule_features_put_the_confidence_in_the_voted_sense():
    votes = [SenseVote(Sense.NON_PERSON, 0.97, "rule:software-compound", "email"),
             SenseVote(Sense.PERSON, 0.6, "rule:default"), None]
    rows = rule_features(votes).tolist()
    assert len(rows[0]) == RULE_FEATURES
    assert rows[0] == pytest.approx([0.0, 0.97, 0.0, 0.0])
    assert rows[1] == pytest.approx([0.6, 0.0, 0.0, 1.0])  # the default vote is flagged
    assert rows[2] == [0.0, 0.0, 0.0, 1.0]  # no rule saw the mention


@pytest.fixture(scope="module")
def model():
    from clientlens.model.framing import FramingModel

    if bundled_model_dir() is None:
        pytest.skip("no bundled model in models/framing")
    return FramingModel.load(bundled_model_dir(), quantize=True)


def test_int8_framing_path_shares_embeddings_and_keeps_sense_in_float32(model):
    assert model.framing_base is not model.base
    assert model.framing_base.embeddings is model.base.embeddings
    assert len(model.framing_base.encoder.layer) == model.config.split
    assert type(model.base.encoder.layer[0].intermediate.dense).__module__ == "torch.nn.modules.linear"
    assert "quantized" in type(model.framing_base.encoder.layer[0].intermediate.dense).__module__


def test_repeated_passages_are_run_once_and_answered_each_time(model):
    texts = ["We keep one adviser with your family for decades.", "Order by noon for next-day delivery.",
             "We keep one adviser with your family for decades."]
    out = model.predict_proba(texts)
    assert len(out) == 3 and out[0] == out[2] and out[0] is not out[2]
    assert max(out[0], key=out[0].get) == "client" and max(out[1], key=out[1].get) == "customer"


def test_sense_head_reads_the_rule_vote(model):
    text = "Our team keeps every client informed."
    start = text.index("client")
    person = SenseVote(Sense.PERSON, 0.8, "rule:person-determiner", "every")
    software = SenseVote(Sense.NON_PERSON, 0.8, "rule:software-compound", "every")
    with_person, with_software = model.predict_sense([(text, start, start + 6, person),
                                                      (text, start, start + 6, software)])
    assert with_person != with_software
    assert with_person["person"] > with_software["person"]
