"""Plain text -> Document (offsets are the identity)."""

from __future__ import annotations

from clientlens.types import Document, Kind, OffsetMap


def load_text(source: str, path: str, kind: Kind = Kind.TEXT) -> Document:
    """Return a Document whose text is `source` itself."""
    return Document(path=path, kind=kind, text=source, offsets=OffsetMap.for_source(source))
