"""What every writer says the same way: verdict, bands, page states and what was not counted."""

from dataclasses import replace
from html import escape

import pytest

from clientlens.report.common import band, discusses_words, excerpt_marked, not_counted, page_state, verdict
from clientlens.types import DocumentReport, Excerpt, Finding, Kind, Mention, Sense, Severity, SiteReport
from tests.report.samples import framed_site, page_report


@pytest.mark.parametrize("consistency, counted, expected", [
    (100.0, 9, "consistent"), (100.0, 0, "consistent"), (0.0, 0, "consistent"),
    (99.9, 9, "mostly"), (80.0, 9, "mostly"), (79.9, 9, "mixed"), (66.7, 3, "mixed"), (50.0, 2, "mixed"),
])
def test_common_band(consistency, counted, expected):
    assert band(consistency, counted) == expected


def _page(path: str, counts: dict, mentions=(), kind=Kind.PAGE, error=None) -> DocumentReport:
    return DocumentReport(path, kind, error, tuple(mentions), counts={"client": 0, "customer": 0, **counts})


def _mention(sense=Sense.PERSON, role="own", family="client") -> Mention:
    return Mention(0, 6, 1, 1, "client", family, sense, 0.9, "rule:test", role=role)


def _site(docs, counts, dominant, consistency) -> SiteReport:
    return SiteReport(tuple(docs), counts, dominant, consistency, None, (), "x")


@pytest.mark.parametrize("docs, counts, dominant, consistency, expected", [
    ([_page("a.md", {"client": 5})], {"client": 5, "customer": 0}, "client", 100.0,
     "Consistently 'client' (100% of 5 counted mentions)"),
    ([_page("a.md", {"client": 7}), _page("b.md", {"customer": 1})], {"client": 7, "customer": 1}, "client", 87.5,
     "Mostly 'client' (88% of 8 counted mentions); 1 page slips into 'customer'"),
    ([_page("a.md", {"client": 2, "customer": 1}), _page("b.md", {"customer": 1}),
      _page("c.md", {}, [_mention(Sense.META, "discussion")])], {"client": 2, "customer": 2}, "client", 50.0,
     "Mixed, mostly 'client' (50% of 4 counted mentions); 2 pages slip into 'customer'; 1 page discusses the words"),
    ([_page("a.md", {}), _page("b.txt", {}, kind=Kind.TEXT, error="unreadable")], {"client": 0, "customer": 0},
     None, 100.0, "No client or customer words counted; 1 document could not be read"),
])
def test_common_verdict(docs, counts, dominant, consistency, expected):
    assert verdict(_site(docs, counts, dominant, consistency)) == expected


def test_common_not_counted_says_why_and_where():
    docs = [_page("a.md", {}, [_mention(Sense.NON_PERSON), _mention(Sense.NON_PERSON), _mention()]),
            _page("b.md", {}, [_mention(Sense.META, "discussion"), _mention(role="third_party"),
                               _mention(role="generic")])]
    assert not_counted(docs) == [
        ("software or devices (email client, client-side)", 2, ("a.md",)),
        ("the word itself (quoted, defined, compared)", 1, ("b.md",)),
        ("someone else's people (their customers)", 1, ("b.md",)),
    ]


@pytest.mark.parametrize("doc, dominant, expected", [
    (_page("a.md", {"client": 2}), "client", "ok"),
    (_page("a.md", {"customer": 2}), "client", "other word"),
    (replace(_page("a.md", {"client": 1, "customer": 1}), mixed=True), "client", "mixed"),
    (_page("a.md", {}, error="broken"), "client", "error"),
    (_page("a.md", {"client": 1}, [_mention(Sense.META, "discussion")]), "client", "discusses the words"),
])
def test_common_page_state(doc, dominant, expected):
    doc = replace(doc, dominant=max(doc.counts, key=doc.counts.get) if any(doc.counts.values()) else None)
    assert page_state(doc, dominant) == expected


def test_common_excerpt_marked_escapes_each_part():
    f = Finding("mixed-terminology", Severity.WARNING, "m", 0, 1, 1, 1,
                excerpt=Excerpt("a <b> customer & co", 6, 14))
    assert excerpt_marked(f) == "a <b> [customer] & co"
    assert excerpt_marked(f, "<mark>", "</mark>", escape) == "a &lt;b&gt; <mark>customer</mark> &amp; co"
    assert excerpt_marked(replace(f, excerpt=None)) == ""


@pytest.mark.parametrize("consistency, shown", [(79.5, "79.5"), (79.4, "79"), (99.6, "99.6"), (87.5, "88"), (80.0, "80")])
def test_common_verdict_share_never_rounds_into_the_next_band(consistency, shown):
    site = _site([_page("a.md", {"client": 3, "customer": 1})], {"client": 3, "customer": 1}, "client", consistency)
    assert f"'client' ({shown}% of 4 counted mentions)" in verdict(site)


def test_common_discussion_is_what_the_judge_found_not_one_meta_word():
    one_meta = _page("a.md", {"client": 3}, [_mention(), _mention(Sense.META, role="")])
    assert not discusses_words(one_meta)
    assert discusses_words(replace(one_meta, discussion="its title names both words"))
    assert discusses_words(_page("b.md", {}, [_mention(Sense.META, role="discussion")]))


def test_common_sample_site_verdict_counts_documents_not_pages():
    assert verdict(framed_site()).startswith("Mixed, mostly 'client' (67% of 3 counted mentions); 1 document slips")
    assert page_state(page_report(), "client") == "mixed"


def test_common_page_state_names_framing_findings():
    f = Finding("framing-mismatch", Severity.INFO, "m", 0, 6, 1, 1, "customer")
    doc = replace(_page("a.md", {"client": 2}), dominant="client", findings=(f,))
    assert page_state(doc, "client") == "word vs framing"
