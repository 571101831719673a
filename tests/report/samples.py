"""Hand-built reports for the writer tests: framings, a contract, a failed input and hostile text.

The example site is audited without a model, so it has no framings; these reports cover
what a model run would add, and markup-like text that every writer must escape.
"""

from __future__ import annotations

from dataclasses import replace

from clientlens.types import (DocumentReport, Finding, Framing, Kind, Location, Mention, Passage, Sense,
                              Severity, SiteReport)

HOSTILE_PATH = 'pages/a&b <x>, "y": z.md'
PAGE_TEXT = ('<script>alert("x")</script> Our clients & partners stay with us for years.\n\n'
             'A customer buys a plan at checkout.\n\nWe call them "clients" here.')


def _mention(text: str, word: str, family: str, sense: Sense = Sense.PERSON, nth: int = 0,
             role: str = "own") -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    end = start + len(word)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return Mention(start, end, line, column, word, family, sense, 0.9, "rule:test", None, "body", role,
                   start, end)


class FakeContract:
    """Stands in for the contract layer's score object, which only promises to_dict()."""

    def to_dict(self) -> dict:
        return {"defined_term": "Client", "is_party": True,
                "definition": {"start": 10, "end": 18, "line": 1, "page": 1},
                "score": 72.5, "breakdown": {"synonyms": -20, "lowercase <b>": -7.5}}


def page_report() -> DocumentReport:
    """Return a page with a counted client, a mixed customer (with a finding) and a meta mention."""
    text = PAGE_TEXT
    client = _mention(text, "clients", "client")
    customer = _mention(text, "customer", "customer")
    meta = _mention(text, "clients", "client", Sense.META, nth=1, role="discussion")
    split = text.index("A customer")
    framings = (Framing("client", {"client": 0.81, "customer": 0.09, "neutral": 0.10},
                        Passage(0, split - 2, text[:split - 2]), ("stay with us for years",), "test@1"),
                Framing("customer", {"client": 0.05, "customer": 0.88, "neutral": 0.07},
                        Passage(split, split + 35, text[split:split + 35]), ("checkout",), "test@1"))
    finding = Finding("mixed-terminology", Severity.WARNING, "'customer' mixes <terminology>, \"badly\"",
                      customer.start, customer.end, customer.line, customer.column, "client",
                      "document counts: client 1, customer 1",
                      (Location(client.start, client.end, client.line, client.column),))
    return DocumentReport(HOSTILE_PATH, Kind.PAGE, None, (client, customer, meta), framings, (finding,),
                          {"client": 1, "customer": 1}, "client", 50.0, True,
                          Framing("client", {"client": 0.6, "customer": 0.3, "neutral": 0.1}), None, text)


def contract_report() -> DocumentReport:
    """Return a contract document whose score object is shown in the HTML report."""
    text = 'Acme Ltd (the "Client") agrees.'
    mention = _mention(text, "Client", "client")
    return DocumentReport("contracts/msa.txt", Kind.CONTRACT, None, (mention,), (), (),
                          {"client": 1, "customer": 0}, "client", 100.0, False, None, FakeContract(), text)


def failed_report() -> DocumentReport:
    """Return a document that could not be read."""
    finding = Finding("unreadable-input", Severity.ERROR, "data/broken.md: undecodable bytes", 0, 0, 1, 1,
                      None, "the source could not be read")
    return DocumentReport("data/broken.md", Kind.TEXT, "data/broken.md: undecodable bytes", (), (), (finding,),
                          {"client": 0, "customer": 0})


def framed_site() -> SiteReport:
    """Return a site of the three sample documents, with a site-wide framing."""
    docs = (page_report(), contract_report(), failed_report())
    return SiteReport(docs, {"client": 2, "customer": 1}, "client", 66.7,
                      Framing("client", {"client": 0.62, "customer": 0.28, "neutral": 0.10}),
                      (HOSTILE_PATH,), "0.0.test")


def mismatch_site() -> SiteReport:
    """Return framed_site() with a framing-mismatch finding on the page's first "clients"."""
    site = framed_site()
    page = site.documents[0]
    client = page.mentions[0]
    mismatch = Finding("framing-mismatch", Severity.INFO, "'clients' in a customer passage", client.source_start,
                       client.source_end, client.line, client.column, "customers")
    return replace(site, documents=(replace(page, findings=(*page.findings, mismatch)), *site.documents[1:]))
