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
from clientlens.errors import ClientlensError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="clientlens: how business text names and treats the people it serves.")


class Format(str, Enum):
    text = "text"
    json = "json"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


def exit_code(report, fail_on: str) -> int:
    """Return 0, 1 or 2 for a finished audit (see the module docstring)."""
    if report.documents and all(d.error for d in report.documents):
        return 2
    if fail_on == "never":
        return 0
    threshold = ("info", "warning", "error").index(fail_on)
    return 1 if any(f.severity.rank >= threshold for f in report.findings) else 0


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
    """Return Settings from the config file nearest the first path, with CLI overrides applied."""
    from clientlens.config import load_settings

    first = next((Path(p) for p in paths if p != "-"), Path.cwd())
    return load_settings(first, config).replace(**overrides)


@app.command()
def audit(
    paths: List[str] = typer.Argument(..., help="Files, folders or - (stdin) to audit."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report here instead of stdout."),
    fail_on: Optional[FailOn] = typer.Option(None, "--fail-on", help="Lowest severity that exits 1 [default: warning]."),
    no_model: bool = typer.Option(False, "--no-model", help="Rules only: skip the framing model."),
    config: Optional[Path] = typer.Option(None, "--config", help="Use this config file instead of searching."),
    color: Optional[bool] = typer.Option(None, "--color/--no-color", help="Colour the text report [default: when a terminal]."),
) -> None:
    """Audit files and folders for client/customer terminology and framing."""
    try:
        settings = load_cli_settings(paths, config, fail_on=fail_on.value if fail_on else None,
                                     use_model=False if no_model else None)
        from clientlens.engine import Auditor
        from clientlens.report import render

        update, bar = progress_bar("auditing")
        with bar:
            report = Auditor(settings).audit_paths(paths, progress=update)
        use_color = color if color is not None else (output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
        write_output(render(report, fmt.value, color=use_color), output)
    except ClientlensError as exc:
        raise fail(str(exc))
    code = exit_code(report, settings.fail_on)
    if code == 2:
        typer.echo("clientlens: error: no input could be read (see the report)", err=True)
    raise typer.Exit(code)


@app.command()
def rule(name: Optional[str] = typer.Argument(None, help="A rule name; omit to list every rule.")) -> None:
    """Explain a rule: what it flags, why it matters, an example and the fix."""
    from clientlens.judge.catalogue import RULES

    if name is None:
        for info in RULES.values():
            typer.echo(f"{info.name:34} {info.severity.value:8} {info.summary}")
        return
    info = RULES.get(name)
    if info is None:
        raise fail(f"unknown rule {name!r}; run `clientlens rule` to list them")
    typer.echo(f"{info.name} ({info.severity.value})\n\nWhat it flags: {info.summary}\nWhy it matters: {info.why}\n"
               f"Example: {info.example}\nUse instead: {info.fix_hint}")


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"clientlens {__version__}")
        raise typer.Exit()


@app.callback()
def root(version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                      help="Print the version and exit.")) -> None:
    """clientlens: how business text names and treats the people it serves."""


def main() -> None:
    """Run the app; no traceback reaches a user unless CLIENTLENS_DEBUG is set."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo("clientlens: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        if os.environ.get("CLIENTLENS_DEBUG"):
            raise
        typer.echo(f"clientlens: internal error: {type(exc).__name__}: {exc} (set CLIENTLENS_DEBUG=1 for details)", err=True)
        sys.exit(2)
