"""render_markdown: a pull-request comment (GitHub-flavoured Markdown).

A summary, a per-page table, then the findings grouped by file, each file folded in a
`<details>` block so that a long audit does not bury the conversation.
"""

from __future__ import annotations

import html
import re

from clientlens.judge.catalogue import RULES
from clientlens.report.common import counts_text, excerpt_marked, not_counted, page_state, verdict
from clientlens.types import DocumentReport, Finding, SiteReport

MAX_PER_FILE = 50  # GitHub caps a comment at 65,536 characters
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_inline(text: str) -> str:
    """Return one line of `text` HTML-escaped with Markdown specials backslashed, its spaces kept."""
    return _SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def md_escape(text: str) -> str:
    """Return `text` safe inside Markdown prose and table cells (HTML-escaped, specials backslashed)."""
    return " ".join(md_inline(text).split())  # a newline would end a table row


def md_code(text: str) -> str:
    """Return `text` as inline code that survives a table cell."""
    return "<code>" + html.escape(" ".join(text.split())).replace("|", "&#124;") + "</code>"


def summary(report: SiteReport) -> list[str]:
    """Return the summary lines: the verdict, dominant family, consistency, counts, framing, findings."""
    sev = report.findings_by_severity()
    lines = [f"**{md_escape(verdict(report))}.**", "",
             f"**Dominant family:** {md_escape(report.dominant or 'none')} · "
             f"**Consistency:** {report.consistency:.1f}/100 · "
             f"**Documents:** {len(report.documents)} · "
             f"**Mentions counted:** {md_escape(counts_text(report.counts))}",
             "",
             f"**Findings:** {sev['error']} error(s), {sev['warning']} warning(s), {sev['info']} info"]
    skipped = not_counted(report.documents)
    if skipped:
        lines += ["", "**Not counted:** " + md_escape("; ".join(f"{n} {why}" for why, n, _ in skipped))]
    if report.framing is not None:
        f = report.framing
        scores = ", ".join(f"{k} {v:.2f}" for k, v in f.scores.items())
        lines += ["", f"**Framing:** {md_escape(f.label)} ({md_escape(scores)})"]
    if report.mixed_documents:
        lines += ["", "**Mixed documents:** " + ", ".join(md_code(p) for p in report.mixed_documents)]
    return lines


def page_table(report: SiteReport) -> list[str]:
    """Return the per-page table: counts per family, dominant, consistency, framing, findings."""
    families = list(report.counts)
    head = ["Page", *families, "Dominant", "Consistency", "Framing", "State", "Findings"]
    lines = ["| " + " | ".join(md_escape(h) for h in head) + " |",
             "|" + "---|" + "---:|" * len(families) + "---|---:|---|---|---:|"]
    for d in report.documents:
        state = md_escape(page_state(d, report.dominant))
        state = f"**{state}**" if d.error else state
        cells = [md_code(d.path), *(str(d.counts.get(f, 0)) for f in families), md_escape(d.dominant or "-"),
                 f"{d.consistency:.0f}", md_escape(d.framing.label if d.framing else "-"), state,
                 str(len(d.findings))]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def finding_row(f: Finding) -> str:
    """Return one table row: line:column, severity, rule, message, the excerpt (word in bold), suggestion."""
    suggestion = md_code(f.suggestion) if f.suggestion else "-"
    if f.suggestion and f.fix is not None:
        suggestion += f" ({f.fix.applicability} fix)"
    excerpt = excerpt_marked(f, "**", "**", md_inline) or "-"
    return (f"| {f.line}:{f.column} | {f.severity.value} | {md_code(f.rule)} | {md_escape(f.message)} "
            f"| {excerpt} | {suggestion} |")


def file_findings(d: DocumentReport) -> list[str]:
    """Return a collapsed `<details>` block with the findings of one document."""
    n = len(d.findings)
    lines = [f"<details><summary><code>{html.escape(d.path)}</code>: {n} finding{'s' if n != 1 else ''}"
             "</summary>", "",
             "| Where | Severity | Rule | Message | In | Suggestion |", "|---|---|---|---|---|---|"]
    lines += [finding_row(f) for f in d.findings[:MAX_PER_FILE]]
    if n > MAX_PER_FILE:
        lines += ["", f"... and {n - MAX_PER_FILE} more (see the full report)."]
    return lines + ["", "</details>", ""]


def rule_notes(report: SiteReport) -> list[str]:
    """Return a collapsed block explaining each rule that was reported."""
    names = list(dict.fromkeys(f.rule for f in report.findings))
    lines = ["<details><summary>About these rules</summary>", ""]
    for name in names:
        info = RULES.get(name)
        if info is None:
            continue
        lines += [f"- **{md_escape(name)}**: {md_escape(info.summary)} {md_escape(info.why)} "
                  f"Use instead: {md_escape(info.fix_hint)}"]
    return lines + ["", "</details>"]


def render_markdown(report: SiteReport) -> str:
    """Return the report as a Markdown pull-request comment."""
    lines = ["## clientlens report", "", *summary(report), "", "### Pages", "", *page_table(report), ""]
    with_findings = [d for d in report.documents if d.findings]
    lines += ["### Findings", ""]
    if not with_findings:
        lines += ["No findings.", ""]
    for d in with_findings:
        lines += file_findings(d)
    if with_findings:
        lines += rule_notes(report)
    return "\n".join(lines).rstrip("\n") + "\n"
