"""Markdown writer for pull-request comments: summary, page table, findings folded per file."""

import pytest
from typer.testing import CliRunner

from clientlens.cli import app
from clientlens.report.markdown import MAX_PER_FILE, md_code, md_escape, render_markdown
from clientlens.types import DocumentReport, Finding, Kind, Severity, SiteReport
from tests.conftest import EXAMPLES
from tests.report.samples import framed_site


@pytest.mark.parametrize("raw, expected", [
    ("plain", "plain"),
    ("a | b", "a \\| b"),
    ("<b>bold</b> & co", "&lt;b&gt;bold&lt;/b&gt; &amp; co"),
    ("*stars* and _under_", "\\*stars\\* and \\_under\\_"),
    ("[link](x)", "\\[link\\](x)"),
    ("line one\nline two", "line one line two"),
])
def test_markdown_escape(raw, expected):
    assert md_escape(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("site/a.md", "<code>site/a.md</code>"),
    ("a|b <c>", "<code>a&#124;b &lt;c&gt;</code>"),
])
def test_markdown_code_survives_a_table_cell(raw, expected):
    assert md_code(raw) == expected


@pytest.fixture(scope="module")
def site_markdown(auditor):
    return render_markdown(auditor.audit_paths([str(EXAMPLES / "site")]))


def test_markdown_summary_and_page_table(site_markdown):
    assert site_markdown.startswith("## clientlens report\n")
    assert "**Dominant family:** client" in site_markdown and "80.0/100" in site_markdown
    rows = [line for line in site_markdown.splitlines() if line.startswith("| <code>")]
    assert len(rows) == 10
    assert all(row.count(" | ") == 7 for row in rows)  # eight columns


def test_markdown_findings_are_folded_per_file(site_markdown):
    assert site_markdown.count("<details><summary><code>") == 3
    assert "pricing.html</code>: 5 findings</summary>" in site_markdown
    assert "| 37:14 | warning | <code>mixed-terminology</code>" in site_markdown
    assert "About these rules" in site_markdown


def test_markdown_sample_escapes_paths_and_messages_and_shows_framing():
    text = render_markdown(framed_site())
    assert "<x>" not in text and "&lt;x&gt;" in text
    assert "&lt;terminology&gt;" in text
    assert "**Framing:** client (client 0.62, customer 0.28, neutral 0.10)" in text
    assert "| **error** |" in text


def test_markdown_long_lists_are_cut():
    n = MAX_PER_FILE + 7
    findings = tuple(Finding("mixed-terminology", Severity.WARNING, f"m{i}", i, i + 1, i + 1, 1) for i in range(n))
    doc = DocumentReport("big.md", Kind.TEXT, findings=findings, counts={"client": 0, "customer": n})
    text = render_markdown(SiteReport((doc,), {"client": 0, "customer": n}, "customer", 100.0, None, (), "x"))
    assert text.count("| warning |") == MAX_PER_FILE
    assert "and 7 more" in text


def test_markdown_without_findings_says_so(auditor):
    text = render_markdown(auditor.audit_paths([str(EXAMPLES / "site" / "about.html")]))
    assert "No findings." in text and "<details>" not in text


def test_cli_audit_markdown():
    result = CliRunner().invoke(app, ["audit", str(EXAMPLES / "site"), "--no-model", "-f", "markdown"])
    assert result.exit_code == 1
    assert result.output.startswith("## clientlens report")
    assert "### Findings" in result.output
