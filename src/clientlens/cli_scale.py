"""`clientlens audit INPUT... --engine ray --output DIR`: the Ray engine from the command line."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, Sequence

from clientlens.config import Settings
from clientlens.errors import ClientlensError

if TYPE_CHECKING:
    from clientlens.scale.run import ScaleSummary

PROGRESS_EVERY = 0.5  # seconds between updates of the progress line on a terminal
PROGRESS_LINES_EVERY = 10.0  # seconds between progress lines written to a file or pipe (--progress)


def check_ray_options(output: Optional[Path], unsupported: dict[str, bool]) -> Path:
    """Return the output folder; raise ClientlensError when it is missing or an option does not apply."""
    given = [name for name, used in unsupported.items() if used]
    if given:
        raise ClientlensError(f"{', '.join(given)}: not with --engine ray, which writes a page table and a site "
                              "table to --output DIR")
    if output is None:
        raise ClientlensError("--engine ray needs --output DIR: the folder for the page and site tables")
    return output


def progress_line(wanted: bool) -> Callable[[int, int, float], None] | None:
    """Return a callback that shows pages done and pages/s on stderr: a line redrawn on a terminal,
    a line every 10 s elsewhere when `wanted` (--progress), else None."""
    tty = sys.stderr.isatty()
    if not tty and not wanted:
        return None
    last = [0.0]

    def update(pages: int, errors: int, seconds: float) -> None:
        now = time.monotonic()
        if now - last[0] < (PROGRESS_EVERY if tty else PROGRESS_LINES_EVERY):
            return
        last[0] = now
        rate = pages / seconds if seconds > 0 else 0.0
        text = f"clientlens: {pages:,} pages ({errors:,} unreadable), {rate:,.1f} pages/s"
        sys.stderr.write(f"\r{text}\033[K" if tty else text + "\n")
        sys.stderr.flush()

    return update


def audit_with_ray(paths: Sequence[str], output: Path, settings: Settings, jobs: Optional[int],
                   address: Optional[str], shard_pages: Optional[int], show_progress: bool) -> "ScaleSummary":
    """Run the Ray engine, say on stderr what it wrote, and return its summary."""
    from clientlens.scale.run import SHARD_PAGES, audit_at_scale

    progress = progress_line(show_progress)
    summary = audit_at_scale(paths, output, settings, jobs, address, shard_pages or SHARD_PAGES, progress)
    if progress and sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    found = ", ".join(f"{n:,} {s}" for s, n in summary.findings.items())
    skipped = f"; {summary.inputs_skipped} input(s) done in an earlier run" if summary.inputs_skipped else ""
    sys.stderr.write(f"clientlens: {summary.pages:,} pages of {summary.sites:,} sites ({summary.errors:,} unreadable), "
                     f"findings: {found}; {summary.pages_audited_now:,} pages audited in {summary.seconds:,.0f} s"
                     f"{skipped}; tables in {output / 'pages'} and {output / 'sites'}\n")
    return summary
