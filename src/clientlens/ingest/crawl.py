"""A bounded, polite crawl of one site -> Documents (and InputFailures), in a stable order.

The crawl starts at a URL, reads robots.txt (and obeys it), queues the pages its sitemaps
list, then follows links breadth first. Only pages of the same site are fetched (http and
https, with or without "www.", are one site), and each page once: URLs that name the same
page (`/` and `/index.html`, a trailing slash, tracking parameters, a `<link rel=canonical>`
on the same site) are one page, and a page whose visible text was already read is a
duplicate. Requests run in a small thread pool, spaced by a delay, but their results are
handled in the order they were queued, so the same site always yields the same pages in the
same order, whatever the network timing.
"""

from __future__ import annotations

import hashlib
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Callable, Iterator
from urllib.robotparser import RobotFileParser

from clientlens.errors import ConfigError, InputError
from clientlens.ingest.fetch import USER_AGENT, FetchError, Throttle, decode_body, fetch
from clientlens.ingest.html import load_html
from clientlens.ingest.links import looks_like_file, normalise, origin, page_key, parse_sitemap, read_links, site_key
from clientlens.types import Document, InputFailure, Kind

CrawlProgress = Callable[[int, int, int], None]
MAX_REDIRECTS = 5
MAX_SITEMAPS = 20
SITEMAP_PAGES_PER_PAGE = 10  # sitemaps are read until they have listed 10 x --max-pages pages
MAX_QUEUE = 100_000
MAX_CRAWL_DELAY = 60.0
ROBOTS_BYTES = 500_000
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class CrawlOptions:
    """How a live site is crawled. Each field documents its default.

    max_pages: most pages requested (a page's redirect hops count once). Default 200.
    max_depth: most links followed from the start page; pages listed in a sitemap are at
        depth 1. Default 5.
    delay: seconds between the starts of two requests; a larger robots.txt Crawl-delay wins
        (up to 60 s). Default 0.5.
    concurrency: requests in flight at once. Default 2.
    timeout: seconds one request may take, from connecting to the last byte. Default 15.
    max_bytes: a larger response is reported as an error instead of read. Default 5 MB.
    save_dir: a folder to write the fetched pages and a manifest to, for an offline
        re-audit of the same pages (`clientlens audit DIR`). Default none.
    """

    max_pages: int = 200
    max_depth: int = 5
    delay: float = 0.5
    concurrency: int = 2
    timeout: float = 15.0
    max_bytes: int = 5_000_000
    save_dir: str | None = None

    def __post_init__(self) -> None:
        checks = (("max-pages", self.max_pages, 1, 100_000), ("max-depth", self.max_depth, 0, 100),
                  ("delay", self.delay, 0, 3600), ("concurrency", self.concurrency, 1, 32),
                  ("timeout", self.timeout, 0.001, 600), ("max-bytes", self.max_bytes, 1, 1_000_000_000))
        for name, value, low, high in checks:
            if isinstance(value, bool) or not low <= value <= high:
                raise ConfigError(f"--{name} = {value}: expected a number from {low:g} to {high:g}")


@dataclass(frozen=True)
class FetchedPage:
    """A page that was fetched: its final URL (after redirects), its HTML and its link depth."""

    url: str
    html: str
    depth: int = 0


@dataclass
class CrawlResult:
    """What a crawl found: pages and failures in crawl order, plus what it chose not to fetch."""

    start: str
    items: list[FetchedPage | InputFailure] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)
    unvisited: int = 0

    @property
    def pages(self) -> list[FetchedPage]:
        """Return the fetched pages, in crawl order."""
        return [i for i in self.items if isinstance(i, FetchedPage)]

    @property
    def failures(self) -> list[InputFailure]:
        """Return the pages that could not be read, in crawl order."""
        return [i for i in self.items if isinstance(i, InputFailure)]


@dataclass(frozen=True)
class _Outcome:
    url: str
    html: str | None = None
    failure: str | None = None
    skip: str | None = None
    digest: str = ""


def text_digest(html: str) -> str:
    """Return a hash of a page's visible text, whitespace collapsed: equal for pages that read the same;
    "" for a page with no text (those are not compared: an empty shell is no duplicate of another)."""
    text = " ".join(load_html(html, "").text.split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""


class _Robots:
    """robots.txt per origin, read once; an unreachable one forbids everything (RFC 9309)."""

    def __init__(self, crawler: "_Crawler") -> None:
        self.crawler = crawler
        self.parsers: dict[str, tuple[RobotFileParser, str | None]] = {}
        self.lock = threading.Lock()

    def get(self, url: str) -> tuple[RobotFileParser, str | None]:
        """Return (parser, reason everything is forbidden or None) for the origin of `url`."""
        key = origin(url)
        with self.lock:
            if key not in self.parsers:
                self.parsers[key] = self._load(key)
            return self.parsers[key]

    def _load(self, key: str) -> tuple[RobotFileParser, str | None]:
        parser = RobotFileParser(key + "/robots.txt")
        url = key + "/robots.txt"
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = self.crawler.get(url, ROBOTS_BYTES, read_any=True)
            except FetchError as exc:
                parser.disallow_all = True
                return parser, f"robots.txt could not be read ({exc})"
            target = normalise(response.location or "", url)
            if response.status in _REDIRECTS and target:
                url = target
                continue
            if 200 <= response.status < 300:
                parser.parse((response.body or b"").decode("utf-8", "replace").splitlines())
            elif response.status >= 500:
                parser.disallow_all = True
                return parser, f"robots.txt could not be read (HTTP {response.status})"
            else:  # 4xx (or no robots.txt at all): nothing is forbidden
                parser.allow_all = True
            return parser, None
        parser.allow_all = True
        return parser, None


class _Crawler:
    def __init__(self, start: str, options: CrawlOptions, progress: CrawlProgress | None) -> None:
        self.options = options
        self.progress = progress
        self.throttle = Throttle(options.delay)
        self.site: tuple[str, int | None] = ("", None)  # set by run() from the normalised start URL
        self.robots = _Robots(self)
        self.result = CrawlResult(start)
        self.lock = threading.Lock()
        self.page_keys: dict[str, str] = {}  # page key -> the URL its page was recorded under
        self.digests: dict[str, str] = {}  # visible-text hash -> the URL of the page that has it

    def get(self, url: str, max_bytes: int, read_any: bool = False):
        """Return the Response to one polite request (raises FetchError)."""
        self.throttle.wait()
        with self.lock:
            self.result.requested.append(url)
        return fetch(url, timeout=self.options.timeout, max_bytes=max_bytes,
                     **({"read_types": None} if read_any else {}))

    def forbidden(self, url: str) -> str | None:
        """Return why robots.txt forbids `url`, or None when it may be fetched."""
        parser, reason = self.robots.get(url)
        if reason:
            return reason
        return None if parser.can_fetch(USER_AGENT, url) else "disallowed by robots.txt"

    def run(self) -> CrawlResult:
        start = normalise(self.result.start)
        if start is None:
            self._fail(self.result.start, "not a valid http(s) URL")
            return self.result
        self.result.start = start
        self.site = site_key(start)
        self._use_crawl_delay(start)
        queue: deque[tuple[str, int]] = deque([(start, 0)])
        seen = {page_key(start)}
        if self.options.max_depth >= 1:
            for url in self._sitemap_pages(start):
                if page_key(url) not in seen and len(seen) < MAX_QUEUE:
                    seen.add(page_key(url))
                    queue.append((url, 1))
        self._crawl(queue, seen)
        return self.result

    def _use_crawl_delay(self, start: str) -> None:
        parser, _ = self.robots.get(start)
        asked = parser.crawl_delay(USER_AGENT)
        if asked:
            self.throttle.delay = max(self.throttle.delay, min(float(asked), MAX_CRAWL_DELAY))

    def _crawl(self, queue: deque[tuple[str, int]], seen: set[str]) -> None:
        window: deque[tuple[str, int, Future]] = deque()
        submitted = 0
        with ThreadPoolExecutor(self.options.concurrency, thread_name_prefix="clientlens-crawl") as pool:
            # Each pass handles one submitted page, and at most max_pages are ever submitted.
            while queue or window:
                while queue and len(window) < self.options.concurrency and submitted < self.options.max_pages:
                    url, depth = queue.popleft()
                    reason = self._skip_before_fetch(url)
                    if reason and depth > 0:
                        self.result.skipped.append((url, reason))
                        continue
                    window.append((url, depth, pool.submit(self._fetch_page, url)))
                    submitted += 1
                if not window:
                    break
                url, depth, future = window.popleft()
                self._record(future.result(), depth, queue, seen)
                self._report(len(queue) + len(window))
        self.result.unvisited = len(queue)

    def _skip_before_fetch(self, url: str) -> str | None:
        suffix = looks_like_file(url)
        if suffix:
            return f"not a page ({suffix} file)"
        # A page met since this URL was queued may have named it as its canonical URL.
        same = self.page_keys.get(page_key(url))
        return f"the same page as {same}" if same else self.forbidden(url)

    def _fetch_page(self, url: str) -> _Outcome:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            reason = self.forbidden(current)
            if reason:
                return _Outcome(current, skip=reason)
            try:
                response = self.get(current, self.options.max_bytes)
            except FetchError as exc:
                return _Outcome(current, failure=str(exc))
            if response.status in _REDIRECTS and response.location:
                target = normalise(response.location, current)
                if target is None or site_key(target) != self.site:
                    return _Outcome(current, skip=f"redirects off the site, to {response.location}")
                current = target
                continue
            if not 200 <= response.status < 300:
                return _Outcome(current, failure=f"HTTP {response.status} {_phrase(response.status)}".rstrip())
            if not response.is_html:
                return _Outcome(current, skip=f"not a page ({response.content_type})")
            try:
                html = decode_body(response)
                return _Outcome(current, html=html, digest=text_digest(html))
            except InputError as exc:
                return _Outcome(current, failure=str(exc).split(": ", 1)[-1])
        return _Outcome(current, failure=f"more than {MAX_REDIRECTS} redirects")

    def _record(self, outcome: _Outcome, depth: int, queue: deque[tuple[str, int]], seen: set[str]) -> None:
        seen.add(page_key(outcome.url))
        if outcome.failure or (outcome.skip and depth == 0):
            self._fail(outcome.url, outcome.failure or outcome.skip or "")
        elif outcome.skip:
            self.result.skipped.append((outcome.url, outcome.skip))
        elif outcome.html is not None:
            self._record_page(outcome, depth, queue, seen)

    def _record_page(self, outcome: _Outcome, depth: int, queue: deque[tuple[str, int]], seen: set[str]) -> None:
        """Record a fetched page under its canonical URL, unless it is a page already recorded."""
        html = outcome.html or ""
        links = read_links(html, outcome.url)
        canonical = links.canonical if links.canonical and site_key(links.canonical) == self.site else None
        url = canonical or outcome.url
        keys = {page_key(outcome.url), page_key(url)}
        seen.update(keys)
        same = next((self.page_keys[k] for k in keys if k in self.page_keys), None) or self.digests.get(outcome.digest)
        if same is not None:
            self.result.skipped.append((outcome.url, f"the same page as {same}"))
            return
        self.page_keys.update(dict.fromkeys(keys, url))
        if outcome.digest:
            self.digests[outcome.digest] = url
        self.result.items.append(FetchedPage(url, html, depth))
        if depth < self.options.max_depth:
            self._enqueue(list(links.links), depth + 1, queue, seen)

    def _enqueue(self, urls: list[str], depth: int, queue: deque[tuple[str, int]], seen: set[str]) -> None:
        for url in urls:
            key = page_key(url)
            if key in seen or len(seen) >= MAX_QUEUE:
                continue
            seen.add(key)
            if site_key(url) == self.site:
                queue.append((url, depth))
            else:
                self.result.skipped.append((url, "another site"))

    def _sitemap_pages(self, start: str) -> list[str]:
        parser, _ = self.robots.get(start)
        todo = deque(u for u in (normalise(s) for s in parser.site_maps() or []) if u)
        if not todo:
            todo.append(origin(start) + "/sitemap.xml")
        pages: dict[str, None] = {}
        done: set[str] = set()
        # More than this many pages could never be fetched, skips (files, robots.txt) included.
        wanted = min(SITEMAP_PAGES_PER_PAGE * self.options.max_pages, MAX_QUEUE)
        while todo and len(done) < MAX_SITEMAPS and len(pages) < wanted:
            url = todo.popleft()
            if url in done or site_key(url) != self.site or self.forbidden(url):
                continue
            done.add(url)
            urls, children = self._read_sitemap(url, wanted - len(pages))
            todo.extend(c for c in (normalise(c, url) for c in children[:MAX_SITEMAPS]) if c)
            for page in (normalise(u, url) for u in urls):
                if page and site_key(page) == self.site and len(pages) < wanted:
                    pages.setdefault(page, None)
        return list(pages)

    def _read_sitemap(self, url: str, max_urls: int) -> tuple[list[str], list[str]]:
        try:
            response = self.get(url, self.options.max_bytes, read_any=True)
        except FetchError:
            return [], []
        if not 200 <= response.status < 300 or not response.body:
            return [], []  # no sitemap is normal: links are enough
        return parse_sitemap(response.body, max_urls)

    def _fail(self, url: str, reason: str) -> None:
        self.result.items.append(InputFailure(url, f"{url}: {reason}", Kind.PAGE))

    def _report(self, queued: int) -> None:
        if self.progress:
            failed = sum(1 for i in self.result.items if isinstance(i, InputFailure))
            self.progress(len(self.result.items) - failed, queued, failed)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def crawl(start: str, options: CrawlOptions | None = None, progress: CrawlProgress | None = None) -> CrawlResult:
    """Return the CrawlResult of a bounded crawl from `start`; network errors become failures, never exceptions."""
    return _Crawler(start, options or CrawlOptions(), progress).run()


def crawl_documents(start: str, options: CrawlOptions | None = None, progress: CrawlProgress | None = None,
                    save_index: int = 0) -> Iterator[Document | InputFailure]:
    """Yield the Documents (main text, boilerplate counted once) and InputFailures of a crawl, in crawl order.

    With `options.save_dir`, the pages and a manifest are written there first; `save_index`
    is this crawl's place among the URLs of one audit (0 starts a new manifest).
    """
    from clientlens.ingest.extract import extract_pages
    from clientlens.ingest.saved import save_crawl

    options = options or CrawlOptions()
    result = crawl(start, options, progress)
    if options.save_dir:
        save_crawl(options.save_dir, result, save_index)
    documents = iter(extract_pages([(p.url, p.html) for p in result.pages]))
    for item in result.items:
        yield next(documents) if isinstance(item, FetchedPage) else item
