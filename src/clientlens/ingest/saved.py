"""`audit URL --save DIR` writes the crawl here; `audit DIR` reads it back offline.

A saved crawl is a folder holding `clientlens-crawl.json` (the manifest) and `pages/`. The
manifest lists, per crawled URL and in crawl order, each page's file and final URL, and each
page that failed with its reason, so that the offline audit yields the same documents, paths
and errors as the live one. Pages are stored as the decoded HTML, in UTF-8, byte for byte the
text the live audit read, so offsets, lines and columns agree too.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Iterator

from clientlens import __version__
from clientlens.config import Settings
from clientlens.errors import InputError
from clientlens.ingest.read import read_capped
from clientlens.types import Document, InputFailure, Kind

MANIFEST = "clientlens-crawl.json"
SCHEMA = "clientlens.crawl/1"
PAGES = "pages"


def is_saved_crawl(folder: Path) -> bool:
    """Return True when `folder` holds a saved crawl's manifest."""
    return (folder / MANIFEST).is_file()


def check_save_dir(folder: str | Path) -> None:
    """Return None when `folder` may receive a saved crawl; raise InputError if it holds other files."""
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise InputError(f"--save {path}: is a file; give a folder (new or empty) to save the crawl in")
    if path.is_dir() and any(path.iterdir()) and not is_saved_crawl(path):
        raise InputError(f"--save {path}: folder is not empty and holds no saved crawl; choose a new or empty folder")


def save_crawl(folder: str | Path, result, index: int = 0) -> Path:
    """Write `result`'s pages and the manifest under `folder`; return the manifest's path.

    `index` 0 starts a new manifest; later indexes add their crawl to it (one audit of several URLs).
    """
    from clientlens.ingest.crawl import FetchedPage

    root = Path(folder)
    check_save_dir(root)
    try:
        (root / PAGES).mkdir(parents=True, exist_ok=True)
        crawls = _read(root)["crawls"] if index > 0 and is_saved_crawl(root) else []
        items: list[dict[str, str]] = []
        for n, item in enumerate(result.items, 1):
            if isinstance(item, FetchedPage):
                name = f"{PAGES}/{index + 1:02d}-{n:04d}{_slug(item.url)}.html"
                (root / name).write_bytes(item.html.encode("utf-8"))
                items.append({"url": item.url, "file": name})
            else:
                items.append({"url": item.path, "error": item.reason})
        crawls.append({"start": result.start, "items": items, "unvisited": result.unvisited,
                       "skipped": [{"url": u, "reason": r} for u, r in result.skipped]})
        manifest = {"schema": SCHEMA, "tool": {"name": "clientlens", "version": __version__}, "crawls": crawls}
        tmp = root / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, root / MANIFEST)
    except (OSError, InputError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"--save {root}: cannot write ({exc.strerror or exc})") from None
    return root / MANIFEST


def load_saved_crawl(folder: Path, settings: Settings | None = None) -> Iterator[Document | InputFailure]:
    """Yield the Documents and InputFailures of a saved crawl, as the live audit produced them.

    The manifest and each page are read with the `max-bytes` cap of `settings`.
    """
    from clientlens.ingest.extract import extract_pages

    max_bytes = (settings or Settings()).max_bytes
    try:
        manifest = _read(folder, max_bytes)
    except InputError as exc:
        yield InputFailure(str(folder / MANIFEST), str(exc), Kind.PAGE)
        return
    for crawl in manifest["crawls"]:
        items: list[tuple[str, str] | InputFailure] = [_item(folder, entry, max_bytes) for entry in crawl["items"]]
        documents = iter(extract_pages([i for i in items if isinstance(i, tuple)]))
        for item in items:
            yield next(documents) if isinstance(item, tuple) else item


def _item(folder: Path, entry: dict[str, str], max_bytes: int) -> tuple[str, str] | InputFailure:
    url = entry["url"]
    if not isinstance(entry.get("file"), str):
        return InputFailure(url, str(entry.get("error") or f"{url}: failed when crawled"), Kind.PAGE)
    path = (folder / entry["file"]).resolve()
    if folder.resolve() not in path.parents:
        return InputFailure(url, f"{url}: saved file {entry['file']!r} is outside {folder}", Kind.PAGE)
    try:
        return url, read_capped(path, str(path), max_bytes).decode("utf-8")
    except (InputError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "reason", None) or str(exc).split(": ", 1)[-1]
        return InputFailure(url, f"{url}: saved page {entry['file']} cannot be read ({reason})", Kind.PAGE)


def _read(folder: Path, max_bytes: int = Settings.max_bytes) -> dict[str, Any]:
    name = folder / MANIFEST
    try:
        data = json.loads(read_capped(name, str(name), max_bytes).decode("utf-8"))
    except InputError as exc:
        raise InputError(f"{name}: cannot read the saved crawl's manifest ({str(exc).split(': ', 1)[-1]})") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{name}: cannot read the saved crawl's manifest ({exc})") from None
    ok = (isinstance(data, dict) and data.get("schema") == SCHEMA and isinstance(data.get("crawls"), list)
          and all(isinstance(c, dict) and isinstance(c.get("items"), list)
                  and all(isinstance(i, dict) and isinstance(i.get("url"), str) for i in c["items"])
                  for c in data["crawls"]))
    if not ok:
        raise InputError(f"{name}: not a {SCHEMA} manifest; re-save the crawl with `clientlens audit URL --save`")
    return data


def _slug(url: str) -> str:
    # A readable hint of the URL in the file name; the manifest, not the name, is authoritative.
    path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
    slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-").lower()[:40].strip("-")
    return f"-{slug}" if slug else "-index"
