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


def test_mark_mention_wraps_the_mention_and_moves_its_span():
    from clientlens.model.heads import SENSE_MARK, mark_mention

    text = "Mirror the client, then the customer."
    start = text.index("client")
    marked, s, e = mark_mention(text, start, start + 6)
    assert marked[s:e] == "client"
    assert marked[s - 1] == SENSE_MARK == marked[e]
    assert marked.replace(SENSE_MARK, "") == text


def test_sense_mark_round_trips_through_config_json_and_old_configs_read_unmarked(tmp_path):
    import json

    from clientlens.model.framing import ModelConfig

    config = ModelConfig("t", "0", "b", ("client", "customer", "neutral"), ("person", "non_person", "meta"),
                         4, 32, sense_mark=True)
    (tmp_path / "config.json").write_text(json.dumps(config.to_dict()))
    assert ModelConfig.read(tmp_path) == config
    old = config.to_dict()
    del old["sense_mark"]
    (tmp_path / "config.json").write_text(json.dumps(old))
    assert ModelConfig.read(tmp_path).sense_mark is False


@pytest.mark.parametrize("mark", [True, False])
def test_a_marked_model_reads_each_mention_wrapped_in_marks(mark):
    from clientlens.model.encoder import load_base_encoder, load_tokenizer
    from clientlens.model.framing import FramingModel, ModelConfig
    from clientlens.model.heads import SENSE_MARK, build_modules
    from clientlens.types import ModelInfo

    seen = []
    tokenizer = load_tokenizer()

    def recording(texts, **kwargs):
        seen.extend(texts)
        return tokenizer(texts, **kwargs)

    base = load_base_encoder()
    config = ModelConfig("t", "0", "b", ("client", "customer", "neutral"), ("person", "non_person", "meta"),
                         4, 32, sense_lora_rank=2, sense_mark=mark)
    model = FramingModel(config, recording, base, *build_modules(base, config), ModelInfo("t", "0", ""))
    text = "The client renders the newsletter for the client."
    first, second = text.index("client"), text.rindex("client")
    out = model.predict_sense([(text, first, first + 6, None), (text, second, second + 6, None)])
    assert len(out) == 2 and all(abs(sum(p.values()) - 1) < 1e-5 for p in out)
    if mark:
        assert sorted(seen) == sorted([f"The {SENSE_MARK}client{SENSE_MARK} renders the newsletter for the client.",
                                       f"The client renders the newsletter for the {SENSE_MARK}client{SENSE_MARK}."])
    else:
        assert seen == [text, text]


def test_clip_around_keeps_a_short_text_whole():
    from clientlens.model.heads import clip_around

    text = "Every client gets a named adviser."
    assert clip_around(text, 6, 12) == (text, 6, 12)


def test_clip_around_centres_a_mention_deep_in_a_long_text_and_cuts_at_spaces():
    from clientlens.model.heads import clip_around

    filler = "the parties agree that nothing here changes the schedule " * 40
    text = filler + "and the Client shall pay on time " + filler
    start = text.index("Client")
    clipped, s, e = clip_around(text, start, start + 6, reach=100)
    assert clipped[s:e] == "Client"
    assert s <= 100 and len(clipped) - e <= 100
    assert not clipped.startswith(" ") and text.find(clipped) != -1
    assert text[text.find(clipped) - 1] == " " and text[text.find(clipped) + len(clipped)] == " "


def test_a_mention_past_the_encoder_window_still_reaches_the_model():
    """Without clipping, a mention after 128 tokens was cut off and pooled as nothing."""
    from clientlens.model.encoder import load_tokenizer
    from clientlens.model.heads import clip_around

    filler = "the supplier will keep the records for seven years after the term ends " * 30
    text = filler + "and the Client may inspect them."
    start = text.index("Client")
    clipped, s, e = clip_around(text, start, start + 6)
    enc = load_tokenizer()([clipped], truncation=True, max_length=128, return_offsets_mapping=True)
    spans = [tuple(o) for o in enc["offset_mapping"][0]]
    assert any(a < e and b > s for a, b in spans if b > a)
