import pytest

from clientlens.config import Settings
from clientlens.engine import Auditor
from clientlens.ingest.text import load_text
from clientlens.judge.fixes import rewrite
from clientlens.rules.families import family_set


@pytest.mark.parametrize("surface, target, expected", [
    ("Customers'", "client", "Clients'"),
    ("customer", "client", "client"),
    ("CUSTOMER'S", "client", "CLIENT'S"),
    ("customer’s", "client", "client’s"),
    ("customer-facing", "client", "client-facing"),
    ("clientele", "customer", "customers"),
    ("Clients", "customer", "Customers"),
    ("client", "patient", "patient"),
])
def test_fixes_rewrite_keeps_case_number_possessive(surface, target, expected):
    assert rewrite(surface, target, family_set({"patient": ("patient", "patients")})) == expected


def audit(auditor, text):
    return auditor.audit_all([load_text(text, "t.txt")]).documents[0]


@pytest.mark.parametrize("text, mixed, dominant, consistency", [
    ("Our clients trust us. Clients stay. A customer asked.", True, "client", 66.7),
    ("Our clients trust us. Clients stay.", False, "client", 100.0),
    ("Nothing to see here.", False, None, 100.0),
    # an article about the two words is not mixed
    ('The word "client" suggests advice; the word "customer" suggests a sale. Client vs. Customer: '
     "we call them clients.", False, None, 100.0),
    # an IT firm: software clients plus human customers is not mixed
    ("We configure the email client and the VPN client for our customers. Customers get a thin client.",
     False, "customer", 100.0),
    # a party's own third-party customers do not make it mixed
    ("Our clients are retailers. We help their customers find stock.", False, "client", 100.0),
])
def test_document_tally(auditor, text, mixed, dominant, consistency):
    r = audit(auditor, text)
    assert (r.mixed, r.dominant, r.consistency) == (mixed, dominant, consistency)


def test_document_findings_on_minority_mentions(auditor):
    r = audit(auditor, "Our clients trust us. Clients stay. Customers' reviews matter.")
    [f] = r.findings
    assert (f.rule, f.suggestion, f.severity.value) == ("mixed-terminology", "Clients'", "warning")
    assert f.related and "client 2" in f.because


def test_site_flags_pages_that_disagree_with_the_site():
    docs = [load_text("Our clients. Our clients. Clients.", "a.txt"),
            load_text("Our clients stay.", "b.txt"),
            load_text("Our customers pay.", "c.txt")]
    report = Auditor(Settings(use_model=False)).audit_all(docs)
    assert report.dominant == "client" and report.mixed_documents == ()
    flagged = [d.path for d in report.documents if d.findings]
    assert flagged == ["c.txt"]
    assert "disagrees with the site" in report.documents[2].findings[0].message


@pytest.mark.parametrize("settings, rule, count", [
    (Settings(use_model=False, preferred="customer"), "preferred-term", 2),
    (Settings(use_model=False, allow=("customer service",)), None, 0),
    (Settings(use_model=False, severity={"mixed-terminology": "error"}), "mixed-terminology", 1),
])
def test_document_settings_change_findings(settings, rule, count):
    r = Auditor(settings).audit_all([load_text("Our clients. Clients. Customer service helps.", "t.txt")]).documents[0]
    assert len(r.findings) == count
    if rule:
        assert {f.rule for f in r.findings} == {rule}
