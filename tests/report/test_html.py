"""HTML writer without a browser: self-contained, escaped, well nested, and showing every part.

tests/report/browser/ renders the same pages in Chromium.
"""

import re
from dataclasses import replace
from html import escape
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from clientlens.cli import app
from clientlens.report.common import short_paths, verdict
from clientlens.report.html import asset, render_html
from clientlens.judge.markup import markup_spans
from clientlens.report.html_text import mention_tag, regions, tidy
from clientlens.types import Framing, Mention, Passage, Sense
from tests.conftest import EXAMPLES
from tests.report.samples import framed_site, mismatch_site

VOID = {"meta", "input", "br", "rect", "line", "circle", "path", "img"}


class Nesting(HTMLParser):
    """Collects tags and reports any closing tag that does not match the open one."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.starts: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.starts.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.starts.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()


def parse(html: str) -> Nesting:
    parser = Nesting()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def site_html(auditor):
    return render_html(auditor.audit_paths([str(EXAMPLES / "site")]))


@pytest.fixture(scope="module")
def sample_html():
    return render_html(framed_site())


@pytest.mark.parametrize("which", ["site_html", "sample_html"])
def test_html_is_well_nested(which, request):
    parsed = parse(request.getfixturevalue(which))
    assert parsed.problems == [] and parsed.stack == []


@pytest.mark.parametrize("which", ["site_html", "sample_html"])
def test_html_fetches_nothing(which, request):
    html = request.getfixturevalue(which)
    starts = parse(html).starts
    assert not [tag for tag, attrs in starts if tag in {"link", "img", "iframe", "object", "embed"}]
    assert not [attrs for tag, attrs in starts if tag == "script" and "src" in attrs]
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html and "@import" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_html_escapes_text_paths_and_messages(sample_html):
    assert sample_html.count("<script") == 1  # ours, at the end; the page's own is text
    assert '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' in sample_html
    assert "a&amp;b &lt;x&gt;, &quot;y&quot;: z.md" in sample_html
    assert "&lt;terminology&gt;" in sample_html and "<terminology>" not in sample_html
    assert "lowercase &lt;b&gt;" in sample_html


def test_html_highlights_every_mention_by_family_and_sense(site_html, auditor):
    report = auditor.audit_paths([str(EXAMPLES / "site")])
    marks = [attrs for tag, attrs in parse(site_html).starts if tag == "mark" and "m" in attrs["class"].split()]
    in_text = [a for a in marks if "data-family" in a]  # the legend's samples carry none
    assert len(in_text) == sum(len(d.mentions) for d in report.documents)
    senses = {a["data-sense"] for a in in_text}
    assert senses == {"person", "non_person", "meta"}
    assert any("fam-customer" in a["class"] and "counted" in a["class"] for a in in_text)


def test_html_findings_appear_inline_and_in_the_site_table(site_html):
    starts = parse(site_html).starts
    inline = [a for tag, a in starts if tag == "a" and "fi" in a.get("class", "").split() and "id" in a]
    rows = [a for tag, a in starts if tag == "tr" and "data-rule" in a]
    assert len(inline) == len(rows) == 8
    assert {a["href"][1:] for a in inline} == {a["id"] for a in rows}
    assert '→ <q class="suggestion">clients</q>' in site_html


def test_html_verdict_comes_first_with_its_band(site_html, auditor):
    report = auditor.audit_paths([str(EXAMPLES / "site")])
    main = site_html[site_html.index("<main>"):]
    # 80% (32 of 40): the page titles in the Markdown front matter count, and put the site in the "mostly" band.
    assert main.startswith('<main><section id="summary"><p class="verdict band-mostly" id="verdict">')
    assert f"{escape(verdict(report))}." in main
    assert "Mostly &#x27;client&#x27; (80% of 40 counted mentions); 3 pages slip into" in main


def test_html_findings_table_filters_by_rule_and_page(site_html):
    starts = parse(site_html).starts
    rules = [a["value"] for tag, a in starts if tag == "option"][:2]
    assert rules == ["", "mixed-terminology"]
    assert '<select id="filter-page"><option value="">every page</option>' in site_html
    assert '>pricing.html (5)</option>' in site_html and '8 of 8 shown' in site_html
    assert site_html.index('id="findings"') < site_html.index('id="pages"') < site_html.index('id="documents"')


def test_html_excerpt_marks_the_word_in_the_findings_table(site_html):
    assert ('<span class="excerpt">Every <mark class="hit">customer</mark> pays a fixed monthly fee that is '
            'agreed before any work …</span>') in site_html
    assert '<q class="suggestion">client</q> <span class="fix fix-safe">safe</span>' in site_html


def test_html_says_what_was_not_counted_and_why(site_html):
    section = site_html[site_html.index('id="not-counted"'):site_html.index('id="pages"')]
    assert "software or devices (email client, client-side)" in section
    assert "the word itself (quoted, defined, compared)" in section
    assert "client-portal.md, it-security.html" in section


def test_html_pages_show_a_state_not_mixed_no(site_html):
    assert '<span class="state state-other-word">other word</span>' in site_html  # pricing.html: site-level findings
    assert '<span class="state state-discusses-the-words">discusses the words</span>' in site_html
    assert ">no<" not in site_html


@pytest.mark.parametrize("which", ["site_html", "sample_html"])
def test_html_consistency_bars_follow_the_bands(which, request):
    html = request.getfixturevalue(which)
    bars = re.findall(r'<rect class="fill band-([a-z]+)" width="([0-9.]+)"', html)
    assert bars and all((band == "consistent") == (float(w) == 100) for band, w in bars)
    assert all((band == "mostly") == (80 <= float(w) < 100) for band, w in bars)
    assert ("mixed", "66.7") in bars  # the sample site's 66.7: red, not green
    assert "<meter" not in html  # a meter is the browser's green


def test_html_chart_draws_no_zero_bars(site_html):
    assert not re.search(r'<text class="value"[^>]*>0 ', site_html)


def test_html_document_text_has_no_inner_scroll_box():
    css = asset("report.css")
    rule = css[css.index(".doctext {"):]
    rule = rule[:rule.index("}")]
    assert "overflow: auto" not in rule and "max-height" not in rule


def test_html_shades_only_the_passages_behind_a_framing_finding():
    site = mismatch_site()
    html = render_html(site)
    assert '<span class="frame frame-client" data-label="client"><span class="frame-tag">client framing 0.81' in html
    text = html[html.index('<div class="doctext">'):]
    assert text.count('<span class="frame-tag">') == 1  # that passage, not the customer one
    assert 'class="gauge"' in html and "Framing: client" in html


def test_html_sample_without_a_framing_finding_shades_nothing(sample_html):
    assert sample_html.count('<span class="frame frame-') == 1  # the legend's sample


def test_html_framing_evidence_where_framing_contradicts_the_word():
    site = framed_site()
    page = replace(site.documents[0], framing=Framing("customer", {"client": 0.2, "customer": 0.7, "neutral": 0.1}))
    html = render_html(replace(site, documents=(page, *site.documents[1:])))
    section = html[html.index('id="framing"'):html.index('id="pages"')]
    assert "says client, framed as customer" in section
    assert '<span class="frame-tag">customer 0.88</span> A customer buys a plan at checkout.' in section


def test_html_without_a_model_has_no_gauge_or_shading(site_html):
    assert 'class="gauge"' not in site_html and 'id="framing"' not in site_html
    assert site_html.count('class="frame-tag"') == 1  # the legend's sample only


def test_html_shows_contract_scores_and_unreadable_inputs(sample_html):
    assert "<h4>Contract score 72.5/100 · defined term <q>Client</q></h4>" in sample_html
    assert "<th>defined_term</th><td>Client</td>" in sample_html
    assert "Not audited: data/broken.md: undecodable bytes" in sample_html
    assert '<span class="state state-error">error</span>' in sample_html


def test_html_table_and_chart_cover_every_page(site_html):
    starts = parse(site_html).starts
    rows = [a for tag, a in starts if tag == "tr" and a.get("id", "").startswith("row-")]
    bars = [a for tag, a in starts if tag == "rect" and "bar" in a.get("class", "").split()]
    assert len(rows) == 10
    assert len(bars) == 12 and {a["data-family"] for a in bars} == {"client", "customer"}


@pytest.mark.parametrize("text, markdown, dimmed", [
    ("## Fees\n\n- **Our clients** pay [monthly](#).", True, ["##", "-", "**", "**", "[", "]"]),
    ("Hello {% include cta.html %} and {{ page.title }}.", False, ["{% include cta.html %}", "{{ page.title }}"]),
    ("## Not markdown here", False, []),
    ("snake_case_name stays", True, []),
])
def test_html_markup_spans(text, markdown, dimmed):
    assert [text[s:e] for s, e in markup_spans(text, markdown)] == dimmed


@pytest.mark.parametrize("raw, expected", [
    ("a\n\n\n   \n b", "a\n\nb"),
    ("a\n   b", "a\nb"),
    ("a     b", "a b"),
    ("<i>&", "&lt;i&gt;&amp;"),
])
def test_html_tidy(raw, expected):
    assert tidy(raw) == expected


def _framing(start, end, label="client"):
    return Framing(label, {label: 1.0}, Passage(start, end, ""))


@pytest.mark.parametrize("length, framings, expected", [
    (10, [], [(0, 10, None)]),
    (10, [_framing(2, 5)], [(0, 2, None), (2, 5, "client"), (5, 10, None)]),
    (10, [_framing(0, 6), _framing(4, 10, "customer")], [(0, 6, "client"), (6, 10, "customer")]),
    (10, [_framing(3, 30)], [(0, 3, None), (3, 10, "client")]),
])
def test_html_regions_clip_overlapping_passages(length, framings, expected):
    got = [(s, e, f.label if f else None) for s, e, f in regions(length, framings)]
    assert got == expected


@pytest.mark.parametrize("sense, role, expected", [
    (Sense.PERSON, "own", "client"),
    (Sense.NON_PERSON, "own", "client · software"),
    (Sense.META, "discussion", "client · word · discussion"),
    (Sense.PERSON, "third_party", "client · their"),
])
def test_html_mention_tag_reads_without_colour(sense, role, expected):
    m = Mention(0, 6, 1, 1, "client", "client", sense, 0.9, "rule:x", role=role)
    assert mention_tag(m) == expected


@pytest.mark.parametrize("paths, expected", [
    (["/a/site/x.html", "/a/site/blog/y.md"], ["x.html", "blog/y.md"]),
    (["only.md"], ["only.md"]),
    (["https://e.test/a", "https://e.test/b"], ["https://e.test/a", "https://e.test/b"]),
])
def test_html_short_paths(paths, expected):
    assert short_paths(paths) == expected


def test_cli_audit_html_to_file(tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["audit", str(EXAMPLES / "site"), "--no-model", "-f", "html", "-o", str(out)])
    assert result.exit_code == 1, result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
