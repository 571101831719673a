"""Inline directives, per-file ignores and the baseline: which findings go and which mentions stop counting."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientlens.cli import app
from clientlens.config import Settings
from clientlens.engine import Auditor
from clientlens.errors import ConfigError
from clientlens.ingest.html import load_html
from clientlens.ingest.markdown import load_markdown
from clientlens.ingest.text import load_text
from clientlens.judge.suppress import (Suppression, apply_baseline, read_baseline, render_baseline,
                                       suppressions)
from clientlens.report.json import render_json
from clientlens.types import Comment

runner = CliRunner()
RULES_ONLY = Settings(use_model=False)


def comment(text: str, start: int = 0, line: int = 1, end_line: int | None = None) -> Comment:
    return Comment(start, start + len(text) + 7, line, end_line or line, text)


@pytest.mark.parametrize("texts, expected", [
    ([" clientlens: ignore-next-line "], [Suppression(frozenset(), line=2)]),
    ([" clientlens: ignore-next-line mixed-terminology "], [Suppression(frozenset({"mixed-terminology"}), line=2)]),
    ([" clientlens:ignore-next-line framing-mismatch, preferred-term"],
     [Suppression(frozenset({"framing-mismatch", "preferred-term"}), line=2)]),
    ([" clientlens: ignore-start ", " clientlens: ignore-end "], [Suppression(frozenset(), start=33, end=100)]),
    ([" clientlens: ignore ", " clientlens: end-ignore "], [Suppression(frozenset(), start=27, end=100)]),
    # an unclosed block runs on to the end of the file
    ([" clientlens: ignore-start framing-mismatch "], [Suppression(frozenset({"framing-mismatch"}), start=50, end=2**62)]),
    # not directives: other comments, a near miss, a stray end
    ([" TODO: mention our clients ", " clientlens: ignoring this ", " clientlens: ignore-end "], []),
])
def test_suppress_directives_parse(texts, expected):
    comments = [comment(t, start=100 * i) for i, t in enumerate(texts)]
    assert list(suppressions(comments)) == expected


@pytest.mark.parametrize("suppression, offset, line, rule, covered", [
    (Suppression(frozenset(), line=4), 0, 4, "mixed-terminology", True),
    (Suppression(frozenset(), line=4), 0, 5, "mixed-terminology", False),
    (Suppression(frozenset({"framing-mismatch"}), line=4), 0, 4, "mixed-terminology", False),
    (Suppression(frozenset({"framing-mismatch"}), line=4), 0, 4, "framing-mismatch", True),
    (Suppression(frozenset(), start=10, end=20), 10, 1, "preferred-term", True),
    (Suppression(frozenset(), start=10, end=20), 20, 1, "preferred-term", False),
])
def test_suppress_covers(suppression, offset, line, rule, covered):
    assert suppression.covers(offset, line, rule) is covered


MARKDOWN = """# Our clients

Clients stay for years. Our clients trust us.

<!-- clientlens: ignore-next-line -->
A customer once wrote to us.

<!-- clientlens: ignore-start -->
> "The customers here are treated like family." (a review)
<!-- clientlens: ignore-end -->

Customers pay online.

Write `<!-- clientlens: ignore-next-line -->` above a line to silence it.
Our customers smile.
"""

HTML = """<html><body>
<h1>Our clients</h1>
<p>Clients stay for years. Our clients trust us.</p>
<!-- clientlens: ignore-next-line -->
<p>A customer once wrote to us.</p>
<!-- clientlens: ignore-start -->
<blockquote>The customers here are treated like family.</blockquote>
<!-- clientlens: ignore-end -->
<p>Customers pay online.</p>
</body></html>
"""


@pytest.mark.parametrize("load, source, name, flagged", [
    (load_markdown, MARKDOWN, "a.md", ["Customers", "customers"]),
    (load_html, HTML, "a.html", ["Customers"]),
])
def test_suppress_directives_in_markdown_and_html(load, source, name, flagged):
    report = Auditor(RULES_ONLY).audit_all([load(source, name)]).documents[0]
    assert [source[f.start:f.end] for f in report.findings] == flagged
    roles = [(m.surface, m.role) for m in report.mentions if m.family == "customer"]
    assert roles[:2] == [("customer", "suppressed"), ("customers", "suppressed")]
    # suppressed mentions stay in the JSON, they just do not count
    data = json.loads(render_json(Auditor(RULES_ONLY).audit_all([load(source, name)])))
    assert sum(m["role"] == "suppressed" for m in data["documents"][0]["mentions"]) == 2
    assert data["documents"][0]["counts"]["customer"] == len(flagged)


@pytest.mark.parametrize("directive, findings, counted", [
    ("<!-- clientlens: ignore-next-line mixed-terminology -->", [], 2),
    ("<!-- clientlens: ignore-next-line framing-mismatch -->", ["mixed-terminology"], 3),
    ("<!-- clientlens: ignore-next-line mixed-terminolgy -->", ["mixed-terminology"], 3),
])
def test_suppress_directive_with_rule_names(directive, findings, counted):
    source = f"Our clients stay. Our clients return.\n\n{directive}\nA customer asked.\n"
    report = Auditor(RULES_ONLY).audit_all([load_markdown(source, "a.md")]).documents[0]
    assert [f.rule for f in report.findings] == findings
    assert sum(report.counts.values()) == counted


def test_suppress_block_keeps_a_quoted_review_from_making_the_site_mixed(tmp_path):
    page = tmp_path / "reviews.md"
    page.write_text("Our clients say:\n\n<!-- clientlens: ignore-start -->\nBest customer service ever!\n"
                    "<!-- clientlens: ignore-end -->\n", encoding="utf-8")
    report = Auditor(RULES_ONLY).audit_paths([str(page)])
    assert report.mixed_documents == () and report.findings == ()


def test_suppress_per_file_ignores(tmp_path):
    for name in ("blog/words.md", "pricing.md"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("Our clients stay. Our clients return. A customer asked.", encoding="utf-8")
    settings = Settings(use_model=False, per_file_ignores={"blog/*.md": ("mixed-terminology",)})
    report = Auditor(settings).audit_paths([str(tmp_path)])
    flagged = {Path(d.path).name: len(d.findings) for d in report.documents}
    assert flagged == {"words.md": 0, "pricing.md": 1}


# The baseline ---------------------------------------------------------------------------

PAGE = "# Fees\n\nOur clients pay a fixed fee. Clients never pay by the hour.\n\nA customer can pay by card.\n"


def audit_file(path: Path):
    return Auditor(RULES_ONLY).audit_paths([str(path)])


def test_suppress_baseline_hides_known_findings_even_after_edits_elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "fees.md"
    page.write_text(PAGE, encoding="utf-8")
    base = tmp_path / "baseline.json"
    base.write_text(render_baseline(audit_file(Path("fees.md"))), encoding="utf-8")
    # new paragraphs above move the old finding down; a new finding appears at the end
    edited = "# Fees\n\nWe added a paragraph.\n\nAnd another one.\n" + PAGE[6:] + "\nEvery customer gets a receipt.\n"
    page.write_text(edited, encoding="utf-8")
    report, hidden = apply_baseline(audit_file(page.resolve()), read_baseline(base))
    assert hidden == 1
    [new] = report.findings
    assert new.start > edited.index("Every") and new.suggestion == "client"


def test_suppress_baseline_does_not_hide_a_second_copy_or_an_edited_sentence(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "fees.md"
    page.write_text(PAGE, encoding="utf-8")
    base = tmp_path / "b.json"
    base.write_text(render_baseline(audit_file(Path("fees.md"))), encoding="utf-8")
    page.write_text(PAGE.replace("A customer can pay by card.", "A customer can pay by card. A customer can pay by card."),
                    encoding="utf-8")
    assert len(apply_baseline(audit_file(Path("fees.md")), read_baseline(base))[0].findings) == 1
    page.write_text(PAGE.replace("pay by card", "pay by bank transfer"), encoding="utf-8")
    assert len(apply_baseline(audit_file(Path("fees.md")), read_baseline(base))[0].findings) == 1


def test_suppress_a_json_report_works_as_a_baseline(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("fees.md").write_text(PAGE, encoding="utf-8")
    Path("report.json").write_text(render_json(audit_file(Path("fees.md"))), encoding="utf-8")
    Path("fees.md").write_text("Intro line.\n\n" + PAGE, encoding="utf-8")
    report, hidden = apply_baseline(audit_file(Path("fees.md")), read_baseline(Path("report.json")))
    assert (hidden, report.findings) == (1, ())


@pytest.mark.parametrize("content, words", [
    (None, "cannot read"),
    ("{not json", "not JSON"),
    ('{"schema": "something/9"}', "expected schema"),
    ('{"schema": "clientlens.baseline/1", "findings": [{"path": "a"}]}', "missing or bad field"),
])
def test_suppress_bad_baseline_is_a_config_error(tmp_path, content, words):
    path = tmp_path / "base.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        read_baseline(path)
    assert words in str(info.value) and str(path) in str(info.value) and "\n" not in str(info.value)


def test_suppress_cli_write_baseline_then_audit_with_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("site").mkdir()
    Path("site/fees.md").write_text(PAGE, encoding="utf-8")
    written = runner.invoke(app, ["audit", "site", "--no-model", "--write-baseline", "baseline.json"])
    assert written.exit_code == 0, written.output
    data = json.loads(Path("baseline.json").read_text(encoding="utf-8"))
    assert data["schema"] == "clientlens.baseline/1"
    assert [(e["path"], e["rule"], e["surface"]) for e in data["findings"]] == [
        ("site/fees.md", "mixed-terminology", "customer")]
    # the same audit, run from another spelling of the path, passes with the baseline
    again = runner.invoke(app, ["audit", "./site/", "--no-model", "--baseline", "baseline.json"])
    assert again.exit_code == 0, again.output
    assert "No findings" in again.output
    without = runner.invoke(app, ["audit", "site", "--no-model"])
    assert without.exit_code == 1


def test_suppress_cli_missing_baseline_exits_2(tmp_path):
    page = tmp_path / "a.md"
    page.write_text(PAGE, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(page), "--no-model", "--baseline", str(tmp_path / "none.json")])
    assert result.exit_code == 2 and "--baseline" in result.output


def test_suppress_text_documents_have_no_directives():
    text = "Our clients stay. Clients return.\n<!-- clientlens: ignore-next-line -->\nA customer asked.\n"
    report = Auditor(RULES_ONLY).audit_all([load_text(text, "t.txt")]).documents[0]
    assert [f.rule for f in report.findings] == ["mixed-terminology"]


@pytest.mark.parametrize("source", [
    "Our clients stay. Clients return.\n\n```html\n<!-- clientlens: ignore-next-line -->\n```\nA customer asked.\n",
    "Our clients stay. Clients return.\n\n    <!-- clientlens: ignore-start -->\n\nA customer asked.\n",
    "Our clients stay. Clients return. Type `<!-- clientlens: ignore-start -->` to begin.\nA customer asked.\n",
])
def test_suppress_directives_shown_as_code_do_nothing(source):
    report = Auditor(RULES_ONLY).audit_all([load_markdown(source, "doc.md")]).documents[0]
    assert [f.rule for f in report.findings] == ["mixed-terminology"]
