"""WARC and WET files (`.warc`, `.warc.gz`, `.wet`, `.wet.gz`) -> one page per record, in file order.

Page records are `response` records holding an HTTP response, `resource` records and WET
`conversion` records (text already extracted). `request`, `metadata`, `warcinfo` and
`revisit` records are not pages and are passed over. FastWARC frames the records; the HTTP
part is parsed here (ingest/http_payload.py) so that every record's length can be checked:
a record cut short, a compressed file that ends mid-record and a corrupt stream each become
an InputFailure in the record's place, and every page before them is still read.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator

from clientlens.errors import InputError
from clientlens.ingest.http_payload import parse_response, too_big
from clientlens.ingest.pages import HTML, HTML_TYPES, TEXT, RawPage
from clientlens.types import InputFailure, Kind

SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz")
# Room for the status line and headers of a response on top of a body at the byte limit.
HEADER_ROOM = 64 * 1024


class _Guarded:
    """A read-only stream that ends instead of raising when compressed data is cut short or corrupt.

    FastWARC reads ahead in large buffers, so an exception raised in a read would lose the
    complete records in that buffer; ending the stream keeps them, and `problem` says why it ended.
    """

    def __init__(self, raw: BinaryIO, compressed: bool) -> None:
        self.raw = raw
        self.stream = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw
        self.problem: str | None = None
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        if self.problem:
            return b""
        try:
            # read1: what one read of the file gives, so data decoded before a cut is returned, not dropped.
            data = self.stream.read1(size) if size and size > 0 else self.stream.read()
        except EOFError:
            self.problem = "the compressed file ends in the middle of a record (truncated)"
            return b""
        except (OSError, zlib.error) as exc:
            self.problem = f"the compressed data is corrupt ({exc})"
            return b""
        self.position += len(data)
        return data

    def tell(self) -> int:
        return self.position

    def close(self) -> None:
        self.stream.close()
        self.raw.close()


def iter_warc(path: Path, name: str, max_bytes: int) -> Iterator[RawPage | InputFailure]:
    """Yield a RawPage or an InputFailure for each page record of a WARC/WET file, in file order.

    Raises InputError when fastwarc is not installed or the file cannot be opened.
    """
    try:
        stream = _Guarded(path.open("rb"), path.name.lower().endswith(".gz"))
    except OSError as exc:
        raise InputError(f"{name}: cannot open ({exc.strerror or exc})") from None
    count = 0
    # Each record is held back until the next one is read: only then is it known whether a
    # cut in the file fell inside it.
    pending: tuple[RawPage | InputFailure, str] | None = None
    try:
        for count, (url, block) in enumerate(_blocks(stream, name, max_bytes), start=1):
            if pending:
                yield pending[0]
            pending = _item(url, block, max_bytes)
    except _Unreadable as exc:
        if pending:
            yield pending[0]
        yield InputFailure(f"{name}#record{count + 1}",
                           f"{name}: cannot read past record {count} ({stream.problem or exc})", Kind.PAGE)
        return
    finally:
        stream.close()
    if pending and pending[1] == "partial":
        # A last record with no URL or no content is what is left of one the file's end cut through.
        problem = stream.problem or "the file ends in the middle of a record (truncated)"
        pending = InputFailure(pending[0].url, f"{name}: {problem}; record {count} is lost", Kind.PAGE), "cut"
    if pending:
        yield pending[0]
    if stream.problem and (not pending or pending[1] == "whole"):
        # The cut fell between two records or inside a record's first headers: that record is lost.
        yield InputFailure(f"{name}#record{count + 1}",
                           f"{name}: {stream.problem}; the record after record {count} is lost", Kind.PAGE)


def _item(url: str, block: tuple[str, str, bytes] | InputError, max_bytes: int) -> tuple[RawPage | InputFailure, str]:
    """Return a record's page or failure and how much of it was read: "whole", "cut" or "partial"
    (no URL or no content: what a reader makes of a record whose headers were cut)."""
    if isinstance(block, _CutShort):
        return InputFailure(url, str(block), Kind.PAGE), "cut"
    state = "partial" if "://" not in url or (not isinstance(block, Exception) and not block[2]) else "whole"
    try:
        if isinstance(block, Exception):
            raise block
        return _page(url, block, max_bytes), state
    except InputError as exc:
        return InputFailure(url, str(exc), Kind.PAGE), state


class _Unreadable(Exception):
    """The WARC reader failed: nothing after this point of the file can be read."""


def _blocks(stream: _Guarded, name: str, max_bytes: int) -> Iterator[tuple[str, tuple[str, str, bytes] | Exception]]:
    """Yield (url, (WARC-Type, Content-Type, block)) per page record, or (url, InputError) for one too big or cut short.

    Raises _Unreadable when the reader fails (FastWARC's Rust code reports some malformed
    input as a PanicException, which is not an Exception subclass).
    """
    try:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
    except ImportError:
        raise InputError(f"{name}: reading WARC files needs fastwarc: pip install 'clientlens[scale]'") from None
    wanted = WarcRecordType.response | WarcRecordType.resource | WarcRecordType.conversion
    try:
        records = iter(ArchiveIterator(stream, record_types=wanted, parse_http=False, auto_decode="none",
                                       stream_detect=False, fsspec_args=False))
        count = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            count += 1
            url = record.headers.get("WARC-Target-URI") or f"{name}#record{count}"
            yield url, _block(record, url, max_bytes)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - see the docstring
        if isinstance(exc, InputError):
            raise
        raise _Unreadable(" ".join(str(exc).split())[:200] or type(exc).__name__) from None


class _CutShort(InputError):
    """A record whose block ends before its Content-Length: the archive is truncated there."""


def _block(record, url: str, max_bytes: int) -> tuple[str, str, bytes] | InputError:
    length = record.content_length
    if length > max_bytes + HEADER_ROOM:
        return InputError(too_big(url, max_bytes))
    block = record.reader.read(length)
    if len(block) < length:
        return _CutShort(f"{url}: record cut short ({len(block):,} of {length:,} bytes; the archive is truncated)")
    kind = (record.headers.get("WARC-Type") or "").lower()
    return kind, (record.headers.get("Content-Type") or "").split(";")[0].strip().lower(), block


def _page(url: str, record: tuple[str, str, bytes], max_bytes: int) -> RawPage:
    kind, declared, block = record
    if kind == "conversion":
        return _checked(RawPage(url, block, TEXT, "utf-8"), max_bytes)
    if kind == "resource" or not declared.startswith("application/http"):
        return _typed(url, block, declared, None, max_bytes)
    response = parse_response(block, max_bytes, url)
    if not 200 <= response.status < 300:
        raise InputError(f"{url}: HTTP {response.status}, not a page")
    return _typed(url, response.body, response.content_type, response.charset, max_bytes)


def _typed(url: str, body: bytes, content_type: str, charset: str | None, max_bytes: int) -> RawPage:
    # A missing content type is what servers mean as HTML (the crawler reads it so too).
    if content_type and content_type not in HTML_TYPES:
        raise InputError(f"{url}: not HTML (Content-Type {content_type})")
    return _checked(RawPage(url, body, HTML, charset), max_bytes)


def _checked(page: RawPage, max_bytes: int) -> RawPage:
    if len(page.body) > max_bytes:
        raise InputError(too_big(page.url, max_bytes))
    return page

