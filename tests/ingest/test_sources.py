"""Every bad input becomes a per-document error; the other documents are still audited."""

import json
import os

import pytest

from clientlens.config import Settings
from clientlens.ingest import load_documents
from clientlens.ingest.decode import decode_bytes
from clientlens.errors import InputError
from clientlens.types import Document, InputFailure


def load(paths, **kw):
    return list(load_documents([str(p) for p in paths], Settings(use_model=False, **kw)))


@pytest.mark.parametrize("data, expected", [
    ("Our clients".encode("utf-8"), "Our clients"),
    ("\ufeffOur clients".encode("utf-8"), "Our clients"),
    ("Our clients".encode("utf-16"), "Our clients"),
    ("Café clients".encode("cp1252"), "Café clients"),
])
def test_decode_detects_encodings(data, expected):
    assert decode_bytes(data, "f") == expected


@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b"\x00\x01\x02binary\x00", "binary"),
])
def test_decode_rejects_bad_bytes(data, message):
    with pytest.raises(InputError, match=message):
        decode_bytes(data, "f")


def test_sources_bad_inputs_do_not_stop_the_others(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Our clients are happy.")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text("   \n\n ")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\x00\x00\x00")
    (tmp_path / "big.txt").write_text("client " * 300)
    loop = tmp_path / "loop"
    loop.mkdir()
    os.symlink(loop, loop / "again")
    items = load([tmp_path, tmp_path / "missing.md"], max_bytes=1000)
    failures = {os.path.basename(i.path): i.reason for i in items if isinstance(i, InputFailure)}
    docs = [i for i in items if isinstance(i, Document)]
    assert [os.path.basename(d.path) for d in docs] == ["good.txt"]
    assert "empty file" in failures["empty.txt"]
    assert "no text" in failures["blank.md"]
    assert "binary" in failures["binary.txt"]
    assert "over the" in failures["big.txt"]
    assert "no such file" in failures["missing.md"]
    assert all("\n" not in r for r in failures.values())


def test_sources_folder_without_text(tmp_path):
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    [failure] = load([tmp_path])
    assert isinstance(failure, InputFailure) and "no files to audit" in failure.reason


def test_sources_include_exclude_globs(tmp_path):
    (tmp_path / "a.md").write_text("Our clients.")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "b.md").write_text("Our customers.")
    docs = load([tmp_path], exclude=("drafts/*",))
    assert [os.path.basename(d.path) for d in docs] == ["a.md"]


def test_sources_jsonl_records_are_documents(tmp_path):
    f = tmp_path / "r.jsonl"
    f.write_text(json.dumps({"id": "a", "text": "Our clients.", "extra": 1}) + "\n"
                 + "not json\n" + json.dumps({"id": 7, "text": "Dear customer"}) + "\n")
    items = load([f])
    assert [i.path.split("/")[-1] for i in items] == ["r.jsonl#a", "r.jsonl#line2", "r.jsonl#7"]
    assert isinstance(items[1], InputFailure) and "not valid JSON" in items[1].reason


def test_sources_jsonl_offsets_are_into_the_record_text(tmp_path, auditor):
    f = tmp_path / "r.jsonl"
    text = "Dear “customer”, our clients’ files are safe."
    f.write_text(json.dumps({"id": "a", "text": text}) + "\n")
    report = auditor.audit_paths([str(f)])
    for m in report.documents[0].mentions:
        assert text[m.start:m.end] == m.surface


@pytest.mark.parametrize("name, source, fmt, dropped", [
    ("page.markdown", "---\ntitle: Our clients\n---\n`client_id` for every customer", "markdown", "client_id"),
    ("page.mdx", 'import Hero from "./client-hero"\n\nOur clients and every customer', "mdx", "client-hero"),
    ("page.text", "Our clients and every customer", None, None),
    ("page.xhtml", '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
                   '<p class="client">Our clients and every customer</p></body></html>', "html", 'class="client"'),
])
def test_sources_every_documented_suffix_has_its_loader(tmp_path, name, source, fmt, dropped):
    (tmp_path / name).write_text(source, encoding="utf-8")
    (doc,) = load([tmp_path / name])
    assert doc.meta.get("format") == fmt
    assert "clients" in doc.text and "customer" in doc.text
    assert dropped is None or dropped not in doc.text
