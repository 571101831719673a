"""Main-text extraction: boilerplate out, repeated paragraphs once, offsets back into the HTML."""

from __future__ import annotations

import re

import pytest

from clientlens.ingest import extract
from clientlens.ingest.extract import align, drop_repeated, extract_pages
from tests.ingest.site_server import LAYOUT, PAGES

ORDER = ["/", "/services", "/team", "/pricing", "/contact"]


def site_pages():
    return [(f"https://thistle.invalid{path}", LAYOUT.format(title=PAGES[path][0], body=PAGES[path][1]))
            for path in ORDER]


@pytest.fixture(scope="module")
def documents():
    return extract_pages(site_pages())


@pytest.mark.parametrize("boilerplate", [
    "returning customers",      # the cookie banner
    "Services for clients",     # the navigation
    "Customers of the old",     # the footer
    "Accept",                   # a banner button
])
def test_extract_leaves_out_banner_nav_and_footer(documents, boilerplate):
    assert all(boilerplate not in d.text for d in documents)


def test_extract_repeated_paragraph_is_kept_on_the_first_page_only(documents):
    holders = [d.path for d in documents if "Every new client starts" in d.text]
    assert holders == ["https://thistle.invalid/"]


@pytest.mark.parametrize("path, text", [
    ("/", "We stay with our clients from the first sketch to the first harvest."),
    ("/services", "Courtyard plans for a client with little room"),
    ("/pricing", "Customers who book two seasons ahead"),
    ("/team", "The founders"),
])
def test_extract_keeps_the_main_text(documents, path, text):
    doc = next(d for d in documents if d.path.endswith(path) and d.path.count("/") == 3)
    assert text in " ".join(doc.text.split())


def test_extract_offsets_point_into_the_html_source(documents):
    sources = dict(site_pages())
    checked = 0
    for doc in documents:
        source = sources[doc.path]
        for m in re.finditer(r"(?i)\b(clients?|customers?|Thistle & Vane)\b", doc.text):
            loc = doc.offsets.locate(m.start(), m.end())
            original = source[loc.start:loc.end]
            assert original.replace("&amp;", "&") == m.group(), (doc.path, m.group(), original)
            line_start = source.rfind("\n", 0, loc.start) + 1
            assert (loc.line, loc.column) == (source.count("\n", 0, loc.start) + 1, loc.start - line_start + 1)
            checked += 1
    assert checked >= 10


def test_extract_headings_and_titles_keep_their_scope(documents):
    home = documents[0]
    scopes = {home.text[b.start:b.end]: b.scope for b in home.blocks}
    assert scopes["Home | Thistle & Vane"] == "title"
    assert scopes["Gardens planned around the people who live in them"] == "heading"


@pytest.mark.parametrize("pages, expected", [
    ([["a", "x"], ["b", "x"], ["c", "x"]], [[True, True], [True, False], [True, False]]),
    ([["a", "x"], ["b", "x"]], [[True, True], [True, True]]),                # on two pages only: kept
    ([["X  here"], ["x here"], ["x\nHERE"]], [[True], [False], [False]]),    # compared normalised
    ([["a"], ["b"], ["c"]], [[True], [True], [True]]),
])
def test_drop_repeated(pages, expected):
    assert drop_repeated(pages) == expected


@pytest.mark.parametrize("paragraphs, text, expected", [
    (["Our clients & partners"], "Intro\n\nOur clients & partners\nwelcome.", ["Our clients & partners"]),
    (["Quoted: the word client here."], 'Quoted: the word "client" here.', ['Quoted: the word "client" here.']),
    (["- First item"], "First item\n\nSecond", ["First item"]),
    (["Words found nowhere"], "Something else entirely", []),
    (["one two three"], "one two [badge] three!", ["one two [badge] three!"]),
])
def test_align_finds_paragraphs_in_the_visible_text(paragraphs, text, expected):
    assert [text[a:b] for a, b in align(paragraphs, text)] == expected


def test_extract_falls_back_to_visible_text_when_trafilatura_finds_nothing(monkeypatch):
    monkeypatch.setattr(extract, "main_paragraphs", lambda source: None)
    (doc,) = extract_pages([("https://thistle.invalid/x", "<p>Our clients first.</p><footer>Customers</footer>")])
    assert doc.text == "Our clients first."
    assert doc.offsets.locate(4, 11).start == len("<p>Our ")
