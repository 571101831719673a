"""Item 7: the crawler's time limit is a deadline per response, IPs keep their "www.", sitemaps are bounded.

Before: a server dripping one byte a second defeated --timeout (checked only between 64 KB
reads), http://www.127.0.0.1:PORT/ counted as the start site and was looked up in DNS, and a
2.6 MB gzipped sitemap of a million URLs cost 23 s and 440 MB with --max-pages 20.
Every server here listens on 127.0.0.1 only, and every loop in it ends.
"""

import socket
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from clientlens.ingest.crawl import CrawlOptions, crawl
from clientlens.ingest.fetch import FetchError, fetch
from clientlens.ingest.links import parse_sitemap, site_key
from tests.hostile.helpers import hi

DRIP_BYTES = 40  # at 0.25 s a byte the whole answer takes 10 s: far past the 1 s deadline


@contextmanager
def serve(answer):
    """Serve GETs with `answer(handler, base)` on 127.0.0.1; yield the base URL."""
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            try:
                answer(self, base, stop)
            except OSError:
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def _send(handler, body: bytes, kind: str = "text/html", status: int = 200) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _drip_body(handler, base, stop) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(DRIP_BYTES))
    handler.end_headers()
    for _ in range(DRIP_BYTES):
        if stop.wait(0.25):
            return
        handler.wfile.write(b"x")
        handler.wfile.flush()


def _drip_headers(handler, base, stop) -> None:
    handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
    for _ in range(DRIP_BYTES):
        if stop.wait(0.25):
            return
        handler.wfile.write(b"X")
        handler.wfile.flush()


@pytest.mark.parametrize("answer", [_drip_body, _drip_headers], ids=["body", "headers"])
def test_a_dripping_server_times_out_at_the_deadline(answer):
    with serve(answer) as base:
        with pytest.raises(FetchError, match=r"^timed out after 1 s$"):
            fetch(base + "/", timeout=1.0, max_bytes=1_000_000)


def test_a_dripping_page_is_one_failure_and_the_crawl_goes_on():
    def answer(handler, base, stop):
        if handler.path == "/":
            return _send(handler, b'<p>Our clients.</p><a href="/slow">slow</a><a href="/next">next</a>')
        if handler.path == "/slow":
            return _drip_body(handler, base, stop)
        if handler.path == "/next":
            return _send(handler, b"<p>More clients.</p>")
        return _send(handler, b"", status=404)

    with serve(answer) as base:
        result = crawl(base + "/", CrawlOptions(delay=0, timeout=1.0, max_pages=5, concurrency=1))
    assert [p.url for p in result.pages] == [base + "/", base + "/next"]
    assert [(f.path, f.reason) for f in result.failures] == [(base + "/slow", f"{base}/slow: timed out after 1 s")]


@pytest.mark.parametrize("a, b, same", [
    ("http://www.127.0.0.1:8000/", "http://127.0.0.1:8000/", False),
    ("http://www.10.0.0.1/", "http://10.0.0.1/", False),
    ("http://www.example.com/", "http://example.com/", True),
    ("http://www.2001.example/", "http://2001.example/", True),
])
def test_www_is_dropped_from_names_not_from_ip_addresses(a, b, same):
    assert (site_key(a) == site_key(b)) is same


def test_a_link_to_www_before_an_ip_is_another_site_and_never_requested():
    def answer(handler, base, stop):
        port = base.rsplit(":", 1)[1]
        if handler.path == "/":
            return _send(handler, f'<p>Our clients.</p><a href="http://www.127.0.0.1:{port}/x">x</a>'.encode())
        return _send(handler, b"", status=404)

    with serve(answer) as base:
        result = crawl(base + "/", CrawlOptions(delay=0, timeout=2.0, max_pages=5))
    www = "http://www.127.0.0.1:" + base.rsplit(":", 1)[1] + "/x"
    assert (www, "another site") in result.skipped
    assert not any("www." in url for url in result.requested)


def test_a_huge_gzipped_sitemap_is_read_only_as_far_as_the_crawl_needs():
    sitemap = []

    def answer(handler, base, stop):
        if handler.path == "/sitemap.xml":
            return _send(handler, sitemap[0], "application/x-gzip")
        if handler.path == "/robots.txt":
            return _send(handler, b"", "text/plain", 404)
        # A body of its own per page: pages with the same text count once.
        return _send(handler, f"<p>Our clients rent flats on {handler.path}.</p>".encode())

    with serve(answer) as base:
        sitemap.append(hi.sitemap_gz(base, 100_000))
        result = crawl(base + "/", CrawlOptions(delay=0, timeout=5.0, max_pages=3, concurrency=1))
    pages = [u for u in result.requested if "/l/" in u]
    assert len(result.pages) == 3 and pages == [f"{base}/l/{i}" for i in range(2)]
    assert result.unvisited == 30 - 2  # 10 x --max-pages listed, of which two were fetched


def test_parse_sitemap_stops_at_max_urls():
    body = hi.sitemap_gz("http://127.0.0.1:1", 100_000)
    pages, children = parse_sitemap(body, max_urls=25)
    assert pages == [f"http://127.0.0.1:1/l/{i}" for i in range(25)] and children == []


def test_parse_sitemap_keeps_what_came_before_an_error():
    body = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://e.com/a</loc></url>'
            b"<url><loc>http://e.com/b</loc></url><broken")
    assert parse_sitemap(body) == (["http://e.com/a", "http://e.com/b"], [])
