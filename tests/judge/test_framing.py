"""Document framing from passage framings (evidence-weighted), its evidence, and when
framing-mismatch fires."""

import pytest

from clientlens.config import Settings
from clientlens.judge.framing import aggregate, document_framing, mismatch_findings, passage_weight, site_framing
from clientlens.rules.families import family_set
from clientlens.types import Framing, FramingPolicy, Mention, Passage, Sense


def passage(label: str, p: float, start: int, length: int = 100) -> Framing:
    rest = (1 - p) / 2
    scores = {k: (p if k == label else rest) for k in ("client", "customer", "neutral")}
    return Framing(label, scores, Passage(start, start + length, "x" * length), (), "m@1")


# A pricing page: two clear customer passages among six neutral ones (headings, instructions).
PRICING_PAGE = [passage("customer", 0.9, 0)] + [passage("neutral", 0.9, 200 * k) for k in range(1, 7)] \
    + [passage("customer", 0.8, 1600)]


def test_plain_mean_lets_neutral_passages_outvote_the_evidence():
    assert aggregate(PRICING_PAGE).label == "neutral"


def test_neutral_weight_lets_thin_but_clear_evidence_decide():
    framing = document_framing(PRICING_PAGE, FramingPolicy(neutral_weight=0.25))
    assert framing.label == "customer"
    assert abs(sum(framing.scores.values()) - 1) < 1e-3


def test_neutral_still_wins_when_no_passage_frames_a_relationship():
    page = [passage("neutral", 0.95, 200 * k) for k in range(6)] + [passage("client", 0.4, 1400)]
    assert document_framing(page, FramingPolicy(neutral_weight=0.25)).label == "neutral"


def test_evidence_is_the_strongest_passages_of_the_label_at_most_three():
    page = PRICING_PAGE + [passage("customer", 0.99, 2000), passage("customer", 0.6, 2200)]
    framing = document_framing(page, FramingPolicy(neutral_weight=0.25))
    assert [f.passage.start for f in framing.evidence] == [2000, 0, 1600]
    assert all(f.label == "customer" for f in framing.evidence)


def test_a_document_that_discusses_the_words_is_neutral_whatever_its_passages_say():
    page = [passage("client", 0.95, 0), passage("customer", 0.9, 200)]
    assert document_framing(page, FramingPolicy(neutral_weight=0.25)).label != "neutral"
    framing = document_framing(page, FramingPolicy(neutral_weight=0.25), discussion="its title names both words")
    assert framing.label == "neutral" and framing.scores == {"client": 0.0, "customer": 0.0, "neutral": 1.0}
    assert framing.cues == ("the document discusses the words (its title names both words)",)
    assert not framing.evidence and framing.model == "m@1"
    assert document_framing([], FramingPolicy(), discussion="its title names both words") is None


def test_long_passages_weigh_no_more_than_the_cap():
    assert passage_weight(passage("neutral", 0.9, 0, 5000)) == passage_weight(passage("neutral", 0.9, 0, 600))
    assert passage_weight(passage("neutral", 0.9, 0, 50)) == 50


def test_empty_documents_have_no_framing_and_sites_average_documents():
    assert document_framing([], FramingPolicy()) is None
    site = site_framing([(Framing("client", {"client": 1.0, "customer": 0.0, "neutral": 0.0}), 300),
                         (Framing("customer", {"client": 0.0, "customer": 1.0, "neutral": 0.0}), 100)])
    assert site.label == "client" and site.scores["client"] == 0.75 and not site.evidence


def mention(start: int, word: str, family: str, role: str = "own") -> Mention:
    return Mention(start, start + len(word), 1, start + 1, word, family, Sense.PERSON, 0.9, "rule:test",
                   role=role, source_start=start, source_end=start + len(word))


@pytest.mark.parametrize("p, document_label, threshold, fires", [
    (0.9, "client", None, True),          # confident passage, page agrees, model threshold 0.8
    (0.7, "client", None, False),         # below the model's threshold
    (0.7, "client", 0.6, True),           # the setting overrides the model's threshold
    (0.9, "neutral", None, False),        # the page as a whole frames no client relationship
    (0.9, "customer", None, False),       # ... or the customer one
])
def test_mismatch_needs_a_confident_passage_that_its_document_shares(p, document_label, threshold, fires):
    framings = [passage("client", p, 0)]
    document = Framing(document_label, {"client": 0.4, "customer": 0.3, "neutral": 0.3})
    found = mismatch_findings([mention(10, "customers", "customer")], framings, Settings(mismatch_threshold=threshold),
                              family_set(), document=document, policy=FramingPolicy(mismatch_threshold=0.8))
    assert bool(found) is fires
    if fires:
        assert found[0].suggestion == "clients" and found[0].rule == "framing-mismatch"


def test_mismatch_skips_mentions_that_do_not_count_or_match_the_framing():
    framings = [passage("client", 0.95, 0)]
    document = Framing("client", {"client": 0.9, "customer": 0.05, "neutral": 0.05})
    ms = [mention(10, "clients", "client"), mention(30, "customers", "customer", role="third_party")]
    assert mismatch_findings(ms, framings, Settings(), family_set(), document=document) == []


# A help page: eight passages of instructions, and two that name the owner's own customers
# with a plan and a ticket queue; as a whole it reads neutral.
HELP_PAGE = [passage("neutral", 0.95, 200 * k) for k in range(8)] \
    + [passage("customer", 0.7, 1600), passage("neutral", 0.6, 1800)]


def test_a_neutral_page_is_framed_by_the_passages_that_name_its_own_people():
    policy = FramingPolicy(neutral_weight=0.35)
    assert document_framing(HELP_PAGE, policy).label == "neutral"
    ms = [mention(1610, "customers", "customer"), mention(1810, "customer", "customer")]
    framing = document_framing(HELP_PAGE, policy, mentions=ms)
    assert framing.label == "customer" and abs(sum(framing.scores.values()) - 1) < 1e-3
    assert framing.cues == ("the document as a whole reads neutral; the 2 passages naming its own people frame "
                            "a customer relationship",)
    assert [f.passage.start for f in framing.evidence] == [1600]


@pytest.mark.parametrize("role, at, label", [
    ("third_party", 1610, "neutral"),   # the reader's customers: not the page's own relationship
    ("own", 10, "neutral"),             # its own people named only in a passage that frames nothing
    ("own", 1610, "customer"),
])
def test_only_own_people_in_a_framed_passage_move_a_neutral_page(role, at, label):
    ms = [mention(at, "customers", "customer", role=role)]
    assert document_framing(HELP_PAGE, FramingPolicy(neutral_weight=0.35), mentions=ms).label == label


def test_a_page_that_leans_as_a_whole_keeps_its_own_framing():
    ms = [mention(10, "clients", "client")]   # an own mention in a neutral passage of a customer page
    framing = document_framing(PRICING_PAGE, FramingPolicy(neutral_weight=0.25), mentions=ms)
    assert framing.label == "customer" and framing.cues == ()


def test_a_framing_read_off_a_few_passages_licenses_no_mismatch_finding():
    framings = [passage("client", 0.9, 0)]
    document = Framing("client", {"client": 0.6, "customer": 0.1, "neutral": 0.3}, None,
                       ("the document as a whole reads neutral; ...",))
    found = mismatch_findings([mention(10, "customers", "customer")], framings, Settings(), family_set(),
                              document=document, policy=FramingPolicy(mismatch_threshold=0.8))
    assert found == []
