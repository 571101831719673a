"""JSON Lines of {"id", "text"} records -> one Document per record, path "FILE#ID"."""

from __future__ import annotations

import json
import sys
from typing import Iterator

from clientlens.types import Document, InputFailure, Kind, OffsetMap


def load_jsonl(source: str, path: str) -> Iterator[Document | InputFailure]:
    """Yield a Document per record (extra keys ignored) and an InputFailure per bad line."""
    for number, line in enumerate(source.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}#line{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputFailure(where, f"{path}:{number}: not valid JSON ({exc.msg})")
            continue
        if isinstance(record, dict) and "url" in record:
            from clientlens.ingest.tables import row_document

            # The whole file is already under max-bytes, so no row can be over it.
            yield row_document(record, where, sys.maxsize)
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield InputFailure(where, f"{path}:{number}: expected an object with a string \"text\" field")
            continue
        ident = record.get("id", number)
        text = record["text"]
        yield Document(path=f"{path}#{ident}", kind=Kind.TEXT, text=text,
                       offsets=OffsetMap.for_source(text), meta={"format": "jsonl", "line": str(number)})
