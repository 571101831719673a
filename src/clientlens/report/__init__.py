"""WRITERS: format name -> render function. The only switch over output formats."""

from __future__ import annotations

import re
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
    """Return `report` rendered in format `fmt` (a key of WRITERS), always encodable as UTF-8.

    `color` and `width` (a terminal's columns; None when the output is no terminal) matter
    to the text format only.
    """
    return escape_surrogates(WRITERS[fmt](report, color=color, width=width), json=fmt in ("json", "sarif"))


_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str, json: bool = False) -> str:
    """Return `text` with every lone surrogate written as an escape, so that it encodes as UTF-8.

    Surrogates come from text that is not Unicode: a JSON escape such as "\\ud800", or a
    file name that is not UTF-8 (os.fsdecode keeps each such byte as U+DC80-U+DCFF). In
    JSON (and SARIF) each becomes the JSON escape \\uXXXX, which only stands inside strings
    there; elsewhere a file name's byte becomes \\xNN, as Python shows it, and any other
    surrogate \\uXXXX.
    """
    if not _SURROGATE.search(text):
        return text

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code - 0xDC00:02x}" if not json and 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"

    return _SURROGATE.sub(escape, text)
