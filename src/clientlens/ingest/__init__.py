"""Sources (files, folders, "-" for stdin, http(s) URLs) -> Documents, one loader per suffix.

`load_documents` never raises for a bad source: it yields an InputFailure with a one-line
reason, so one unreadable file never stops the audit of the others.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from clientlens.config import Settings, path_matches
from clientlens.errors import InputError
from clientlens.ingest.decode import decode_bytes
from clientlens.ingest.docx import load_docx
from clientlens.ingest.frontmatter import FrontMatterRules
from clientlens.ingest.html import load_html
from clientlens.ingest.jsonl import load_jsonl
from clientlens.ingest.links import is_url
from clientlens.ingest.markdown import load_markdown, load_mdx
from clientlens.ingest.pdf import load_pdf
from clientlens.ingest.saved import is_saved_crawl, load_saved_crawl
from clientlens.ingest.text import load_text
from clientlens.types import Document, InputFailure, Kind

if TYPE_CHECKING:
    from clientlens.ingest.crawl import CrawlOptions, CrawlProgress

Loaded = Iterator[Document | InputFailure]
TextLoader = Callable[[str, str], Iterable[Document | InputFailure] | Document]
BytesLoader = Callable[[Path, str, Settings], Loaded]

TEXT_LOADERS: dict[str, TextLoader] = {
    ".txt": load_text, ".text": load_text,
    ".md": load_markdown, ".markdown": load_markdown, ".mdx": load_mdx,
    ".html": load_html, ".htm": load_html, ".xhtml": load_html,
    ".jsonl": load_jsonl, ".ndjson": load_jsonl,
}
# These loaders also read front matter, as the `front-matter-*` settings say.
FRONT_MATTER_LOADERS = frozenset({load_markdown, load_mdx, load_html})
# Binary formats (PDF, DOCX) register here: they read the file themselves.
BYTES_LOADERS: dict[str, BytesLoader] = {".pdf": load_pdf, ".docx": load_docx}


def supported_suffixes() -> tuple[str, ...]:
    """Return every file suffix that has a loader."""
    return tuple(sorted({*TEXT_LOADERS, *BYTES_LOADERS}))


def load_documents(sources: Iterable[str], settings: Settings | None = None,
                   crawl: "CrawlOptions | None" = None, crawl_progress: "CrawlProgress | None" = None) -> Loaded:
    """Yield Documents (and InputFailures) for files, folders (recursive), "-" (stdin) and URLs.

    A URL is crawled with `crawl` options (see ingest/crawl.py); a folder saved by a crawl
    is read back through its manifest, with the same paths (URLs) as the live crawl.
    """
    settings = settings or Settings()
    crawls = 0
    for source in sources:
        if source == "-":
            yield from _from_stdin()
            continue
        if is_url(source):
            from clientlens.ingest.crawl import crawl_documents

            yield from crawl_documents(source, crawl, crawl_progress, save_index=crawls)
            crawls += 1
            continue
        path = Path(source)
        try:
            is_dir = path.is_dir()
            exists = path.exists()
        except OSError as exc:
            yield InputFailure(source, f"{source}: cannot open ({exc.strerror or exc})")
            continue
        if is_dir and is_saved_crawl(path):
            yield from load_saved_crawl(path)
        elif is_dir:
            yield from _from_folder(path, settings)
        elif not exists:
            reason = "broken symbolic link" if path.is_symlink() else "no such file or folder"
            yield InputFailure(source, f"{source}: {reason}")
        else:
            yield from load_file(path, settings)


def load_file(path: Path, settings: Settings, name: str | None = None) -> Loaded:
    """Yield the Document(s) of one file, or one InputFailure saying why it cannot be read."""
    name = name or str(path)
    suffix = path.suffix.lower()
    try:
        if suffix in BYTES_LOADERS:
            yield from BYTES_LOADERS[suffix](path, name, settings)
            return
        size = path.stat().st_size
        if size > settings.max_bytes:
            raise InputError(f"{name}: file is {size / 1e6:.1f} MB, over the {settings.max_bytes / 1e6:.0f} MB limit (max-bytes)")
        text = decode_bytes(path.read_bytes(), name)
        yield from _load_text(text, name, suffix, settings)
    except InputError as exc:
        yield InputFailure(name, str(exc), _kind_for(suffix))
    except OSError as exc:
        yield InputFailure(name, f"{name}: cannot read ({exc.strerror or exc})", _kind_for(suffix))


def _load_text(text: str, name: str, suffix: str, settings: Settings | None = None) -> Loaded:
    if not text.strip():
        raise InputError(f"{name}: no text to audit (only whitespace)")
    loader = TEXT_LOADERS.get(suffix, load_text)
    if loader in FRONT_MATTER_LOADERS:
        result = loader(text, name, rules=FrontMatterRules.from_settings(settings or Settings()))
    else:
        result = loader(text, name)
    if isinstance(result, Document):
        yield result
    else:
        yield from result


def _kind_for(suffix: str) -> Kind:
    if suffix in (".pdf", ".docx"):
        return Kind.CONTRACT
    if suffix in (".md", ".markdown", ".mdx", ".html", ".htm", ".xhtml"):
        return Kind.PAGE
    return Kind.TEXT


def _from_stdin() -> Loaded:
    try:
        data = sys.stdin.buffer.read()
        text = decode_bytes(data, "<stdin>")
        yield from _load_text(text, "<stdin>", ".txt")
    except InputError as exc:
        yield InputFailure("<stdin>", str(exc))


def _wanted(relative: str, settings: Settings) -> bool:
    if settings.include and not path_matches(relative, settings.include):
        return False
    return not path_matches(relative, settings.exclude)


def _from_folder(folder: Path, settings: Settings) -> Loaded:
    suffixes = set(supported_suffixes())
    found = False
    seen: set[tuple[int, int]] = set()
    # followlinks=False: a symlink loop can never make the walk go round forever.
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for filename in sorted(files):
            path = Path(root, filename)
            if path.suffix.lower() not in suffixes or filename.startswith("."):
                continue
            relative = path.relative_to(folder).as_posix()
            if not _wanted(relative, settings):
                continue
            try:
                st = path.stat()
            except OSError as exc:
                yield InputFailure(str(path), f"{path}: cannot open ({exc.strerror or exc})")
                continue
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            found = True
            yield from load_file(path, settings)
    if not found:
        yield InputFailure(str(folder), f"{folder}: no files to audit (looked for {', '.join(sorted(suffixes))})")
