"""The contract judge: findings with locations and fixes, the score and its breakdown, the JSON form."""

import json
from importlib import resources

import jsonschema
import pytest

from clientlens.config import Settings
from clientlens.ingest.text import load_text
from clientlens.judge.contract import as_defined, judge_contract
from clientlens.report.json import render_json
from clientlens.rules.contracts import classify_uses, find_defined_term
from clientlens.types import DocumentReport, Framing, Kind

SCHEMA = json.loads(resources.files("clientlens.report").joinpath("schema/report-1.schema.json").read_text())

MESSY = """KITCHEN REFIT AGREEMENT

Scope: a new kitchen for Client at its Brookfield site.

This Agreement is made between Copperleaf Joinery Ltd ("Joiner") and Marram Bistro Ltd (the "Client").

1. The Joiner shall fit the units within six weeks.
2. The client shall clear the room before work starts.
3. The customer shall pay the deposit on signature.
4. For clause 5 only, "Client" means Marram Bistro Ltd and its landlord.
5. The Client shall give the Joiner access at weekends.
"""

TIDY = """GARDEN MAINTENANCE AGREEMENT

This Agreement is made between Fernhollow Landscapes Ltd ("Gardener") and Quarrybank Hotel Ltd (the "Client").

1. The Gardener shall mow the lawns weekly and keep the borders weeded.
2. The Client's customers may use the terrace while the Gardener works.
3. The Gardener may tell its other clients about this work once it is finished.
4. The Gardener shall not enter the Client Storage Area without a key.
5. Work shall be quiet near the customer car park before 9am.
6. The Client shall pay each invoice within 30 days.
"""


@pytest.fixture(scope="module")
def messy(auditor):
    return auditor.contract_all([load_text(MESSY, "messy.txt", Kind.CONTRACT)]).documents[0]


@pytest.mark.parametrize("rule, surface, line, suggestion", [
    ("defined-term-before-definition", "Client", 3, "Marram Bistro Ltd"),
    ("defined-term-lowercase", "client", 8, "Client"),
    ("defined-term-synonym", "customer", 9, "Client"),
    ("defined-term-redefined", '"Client" means', 10, None),
])
def test_contract_finding_locations_and_fixes(messy, rule, surface, line, suggestion):
    found = [f for f in messy.findings if f.rule == rule]
    assert len(found) == 1
    f = found[0]
    assert MESSY[f.start:f.end] == surface
    assert (f.line, f.suggestion) == (line, suggestion)
    assert f.column == MESSY.splitlines()[line - 1].index(surface) + 1
    assert f.related and f.related[0].line == 5  # the definition


def test_contract_messy_score_and_counts(messy):
    contract = messy.contract.to_dict()
    assert contract["defined_term"] == "Client" and contract["is_party"] is True
    assert contract["definition"]["line"] == 5
    hygiene = contract["breakdown"]["defined_term_hygiene"]
    assert sum(hygiene["issues"].values()) == 4 and hygiene["score"] < 100
    assert contract["breakdown"]["terminology_consistency"]["synonyms"] == 1
    assert messy.mixed and messy.counts["customer"] == 1
    assert 0 <= contract["score"] < 100


def test_contract_tidy_contract_has_no_findings(auditor):
    report = auditor.contract_all([load_text(TIDY, "tidy.txt", Kind.CONTRACT)]).documents[0]
    assert report.findings == ()
    contract = report.contract.to_dict()
    assert contract["score"] == 100.0 and not report.mixed
    assert contract["breakdown"]["framing"] == {"score": None, "scored": False,
                                                "note": "not scored: no framing model (rules only)"}


def test_contract_without_definition_still_reports_terminology(auditor):
    text = "Fees\n\nOur customers pay monthly. A customer may cancel at any time.\n"
    report = auditor.contract_all([load_text(text, "plain.txt", Kind.CONTRACT)]).documents[0]
    contract = report.contract.to_dict()
    assert contract["defined_term"] is None and contract["definition"] is None
    assert contract["breakdown"]["defined_term_hygiene"]["score"] is None
    assert report.counts["customer"] == 2 and report.kind is Kind.CONTRACT


@pytest.mark.parametrize("scores, expected", [
    ({"client": 0.9, "customer": 0.0, "neutral": 0.1}, 95.0),   # the language frames a client relationship
    ({"client": 0.1, "customer": 0.1, "neutral": 0.8}, 50.0),   # mostly neutral boilerplate
    ({"client": 0.0, "customer": 1.0, "neutral": 0.0}, 0.0),    # the word says client, the text says customer
])
def test_contract_framing_is_scored_when_available(scores, expected):
    doc = load_text(TIDY, "tidy.txt", Kind.CONTRACT)
    framing = Framing(max(scores, key=scores.get), scores)
    term = find_defined_term(TIDY)
    report = DocumentReport(doc.path, doc.kind, framing=framing)
    _, score = judge_contract(doc, term, [], Settings(use_model=False), report)
    part = score.breakdown["framing"]
    assert part["scored"] is True and part["score"] == pytest.approx(expected)
    assert set(score.breakdown["weights"]) == {"defined_term_hygiene", "terminology_consistency", "framing"}


@pytest.mark.parametrize("surface, term, expected", [
    ("customer", "Client", "Client"),
    ("Customer's", "Client", "Client's"),
    ("customer’s", "Client", "Client’s"),
    ("client", "Client", "Client"),
    ("customers'", "Client", "Clients'"),
    ("client", "Licensee", "Licensee"),
])
def test_contract_as_defined_keeps_possessive(surface, term, expected):
    assert as_defined(surface, term) == expected


def test_contract_json_is_valid_against_the_schema(auditor):
    report = auditor.contract_all([load_text(MESSY, "messy.txt", Kind.CONTRACT),
                                   load_text(TIDY, "tidy.txt", Kind.CONTRACT)])
    data = json.loads(render_json(report))
    jsonschema.validate(data, SCHEMA)
    assert set(data["documents"][0]["contract"]) == {"defined_term", "is_party", "definition", "score", "breakdown"}
    assert data["summary"]["counts"]["client"] == sum(d["counts"]["client"] for d in data["documents"])


def test_contract_judge_uses_only_problem_kinds(mentions_of):
    term = find_defined_term(TIDY)
    uses = classify_uses(TIDY, mentions_of(TIDY), term)
    doc = load_text(TIDY, "tidy.txt", Kind.CONTRACT)
    findings, _ = judge_contract(doc, term, uses, Settings(use_model=False), DocumentReport(doc.path, doc.kind))
    assert findings == []
    assert {u.kind for u in uses} >= {"party", "third-party", "other-term"}
    assert term.redefinitions == ()


def test_contract_findings_honour_ignore_comments(tmp_path, auditor):
    text = MESSY.replace("3. The customer shall pay",
                         "<!-- clientlens: ignore-next-line defined-term-synonym -->\n3. The customer shall pay")
    path = tmp_path / "messy.md"
    path.write_text(text, encoding="utf-8")
    report = auditor.contract_paths([str(path)]).documents[0]
    rules = {f.rule for f in report.findings}
    assert "defined-term-synonym" not in rules and "defined-term-lowercase" in rules
