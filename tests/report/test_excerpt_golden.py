"""One golden file per output format for a small page of our own: each shows the findings'
excerpts (the sentence, the word marked) and their fixes.

Regenerate after a reviewed change with:
    CLIENTLENS_UPDATE_GOLDEN=1 pytest tests/report/test_excerpt_golden.py
"""

import json
import os

import pytest

from clientlens.report import render
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "excerpt"
PAGE = """# Fees

Our clients pay one fixed fee a month. Every client has a named partner who knows the
business well, and clients can call that partner whenever they like.

A customer who pays for the year in advance saves ten per cent, and each customer's invoice
arrives by email on the first working day of the month.
"""
FORMATS = {"text": "report.txt", "json": "report.json", "sarif": "report.sarif", "markdown": "report.md",
           "github": "report.github", "html": "findings.html"}


@pytest.fixture(scope="module")
def fees_report(auditor, tmp_path_factory):
    """The page audited from its folder with a relative path, as CI would run it."""
    folder = tmp_path_factory.mktemp("excerpt")
    (folder / "notes").mkdir()
    (folder / "notes" / "fees.md").write_text(PAGE, encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return auditor.audit_paths(["notes/fees.md"])
    finally:
        os.chdir(cwd)


def normalised(fmt: str, out: str) -> str:
    """Return `out` with what varies between releases blanked, and only the findings of the HTML page."""
    if fmt in ("json", "sarif"):
        data = json.loads(out)
        if fmt == "json":
            data["tool"]["version"] = "X"
        else:
            driver = data["runs"][0]["tool"]["driver"]
            driver["version"] = driver["semanticVersion"] = "X"
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "html":
        start = out.index('<section id="findings">')
        return out[start:out.index("</section>", start) + len("</section>")].replace("><", ">\n<") + "\n"
    return out


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_golden_excerpt_per_format(fees_report, fmt):
    actual = normalised(fmt, render(fees_report, fmt))
    path = GOLDEN / FORMATS[fmt]
    if os.environ.get("CLIENTLENS_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


def test_golden_excerpt_page_has_the_findings_a_reviewer_expects(fees_report):
    findings = fees_report.findings
    assert [(f.rule, f.suggestion) for f in findings] == [("mixed-terminology", "client"),
                                                         ("mixed-terminology", "client's")]
    first = findings[0].excerpt
    assert first.text.startswith("A customer who pays for the year in advance saves ten per cent")
    assert first.text[first.start:first.end] == "customer"
    assert all(f.fix.applicability == "safe" for f in findings)
