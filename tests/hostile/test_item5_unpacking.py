"""Item 5: bounded unpacking of DOCX (and gzip) and bounded PDF work.

Before: max-bytes checked only a DOCX's compressed size, so a 1 MB zip bomb peaked at 2-3 GB,
and a PDF listing one page 99,000 times ran for over a minute.
"""

import io
import struct
import zipfile

import pytest

from clientlens.errors import InputError
from clientlens.ingest.docx import check_unpacked_size
from clientlens.ingest.links import _unpacked
from tests.hostile.helpers import audit, good_and_errors, hi


def _folder(tmp_path, name, data, config=""):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text(hi.GOOD)
    (tmp_path / ".clientlens.toml").write_text(config)
    return str(tmp_path)


def test_a_docx_that_unpacks_past_the_limit_is_refused_before_unpacking(tmp_path):
    bomb = hi.docx_bytes(padding=3_000_000)  # 3 MB of XML in a few kilobytes
    assert len(bomb) < 100_000
    code, report, stderr = audit(_folder(tmp_path, "bomb.docx", bomb, "max-unpacked-bytes = 1000000\n"))
    good, errors = good_and_errors(report)
    assert code == 1 and good == ["good.txt"]
    assert errors["bomb.docx"].startswith(str(tmp_path / "bomb.docx") + ": unpacks to 3.0 MB, over the 1 MB limit "
                                          "(max-unpacked-bytes)")


def test_a_docx_under_the_limit_is_read(tmp_path):
    code, report, stderr = audit(_folder(tmp_path, "ok.docx", hi.docx_bytes(paragraphs=3, padding=10_000)))
    good, errors = good_and_errors(report)
    assert sorted(good) == ["good.txt", "ok.docx"] and not errors


def test_a_zip_part_that_lies_about_its_size_never_unpacks_past_it():
    # The check trusts the declared sizes because zipfile never returns more than them.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * 2_000_000)
    data = bytearray(buffer.getvalue())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = struct.pack("<I", 1_000)  # declared: 1,000 bytes
    check_unpacked_size(bytes(data), "liar.docx", 10_000)  # passes on the declared size
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive, archive.open("word/document.xml") as part:
        read = b""
        with pytest.raises(zipfile.BadZipFile):
            while chunk := part.read(4096):
                read += chunk
    assert len(read) <= 1_000


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", b""], ids=["broken", "empty"])
def test_a_broken_docx_is_one_error(data):
    with pytest.raises(InputError, match="not a readable .docx file"):
        check_unpacked_size(data, "x.docx", 1_000_000)


def test_gzip_unpacking_stops_at_its_limit():
    import gzip

    packed = gzip.compress(b" " * 5_000_000)
    assert sum(len(piece) for piece in _unpacked(packed, 1_000_000)) == 1_000_000
    assert b"".join(_unpacked(gzip.compress(b"abc") + gzip.compress(b"def"), 100)) == b"abcdef"


def test_a_pdf_with_too_many_pages_is_refused_before_reading_them(tmp_path):
    folder = _folder(tmp_path, "refs.pdf", hi.pdf_many_page_refs(3_000), "max-pdf-pages = 2000\n")
    code, report, stderr = audit(folder)
    good, errors = good_and_errors(report)
    assert code == 1 and good == ["good.txt"]
    assert errors["refs.pdf"] == f"{tmp_path / 'refs.pdf'}: the PDF has 3,000 pages, over the 2,000-page limit (max-pdf-pages)"


def test_a_pdf_that_takes_too_long_is_refused(tmp_path):
    folder = _folder(tmp_path, "refs.pdf", hi.pdf_many_page_refs(400), "max-pdf-seconds = 0.001\n")
    code, report, stderr = audit(folder)
    good, errors = good_and_errors(report)
    assert good == ["good.txt"]
    assert "extracting the text took over 0.001 s by page" in errors["refs.pdf"]
    assert errors["refs.pdf"].endswith("(max-pdf-seconds)")


def test_a_pdf_under_the_limits_is_read(tmp_path):
    code, report, stderr = audit(_folder(tmp_path, "refs.pdf", hi.pdf_many_page_refs(5)))
    good, errors = good_and_errors(report)
    assert sorted(good) == ["good.txt", "refs.pdf"]
