"""PDF and DOCX ingest: text, pages, paragraphs, tables, headers and footers, and bad files.

The fixtures are built here from our own sentences: fpdf2 writes the PDFs, python-docx the DOCX files.
"""

import tracemalloc
import zipfile

import docx
import pytest
from fpdf import FPDF

from clientlens.config import Settings
from clientlens.ingest import load_documents
from clientlens.ingest.pdf import PAGE_PROGRESS
from clientlens.types import Document, InputFailure, Kind

PAGES = [
    'This Agreement is made between Tollgate Signs Ltd ("Maker") and Amberley Cinemas Ltd (the "Client").',
    "1. The Maker shall build four illuminated signs. The customer shall approve each proof.",
    "2. The client shall pay half of the price on delivery.",
]


def write_pdf(path, pages, **encryption):
    """Write one page per string of `pages` (core font, so straight quotes only)."""
    pdf = FPDF()
    if encryption:
        pdf.set_encryption(**encryption)
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def write_docx(path):
    """Write a contract with a title, body paragraphs, a table, a header and a footer."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Draft for the Client to review"
    document.sections[0].footer.paragraphs[0].text = "Tollgate Signs standard terms, edition 3"
    document.add_heading("SIGN MAKING AGREEMENT", 0)
    document.add_paragraph("This Agreement is made between Tollgate Signs Ltd (“Maker”) and "
                           "Amberley Cinemas Ltd (the “Client”).")
    table = document.add_table(rows=2, cols=2)
    for row, (left, right) in enumerate([("Proofs", "The customer shall approve each proof."),
                                         ("Payment", "The client shall pay on delivery.")]):
        table.cell(row, 0).text = left
        table.cell(row, 1).text = right
    document.add_paragraph("The Client may ask for one free change to each sign.")
    document.save(str(path))
    return path


def only(items):
    items = list(items)
    assert len(items) == 1
    return items[0]


def test_pdf_text_has_page_starts(tmp_path):
    doc = only(load_documents([str(write_pdf(tmp_path / "signs.pdf", PAGES))]))
    assert isinstance(doc, Document) and doc.kind is Kind.CONTRACT
    assert len(doc.offsets.page_starts) == 3 and doc.meta["pages"] == "3"
    for page, needle in ((1, "Amberley"), (2, "customer"), (3, "client shall")):
        at = doc.text.index(needle)
        assert doc.offsets.locate(at, at + len(needle)).page == page


def test_pdf_findings_carry_pages(tmp_path, auditor):
    report = auditor.contract_paths([str(write_pdf(tmp_path / "signs.pdf", PAGES))]).documents[0]
    pages = {f.rule: f.page for f in report.findings}
    assert pages == {"defined-term-synonym": 2, "defined-term-lowercase": 3}
    assert report.contract.to_dict()["definition"]["page"] == 1


def test_docx_paragraphs_tables_headers_footers(tmp_path):
    doc = only(load_documents([str(write_docx(tmp_path / "signs.docx"))]))
    lines = doc.text.split("\n")
    assert lines[0] == "SIGN MAKING AGREEMENT"
    assert lines[2:6] == ["Proofs", "The customer shall approve each proof.", "Payment",
                          "The client shall pay on delivery."]
    # Page furniture comes after the body, so a running header cannot precede the definition.
    assert lines[-2:] == ["Draft for the Client to review", "Tollgate Signs standard terms, edition 3"]
    assert doc.scope_at(0) == "title" and doc.scope_at(doc.text.index("Draft")) == "footer"


def test_docx_findings_point_at_paragraph_lines(tmp_path, auditor):
    report = auditor.contract_paths([str(write_docx(tmp_path / "signs.docx"))]).documents[0]
    lines = {f.rule: f.line for f in report.findings}
    assert lines == {"defined-term-synonym": 4, "defined-term-lowercase": 6}


def _torn_pdf(path):
    path.write_bytes(b"%PDF-1.4\nnot much else")
    return path


def _scanned_pdf(path):
    """Write a PDF whose only page is a picture (as a scanner makes), with no text layer."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (200, 100), "white")
    ImageDraw.Draw(picture).rectangle((20, 20, 180, 80), outline="black")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(picture, x=10, y=10, w=100)
    pdf.output(str(path))
    return path


def _broken_docx(path):
    path.write_bytes(b"PK\x03\x04 half of a zip file")
    return path


def _docx_without_document_part(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return path


def _empty_docx(path):
    docx.Document().save(str(path))
    return path


@pytest.mark.parametrize("make, message", [
    (lambda p: write_pdf(p / "locked.pdf", PAGES[:1], owner_password="own", user_password="user"),
     "password-protected"),
    (lambda p: _scanned_pdf(p / "scan.pdf"), "no extractable text"),
    (lambda p: _torn_pdf(p / "torn.pdf"), "not a readable PDF"),
    (lambda p: _broken_docx(p / "torn.docx"), "not a readable .docx"),
    (lambda p: _docx_without_document_part(p / "hollow.docx"), "not a readable .docx"),
    (lambda p: _empty_docx(p / "blank.docx"), "no text"),
])
def test_bad_contract_files_are_failures_not_crashes(tmp_path, make, message):
    failure = only(load_documents([str(make(tmp_path))]))
    assert isinstance(failure, InputFailure) and failure.kind is Kind.CONTRACT
    assert message in failure.reason and "\n" not in failure.reason


def test_bad_file_becomes_unreadable_input_finding(tmp_path, auditor):
    good = write_pdf(tmp_path / "good.pdf", PAGES)
    bad = _broken_docx(tmp_path / "torn.docx")
    report = auditor.contract_paths([str(good), str(bad)])
    broken = report.documents[1]
    assert broken.error and [f.rule for f in broken.findings] == ["unreadable-input"]
    assert report.documents[0].error is None


def test_pdf_locked_for_editing_only_is_read(tmp_path):
    # An owner password alone restricts editing; the text opens with the empty user password.
    doc = only(load_documents([str(write_pdf(tmp_path / "owner.pdf", PAGES[:1], owner_password="own"))]))
    assert isinstance(doc, Document) and "Amberley" in doc.text


def test_pdf_max_bytes_applies(tmp_path):
    path = write_pdf(tmp_path / "signs.pdf", PAGES)
    failure = only(load_documents([str(path)], Settings(max_bytes=100)))
    assert isinstance(failure, InputFailure) and "max-bytes" in failure.reason


def test_pdf_500_pages_reports_progress_in_bounded_memory(tmp_path):
    pages = [f"{n}. The Client shall file the delivery note for load {n} by Friday." for n in range(1, 501)]
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.cell(0, 8, text)
    path = tmp_path / "long.pdf"
    pdf.output(str(path))
    seen = []
    token = PAGE_PROGRESS.set(lambda name, done, total: seen.append((done, total)))
    tracemalloc.start()
    try:
        doc = only(load_documents([str(path)]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        PAGE_PROGRESS.reset(token)
    assert len(doc.offsets.page_starts) == 500
    assert seen[0] == (1, 500) and seen[-1] == (500, 500) and len(seen) == 500
    # Page by page: the peak stays far below what holding every parsed page would take.
    assert peak < 40_000_000
    at = doc.text.index("load 377 ")
    assert doc.offsets.locate(at, at + 4).page == 377
