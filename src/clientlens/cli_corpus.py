"""Corpus commands: build, check, stats."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from clientlens.cli_app import App

corpus_app = App(no_args_is_help=True, help="Build, check and count the labelled corpus.")
ROOT = typer.Option(Path("corpus"), "--corpus", help="Corpus folder (holds raw/ and schemas/).")


@corpus_app.command("build")
def build_cmd(corpus: Path = ROOT, seed: int = typer.Option(13, "--seed", help="Split seed.")) -> None:
    """Build the JSON Lines corpus and its seeded, group-aware split from corpus/raw/."""
    from clientlens.corpus.build import build

    if not (corpus / "raw").is_dir():
        typer.echo(f"clientlens: error: {corpus / 'raw'} does not exist", err=True)
        raise typer.Exit(2)
    report = build(corpus, seed)
    for name, count in report.counts.items():
        typer.echo(f"{name:20} {count}")
    for note in report.dropped:
        typer.echo(f"dropped: {note}", err=True)
    for problem in report.problems:
        typer.echo(f"skipped: {problem}", err=True)
    raise typer.Exit(1 if report.problems else 0)


@corpus_app.command("check")
def check_cmd(corpus: Path = ROOT) -> None:
    """Check schema, offsets, labels, duplicates and balance; exit 1 on any error."""
    from clientlens.corpus.check import check_corpus

    issues = check_corpus(corpus)
    for issue in issues:
        typer.echo(f"{issue.where}: {issue.severity}: {issue.message}")
    errors = sum(1 for i in issues if i.severity == "error")
    typer.echo(f"{errors} error(s), {len(issues) - errors} warning(s)")
    raise typer.Exit(1 if errors else 0)


@corpus_app.command("stats")
def stats_cmd(corpus: Path = ROOT, fmt: str = typer.Option("text", "--format", help="text or json.")) -> None:
    """Print counts per label, split, sector and genre."""
    from clientlens.corpus.stats import corpus_stats

    stats = corpus_stats(corpus)
    if fmt == "json":
        typer.echo(json.dumps(stats, indent=2))
        return
    for kind, table in stats.items():
        typer.echo(f"\n== {kind}")
        for key, value in table.items():
            if isinstance(value, dict) and len(value) > 8:
                typer.echo(f"{key} ({len(value)}): " + ", ".join(f"{k} {v}" for k, v in value.items()))
            else:
                typer.echo(f"{key}: {value}")


def register(app: typer.Typer) -> None:
    """Add `clientlens corpus ...` to the CLI app."""
    app.add_typer(corpus_app, name="corpus")
