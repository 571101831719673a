"""WRITERS: format name -> render function. The only switch over output formats."""

from __future__ import annotations

from typing import Callable

from clientlens.types import SiteReport


def _json(report: SiteReport, color: bool = False, width: int | None = None) -> str:
    from clientlens.report.json import render_json

    return render_json(report)


def _text(report: SiteReport, color: bool = False, width: int | None = None) -> str:
    from clientlens.report.text import render_text

    return render_text(report, color=color, width=width)


def _sarif(report: SiteReport, color: bool = False, width: int | None = None) -> str:
    from clientlens.report.sarif import render_sarif

    return render_sarif(report)


def _html(report: SiteReport, color: bool = False, width: int | None = None) -> str:
    from clientlens.report.html import render_html

    return render_html(report)


def _markdown(report: SiteReport, color: bool = False, width: int | None = None) -> str:
    from clientlens.report.markdown import render_markdown

    return render_markdown(report)


def _github(report: SiteReport, color: bool = False, width: int | None = None) -> str:
    from clientlens.report.github import render_github

    return render_github(report)


WRITERS: dict[str, Callable[..., str]] = {"text": _text, "json": _json, "sarif": _sarif, "html": _html,
                                          "markdown": _markdown, "github": _github}


def render(report: SiteReport, fmt: str, color: bool = False, width: int | None = None) -> str:
    """Return `report` rendered in format `fmt` (a key of WRITERS).

    `color` and `width` (a terminal's columns; None when the output is no terminal) matter
    to the text format only.
    """
    return WRITERS[fmt](report, color=color, width=width)
