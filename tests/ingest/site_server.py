"""A small made-up website served on 127.0.0.1 for the crawler tests.

Thistle & Vane is an invented garden design studio. Its site has everything a crawler must
cope with: a robots.txt that shuts off /private/, a sitemap index that points at a sitemap,
a redirect inside the site and one off it, a missing page, a broken page, a PDF, a page too
big to read, a page too slow to answer, a link to another host, and a cookie banner, a nav,
a footer and a call to action repeated on every page. A second server stands in for the
other host and records any request that reaches it (there must be none).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

HUGE_BYTES = 6_000_000  # over the crawler's default cap of 5 MB per response
SLOW_SECONDS = 3.0  # the slow page answers after this long, unless the server is stopping

LAYOUT = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title} | Thistle &amp; Vane</title></head>
<body>
<div id="cookie-banner" class="cookie-consent">We keep one small cookie so returning customers
do not see this notice twice. <button>Accept</button> <button>Decline</button></div>
<header class="site-header"><a href="/">Thistle &amp; Vane</a>
<nav><a href="/">Home</a> <a href="/services">Services for clients</a> <a href="/team">Team</a>
<a href="/contact">Contact</a></nav></header>
<main><article>
{body}
<p>Every new client starts with a free walk round their garden and a sketch to keep.</p>
</article></main>
<footer><p>Thistle &amp; Vane Garden Studio, 4 Orchard Row. Customers of the old nursery, welcome.</p>
<p>All rights reserved.</p></footer>
</body>
</html>
"""

PAGES = {
    "/": ("Home", """<h1>Gardens planned around the people who live in them</h1>
<p>Thistle &amp; Vane has planned courtyards, allotments and small orchards across the valley
since 2009. We stay with our clients from the first sketch to the first harvest.</p>
<p>Read about <a href="/services">what we do</a>, meet <a href="/team#founders">the founders</a>,
or <a href="/contact">write to us</a>. Members can open <a href="/private/notes">planting notes</a>,
and anyone may download <a href="/files/planting-guide.pdf">the planting guide</a>.</p>
<p>Our bulbs come from <a href="{other}/seeds">a grower up the hill</a>; our trees from
<a href="/away">a partner nursery</a>. The <a href="/chain/1">garden journal</a> has the rest.
Or simply <a href="mailto:hello@thistle.invalid">send an email</a>.</p>"""),
    "/services": ("Services", """<h1>What we do</h1>
<p>Each client gets a planting plan drawn for their own soil, light and spare time. We visit
our clients every season to prune, divide and replant, and we keep notes on every bed.</p>
<ul><li>Courtyard plans for a client with little room</li><li>Orchard restoration</li></ul>"""),
    "/team": ("Team", """<h1 id="founders">The founders</h1>
<p>Ada Thistle trained as a botanist; Remy Vane built dry stone walls for twenty years. Between
them they know every client by name and every hedge by its smell after rain.</p>"""),
    "/pricing": ("Prices", """<h1>Prices</h1>
<p>A garden plan starts at four hundred pounds. Customers who book two seasons ahead pay a
tenth less, and the plan is theirs to keep.</p>"""),
    "/contact": ("Contact", """<h1>Write to us</h1>
<p>Clients reach us by post at 4 Orchard Row or by telephone on weekday mornings.</p>
<p>Before you write, the <a href="/chain/1">garden journal</a> may already answer.</p>"""),
    "/chain/1": ("Journal one", """<h1>Journal, part one</h1>
<p>March: we lifted the leeks and a client asked what to sow next. <a href="/chain/2">More</a>.</p>"""),
    "/chain/2": ("Journal two", """<h1>Journal, part two</h1>
<p>April: broad beans went in along the south wall. <a href="/chain/3">More</a>.</p>"""),
    "/chain/3": ("Journal three", """<h1>Journal, part three</h1>
<p>May: the first sweet peas climbed their hazel poles.</p>"""),
    "/private/notes": ("Notes", "<h1>Members only</h1><p>These notes are not for crawlers.</p>"),
    "/private/ledger": ("Ledger", "<h1>Ledger</h1><p>Nor is this page.</p>"),
}

ROBOTS = """# Thistle & Vane keeps its private pages out of crawlers' reach
User-agent: *
Disallow: /private/

Sitemap: {base}/sitemap-index.xml
"""

SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{base}/sitemaps/pages.xml</loc></sitemap>
</sitemapindex>
"""

SITEMAP_PATHS = ("/", "/services", "/team", "/old-pricing", "/private/ledger", "/gone", "/broken",
                 "/brochure", "/huge", "/slow")


@dataclass
class Site:
    """The running servers: the site's base URL, the other host's, and what each was asked for."""

    base: str = ""
    other: str = ""
    requests: list[str] = field(default_factory=list)
    other_requests: list[str] = field(default_factory=list)
    user_agents: set[str] = field(default_factory=set)

    def url(self, path: str) -> str:
        """Return the absolute URL of a path on the site."""
        return self.base + path


def _sitemap(base: str) -> str:
    urls = "".join(f"  <url><loc>{base}{path}</loc></url>\n" for path in SITEMAP_PATHS)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n')


def _handler(site: Site, stop: threading.Event, other: bool):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            path = self.path.split("?", 1)[0]
            (site.other_requests if other else site.requests).append(path)
            site.user_agents.add(self.headers.get("User-Agent", ""))
            try:
                self._answer(path) if not other else self._send(200, "text/html", b"<p>elsewhere</p>")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the crawler hung up on purpose (byte cap, time-out)

        def _send(self, status: int, kind: str, body: bytes, headers: dict | None = None,
                  length: bool = True) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _answer(self, path: str) -> None:
            html = "text/html; charset=utf-8"
            if path in PAGES:
                title, body = PAGES[path]
                page = LAYOUT.format(title=title, body=body.replace("{other}", site.other))
                self._send(200, html, page.encode("utf-8"))
            elif path == "/robots.txt":
                self._send(200, "text/plain", ROBOTS.format(base=site.base).encode())
            elif path == "/sitemap-index.xml":
                self._send(200, "application/xml", SITEMAP_INDEX.format(base=site.base).encode())
            elif path == "/sitemaps/pages.xml":
                self._send(200, "application/xml", _sitemap(site.base).encode())
            elif path == "/old-pricing":
                self._send(301, html, b"", {"Location": "/pricing"})
            elif path == "/away":
                self._send(302, html, b"", {"Location": site.other + "/nursery"})
            elif path == "/broken":
                self._send(500, html, b"<h1>Something broke</h1>")
            elif path == "/brochure":
                self._send(200, "application/pdf", b"%PDF-1.4\n% a pretend brochure\n%%EOF\n")
            elif path == "/huge":
                # No Content-Length: the crawler must stop reading by itself.
                self._send(200, html, b"<p>" + b"hedge " * (HUGE_BYTES // 6) + b"</p>", length=False)
            elif path == "/slow":
                stop.wait(SLOW_SECONDS)
                self._send(200, html, LAYOUT.format(title="Slow", body="<p>Finally.</p>").encode())
            else:
                self._send(404, html, b"<h1>Not here</h1>")

    return Handler


@contextmanager
def serve_site() -> Iterator[Site]:
    """Yield a Site whose two servers run on 127.0.0.1 until the block ends."""
    site = Site()
    stop = threading.Event()
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _handler(site, stop, other)) for other in (False, True)]
    for server in servers:
        server.daemon_threads = True
    site.base = f"http://127.0.0.1:{servers[0].server_address[1]}"
    site.other = f"http://127.0.0.1:{servers[1].server_address[1]}"
    threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    try:
        yield site
    finally:
        stop.set()
        for server in servers:
            server.shutdown()
            server.server_close()


@contextmanager
def serve_pages(pages: dict[str, str]) -> Iterator[Site]:
    """Yield a Site on 127.0.0.1 that serves `pages` (path -> HTML) and 404 for anything else.

    `site.requests` records each request's path with its query string, in order.
    """
    site = Site()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            site.requests.append(self.path)
            html = pages.get(self.path.split("?", 1)[0])
            body = (html or "<h1>Not here</h1>").encode("utf-8")
            self.send_response(200 if html is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
