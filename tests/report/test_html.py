"""HTML writer without a browser: self-contained, escaped, well nested, and showing every part.

tests/report/browser/ renders the same pages in Chromium.
"""

from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from clientlens.cli import app
from clientlens.report.html import render_html, short_paths
from clientlens.report.html_text import mention_tag, regions, tidy
from clientlens.types import Framing, Mention, Passage, Sense
from tests.conftest import EXAMPLES
from tests.report.samples import framed_site

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


def test_html_findings_appear_inline_and_in_lists(site_html):
    starts = parse(site_html).starts
    inline = [a for tag, a in starts if tag == "a" and "fi" in a.get("class", "").split() and "id" in a]
    listed = [a for tag, a in starts if tag == "li" and "finding" in a.get("class", "").split()]
    assert len(inline) == len(listed) == 8
    assert {a["href"][1:] for a in inline} == {a["id"] for a in listed}
    assert '→ <q class="suggestion">clients</q>' in site_html


def test_html_shades_framed_passages_with_text_labels(sample_html):
    assert '<span class="frame frame-client" data-label="client"><span class="frame-tag">client framing 0.81' in sample_html
    assert '<span class="frame-tag">customer framing 0.88 (checkout)</span>' in sample_html
    assert 'class="gauge"' in sample_html and "Framing of the site: client" in sample_html


def test_html_without_a_model_has_no_gauge_or_shading(site_html):
    assert 'class="gauge"' not in site_html
    assert site_html.count('class="frame-tag"') == 2  # the legend's two samples only


def test_html_shows_contract_scores_and_unreadable_inputs(sample_html):
    assert "<h4>Contract score 72.5/100 · defined term <q>Client</q></h4>" in sample_html
    assert "<th>defined_term</th><td>Client</td>" in sample_html
    assert "Not audited: data/broken.md: undecodable bytes" in sample_html
    assert '<td class="state-error">error</td>' in sample_html


def test_html_table_and_chart_cover_every_page(site_html):
    starts = parse(site_html).starts
    rows = [a for tag, a in starts if tag == "tr" and a.get("id", "").startswith("row-")]
    bars = [a for tag, a in starts if tag == "rect" and "bar" in a.get("class", "").split()]
    assert len(rows) == 10
    assert len(bars) == 20 and {a["data-family"] for a in bars} == {"client", "customer"}


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
