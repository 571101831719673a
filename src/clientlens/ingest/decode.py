"""Bytes -> str: detect the encoding instead of crashing on it."""

from __future__ import annotations

import codecs

from clientlens.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes, name: str) -> str:
    """Return `data` decoded as text; raise InputError for binary or undecodable data.

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM are tried first, then UTF-16
    without a BOM (text whose every other byte is NUL), then charset-normalizer's best guess.
    Other data with NUL bytes is binary.
    """
    if not data:
        raise InputError(f"{name}: empty file, nothing to audit")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: starts with a {encoding} byte-order mark but is not {encoding} ({exc.reason})") from None
    if b"\x00" in data[:8192]:
        text = _utf16_without_bom(data)
        if text is None:
            raise InputError(f"{name}: binary file (NUL bytes), not text")
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    high = sum(1 for byte in data[:100_000] if byte > 0x7F)
    # Mostly-ASCII text with a few high bytes is Western European: Windows-1252 in practice.
    # charset-normalizer guesses wildly on short samples of it (cp1006, cp1250...).
    if high <= 0.3 * min(len(data), 100_000):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.encoding is None:
        raise InputError(f"{name}: undecodable bytes, not UTF-8 and no other encoding fits")
    encoding = best.encoding
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError(f"{name}: undecodable bytes (looked like {best.encoding} but is not)") from None


def utf16_codec(data: bytes) -> str | None:
    """Return "utf-16-le" or "utf-16-be" when `data` looks like UTF-16 text with no BOM, else None.

    Text in Latin script is mostly ASCII, so in UTF-16 the high byte of most characters is NUL:
    NULs at (nearly) every odd offset means little-endian, at every even offset big-endian.
    Binary data has NULs at both.
    """
    sample = data[:8192]
    pairs = len(sample) // 2
    if pairs < 2 or len(data) % 2:
        return None
    even = sample[0:2 * pairs:2].count(0)
    odd = sample[1:2 * pairs:2].count(0)
    if odd >= 0.6 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.6 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    codec = utf16_codec(data)
    if codec is None:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    # Decoded binary would be full of control characters; text has only tabs and line breaks.
    controls = sum(1 for c in text[:4096] if c < " " and c not in "\t\n\r\f")
    return text if controls <= 0.01 * min(len(text), 4096) else None
