"""Per-document isolation: whatever goes wrong with one document costs that document only.

Before: any exception in ingest, spaCy, the model or the judge ended the whole run with
`clientlens: internal error: ...` and exit 2, and the report of every good file was lost.
Each failure below is injected into one document (its text holds the word "Boom") and the
others must still be reported.
"""

import json

import pytest

import clientlens.engine as engine
import clientlens.ingest as ingest
import clientlens.ingest.extract as extract
from clientlens.cli import app
from clientlens.config import Settings
from clientlens.engine import Auditor
from clientlens.types import Document, Kind, OffsetMap
from tests.hostile.helpers import audit, good_and_errors, hi, runner


def _doc(path: str, text: str) -> Document:
    return Document(path=path, kind=Kind.TEXT, text=text, offsets=OffsetMap.for_source(text))


def _breaking(real, error: Exception, text_of):
    """Return `real` made to raise `error` when `text_of(*its arguments)` holds "Boom"."""

    def broken(*args, **kwargs):
        if "Boom" in text_of(*args):
            raise error
        return real(*args, **kwargs)

    return broken


@pytest.fixture
def fragile_rules(monkeypatch):
    """Make the rules fail on any batch that holds a document with "Boom" in it."""
    monkeypatch.setattr(engine, "detect_mentions", _breaking(
        engine.detect_mentions, RuntimeError("the tokenizer gave up\non two lines"),
        lambda nlp, documents, *rest: " ".join(d.text for d in documents)))


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
    monkeypatch.setattr(engine, "judge_document", _breaking(engine.judge_document, ValueError("cannot judge this"),
                                                            lambda doc, *rest: doc.text))
    docs = [_doc("a.txt", hi.GOOD), _doc("bad.txt", "Boom. Our customers."), _doc("b.txt", hi.GOOD)]
    report = Auditor(Settings(use_model=False)).audit_all(docs)
    assert [(d.path, bool(d.error)) for d in report.documents] == [("a.txt", False), ("bad.txt", True), ("b.txt", False)]
    assert "internal error while judging it (ValueError: cannot judge this)" in report.documents[1].error
    assert [f.rule for f in report.documents[1].findings] == ["unreadable-input"]


def test_a_site_wide_judging_error_is_not_blamed_on_a_document(monkeypatch):
    monkeypatch.setattr(engine, "judge_site", _breaking(engine.judge_site, KeyError("site"), lambda *a: "Boom"))
    with pytest.raises(KeyError):
        Auditor(Settings(use_model=False)).audit_all([_doc("a.txt", hi.GOOD)])


def test_an_ingest_error_costs_only_its_file(tmp_path, monkeypatch):
    monkeypatch.setitem(ingest.TEXT_LOADERS, ".html", _breaking(
        ingest.TEXT_LOADERS[".html"], AssertionError("parser lost its place"), lambda source, *rest: source))
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
    # The engine judges contracts (in `contract` and in `audit`) with judge.contract.contract_document.
    monkeypatch.setattr(engine, "contract_document", _breaking(engine.contract_document, IndexError("clause out of range"),
                                                               lambda doc, *rest: doc.text))
    (tmp_path / "a.txt").write_text('This Agreement is with Pike Ltd (the "Client"). The Client pays.')
    (tmp_path / "b.txt").write_text('Boom. This Agreement is with Pike Ltd (the "Client").')
    result = runner.invoke(app, ["contract", str(tmp_path), "--no-model", "-f", "json"])
    docs = {d["path"].rsplit("/", 1)[-1]: d for d in json.loads(result.stdout)["documents"]}
    assert docs["a.txt"]["error"] is None and docs["a.txt"]["contract"]["defined_term"]
    assert "internal error while judging it (IndexError: clause out of range)" in docs["b.txt"]["error"]


def test_a_crawled_page_the_parser_fails_on_costs_that_page_only(monkeypatch):
    monkeypatch.setattr(extract, "_parse", _breaking(extract._parse, RecursionError("too deep"), lambda url, html: html))
    pages = [("http://127.0.0.1:1/a", "<p>Our clients.</p>"), ("http://127.0.0.1:1/b", "<p>Boom</p>"),
             ("http://127.0.0.1:1/c", "<p>More clients.</p>")]
    out = extract.extract_pages(pages)
    assert [type(d).__name__ for d in out] == ["Document", "InputFailure", "Document"]
    assert out[1].reason.startswith("http://127.0.0.1:1/b: internal error while reading it (RecursionError")


@pytest.mark.parametrize("debug", [False, True])
def test_an_error_outside_any_document_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, debug):
    from clientlens import cli

    monkeypatch.setattr(engine, "judge_site", _breaking(engine.judge_site, KeyError("site\ntotals"), lambda *a: "Boom"))
    (tmp_path / "a.txt").write_text(hi.GOOD)
    monkeypatch.setattr("sys.argv", ["clientlens", "audit", str(tmp_path), "--no-model", *(["--debug"] if debug else [])])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.splitlines()[-1] == ("clientlens: internal error: KeyError: 'site\\ntotals' (run with --debug for the "
                                    "traceback)")
    assert ("Traceback (most recent call last)" in err) is debug
