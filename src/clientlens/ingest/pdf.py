""".pdf -> Document(kind=contract): the text of each page (pypdf), page starts in the OffsetMap.

Pages are read one at a time and only their text is kept, so a long contract costs its text,
not its page objects. A caller that wants to show progress sets PAGE_PROGRESS for the
duration of the load (the CLI does).
"""

from __future__ import annotations

import io
import time
from contextvars import ContextVar
from pathlib import Path
from typing import Callable, Iterator

from clientlens.config import Settings
from clientlens.errors import InputError
from clientlens.ingest.read import read_capped
from clientlens.types import Block, Document, Kind, OffsetMap

PageProgress = Callable[[str, int, int], None]
# (name, pages done, pages in all), called after each page; None: nobody is watching.
PAGE_PROGRESS: ContextVar[PageProgress | None] = ContextVar("clientlens_page_progress", default=None)
# Pages are joined by one line break: a blank line would end the sentence windows of the rules
# at every page edge, and contract sentences often run on across pages.
PAGE_JOIN = "\n"


def load_pdf(path: Path, name: str, settings: Settings) -> Iterator[Document]:
    """Yield the one Document of a PDF; raise InputError when it has no text we can extract.

    At most `max-bytes` of the file are read and of text extracted, from at most
    `max-pdf-pages` pages within `max-pdf-seconds`.
    """
    data = read_capped(path, name, settings.max_bytes, settings.read_timeout)
    pages, skipped = _read_pages(io.BytesIO(data), name, settings)
    yield pdf_document(pages, name, skipped)


def pdf_document(pages: list[str], name: str, skipped: int = 0) -> Document:
    """Return the Document whose text is `pages` joined, one block (scope "clause") per page."""
    starts, blocks, parts, offset = [], [], [], 0
    for text in pages:
        starts.append(offset)
        blocks.append(Block(offset, offset + len(text), "clause"))
        parts.append(text)
        offset += len(text) + len(PAGE_JOIN)
    text = PAGE_JOIN.join(parts)
    meta = {"pages": str(len(pages)), "pages_unreadable": str(skipped)}
    return Document(path=name, kind=Kind.CONTRACT, text=text,
                    offsets=OffsetMap.for_source(text, page_starts=tuple(starts)), blocks=tuple(blocks), meta=meta)


def _read_pages(handle, name: str, settings: Settings) -> tuple[list[str], int]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(handle)
        _unlock(reader, name)
        total = len(reader.pages)
    except InputError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        raise InputError(f"{name}: not a readable PDF ({type(exc).__name__}: {_short(exc)}); "
                         "re-export it from the program that made it") from None
    if total == 0:
        raise InputError(f"{name}: the PDF has no pages, nothing to audit")
    if total > settings.max_pdf_pages:
        raise InputError(f"{name}: the PDF has {total:,} pages, over the {settings.max_pdf_pages:,}-page limit "
                         "(max-pdf-pages)")
    pages: list[str] = []
    skipped, chars = 0, 0
    report = PAGE_PROGRESS.get()
    deadline = time.monotonic() + settings.max_pdf_seconds
    for index in range(total):
        text, ok = _page_text(reader, index)
        skipped += not ok
        pages.append(text)
        chars += len(text)
        if chars > settings.max_bytes:
            raise InputError(f"{name}: over {settings.max_bytes / 1e6:g} million characters of text by page "
                             f"{index + 1} (max-bytes)")
        if time.monotonic() > deadline:
            raise InputError(f"{name}: extracting the text took over {settings.max_pdf_seconds:g} s by page "
                             f"{index + 1} of {total} (max-pdf-seconds)")
        if report:
            report(name, index + 1, total)
    if not any(p.strip() for p in pages):
        raise InputError(f"{name}: no extractable text in {total} page(s): an image-only (scanned) PDF? "
                         "Run OCR on it first (for example ocrmypdf) and audit the result")
    return pages, skipped


def _unlock(reader, name: str) -> None:
    if not reader.is_encrypted:
        return
    try:
        # Many PDFs are encrypted only against editing: the empty user password opens them.
        unlocked = reader.decrypt("")
    except Exception as exc:  # noqa: BLE001 - pypdf raises several types for unsupported ciphers
        raise InputError(f"{name}: encrypted PDF that cannot be opened ({_short(exc)}); no extractable text") from None
    if not unlocked:
        raise InputError(f"{name}: encrypted (password-protected) PDF: no extractable text without the password; "
                         "save an unprotected copy and audit that")


def _page_text(reader, index: int) -> tuple[str, bool]:
    try:
        page = reader.pages[index]
        text = page.extract_text() or ""
    except Exception:  # noqa: BLE001 - one broken page must not lose the rest of the contract
        return "", False
    # Form feeds and NULs from some producers would confuse line numbers and the rules.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\x00", ""), True


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
