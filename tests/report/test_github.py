"""GitHub workflow annotations: one command per finding, escaped as @actions/core escapes them."""

import re

import pytest
from typer.testing import CliRunner

from clientlens.cli import app
from clientlens.report.github import annotation, escape_data, escape_property, render_github
from clientlens.types import DocumentReport, Finding, Kind, Severity
from tests.conftest import EXAMPLES
from tests.report.samples import framed_site

COMMAND = re.compile(r"^::(error|warning|notice) ((?:[A-Za-z]+=[^,:]*)(?:,[A-Za-z]+=[^,:]*)*)::(.*)$")


@pytest.mark.parametrize("raw, expected", [
    ("plain words", "plain words"),
    ("100% sure", "100%25 sure"),
    ("two\nlines\r\n", "two%0Alines%0D%0A"),
    ("a, b: c", "a, b: c"),
    ("%0A is literal", "%250A is literal"),
])
def test_github_escape_data(raw, expected):
    assert escape_data(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("site/index.html", "site/index.html"),
    ("a, b: c", "a%2C b%3A c"),
    ("50%\n", "50%25%0A"),
    ("C:\\site,x.md", "C%3A\\site%2Cx.md"),
])
def test_github_escape_property(raw, expected):
    assert escape_property(raw) == expected


def _doc(path: str, finding: Finding) -> DocumentReport:
    return DocumentReport(path, Kind.PAGE, findings=(finding,))


@pytest.mark.parametrize("severity, command", [
    (Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "notice"),
])
def test_github_severity_picks_the_command(severity, command):
    finding = Finding("framing-mismatch", severity, "msg", 0, 4, 2, 5)
    line = annotation(_doc("a.md", finding), finding, set())
    assert line.startswith(f"::{command} file=a.md,line=2,col=5,title=framing-mismatch::")


@pytest.mark.parametrize("path, finding, expected", [
    ("site/p.md", Finding("mixed-terminology", Severity.WARNING, "'customers' mixes, badly: 50%", 10, 19, 3, 7,
                          "clients"),
     "::warning file=site/p.md,line=3,col=7,endLine=3,endColumn=16,title=mixed-terminology::"
     "'customers' mixes, badly: 50%25 -> clients"),
    ("data/copy.jsonl#r,1", Finding("preferred-term", Severity.WARNING, "x", 0, 6, 1, 1, "client"),
     "::warning file=data/copy.jsonl,title=preferred-term (record r%2C1)::x -> client"),
    ("https://example.test/a", Finding("mixed-terminology", Severity.WARNING, "y", 0, 6, 4, 2),
     "::warning line=4,col=2,endLine=4,endColumn=8,title=mixed-terminology::https://example.test/a: y"),
])
def test_github_annotation_lines(path, finding, expected):
    assert annotation(_doc(path, finding), finding, {(finding.start, finding.end)}) == expected


def test_github_every_line_of_the_sample_parses_as_one_command():
    lines = render_github(framed_site()).splitlines()
    assert len(lines) == 2
    for line in lines:
        match = COMMAND.match(line)
        assert match, line
        assert "\n" not in match.group(3)


def test_github_no_findings_prints_nothing(auditor):
    assert render_github(auditor.audit_paths([str(EXAMPLES / "site" / "about.html")])) == ""


def test_cli_audit_github_annotations():
    result = CliRunner().invoke(app, ["audit", str(EXAMPLES / "site"), "--no-model", "--format", "github"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 8
    assert all(line.startswith("::warning file=") and "title=mixed-terminology::" in line for line in lines)
    assert any("pricing.html,line=37,col=14," in line for line in lines)
