"""Item 1: long stretches with no sentence break are cut into bounded windows, offsets kept.

Before: sentence windows merged without a cap, so a 1 MB line, 25,000 one-line sentences or a
1.75 MB JSONL record reached spaCy whole: `[E088] Text of length ... exceeds maximum`, and
every document of the audit was lost.
"""

import pytest

from clientlens.config import Settings
from clientlens.engine import Auditor
from clientlens.rules.windows import mention_windows
from tests.hostile.helpers import audit, good_and_errors, hi

SPACY_MAX = 1_000_000


def _hits(text: str, word: str = "client") -> list[tuple[int, int]]:
    out, pos = [], text.find(word)
    while pos != -1:
        out.append((pos, pos + len(word)))
        pos = text.find(word, pos + 1)
    return out


@pytest.mark.parametrize("make, max_sentence, max_window", [
    (lambda: hi.long_line(50_000), 400, 2_000),        # no sentence break at all
    (lambda: hi.short_sentences(2_000), 400, 1_000),   # one sentence a line: no boundary between them
    (lambda: hi.hyphenated_word(20_000), 400, 1_000),  # one "word" longer than any window
], ids=["line", "sentences", "hyphenated"])
def test_windows_never_pass_max_window_and_hold_every_hit(make, max_sentence, max_window):
    text = make()
    hits = _hits(text)
    windows = mention_windows(text, hits, (), max_sentence, max_window)
    assert windows and all(hi_ - lo <= max_window for lo, hi_ in windows)
    assert all(a[1] <= b[0] for a, b in zip(windows, windows[1:]))  # sorted, not overlapping
    for start, end in hits:
        assert any(lo <= start < hi_ for lo, hi_ in windows), (start, end)


@pytest.mark.parametrize("text", ["Our clients stay. A customer paid.\n\nThe client called, and then clients came."])
def test_windows_of_ordinary_text_are_its_sentences(text):
    # Far below the caps nothing changes: one window per sentence.
    hits = _hits(text) + _hits(text, "customer")
    windows = mention_windows(text, sorted(hits))
    assert [text[lo:hi_] for lo, hi_ in windows] == ["Our clients stay.", "A customer paid.",
                                                      "The client called, and then clients came."]


@pytest.mark.parametrize("make", [
    lambda: hi.long_line(1_100_000, every=25),     # a 1.1 MB line, a mention every 25 clauses
    lambda: hi.short_sentences(25_000, every=10),  # 25,000 sentences, one a line, one paragraph
], ids=["line", "sentences"])
def test_audit_of_text_longer_than_spacy_max_keeps_every_document(tmp_path, make):
    text = make()
    assert len(text) > SPACY_MAX
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    (tmp_path / "good.txt").write_text(hi.GOOD, encoding="utf-8")
    code, report, stderr = audit(str(tmp_path))
    assert code in (0, 1), stderr
    good, errors = good_and_errors(report)
    assert sorted(good) == ["good.txt", "long.txt"] and not errors
    long = next(d for d in report["documents"] if d["path"].endswith("long.txt"))
    for m in long["mentions"][:: max(len(long["mentions"]) // 50, 1)]:
        assert text[m["start"]:m["end"]] == m["surface"]


def test_a_long_jsonl_record_is_audited_with_its_neighbours(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text(hi.jsonl_record(hi.GOOD, "first") + hi.jsonl_record(hi.long_line(1_050_000, every=30))
                    + hi.jsonl_record(hi.GOOD, "last"), encoding="utf-8")
    code, report, stderr = audit(str(path))
    good, errors = good_and_errors(report)
    assert good == ["records.jsonl#first", "records.jsonl#big", "records.jsonl#last"] and not errors


@pytest.mark.parametrize("size", [12_000])
def test_small_caps_give_the_same_mentions_where_nothing_is_cut(size):
    # The caps only cut; mentions of ordinary sentences stay exactly what they were.
    text = " ".join(f"Our clients in town {i} stay. A customer paid for flat {i}." for i in range(size // 60))
    small = Auditor(Settings(use_model=False, max_sentence=200, max_window=400)).audit_text(text)
    default = Auditor(Settings(use_model=False)).audit_text(text)
    assert [(m.start, m.end, m.sense, m.role) for m in small.mentions] == \
        [(m.start, m.end, m.sense, m.role) for m in default.mentions]


@pytest.mark.parametrize("key, value, message", [
    ("max-window", 2_000_000, "max-window"),
    ("max-sentence", 10, "max-sentence"),
    ("max-window", 500, "twice max-sentence"),
])
def test_window_settings_are_validated(tmp_path, key, value, message):
    (tmp_path / ".clientlens.toml").write_text(f"{key} = {value}\n")
    (tmp_path / "a.txt").write_text(hi.GOOD)
    code, report, stderr = audit(str(tmp_path / "a.txt"))
    assert code == 2 and report is None
    assert message in stderr and ".clientlens.toml" in stderr and stderr.count("\n") == 1


def _old_mention_passage(text, start, end):
    from clientlens.rules.windows import sentence_bounds

    lo, hi = sentence_bounds(text, start, end)
    para_lo = text.rfind("\n\n", 0, start) + 1
    para_hi = text.find("\n\n", end)
    para_hi = len(text) if para_hi == -1 else para_hi
    if lo > para_lo:
        lo = max(para_lo, sentence_bounds(text, max(lo - 2, para_lo), max(lo - 1, para_lo))[0])
    if hi < para_hi:
        hi = min(para_hi, sentence_bounds(text, min(hi + 1, para_hi - 1), min(hi + 2, para_hi))[1])
    return lo, hi


@pytest.mark.parametrize("seed", [1, 2])
def test_model_passages_search_paragraphs_nearby_only_with_the_same_answer(seed):
    # The model's passage around each mention looked for its paragraph's ends across the
    # whole text (quadratic in a long text full of mentions); the bounded search agrees.
    import random
    import re

    from clientlens.model.passages import _overlap_test, mention_passage

    rng = random.Random(seed)
    parts = ["client", " ", "word", ". ", "\n\n", "\n", "A", "x" * 500, "y" * 1900]
    for _ in range(150):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(1, 60)))
        for m in re.finditer("client", text):
            assert mention_passage(text, m.start(), m.end()) == _old_mention_passage(text, m.start(), m.end())
        spans = [(rng.randint(0, 50), rng.randint(0, 60)) for _ in range(rng.randint(0, 6))]
        overlaps = _overlap_test(spans)
        for start in range(0, 60, 3):
            for end in range(start, 62, 5):
                assert overlaps(start, end) == any(lo < end and start < hi for lo, hi in spans)


def test_a_document_with_too_many_mentions_is_refused_before_any_work(tmp_path):
    (tmp_path / ".clientlens.toml").write_text("max-mentions = 500\n")
    (tmp_path / "dense.txt").write_text(hi.long_line(30_000))  # a mention every 7 words
    (tmp_path / "good.txt").write_text(hi.GOOD)
    code, report, stderr = audit(str(tmp_path))
    good, errors = good_and_errors(report)
    assert code == 1 and good == ["good.txt"]
    assert errors == {"dense.txt": f"{tmp_path / 'dense.txt'}: more than 500 mentions of the family words "
                                   "(max-mentions); split it into smaller documents"}
