"""The crawler against a made-up site on 127.0.0.1: what it fetches, skips and reports."""

from __future__ import annotations

import json
import socket

import pytest

from clientlens import __version__
from clientlens.errors import ConfigError, InputError
from clientlens.ingest import load_documents
from clientlens.ingest.crawl import CrawlOptions, crawl, crawl_documents
from clientlens.ingest.links import (is_url, looks_like_file, normalise, page_key, page_links, parse_sitemap,
                                     read_links, site_key)
from clientlens.ingest.saved import MANIFEST, check_save_dir
from clientlens.report.json import render_json
from clientlens.types import Document, InputFailure
from tests.ingest.site_server import serve_pages, serve_site

PAGES = ["/", "/services", "/team", "/pricing", "/contact", "/chain/1", "/chain/2"]


@pytest.fixture
def site():
    with serve_site() as running:
        yield running


@pytest.fixture(scope="module")
def crawled():
    """One crawl of a fresh site, shared by the tests that only read what it did: (site, result, progress calls)."""
    calls = []
    with serve_site() as running:
        yield running, crawl(running.url("/"), quick(), progress=lambda *counts: calls.append(counts)), calls


def quick(**changes) -> CrawlOptions:
    """Options that keep a test fast: no delay between requests, half a second per request."""
    return CrawlOptions(**{"delay": 0, "timeout": 0.5, "max_depth": 2, "concurrency": 3, **changes})


def paths_of(site, urls):
    return [u[len(site.base):] for u in urls]


def test_crawl_fetches_same_site_pages_in_a_stable_order(crawled):
    site, result, _ = crawled
    assert paths_of(site, [p.url for p in result.pages]) == PAGES
    assert [p.depth for p in result.pages] == [0, 1, 1, 1, 1, 1, 2]


@pytest.mark.parametrize("path, reason", [
    ("/gone", "HTTP 404 Not Found"),
    ("/broken", "HTTP 500 Internal Server Error"),
    ("/huge", "over the 5 MB limit"),
    ("/slow", "timed out after 0.5 s"),
])
def test_crawl_reports_each_bad_page_and_goes_on(crawled, path, reason):
    site, result, _ = crawled
    failures = {f.path: f.reason for f in result.failures}
    assert reason in failures[site.url(path)]
    assert "\n" not in failures[site.url(path)]
    assert len(result.pages) == len(PAGES)


@pytest.mark.parametrize("path, reason", [
    ("/private/ledger", "robots.txt"),
    ("/private/notes", "robots.txt"),
    ("/brochure", "application/pdf"),
    ("/files/planting-guide.pdf", ".pdf file"),
    ("/away", "off the site"),
])
def test_crawl_skips_what_it_must_not_read(crawled, path, reason):
    site, result, _ = crawled
    skipped = dict(result.skipped)
    assert reason in skipped[site.url(path)]
    assert site.url(path) not in [p.url for p in result.pages]


@pytest.mark.parametrize("path", ["/private/ledger", "/private/notes", "/files/planting-guide.pdf", "/chain/3"])
def test_crawl_never_requests_forbidden_or_too_deep_paths(crawled, path):
    site, _, _ = crawled
    assert path not in site.requests


def test_crawl_never_touches_another_host(crawled):
    site, result, _ = crawled
    assert site.other_requests == []
    assert dict(result.skipped)[site.other + "/seeds"] == "another site"


def test_crawl_user_agent_is_honest_and_names_no_url(crawled):
    site, _, _ = crawled
    (agent,) = site.user_agents
    assert agent.startswith(f"clientlens/{__version__} (")
    assert "http" not in agent and "www" not in agent


def test_crawl_follows_a_redirect_inside_the_site_and_keeps_the_final_url(crawled):
    site, result, _ = crawled
    urls = [p.url for p in result.pages]
    assert site.url("/pricing") in urls and site.url("/old-pricing") not in urls
    assert "/old-pricing" in site.requests


@pytest.mark.parametrize("max_pages", [1, 3])
def test_crawl_max_pages_bounds_the_page_requests(site, max_pages):
    result = crawl(site.url("/"), quick(max_pages=max_pages))
    fetched = [p for p in site.requests if p not in ("/robots.txt", "/sitemap-index.xml", "/sitemaps/pages.xml")]
    assert len(fetched) == max_pages
    assert result.unvisited > 0


@pytest.mark.parametrize("max_depth, expected", [
    (0, ["/"]),
    (3, PAGES + ["/chain/3"]),
])
def test_crawl_max_depth(site, max_depth, expected):
    result = crawl(site.url("/"), quick(max_depth=max_depth))
    assert paths_of(site, [p.url for p in result.pages]) == expected


@pytest.mark.parametrize("concurrency", [1, 4])
def test_crawl_order_does_not_depend_on_concurrency(site, concurrency):
    result = crawl(site.url("/"), quick(concurrency=concurrency))
    assert paths_of(site, [i.path if isinstance(i, InputFailure) else i.url for i in result.items]) == [
        "/", "/services", "/team", "/pricing", "/gone", "/broken", "/huge", "/slow", "/contact", "/chain/1", "/chain/2"]


def test_crawl_reports_progress_as_fetched_queued_failed(crawled):
    _, _, calls = crawled
    assert calls[-1] == (len(PAGES), 0, 4)
    assert all(len(c) == 3 for c in calls)


def test_crawl_start_page_forbidden_by_robots_is_an_error(site):
    result = crawl(site.url("/private/notes"), quick())
    assert result.items[0].reason == site.url("/private/notes") + ": disallowed by robots.txt"
    assert "/private/notes" not in site.requests


def test_crawl_unreachable_site_is_one_error():
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = crawl(f"http://127.0.0.1:{port}/", quick())
    assert len(result.items) == 1
    assert "robots.txt could not be read" in result.failures[0].reason


@pytest.mark.parametrize("changes, flag", [
    ({"max_pages": 0}, "--max-pages"),
    ({"max_depth": -1}, "--max-depth"),
    ({"delay": -0.1}, "--delay"),
    ({"concurrency": 0}, "--concurrency"),
    ({"timeout": 0}, "--timeout"),
])
def test_crawl_options_reject_bad_values(changes, flag):
    with pytest.raises(ConfigError, match=flag):
        CrawlOptions(**changes)


def test_crawl_documents_are_pages_with_urls_as_paths(site):
    items = list(load_documents([site.url("/")], crawl=quick()))
    documents = [i for i in items if isinstance(i, Document)]
    assert paths_of(site, [d.path for d in documents]) == PAGES
    assert all(d.kind.value == "page" for d in documents)
    assert {i.kind.value for i in items if isinstance(i, InputFailure)} == {"page"}


def test_crawl_save_then_offline_audit_gives_the_same_report(site, tmp_path, auditor):
    saved = tmp_path / "saved"
    live = auditor.audit_all(load_documents([site.url("/")], crawl=quick(save_dir=str(saved))))
    offline = auditor.audit_all(load_documents([str(saved)]))
    assert render_json(offline) == render_json(live)
    manifest = json.loads((saved / MANIFEST).read_text())
    files = [i["file"] for i in manifest["crawls"][0]["items"] if "file" in i]
    assert len(files) == len(PAGES) and all((saved / f).is_file() for f in files)


def test_saved_crawl_with_a_broken_manifest_is_one_error(tmp_path, auditor):
    (tmp_path / MANIFEST).write_text('{"schema": "something else"}')
    (item,) = list(load_documents([str(tmp_path)]))
    assert isinstance(item, InputFailure) and "manifest" in item.reason


@pytest.mark.parametrize("contents, ok", [
    ({}, True),
    ({MANIFEST: "{}"}, True),
    ({"notes.txt": "my own file"}, False),
])
def test_check_save_dir_refuses_a_folder_of_other_files(tmp_path, contents, ok):
    for name, text in contents.items():
        (tmp_path / name).write_text(text)
    if ok:
        check_save_dir(tmp_path)
    else:
        with pytest.raises(InputError, match="not empty"):
            check_save_dir(tmp_path)


@pytest.mark.parametrize("url, base, expected", [
    ("HTTP://Example.COM:80/a#top", None, "http://example.com/a"),
    ("/b?x=1", "https://example.com/a", "https://example.com/b?x=1"),
    ("https://example.com", None, "https://example.com/"),
    ("mailto:someone@example.com", None, None),
    ("ftp://example.com/file", None, None),
    ("https://example.com/über uns?q=a b", None, "https://example.com/%C3%BCber%20uns?q=a%20b"),
    ("https://example.com/a%20b", None, "https://example.com/a%20b"),
    ("https://example.com/a?utm_source=x&id=3&fbclid=y&gclid=z", None, "https://example.com/a?id=3"),
    ("https://example.com/a?UTM_Medium=email", None, "https://example.com/a"),
])
def test_links_normalise(url, base, expected):
    assert normalise(url, base) == expected


@pytest.mark.parametrize("a, b, same", [
    ("http://example.com/", "https://www.example.com/x", True),
    ("http://127.0.0.1:8000/", "http://127.0.0.1:8001/", False),
    ("https://example.com/", "https://shop.example.com/", False),
])
def test_links_site_key(a, b, same):
    assert (site_key(a) == site_key(b)) is same


@pytest.mark.parametrize("source, expected", [
    ("https://example.com", True), ("http://example.com/x", True), ("site/index.html", False), ("http:/x", False),
])
def test_links_is_url(source, expected):
    assert is_url(source) is expected


@pytest.mark.parametrize("url, expected", [
    ("https://example.com/guide.PDF", ".pdf"), ("https://example.com/about", None), ("https://example.com/v1.2/", None),
])
def test_links_looks_like_file(url, expected):
    assert looks_like_file(url) == expected


def test_links_page_links_honours_base_and_drops_non_http():
    html = ('<base href="https://example.com/docs/"><a href="intro">x</a><a href="#top">y</a>'
            '<a href="tel:123">z</a><a href="intro#part">again</a>')
    assert page_links(html, "https://example.com/") == ["https://example.com/docs/intro"]


@pytest.mark.parametrize("body, pages, children", [
    (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> https://e.com/a </loc></url></urlset>',
     ["https://e.com/a"], []),
    (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://e.com/s.xml</loc>'
     b'</sitemap></sitemapindex>', [], ["https://e.com/s.xml"]),
    (b"not xml at all", [], []),
])
def test_links_parse_sitemap(body, pages, children):
    assert parse_sitemap(body) == (pages, children)


def test_crawl_documents_without_save_writes_nothing(site, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    list(crawl_documents(site.url("/"), quick(max_pages=2)))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("a, b, same", [
    ("https://example.com/", "https://example.com/index.html", True),
    ("https://example.com/docs/", "http://www.example.com/docs/index.php", True),
    ("https://example.com/about/", "https://example.com/about", True),
    ("https://example.com/a?x=1&y=2", "https://example.com/a?y=2&x=1", True),
    ("https://example.com/about", "https://example.com/About", False),
    ("https://example.com/a?x=1", "https://example.com/a?x=2", False),
    ("https://example.com/index.html/x", "https://example.com/x", False),
])
def test_links_page_key(a, b, same):
    assert (page_key(normalise(a)) == page_key(normalise(b))) is same


def test_links_read_links_finds_the_canonical_url():
    html = '<link rel="alternate" href="/fr/"><link rel="Canonical" href="/about/?utm_source=x"><a href="/x">x</a>'
    links = read_links(html, "https://example.com/about?print=1")
    assert links.canonical == "https://example.com/about/" and links.links == ("https://example.com/x",)


QUILLMOOR = """<!doctype html><html><head><title>{title} | Quillmoor Letterpress</title>{head}</head>
<body><main><h1>{title}</h1><p>{text}</p>{links}</main></body></html>"""


def _page(title, text, links=(), head=""):
    anchors = "".join(f'<a href="{href}">{href}</a> ' for href in links)
    return QUILLMOOR.format(title=title, text=text, links=anchors, head=head)


HOME = _page("Home", "Quillmoor prints wedding stationery for clients who like paper.",
             ["/index.html", "/about/", "/about", "/about?utm_source=news&utm_medium=email", "/about#team",
              "/team-print", "/print-version", "/mirror"])
DUPLICATE_PAGES = {
    "/": HOME,
    "/index.html": HOME,
    "/mirror": HOME,
    "/about/": _page("About", "Two printers and one press, since 1998.", ["/team"]),
    "/about": _page("About", "Two printers and one press, since 1998.", ["/team"]),
    "/print-version": _page("About (print)", "Two printers, one press.", head='<link rel="canonical" href="/about/">'),
    "/team-print": _page("Team", "Ada sets the type; Bram runs the press.", head='<link rel="canonical" href="/team">'),
    "/team": _page("Team", "Ada sets the type; Bram runs the press."),
}


@pytest.fixture(scope="module")
def duplicates():
    """One crawl of a site whose pages each have several URLs: (site, result)."""
    with serve_pages(DUPLICATE_PAGES) as running:
        yield running, crawl(running.url("/"), quick(max_depth=3))


def test_crawl_reads_each_page_once_whatever_its_url(duplicates):
    site, result = duplicates
    assert paths_of(site, [p.url for p in result.pages]) == ["/", "/about/", "/team"]


@pytest.mark.parametrize("path", ["/index.html", "/about", "/about?utm_source=news&utm_medium=email", "/team"])
def test_crawl_never_requests_another_url_of_a_page_it_has(duplicates, path):
    site, _ = duplicates
    assert path not in site.requests


@pytest.mark.parametrize("path, same_as", [("/print-version", "/about/"), ("/mirror", "/")])
def test_crawl_skips_a_canonical_duplicate_and_an_identical_text(duplicates, path, same_as):
    site, result = duplicates
    assert dict(result.skipped)[site.url(path)] == f"the same page as {site.url(same_as)}"


def test_crawl_documents_of_a_site_with_index_html_are_one_per_page(duplicates):
    site, result = duplicates
    documents = list(crawl_documents(site.url("/index.html"), quick(max_depth=1)))
    home = [d for d in documents if isinstance(d, Document) and "wedding stationery" in d.text]
    assert len(home) == 1
