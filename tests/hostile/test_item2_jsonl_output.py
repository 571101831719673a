"""Item 2: bad JSONL records cost only themselves; odd text never breaks an output format.

Before: an id of 5,000 digits (ValueError), a line nested 100,000 deep (RecursionError) or a
lone surrogate in a record (UnicodeEncodeError in every writer) ended the audit with an
internal error, and a file name that is not UTF-8 broke the json, sarif, html, markdown and
github output.
"""

import json
import os
import sys

import pytest

from clientlens.cli import app
from clientlens.ingest.jsonl import load_jsonl
from clientlens.report import escape_surrogates
from clientlens.types import Document, InputFailure
from tests.hostile.helpers import audit, good_and_errors, hi, runner

FORMATS = ["json", "text", "sarif", "html", "markdown", "github"]


@pytest.mark.parametrize("line, reason", [
    (hi.jsonl_long_id(), "more than 4,300 digits"),
    (hi.jsonl_deep(), "nested too deeply"),
    (hi.jsonl_surrogate(), "lone surrogate"),
    ('{"id": "' + "x" * 300 + '", "text": "Our clients."}\n', "characters long"),
    ('{"id": "ok", "text": 5}\n', 'string "text"'),
    ("{not json\n", "not valid JSON"),
], ids=["long-id", "deep", "surrogate", "long-string-id", "no-text", "not-json"])
def test_jsonl_bad_record_is_its_own_failure(line, reason):
    source = hi.jsonl_record(hi.GOOD, "before") + line + hi.jsonl_record(hi.GOOD, "after")
    items = list(load_jsonl(source, "r.jsonl"))
    assert [type(i) for i in items] == [Document, InputFailure, Document]
    assert items[1].path == "r.jsonl#line2" and items[1].reason.startswith("r.jsonl:2: ")
    assert reason in items[1].reason and "\n" not in items[1].reason


@pytest.mark.parametrize("line", [hi.jsonl_long_id(), hi.jsonl_deep(), hi.jsonl_surrogate()],
                         ids=["long-id", "deep", "surrogate"])
def test_cli_jsonl_keeps_the_good_records(tmp_path, line):
    path = tmp_path / "records.jsonl"
    path.write_text(hi.jsonl_record(hi.GOOD, "good") + line, encoding="utf-8")
    code, report, stderr = audit(str(path))
    good, errors = good_and_errors(report)
    assert code == 1 and good == ["records.jsonl#good"]
    assert list(errors) == ["records.jsonl#line2"] and errors["records.jsonl#line2"].startswith(str(path))


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_escapes_a_lone_surrogate_and_a_file_name_that_is_not_utf8(tmp_path, fmt):
    folder = tmp_path / "site"
    folder.mkdir()
    bad_name = os.fsdecode(b"caf\xe9.txt")  # the byte 0xE9 alone is not UTF-8
    (folder / bad_name).write_text("A customer paid. Our clients stay. Clients return.", encoding="utf-8")
    (folder / "good.txt").write_text(hi.GOOD, encoding="utf-8")
    out = tmp_path / f"report.{fmt}"
    result = runner.invoke(app, ["audit", str(folder), "--no-model", "-f", fmt, "-o", str(out)])
    assert result.exit_code == 1, result.output
    written = out.read_bytes().decode("utf-8")  # strict: every byte is UTF-8
    assert "caf" in written
    if fmt == "json":
        data = json.loads(written)
        assert "caf\udce9.txt" in json.dumps(data, ensure_ascii=False)  # the name comes back as it was
    elif fmt == "sarif":
        assert "caf%E9.txt" in json.dumps(json.loads(written))  # a URI: the byte, percent-encoded
    else:
        assert "caf\\xe9" in written  # shown as Python shows the byte


@pytest.mark.parametrize("text, as_json, expected", [
    ("caf\udce9", False, "caf\\xe9"),
    ("caf\udce9", True, "caf\\udce9"),
    ("a \ud800 b", False, "a \\ud800 b"),
    ("plain é", False, "plain é"),
])
def test_escape_surrogates(text, as_json, expected):
    assert escape_surrogates(text, json=as_json) == expected


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names are bytes")
def test_audit_text_with_surrogates_renders_in_every_format(auditor):
    from clientlens.report import render
    from clientlens.types import SiteReport

    doc = auditor.audit_text("Our clients \ud800 stay. A customer \udce9 paid.", path="odd\udcff.txt")
    site = SiteReport((doc,), doc.counts, doc.dominant, doc.consistency, None, (doc.path,), "0")
    for fmt in FORMATS:
        render(site, fmt).encode("utf-8")
