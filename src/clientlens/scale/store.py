"""The Ray engine's output folder: work shards that survive a restart, and the finished tables.

    DIR/manifest.json            what the run read, with which settings, and what it found
    DIR/shards/NAME-NNNNN.parquet  the work rows of one shard (NNNNN) of one input
    DIR/shards/NAME.done         written once every shard of that input is
    DIR/pages/*.parquet          the page table
    DIR/sites/*.parquet          the site table

A shard is a run of consecutive page records of one input. NAME is the input's file name
and a key hashed from its absolute path, size and modification time, the settings, the
tool version and the framing model, so a run started again with the same inputs and
settings finds the shards it finished and skips their pages, while a changed file or
setting never reuses old rows. Every file is written under a temporary name and renamed
into place, so a shard is either whole or absent.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from clientlens import __version__
from clientlens.config import Settings
from clientlens.errors import ClientlensError

SHARDS, PAGES, SITES, MANIFEST = "shards", "pages", "sites", "manifest.json"
MANIFEST_SCHEMA = "clientlens.scale/1"


def prepare(out: Path) -> None:
    """Create the output folder; refuse one that holds something other than clientlens tables."""
    if out.exists() and not out.is_dir():
        raise ClientlensError(f"--output {out}: is a file; the Ray engine writes tables into a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file() and not (out / SHARDS).is_dir():
        raise ClientlensError(f"--output {out}: the folder is not empty and holds no clientlens tables; "
                              "give a new or empty folder")
    try:
        (out / SHARDS).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ClientlensError(f"--output {out}: cannot create the folder ({exc.strerror or exc})") from None


def run_key(settings: Settings, shard_pages: int) -> str:
    """Return a hash of everything besides the input that decides a shard's rows."""
    fields = {k: v for k, v in dataclasses.asdict(settings).items() if k != "source"}
    text = json.dumps([__version__, shard_pages, _model_id(settings), fields], sort_keys=True, default=list)
    return hashlib.sha256(text.encode()).hexdigest()


def _model_id(settings: Settings) -> str:
    if not settings.use_model:
        return "rules-only"
    from clientlens.model.locate import find_model_dir

    model_dir = find_model_dir(settings.model_dir)
    weights = model_dir / "model.safetensors" if model_dir else None
    if weights is None or not weights.is_file():
        return "no-model"
    digest = hashlib.sha256()
    with weights.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def input_name(path: Path, key: str) -> str:
    """Return the stem of an input's shard files: its file name (made safe) and a key of it and the run."""
    try:
        st = path.stat()
        identity = [str(path.resolve()), st.st_size, st.st_mtime_ns, key]
    except OSError:
        identity = [str(path.absolute()), key]  # an input that cannot be read gets one failure row
    digest = hashlib.sha256(json.dumps(identity).encode()).hexdigest()[:16]
    return f"{re.sub(r'[^A-Za-z0-9._-]+', '_', path.name)[:80]}-{digest}"


def shard_path(out: Path, name: str, shard: int) -> Path:
    """Return where shard number `shard` of the input called `name` is stored."""
    return out / SHARDS / f"{name}-{shard:05d}.parquet"


def done_path(out: Path, name: str) -> Path:
    """Return the marker file that says every shard of the input called `name` is stored."""
    return out / SHARDS / f"{name}.done"


def finished_shards(out: Path, name: str) -> set[int]:
    """Return the numbers of the shards of input `name` already stored."""
    pattern = re.compile(re.escape(name) + r"-(\d{5})\.parquet")
    return {int(m.group(1)) for p in (out / SHARDS).iterdir() if (m := pattern.fullmatch(p.name))}


def stored_shards(out: Path, name: str) -> list[Path] | None:
    """Return every shard file of input `name` when all of them are stored, else None."""
    marker = done_path(out, name)
    if not marker.is_file():
        return None
    count = json.loads(marker.read_text())["shards"]
    paths = [shard_path(out, name, i) for i in range(count)]
    return paths if all(p.is_file() for p in paths) else None


def write_shard(table, path: Path) -> None:
    """Write a pyarrow Table to `path` as Parquet, atomically."""
    import pyarrow.parquet as pq

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def write_json(data: Any, path: Path) -> None:
    """Write `data` to `path` as JSON, atomically."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def table_dir(out: Path, table: str) -> tuple[Path, Path]:
    """Return (a fresh temporary folder to write `table` into, the folder it must end up in)."""
    tmp = out / f".{table}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    return tmp, out / table


def put_in_place(tmp: Path, final: Path) -> None:
    """Replace the folder `final` with the finished folder `tmp`."""
    if final.exists():
        old = final.with_name(f".{final.name}.{os.getpid()}.old")
        os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, final)
