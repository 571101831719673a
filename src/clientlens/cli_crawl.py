"""`clientlens audit URL`: reading sources with a crawl progress line on stderr."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

from clientlens.config import Settings
from clientlens.errors import ConfigError
from clientlens.ingest.crawl import CrawlOptions, CrawlProgress
from clientlens.ingest.links import is_url
from clientlens.types import Document, InputFailure


def crawl_options(max_pages: int, max_depth: int, delay: float, concurrency: int, timeout: float,
                  save: Optional[Path]) -> CrawlOptions:
    """Return validated CrawlOptions from the audit command's flags (raises ConfigError)."""
    return CrawlOptions(max_pages=max_pages, max_depth=max_depth, delay=delay, concurrency=concurrency,
                        timeout=timeout, save_dir=str(save) if save else None)


def crawl_progress_line():
    """Return (callback(fetched, queued, failed), context manager); no-ops when stderr is no terminal."""
    if not sys.stderr.isatty():
        return None, nullcontext()
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

    bar = Progress(SpinnerColumn(), "{task.description}", TimeElapsedColumn(),
                   console=Console(stderr=True), transient=True)
    task = bar.add_task("crawling: 0 fetched, 1 queued, 0 failed", total=None)

    def update(fetched: int, queued: int, failed: int) -> None:
        bar.update(task, description=f"crawling: {fetched} fetched, {queued} queued, {failed} failed")

    return update, bar


def read_sources(paths: Sequence[str], settings: Settings,
                 options: CrawlOptions) -> Iterable[Document | InputFailure]:
    """Return the documents of `paths`: lazily for files, read in full (crawled) when any is a URL."""
    from clientlens.ingest import load_documents
    from clientlens.ingest.saved import check_save_dir

    if not any(is_url(p) for p in paths):
        if options.save_dir:
            raise ConfigError(f"--save {options.save_dir}: only crawled pages are saved; give a URL to audit")
        return with_warnings(load_documents(paths, settings))
    if options.save_dir:
        check_save_dir(options.save_dir)
    update: CrawlProgress | None
    update, line = crawl_progress_line()
    with line:
        return list(with_warnings(load_documents(paths, settings, options, update)))


def with_warnings(items: Iterable[Document | InputFailure]) -> Iterator[Document | InputFailure]:
    """Yield `items`, printing each document's ingest warning (a front matter read as text) on stderr."""
    for item in items:
        warning = item.meta.get("warning") if isinstance(item, Document) else None
        if warning:
            print(f"clientlens: warning: {warning}", file=sys.stderr)
        yield item
