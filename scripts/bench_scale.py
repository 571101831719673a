"""Benchmark `clientlens audit --engine ray` on a generated web archive.

    python3 scripts/bench_scale.py --out bench_scale.json            # 20,000 pages, 1 and 2 workers
    python3 scripts/bench_scale.py --pages 2000 --runs 1 --model-pages 200   # a quick look

Writes `--pages` generated pages (scripts/bench_archive.py: 50 pages a site, interleaved, about
300 words of prose a page) into `--files` WARC.gz files, then runs the CLI in a child process
with 1 and 2 workers, rules-only on every page and with the framing model on the first
`--model-pages` pages (the model costs about a hundred times the rules), `--runs` times each.
Reports medians of: the wall time of the whole command (Python and Ray start-up included),
the time of the pages step (reading, ingest, rules, model, judging; from the run's
manifest), pages/s and words/s of that step, the per-core rate (pages/s of the step divided
by the workers), and the peak resident memory of each worker (an actor process, polled from
/proc every 0.2 s). The local engine (`--engine local -j 1`) on the same archive is the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_archive  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def write_archive(folder: Path, pages: int, files: int, per_site: int = 50) -> list[Path]:
    """Write `pages` generated pages into `files` WARC.gz files under `folder`; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    generated = bench_archive.site_pages(sites=max(-(-pages // per_site), 1), pages_per_site=per_site)[:pages]
    size = -(-len(generated) // files)
    return [bench_archive.write_warc(folder / f"crawl-{i:03d}.warc.gz",
                                     bench_archive.page_records(generated[i * size:(i + 1) * size]))
            for i in range(files) if generated[i * size:(i + 1) * size]]


class WorkerMemory:
    """Polls /proc for Ray worker processes running our actors and keeps each one's peak RSS (MB)."""

    def __init__(self) -> None:
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> "WorkerMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        while not self._stop.wait(0.2):
            for pid in (int(p) for p in os.listdir("/proc") if p.isdigit()):
                try:
                    title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                    if b"_PageJudge" not in title:
                        continue
                    rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                               if line.startswith("VmRSS:"))
                except (OSError, StopIteration, ValueError):
                    continue
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), rss / 1024)


def run_ray(files: list[Path], workers: int, model: bool) -> dict:
    """Run the Ray engine once in a child process; return its timings and the workers' peak memory."""
    out = Path(tempfile.mkdtemp(prefix="clientlens-scale-"))
    argv = [sys.executable, "-m", "clientlens", "audit", *map(str, files), "--engine", "ray", "-j", str(workers),
            "-o", str(out / "tables"), *(() if model else ("--no-model",))]
    start = time.perf_counter()
    with WorkerMemory() as memory:
        done = subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"bench_scale: {' '.join(argv)} failed ({done.returncode}): {done.stderr[-600:]}")
    manifest = json.loads((out / "tables" / "manifest.json").read_text())
    shutil.rmtree(out, ignore_errors=True)
    return {"wall_s": wall, "pages_step_s": manifest["pages_seconds"], "sites_step_s": manifest["sites_seconds"],
            "pages": manifest["pages"], "words": manifest["words"], "sites": manifest["sites"],
            "worker_peak_mb": sorted(round(v) for v in memory.peaks.values())}


def run_local(files: list[Path]) -> dict:
    """Run the local engine once (one process, -j 1, rules-only) on the same files; return its wall time."""
    argv = [sys.executable, "-m", "clientlens", "audit", *map(str, files), "--no-model", "-f", "json", "-o", os.devnull]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"bench_scale: local engine failed ({done.returncode}): {done.stderr[-600:]}")
    return {"wall_s": time.perf_counter() - start}


def driver_rate(rows: int = 40_000, shard_pages: int = 10_000) -> float:
    """Return the work rows per second the driver sorts into shards and writes (in this process,
    no Ray): the ceiling on pages/s however many workers there are."""
    import json as _json

    import pyarrow as pa

    from clientlens.scale import run

    row = {"input": "a.warc.gz", "site": "example.com", "kind": "page", "words": 300, "chars": 1800,
           "count_client": 3, "count_customer": 1, "first_client": 10, "first_customer": -1, "dominant": "client",
           "consistency": 75.0, "mixed": True, "findings_if": _json.dumps({"": [0, 0, 0], "client": [0, 1, 0],
                                                                          "customer": [0, 3, 0]})}
    records = [{**row, "record": i + 1, "shard": i // shard_pages, "url": f"https://example.com/{i}"}
               for i in range(rows)]
    shards = -(-rows // shard_pages)
    marks = [{"input": "a.warc.gz", "shard": s, "mark": "end", "count": shard_pages} for s in range(shards)]
    marks.append({"input": "a.warc.gz", "shard": -1, "mark": "done", "count": shards})
    schema = run.work_schema(["client", "customer"], marks=True)
    batches = [pa.Table.from_pylist(records[i:i + 64], schema=schema) for i in range(0, rows, 64)]
    batches.append(pa.Table.from_pylist(marks, schema=schema))
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "shards").mkdir()
        collector = run._Collector(Path(tmp), {"a.warc.gz": "a"}, {"a.warc.gz": set()})
        start = time.perf_counter()
        for batch in batches:
            collector.add(batch)
        collector.flush()
        collector.check()
        return rows / (time.perf_counter() - start)


def medians(runs: list[dict], workers: int) -> dict:
    """Return the medians of a measure's runs, with the rates of the pages step."""
    step = statistics.median(r["pages_step_s"] for r in runs)
    first = runs[0]
    return {"runs": len(runs), "pages": first["pages"], "words": first["words"], "sites": first["sites"],
            "wall_s": round(statistics.median(r["wall_s"] for r in runs), 1),
            "pages_step_s": round(step, 1),
            "sites_step_s": round(statistics.median(r["sites_step_s"] for r in runs), 1),
            "pages_per_s": round(first["pages"] / step, 1), "words_per_s": round(first["words"] / step),
            "pages_per_s_per_core": round(first["pages"] / step / workers, 1),
            "pages_step_runs_s": [round(r["pages_step_s"], 1) for r in runs],
            "worker_peak_mb": max(max(r["worker_peak_mb"] or [0]) for r in runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--model-pages", type=int, default=1_000, help="pages audited with the model (0: skip)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-local", action="store_true", help="skip the local-engine baseline")
    parser.add_argument("--model-only", action="store_true", help="only the runs with the model")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to run, in order")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="clientlens-archive-"))
    try:
        files = write_archive(folder / "all", args.pages, args.files)
        model_files = write_archive(folder / "model", args.model_pages, 2) if args.model_pages else []
        results: dict[str, dict] = {}
        results["driver: work rows sorted into shards"] = {
            "rows_per_s": round(statistics.median(driver_rate() for _ in range(args.runs)))}
        if not args.no_local:
            results["local engine, rules-only, -j 1"] = {"wall_s": round(statistics.median(
                run_local(files)["wall_s"] for _ in range(args.runs)), 1)}
        for model, chosen in ((False, [] if args.model_only else files), (True, model_files)):
            for workers in args.workers:
                if chosen:
                    name = f"ray, {'rules + model' if model else 'rules-only'}, {workers} worker(s)"
                    results[name] = medians([run_ray(chosen, workers, model) for _ in range(args.runs)], workers)
                    print(name, json.dumps(results[name]), flush=True)
        facts = {"machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
                 "archive_mb": round(sum(f.stat().st_size for f in files) / 1e6, 1),
                 "load_average": os.getloadavg()}
        if args.out:
            args.out.write_text(json.dumps({"facts": facts, "results": results}, indent=2) + "\n")
        print(json.dumps(facts))
        for name, row in results.items():
            print(f"{name:42} {json.dumps(row)}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
