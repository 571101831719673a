"""The `contract` command end to end: text and JSON output, and the exit code contract of `audit`."""

import json

import pytest
from typer.testing import CliRunner

from clientlens.cli import app

runner = CliRunner()

CONTRACT = """WINDOW CLEANING AGREEMENT

This Agreement is made between Glasswing Cleaning Ltd ("Cleaner") and Ostler House Ltd (the "Client").

1. The Cleaner shall clean all outside windows once a month.
2. The customer shall give the Cleaner access to the roof.
3. The Client shall pay each invoice within 14 days.
"""

NO_DEFINITION = "Cleaning notes\n\nThe crew arrives at eight and leaves the courtyard tidy.\n"


@pytest.mark.parametrize("fail_on, code", [("warning", 1), ("error", 1), ("never", 0)])
def test_cli_contract_text_json_and_exit_codes(tmp_path, fail_on, code):
    contract = tmp_path / "windows.md"
    contract.write_text(CONTRACT, encoding="utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text(NO_DEFINITION, encoding="utf-8")
    text = runner.invoke(app, ["contract", str(contract), str(notes), "--no-model", "--fail-on", fail_on])
    assert text.exit_code == code, text.output
    assert "defined-term-synonym" in text.output and "-> Client" in text.output
    assert 'defines "Client" (a party) at line 3' in text.output
    assert "notes.txt: no definition of the party term found" in text.output

    out = tmp_path / "report.json"
    result = runner.invoke(app, ["contract", str(contract), str(notes), "--no-model", "-f", "json", "-o", str(out),
                                 "--fail-on", fail_on])
    assert result.exit_code == code
    documents = json.loads(out.read_text())["documents"]
    assert [d["kind"] for d in documents] == ["contract", "contract"]
    assert documents[0]["contract"]["defined_term"] == "Client"
    assert documents[1]["contract"]["defined_term"] is None


def test_cli_contract_unreadable_only_input_exits_2(tmp_path):
    broken = tmp_path / "torn.docx"
    broken.write_bytes(b"PK\x03\x04 not a real package")
    result = runner.invoke(app, ["contract", str(broken), "--no-model"])
    assert result.exit_code == 2
    assert "unreadable-input" in result.output and "Traceback" not in result.output


def test_cli_contract_deductions_point_to_their_clauses_in_text_and_html(tmp_path):
    contract = tmp_path / "windows.md"
    contract.write_text(CONTRACT, encoding="utf-8")
    text = runner.invoke(app, ["contract", str(contract), "--no-model", "--fail-on", "never", "--no-color"])
    # The synonym on line 6 costs the party-references part 12 points, and says where it is.
    assert "score 88/100 (defined term hygiene -0 of 50, party references -12 of 50)" in text.output
    assert "-12  defined-term-synonym  line 6" in text.output

    page = tmp_path / "report.html"
    runner.invoke(app, ["contract", str(contract), "--no-model", "-f", "html", "-o", str(page), "--fail-on", "never"])
    html = page.read_text(encoding="utf-8")
    deductions = html.split('<ol class="deductions">', 1)[1].split("</ol>", 1)[0]
    anchor = deductions.split('href="#', 1)[1].split('"', 1)[0]
    assert "line 6" in deductions and f'id="{anchor}"' in html and "defined-term-synonym" in deductions
