"""render_text: a summary table, a per-document table and one line per finding."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from clientlens.types import SiteReport


def _counts(counts) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items() if v) or "-"


def render_text(report: SiteReport, color: bool = False, width: int = 100) -> str:
    """Return the human-readable report (no escape codes unless `color`)."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      highlight=False, emoji=False)
    summary = Table(title="clientlens summary", show_header=False, box=None)
    summary.add_row("documents", str(len(report.documents)))
    summary.add_row("counts (person sense)", _counts(report.counts))
    summary.add_row("dominant", report.dominant or "none")
    summary.add_row("consistency", f"{report.consistency:.1f}/100")
    if report.framing is not None:
        summary.add_row("framing", f"{report.framing.label} ({report.framing.scores.get(report.framing.label, 0):.2f})")
    sev = report.findings_by_severity()
    summary.add_row("findings", f"{sev['error']} error, {sev['warning']} warning, {sev['info']} info")
    console.print(summary)
    pages = Table(title="documents", header_style="bold")
    for column in ("path", "counts", "dominant", "consistency", "framing", "mixed", "findings"):
        pages.add_column(column, overflow="fold")
    for d in report.documents:
        framing = d.framing.label if d.framing else "-"
        state = "ERROR" if d.error else ("yes" if d.mixed else "no")
        pages.add_row(d.path, _counts(d.counts), d.dominant or "-", f"{d.consistency:.0f}", framing,
                      state, str(len(d.findings)))
    console.print(pages)
    lines = [finding_line(d.path, f) for d in report.documents for f in d.findings]
    text = buffer.getvalue()
    return text + ("\n".join(lines) + "\n" if lines else "No findings.\n")


def finding_line(path: str, f) -> str:
    """Return `path:line:col  rule  message  -> suggestion` for one finding."""
    tail = f"  -> {f.suggestion}" if f.suggestion else ""
    return f"{path}:{f.line}:{f.column}  {f.rule}  {f.message}{tail}"
