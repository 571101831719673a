"""The command-line interface: parse options, call the API, write the output, return an exit code.

Exit codes (one contract, computed in `exit_code`): 0 nothing at or above --fail-on;
1 findings at or above it; 2 a usage, configuration, input or internal error.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from clientlens import __version__
from clientlens.cli_app import App
from clientlens.errors import ClientlensError

app = App(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
          help="clientlens: how business text names and treats the people it serves.")


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    html = "html"
    markdown = "markdown"
    github = "github"


class Scope(str, Enum):
    site = "site"
    document = "document"


class Engine(str, Enum):
    local = "local"
    ray = "ray"


FAIL_ON_VALUES = ("error", "warning", "info", "never")


def check_fail_on(value: Optional[str]) -> Optional[str]:
    """Return a valid --fail-on value (or None), or raise the one-line usage error for a bad one."""
    if value is not None and value not in FAIL_ON_VALUES:
        raise fail(f"--fail-on {value!r}: expected one of {', '.join(FAIL_ON_VALUES)}")
    return value


def exit_code(report, fail_on: str) -> int:
    """Return 0, 1 or 2 for a finished audit (see the module docstring)."""
    nothing_read = bool(report.documents) and all(d.error for d in report.documents)
    return exit_code_of(nothing_read, report.findings_by_severity(), fail_on)


def exit_code_of(nothing_read: bool, findings: dict[str, int], fail_on: str) -> int:
    """Return 0, 1 or 2 from whether no input could be read and the number of findings per severity."""
    if nothing_read:
        return 2
    if fail_on == "never":
        return 0
    levels = ("info", "warning", "error")
    return 1 if any(findings.get(s, 0) for s in levels[levels.index(fail_on):]) else 0


def color_wanted(color: Optional[bool], output: Optional[Path]) -> bool:
    """Return whether to colour text output: as asked, else only on a terminal without NO_COLOR."""
    if color is not None:
        return color
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def terminal_width(output: Optional[Path]) -> Optional[int]:
    """Return the terminal's width when the report goes to a terminal, else None (no table wrapping)."""
    if output is not None or not sys.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns


def fail(message: str) -> "typer.Exit":
    """Print a one-line error to stderr and return the Exit(2) to raise."""
    typer.echo(f"clientlens: error: {message}", err=True)
    return typer.Exit(2)


def write_output(text: str, output: Optional[Path]) -> None:
    """Write `text` to `output` (atomically) or to stdout."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    tmp = output.with_name(output.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, output)
    except OSError as exc:
        raise ClientlensError(f"cannot write {output}: {exc.strerror or exc}") from None


def import_spacy_without_torch() -> None:
    """Import spaCy with torch hidden from it, unless either is loaded already.

    thinc (under spaCy) imports torch, when it is installed, only to learn that it is there:
    seconds of a rules-only start-up for a library the rules never use. The model layer
    imports torch itself when a model is loaded. Only the CLI does this: a library user's
    process may want thinc's torch support.
    """
    if "spacy" in sys.modules or "torch" in sys.modules:
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` now raises ImportError
    try:
        import spacy  # noqa: F401
    finally:
        del sys.modules["torch"]


def progress_bar(description: str):
    """Return (callback, context manager) for a stderr progress bar, a no-op when stderr is no terminal."""
    if not sys.stderr.isatty():
        from contextlib import nullcontext

        return None, nullcontext()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    task = bar.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return update, bar


def load_cli_settings(paths: List[str], config: Optional[Path], **overrides):
    """Return Settings from the config file nearest the first path, with CLI overrides applied.

    A config file passed over (see config.find_config) is named on stderr as a warning.
    """
    import warnings

    from clientlens.config import load_settings
    from clientlens.errors import ConfigWarning

    # A URL is no place on disk: the config for a crawl is found from the working directory.
    first = next((Path(p) for p in paths if p != "-" and not p.lower().startswith(("http://", "https://"))), Path.cwd())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConfigWarning)
        settings = load_settings(first, config)
    for warning in caught:
        if issubclass(warning.category, ConfigWarning):
            typer.echo(f"clientlens: warning: {warning.message}", err=True)
        else:
            warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)
    return settings.replace(**overrides)


def set_debug(debug: bool) -> None:
    """Print (with `debug`) or not the traceback of every contained error to stderr: a document's, or the last one."""
    import logging

    logger = logging.getLogger("clientlens")
    for handler in [h for h in logger.handlers if getattr(h, "clientlens_debug", False)]:
        logger.removeHandler(handler)
    logger.setLevel(logging.DEBUG if debug else logging.NOTSET)
    if debug:
        handler = logging.StreamHandler(sys.stderr)  # the stderr of this run (tests swap it)
        handler.setFormatter(logging.Formatter("clientlens: debug: %(message)s"))
        handler.clientlens_debug = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


def debugging() -> bool:
    """Return True when --debug (or CLIENTLENS_DEBUG) asked for tracebacks."""
    import logging

    return bool(os.environ.get("CLIENTLENS_DEBUG")) or logging.getLogger("clientlens").isEnabledFor(logging.DEBUG)


def run_fix(report, reaudit, diff: bool, force: bool, output: Optional[Path], unsafe: bool = False):
    """Apply the fixes of `report` and return `reaudit()`'s fresh report; with `diff`, print them and exit."""
    from clientlens.fix import apply_fixes, plan_fixes, render_diff

    plan = plan_fixes(report, unsafe)
    for reason in plan.skipped:
        typer.echo(f"clientlens: not fixed: {reason}", err=True)
    if plan.held_back:
        typer.echo(f"clientlens: {plan.held_back} fix(es) need review, not applied (--unsafe-fixes applies them)",
                   err=True)
    if diff:
        write_output(render_diff(plan), output)
        raise typer.Exit(1 if plan.files else 0)
    written = apply_fixes(plan, force)
    typer.echo(f"clientlens: fixed {plan.fixes} mention(s) in {written} file(s)", err=True)
    return reaudit() if written else report


# Options that `audit` and `contract` share, defined once (like spaCy's Arg/Opt aliases).
FORMAT_OPT = typer.Option(Format.text, "--format", "-f", help="Output format.")
OUTPUT_OPT = typer.Option(None, "--output", "-o", help="Write the report here instead of stdout.")
FAIL_ON_OPT = typer.Option(None, "--fail-on", metavar="error|warning|info|never",
                           help="Lowest severity that exits 1 [default: warning].")
NO_MODEL_OPT = typer.Option(False, "--no-model", help="Rules only: skip the framing model.")
CONFIG_OPT = typer.Option(None, "--config", help="Use this config file instead of searching.")
COLOR_OPT = typer.Option(None, "--color/--no-color", help="Colour the text report [default: when a terminal].")
JOBS_OPT = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes for the per-document work (the report is the same).")
DEBUG_OPT = typer.Option(False, "--debug", help="Print the traceback of any internal error (a document's too) to stderr.")


def finish_command(report, settings) -> None:
    """Raise the Exit for a finished audit, saying so on stderr when no input could be read."""
    code = exit_code(report, settings.fail_on)
    if code == 2:
        typer.echo("clientlens: error: no input could be read (see the report)", err=True)
    raise typer.Exit(code)


def audit_on_ray(paths: List[str], output: Optional[Path], settings, jobs: Optional[int], address: Optional[str],
                 shard_pages: Optional[int], progress: bool, unsupported: dict[str, bool]) -> None:
    """Run `audit --engine ray` and raise its Exit (the same exit codes, from the site table's totals)."""
    from clientlens.cli_scale import audit_with_ray, check_ray_options

    output = check_ray_options(output, unsupported)
    summary = audit_with_ray(paths, output, settings, jobs, address, shard_pages, progress)
    code = exit_code_of(summary.pages > 0 and summary.errors == summary.pages, summary.findings, settings.fail_on)
    if code == 2:
        typer.echo("clientlens: error: no input could be read (see the error column of the page table)", err=True)
    raise typer.Exit(code)


@app.command()
def audit(
    paths: List[str] = typer.Argument(..., metavar="PATH...", help="Files, folders, - (stdin) or http(s) URLs of sites to crawl."),
    fmt: Format = FORMAT_OPT,
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report here instead of stdout (--engine ray: the folder for the page and site tables)."),
    fail_on: Optional[str] = FAIL_ON_OPT,
    no_model: bool = NO_MODEL_OPT,
    config: Optional[Path] = CONFIG_OPT,
    color: Optional[bool] = COLOR_OPT,
    max_pages: int = typer.Option(200, "--max-pages", help="Crawl: most pages fetched per site."),
    max_depth: int = typer.Option(5, "--max-depth", help="Crawl: most links followed from the start URL."),
    delay: float = typer.Option(0.5, "--delay", help="Crawl: seconds between requests (robots.txt Crawl-delay wins if longer)."),
    concurrency: int = typer.Option(2, "--concurrency", help="Crawl: requests in flight at once."),
    timeout: float = typer.Option(15.0, "--timeout", help="Crawl: seconds one request may take."),
    save: Optional[Path] = typer.Option(None, "--save", help="Crawl: save the fetched pages here; `audit DIR` re-audits them offline."),
    preferred: Optional[str] = typer.Option(None, "--preferred", help="Family every mention should use: auto, client, customer or an extra family [default: from the config, else auto]."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="Leave out the findings recorded in this baseline file (or JSON report)."),
    write_baseline: Optional[Path] = typer.Option(None, "--write-baseline", help="Record every current finding in this baseline file and exit 0."),
    fix: bool = typer.Option(False, "--fix", help="Apply the safe fixes (rewrites of your own words) to .txt/.md/.html files in place, then report what is left."),
    unsafe_fixes: bool = typer.Option(False, "--unsafe-fixes", help="With --fix or --diff: also apply the fixes that need review (framing suggestions, someone else's people, contract terms)."),
    diff: bool = typer.Option(False, "--diff", help="Print what --fix would change as a unified diff; write nothing (exit 1 when there is a change)."),
    force: bool = typer.Option(False, "--force", help="With --fix: rewrite files even when git shows uncommitted changes in them."),
    scope: Optional[Scope] = typer.Option(None, "--scope", help="site: the documents are one site, judged against its word; document: each judged on its own [default: from the config, else site]."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes for the per-document work (the report is the same) [default: 1; with --engine ray, one per CPU]."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local: this machine, one report. ray: archives and tables on Ray Data, a page table and a site table in --output DIR."),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", help="--engine ray: the Ray cluster to run on [default: RAY_ADDRESS, else Ray started on this machine]."),
    shard_pages: Optional[int] = typer.Option(None, "--shard-pages", min=1, help="--engine ray: pages per shard, the unit a restarted run skips when it is done [default: 10000]."),
    progress: bool = typer.Option(False, "--progress", help="--engine ray: write a progress line (pages, pages/s) to stderr even when it is not a terminal."),
    debug: bool = DEBUG_OPT,
) -> None:
    """Audit files, folders and live sites for client/customer terminology and framing."""
    set_debug(debug)
    try:
        settings = load_cli_settings(paths, config, fail_on=check_fail_on(fail_on),
                                     use_model=False if no_model else None, preferred=preferred,
                                     scope=scope.value if scope else None)
        if engine is Engine.ray:
            audit_on_ray(paths, output, settings, jobs, ray_address, shard_pages, progress, {
                "--format": fmt is not Format.text, "--fix": fix, "--diff": diff, "--baseline": baseline is not None,
                "--write-baseline": write_baseline is not None, "--save": save is not None})
        ray_only = [name for name, used in (("--ray-address", ray_address), ("--shard-pages", shard_pages),
                                            ("--progress", progress)) if used]
        if ray_only:
            raise ClientlensError(f"{', '.join(ray_only)}: only with --engine ray")
        import_spacy_without_torch()
        from clientlens.engine import Auditor
        from clientlens.judge import suppress
        from clientlens.report import render

        from clientlens.cli_crawl import crawl_options, read_sources

        if (fix or diff) and any(p == "-" or "://" in p for p in paths):
            raise ClientlensError("--fix and --diff rewrite files: pass files and folders, not - (stdin) or URLs")
        known = suppress.read_baseline(baseline) if baseline is not None else None

        sources = read_sources(paths, settings, crawl_options(max_pages, max_depth, delay, concurrency, timeout, save))
        auditor = Auditor(settings, jobs=jobs or 1)
        update, bar = progress_bar("auditing")
        with bar:
            report = auditor.audit_all(sources, progress=update)
        if fix or diff:
            # Findings the baseline already knows are accepted as they are: they are not rewritten.
            to_fix = suppress.apply_baseline(report, known)[0] if known is not None else report
            report = run_fix(to_fix, lambda: auditor.audit_paths(paths), diff, force, output, unsafe_fixes)
        if write_baseline is not None:
            write_output(suppress.render_baseline(report), write_baseline)
            typer.echo(f"clientlens: wrote {len(report.findings)} finding(s) to {write_baseline}", err=True)
            raise typer.Exit(0)
        if known is not None:
            report, hidden = suppress.apply_baseline(report, known)
            if hidden:
                typer.echo(f"clientlens: {hidden} finding(s) already in {baseline} not shown", err=True)
        write_output(render(report, fmt.value, color=color_wanted(color, output), width=terminal_width(output)),
                     output)
    except ClientlensError as exc:
        raise fail(str(exc))
    finish_command(report, settings)


@app.command()
def rule(name: Optional[str] = typer.Argument(None, metavar="NAME", help="A rule name; omit to list every rule."),
         terms: bool = typer.Option(False, "--terms", help="List the fixed names that never count (role `term`).")) -> None:
    """Explain a rule: what it flags, why it matters, an example and the fix."""
    from clientlens.judge.catalogue import RULES

    if terms:
        from clientlens.judge.roles import describe_terms

        typer.echo(describe_terms())
        return
    if name is None:
        for info in RULES.values():
            typer.echo(f"{info.name:34} {info.severity.value:8} {info.summary}")
        return
    info = RULES.get(name)
    if info is None:
        raise fail(f"unknown rule {name!r}; run `clientlens rule` to list them")
    typer.echo(f"{info.name} ({info.severity.value})\n\nWhat it flags: {info.summary}\nWhy it matters: {info.why}\n"
               f"Example: {info.example}\nUse instead: {info.fix_hint}")


def _register_commands() -> None:
    from clientlens import cli_contract, cli_corpus, cli_model

    cli_model.register(app)
    cli_corpus.register(app)
    cli_contract.register(app)


_register_commands()


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"clientlens {__version__}")
        raise typer.Exit()


@app.callback()
def root(version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                      help="Print the version and exit.")) -> None:
    """clientlens: how business text names and treats the people it serves."""


def main() -> None:
    """Run the app; no traceback reaches a user unless --debug (or CLIENTLENS_DEBUG) asks for it."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo("clientlens: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        if debugging():
            import traceback

            traceback.print_exc()
        detail = " ".join(str(exc).split())[:300]
        typer.echo(f"clientlens: internal error: {type(exc).__name__}: {detail} (run with --debug for the traceback)",
                   err=True)
        sys.exit(2)
