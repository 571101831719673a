"""Pages read from web archives and tables -> Documents, read the way a crawl reads a page.

A RawPage is one record as the archive or table stores it (its URL and body); turning it
into a Document decodes the body and, for HTML, keeps the page's main text (trafilatura,
as for a crawled page; see ingest/extract.py), so navigation, banners and footers do not
count. Pages of an archive are read one by one: the crawl's rule that drops a paragraph
repeated on three or more pages needs the whole site and is not applied here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from clientlens.errors import InputError
from clientlens.types import Document, InputFailure, Kind

HTML = "html"
TEXT = "text"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True)
class RawPage:
    """One page as stored: `body` is bytes in `charset` (None: detect) or already text.

    `media` is "html" (the main text is extracted) or "text" (audited as it is: WET
    conversion records, `text` columns).
    """

    url: str
    body: bytes | str
    media: str = HTML
    charset: str | None = None


# A reader of a file of pages: (path, name for messages, max bytes per page) -> pages in file order.
PageReader = Callable[[Path, str, int], Iterator["RawPage | InputFailure"]]


def page_document(page: RawPage) -> Document | InputFailure:
    """Return the Document of a stored page (kind page, path its URL), or an InputFailure saying why not."""
    from clientlens.ingest.extract import extract_pages
    from clientlens.ingest.text import load_text

    if not page.body:
        return InputFailure(page.url, f"{page.url}: empty page, nothing to audit", Kind.PAGE)
    try:
        text = page.body if isinstance(page.body, str) else decode_page(page.body, page.charset, page.url)
    except InputError as exc:
        return InputFailure(page.url, str(exc), Kind.PAGE)
    if not text.strip():
        return InputFailure(page.url, f"{page.url}: no text to audit (empty page)", Kind.PAGE)
    if page.media == HTML:
        return extract_pages([(page.url, text)])[0]
    return load_text(text, page.url, Kind.PAGE)


def read_pages(reader: PageReader, path: Path, name: str, max_bytes: int) -> Iterator[RawPage | InputFailure]:
    """Yield what `reader` yields for the file, never raising for a bad one.

    A file the reader cannot open at all becomes one InputFailure named after it (the pages
    read before an error are kept), and so does a file with no page in it.
    """
    found = False
    try:
        for item in reader(path, name, max_bytes):
            found = True
            yield item
    except InputError as exc:
        found = True
        yield InputFailure(name, str(exc), Kind.PAGE)
    if not found:
        yield InputFailure(name, f"{name}: no pages in it (no response, resource or conversion records; no rows)",
                           Kind.PAGE)


def page_documents(pages: Iterable[RawPage | InputFailure]) -> Iterator[Document | InputFailure]:
    """Yield the Document of each RawPage, and each InputFailure as it is."""
    for item in pages:
        yield item if isinstance(item, InputFailure) else page_document(item)


def decode_page(body: bytes, charset: str | None, name: str) -> str:
    """Return `body` as text: the declared charset when it decodes cleanly, else detected (InputError if neither)."""
    from clientlens.ingest.fetch import Response, decode_body

    return decode_body(Response(name, 200, charset=charset, body=body))


def registered_domain(url: str) -> str:
    """Return the site a URL belongs to: its host's registered domain (www.shop.example.co.uk -> example.co.uk).

    Sites are told apart with the Public Suffix List that the `publicsuffixlist` package
    ships (no download at run time), private suffixes included, so two blogs on one hosting
    domain (alice.github.io, bob.github.io) are two sites. An IP address or a host that is a
    suffix itself (localhost, co.uk) is its own site; a URL without a host gives "".
    """
    import ipaddress
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""
    if not host:
        return ""
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass  # not valid IDNA: keep the host as written, so it still groups with itself
    return _suffix_list().privatesuffix(host) or host


_PSL = None


def _suffix_list():
    global _PSL
    if _PSL is None:
        try:
            from publicsuffixlist import PublicSuffixList
        except ImportError:
            raise InputError("grouping pages into sites needs publicsuffixlist: pip install 'clientlens[scale]'") from None
        _PSL = PublicSuffixList()
    return _PSL
