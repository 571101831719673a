"""The contract analysis and judge: senses and roles, findings with their clause, the score and its breakdown.

Every contract here was written for these tests; the businesses are made up.
"""

import json
from dataclasses import replace
from importlib import resources

import jsonschema
import pytest

from clientlens.config import Settings
from clientlens.ingest.text import load_text
from clientlens.judge.contract import analyse_contract, as_defined, contract_document, contract_findings
from clientlens.judge.contract_score import PART_MAX, PENALTY
from clientlens.report.json import render_json
from clientlens.rules.contracts import classify_uses, find_defined_term
from clientlens.rules.families import family_set
from clientlens.types import Framing, Kind, Sense

SCHEMA = json.loads(resources.files("clientlens.report").joinpath("schema/report-1.schema.json").read_text())
SETTINGS = Settings(use_model=False)
FAMILIES = family_set()

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

# The party is defined on a cover page that is not part of this text (standard terms).
COVER_PAGE = """STANDARD TERMS FOR CLOUD BOOKKEEPING

These Terms apply to the Order Form signed by Customer. Capitalised terms not defined in these Terms have the
meanings given in the Cover Page.

1. Service. Provider shall make the Ledgerline service available to Customer during the Subscription Period.
2. Fees. Customer shall pay the Fees stated in the Order Form within 30 days of each invoice.
3. Data. Provider shall keep Customer Data confidential and shall give the customer a copy on request.
4. Termination. Either party may terminate these Terms for material breach on 30 days' written notice.
"""

# A heading and a run-in numbered title come before the definition, which its own clause also uses first.
HEADINGS = """CONSULTANCY AGREEMENT

1. Fees. The Consultant shall invoice monthly.

7. RESTRICTIONS ON CUSTOMERS

7.2 Solicitation of Customers. During the term the Consultant shall not approach any Customer for work.
For this clause 7.2, "Customer" means any business that bought services from Tarnwell Foods Ltd in the
last year.
"""

# Defined twice in the same words, and described once more by its place in this contract.
TWICE = """PRINTING AGREEMENT

This Agreement is made between Inkwell Presses Ltd ("Printer") and Harrow Valley Books Ltd (the "Client").

1. The Printer shall print the titles listed in Schedule 1 for the Client.
2. "Client" means the company entering into this Agreement with the Printer.

SCHEDULE 1
Signed for and on behalf of Harrow Valley Books Ltd (the "Client").
"""

SOFTWARE = """APP BUILD AGREEMENT

This Agreement is made between Copperbeech Apps Ltd ("Developer") and Lantern Yoga Studios Ltd (the "Client").

1. Client may access the client portal to approve each release.
2. The Developer shall ship the client application to both app stores.
3. Client shall pay the Developer within 14 days.
"""


def contract(text: str, path: str = "c.txt", kind: Kind = Kind.CONTRACT, auditor=None):
    return auditor.contract_all([load_text(text, path, kind)]).documents[0]


@pytest.fixture(scope="module")
def messy(auditor):
    return contract(MESSY, "messy.txt", auditor=auditor)


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


def test_contract_breakdown_adds_up_to_the_score(messy):
    c = messy.contract.to_dict()
    parts = c["breakdown"]
    assert c["score"] == parts["start"] - sum(parts[name]["lost"] for name in PART_MAX)
    for name in PART_MAX:
        assert parts[name]["lost"] == sum(d["points"] for d in parts[name]["deductions"])
    # One deduction per finding, each with the rule's stated weight and the finding's clause.
    deductions = messy.contract.deductions()
    assert [(d["rule"], d["line"]) for d in deductions] == [(f.rule, f.line) for f in messy.findings]
    assert all(d["points"] == PENALTY[d["rule"]] == parts["penalty_per_issue"][d["rule"]] for d in deductions)
    assert c["score"] == 100 - 6 - 4 - 12 - 15


def test_contract_each_part_is_capped_and_still_adds_up(auditor):
    slips = "".join(f"{n}. The client shall keep record {n}.\n" for n in range(2, 20))
    text = 'Made between Orrin Ltd ("Supplier") and Quell Ltd (the "Client").\n\n' + slips
    c = contract(text, auditor=auditor).contract.to_dict()
    hygiene = c["breakdown"]["defined_term_hygiene"]
    assert hygiene["lost"] == PART_MAX["defined_term_hygiene"] and "capped" in hygiene
    assert len(hygiene["deductions"]) == 18
    assert c["score"] == 100 - hygiene["lost"] - c["breakdown"]["party_references"]["lost"]


def test_contract_messy_counts_and_mixed(messy):
    assert messy.mixed and messy.counts == {"client": 3, "customer": 1}
    assert messy.dominant == "client"


def test_contract_tidy_contract_is_clean(auditor):
    report = contract(TIDY, "tidy.txt", auditor=auditor)
    assert report.findings == () and not report.mixed
    c = report.contract.to_dict()
    assert c["score"] == 100.0 and c["defined_elsewhere"] is False and c["note"] is None
    assert c["breakdown"]["framing"] == {"part_of_score": False, "note": "no framing model (rules only)"}
    roles = {(m.surface, m.role) for m in report.mentions if m.sense is Sense.PERSON}
    assert roles == {("Client's", "own"), ("Client", "own"), ("customers", "third_party"), ("clients", "third_party"),
                     ("Client", "term"), ("customer", "term")}
    assert report.counts == {"client": 2, "customer": 0}  # the defining quote is meta; "Client Storage Area" a term


@pytest.mark.parametrize("text", [
    "Fees\n\nOur customers pay monthly. A customer may cancel at any time.\n",
    "Notes from the site visit. The crew arrives at eight.\n",
])
def test_contract_with_nothing_to_check_gets_no_score(auditor, text):
    report = contract(text, auditor=auditor)
    c = report.contract.to_dict()
    assert c["defined_term"] is None and c["definition"] is None
    assert c["score"] is None and "nothing to check" in c["note"]
    assert report.counts == {"client": 0, "customer": 0} and not report.mixed


def test_contract_term_defined_but_never_used_gets_no_score(auditor):
    text = ('This agreement is made between Harrow Sign Works Ltd and Penwick Dental LLP ("Client").\n\n'
            "1. Works\n\nHarrow Sign Works will make and fit two shop signs by the end of May.\n")
    c = contract(text, auditor=auditor).contract.to_dict()
    assert c["defined_term"] == "Client" and c["definition"] is not None
    assert c["score"] is None and "never used" in c["note"]


def test_contract_defined_on_a_cover_page(auditor):
    report = contract(COVER_PAGE, auditor=auditor)
    c = report.contract.to_dict()
    assert (c["defined_term"], c["is_party"], c["defined_elsewhere"], c["definition"]) == ("Customer", True, True, None)
    assert "Cover Page" in c["note"] and "could not be checked" in c["note"]
    assert c["breakdown"]["defined_term_hygiene"]["not_checked"] == ["defined-term-before-definition",
                                                                      "defined-term-redefined"]
    # What can be checked still is: the lower-case slip for the party.
    assert [(f.rule, COVER_PAGE[f.start:f.end]) for f in report.findings] == [("defined-term-lowercase", "customer")]
    assert "defined in another document" in report.findings[0].message and report.findings[0].related == ()
    assert c["score"] == 100 - PENALTY["defined-term-lowercase"]


def test_contract_headings_and_the_defining_clause_come_before_the_definition_on_purpose(auditor):
    report = contract(HEADINGS, auditor=auditor)
    assert report.contract.defined_term == "Customer"
    assert [f.rule for f in report.findings] == []


def test_contract_defined_twice_the_same_way_is_no_redefinition(auditor):
    report = contract(TWICE, auditor=auditor)
    assert report.findings == ()
    assert find_defined_term(TWICE).redefinitions == ()


def test_contract_party_in_a_clause_about_software_is_a_person(auditor):
    report = contract(SOFTWARE, auditor=auditor)
    senses = [(m.surface, m.sense, m.role) for m in report.mentions]
    assert senses == [("Client", Sense.META, ""), ("Client", Sense.PERSON, "own"), ("client", Sense.PERSON, "term"),
                      ("client", Sense.NON_PERSON, ""), ("Client", Sense.PERSON, "own")]
    assert report.findings == () and report.counts["client"] == 2


def test_contract_party_is_a_person_whatever_the_model_says(mentions_of):
    doc = load_text(SOFTWARE, "app.txt", Kind.CONTRACT)
    # As a sense model might read a clause about apps: every mention software.
    misread = [replace(m, sense=Sense.NON_PERSON, decided_by="model:test") for m in mentions_of(SOFTWARE)]
    analysis = analyse_contract(doc, misread, FAMILIES, SETTINGS)
    got = [(m.surface, m.sense) for m in analysis.mentions]
    assert got == [("Client", Sense.META), ("Client", Sense.PERSON), ("client", Sense.PERSON),
                   ("client", Sense.NON_PERSON), ("Client", Sense.PERSON)]
    assert analysis.mentions[1].decided_by == "contract:party"


def test_contract_lowercase_slip_survives_a_software_reading(mentions_of):
    text = SOFTWARE + "4. If the client fails to pay, the Developer may stop the build.\n"
    doc = load_text(text, "app.txt", Kind.CONTRACT)
    misread = [replace(m, sense=Sense.NON_PERSON, decided_by="model:test") for m in mentions_of(text)]
    analysis = analyse_contract(doc, misread, FAMILIES, SETTINGS)
    findings = contract_findings(doc, analysis.term, analysis.uses, SETTINGS)
    assert [(f.rule, f.line) for f in findings] == [("defined-term-lowercase", 8)]


def test_contract_framing_is_an_observation_not_a_score(mentions_of):
    doc = load_text(TIDY, "tidy.txt", Kind.CONTRACT)
    analysis = analyse_contract(doc, mentions_of(TIDY), FAMILIES, SETTINGS)
    scores = {"client": 0.02, "customer": 0.95, "neutral": 0.03}
    framing = Framing("customer", scores)
    report = contract_document(doc, analysis, [], framing, SETTINGS, FAMILIES)
    observation = report.contract.breakdown["framing"]
    assert observation["part_of_score"] is False and observation["label"] == "customer"
    assert "not part of the score" in observation["note"] and '"Client"' in observation["note"]
    assert report.contract.score == 100.0 and report.findings == ()


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
                                   load_text(COVER_PAGE, "cover.txt", Kind.CONTRACT),
                                   load_text("Site notes only.\n", "notes.txt", Kind.CONTRACT)])
    data = json.loads(render_json(report))
    jsonschema.validate(data, SCHEMA)
    assert set(data["documents"][0]["contract"]) == {"defined_term", "is_party", "definition", "score", "breakdown",
                                                    "defined_elsewhere", "note"}
    assert data["documents"][2]["contract"]["score"] is None
    deduction = data["documents"][0]["contract"]["breakdown"]["party_references"]["deductions"][0]
    assert {"rule", "points", "line", "page", "start", "end"} <= set(deduction)
    assert data["summary"]["counts"]["client"] == sum(d["counts"]["client"] for d in data["documents"])


def test_contract_findings_use_only_problem_kinds(mentions_of):
    term = find_defined_term(TIDY)
    uses = classify_uses(TIDY, mentions_of(TIDY), term)
    doc = load_text(TIDY, "tidy.txt", Kind.CONTRACT)
    assert contract_findings(doc, term, uses, SETTINGS) == []
    assert {u.kind for u in uses} >= {"party", "third-party", "other-term", "definition"}
    assert term.redefinitions == ()


def test_contract_findings_honour_ignore_comments(tmp_path, auditor):
    text = MESSY.replace("3. The customer shall pay",
                         "<!-- clientlens: ignore-next-line defined-term-synonym -->\n3. The customer shall pay")
    path = tmp_path / "messy.md"
    path.write_text(text, encoding="utf-8")
    report = auditor.contract_paths([str(path)]).documents[0]
    rules = {f.rule for f in report.findings}
    assert "defined-term-synonym" not in rules and "defined-term-lowercase" in rules
