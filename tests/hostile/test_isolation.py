"""Per-document isolation: whatever goes wrong with one document costs that document only.

Before: any exception in ingest, spaCy, the model or the judge ended the whole run with
`clientlens: internal error: ...` and exit 2, and the report of every good file was lost.
Each failure below is injected into one document (its text holds the word "Boom") and the
others must still be reported.
"""

import pytest

import clientlens.engine as engine
import clientlens.ingest.html as html_ingest
from clientlens.config import Settings
from clientlens.engine import Auditor
from clientlens.types import Document, Kind, OffsetMap
from tests.hostile.helpers import audit, good_and_errors, hi, runner
from clientlens.cli import app


def _doc(path: str, text: str) -> Document:
    return Document(path=path, kind=Kind.TEXT, text=text, offsets=OffsetMap.for_source(text))


@pytest.fixture
def fragile_rules(monkeypatch):
    """Make the rules fail on any batch that holds a document with "Boom" in it."""
    real = engine.detect_mentions

    def detect(nlp, documents, *args, **kwargs):
        if any("Boom" in d.text for d in documents):
            raise RuntimeError("the tokenizer gave up\non two lines")
        return real(nlp, documents, *args, **kwargs)

    monkeypatch.setattr(engine, "detect_mentions", detect)


@pytest.mark.parametrize("jobs", [1, 2])
def test_one_document_failing_in_the_rules_costs_only_that_document(fragile_rules, jobs):
    docs = [_doc(f"d{i}.txt", hi.GOOD) for i in range(70)] + [_doc("bad.txt", "Boom. Our clients.")] + \
        [_doc(f"e{i}.txt", hi.GOOD) for i in range(70)]
    report = Auditor(Settings(use_model=False), jobs=jobs).audit_all(docs)
    errors = {d.path: d.error for d in report.documents if d.error}
    assert list(errors) == ["bad.txt"]
    assert errors["bad.txt"] == ("bad.txt: internal error while analysing it (RuntimeError: the tokenizer gave up "
                                 "on two lines); run with --debug for the traceback")
    assert [d.path for d in report.documents] == [d.path for d in docs]  # order kept, nothing lost
    assert sum(d.counts.get("client", 0) for d in report.documents) == 140 * 2


def test_one_document_failing_in_the_judge_costs_only_that_document(monkeypatch):
    real = engine.judge_document

    def judge(doc, *args, **kwargs):
        if "Boom" in doc.text:
            raise ValueError("cannot judge this")
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(engine, "judge_document", judge)
    docs = [_doc("a.txt", hi.GOOD), _doc("bad.txt", "Boom. Our customers."), _doc("b.txt", hi.GOOD)]
    report = Auditor(Settings(use_model=False)).audit_all(docs)
    assert [(d.path, bool(d.error)) for d in report.documents] == [("a.txt", False), ("bad.txt", True), ("b.txt", False)]
    assert "internal error while judging it (ValueError: cannot judge this)" in report.documents[1].error
    assert [f.rule for f in report.documents[1].findings] == ["unreadable-input"]


def test_a_site_wide_judging_error_is_not_blamed_on_a_document(monkeypatch):
    monkeypatch.setattr(engine, "judge_site", lambda *a, **k: (_ for _ in ()).throw(KeyError("site")))
    with pytest.raises(KeyError):
        Auditor(Settings(use_model=False)).audit_all([_doc("a.txt", hi.GOOD)])


def test_an_ingest_error_costs_only_its_file(tmp_path, monkeypatch):
    real = html_ingest.load_html

    def load(source, path, *args, **kwargs):
        if "Boom" in source:
            raise AssertionError("parser lost its place")
        return real(source, path, *args, **kwargs)

    import clientlens.ingest as ingest

    monkeypatch.setitem(ingest.TEXT_LOADERS, ".html", load)
    (tmp_path / "bad.html").write_text("<p>Boom</p>")
    (tmp_path / "good.html").write_text("<p>Our clients.</p>")
    code, report, stderr = audit(str(tmp_path))
    good, errors = good_and_errors(report)
    assert good == ["good.html"]
    assert errors["bad.html"] == (f"{tmp_path / 'bad.html'}: internal error while reading it (AssertionError: parser "
                                  "lost its place); run with --debug for the traceback")


def test_debug_prints_the_traceback_of_a_document_error(tmp_path, fragile_rules):
    (tmp_path / "bad.txt").write_text("Boom. Our clients.")
    (tmp_path / "good.txt").write_text(hi.GOOD)
    quiet = runner.invoke(app, ["audit", str(tmp_path), "--no-model", "-f", "json"])
    loud = runner.invoke(app, ["audit", str(tmp_path), "--no-model", "-f", "json", "--debug"])
    assert quiet.exit_code == loud.exit_code == 1
    assert "Traceback" not in quiet.stderr
    assert "clientlens: debug: traceback of the error while analysing" in loud.stderr
    assert "Traceback (most recent call last)" in loud.stderr and "RuntimeError: the tokenizer gave up" in loud.stderr
    assert quiet.stdout == loud.stdout


def test_contract_isolation(tmp_path, monkeypatch):
    import clientlens.judge.contract as contract

    real = contract.contract_report

    def report_of(doc, *args, **kwargs):
        if "Boom" in doc.text:
            raise IndexError("clause out of range")
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(contract, "contract_report", report_of)
    (tmp_path / "a.txt").write_text('This Agreement is with Pike Ltd (the "Client"). The Client pays.')
    (tmp_path / "b.txt").write_text('Boom. This Agreement is with Pike Ltd (the "Client").')
    result = runner.invoke(app, ["contract", str(tmp_path), "--no-model", "-f", "json"])
    import json

    docs = {d["path"].rsplit("/", 1)[-1]: d for d in json.loads(result.stdout)["documents"]}
    assert docs["a.txt"]["error"] is None and docs["a.txt"]["contract"]["defined_term"]
    assert "internal error while checking it (IndexError: clause out of range)" in docs["b.txt"]["error"]


def test_a_crawled_page_the_parser_fails_on_costs_that_page_only(monkeypatch):
    import clientlens.ingest.extract as extract

    real = extract._parse

    def parse(url, html):
        if "Boom" in html:
            raise RecursionError("too deep")
        return real(url, html)

    monkeypatch.setattr(extract, "_parse", parse)
    pages = [("http://127.0.0.1:1/a", "<p>Our clients.</p>"), ("http://127.0.0.1:1/b", "<p>Boom</p>"),
             ("http://127.0.0.1:1/c", "<p>More clients.</p>")]
    out = extract.extract_pages(pages)
    assert [type(d).__name__ for d in out] == ["Document", "InputFailure", "Document"]
    assert out[1].reason.startswith("http://127.0.0.1:1/b: internal error while reading it (RecursionError")
