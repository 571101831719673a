"""`audit` judges a contract with the same analysis as `contract`, on its own, and never takes a page for one.

Every contract and page here was written for these tests; the businesses are made up.
"""

import docx
import pytest

from clientlens.config import Settings
from clientlens.engine import Auditor
from clientlens.ingest import load_documents
from clientlens.ingest.text import load_text
from clientlens.types import Document, Framing, Kind, Passage
from tests.ingest.test_pdf_docx import write_pdf

CLAUSES = [
    'This Agreement is made between Hollin Vale Bakeries Ltd ("Supplier") and Crookhaven Deli Ltd (the "Customer").',
    "1. The Supplier shall deliver bread to the Customer before 7am each weekday.",
    "2. The customer shall pay each invoice within 14 days. The Customer's own customers may order cakes in advance.",
    "3. The Supplier may tell its other clients about the Customer's new range. Customer Data stays confidential.",
    "4. The client shall keep the delivery door clear. This Agreement is governed by the law of England.",
]
CONTRACT = "\n\n".join(CLAUSES) + "\n"

PAGE = ("Bread for cafés\n\nOur clients get a dedicated baker. Every client tastes the new range first.\n\n"
        'Ask about our "Client Charter" or tap "Customer Portal" to order.\n')


def write_docx(path, paragraphs):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def verdict(doc):
    """What audit and contract must agree on for one document."""
    return (dict(doc.counts), doc.mixed, doc.dominant, [(f.rule, f.line, f.page, f.start) for f in doc.findings],
            doc.contract.to_dict() if doc.contract is not None else None,
            [(m.start, m.sense, m.role) for m in doc.mentions])


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("contracts")
    (root / "deli.txt").write_text(CONTRACT, encoding="utf-8")
    write_pdf(root / "deli.pdf", [CLAUSES[0] + "\n" + CLAUSES[1], "\n".join(CLAUSES[2:])])
    write_docx(root / "deli.docx", CLAUSES)
    return root


@pytest.mark.parametrize("name", ["deli.txt", "deli.pdf", "deli.docx"])
def test_contract_audit_and_contract_agree(auditor, files, name):
    path = str(files / name)
    audited = auditor.audit_paths([path]).documents[0]
    checked = auditor.contract_paths([path]).documents[0]
    assert verdict(audited) == verdict(checked)
    assert audited.contract is not None and audited.contract.defined_term == "Customer"
    assert sorted(f.rule for f in audited.findings) == ["defined-term-lowercase", "defined-term-synonym"]
    assert audited.mixed and audited.counts == {"client": 1, "customer": 4}


def test_contract_findings_point_to_the_page_of_a_pdf(auditor, files):
    report = auditor.contract_paths([str(files / "deli.pdf")]).documents[0]
    assert [(f.rule, f.page) for f in report.findings] == [("defined-term-lowercase", 2), ("defined-term-synonym", 2)]
    assert [(d["rule"], d["page"]) for d in report.contract.deductions()] == [("defined-term-lowercase", 2),
                                                                            ("defined-term-synonym", 2)]


def test_contract_is_judged_on_its_own_in_a_site(auditor, files, tmp_path):
    (tmp_path / "index.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "terms.txt").write_text(CONTRACT, encoding="utf-8")
    report = auditor.audit_paths([str(tmp_path)])
    page, terms = report.documents
    # The site says "client"; the contract's "Customer" is its defined term, never renamed and never counted there.
    assert report.dominant == "client" and not page.mixed and page.contract is None
    assert terms.contract is not None and not any(f.rule == "mixed-terminology" for f in terms.findings)
    assert verdict(terms) == verdict(auditor.contract_paths([str(tmp_path / "terms.txt")]).documents[0])


@pytest.mark.parametrize("text, is_contract", [
    (CONTRACT, True),
    # Quoted capitalised words and a parenthesis on an ordinary page.
    (PAGE, False),
    ('Meet the team (the "Bakers") behind every loaf. We shall be closed on Monday. Our clients can order online.\n',
     False),
])
def test_contract_audit_recognises_contracts_by_their_text(auditor, text, is_contract):
    doc = auditor.audit_all([load_text(text, "doc.txt", Kind.TEXT)]).documents[0]
    assert (doc.contract is not None) is is_contract


def test_contract_never_gets_framing_findings(auditor):
    doc = load_text(CONTRACT, "deli.txt", Kind.TEXT)
    mentions = auditor.mentions([doc])
    # As the framing model might read a bakery contract: a client relationship, very sure of it.
    framings = [[Framing("client", {"client": 0.97, "customer": 0.02, "neutral": 0.01}, Passage(0, len(CONTRACT), CONTRACT))]]
    report = auditor.judge([doc], [doc], mentions, framings).documents[0]
    assert not any(f.rule in ("framing-mismatch", "mixed-terminology") for f in report.findings)
    observation = report.contract.breakdown["framing"]
    assert observation["part_of_score"] is False and observation["label"] == "client"


def test_contract_jobs_give_the_same_report(files, tmp_path):
    from clientlens.engine import BATCH
    from clientlens.report import render

    for n in range(BATCH + 2):
        (tmp_path / f"c{n:03}.txt").write_text(CONTRACT.replace("Crookhaven", f"Crookhaven {n}"), encoding="utf-8")
    settings = Settings(use_model=False)
    docs = [d for d in load_documents([str(tmp_path)], settings) if isinstance(d, Document)]
    one = Auditor(settings).contract_all(docs)
    two = Auditor(settings, jobs=2).contract_all(docs)
    assert render(two, "json") == render(one, "json")
