"""`clientlens audit INPUT... --engine ray --output DIR`: archives and tables of pages audited on Ray Data.

Two steps, both on Ray Data (locally with `ray.init(num_cpus=N)`, or on the cluster at
`--ray-address` / RAY_ADDRESS):

1. Pages. One read task per input streams its records (ingest.PAGE_READERS) in batches;
   a pool of `workers` actors, each holding one Auditor (spaCy pipeline and framing model
   loaded once per actor, none with --no-model), turns each batch into work rows
   (scale/rows.py). The driver collects them by shard and writes each shard as soon as it
   is whole; shards already in DIR from an earlier run with the same inputs and settings
   are skipped, and so are inputs whose every shard is there.
2. Sites. The work rows are grouped by site (registered domain) with Ray Data's group-by:
   each site's row comes from its pages' rows in page order, and so does the site's word,
   which gives each of its pages its findings. Both tables are written to a temporary
   folder and renamed into place.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
import warnings
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from clientlens.config import Settings
from clientlens.engine import BATCH
from clientlens.errors import ClientlensError
from clientlens.ingest import PAGE_READERS, file_suffix
from clientlens.ingest.pages import RawPage, page_document, read_pages, registered_domain
from clientlens.rules.families import family_set
from clientlens.scale import rows as R
from clientlens.scale import store
from clientlens.types import Document, InputFailure, Kind

SHARD_PAGES = 10_000
READ_ROWS = BATCH  # records per table yielded by a read task: one actor batch
BLOCK_BYTES = 1 << 20
DRIVER_ROWS = 1024  # work rows the driver sorts into shards at a time: its cost is mostly per batch
SORT_SHUFFLE_ROWS = 2_000_000  # up to this many pages, the site group-by shuffles by sorting
Progress = Callable[[int, int, float], None]  # (pages done, unreadable pages, seconds since start)


@dataclass(frozen=True)
class ScaleSummary:
    """What a run of the Ray engine read and found (the totals of the site table)."""

    pages: int
    sites: int
    errors: int
    words: int
    findings: dict[str, int]
    pages_audited_now: int
    inputs_skipped: int
    seconds: float
    pages_seconds: float  # step 1: reading and judging the pages not audited before
    sites_seconds: float  # step 2: the site group-by and both tables


def scale_inputs(paths: Sequence[str]) -> list[Path]:
    """Return the archive and table files named by `paths` (folders are searched recursively).

    Raises ClientlensError for stdin, a URL, a folder with no such file, or a file of another kind.
    """
    known = ", ".join(sorted(PAGE_READERS))
    files: list[Path] = []
    for source in paths:
        path = Path(source)
        if source == "-" or "://" in source:
            raise ClientlensError(f"--engine ray reads archive and table files ({known}), not {source!r}")
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and file_suffix(p) in PAGE_READERS
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                raise ClientlensError(f"{source}: no archive or table files in the folder (looked for {known})")
            files.extend(found)
        elif file_suffix(path) not in PAGE_READERS:
            raise ClientlensError(f"{source}: --engine ray reads {known} files; audit other files "
                                  "with --engine local")
        else:
            files.append(path)  # a missing file becomes one failure row, as in the local engine
    return files


def audit_at_scale(paths: Sequence[str], out: Path, settings: Settings, workers: int | None = None,
                   address: str | None = None, shard_pages: int = SHARD_PAGES,
                   progress: Progress | None = None) -> ScaleSummary:
    """Audit the pages of archives and tables on Ray and write DIR/pages and DIR/sites; return the totals.

    Raises ClientlensError when Ray is not installed, cannot start, or the job fails.
    """
    inputs = scale_inputs(paths)
    store.prepare(out)
    ray = import_ray()
    started = start_ray(ray, address, workers)
    try:
        workers = workers or max(int(ray.cluster_resources().get("CPU", 1)), 1)
        return _run(ray, inputs, out, settings, workers, shard_pages, progress)
    except ray.exceptions.RayError as exc:
        cause = getattr(exc, "cause", None) or exc
        message = " ".join(f"{type(cause).__name__}: {cause}".split())[:300]
        raise ClientlensError(f"the Ray job failed ({message}); finished shards are kept in {out}: "
                              "run the same command again to go on") from None
    finally:
        if started:
            ray.shutdown()


def import_ray():
    """Return the ray module with Ray Data loaded; raise ClientlensError saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise ClientlensError("--engine ray needs Ray Data: pip install 'clientlens[scale]'") from None
    return ray


def start_ray(ray, address: str | None, workers: int | None) -> bool:
    """Start Ray here with `workers` CPUs (or join the cluster at `address`, else RAY_ADDRESS);
    return False when it was already running. Raises ClientlensError when it cannot start."""
    if ray.is_initialized():
        return False
    address = address or os.environ.get("RAY_ADDRESS")
    quiet = dict(logging_level=logging.ERROR, log_to_driver=False, include_dashboard=False)
    try:
        if address:
            ray.init(address=address, **quiet)
        else:
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
            ray.init(num_cpus=workers or cores or 1, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ClientlensError(f"cannot start Ray{f' at {address}' if address else ''} ({exc})") from None
    return True


@contextmanager
def _data_context(ray) -> Iterator[None]:
    """Set Ray Data's options for this run (and put the caller's back after it)."""
    context = ray.data.DataContext.get_current()
    options = {"enable_progress_bars": False, "print_on_execution_start": False,
               # Small blocks: the actors are handed work a block at a time, so one read task's
               # output must come in many blocks for all of them to get some.
               "target_max_block_size": BLOCK_BYTES, "shuffle_strategy": context.shuffle_strategy}
    saved = {name: getattr(context, name) for name in options}
    logger = logging.getLogger("ray.data")
    level = logger.level
    try:
        logger.setLevel(logging.ERROR)
        for name, value in options.items():
            setattr(context, name, value)
        with warnings.catch_warnings():
            # Ray Data's advice on tuning (too few input blocks for the actors, and so on) is
            # for its developers; this module sets the pipeline's shape itself.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"ray\.")
            yield
    finally:
        for name, value in saved.items():
            setattr(context, name, value)
        logger.setLevel(level)


def _run(ray, inputs: list[Path], out: Path, settings: Settings, workers: int, shard_pages: int,
         progress: Progress | None) -> ScaleSummary:
    with _data_context(ray):
        return _steps(ray, inputs, out, settings, workers, shard_pages, progress)


def _steps(ray, inputs: list[Path], out: Path, settings: Settings, workers: int, shard_pages: int,
           progress: Progress | None) -> ScaleSummary:
    start = time.monotonic()
    key = store.run_key(settings, shard_pages)
    names = {str(p): store.input_name(p, key) for p in inputs}
    pending = [p for p in inputs if store.stored_shards(out, names[str(p)]) is None]
    audited = _pages_step(ray, pending, names, out, settings, workers, shard_pages, progress, start) if pending else 0
    shards = [s for p in inputs for s in store.stored_shards(out, names[str(p)]) or ()]
    middle = time.monotonic()
    totals = _sites_step(ray, shards, inputs, out, settings, workers)
    end = time.monotonic()
    summary = ScaleSummary(totals["pages"], totals["sites"], totals["errors"], totals["words"],
                           {s: totals[f"findings_{s}"] for s in R.SEVERITIES}, audited,
                           len(inputs) - len(pending), end - start, middle - start, end - middle)
    store.write_json({"schema": store.MANIFEST_SCHEMA, "inputs": [str(p) for p in inputs],
                      "shard_pages": shard_pages, "use_model": settings.use_model, **vars(summary)},
                     out / store.MANIFEST)
    return summary


# Step 1: pages -------------------------------------------------------------------------


def _pages_step(ray, pending: list[Path], names: dict[str, str], out: Path, settings: Settings, workers: int,
                shard_pages: int, progress: Progress | None, start: float) -> int:
    """Audit the pages of `pending` inputs into shard files; return the number of pages audited."""
    finished = {str(p): store.finished_shards(out, names[str(p)]) for p in pending}
    specs = [{"input": source, "done": sorted(done)} for source, done in finished.items()]
    threads = 1  # one core per actor: the actors, not torch's threads, share the machine
    ds = ray.data.from_items(specs, override_num_blocks=len(specs))
    ds = ds.map_batches(_read_input, batch_size=1, batch_format="pyarrow", num_cpus=0,
                        fn_kwargs={"shard_pages": shard_pages, "max_bytes": settings.max_bytes})
    with warnings.catch_warnings():
        # max_restarts=0: an actor that dies (out of memory) is not restarted; the run stops with
        # one line, and running it again skips the shards already written. (Ray warns on stderr
        # about restarting actors whose arguments sit in its object store; Ray 2.64 drops this way
        # of passing the option, hence the pin in pyproject.toml.)
        warnings.filterwarnings("ignore", message=".*ray_remote_args.*")
        ds = ds.map_batches(_PageJudge, batch_size=BATCH, batch_format="pyarrow", num_cpus=1, concurrency=workers,
                            fn_constructor_kwargs={"settings": settings, "threads": threads}, max_restarts=0)
    collector = _Collector(out, names, finished)
    for table in ds.iter_batches(batch_format="pyarrow", batch_size=None):
        collector.add(table)
        if progress:
            progress(collector.pages, collector.errors, time.monotonic() - start)
    collector.flush()
    collector.check()
    return collector.pages


def _raw_schema():
    import pyarrow as pa

    return pa.schema([("input", pa.string()), ("record", pa.int64()), ("shard", pa.int32()), ("mark", pa.string()),
                      ("count", pa.int64()), ("url", pa.string()), ("site", pa.string()), ("media", pa.string()),
                      ("charset", pa.string()), ("body", pa.binary()), ("error", pa.string())])


def _read_input(batch, shard_pages: int, max_bytes: int) -> Iterator[Any]:
    """Yield the records of one input as tables of raw rows, with an "end" mark after each
    shard (its record count) and a "done" mark last (the input's shard count)."""
    import pyarrow as pa

    spec = batch.to_pylist()[0]
    source, done = spec["input"], set(spec["done"])
    path = Path(source)
    rows: list[dict] = []
    count = 0
    for count, item in enumerate(read_pages(PAGE_READERS[file_suffix(path)], path, source, max_bytes), start=1):
        shard = (count - 1) // shard_pages
        if shard not in done:
            rows.append(_raw_row(source, count, shard, item))
        if count % shard_pages == 0 and shard not in done:
            rows.append({"input": source, "shard": shard, "mark": "end", "count": shard_pages})
        if len(rows) >= READ_ROWS:
            yield pa.Table.from_pylist(rows, schema=_raw_schema())
            rows = []
    shards = (count + shard_pages - 1) // shard_pages
    if count % shard_pages and shards - 1 not in done:
        rows.append({"input": source, "shard": shards - 1, "mark": "end", "count": count % shard_pages})
    rows.append({"input": source, "shard": -1, "mark": "done", "count": shards})
    yield pa.Table.from_pylist(rows, schema=_raw_schema())


def _raw_row(source: str, record: int, shard: int, item: RawPage | InputFailure) -> dict:
    url = item.path if isinstance(item, InputFailure) else item.url
    row = {"input": source, "record": record, "shard": shard, "url": url, "site": registered_domain(url)}
    if isinstance(item, InputFailure):
        row["error"] = item.reason
    else:
        body = item.body.encode("utf-8", "surrogatepass") if isinstance(item.body, str) else item.body
        row.update(media=item.media, charset="utf-8" if isinstance(item.body, str) else item.charset, body=body)
    return row


class _PageJudge:
    """A Ray actor: one Auditor, loaded once, judging batches of raw rows into work rows."""

    def __init__(self, settings: Settings, threads: int) -> None:
        os.environ["CLIENTLENS_THREADS"] = str(threads)
        from clientlens.engine import Auditor

        self.auditor = Auditor(settings)
        _ = self.auditor.nlp, self.auditor.framer  # loaded now, not inside the first batch
        self.names = list(self.auditor.families.families)

    def __call__(self, batch):
        import pyarrow as pa

        raw = batch.to_pylist()
        records = [r for r in raw if r["mark"] is None]
        judged = R.judge_pages(self.auditor, [_item(r) for r in records])
        rows = [{"input": r["input"], "record": r["record"], "shard": r["shard"], "site": r["site"], **j}
                for r, j in zip(records, judged)]
        rows += [{"input": r["input"], "shard": r["shard"], "mark": r["mark"], "count": r["count"]}
                 for r in raw if r["mark"] is not None]
        return pa.Table.from_pylist(rows, schema=work_schema(self.names, marks=True))


def _item(row: dict) -> Document | InputFailure:
    if row["error"] is not None:
        return InputFailure(row["url"], row["error"], Kind.PAGE)
    try:
        return page_document(RawPage(row["url"], row["body"], row["media"], row["charset"]))
    except Exception as exc:  # noqa: BLE001 - one page that breaks the reader must not stop the job
        return InputFailure(row["url"], " ".join(f"{row['url']}: internal error while reading this page "
                                                 f"({type(exc).__name__}: {exc})".split()), Kind.PAGE)


def work_schema(names: Sequence[str], marks: bool = False):
    """Return the pyarrow schema of work rows (with the "mark"/"count" columns of the actors' output)."""
    import pyarrow as pa

    fields = [("input", pa.string()), ("record", pa.int64()), ("shard", pa.int32()), ("site", pa.string()),
              ("url", pa.string()), ("kind", pa.string()), ("error", pa.string()), ("words", pa.int64()),
              ("chars", pa.int64())]
    fields += [(R.count_column(f), pa.int64()) for f in names] + [(R.first_column(f), pa.int64()) for f in names]
    fields += [("dominant", pa.string()), ("consistency", pa.float64()), ("mixed", pa.bool_()),
               ("framing", pa.string()), *[(f"framing_{lb}", pa.float64()) for lb in R.FRAMING_LABELS],
               ("findings_if", pa.string())]
    if marks:
        fields += [("mark", pa.string()), ("count", pa.int64())]
    return pa.schema(fields)


class _Collector:
    """Gathers work rows by shard on the driver and writes each shard the moment it is whole.

    It works on whole Arrow batches (a filter per shard in the batch), not row by row: the
    driver sees every page of the run, so its cost per page bounds the run's pages/s.
    """

    def __init__(self, out: Path, names: dict[str, str], finished: dict[str, set[int]]) -> None:
        self.out, self.names = out, names
        self.stored = finished  # input -> numbers of its shards on disk
        self.parts: dict[tuple[str, int], list] = defaultdict(list)  # shard -> its Arrow tables so far
        self.have: dict[tuple[str, int], int] = defaultdict(int)
        self.expected: dict[tuple[str, int], int] = {}
        self.shards: dict[str, int] = {}  # input -> its number of shards, once its reader is done
        self.waiting: list = []
        self.pages = self.errors = 0

    def add(self, table) -> None:
        """Take in one batch of the actors' output (sorted into shards a few batches at a time)."""
        self.pages += table["mark"].null_count  # the rows that are not marks are pages
        self.errors += table.num_rows - table["error"].null_count
        self.waiting.append(table)
        if sum(t.num_rows for t in self.waiting) >= DRIVER_ROWS:
            self.flush()

    def flush(self) -> None:
        """Sort the batches taken in so far into their shards, and write the shards now whole."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if not self.waiting:
            return
        table, self.waiting = pa.concat_tables(self.waiting).combine_chunks(), []
        marked = pc.is_valid(table["mark"])
        records = table.filter(pc.invert(marked)).drop(["mark", "count"])
        touched = set()
        for key in {(r["input"], r["shard"]) for r in records.group_by(["input", "shard"]).aggregate([]).to_pylist()}:
            part = records.filter(pc.and_(pc.equal(records["input"], key[0]), pc.equal(records["shard"], key[1])))
            self.parts[key].append(part)
            self.have[key] += part.num_rows
            touched.add(key)
        for mark in table.filter(marked).select(["input", "shard", "mark", "count"]).to_pylist():
            if mark["mark"] == "done":
                self.shards[mark["input"]] = mark["count"]
                self._finish_if_whole(mark["input"])
            else:
                self.expected[(mark["input"], mark["shard"])] = mark["count"]
                touched.add((mark["input"], mark["shard"]))
        for key in touched:
            if self.expected.get(key) == self.have[key]:
                self._write(key)
                self._finish_if_whole(key[0])

    def _write(self, key: tuple[str, int]) -> None:
        import pyarrow as pa

        table = pa.concat_tables(self.parts.pop(key)).sort_by("record")
        store.write_shard(table, store.shard_path(self.out, self.names[key[0]], key[1]))
        del self.expected[key], self.have[key]
        self.stored[key[0]].add(key[1])

    def _finish_if_whole(self, source: str) -> None:
        count = self.shards.get(source)
        if count is not None and self.stored[source] >= set(range(count)):
            store.write_json({"input": source, "shards": count}, store.done_path(self.out, self.names[source]))

    def check(self) -> None:
        """Raise ClientlensError if a shard or an input was left unfinished (a bug, never bad input)."""
        missing = [f"{source} shard {shard}" for source, shard in self.parts] + \
                  [source for source in self.stored if source not in self.shards]
        if missing:
            raise ClientlensError(f"internal error: unfinished shards ({', '.join(missing[:5])})")


# Step 2: sites -------------------------------------------------------------------------


def _sites_step(ray, shards: list[Path], inputs: list[Path], out: Path, settings: Settings, workers: int) -> dict:
    """Write the site and page tables from the work rows in `shards`; return the site table's totals.

    Both tables come from a group-by on the site: one row per site, and each page again with
    its site's target (two shuffles of the small work rows, and no join).
    """
    import pyarrow.parquet as pq

    names = list(family_set(settings.families).families)
    kwargs = {"settings": settings, "names": names, "positions": {str(p): i for i, p in enumerate(inputs)}}
    rows = sum(pq.ParquetFile(p).metadata.num_rows for p in shards)
    partitions = max(1, min(4 * workers, rows // 50_000 + 1))
    if rows <= SORT_SHUFFLE_ROWS:
        # Ray's hash shuffle starts an actor per partition: seconds that only pay off on big inputs.
        from ray.data.context import ShuffleStrategy

        ray.data.DataContext.get_current().shuffle_strategy = ShuffleStrategy.SORT_SHUFFLE_PULL_BASED
    for table, fn in ((store.SITES, _site_rows), (store.PAGES, _page_rows)):
        work = ray.data.read_parquet([str(p) for p in shards])
        data = work.groupby("site", num_partitions=partitions).map_groups(fn, batch_format="pyarrow", fn_kwargs=kwargs)
        tmp, final = store.table_dir(out, table)
        try:
            data.write_parquet(str(tmp))
            store.put_in_place(tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return _totals(out / store.SITES)


def _totals(sites: Path) -> dict:
    """Return the sums of the site table's page, error, word and finding columns, and its number of rows."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    columns = ["pages", "errors", "words", *(f"findings_{s}" for s in R.SEVERITIES)]
    totals = dict.fromkeys([*columns, "sites"], 0)
    for path in sorted(sites.glob("*.parquet")):
        table = pq.read_table(path, columns=columns)
        totals["sites"] += table.num_rows
        for c in columns:
            totals[c] += int(pc.sum(table[c]).as_py() or 0)
    return totals


def _in_order(group, positions: dict[str, int]) -> list[dict]:
    """Return a site's work rows in page order: inputs in the order given, records in file order."""
    return sorted(group.to_pylist(), key=lambda r: (positions.get(r["input"], len(positions)), r["input"], r["record"]))


def _site_rows(group, settings: Settings, names: list[str], positions: dict[str, int]):
    import pyarrow as pa

    rows = _in_order(group, positions)
    return pa.Table.from_pylist([R.site_row(rows[0]["site"], rows, settings, names)], schema=site_schema(names))


def _page_rows(group, settings: Settings, names: list[str], positions: dict[str, int]):
    import pyarrow as pa

    rows = _in_order(group, positions)
    target = R.site_row(rows[0]["site"], rows, settings, names)["target"]
    return pa.Table.from_pylist([R.page_row(r, target) for r in rows], schema=page_schema(names))


def site_schema(names: Sequence[str]):
    """Return the pyarrow schema of the site table."""
    import pyarrow as pa

    return pa.schema([("site", pa.string()), ("pages", pa.int64()), ("errors", pa.int64()), ("words", pa.int64()),
                      *[(R.count_column(f), pa.int64()) for f in names], ("dominant", pa.string()),
                      ("consistency", pa.float64()), ("mixed", pa.bool_()), ("mixed_pages", pa.int64()),
                      ("framing", pa.string()), *[(f"framing_{lb}", pa.float64()) for lb in R.FRAMING_LABELS],
                      *_findings_fields()])


def page_schema(names: Sequence[str]):
    """Return the pyarrow schema of the page table."""
    keep = [f for f in work_schema(names) if f.name not in R.WORK_ONLY and not f.name.startswith("first_")]
    import pyarrow as pa

    return pa.schema([*keep, *_findings_fields()])


def _findings_fields():
    import pyarrow as pa

    return [("target", pa.string()), ("findings", pa.int64()), *[(f"findings_{s}", pa.int64()) for s in R.SEVERITIES]]
