"""Properties that hold for any input (hypothesis, rules only so that they stay fast).

- For any text, `audit_text` returns, and every mention's offsets slice the text to its surface.
- For any bytes in a file of any supported suffix, `audit_paths` returns a report with one
  document per file (or per JSONL record), read or not.
- Every writer renders those reports into text that encodes as UTF-8.
"""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientlens.report import render

FRAGMENTS = ["client", "clients", "Customer's", "customers'", "client-side", "end-customer", "the word customer",
             '("Client")', ". ", "\n\n", "\n", " ", "<!--", "-->", "<a ", ">", "`", "```", "&amp;", "\ud800", "\udce9",
             "\x00", "\u2028", "é", "’", "# ", "- ", "1. ", '"', "'"]
TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=40).map("".join)
SUFFIXES = [".txt", ".md", ".html", ".jsonl", ".pdf", ".docx"]
CHECKS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


@CHECKS
@given(TEXT)
def test_audit_text_returns_and_offsets_slice_to_the_surface(auditor, text):
    report = auditor.audit_text(text)
    assert report.text == text
    for m in report.mentions:
        assert text[m.start:m.end] == m.surface
        assert (m.source_start, m.source_end) == (m.start, m.end)  # plain text: the source is the text


@CHECKS
@given(st.sampled_from(SUFFIXES), st.one_of(st.binary(max_size=600), TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_audit_paths_returns_a_report_for_any_bytes(auditor, suffix, data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        report = auditor.audit_paths([str(path)])
        assert report.documents
        for doc in report.documents:
            assert doc.error is None or (doc.error and "\n" not in doc.error)
        for fmt in ("json", "sarif", "text", "markdown", "github"):
            render(report, fmt).encode("utf-8")
