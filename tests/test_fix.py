"""--fix and --diff: what gets rewritten, what is left alone, and that the bytes around each edit survive."""

import json
import os
import shutil
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientlens import fix
from clientlens.cli import app
from clientlens.config import Settings
from clientlens.engine import Auditor
from clientlens.fix import apply_edits, plan_fixes, render_diff
from clientlens.ingest.html import load_html
from clientlens.judge.finalise import excerpt, finalise_finding, fix_of
from clientlens.judge.fixes import fix_article, indefinite_article, word_edits
from clientlens.ingest.text import load_text
from clientlens.types import (FIX_NEEDS_REVIEW, FIX_SAFE, DocumentReport, Edit, Finding, Kind, Mention, Sense, Severity,
                              SiteReport)
from tests.conftest import EXAMPLES

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_git(monkeypatch):
    """Answer "not in a git work tree" unless a test says otherwise, so no test depends on git."""
    monkeypatch.setattr(fix, "git_status", lambda path: None)


def audit_json(*paths: Path) -> dict:
    result = runner.invoke(app, ["audit", *map(str, paths), "--no-model", "-f", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output[result.output.index("{"):])


def rules_in(data: dict) -> list[str]:
    return [f["rule"] for d in data["documents"] for f in d["findings"]]


@pytest.mark.parametrize("word, article", [
    ("client", "a"), ("customer", "a"), ("end-user", "an"), ("owner", "an"), ("attendee", "an"),
    ("user", "a"), ("union member", "a"), ("European client", "a"), ("one-off buyer", "a"),
    ("hour", "an"), ("honest broker", "an"), ("heir", "an"), ("household", "a"), ("Investor", "an"),
])
def test_fix_indefinite_article(word, article):
    assert indefinite_article(word) == article


@pytest.mark.parametrize("old, word, new", [
    ("a", "client", "a"), ("a", "end-user", "an"), ("An", "client", "A"), ("A", "end-user", "An"),
    ("AN", "customer", "A"), ("an", "owner", "an"),
])
def test_fix_article_keeps_case(old, word, new):
    assert fix_article(old, word) == new


@pytest.mark.parametrize("source, surface, suggestion, expected", [
    ("Every customer pays.", "customer", "client", "Every client pays."),
    ("Ask a customer today.", "customer", "end-user", "Ask an end-user today."),
    ("Ask A\n  customer today.", "customer", "end-user", "Ask An\n  end-user today."),
    ("Ask an *end-user* today.", "end-user", "customer", "Ask a *customer* today."),
    ("Ask a customer today.", "customer", "client", "Ask a client today."),
    ("Banana customer.", "customer", "end-user", "Banana end-user."),
    ("CUSTOMERS' VIEW", "CUSTOMERS'", "CLIENTS'", "CLIENTS' VIEW"),
    ("Our customer's file", "customer's", "customer's", "Our customer's file"),
])
def test_fix_word_edits(source, surface, suggestion, expected):
    start = source.lower().index(surface.lower()[:4])
    edits = [Edit(a, b, new) for a, b, new in word_edits(source, start, surface, suggestion)]
    assert apply_edits(source, edits) == expected


def _html_finding(source: str, word: str, suggestion: str, rule: str = "mixed-terminology") -> Finding:
    doc = load_html(source, "page.html")
    start = doc.text.index(word)
    loc = doc.offsets.locate(start, start + len(word))
    f = Finding(rule, Severity.WARNING, "m", loc.start, loc.end, loc.line, loc.column, suggestion)
    return replace(f, fix=fix_of(f, doc, start, start + len(word), None))


@pytest.mark.parametrize("source, word, suggestion, expected", [
    ("<p>Our customer&rsquo;s file</p>", "customer’s", "client’s", "<p>Our client&rsquo;s file</p>"),
    ("<p>Ask a <em>customer</em> now</p>", "customer", "end-user", "<p>Ask an <em>end-user</em> now</p>"),
    ("<p>Our cust<b>omer</b> pays.</p>", "customer", "client", None),
])
def test_fix_edits_land_on_the_html_source_or_not_at_all(source, word, suggestion, expected):
    f = _html_finding(source, word, suggestion)
    if expected is None:
        assert f.fix is None  # a word split by markup is not rewritten
    else:
        assert apply_edits(source, f.fix.edits) == expected


@pytest.mark.parametrize("rule, role, applicability", [
    ("mixed-terminology", "own", FIX_SAFE),
    ("preferred-term", "generic", FIX_SAFE),
    ("mixed-terminology", "third_party", FIX_NEEDS_REVIEW),
    ("framing-mismatch", "own", FIX_NEEDS_REVIEW),
    ("defined-term-synonym", "own", FIX_NEEDS_REVIEW),
])
def test_fix_applicability(rule, role, applicability, mentions_of):
    text = "Every customer pays."
    doc = load_text(text, "a.txt")
    m = replace(mentions_of(text)[0], role=role)
    f = Finding(rule, Severity.WARNING, "m", m.source_start, m.source_end, m.line, m.column, "client")
    done = finalise_finding(f, doc, m, None)
    assert done.fix.applicability == applicability
    assert done.excerpt.text == text and done.excerpt.text[done.excerpt.start:done.excerpt.end] == "customer"


def test_fix_round_trip_on_the_example_site(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(EXAMPLES / "site", site)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert "mixed-terminology" in rules_in(audit_json(site))
    result = runner.invoke(app, ["audit", str(site), "--no-model", "--fix"])
    assert result.exit_code == 0, result.output
    assert "fixed 8 mention(s) in 3 file(s)" in result.output
    assert "mixed-terminology" not in rules_in(audit_json(site))
    changed = {p.name for p, data in before.items() if p.read_bytes() != data}
    assert changed == {"pricing.html", "contact.html", "tax-returns.md"}
    pricing = (site / "pricing.html").read_text(encoding="utf-8")
    assert "Clients' most common questions" in pricing and "A client can move up" in pricing
    # only the words changed: the markup, the script and the styles are as they were
    old = before[site / "pricing.html"].decode("utf-8")
    assert len(pricing.splitlines()) == len(old.splitlines())
    assert pricing.count("<") == old.count("<") and "getElementById" in pricing


def test_fix_leaves_software_meta_code_and_urls_alone(tmp_path):
    source = ("# Our clients\n\nClients stay with us. Our clients trust us.\n\n"
              "We configure the email client for every client.\n\n"
              "Why we say \"client\" and not \"customer\" is explained below.\n\n"
              "Visit https://example.com/customers or run `grep customer` in the shell.\n\n"
              "```\ncustomer_id = 1\n```\n\n"
              "A customer asked a question.\n")
    page = tmp_path / "page.md"
    page.write_text(source, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(page), "--no-model", "--fix"])
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8") == source.replace("A customer asked", "A client asked")


@pytest.mark.parametrize("encoding, newline, bom", [
    ("utf-8", "\r\n", b""),
    ("cp1252", "\n", b""),
    ("utf-8", "\n", b"\xef\xbb\xbf"),
    ("utf-16-le", "\r\n", b"\xff\xfe"),
])
def test_fix_keeps_encoding_bom_and_newlines(tmp_path, encoding, newline, bom):
    text = newline.join(["Our clients’ café stays open.", "Our clients plan ahead.", "A customer asked.", ""])
    page = tmp_path / "notes.txt"
    page.write_bytes(bom + text.encode(encoding))
    result = runner.invoke(app, ["audit", str(page), "--no-model", "--fix"])
    assert result.exit_code == 0, result.output
    assert page.read_bytes() == bom + text.replace("A customer", "A client").encode(encoding)


def test_fix_keeps_permissions_and_follows_symlinks(tmp_path):
    page = tmp_path / "real.md"
    page.write_text("Our clients stay. Clients return. Customers pay.\n", encoding="utf-8")
    os.chmod(page, 0o640)
    link = tmp_path / "link.md"
    link.symlink_to(page)
    result = runner.invoke(app, ["audit", str(link), "--no-model", "--fix"])
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert page.read_text(encoding="utf-8") == "Our clients stay. Clients return. Clients pay.\n"
    assert stat.S_IMODE(page.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir() if "tmp" in p.name] == []


def test_fix_article_for_an_extra_preferred_family(tmp_path):
    (tmp_path / ".clientlens.toml").write_text(
        'preferred = "end-user"\n\n[families]\nend-user = ["end-user", "end-users"]\n', encoding="utf-8")
    page = tmp_path / "help.md"
    page.write_text("A customer may call us. Our clients get a manual. An end-user reads it.\n", encoding="utf-8")
    result = runner.invoke(app, ["audit", str(page), "--no-model", "--fix"])
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8") == "An end-user may call us. Our end-users get a manual. An end-user reads it.\n"


def test_fix_diff_prints_and_writes_nothing(tmp_path):
    page = tmp_path / "a.md"
    source = "Our clients stay.\nClients return.\nA customer asked."
    page.write_text(source, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(page), "--no-model", "--diff"])
    assert result.exit_code == 1
    assert "-A customer asked.\n\\ No newline at end of file\n+A client asked." in result.output
    assert page.read_text(encoding="utf-8") == source
    page.write_text("Our clients stay.\n", encoding="utf-8")
    clean = runner.invoke(app, ["audit", str(page), "--no-model", "--diff"])
    assert clean.exit_code == 0 and clean.output == ""


def test_fix_refuses_files_with_uncommitted_changes_unless_forced(tmp_path, monkeypatch):
    page = tmp_path / "a.md"
    source = "Our clients stay. Clients return. A customer asked.\n"
    page.write_text(source, encoding="utf-8")
    monkeypatch.setattr(fix, "git_status", lambda path: " M a.md\n" if path.name == "a.md" else "")
    refused = runner.invoke(app, ["audit", str(page), "--no-model", "--fix"])
    assert refused.exit_code == 2 and "uncommitted changes" in refused.output and "--force" in refused.output
    assert page.read_text(encoding="utf-8") == source
    forced = runner.invoke(app, ["audit", str(page), "--no-model", "--fix", "--force"])
    assert forced.exit_code == 0 and "A client asked" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("porcelain, dirty", [(None, False), ("", False), ("?? a.md\n", True), ("M  a.md\n", True)])
def test_fix_dirty_files(monkeypatch, tmp_path, porcelain, dirty):
    monkeypatch.setattr(fix, "git_status", lambda path: porcelain)
    assert bool(fix.dirty_files([tmp_path / "a.md"])) is dirty


def test_fix_git_status_outside_git_is_none(monkeypatch, tmp_path):
    def missing(*args, **kwargs):
        raise FileNotFoundError("git")

    monkeypatch.undo()
    monkeypatch.setattr(fix.subprocess, "run", missing)
    assert fix.git_status(tmp_path / "a.md") is None


@pytest.mark.parametrize("args", [["-", "--fix"], ["https://example.com", "--diff"]])
def test_fix_refuses_stdin_and_urls(args):
    result = runner.invoke(app, ["audit", *args, "--no-model"])
    assert result.exit_code == 2 and "--fix and --diff" in result.output


def test_fix_plan_skips_what_it_cannot_rewrite(tmp_path):
    records = tmp_path / "notes.jsonl"
    records.write_text('{"id": 1, "text": "Our clients stay. Clients return. A customer asked."}\n', encoding="utf-8")
    plan = plan_fixes(Auditor(Settings(use_model=False)).audit_paths([str(records)]))
    assert plan.files == () and "not a .txt, .md or .html file" in plan.skipped[0]
    assert render_diff(plan) == ""


def test_fix_leaves_baselined_findings_as_they_are(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = Path("fees.md")
    page.write_text("Our clients stay. Clients return. A customer asked.\n", encoding="utf-8")
    assert runner.invoke(app, ["audit", "fees.md", "--no-model", "--write-baseline", "base.json"]).exit_code == 0
    page.write_text("Our clients stay. Clients return. A customer asked.\n\nEvery customer pays.\n", encoding="utf-8")
    result = runner.invoke(app, ["audit", "fees.md", "--no-model", "--fix", "--baseline", "base.json"])
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8") == "Our clients stay. Clients return. A customer asked.\n\nEvery client pays.\n"


def test_fix_round_trip_on_html_with_entities_title_and_alt(tmp_path):
    page = tmp_path / "page.html"
    source = ("<html><head><title>Customer stories</title>\n<style>.customer { color: red }</style></head>\n"
              "<body><nav><a href=\"/customers\">Customers</a></nav>\n"
              "<h1>Our clients</h1>\n<p>Clients stay for years. Our clients trust us. We know each client.</p>\n"
              "<p>Every customer&rsquo;s file is private.</p>\n"
              "<img src=\"customer.jpg\" alt=\"A customer at her desk\">\n"
              "<footer>Customers welcome</footer></body></html>\n")
    page.write_text(source, encoding="utf-8")
    assert runner.invoke(app, ["audit", str(page), "--no-model", "--fix"]).exit_code == 0
    fixed = page.read_text(encoding="utf-8")
    assert fixed == (source.replace("<title>Customer stories", "<title>Client stories")
                     .replace("Every customer&rsquo;s", "Every client&rsquo;s")
                     .replace("alt=\"A customer at", "alt=\"A client at"))
    assert "mixed-terminology" not in rules_in(audit_json(page))


@pytest.mark.parametrize("text, word, markdown, expected", [
    ("# Using the client portal\n\nMore.", "client", True, "Using the [client] portal"),
    ("Upload it to the [client portal]          today.", "client", True, "Upload it to the [client] portal today."),
    ("Our **customers** pay   monthly.\nThey   like it.", "customers", True, "Our [customers] pay monthly. They like it."),
    ("Hello {{ site.name }} customers, welcome.", "customers", False, "Hello [customers], welcome."),
    ("A *literal* customer star.", "customer", False, "A *literal* [customer] star."),
])
def test_fix_excerpt_reads_as_prose(text, word, markdown, expected):
    """Markdown ingest blanks link targets and code with spaces; what is left of the markup is dropped."""
    start = text.index(word)
    e = excerpt(text, start, start + len(word), markdown)
    assert e.text[:e.start] + "[" + e.text[e.start:e.end] + "]" + e.text[e.end:] == expected


def test_fix_excerpt_is_trimmed_at_words_around_the_mention():
    text = ("Word " * 40) + "and our customer " + ("stays " * 40) + "here."
    start = text.index("customer")
    e = excerpt(text, start, start + 8)
    assert e.text.startswith("… Word") and e.text.endswith("stays …")
    assert e.text[e.start:e.end] == "customer" and len(e.text) <= 2 * 60 + 8 + 4


def _site_with_fixes(path: Path, text: str) -> SiteReport:
    """A report on `path` with a safe fix on "customer", a needs-review one on the same word and one on "clients"."""
    doc = load_text(text, str(path))
    findings = []
    for word, rule, suggestion in (("customer", "mixed-terminology", "client"),
                                   ("customer", "framing-mismatch", "patron"),
                                   ("clients", "framing-mismatch", "customers")):
        start = text.index(word)
        loc = doc.offsets.locate(start, start + len(word))
        f = Finding(rule, Severity.WARNING, "m", loc.start, loc.end, loc.line, loc.column, suggestion)
        mention = Mention(start, start + len(word), loc.line, loc.column, word, "x", Sense.PERSON, 0.9, "rule:test",
                          source_start=loc.start, source_end=loc.end)
        findings.append(finalise_finding(f, doc, mention))
    report = DocumentReport(str(path), Kind.TEXT, findings=tuple(findings), text=text)
    return SiteReport((report,), {}, None, 100.0, None, (), "x")


@pytest.mark.parametrize("unsafe, expected, held_back, skipped", [
    (False, "Our clients stay. A client asked.\n", 2, 0),
    (True, "Our customers stay. A client asked.\n", 0, 1),
])
def test_fix_unsafe_fixes_apply_after_the_safe_ones(tmp_path, unsafe, expected, held_back, skipped):
    page = tmp_path / "a.txt"
    text = "Our clients stay. A customer asked.\n"
    page.write_text(text, encoding="utf-8")
    plan = plan_fixes(_site_with_fixes(page, text), unsafe)
    assert plan.held_back == held_back
    assert len([s for s in plan.skipped if "overlaps another fix" in s]) == skipped
    assert apply_edits(text, plan.files[0].edits) == expected


def test_cli_diff_with_unsafe_fixes_shows_them(tmp_path, monkeypatch):
    page = tmp_path / "a.md"
    page.write_text("Our clients stay. Clients return. A customer asked.\n", encoding="utf-8")
    safe = runner.invoke(app, ["audit", str(page), "--no-model", "--diff", "--unsafe-fixes"])
    assert safe.exit_code == 1 and "+Our clients stay. Clients return. A client asked." in safe.output
