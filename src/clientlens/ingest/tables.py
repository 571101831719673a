"""Tables of web pages -> one page per row: Parquet files and JSON Lines of {"url", "html" | "text"}.

This is the shape of common web-text datasets. A row's `html` is read as a crawled page
is (main text); its `text` is audited as it is; when a table has both, a row's html wins
and its text is the fallback. Every row gives a page or an InputFailure in its place: a
missing column, an empty value or a value over the byte limit fails that row, never the
file, and rows that cannot be read at all still get one failure each.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator, Mapping

from clientlens.errors import InputError
from clientlens.ingest.http_payload import too_big
from clientlens.ingest.jsonl import load_json_line
from clientlens.ingest.pages import HTML, TEXT, RawPage, page_document
from clientlens.types import Document, InputFailure, Kind

SUFFIXES = (".parquet",)
URL_COLUMN = "url"
BODY_COLUMNS = ("html", "text")  # in order of preference
ROWS_PER_READ = 64


def table_page(row: Mapping[str, Any], where: str, max_bytes: int) -> RawPage | InputFailure:
    """Return the page of one table row ({"url", "html" | "text"}), or an InputFailure saying what is missing."""
    url = row.get(URL_COLUMN)
    if not isinstance(url, str) or not url.strip():
        return InputFailure(where, f"{where}: no \"url\" (expected a string URL in every row)", Kind.PAGE)
    for column, media in zip(BODY_COLUMNS, (HTML, TEXT)):
        value = row.get(column)
        if isinstance(value, (str, bytes)) and value:
            size = len(value) if isinstance(value, bytes) else len(value.encode("utf-8", "surrogatepass"))
            if size > max_bytes:
                return InputFailure(url, too_big(url, max_bytes), Kind.PAGE)
            return RawPage(url, value, media)
    return InputFailure(url, f"{url}: no \"html\" or \"text\" in its row ({where})", Kind.PAGE)


def iter_parquet(path: Path, name: str, max_bytes: int) -> Iterator[RawPage | InputFailure]:
    """Yield the page (or InputFailure) of each row of a Parquet file, in row order.

    Raises InputError when pyarrow is missing or the file is not Parquet.
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(f"{name}: reading Parquet needs pyarrow: pip install 'clientlens[scale]'") from None
    try:
        table = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{name}: not a readable Parquet file ({exc})") from None
    names = table.schema_arrow.names
    wanted = [c for c in (URL_COLUMN, *BODY_COLUMNS) if c in names]
    missing = _missing_columns(names)
    done = 0
    try:
        for batch in table.iter_batches(batch_size=ROWS_PER_READ, columns=wanted):
            for row in batch.to_pylist():
                done += 1
                where = f"{name}#row{done}"
                if missing:
                    url = row.get(URL_COLUMN)
                    yield InputFailure(url if isinstance(url, str) and url else where, f"{where}: {missing}", Kind.PAGE)
                else:
                    yield table_page(row, where, max_bytes)
    except (OSError, pa.ArrowException) as exc:
        for n in range(done + 1, table.metadata.num_rows + 1):
            yield InputFailure(f"{name}#row{n}", f"{name}: cannot read past row {done} ({exc})", Kind.PAGE)


def _missing_columns(names: list[str]) -> str | None:
    have = ", ".join(names) or "none"
    if URL_COLUMN not in names:
        return f"the table has no \"url\" column (columns: {have})"
    if not any(c in names for c in BODY_COLUMNS):
        return f"the table has no \"html\" or \"text\" column (columns: {have})"
    return None


def iter_jsonl(path: Path, name: str, max_bytes: int) -> Iterator[RawPage | InputFailure]:
    """Yield the page (or InputFailure) of each non-blank line of a JSON Lines table, reading line by line.

    Raises InputError when the file cannot be opened.
    """
    limit = max_bytes + 64 * 1024  # room for the url and the JSON around the page
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"{name}: cannot open ({exc.strerror or exc})") from None
    with handle:
        number = 0
        while line := handle.readline(limit + 1):
            number += 1
            where = f"{name}#line{number}"
            if len(line) > limit and not line.endswith(b"\n"):
                while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
                yield InputFailure(where, f"{where}: line is over the {max_bytes / 1e6:g} MB limit per page (max-bytes)",
                                   Kind.PAGE)
                continue
            if line.strip():
                yield _json_row(line, where, max_bytes)


def _json_row(line: bytes, where: str, max_bytes: int) -> RawPage | InputFailure:
    try:
        record, reason = load_json_line(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return InputFailure(where, f"{where}: not a valid JSON line ({getattr(exc, 'msg', None) or exc.reason})", Kind.PAGE)
    if reason:
        return InputFailure(where, f"{where}: {reason}", Kind.PAGE)
    if not isinstance(record, dict):
        return InputFailure(where, f"{where}: expected a JSON object with \"url\" and \"html\" or \"text\"", Kind.PAGE)
    return table_page(record, where, max_bytes)


def row_document(row: Mapping[str, Any], where: str, max_bytes: int) -> Document | InputFailure:
    """Return the Document of one {"url", "html" | "text"} row, or an InputFailure."""
    page = table_page(row, where, max_bytes)
    return page if isinstance(page, InputFailure) else page_document(page)

