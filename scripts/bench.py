"""Benchmark clientlens on a deterministic synthetic site and contract set.

    python3 scripts/bench.py --out bench.json            # the full run (~300 pages, ~200,000 words)
    python3 scripts/bench.py --quick                      # a smaller site, fewer runs
    python3 scripts/bench.py --model-dir runs/full1       # a model that is not bundled yet

Measures, as medians over --runs runs in one process: the floor (a blank spaCy tokenizer
plus a PhraseMatcher over all the text), the rules-only audit (loaded documents, and end to
end with ingest), the full audit (rules + model); then, in child processes, the cold start
of `clientlens audit one-page.md` with and without the model, peak memory (ru_maxrss of the
child) and a folder of contracts audited with --jobs 1 and --jobs 2. Prints a table with
words/second and each time as a multiple of the floor; --out writes everything as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_site  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FAMILY_WORDS = ("client", "clients", "clientele", "customer", "customers")


def find_model_dir(given: str | None) -> Path | None:
    """Return the model to benchmark: `given`, else the bundled one, else runs/full1, else None."""
    if given:
        return Path(given)
    for candidate in (ROOT / "models" / "framing", ROOT / "runs" / "full1"):
        if (candidate / "model.safetensors").is_file():
            return candidate
    return None


def timed(fn: Callable[[], object], runs: int, warmup: int = 1) -> list[float]:
    """Return the wall times of `runs` calls of `fn`, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def floor_pass(texts: list[str]) -> Callable[[], int]:
    """Return a function that tokenises every text with blank spaCy and runs a PhraseMatcher."""
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("FAMILY", [nlp.make_doc(w) for w in FAMILY_WORDS])

    def run() -> int:
        return sum(len(matcher(doc)) for doc in nlp.pipe(texts, batch_size=256))

    return run


# Runs the command and reports its wall time and peak RSS. It is started from this (large)
# process, but the command is started from it (small): ru_maxrss survives fork and exec, so
# a command forked straight from here would report this process's size.
_LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as out:
    json.dump({"wall_s": wall, "rc": os.waitstatus_to_exitcode(status), "maxrss_mb": usage.ru_maxrss / 1024}, out)
"""


def child(argv: list[str], cwd: Path | None = None) -> dict:
    """Run a child process; return its wall time, exit code, peak RSS (MB, its largest process) and output."""
    env = dict(os.environ, NO_COLOR="1")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "usage.json"
        done = subprocess.run([sys.executable, "-c", _LAUNCHER, str(report), *argv], cwd=cwd, env=env,
                              capture_output=True)
        usage = json.loads(report.read_text()) if report.is_file() else {"wall_s": 0.0, "rc": done.returncode,
                                                                         "maxrss_mb": 0.0}
    return {**usage, "stdout": done.stdout.decode("utf-8", "replace"), "stderr": done.stderr.decode("utf-8", "replace")}


def cli(*args: str) -> list[str]:
    """Return the argv that runs the clientlens CLI with `args` in a fresh interpreter."""
    return [sys.executable, "-m", "clientlens", *args]


def summary(times: list[float], words: int, floor: float | None) -> dict:
    """Return the median time, words/s and the time as a multiple of the floor's."""
    median = statistics.median(times)
    row = {"median_s": round(median, 4), "runs_s": [round(t, 4) for t in times],
           "words_per_s": round(words / median) if median else None}
    if floor:
        row["x_floor"] = round(median / floor, 2)
    return row


def full_auditor(model_dir: Path, shipped: bool):
    """Return an Auditor with the model at `model_dir`: as shipped (float32), or with the
    framing path in dynamic int8 for comparison (faster, but a passage's scores then depend
    on its batch-mates)."""
    from clientlens.config import Settings
    from clientlens.engine import Auditor
    from clientlens.model.framer import Framer

    auditor = Auditor(Settings(model_dir=str(model_dir)))
    if not shipped:
        # Settings has no switch for it (which variant ships is the model owner's call): set it here.
        auditor._framer, auditor._framer_loaded = Framer.load(model_dir, quantize=True), True
    return auditor


def bench_in_process(site: Path, contracts: Path, model_dir: Path | None, runs: int) -> tuple[dict, dict]:
    """Return (corpus facts, timings) of the floor, rules-only and full audits of `site`, and of
    the rules-only contract check of `contracts`."""
    from clientlens.config import Settings
    from clientlens.engine import Auditor
    from clientlens.ingest import load_documents
    from clientlens.types import Document

    settings = Settings(use_model=False)
    docs = [d for d in load_documents([str(site)], settings) if isinstance(d, Document)]
    texts = [d.text for d in docs]
    words = sum(len(t.split()) for t in texts)
    floor_fn = floor_pass(texts)
    hits = floor_fn()
    rows: dict[str, dict] = {}
    floor = statistics.median(timed(floor_fn, runs))
    rows["floor: tokenizer + PhraseMatcher"] = summary([floor], words, floor)
    rules = Auditor(settings)
    report = rules.audit_all(docs)
    rows["rules-only audit"] = summary(timed(lambda: rules.audit_all(docs), runs), words, floor)
    rows["rules-only, with ingest"] = summary(
        timed(lambda: Auditor(settings).audit_paths([str(site)]), runs), words, floor)
    for name, shipped in (("full audit (rules + model, shipped)", True), ("full audit, framing path int8", False)):
        if model_dir is None:
            break
        full = full_auditor(model_dir, shipped)
        framed = full.audit_all(docs)  # also the warm-up
        rows[name] = summary(timed(lambda: full.audit_all(docs), max(runs // 2, 1), warmup=0), words, floor)
        rows[name]["passages"] = sum(len(r.framings) for r in framed.documents)
        rows[name]["distinct_passages"] = len({f.passage.text for r in framed.documents for f in r.framings})
    papers = [d for d in load_documents([str(contracts)], settings) if isinstance(d, Document)]
    contract_words = sum(len(d.text.split()) for d in papers)
    rows["contract check, rules-only"] = summary(timed(lambda: rules.contract_all(papers), runs), contract_words, None)
    facts = {"documents": len(docs), "words": words, "contract_words": contract_words, "family_hits": hits,
             "mentions": sum(len(r.mentions) for r in report.documents),
             "words_per_family_word": round(words / max(hits, 1), 1)}
    return facts, rows


def bench_children(page: Path, site: Path, contracts: Path, model_dir: Path | None, runs: int,
                   jobs_model: bool = False) -> dict:
    """Return cold starts, peak memory and --jobs timings, each measured in child processes."""
    out: dict[str, dict] = {}
    no_model = cli("audit", str(page), "--no-model", "--format", "json")
    out["cold start, rules-only"] = _median_child(no_model, runs)
    out["import, --help"] = _median_child(cli("--help"), runs)
    model_args = ["--config", str(_config_for(model_dir))] if model_dir else []
    if model_dir is not None:
        out["cold start, with model"] = _median_child(cli("audit", str(page), "--format", "json", *model_args), runs)
    out["site, rules-only (memory)"] = _median_child(cli("audit", str(site), "--no-model", "--format", "json"), 1)
    if model_dir is not None:
        out["site, with model (memory)"] = _median_child(cli("audit", str(site), "--format", "json", *model_args), 1)
    count = sum(1 for _ in contracts.glob("*.txt"))
    for jobs in (1, 2):
        out[f"{count} contracts, rules-only, --jobs {jobs}"] = _median_child(
            cli("audit", str(contracts), "--no-model", "--format", "json", "--jobs", str(jobs)), runs)
    for jobs in (1, 2) if jobs_model and model_dir is not None else ():
        out[f"{count} contracts, with model, --jobs {jobs}"] = _median_child(
            cli("audit", str(contracts), "--format", "json", "--jobs", str(jobs), *model_args), 1)
    return out


def _config_for(model_dir: Path) -> Path:
    config = Path(tempfile.mkdtemp(prefix="clientlens-bench-")) / ".clientlens.toml"
    config.write_text(f"model-dir = {json.dumps(str(model_dir.resolve()))}\n", encoding="utf-8")
    return config


def _median_child(argv: list[str], runs: int) -> dict:
    results = [child(argv) for _ in range(runs)]
    bad = [r for r in results if r["rc"] not in (0, 1)]
    if bad:
        raise SystemExit(f"bench: {' '.join(argv)} failed (exit {bad[0]['rc']}): {bad[0]['stderr'][-400:]}")
    return {"median_s": round(statistics.median(r["wall_s"] for r in results), 3),
            "runs_s": [round(r["wall_s"], 3) for r in results],
            "maxrss_mb": round(max(r["maxrss_mb"] for r in results), 1),
            "output_sha": _digest(results[0]["stdout"])}


def _digest(text: str) -> str:
    import hashlib
    import re

    # The report names the tool version only; nothing else in it varies between runs.
    return hashlib.sha256(re.sub(r'"version": "[^"]*"', "", text).encode()).hexdigest()[:16]


def render_table(result: dict) -> str:
    """Return the results as a Markdown table."""
    lines = ["| measure | median s | words/s | x floor |", "| --- | ---: | ---: | ---: |"]
    for name, row in result["in_process"].items():
        lines.append(f"| {name} | {row['median_s']:.3f} | {row['words_per_s']:,} | {row.get('x_floor', '')} |")
    lines += ["", "| child process | median s | peak RSS MB |", "| --- | ---: | ---: |"]
    for name, row in result["children"].items():
        lines.append(f"| {name} | {row['median_s']:.3f} | {row['maxrss_mb']:,.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark; print the table; return (and with --out, write) the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--contracts", type=int, default=200, help="contracts written beside the site")
    parser.add_argument("--jobs-contracts", type=int, default=1000, help="contracts audited with --jobs 1 and 2")
    parser.add_argument("--jobs-model", action="store_true", help="also time --jobs with the model (slow)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="60 pages, 40,000 words, 3 runs, 100 + 200 contracts")
    parser.add_argument("--model-dir", help="framing model to use (default: models/framing, else runs/full1)")
    parser.add_argument("--no-model", action="store_true", help="skip every measure that needs the model")
    parser.add_argument("--no-children", action="store_true", help="skip cold starts, memory and --jobs")
    parser.add_argument("--workdir", help="where to write the synthetic site (default: a temporary folder)")
    parser.add_argument("--out", help="write the results as JSON here")
    args = parser.parse_args(argv)
    if args.quick:
        args.pages, args.words, args.runs, args.contracts, args.jobs_contracts = 60, 40_000, 3, 100, 200
    model_dir = None if args.no_model else find_model_dir(args.model_dir)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="clientlens-bench-"))
    site, contracts, many = work / "site", work / "contracts", work / "contracts-jobs"
    bench_site.write_site(site, args.pages, args.words)
    bench_site.write_contracts(contracts, args.contracts)
    bench_site.write_contracts(many, args.jobs_contracts, seed=12)
    page = next(p for p in sorted(site.rglob("*.md")))
    facts, rows = bench_in_process(site, contracts, model_dir, args.runs)
    result = {"machine": machine(), "model_dir": str(model_dir) if model_dir else None,
              "corpus": {**facts, "pages": args.pages, "contracts": args.contracts, "one_page": page.name},
              "runs": args.runs, "in_process": rows}
    result["children"] = {} if args.no_children else bench_children(page, site, many, model_dir, args.runs,
                                                                     args.jobs_model)
    print(render_table(result))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def machine() -> dict:
    """Return what the numbers were measured on."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"python": platform.python_version(), "cores": cores, "processor": platform.processor() or platform.machine(),
            "load_avg": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}


if __name__ == "__main__":
    main()
