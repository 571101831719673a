"""Web archives and tables of generated pages, for the tests and scripts/bench_scale.py.

The pages come from bench_site's generator (our own template sentences, seeded): each site
is a fictional business on its own domain that mostly says "client" or "customer" and
slips into the other word now and then. A crawl stores the pages of many sites mixed
together, so the pages of the sites are interleaved.
"""

from __future__ import annotations

import gzip
import json
import random
import uuid
from pathlib import Path

import bench_site

SUFFIXES = ["co.uk", "com", "com.au", "org", "github.io"]
TRADES = ["accountants", "law", "design", "bakery", "surveyors", "florist", "garage", "dental"]


def site_pages(sites: int, pages_per_site: int, words: int = 300, seed: int = 5) -> list[tuple[str, str]]:
    """Return (url, html) pairs: `sites` sites of `pages_per_site` pages each, interleaved."""
    rng = random.Random(seed)
    per_site = []
    for s in range(sites):
        town = bench_site.TOWNS[s % len(bench_site.TOWNS)].lower().replace(" ", "").replace("'", "")
        domain = f"{town}-{TRADES[s % len(TRADES)]}-{s}.{SUFFIXES[s % len(SUFFIXES)]}"
        own = "customer" if s % 3 == 1 else "client"
        pages = []
        for p in range(pages_per_site):
            host = ("blog." if p % 4 == 3 else "www.") + domain
            title = f"{bench_site._fill(rng.choice(bench_site.HEADINGS), rng, own)} {p + 1}"
            size = int(words * rng.uniform(0.5, 1.5))
            pages.append((f"https://{host}/{('services', 'about', 'news', 'help')[p % 4]}/page-{p}.html",
                          bench_site.html_page(rng, title, own, size, family_rate=0.2)))
        per_site.append(pages)
    return [site[p] for p in range(pages_per_site) for site in per_site]


def warc_record(url: str, payload: bytes, warc_type: str = "response", content_type: str = "text/html; charset=utf-8",
                status: str = "200 OK") -> bytes:
    """Return one WARC/1.0 record: an HTTP response (or, for other types, `payload` as the block)."""
    if warc_type == "response":
        block = (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n\r\n"
                 .encode() + payload)
        block_type = "application/http; msgtype=response"
    else:
        block, block_type = payload, content_type
    head = (f"WARC/1.0\r\nWARC-Type: {warc_type}\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}>\r\n"
            f"WARC-Date: 2025-01-01T00:00:00Z\r\nWARC-Target-URI: {url}\r\nContent-Type: {block_type}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n")
    return head.encode() + block + b"\r\n\r\n"


def write_warc(path: Path, records: list[bytes]) -> Path:
    """Write records to a WARC file: one gzip member per record when the name ends in .gz."""
    with path.open("wb") as out:
        info = warc_record("", b"software: clientlens bench_archive\r\n", "warcinfo", "application/warc-fields")
        for record in [info, *records]:
            out.write(gzip.compress(record, mtime=0) if path.name.endswith(".gz") else record)
    return path


def page_records(pages: list[tuple[str, str]]) -> list[bytes]:
    """Return one response record per (url, html) page."""
    return [warc_record(url, html.encode("utf-8")) for url, html in pages]


def write_parquet(path: Path, pages: list[tuple[str, str]], column: str = "html", row_group: int = 500) -> Path:
    """Write a Parquet table of {url, html} (or {url, text}) rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"url": [u for u, _ in pages], column: [h for _, h in pages]})
    pq.write_table(table, path, row_group_size=row_group)
    return path


def write_jsonl(path: Path, pages: list[tuple[str, str]]) -> Path:
    """Write a JSON Lines table of {"url", "html"} rows."""
    path.write_text("".join(json.dumps({"url": u, "html": h}) + "\n" for u, h in pages), encoding="utf-8")
    return path
