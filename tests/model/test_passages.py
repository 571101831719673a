"""Which passages of a document the framing model judges: only those that can carry evidence."""

import pytest

from clientlens.ingest.markdown import load_markdown
from clientlens.model.passages import carries_evidence, passages_for


@pytest.mark.parametrize("text, evidence", [
    ("Every plan includes email support, and you can cancel any time from your account page.", True),
    ("Our advisers meet your family every spring to review the portfolio together.", True),
    ("## Why connection settings matter", False),                     # a heading
    ("Pricing plans for teams", False),                                # a fragment
    ("| Plan | Seats | Price | |---|---|---| | Team | 10 | $29 |", False),  # a table
    ("config = {'timeout': 10, 'retries': [1, 2, 4]} # <- set these first", False),  # code
])
def test_carries_evidence(text, evidence):
    assert carries_evidence(text) is evidence


def test_passages_skip_headings_and_code_but_keep_prose():
    source = ("# Plans and prices\n\nEvery plan includes email support, and you can cancel any time from "
              "your account page.\n\n```\nclient = Client(timeout=10, retries=3, region='eu-west')\n```\n\n"
              "## Our customers\n\nTeams of every size buy the Business plan for its audit log and single sign-on.\n")
    doc = load_markdown(source, "page.md")
    texts = [p.text for p in passages_for(doc, [])]
    assert texts == ["Every plan includes email support, and you can cancel any time from your account page.",
                     "Teams of every size buy the Business plan for its audit log and single sign-on."]
