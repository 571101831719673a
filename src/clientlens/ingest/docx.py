""".docx -> Document(kind=contract): body paragraphs and tables in order, then headers and footers.

Every paragraph (a body paragraph or a paragraph inside a table cell) becomes one line of
the text, so a finding's line number is the paragraph number of the extraction. Headers and
footers go after the body, as "footer" blocks: they repeat on every page, and a running
header that names the party must not count as a use before its definition.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import BinaryIO, Iterator

from clientlens.config import Settings
from clientlens.errors import InputError
from clientlens.ingest.read import limit_text, read_capped
from clientlens.types import Block, Document, Kind, OffsetMap


def load_docx(path: Path, name: str, settings: Settings) -> Iterator[Document]:
    """Yield the one Document of a .docx file; raise InputError for a corrupt or empty one.

    At most `max-bytes` of the file are read, and it may unpack to `max-unpacked-bytes` at most.
    """
    data = read_capped(path, name, settings.max_bytes, settings.read_timeout)
    check_unpacked_size(data, name, settings.max_unpacked_bytes)
    document = _open(io.BytesIO(data), name)
    body = list(_body_paragraphs(document))
    furniture = list(_furniture_paragraphs(document))
    if not any(t.strip() for t, _ in body + furniture):
        raise InputError(f"{name}: the document has no text (no paragraphs, tables, headers or footers with words)")
    yield docx_document(body + furniture, name)


def docx_document(paragraphs: list[tuple[str, str]], name: str) -> Document:
    """Return the Document of (text, scope) paragraphs, one line and one block per paragraph."""
    parts, blocks, offset = [], [], 0
    for text, scope in paragraphs:
        # A paragraph is one line: soft line breaks and tabs inside it become spaces.
        line = text.replace("\r", " ").replace("\n", " ").replace("\x0b", " ")
        parts.append(line)
        blocks.append(Block(offset, offset + len(line), scope))
        offset += len(line) + 1
    text = "\n".join(parts)
    return Document(path=name, kind=Kind.CONTRACT, text=text, offsets=OffsetMap.for_source(text),
                    blocks=tuple(blocks), meta={"paragraphs": str(len(parts))})


def check_unpacked_size(data: bytes, name: str, max_unpacked: int) -> None:
    """Return None when the zip package `data` unpacks to at most `max_unpacked` bytes; raise InputError if not.

    The sizes are the ones the zip's central directory declares; zipfile (which python-docx
    reads the parts with) never returns more than a part's declared size, so a part that
    lies about its size cannot unpack past them either.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise InputError(f"{name}: not a readable .docx file (not a Word .docx package); open and save it again "
                         "in Word, or export it as PDF") from None
    if total > max_unpacked:
        raise InputError(f"{name}: unpacks to {total / 1e6:,.1f} MB, over the {limit_text(max_unpacked)} limit "
                         "(max-unpacked-bytes); a zip bomb, or a document with very large parts")


def _open(source: BinaryIO, name: str):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(source)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, AttributeError, TypeError) as exc:
        reason = "not a Word .docx package" if isinstance(exc, (PackageNotFoundError, zipfile.BadZipFile)) else _short(exc)
        raise InputError(f"{name}: not a readable .docx file ({reason}); open and save it again in Word, "
                         "or export it as PDF") from None
    except Exception as exc:  # noqa: BLE001 - lxml raises its own errors for broken XML parts
        raise InputError(f"{name}: not a readable .docx file ({type(exc).__name__}: {_short(exc)})") from None


def _body_paragraphs(document) -> Iterator[tuple[str, str]]:
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            yield paragraph.text, _scope_of(paragraph)
        elif child.tag == qn("w:tbl"):
            yield from _table_paragraphs(Table(child, document))


def _table_paragraphs(table, scope: str = "body") -> Iterator[tuple[str, str]]:
    seen: set = set()
    for row in table.rows:
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans: read it once. The set holds the
            # XML elements themselves, not their id(): lxml proxies are short-lived and ids get reused.
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            for paragraph in cell.paragraphs:
                yield paragraph.text, scope
            for inner in cell.tables:
                yield from _table_paragraphs(inner, scope)


def _furniture_paragraphs(document) -> Iterator[tuple[str, str]]:
    seen: set = set()
    for section in document.sections:
        for part in (section.header, section.footer):
            # Linked headers repeat the previous section's part: read each part once.
            if part.is_linked_to_previous or part._element in seen:
                continue
            seen.add(part._element)
            for paragraph in part.paragraphs:
                yield paragraph.text, "footer"
            for table in part.tables:
                yield from _table_paragraphs(table, "footer")


def _scope_of(paragraph) -> str:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style == "Title":
        return "title"
    return "heading" if style.startswith("Heading") else "clause"


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
