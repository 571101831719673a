"""JSON Lines of {"id", "text"} records -> one Document per record, path "FILE#ID"."""

from __future__ import annotations

import json
import re
import sys
from typing import Any, Iterator

from clientlens.types import Document, InputFailure, Kind, OffsetMap

MAX_ID_CHARS = 200
_SURROGATE = re.compile("[\ud800-\udfff]")


def load_json_line(line: str | bytes) -> tuple[Any, str | None]:
    """Return (the record, None), or (None, why) for JSON that Python cannot hold: nesting too
    deep, or an integer past its limit on digits. Invalid JSON raises json.JSONDecodeError (and
    undecodable bytes UnicodeDecodeError), which each reader words in its own way."""
    try:
        return json.loads(line), None
    except RecursionError:
        return None, "not readable JSON (arrays or objects nested too deeply)"
    except ValueError as exc:
        if isinstance(exc, (json.JSONDecodeError, UnicodeDecodeError)):
            raise
        # Only an integer past Python's limit on digits raises a plain ValueError.
        return None, f"not readable JSON (a number of more than {sys.get_int_max_str_digits():,} digits)"


def load_jsonl(source: str, path: str) -> Iterator[Document | InputFailure]:
    """Yield a Document per record (extra keys ignored) and an InputFailure per bad line.

    A bad line is one that is not JSON (or nests too deeply, or holds an integer too long
    for Python to read), not an object with a string "text", whose id is longer than
    MAX_ID_CHARS, or whose text or id holds a lone surrogate (an escape such as "\\ud800" that
    is legal JSON but no Unicode text).
    """
    for number, line in enumerate(source.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}#line{number}"
        try:
            record, reason = load_json_line(line)
        except json.JSONDecodeError as exc:
            reason = f"not valid JSON ({exc.msg})"
        if reason is None:
            if isinstance(record, dict) and "url" in record:
                from clientlens.ingest.tables import row_document

                # The whole file is already under max-bytes, so no row can be over it.
                yield row_document(record, where, sys.maxsize)
                continue
            reason = _problem(record)
        if reason:
            yield InputFailure(where, f"{path}:{number}: {reason}")
            continue
        ident = record.get("id", number)
        text = record["text"]
        yield Document(path=f"{path}#{ident}", kind=Kind.TEXT, text=text,
                       offsets=OffsetMap.for_source(text), meta={"format": "jsonl", "line": str(number)})


def _problem(record: object) -> str | None:
    """Return what makes a parsed record unusable, or None."""
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return 'expected an object with a string "text" field'
    ident = str(record.get("id", ""))
    if len(ident) > MAX_ID_CHARS:
        return f'"id" is {len(ident):,} characters long, over {MAX_ID_CHARS}'
    for key, value in (("text", record["text"]), ("id", ident)):
        bad = _SURROGATE.search(value)
        if bad:
            return (f'"{key}" holds a lone surrogate (\\u{ord(bad.group()):04x} at character {bad.start()}), '
                    "not Unicode text")
    return None
