"""The audit with the bundled framing model: framings, mismatches, model info, the classify command."""

import json
from importlib import resources

import jsonschema
import pytest
from typer.testing import CliRunner

from clientlens.cli import app
from clientlens.config import Settings
from clientlens.engine import Auditor
from clientlens.ingest.text import load_text
from clientlens.model.locate import bundled_model_dir
from clientlens.report.json import report_dict
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.skipif(bundled_model_dir() is None, reason="no bundled model in models/framing")


@pytest.fixture(scope="module")
def model_auditor():
    return Auditor(Settings())


def test_model_audit_reports_model_and_framings(model_auditor):
    report = model_auditor.audit_paths([str(EXAMPLES / "site")])
    data = report_dict(report)
    schema = json.loads(resources.files("clientlens.report").joinpath("schema/report-1.schema.json").read_text())
    jsonschema.validate(data, schema)
    assert data["model"]["name"] == "clientlens-framing" and len(data["model"]["sha256"]) == 64
    assert data["summary"]["framing"]["label"] in ("client", "customer", "neutral")
    framed = [d for d in data["documents"] if d["framing"]]
    assert len(framed) >= 8
    by_name = {d["path"].rsplit("/", 1)[-1]: d for d in data["documents"]}
    assert by_name["about.html"]["framing"]["label"] == "client"
    assert by_name["pricing.html"]["framing"]["label"] == "customer"


@pytest.mark.parametrize("text, expected", [
    ("Every one of our customers has a dedicated partner who has advised their family for twenty years "
     "and knows the detail of their affairs.", "client"),
    ("Clients can pick a standard plan at checkout, pay by card and get free delivery on orders over fifty pounds.",
     "customer"),
])
def test_model_framing_mismatch_finding(model_auditor, text, expected):
    # On its own (the page's word is its only word) a framing finding is reported only when asked for.
    assert not [f for f in model_auditor.audit_all([load_text(text, "t.txt")]).documents[0].findings
                if f.rule == "framing-mismatch"]
    everything = Auditor(Settings(framing_findings="all"))
    doc = everything.audit_all([load_text(text, "t.txt")]).documents[0]
    mismatches = [f for f in doc.findings if f.rule == "framing-mismatch"]
    assert mismatches, [(f.framing if hasattr(f, "framing") else None) for f in doc.framings]
    assert expected in mismatches[0].message


def test_model_framing_reason_merged_into_the_terminology_finding(model_auditor):
    text = ("Our clients keep the same adviser for decades. Every one of our customers has a dedicated partner "
            "who has advised their family for twenty years and knows the detail of their affairs. "
            "Our clients trust us with their plans.")
    doc = model_auditor.audit_all([load_text(text, "t.txt")]).documents[0]
    assert [f.rule for f in doc.findings] == ["mixed-terminology"]
    assert doc.findings[0].suggestion == "clients"
    assert "also framing-mismatch" in doc.findings[0].because


def test_model_no_mismatch_when_word_fits(model_auditor):
    doc = model_auditor.audit_all([load_text(
        "Our clients keep the same adviser for decades, and she knows their family and their plans.", "t.txt")]).documents[0]
    assert not [f for f in doc.findings if f.rule == "framing-mismatch"]


def test_model_no_model_flag_keeps_rules_only():
    report = Auditor(Settings(use_model=False)).audit_paths([str(EXAMPLES / "site" / "about.html")])
    assert report.model is None and report.framing is None


def test_cli_classify_gives_client_framing():
    result = CliRunner().invoke(app, ["classify", "Our advisers stay with your family for decades."])
    assert result.exit_code == 0, result.output
    assert result.output.split("\t")[1] == "client"


def test_cli_classify_jsonl(tmp_path):
    f = tmp_path / "p.jsonl"
    f.write_text(json.dumps({"id": "a", "text": "Free returns within 30 days on every order."}) + "\n")
    result = CliRunner().invoke(app, ["classify", str(f), "--format", "jsonl"])
    row = json.loads(result.output)
    assert row["id"] == "a" and row["label"] == "customer" and abs(sum(row["scores"].values()) - 1) < 0.01


def test_cli_evaluate_prints_metrics():
    result = CliRunner().invoke(app, ["evaluate", "--split", "dev", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"framing", "sense (rules only)", "sense (rules + model)"} <= set(data)
    assert 0 <= data["framing"]["macro_f1"] <= 1


def test_cli_classify_reads_standard_input():
    text = "Our advisers stay with your family for decades."
    from_stdin = CliRunner().invoke(app, ["classify", "-"], input=text + "\n")
    assert from_stdin.exit_code == 0, from_stdin.output
    label, scores = from_stdin.output.split("\t")[1:]
    assert from_stdin.output.startswith("stdin\t") and label == "client"
    as_argument = CliRunner().invoke(app, ["classify", text])
    assert as_argument.output.split("\t")[1:] == [label, scores]


def test_cli_classify_empty_standard_input_is_one_line():
    result = CliRunner().invoke(app, ["classify", "-"], input="  \n")
    assert result.exit_code == 2 and result.output == "clientlens: error: nothing to classify: standard input is empty\n"


def test_model_readme_example_gives_one_consistent_suggestion_per_mention(model_auditor):
    doc = model_auditor.audit_text("Our clients trust us. A customer asked.")
    by_span: dict = {}
    for f in doc.findings:
        by_span.setdefault((f.start, f.end), set()).add(f.suggestion)
    assert all(len(s) == 1 for s in by_span.values()), by_span
    # and across the document one piece of advice: the site's word, never its opposite
    assert {f.suggestion for f in doc.findings} == {"client"}


def _framings_alone_and_together(auditor):
    """Return a page's passage framings audited alone, and audited with longer pages beside it."""
    page = ("# Your adviser\n\nEvery family we look after keeps the same adviser for years, and she rings "
            "before each tax deadline to talk through what changed.\n\nOur fees are agreed at the first "
            "meeting and reviewed once a year with you.\n")
    crowd = "\n\n".join(["Order by noon for delivery tomorrow; returns are free within thirty days, and "
                         "every basket over forty pounds ships at no charge to any address in the country. "
                         "Prices include tax, and the checkout accepts cards, vouchers and gift balances."] * 6)
    alone = auditor.analyse([load_text(page, "page.md")])[1][0]
    together = auditor.analyse([load_text(crowd, f"crowd{i}.md") for i in range(3)] + [load_text(page, "page.md")])[1][-1]
    return alone, together


def test_a_page_is_framed_the_same_alone_and_beside_other_pages(model_auditor):
    alone, together = _framings_alone_and_together(model_auditor)
    assert alone and [f.scores for f in alone] == [f.scores for f in together]
