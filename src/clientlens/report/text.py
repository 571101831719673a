"""render_text: the verdict, a summary, a per-document table and one line per finding with its excerpt.

On a terminal (a `width` is given) the table is drawn with rich at that width; otherwise
(a pipe, a file, CI logs) every row is one plain line, aligned, never wrapped, so paths
stay whole and `grep` finds a document's row.
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from clientlens.report.common import counts_text, not_counted, page_state, short_paths, verdict
from clientlens.types import Finding, SiteReport

COLUMNS = ("path", "counts", "dominant", "consistency", "framing", "state", "findings")
# On a narrow terminal only these columns wrap, at spaces; a path or a number never breaks.
WRAPPING = ("counts", "state")
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def summary_rows(report: SiteReport) -> list[tuple[str, str]]:
    """Return the summary as (label, value) rows."""
    sev = report.findings_by_severity()
    rows = [("documents", str(len(report.documents))),
            ("counted mentions", counts_text(report.counts, "-")),
            ("dominant", report.dominant or "none"),
            ("consistency", f"{report.consistency:.1f}/100")]
    if report.framing is not None:
        rows.append(("framing", f"{report.framing.label} ({report.framing.scores.get(report.framing.label, 0):.2f})"))
    skipped = not_counted(report.documents)
    if skipped:
        rows.append(("not counted", "; ".join(f"{n} {why}" for why, n, _ in skipped)))
    rows.append(("findings", f"{sev['error']} error, {sev['warning']} warning, {sev['info']} info"))
    return rows


def columns(report: SiteReport) -> tuple[str, ...]:
    """Return the table's columns: COLUMNS, less framing when no document was framed (rules only)."""
    framed = any(d.framing is not None for d in report.documents)
    return COLUMNS if framed else tuple(c for c in COLUMNS if c != "framing")


def document_rows(report: SiteReport) -> list[tuple[str, ...]]:
    """Return one row per document (the cells of `columns`), paths relative to their common folder."""
    labels = short_paths([d.path for d in report.documents])
    rows = [{"path": label, "counts": counts_text(d.counts, "-"), "dominant": d.dominant or "-",
             "consistency": f"{d.consistency:.0f}", "framing": d.framing.label if d.framing else "-",
             "state": page_state(d, report.dominant), "findings": str(len(d.findings))}
            for label, d in zip(labels, report.documents)]
    return [tuple(row[c] for c in columns(report)) for row in rows]


def documents_title(report: SiteReport) -> str:
    """Return the table's title, naming the folder its paths are relative to."""
    paths = [d.path for d in report.documents]
    labels = short_paths(paths)
    if not paths or labels == paths:
        return "documents"
    folder = paths[0][: len(paths[0]) - len(labels[0])]
    return f"documents (in {folder})"


def plain_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """Return rows as aligned plain-text columns, one line each, however long."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    return "\n".join(lines) + "\n"


def render_text(report: SiteReport, color: bool = False, width: int | None = None) -> str:
    """Return the human-readable report (no escape codes unless `color`; a rich table only with `width`)."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width or 10_000,
                      highlight=False, emoji=False, soft_wrap=width is None)
    console.print(Text(verdict(report) + ".", style="bold"))
    label_width = max(len(label) for label, _ in summary_rows(report)) + 2
    for label, value in summary_rows(report):
        console.print(f"{label:<{label_width}}{value}")
    console.print()
    if width is None:
        console.print(Text(documents_title(report), style="bold"))
        console.print(plain_table(columns(report), document_rows(report)), end="")
    else:
        table = Table(title=documents_title(report), title_justify="left", header_style="bold",
                      box=box.SIMPLE_HEAD, padding=(0, 1))
        for column in columns(report):
            table.add_column(column, no_wrap=column not in WRAPPING)
        for row in document_rows(report):
            table.add_row(*row)
        console.print(table)
    console.print()
    console.print(evidence_section(report) + contract_section(report), end="")
    findings = [finding_text(d.path, f) for d in report.documents for f in d.findings]
    console.width = 10_000  # a finding is one line, however narrow the terminal
    console.soft_wrap = True
    for line in findings:
        console.print(line)
    return buffer.getvalue() + ("" if findings else "No findings.\n")


def finding_text(path: str, f: Finding) -> Text:
    """Return `path:line:col  severity  rule  message  -> suggestion (safe fix)  | excerpt` as rich Text,
    the severity coloured and the mention in bold."""
    page = f" (page {f.page})" if f.page else ""
    out = Text(f"{path}:{f.line}:{f.column}{page}  ")
    out.append(f.severity.value, style=SEVERITY_STYLE.get(f.severity.value, ""))
    out.append(f"  {f.rule}  {f.message}")
    if f.suggestion:
        out.append(f"  -> {f.suggestion}")
        if f.fix is not None:
            out.append(f" ({f.fix.applicability} fix)")
    if f.excerpt is not None:
        e = f.excerpt
        out.append("  | " + e.text[:e.start])
        out.append(f"[{e.text[e.start:e.end]}]", style="bold")
        out.append(e.text[e.end:])
    return out


def evidence_section(report: SiteReport, chars: int = 120) -> str:
    """Return the "framing evidence" section: per framed document, the passages that decided its
    label (cut to `chars` characters), or ""."""
    lines = []
    for d in report.documents:
        if d.framing is None or not (d.framing.evidence or d.framing.cues):
            continue
        because = f", because {'; '.join(d.framing.cues)}" if d.framing.cues else ""  # a rule had a say
        lines.append(f"  {d.path}: {d.framing.label}{because}")
        for e in d.framing.evidence:
            quote = e.passage.text if e.passage else ""
            quote = quote if len(quote) <= chars else quote[:chars].rsplit(" ", 1)[0] + " ..."
            lines.append(f"    {e.label} {e.scores.get(e.label, 0.0):.2f}  \"{quote}\"")
    return "framing evidence\n" + "\n".join(lines) + "\n\n" if lines else ""


def contract_section(report: SiteReport) -> str:
    """Return the "contracts" section: per contract its defined term, its score and each deduction with
    its clause (line, page), and the framing as an unscored observation; or "" when there are none."""
    lines = []
    for d in report.documents:
        if d.contract is None:
            continue
        c = d.contract.to_dict()  # type: ignore[attr-defined]
        parts = c["breakdown"]
        if c["defined_term"] is None:
            head = "no definition of the party term found"
        elif c.get("defined_elsewhere"):
            head = f"uses \"{c['defined_term']}\" as a defined party term, defined in another document"
        else:
            where = c["definition"]
            page = f", page {where['page']}" if where and where.get("page") else ""
            who = "a party" if c["is_party"] else "a third party, not a party"
            head = f"defines \"{c['defined_term']}\" ({who}) at line {where['line']}{page}"
        if c["score"] is None:
            lines.append(f"  {d.path}: {head}; no score: {c.get('note') or 'nothing to check'}")
        else:
            # A part of the score is a breakdown entry with what it lost out of its maximum.
            scored = {name: p for name, p in parts.items() if isinstance(p, dict) and {"lost", "max"} <= p.keys()}
            lost = ", ".join(f"{name.replace('_', ' ')} -{p['lost']:g} of {p['max']:g}" for name, p in scored.items())
            lines.append(f"  {d.path}: {head}; score {c['score']:g}/100" + (f" ({lost})" if lost else ""))
            deductions = sorted((x for p in scored.values() for x in p.get("deductions", ())), key=lambda x: x["start"])
            lines.extend(f"      -{x['points']:g}  {x['rule']}  line {x['line']}"
                         + (f", page {x['page']}" if x.get("page") else "") for x in deductions)
            if c.get("note"):
                lines.append(f"      note: {c['note']}")
        framing = parts.get("framing")
        if isinstance(framing, dict) and framing.get("label"):
            lines.append(f"      framing (observation, not scored): {framing['label']}")
    return "contracts\n" + "\n".join(lines) + "\n\n" if lines else ""
