"""Hostile inputs, generated on demand, for tests/hostile/ and scripts/bench_hostile.py.

Every input is made here at run time from our own short sentences (a fictional lettings
agency), sized by the caller: the tests use the smallest size that still shows the
problem, the benchmark the sizes of issue 21. Nothing is downloaded or copied.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

GOOD = "Our clients rent flats through Harrow & Pike. Every client gets a named agent.\n"
CLAUSE = "our client asked about the lease and "  # no sentence break anywhere


def long_line(size: int, every: int = 1) -> str:
    """Return one line of `size` characters and no full stop, with a client mention every `every` clauses."""
    quiet = CLAUSE.replace("client", "tenant")
    unit = CLAUSE + quiet * (every - 1)
    return (unit * (size // len(unit) + 1))[:size]


def hyphenated_word(size: int) -> str:
    """Return one hyphenated "word" of about `size` characters made of family words."""
    return ("client-" * (size // 7 + 1))[:size].rstrip("-")


def short_sentences(count: int, every: int = 1) -> str:
    """Return `count` short sentences, one a line, in one paragraph (no blank line); every `every`-th names a client."""
    return "".join(f"A {'client' if i % every == 0 else 'tenant'} called us on day {i} about the lease.\n"
                   for i in range(count))


def jsonl_record(text: str, ident: str | int = "big") -> str:
    """Return one JSON Lines record of `text` (escaped by hand: no json import for a 2 MB string)."""
    import json

    return json.dumps({"id": ident, "text": text}) + "\n"


def jsonl_long_id(digits: int = 5000) -> str:
    """Return a record whose id is an integer of `digits` digits (over Python's 4,300-digit limit)."""
    return '{"id": ' + "7" * digits + ', "text": "Our clients pay rent monthly."}\n'


def jsonl_deep(depth: int = 100_000) -> str:
    """Return a line of `depth` nested arrays (deeper than the json module's recursion)."""
    return "[" * depth + "]" * depth + "\n"


def jsonl_surrogate() -> str:
    """Return a record whose text holds a lone surrogate (legal JSON, not encodable UTF-8)."""
    return '{"id": "odd", "text": "A customer wrote \\ud800 to us."}\n'


def nested_toml_array(depth: int = 5000) -> str:
    """Return a TOML document with one array nested `depth` deep."""
    return "allow = " + "[" * depth + "]" * depth + "\n"


def utf16_without_bom(text: str = GOOD * 20) -> bytes:
    """Return `text` as UTF-16-LE with no byte-order mark."""
    return text.encode("utf-16-le")


def unclosed_comments(count: int) -> str:
    """Return Markdown/HTML with `count` unclosed `<!--` openers among prose."""
    return "<p>Our clients come first.</p>\n" + "<!-- x\n" * count


def unclosed_anchors(count: int) -> str:
    """Return HTML with `count` unclosed `<a ` tags."""
    return "<p>Our clients come first.</p>\n" + "<a \n" * count


def many_mentions_html(count: int) -> str:
    """Return an HTML page with `count` client mentions, each in its own text node."""
    return "<html><body>" + "".join(f"<p>Client {i} pays.</p>" for i in range(count)) + "</body></html>"


def many_mentions_text(count: int) -> str:
    """Return the plain text that `many_mentions_html(count)` shows."""
    return "".join(f"Client {i} pays.\n\n" for i in range(count))


_DOCX_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
               '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
               'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
               '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
               'document.main+xml"/></Types>')
_DOCX_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
              'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
              'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(paragraphs: int = 1, padding: int = 0) -> bytes:
    """Return a minimal .docx whose body has `paragraphs` paragraphs and `padding` bytes of blank XML space.

    Blank space compresses about a thousand to one, so a large `padding` makes a zip bomb.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        archive.writestr("_rels/.rels", _DOCX_RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'.encode())
            chunk = b" " * (1 << 20)
            left = padding
            while left > 0:
                part.write(chunk[:min(left, len(chunk))])
                left -= len(chunk)
            para = "<w:p><w:r><w:t>The Client shall pay the rent monthly.</w:t></w:r></w:p>"
            part.write((para * paragraphs).encode() + b"</w:body></w:document>")
    return out.getvalue()


def pdf_many_page_refs(refs: int) -> bytes:
    """Return a PDF whose page tree lists one page object `refs` times."""
    content = b"BT /F1 12 Tf 72 720 Td (The Client shall pay the rent.) Tj ET"
    kids = b" ".join(b"3 0 R" for _ in range(refs))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count %d /Kids [%s] >>" % (refs, kids),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def sitemap_gz(base: str, urls: int) -> bytes:
    """Return a gzipped sitemap listing `urls` page URLs under `base`."""
    body = io.BytesIO()
    with gzip.GzipFile(fileobj=body, mode="wb", compresslevel=6) as handle:
        handle.write(b'<?xml version="1.0" encoding="UTF-8"?>\n'
                     b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
        for i in range(urls):
            handle.write(b"<url><loc>%s/l/%d</loc></url>" % (base.encode(), i))
        handle.write(b"</urlset>\n")
    return body.getvalue()


def write(path: Path, data: str | bytes) -> Path:
    """Write `data` (UTF-8 for text) to `path`, making folders; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", errors="surrogatepass")
    else:
        path.write_bytes(data)
    return path
