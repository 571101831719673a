"""Sources (files, folders, "-" for stdin, http(s) URLs) -> Documents, one loader per suffix.

`load_documents` never raises for a bad source: it yields an InputFailure with a one-line
reason, so one unreadable file never stops the audit of the others.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from clientlens.config import Settings, path_matches
from clientlens.errors import InputError, internal_error
from clientlens.ingest.decode import decode_bytes
from clientlens.ingest.docx import load_docx
from clientlens.ingest.frontmatter import FrontMatterRules
from clientlens.ingest.html import load_html
from clientlens.ingest.jsonl import load_jsonl
from clientlens.ingest.links import is_url
from clientlens.ingest.markdown import load_markdown, load_mdx
from clientlens.ingest.pages import PageReader, page_documents, read_pages
from clientlens.ingest.pdf import load_pdf
from clientlens.ingest.read import kind_of, read_capped, read_stream, require_file
from clientlens.ingest.saved import is_saved_crawl, load_saved_crawl
from clientlens.ingest.tables import SUFFIXES as TABLE_SUFFIXES, iter_jsonl, iter_parquet
from clientlens.ingest.text import load_text
from clientlens.ingest.warc import SUFFIXES as WARC_SUFFIXES, iter_warc
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
# Files of many web pages, each read one page at a time (the Ray engine reads only these).
PAGE_READERS: dict[str, PageReader] = {
    **{suffix: iter_warc for suffix in WARC_SUFFIXES},
    **{suffix: iter_parquet for suffix in TABLE_SUFFIXES},
    ".jsonl": iter_jsonl, ".ndjson": iter_jsonl,
}


def _pages(reader: PageReader) -> BytesLoader:
    def load(path: Path, name: str, settings: Settings) -> Loaded:
        return page_documents(read_pages(reader, path, name, settings.max_bytes))

    return load


# Binary formats register here: they read the file themselves. Archives and Parquet tables
# have no whole-file size limit: they are streamed, and max-bytes applies to each page.
# (JSON Lines stay a text format: see ingest/jsonl.py.)
BYTES_LOADERS: dict[str, BytesLoader] = {
    ".pdf": load_pdf, ".docx": load_docx,
    **{suffix: _pages(PAGE_READERS[suffix]) for suffix in (*WARC_SUFFIXES, *TABLE_SUFFIXES)},
}
PAGE_FILES = (*WARC_SUFFIXES, *TABLE_SUFFIXES)


def file_suffix(path: Path) -> str:
    """Return the suffix that picks a file's loader: ".warc.gz" and ".wet.gz" count as one suffix."""
    name = path.name.lower()
    return next((s for s in WARC_SUFFIXES if s.count(".") > 1 and name.endswith(s)), path.suffix.lower())
# These loaders also read front matter, as the `front-matter-*` settings say.
FRONT_MATTER_LOADERS = frozenset({load_markdown, load_mdx, load_html})


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
        yield from guarded(source, _from_source(source, settings, crawl, crawl_progress, crawls))
        crawls += is_url(source)


def guarded(name: str, loaded: Loaded, kind: Kind = Kind.TEXT) -> Loaded:
    """Yield what `loaded` yields; an unexpected error ends it with one InputFailure naming `name`.

    Whatever goes wrong inside one source (a parser bug, a library's own exception) must cost
    that source only, never the audit of the others.
    """
    try:
        yield from loaded
    except Exception as exc:  # noqa: BLE001 - contained: it ends this source only
        yield InputFailure(name, internal_error(name, exc, "reading"), kind)


def _from_source(source: str, settings: Settings, crawl: "CrawlOptions | None",
                 crawl_progress: "CrawlProgress | None", crawls: int) -> Loaded:
    if source == "-":
        yield from _from_stdin(settings)
        return
    if is_url(source):
        from clientlens.ingest.crawl import crawl_documents

        yield from crawl_documents(source, crawl, crawl_progress, save_index=crawls)
        return
    path = Path(source)
    try:
        is_dir = path.is_dir()
        exists = path.exists()
    except OSError as exc:
        yield InputFailure(source, f"{source}: cannot open ({exc.strerror or exc})")
        return
    if is_dir and is_saved_crawl(path):
        yield from load_saved_crawl(path, settings)
    elif is_dir:
        yield from _from_folder(path, settings)
    elif not exists:
        reason = "broken symbolic link" if path.is_symlink() else "no such file or folder"
        yield InputFailure(source, f"{source}: {reason}")
    else:
        yield from load_file(path, settings)


def load_file(path: Path, settings: Settings, name: str | None = None) -> Loaded:
    """Yield the Document(s) of one file, or one InputFailure saying why it cannot be read.

    At most `max-bytes` are read (see ingest/read.py); a FIFO is read for `read-timeout` seconds at most.
    """
    name = name or os.fsdecode(path)
    suffix = file_suffix(path)
    try:
        if suffix in BYTES_LOADERS:
            if suffix in PAGE_FILES:
                require_file(path, name)  # streamed by their readers, which no timeout bounds
            yield from BYTES_LOADERS[suffix](path, name, settings)
            return
        data = read_capped(path, name, settings.max_bytes, settings.read_timeout)
        text = decode_bytes(data, name)
        yield from _load_text(text, name, suffix, settings)
    except InputError as exc:
        yield InputFailure(name, str(exc), _kind_for(suffix))
    except OSError as exc:
        yield InputFailure(name, f"{name}: cannot read ({exc.strerror or exc})", _kind_for(suffix))
    except Exception as exc:  # noqa: BLE001 - a loader's own bug costs this file only
        yield InputFailure(name, internal_error(name, exc, "reading"), _kind_for(suffix))


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
    if suffix in (".md", ".markdown", ".mdx", ".html", ".htm", ".xhtml", *PAGE_FILES):
        return Kind.PAGE
    return Kind.TEXT


def _from_stdin(settings: Settings) -> Loaded:
    try:
        data = read_stream(sys.stdin.buffer, "<stdin>", settings.max_bytes)
        text = decode_bytes(data, "<stdin>")
        yield from _load_text(text, "<stdin>", ".txt")
    except InputError as exc:
        yield InputFailure("<stdin>", str(exc))
    except OSError as exc:
        yield InputFailure("<stdin>", f"<stdin>: cannot read ({exc.strerror or exc})")


def _wanted(relative: str, settings: Settings) -> bool:
    if settings.include and not path_matches(relative, settings.include):
        return False
    return not path_matches(relative, settings.exclude)


def _from_folder(folder: Path, settings: Settings) -> Loaded:
    """Yield the documents of every supported regular file under `folder`.

    Hidden files and folders are skipped, symbolic links are not followed (a link inside a
    folder could lead anywhere, /dev/zero included), and other special files (FIFOs, devices,
    sockets) and folders that cannot be read are reported, not read.
    """
    suffixes = set(supported_suffixes())
    found = False
    seen: set[tuple[int, int]] = set()
    unreadable: list[OSError] = []
    # followlinks=False: a symlink loop can never make the walk go round forever.
    for root, dirs, files in os.walk(folder, followlinks=False, onerror=unreadable.append):
        found = found or bool(unreadable)
        yield from _unreadable_folders(unreadable)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for filename in sorted(files):
            path = Path(root, filename)
            if file_suffix(path) not in suffixes or filename.startswith("."):
                continue
            relative = path.relative_to(folder).as_posix()
            if not _wanted(relative, settings):
                continue
            name = os.fsdecode(path)
            try:
                st = path.lstat()
            except OSError as exc:
                yield InputFailure(name, f"{name}: cannot open ({exc.strerror or exc})")
                continue
            mode = st.st_mode
            if stat.S_ISLNK(mode) or (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            found = True
            if not stat.S_ISREG(mode):
                yield InputFailure(name, f"{name}: {kind_of(mode)}, not a file; only regular files in folders are read",
                                   _kind_for(path.suffix.lower()))
                continue
            yield from load_file(path, settings)
    found = found or bool(unreadable)
    yield from _unreadable_folders(unreadable)
    if not found:
        yield InputFailure(str(folder), f"{folder}: no files to audit (looked for {', '.join(sorted(suffixes))})")


def _unreadable_folders(errors: list[OSError]) -> Loaded:
    while errors:
        exc = errors.pop(0)
        name = os.fsdecode(exc.filename) if exc.filename is not None else "?"
        yield InputFailure(name, f"{name}: folder cannot be read ({exc.strerror or exc}); its files were not audited")
