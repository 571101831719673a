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
    text = buffer.getvalue() + evidence_section(report) + contract_section(report)
    return text + ("\n".join(lines) + "\n" if lines else "No findings.\n")


def finding_line(path: str, f) -> str:
    """Return `path:line:col  rule  message  -> suggestion` for one finding (plus the page of a PDF)."""
    tail = f"  -> {f.suggestion}" if f.suggestion else ""
    page = f" (page {f.page})" if getattr(f, "page", None) else ""
    return f"{path}:{f.line}:{f.column}{page}  {f.rule}  {f.message}{tail}"


def evidence_section(report: SiteReport, chars: int = 120) -> str:
    """Return the "framing evidence" section: per framed document, the passages that decided its
    label (cut to `chars` characters), or ""."""
    lines = []
    for d in report.documents:
        if d.framing is None or not d.framing.evidence:
            continue
        lines.append(f"  {d.path}: {d.framing.label}")
        for e in d.framing.evidence:
            quote = e.passage.text if e.passage else ""
            quote = quote if len(quote) <= chars else quote[:chars].rsplit(" ", 1)[0] + " ..."
            lines.append(f"    {e.label} {e.scores.get(e.label, 0.0):.2f}  \"{quote}\"")
    return "framing evidence\n" + "\n".join(lines) + "\n\n" if lines else ""


def contract_section(report: SiteReport) -> str:
    """Return the "contracts" section: one line per contract with its defined term and score, or ""."""
    lines = []
    for d in report.documents:
        if d.contract is None:
            continue
        c = d.contract.to_dict()  # type: ignore[attr-defined]
        parts = c["breakdown"]
        scored = ", ".join(f"{name.split('_')[-1]} {p['score']:.0f}" if p.get("score") is not None
                           else f"{name.split('_')[-1]} not scored" for name, p in parts.items()
                           if name in ("defined_term_hygiene", "terminology_consistency", "framing"))
        if c["defined_term"] is None:
            head = "no definition of the party term found"
        else:
            where = c["definition"]
            page = f", page {where['page']}" if where and where.get("page") else ""
            who = "a party" if c["is_party"] else "a third party, not a party"
            head = f"defines \"{c['defined_term']}\" ({who}) at line {where['line']}{page}"
        lines.append(f"  {d.path}: {head}; score {c['score']:.0f}/100 ({scored})")
    return "contracts\n" + "\n".join(lines) + "\n\n" if lines else ""
