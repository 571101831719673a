"""WARC/WET archives and Parquet/JSONL tables of pages -> one Document or InputFailure per record."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from clientlens.config import Settings
from clientlens.ingest import load_documents
from clientlens.ingest.http_payload import parse_response
from clientlens.ingest.pages import registered_domain
from clientlens.ingest.tables import iter_jsonl, iter_parquet
from clientlens.ingest.warc import iter_warc
from clientlens.errors import InputError
from clientlens.types import Document, InputFailure, Kind

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import bench_archive  # noqa: E402

pytest.importorskip("fastwarc", reason="the scale extra is not installed (pip install 'clientlens[scale]')")

PAGE = "<html><head><title>Quay Street Advisers</title></head><body><nav>Home About</nav><main>" \
       "<p>Our clients meet the same adviser every spring to plan the year ahead and settle every question.</p>" \
       "<p>A customer of the shop asked about delivery times to Eastmere and the cost of a spare parts set.</p>" \
       "</main><footer>Registered in England</footer></body></html>"


def _load(path: Path, **settings) -> list:
    return list(load_documents([str(path)], Settings(use_model=False, **settings)))


@pytest.mark.parametrize("name", ["pages.warc", "pages.warc.gz"])
def test_warc_pages_in_order_with_urls(tmp_path, name):
    records = [bench_archive.warc_record(f"https://www.quay-{i}.co.uk/p{i}", PAGE.encode()) for i in range(3)]
    items = _load(bench_archive.write_warc(tmp_path / name, records))
    assert [d.path for d in items] == [f"https://www.quay-{i}.co.uk/p{i}" for i in range(3)]
    assert all(isinstance(d, Document) and d.kind is Kind.PAGE for d in items)
    assert "Our clients meet" in items[0].text and "Registered in England" not in items[0].text


@pytest.mark.parametrize("record, reason", [
    (bench_archive.warc_record("https://a.example.com/logo.png", b"\x89PNG\r\n", content_type="image/png"),
     "not HTML (Content-Type image/png)"),
    (bench_archive.warc_record("https://a.example.com/gone", b"<p>gone</p>", status="404 Not Found"), "HTTP 404"),
    (bench_archive.warc_record("https://a.example.com/big", b"<p>" + b"client " * 40_000 + b"</p>"),
     "over the 0.1 MB limit per page"),
    (bench_archive.warc_record("https://a.example.com/empty", b""), "empty page"),
])
def test_warc_bad_record_becomes_failure_in_its_place(tmp_path, record, reason):
    good = bench_archive.warc_record("https://a.example.com/", PAGE.encode())
    items = _load(bench_archive.write_warc(tmp_path / "a.warc.gz", [good, record, good]), max_bytes=100_000)
    assert [type(i).__name__ for i in items] == ["Document", "InputFailure", "Document"]
    assert reason in items[1].reason and items[1].path.startswith("https://a.example.com/")


@pytest.mark.parametrize("name", ["a.warc.gz", "a.warc"])
@pytest.mark.parametrize("where", [0.05, 0.5, 0.97])
def test_warc_truncated_keeps_pages_before_the_cut(tmp_path, name, where):
    records = [bench_archive.warc_record(f"https://b.example.org/{i}", PAGE.encode()) for i in range(4)]
    before = bench_archive.write_warc(tmp_path / f"3-{name}", records[:3]).stat().st_size
    path = bench_archive.write_warc(tmp_path / name, records)
    data = path.read_bytes()
    path.write_bytes(data[:before + int((len(data) - before) * where)])  # the file ends inside the last record
    items = _load(path)
    assert [type(i).__name__ for i in items] == ["Document"] * 3 + ["InputFailure"]
    assert "truncated" in items[-1].reason


def test_warc_skips_records_that_are_not_pages_and_reads_wet_text(tmp_path):
    records = [bench_archive.warc_record("https://c.example.net/", b"GET / HTTP/1.1\r\n\r\n", "request",
                                         "application/http; msgtype=request"),
               bench_archive.warc_record("https://c.example.net/", b"fetchTimeMs: 12\r\n", "metadata",
                                         "application/warc-fields"),
               bench_archive.warc_record("https://c.example.net/", b"Our clients come first.", "conversion",
                                         "text/plain")]
    items = _load(bench_archive.write_warc(tmp_path / "c.warc.wet.gz", records))
    assert len(items) == 1 and items[0].text == "Our clients come first." and items[0].kind is Kind.PAGE


@pytest.mark.parametrize("headers, body, expected", [
    ("Content-Encoding: gzip", gzip.compress(PAGE.encode()), PAGE.encode()),
    ("Transfer-Encoding: chunked", b"5\r\n<p>Ou\r\n4\r\nr cl\r\n0\r\n\r\n", b"<p>Our cl"),
    ("Content-Type: text/html; charset=iso-8859-1", b"caf\xe9", b"caf\xe9"),
])
def test_http_response_decoded(headers, body, expected):
    response = parse_response(f"HTTP/1.1 200 OK\r\n{headers}\r\n\r\n".encode() + body, 1_000_000, "u")
    assert response.status == 200 and response.body == expected


@pytest.mark.parametrize("block, message", [
    (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + gzip.compress(b"a" * 5_000_000), "over the 1 MB limit"),
    (b"HTTP/1.1 200 OK\r\nContent-Encoding: zstd\r\n\r\nxx", "'zstd' is not supported"),
    (b"no status line here", "no HTTP response"),
])
def test_http_response_refused(block, message):
    with pytest.raises(InputError, match=message):
        parse_response(block, 1_000_000, "u")


def test_parquet_rows_become_pages(tmp_path):
    pytest.importorskip("pyarrow")
    pages = [("https://www.d.example.com/a", PAGE), ("https://www.d.example.com/b", PAGE)]
    items = _load(bench_archive.write_parquet(tmp_path / "d.parquet", pages))
    assert [i.path for i in items] == [u for u, _ in pages] and all(isinstance(i, Document) for i in items)


@pytest.mark.parametrize("columns, reason", [
    ({"address": ["https://e.example.com/1", "https://e.example.com/2"], "html": [PAGE, PAGE]}, "no \"url\" column"),
    ({"url": ["https://e.example.com/1", "https://e.example.com/2"], "body": [PAGE, PAGE]}, "no \"html\" or \"text\""),
])
def test_parquet_missing_column_fails_every_row(tmp_path, columns, reason):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), tmp_path / "e.parquet")
    items = list(iter_parquet(tmp_path / "e.parquet", "e.parquet", 1_000_000))
    assert len(items) == 2 and all(isinstance(i, InputFailure) and reason in i.reason for i in items)


def test_parquet_row_values_checked(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"url": ["https://f.example.com/1", None, "https://f.example.com/3", "https://f.example.com/4"],
                             "html": [PAGE, PAGE, None, "x" * 2_000], "text": [None, None, "Our clients.", None]}),
                   tmp_path / "f.parquet")
    items = list(iter_parquet(tmp_path / "f.parquet", "f.parquet", 1_000))
    assert [type(i).__name__ for i in items] == ["RawPage", "InputFailure", "RawPage", "InputFailure"]
    assert items[2].media == "text" and "over the 0.001 MB limit" in items[3].reason


def test_jsonl_table_lines(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps({"url": "https://g.example.com/", "html": PAGE}) + "\n{broken\n\n"
                    + json.dumps({"url": "https://g.example.com/t", "text": "Our clients."}) + "\n")
    items = list(iter_jsonl(path, "g.jsonl", 1_000_000))
    assert [type(i).__name__ for i in items] == ["RawPage", "InputFailure", "RawPage"]
    assert "not a valid JSON line" in items[1].reason


def test_jsonl_table_line_nested_too_deeply_or_too_long_a_number_costs_that_line_only(tmp_path):
    path = tmp_path / "n.jsonl"
    path.write_text("[" * 100_000 + "\n" + '{"url": "https://n.example.com/", "n": ' + "7" * 5_000 + "}\n"
                    + json.dumps({"url": "https://n.example.com/t", "text": "Our clients."}) + "\n")
    items = list(iter_jsonl(path, "n.jsonl", 1_000_000))
    assert [type(i).__name__ for i in items] == ["InputFailure", "InputFailure", "RawPage"]
    assert "nested too deeply" in items[0].reason and "digits" in items[1].reason


def test_jsonl_url_records_are_pages_in_the_local_engine(tmp_path):
    path = tmp_path / "h.jsonl"
    path.write_text(json.dumps({"url": "https://h.example.com/", "html": PAGE}) + "\n"
                    + json.dumps({"id": "note", "text": "Our clients."}) + "\n")
    items = _load(path)
    assert [(i.path, i.kind) for i in items] == [("https://h.example.com/", Kind.PAGE), (f"{path}#note", Kind.TEXT)]


def test_file_with_no_pages_says_so(tmp_path):
    items = _load(bench_archive.write_warc(tmp_path / "empty.warc", []))
    assert len(items) == 1 and "no pages in it" in items[0].reason


@pytest.mark.parametrize("url, site", [
    ("https://www.quay-street.co.uk/about", "quay-street.co.uk"),
    ("https://blog.shop.example.com/x", "example.com"),
    ("https://alice.github.io/", "alice.github.io"),
    ("http://10.0.0.7:8080/", "10.0.0.7"),
    ("http://localhost/", "localhost"),
    ("https://www.bücher.de/", "xn--bcher-kva.de"),
    ("data.parquet#row3", ""),
])
def test_registered_domain(url, site):
    pytest.importorskip("publicsuffixlist")
    assert registered_domain(url) == site
