"""The `contract` command: defined-term analysis and a score for PDF, DOCX, text and Markdown contracts.

Same options and exit codes as `audit` (see `exit_code` in cli.py).
"""

# No `from __future__ import annotations`: typer reads the option types of the command defined
# inside register() at run time, and they are local names there.
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import List, Optional

import typer


def register(app: typer.Typer) -> None:
    """Add the `contract` command to `app`."""
    from clientlens.cli import (COLOR_OPT, CONFIG_OPT, DEBUG_OPT, FAIL_ON_OPT, FORMAT_OPT, JOBS_OPT, NO_MODEL_OPT,
                                OUTPUT_OPT, Format, check_fail_on, color_wanted, fail, finish_command,
                                import_spacy_without_torch, load_cli_settings, set_debug, terminal_width,
                                write_output)
    from clientlens.errors import ClientlensError

    @app.command()
    def contract(
        paths: List[str] = typer.Argument(..., metavar="PATH...", help="Contract files (.pdf, .docx, .txt, .md) or folders."),
        fmt: Format = FORMAT_OPT,
        output: Optional[Path] = OUTPUT_OPT,
        fail_on: Optional[str] = FAIL_ON_OPT,
        no_model: bool = NO_MODEL_OPT,
        config: Optional[Path] = CONFIG_OPT,
        color: Optional[bool] = COLOR_OPT,
        jobs: int = JOBS_OPT,
        debug: bool = DEBUG_OPT,
    ) -> None:
        """Check contracts: the defined party term (Client, Customer...), its uses, and a 0-100 score."""
        set_debug(debug)
        try:
            settings = load_cli_settings(paths, config, fail_on=check_fail_on(fail_on),
                                         use_model=False if no_model else None)
            import_spacy_without_torch()
            from clientlens.engine import Auditor
            from clientlens.report import render

            report = run_with_progress(Auditor(settings, jobs=jobs), paths)
            write_output(render(report, fmt.value, color=color_wanted(color, output), width=terminal_width(output)),
                         output)
        except ClientlensError as exc:
            raise fail(str(exc))
        finish_command(report, settings)


def run_with_progress(auditor, paths: List[str]):
    """Return the contract SiteReport of `paths`, showing documents and PDF pages on a stderr bar."""
    from clientlens.ingest.pdf import PAGE_PROGRESS

    on_document, on_page, bar = _progress()
    token = PAGE_PROGRESS.set(on_page)
    try:
        with bar:
            return auditor.contract_paths(paths, progress=on_document)
    finally:
        PAGE_PROGRESS.reset(token)


def _progress():
    """Return (document callback, page callback, context manager); no-ops when stderr is no terminal."""
    if not sys.stderr.isatty():
        return None, None, nullcontext()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress

    bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                   console=Console(stderr=True), transient=True)
    task = bar.add_task("contracts", total=None)

    def on_document(done: int, total: int) -> None:
        # How many contracts a folder holds is not known until it has been read: show the count so far.
        bar.update(task, description="contracts checked", completed=done, total=done)

    def on_page(name: str, done: int, total: int) -> None:
        bar.update(task, description=f"reading {Path(name).name}", completed=done, total=total)

    return on_document, on_page, bar
