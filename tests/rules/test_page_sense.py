"""One sense per page: mentions no cue decided take the sense the page's cued mentions agree on."""

from dataclasses import replace

from clientlens.config import Settings
from clientlens.engine import Auditor
from clientlens.ingest.text import load_text
from clientlens.rules.page_sense import follow_page_sense, page_senses, read_page_sense
from clientlens.types import Sense

P, N, M = Sense.PERSON, Sense.NON_PERSON, Sense.META

SOFTWARE_PAGE = "Set up the email client, then the VPN client.\n\nThe client says hello first.\n"
AGENCY_PAGE = ("Our clients stay for years, and our regular clients get a named designer. "
               "We keep the client-side code small. The client saw the page load twice as fast.")


def senses(mentions_of, text):
    return [(m.surface, m.sense, m.decided_by) for m in follow_page_sense(mentions_of(text))]


def test_a_bare_client_on_a_software_page_names_software(mentions_of):
    found = senses(mentions_of, SOFTWARE_PAGE)
    assert [s for _, s, _ in found] == [N, N, N]
    assert found[2][2] == "rule:page-sense"


def test_the_rules_alone_read_the_bare_client_as_a_person(mentions_of):
    # What the page sense corrects: without it the bare use is the rules' low-confidence default.
    bare = mentions_of(SOFTWARE_PAGE)[2]
    assert (bare.sense, bare.decided_by) == (P, "rule:default")


def test_one_software_cue_among_people_changes_nothing(mentions_of):
    found = senses(mentions_of, AGENCY_PAGE)
    assert [(w, s) for w, s, _ in found] == [("clients", P), ("clients", P), ("client-side", N), ("client", P)]
    assert found[-1][2] == "rule:default"
    assert page_senses(mentions_of(AGENCY_PAGE))["client"][0] is P  # 2 person cues to 1 software cue


def test_a_cued_mention_never_follows_the_page(mentions_of):
    text = "Set up the email client, then the VPN client.\n\nOur clients say hello first.\n"
    assert [s for _, s, _ in senses(mentions_of, text)] == [N, N, P]


def test_a_meta_reading_never_follows_the_page(mentions_of):
    found = mentions_of(SOFTWARE_PAGE)
    page = read_page_sense(found)
    as_meta = replace(found[2], sense=M, confidence=0.9, decided_by="model:clientlens-framing@test")
    assert follow_page_sense([*found[:2], as_meta], page)[2].sense is M


def test_a_model_reading_follows_the_page_the_rules_read(mentions_of):
    # The model reads one passage; the page's cued mentions, read by the rules before it ran, win.
    found = mentions_of(AGENCY_PAGE.replace("We keep the client-side code small. ", ""))
    page = read_page_sense(found)
    assert page.senses["client"][0] is P
    by_model = replace(found[-1], sense=N, confidence=0.97, decided_by="model:clientlens-framing@test")
    followed = follow_page_sense([*found[:-1], by_model], page)[-1]
    assert (followed.sense, followed.decided_by) == (P, "rule:page-sense")
    assert "cued 'client' mentions are person" in followed.cue


def test_a_cued_mention_the_model_answered_keeps_the_model_s_answer(mentions_of):
    # "our clients" on a page of software clients: the rule's cue, hidden once the model answers, still counts.
    found = mentions_of("Set up the email client, then the VPN client.\n\nOur clients say hello first.\n")
    assert (found[2].decided_by, found[2].cue) == ("rule:person-determiner", "our")
    page = read_page_sense(found)
    assert page.senses["client"][0] is N
    by_model = replace(found[2], confidence=0.99, decided_by="model:clientlens-framing@test")
    assert follow_page_sense([*found[:2], by_model], page)[2].sense is P


def test_the_audit_applies_the_page_sense():
    auditor = Auditor(Settings(use_model=False))
    doc = auditor.audit_all([load_text(SOFTWARE_PAGE, "docs.txt")]).documents[0]
    assert [m.sense for m in doc.mentions] == [N, N, N]
    assert doc.counts.get("client", 0) == 0


def test_no_majority_no_page_sense(mentions_of):
    text = "Set up the email client first.\n\nOur clients say hello.\n\nThe client waits for an answer.\n"
    assert page_senses(mentions_of(text)) == {}  # one cue each way
    assert [s for _, s, _ in senses(mentions_of, text)] == [N, P, P]


def test_a_weak_cue_follows_the_page_and_makes_no_page_sense(mentions_of):
    # "your client" on a page about database drivers: the determiner says nothing about people.
    text = ("Set up the database client first, then the email client.\n\n"
            "Restart your client after the change.\n")
    weak = mentions_of(text)[2]
    assert (weak.sense, weak.cue) == (P, "your")
    assert [s for _, s, _ in senses(mentions_of, text)] == [N, N, N]
    people = "Our clients call us.\n\nEvery client gets a named adviser. All clients pay monthly.\n"
    assert page_senses(mentions_of(people))["client"] == (P, "1 of this page's 1 cued 'client' mentions are person")


def test_the_model_cannot_overrule_a_cue_and_the_page_together(mentions_of):
    # "each client application" is software by its own cue and by the page: a model's "person" yields.
    text = "Set up the email client, then the VPN client.\n\nEach client application needs a key.\n"
    found = mentions_of(text)
    assert (found[2].sense, found[2].decided_by) == (N, "rule:software-compound")
    page = read_page_sense(found)
    by_model = replace(found[2], sense=P, confidence=0.95, decided_by="model:clientlens-framing@test")
    assert follow_page_sense([*found[:2], by_model], page)[2].sense is N
