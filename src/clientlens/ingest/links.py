"""URLs for the crawler: normalising, page identity, same-site tests, links in HTML and URLs in sitemaps."""

from __future__ import annotations

import ipaddress
import re
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from clientlens.ingest.htmlscan import LinearHTMLParser

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Links to these are files, not pages: skipping them saves a request each.
NOT_PAGES = frozenset(
    ".pdf .doc .docx .xls .xlsx .ppt .pptx .odt .zip .gz .tgz .rar .7z .jpg .jpeg .png .gif .webp .svg "
    ".ico .bmp .tif .tiff .mp3 .mp4 .m4a .mov .avi .webm .wav .ogg .css .js .json .xml .rss .atom .woff "
    ".woff2 .ttf .eot .exe .dmg .apk .iso .csv .txt .ics".split())
MAX_SITEMAP_BYTES = 50_000_000  # the sitemaps.org limit on an uncompressed sitemap
MAX_SITEMAP_URLS = 50_000  # and on the URLs in one sitemap
_SAFE = "/%:@!$&'()*+,;=-._~"
# Query parameters that track a visit and never change the page (Google, Meta, Microsoft, Mailchimp, HubSpot...).
TRACKING_PARAMS = frozenset("fbclid gclid dclid gbraid wbraid msclkid yclid igshid twclid ttclid li_fat_id "
                            "mc_cid mc_eid _ga _gl _hsenc _hsmi mkt_tok".split())
_INDEX_PAGE = re.compile(r"/(?:index|default)\.(?:html?|xhtml|php|aspx?|shtml|jsp)$", re.I)


def is_url(source: str) -> bool:
    """Return True when `source` is an http(s) URL rather than a path."""
    return bool(re.match(r"(?i)https?://[^/\s]", source))


def normalise(url: str, base: str | None = None) -> str | None:
    """Return `url` (resolved against `base`) without fragment and default port, or None if not http(s)."""
    try:
        joined = urljoin(base, url.strip()) if base else url.strip()
        parts = urlsplit(joined)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        host = parts.hostname.lower().encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    # Spaces and non-ASCII letters are percent-encoded (a request line takes neither); %XX stays as it is.
    path = quote(parts.path or "/", safe=_SAFE)
    return urlunsplit((scheme, netloc, path, quote(_without_tracking(parts.query), safe=_SAFE + "?"), ""))


def _without_tracking(query: str) -> str:
    if not query:
        return query
    kept = [p for p in query.split("&") if not _is_tracking(p.split("=", 1)[0].lower())]
    return "&".join(kept)


def _is_tracking(name: str) -> bool:
    return name.startswith("utm_") or name in TRACKING_PARAMS


def page_key(url: str) -> str:
    """Return what names one page of a site, for telling two URLs of the same page apart from two pages.

    http and https, "www." or not, `/` and `/index.html`, a trailing slash or none, and the
    order of query parameters do not make another page. `url` is normalised already.
    """
    parts = urlsplit(url)
    host, port = site_key(url)
    path = _INDEX_PAGE.sub("/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = "&".join(sorted(p for p in parts.query.split("&") if p))
    return f"{host}:{port or ''}{path}" + (f"?{query}" if query else "")


def site_key(url: str) -> tuple[str, int | None]:
    """Return (host without "www.", explicit port) naming the site a URL belongs to.

    http and https, and a host with or without "www.", are one site: sites redirect between them.
    An IP address keeps what is before it: www.127.0.0.1 is a name to look up, not 127.0.0.1.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port not in (None, _DEFAULT_PORTS.get(parts.scheme)) else None
    return host[4:] if host.startswith("www.") and not _is_ip(host[4:]) else host, port


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def origin(url: str) -> str:
    """Return scheme://host[:port] of a URL (where its robots.txt lives)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def looks_like_file(url: str) -> str | None:
    """Return the file suffix when the URL's path names a non-page file (.pdf, .jpg...), else None."""
    path = urlsplit(url).path.lower()
    dot = path.rfind(".")
    if dot == -1 or "/" in path[dot:]:
        return None
    suffix = path[dot:]
    return suffix if suffix in NOT_PAGES else None


class _LinkParser(LinearHTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.canonical: str | None = None
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("a", "area", "base", "link"):
            values = dict(attrs)
            href = values.get("href")
            if not href:
                return
            if tag == "base":
                self.base = self.base or href
            elif tag == "link":
                if "canonical" in (values.get("rel") or "").lower().split():
                    self.canonical = self.canonical or href
            else:
                self.hrefs.append(href)


@dataclass(frozen=True)
class PageLinks:
    """What a page points to: the URLs it links to (normalised, in order, once each) and its canonical URL."""

    links: tuple[str, ...]
    canonical: str | None


def read_links(html: str, page_url: str) -> PageLinks:
    """Return the links of `<a>`/`<area>` elements and the `<link rel=canonical>` URL of a page."""
    parser = _LinkParser()
    try:
        parser.feed_linear(html)
    except (AssertionError, ValueError):  # malformed markup: keep the links read so far
        pass
    base = normalise(parser.base, page_url) if parser.base else page_url
    out: dict[str, None] = {}
    for href in parser.hrefs:
        if href.lstrip().lower().startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
            continue
        url = normalise(href, base or page_url)
        if url:
            out.setdefault(url, None)
    canonical = normalise(parser.canonical, base or page_url) if parser.canonical else None
    return PageLinks(tuple(out), canonical)


def page_links(html: str, page_url: str) -> list[str]:
    """Return the normalised http(s) URLs that `<a>`/`<area>` elements of a page link to, in order, once each."""
    return list(read_links(html, page_url).links)


def parse_sitemap(body: bytes, max_urls: int = MAX_SITEMAP_URLS) -> tuple[list[str], list[str]]:
    """Return (page URLs, child sitemap URLs) listed in a sitemap or sitemap index; ([], []) if unreadable.

    The sitemap (gzipped or not) is unpacked and parsed as a stream that stops after
    `max_urls` URLs or MAX_SITEMAP_BYTES unpacked bytes, so a sitemap of a million URLs
    costs what its first `max_urls` cost. What was read before an XML error is kept.
    """
    parser = ET.XMLPullParser(events=("start", "end"))
    path: list[str] = []
    root: ET.Element | None = None
    locs: list[str] = []
    try:
        for chunk in _unpacked(body, MAX_SITEMAP_BYTES):
            parser.feed(chunk)
            for event, element in parser.read_events():
                if event == "start":
                    root = element if root is None else root
                    path.append(_local(element.tag))
                    continue
                # Only <url><loc> and <sitemap><loc>: extensions such as <image:loc> name files, not pages.
                if path[1:] in (["url", "loc"], ["sitemap", "loc"]) and (element.text or "").strip():
                    locs.append(element.text.strip())
                path.pop()
            if len(locs) >= max_urls:
                break
            if root is not None:
                del root[:]  # the finished entries would stay attached to the root for the whole stream
    except (ET.ParseError, OSError, EOFError, zlib.error):
        pass
    kind = _local(root.tag) if root is not None else ""
    locs = locs[:max_urls]
    return ([], locs) if kind == "sitemapindex" else (locs, []) if kind == "urlset" else ([], [])


def _unpacked(body: bytes, max_bytes: int, chunk: int = 1 << 16) -> Iterator[bytes]:
    """Yield `body` (gunzipped when it is gzip) in pieces, at most `max_bytes` of them in all."""
    if body[:2] != b"\x1f\x8b":
        yield from (body[i:i + chunk] for i in range(0, min(len(body), max_bytes), chunk))
        return
    unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data, total = body, 0
    while data and total < max_bytes:
        piece = unpacker.decompress(data, min(chunk, max_bytes - total))
        total += len(piece)
        data = unpacker.unconsumed_tail
        if unpacker.eof and unpacker.unused_data[:2] == b"\x1f\x8b":  # another gzip member follows
            data, unpacker = unpacker.unused_data, zlib.decompressobj(16 + zlib.MAX_WBITS)
        if piece:
            yield piece
        elif not data or unpacker.eof:
            return


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
