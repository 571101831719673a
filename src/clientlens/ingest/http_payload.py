"""An HTTP response as a web archive stores it -> status, content type, charset and the decoded body.

Archives keep the bytes a server sent: a status line, headers, then a body that may be
chunked and compressed. Each decoding step stops at `limit` bytes of output, so a small
compressed body cannot expand into gigabytes in memory.
"""

from __future__ import annotations

import http.client
import io
import zlib
from dataclasses import dataclass

from clientlens.errors import InputError


@dataclass(frozen=True)
class HttpResponse:
    """The parts of a stored HTTP response that decide whether and how a page is read."""

    status: int
    content_type: str
    charset: str | None
    body: bytes


def parse_response(block: bytes, limit: int, name: str) -> HttpResponse:
    """Return the response in `block` with its body de-chunked and decompressed.

    Raises InputError when the block holds no HTTP response, uses an encoding this reader
    does not know, or decodes to more than `limit` bytes.
    """
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = block.partition(b"\n\n")
    status_line, _, header_lines = head.partition(b"\n")
    parts = status_line.split(None, 2)
    if not sep or len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        raise InputError(f"{name}: no HTTP response in the record (expected a status line such as 'HTTP/1.1 200 OK')")
    headers = http.client.parse_headers(io.BytesIO(header_lines + b"\r\n"))
    if "chunked" in headers.get("Transfer-Encoding", "").lower():
        body = dechunk(body, limit, name)
    for coding in reversed([c.strip().lower() for c in headers.get("Content-Encoding", "").split(",") if c.strip()]):
        body = decompress(body, coding, limit, name)
    content_type = headers.get_content_type() if headers.get("Content-Type") else ""
    return HttpResponse(int(parts[1]), content_type, headers.get_content_charset(), body)


def dechunk(body: bytes, limit: int, name: str) -> bytes:
    """Return a chunked transfer-encoded body joined back together (what is there, if it ends early)."""
    out = bytearray()
    pos = 0
    while pos < len(body):
        end = body.find(b"\r\n", pos)
        if end == -1:
            break
        try:
            size = int(body[pos:end].split(b";", 1)[0].strip() or b"0", 16)
        except ValueError:
            raise InputError(f"{name}: bad chunk size in a chunked HTTP body") from None
        if size == 0:
            break
        out += body[end + 2:end + 2 + size]
        if len(out) > limit:
            raise InputError(too_big(name, limit))
        pos = end + 2 + size + 2
    return bytes(out)


def decompress(body: bytes, coding: str, limit: int, name: str) -> bytes:
    """Return `body` decoded from one Content-Encoding, stopping at `limit` bytes of output."""
    if coding == "identity":
        return body
    if coding in ("gzip", "x-gzip", "deflate"):
        # 47: a gzip or zlib header, found automatically; raw deflate (-15) is what some servers send as "deflate".
        for wbits in (47, -15):
            try:
                decoder = zlib.decompressobj(wbits)
                out = decoder.decompress(body, limit + 1)
                break
            except zlib.error:
                continue
        else:
            raise InputError(f"{name}: the {coding} body cannot be decompressed")
    elif coding == "br":
        try:
            import brotli
        except ImportError:
            raise InputError(f"{name}: a brotli-compressed body needs the brotli package (pip install 'clientlens[scale]')") from None
        try:
            out = brotli.Decompressor().process(body, output_buffer_limit=limit + 1)
        except brotli.error:
            raise InputError(f"{name}: the br body cannot be decompressed") from None
    else:
        raise InputError(f"{name}: Content-Encoding {coding!r} is not supported (expected gzip, deflate or br)")
    if len(out) > limit:
        raise InputError(too_big(name, limit))
    return out


def too_big(name: str, limit: int) -> str:
    """Return the one-line reason for a page over the byte limit."""
    return f"{name}: page is over the {limit / 1e6:g} MB limit per page (max-bytes)"
