"""A document's framing evidence in the JSON, text and HTML reports."""

from dataclasses import replace

import jsonschema

from clientlens.report.html import render_html
from clientlens.report.json import evidence_text, report_dict
from clientlens.report.text import render_text
from clientlens.types import Framing, Passage
from tests.report.samples import framed_site, page_report
from tests.report.test_json import SCHEMA


def with_evidence():
    doc = page_report()
    long = "Plans start at nine pounds a month. " * 20
    evidence = (doc.framings[1], Framing("customer", {"client": 0.1, "customer": 0.8, "neutral": 0.1},
                                         Passage(0, len(long), long.strip()), (), "test@1"))
    framing = Framing("customer", {"client": 0.2, "customer": 0.7, "neutral": 0.1}, None, (), "test@1", evidence)
    site = framed_site()
    return replace(site, documents=(replace(doc, framing=framing), *site.documents[1:]))


def test_json_lists_the_evidence_of_a_document_framing():
    report = report_dict(with_evidence())
    jsonschema.validate(report, SCHEMA)
    doc = report["documents"][0]
    evidence = doc["framing"]["evidence"]
    assert [e["label"] for e in evidence] == ["customer", "customer"]
    assert evidence[0]["text"] == "A customer buys a plan at checkout."
    assert len(evidence[1]["text"]) <= 304 and evidence[1]["text"].endswith(" ...")
    assert "evidence" not in report_dict(framed_site())["documents"][0]["framing"]


def test_text_and_html_show_the_evidence():
    report = with_evidence()
    text = render_text(report)
    assert "framing evidence" in text and 'customer 0.88  "A customer buys a plan at checkout."' in text
    # The HTML report shows the evidence where framing matters: a page whose word it contradicts.
    doc = report.documents[0]
    contradicted = replace(report, documents=(replace(doc, dominant="client"), *report.documents[1:]))
    html = render_html(contradicted)
    assert "framed as customer" in html and "A customer buys a plan at checkout." in html


def test_evidence_text_of_a_framing_without_passage_is_empty():
    assert evidence_text(Framing("neutral", {"neutral": 1.0})) == ""


def test_a_framing_decided_by_a_rule_says_why_in_json_and_text():
    doc = page_report()
    framing = Framing("neutral", {"client": 0.0, "customer": 0.0, "neutral": 1.0}, None,
                      ("the document discusses the words (its title names both words)",), "test@1")
    site = framed_site()
    report = replace(site, documents=(replace(doc, framing=framing), *site.documents[1:]))
    out = report_dict(report)
    jsonschema.validate(out, SCHEMA)
    assert out["documents"][0]["framing"]["because"] == "the document discusses the words (its title names both words)"
    assert "because" not in report_dict(framed_site())["documents"][0]["framing"]
    assert f"{doc.path}: neutral, because the document discusses the words" in render_text(report)


def test_a_page_framed_by_its_own_peoples_passages_shows_why_and_the_passages():
    report = with_evidence()
    doc = report.documents[0]
    why = "the document as a whole reads neutral; the 2 passages naming its own people frame a customer relationship"
    framing = replace(doc.framing, cues=(why,))
    report = replace(report, documents=(replace(doc, framing=framing, dominant="client"), *report.documents[1:]))
    assert report_dict(report)["documents"][0]["framing"]["because"] == why
    text = render_text(report)
    assert f"{doc.path}: customer, because {why}" in text and '"A customer buys a plan at checkout."' in text
    html = render_html(report)
    assert "framed as customer <span class=\"sub\">(because the document as a whole reads neutral;" in html
    assert "A customer buys a plan at checkout." in html
