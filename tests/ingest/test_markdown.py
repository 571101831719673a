import pytest

from clientlens.ingest.markdown import load_markdown


@pytest.mark.parametrize("source, kept, dropped", [
    ("---\ntitle: client page\n---\nOur clients.\n", ["clients"], ["client page"]),
    ("Text\n\n```\ncustomer_id,name\n```\nOur clients.\n", ["clients"], ["customer_id"]),
    ("Run `grep customer` for our clients.", ["clients"], ["grep customer"]),
    ("See [the client portal](https://x.example/customer/login).", ["client portal"], ["customer/login"]),
    ("<!-- customer note -->\nOur clients.", ["clients"], ["customer note"]),
    ("Visit https://example.com/customers today.", ["Visit"], ["example.com/customers"]),
])
def test_markdown_skips_code_front_matter_and_links(source, kept, dropped):
    doc = load_markdown(source, "x.md")
    assert len(doc.text) == len(source)
    for word in kept:
        assert word in doc.text
    for word in dropped:
        assert word not in doc.text


def test_markdown_offsets_are_exact(auditor):
    source = "---\ntitle: x\n---\n# Client stories\n\nOur customers’ homes and `client` code.\n"
    doc = load_markdown(source, "x.md")
    report = auditor.audit_all([doc]).documents[0]
    assert [m.surface for m in report.mentions] == ["Client", "customers’"]
    for m in report.mentions:
        assert source[m.start:m.end] == m.surface
        line = source.splitlines()[m.line - 1]
        assert line[m.column - 1:m.column - 1 + len(m.surface)] == m.surface
