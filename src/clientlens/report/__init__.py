"""WRITERS: format name -> render function. The only switch over output formats."""

from __future__ import annotations

from typing import Callable

from clientlens.types import SiteReport


def _json(report: SiteReport, color: bool = False) -> str:
    from clientlens.report.json import render_json

    return render_json(report)


def _text(report: SiteReport, color: bool = False) -> str:
    from clientlens.report.text import render_text

    return render_text(report, color=color)


WRITERS: dict[str, Callable[..., str]] = {"text": _text, "json": _json}


def render(report: SiteReport, fmt: str, color: bool = False) -> str:
    """Return `report` rendered in format `fmt` (a key of WRITERS)."""
    return WRITERS[fmt](report, color=color)
