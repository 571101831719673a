"""The plain-torch BERT and tokenizer compute exactly what transformers' BertModel and AutoTokenizer do.

Inference runs clientlens.model.bert and .tokenizer so that it never imports transformers
(seconds of cold start); these tests hold them to the transformers implementation.
"""

import copy
import subprocess
import sys

import pytest

from clientlens.model.encoder import base_model_dir, bottom_forward, load_base_encoder, load_tokenizer
from clientlens.model.locate import bundled_model_dir

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

SENTENCES = [
    "Our advisers stay with every client for decades, and each customer gets a plan.",
    "Clients can pick a standard plan at checkout and pay by card.",
    "x",
    "“Customers” — café naïve Ärger 東京 😀 tab\there\u00a0nbsp zero\u200bwidth \x00control",
    "A much longer passage about the people we serve. " * 40,
]

TRICKY = SENTENCES + [
    "",
    "   ",
    "‘single’ «guillemets» „low“ don’t it's O'Brien",
    "ﬁne ligature, full-width ＡＢＣ, combining e\u0301, Ελληνικά, русский, עברית, العربية",
    "URLs https://example.com/a?b=c&d=e and e-mail client@example.com, #hash @at $9.99 50% 3/4",
    "word " * 600,
]


@pytest.fixture(scope="module")
def ours():
    return load_base_encoder(), load_tokenizer()


@pytest.fixture(scope="module")
def theirs():
    from transformers import AutoModel, AutoTokenizer

    path = str(base_model_dir())
    model = AutoModel.from_pretrained(path, local_files_only=True, use_safetensors=True)
    return model.eval(), AutoTokenizer.from_pretrained(path, local_files_only=True)


def _batch(tokenizer, texts, **kwargs):
    return tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="pt",
                     return_offsets_mapping=True, **kwargs)


def test_weights_and_names_match_transformers(ours, theirs):
    mine, hf = ours[0], theirs[0]
    hf_state = {k: v for k, v in hf.state_dict().items() if not k.startswith("pooler.")}
    mine_state = mine.state_dict()
    assert set(mine_state) == set(hf_state)
    assert all(torch.equal(mine_state[k], hf_state[k]) for k in mine_state)
    # The saved top layers are loaded strictly into copies of these layers by their names.
    assert list(mine.encoder.layer[5].state_dict()) == list(hf.encoder.layer[5].state_dict())
    assert mine.config.hidden_size == hf.config.hidden_size


@pytest.mark.parametrize("split", [0, 4, 6])
def test_bottom_layers_match_transformers(ours, theirs, split):
    enc = _batch(ours[1], SENTENCES)
    with torch.inference_mode():
        mine, _ = bottom_forward(ours[0], enc["input_ids"], enc["attention_mask"], split)
        hf, _ = bottom_forward(theirs[0], enc["input_ids"], enc["attention_mask"], split)
    assert (mine - hf).abs().max().item() < 1e-4


def test_full_stack_matches_transformers(ours, theirs):
    enc = _batch(ours[1], SENTENCES)
    with torch.inference_mode():
        mine = ours[0](enc["input_ids"], enc["attention_mask"])
        hf = theirs[0](input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
    real = enc["attention_mask"].bool()
    assert (mine[real] - hf[real]).abs().max().item() < 1e-4


def test_layer_in_training_mode_matches_transformers(ours, theirs):
    """Training tunes copies of the top layers: dropout must fall in the same places."""
    enc = _batch(ours[1], SENTENCES[:3])
    hidden, mask = bottom_forward(theirs[0], enc["input_ids"], enc["attention_mask"], 4)
    hidden = hidden.detach()
    outs = []
    for model in (ours[0], theirs[0]):
        layer = copy.deepcopy(model.encoder.layer[4]).train()
        torch.manual_seed(7)
        out = layer(hidden, attention_mask=mask)
        outs.append(out[0] if isinstance(out, tuple) else out)
    assert (outs[0] - outs[1]).abs().max().item() < 1e-4


@pytest.mark.parametrize("max_length", [16, 128, None])
def test_tokenizer_batch_matches_transformers(ours, theirs, max_length):
    kwargs = dict(padding=True, truncation=True, return_tensors="pt", return_offsets_mapping=True)
    if max_length is not None:
        kwargs["max_length"] = max_length
    mine, hf = ours[1](TRICKY, **kwargs), theirs[1](TRICKY, **kwargs)
    assert set(mine) == set(hf.keys())
    for key in hf.keys():
        assert mine[key].dtype == hf[key].dtype and torch.equal(mine[key], hf[key]), key
    assert mine["input_ids"].shape[1] == (max_length or 512)  # the 600-word text is cut


def test_tokenizer_single_text_lists_match_transformers(ours, theirs):
    """How training encodes: one text at a time, lists, no padding."""
    for text in TRICKY:
        mine = ours[1](text, truncation=True, max_length=128, return_offsets_mapping=True)
        hf = theirs[1](text, truncation=True, max_length=128, return_offsets_mapping=True)
        assert mine == dict(hf), text
        assert mine["offset_mapping"][0] == (0, 0) and mine["offset_mapping"][-1] == (0, 0)


def test_tokenizer_calls_in_any_order_match_transformers(ours, theirs):
    """Padding and truncation are set per call: one call's settings never leak into the next."""
    calls = [dict(padding=True, return_tensors="pt"),
             dict(truncation=True, max_length=8, return_offsets_mapping=True),
             dict(padding=True, truncation=True, max_length=32, return_tensors="pt", return_offsets_mapping=True),
             dict(padding=True, return_tensors="pt")]
    texts = SENTENCES[:4]
    for kwargs in calls:
        mine, hf = ours[1](texts, **kwargs), theirs[1](texts, **kwargs)
        for key in hf.keys():
            same = torch.equal(mine[key], hf[key]) if "return_tensors" in kwargs else mine[key] == hf[key]
            assert same, (kwargs, key)


@pytest.mark.skipif(bundled_model_dir() is None, reason="no bundled model in models/framing")
def test_audit_model_path_never_imports_transformers():
    code = (
        "import sys\n"
        "from clientlens.config import Settings\n"
        "from clientlens.model import load_default_framer\n"
        "framer = load_default_framer(Settings())\n"
        "text = 'Our advisers stay with every client for decades.'\n"
        "assert framer.model.predict_proba([text])\n"
        "assert framer.model.predict_sense([(text, 30, 36, None)])\n"
        "assert 'transformers' not in sys.modules, 'transformers was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
