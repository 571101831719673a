"""Time and memory of clientlens on the hostile inputs of issue 21, each in a child process.

    python3 scripts/bench_hostile.py                 # every case, at the issue's sizes
    python3 scripts/bench_hostile.py --only 1 6      # the cases of items 1 and 6
    python3 scripts/bench_hostile.py --timeout 60 --out hostile.json

Each case writes its input (scripts/hostile_inputs.py) beside a good file, runs
`python3 -m clientlens audit ... --no-model -f json` (or `contract`) in a child with a
wall-clock limit, and prints the exit code, seconds, peak RSS of the child (ru_maxrss from
wait4), how many good documents the report kept and the first line of stderr. Crawl cases
start their own server on 127.0.0.1. Nothing is asserted: the tests in tests/hostile/ do
that on small inputs; this script measures the big ones.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile_inputs as hi  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MB = 1_000_000


@dataclass
class Case:
    """One hostile input: `setup(folder)` writes it and returns the CLI arguments (and stdin)."""

    item: int
    name: str
    setup: Callable[[Path], "Run"]


@dataclass
class Run:
    args: list[str]
    stdin: str | None = None
    drop_caps: bool = False  # as root, run the child without the capability to bypass file permissions
    check: Callable[[Path], str] | None = None  # after the run: a line about the result
    env: dict[str, str] = field(default_factory=dict)


def _good(folder: Path) -> Path:
    return hi.write(folder / "good.txt", hi.GOOD)


def _audit(*paths: object, fmt: str = "json") -> list[str]:
    return ["audit", *map(str, paths), "--no-model", "-f", fmt]


def _case_text(name: str, text_fn: Callable[[], str], config: str = "") -> Callable[[Path], Run]:
    def setup(folder: Path) -> Run:
        hi.write(folder / "in" / name, text_fn())
        _good(folder / "in")
        if config:
            hi.write(folder / "in" / ".clientlens.toml", config)
        return Run(_audit(folder / "in"))
    return setup


def _stdin_case(size: int, every: int = 1) -> Callable[[Path], Run]:
    def setup(folder: Path) -> Run:
        path = hi.write(folder / "stdin.txt", hi.long_line(size, every))
        return Run(_audit("-"), stdin=str(path))
    return setup


def _jsonl_case(line_fn: Callable[[], str]) -> Callable[[Path], Run]:
    def setup(folder: Path) -> Run:
        path = hi.write(folder / "records.jsonl", hi.jsonl_record(hi.GOOD, "good") + line_fn()
                        + hi.jsonl_record(hi.GOOD, "after"))
        return Run(_audit(path))
    return setup


def _surrogate_format(fmt: str) -> Callable[[Path], Run]:
    def setup(folder: Path) -> Run:
        path = hi.write(folder / "records.jsonl", hi.jsonl_record(hi.GOOD, "good") + hi.jsonl_surrogate())
        return Run(_audit(path, fmt=fmt))
    return setup


def _bad_name_format(fmt: str) -> Callable[[Path], Run]:
    def setup(folder: Path) -> Run:
        (folder / "in").mkdir()
        (folder / "in").joinpath(os.fsdecode(b"caf\xe9.txt")).write_text("A customer paid. Our clients stay.")
        _good(folder / "in")
        return Run(_audit(folder / "in", fmt=fmt))
    return setup


def _config_case(name: str, data: bytes, parent: bool = False) -> Callable[[Path], Run]:
    def setup(folder: Path) -> Run:
        site = folder / "proj" / "site"
        _good(site)
        hi.write((folder / "proj" if parent else site) / name, data)
        return Run(_audit(site))
    return setup


def _special_case(kind: str) -> Callable[[Path], Run]:
    def setup(folder: Path) -> Run:
        site = folder / "site"
        _good(site)
        if kind == "fifo":
            os.mkfifo(site / "pipe.txt")
        else:
            os.symlink(kind, site / "device.txt")
        return Run(_audit(site))
    return setup


def _docx_bomb(folder: Path) -> Run:
    hi.write(folder / "in" / "bomb.docx", hi.docx_bytes(padding=1_000 * MB))
    _good(folder / "in")
    return Run(_audit(folder / "in"))


def _pdf_refs(folder: Path) -> Run:
    hi.write(folder / "in" / "refs.pdf", hi.pdf_many_page_refs(99_000))
    _good(folder / "in")
    return Run(_audit(folder / "in"))


def _unreadable_folder(folder: Path) -> Run:
    site = folder / "site"
    _good(site)
    hi.write(site / "locked" / "page.txt", hi.GOOD)
    os.chmod(site / "locked", 0)
    return Run(_audit(site), drop_caps=True)


def _fix_owner(folder: Path) -> Run:
    page = hi.write(folder / "page.md", "Our clients stay. Clients return. A customer pays.\n")
    os.chown(page, 65534, 65534)
    return Run(["audit", str(page), "--no-model", "--fix", "--force"],
               check=lambda _: f"owner after --fix: {page.stat().st_uid}:{page.stat().st_gid} (was 65534:65534)")


def _utf16(folder: Path) -> Run:
    hi.write(folder / "in" / "utf16.txt", hi.utf16_without_bom())
    return Run(_audit(folder / "in"))


# ---- crawl cases: a server on 127.0.0.1 -------------------------------------------------------------

@contextmanager
def serve(answer: Callable[[BaseHTTPRequestHandler], None]) -> Iterator[str]:
    """Run an HTTP server on 127.0.0.1 whose GETs call `answer(handler)`; yield its base URL."""
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            try:
                answer(self)
            except OSError:
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, kind: str = "text/html") -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _drip(handler: BaseHTTPRequestHandler) -> None:
    if handler.path != "/":
        return _send(handler, 404, b"")
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(100_000):
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(1.0)


def _www_ip(base_holder: list[str]) -> Callable[[BaseHTTPRequestHandler], None]:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        port = base_holder[0].rsplit(":", 1)[1]
        if handler.path == "/":
            body = f'<p>Our clients. <a href="http://www.127.0.0.1:{port}/elsewhere">more</a></p>'
            return _send(handler, 200, body.encode())
        return _send(handler, 404, b"")
    return answer


def _sitemap_server(sitemap: list[bytes]) -> Callable[[BaseHTTPRequestHandler], None]:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        if handler.path == "/sitemap.xml":
            return _send(handler, 200, sitemap[0], "application/x-gzip")
        if handler.path == "/robots.txt":
            return _send(handler, 404, b"", "text/plain")
        return _send(handler, 200, b"<p>Our clients rent flats.</p>")
    return answer


CRAWL = ["--delay", "0", "--concurrency", "2"]

CASES = [
    Case(1, "1 MB line, no sentence break", _case_text("line.txt", lambda: hi.long_line(MB))),
    Case(1, "1 MB line, no sentence break, a mention every 25 clauses",
         _case_text("line.txt", lambda: hi.long_line(MB, every=25))),
    Case(1, "1 MB hyphenated word", _case_text("word.txt", lambda: hi.hyphenated_word(MB))),
    Case(1, "25,000 short sentences, one paragraph", _case_text("sentences.txt", lambda: hi.short_sentences(25_000))),
    Case(1, "25,000 short sentences, one paragraph, a mention in every 10th",
         _case_text("sentences.txt", lambda: hi.short_sentences(25_000, every=10))),
    Case(1, "1.75 MB JSONL record", _jsonl_case(lambda: hi.jsonl_record(hi.long_line(1_750_000)))),
    Case(1, "1.75 MB JSONL record, a mention every 25 clauses",
         _jsonl_case(lambda: hi.jsonl_record(hi.long_line(1_750_000, every=25)))),
    Case(1, "30 MB on stdin", _stdin_case(30 * MB)),
    Case(1, "15 MB on stdin, a mention every 200 clauses", _stdin_case(15 * MB, every=200)),
    Case(2, "JSONL id of 5,000 digits", _jsonl_case(hi.jsonl_long_id)),
    Case(2, "JSONL line nested 100,000 deep", _jsonl_case(hi.jsonl_deep)),
    *[Case(2, f"JSONL lone surrogate, -f {f}", _surrogate_format(f))
      for f in ("json", "text", "sarif", "html", "markdown", "github")],
    *[Case(2, f"file name not UTF-8, -f {f}", _bad_name_format(f))
      for f in ("json", "text", "sarif", "html", "markdown", "github")],
    Case(3, ".clientlens.toml not UTF-8", _config_case(".clientlens.toml", b'preferred = "client\xff"\n')),
    Case(3, ".clientlens.toml array nested 5,000 deep", _config_case(".clientlens.toml", hi.nested_toml_array())),
    Case(3, "pyproject: tool = 5", _config_case("pyproject.toml", b"tool = 5\n")),
    Case(3, 'pyproject: [tool] clientlens = "x"', _config_case("pyproject.toml", b'[tool]\nclientlens = "x"\n')),
    Case(3, "broken pyproject.toml in a parent folder", _config_case("pyproject.toml", b"[project\n", parent=True)),
    Case(4, "symlink to /dev/zero in a folder", _special_case("/dev/zero")),
    Case(4, "symlink to /dev/urandom in a folder", _special_case("/dev/urandom")),
    Case(4, "audit /dev/zero", lambda folder: Run(_audit("/dev/zero"))),
    Case(4, "audit - </dev/zero", lambda folder: Run(_audit("-"), stdin="/dev/zero")),
    Case(4, "FIFO in a folder", _special_case("fifo")),
    Case(5, "DOCX zip bomb (1 GB of XML)", _docx_bomb),
    Case(5, "PDF with 99,000 references to one page", _pdf_refs),
    Case(6, "Markdown, 20,000 unclosed <!--", _case_text("comments.md", lambda: hi.unclosed_comments(20_000))),
    Case(6, "HTML, 20,000 unclosed <!--", _case_text("comments.html", lambda: hi.unclosed_comments(20_000))),
    Case(6, "HTML, 14,000 unclosed <a", _case_text("anchors.html", lambda: hi.unclosed_anchors(14_000))),
    Case(6, "HTML, 100,000 mentions (max-mentions raised)",
         _case_text("mentions.html", lambda: hi.many_mentions_html(100_000), "max-mentions = 200000\n")),
    Case(6, "text, the same 100,000 mentions (max-mentions raised)",
         _case_text("mentions.txt", lambda: hi.many_mentions_text(100_000), "max-mentions = 200000\n")),
    Case(7, "server drips a byte a second (--timeout 3)", lambda folder: Run(["crawl-drip"])),
    Case(7, "link to http://www.127.0.0.1:PORT/", lambda folder: Run(["crawl-www"])),
    Case(7, "gzipped sitemap of 900,000 URLs (45 MB unpacked), --max-pages 20", lambda folder: Run(["crawl-sitemap"])),
    Case(8, "unreadable sub-folder", _unreadable_folder),
    Case(8, "--fix as root on a file owned by nobody", _fix_owner),
    Case(8, "UTF-16 without a BOM", _utf16),
]


def _crawl_args(kind: str, stack) -> tuple[list[str], Callable[[Path], str] | None]:
    if kind == "crawl-drip":
        base = stack.enter_context(serve(_drip))
        return ["audit", base + "/", "--no-model", "-f", "json", *CRAWL, "--timeout", "3", "--max-pages", "1"], None
    if kind == "crawl-www":
        holder: list[str] = [""]
        base = stack.enter_context(serve(_www_ip(holder)))
        holder[0] = base
        return ["audit", base + "/", "--no-model", "-f", "json", *CRAWL, "--timeout", "5"], None
    sitemap = [b""]
    base = stack.enter_context(serve(_sitemap_server(sitemap)))
    sitemap[0] = hi.sitemap_gz(base, 900_000)
    return ["audit", base + "/", "--no-model", "-f", "json", *CRAWL, "--max-pages", "20", "--timeout", "5"], None


def run_case(case: Case, timeout: float, python: str, src: Path) -> dict:
    """Return the measurements of one case run in a child process."""
    from contextlib import ExitStack

    folder = Path(tempfile.mkdtemp(prefix="clientlens-hostile-"))
    try:
        with ExitStack() as stack:
            run = case.setup(folder)
            if run.args[0].startswith("crawl-"):
                run.args, run.check = _crawl_args(run.args[0], stack)
            out = folder / "report.out"
            argv = [python, "-m", "clientlens", *run.args, "-o", str(out)] if "--fix" not in run.args else \
                [python, "-m", "clientlens", *run.args]
            if run.drop_caps and os.geteuid() == 0:
                caps = "-dac_override,-dac_read_search"
                argv = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", *argv]
            row = child(argv, timeout, run.stdin, {"PYTHONPATH": str(src), **run.env}, cwd=folder)
            row["good_documents"] = _good_documents(out)
            if run.check:
                row["check"] = run.check(folder)
        return {"item": case.item, "case": case.name, **row}
    finally:
        for path in folder.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                os.chmod(path, 0o755)
        shutil.rmtree(folder, ignore_errors=True)


def child(argv: list[str], timeout: float, stdin: str | None, env: dict[str, str], cwd: Path) -> dict:
    """Return rc, wall seconds, peak RSS (MB) and the first stderr line of one child run.

    The child runs under /usr/bin/time where there is one, whose own child starts from a
    small process: ru_maxrss of a child forked straight from this one counts this one's
    memory too. Without it, and for a child killed past `timeout`, the peak is the highest
    VmHWM read from /proc every 0.2 s.
    """
    start = time.monotonic()
    stdin_handle = open(stdin, "rb") if stdin else subprocess.DEVNULL
    err = tempfile.TemporaryFile()
    rss = cwd / "maxrss.kb"
    wrapped = os.path.exists("/usr/bin/time")
    proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", str(rss), *argv] if wrapped else argv,
                            stdin=stdin_handle, stdout=subprocess.DEVNULL, stderr=err, env={**os.environ, **env},
                            cwd=cwd, start_new_session=True)
    peak = [0]

    def watch() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _peak_rss_kb(proc.pid, wrapped))
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        proc.wait(timeout)
        killed = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        killed = True
    finally:
        if stdin:
            stdin_handle.close()
    wall = time.monotonic() - start
    err.seek(0)
    lines = [line for line in err.read().decode("utf-8", "replace").splitlines()
             if line.strip() and not line.startswith("Command ")]
    try:
        peak_kb = int(rss.read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        peak_kb = peak[0]
    return {"rc": "killed" if killed else proc.returncode, "wall_s": round(wall, 2),
            "maxrss_mb": round(peak_kb / 1024, 1), "stderr": lines[0][:200] if lines else ""}


def _peak_rss_kb(pid: int, wrapped: bool) -> int:
    """Return the peak resident set (KB) of the audit: `pid` itself, or its child under /usr/bin/time."""
    best = 0
    try:
        pids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split() if wrapped else [str(pid)]
    except OSError:
        return 0
    for child_pid in pids:
        try:
            for line in Path(f"/proc/{child_pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    best = max(best, int(line.split()[1]))
        except (OSError, ValueError):
            continue
    return best


def _good_documents(out: Path) -> int | None:
    try:
        report = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(report, dict) or report.get("schema") != "clientlens.report/1":
        return None  # another format (SARIF...): not counted
    return sum(1 for d in report["documents"] if not d.get("error"))


def render(rows: list[dict]) -> str:
    """Return the rows as a Markdown table."""
    out = ["| item | case | exit | s | peak MB | good docs | first stderr line |", "| --- | --- | --- | ---: | ---: | ---: | --- |"]
    for r in rows:
        note = r["stderr"] + (f" ({r['check']})" if r.get("check") else "")
        good = "" if r["good_documents"] is None else r["good_documents"]
        out.append(f"| {r['item']} | {r['case']} | {r['rc']} | {r['wall_s']} | {r['maxrss_mb']} | {good} | "
                   f"{note.replace('|', '/')} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> list[dict]:
    """Run the chosen cases; print a table and return the rows."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", type=int, nargs="*", help="item numbers to run (default all)")
    parser.add_argument("--match", help="only cases whose name contains this text")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds per case before the child is killed")
    parser.add_argument("--src", default=str(ROOT / "src"), help="the clientlens source tree to run")
    parser.add_argument("--out", help="write the rows here as JSON")
    args = parser.parse_args(argv)
    rows = []
    for case in CASES:
        if args.only and case.item not in args.only or args.match and args.match not in case.name:
            continue
        row = run_case(case, args.timeout, sys.executable, Path(args.src))
        print(json.dumps(row), flush=True)
        rows.append(row)
    print(render(rows))
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return rows


if __name__ == "__main__":
    main()
