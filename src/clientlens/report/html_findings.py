"""The HTML report's site-wide sections: the findings table (filterable by rule and page), what
was not counted and why, and the framing evidence. Every piece of text is escaped here.
"""

from __future__ import annotations

from html import escape
from typing import Sequence

from clientlens.judge.catalogue import FRAMING_MISMATCH
from clientlens.judge.markup import is_markdown, markup_spans, without_markup
from clientlens.report.common import excerpt_marked, not_counted
from clientlens.report.html_svg import framing_gauge, slug
from clientlens.report.html_text import finding_ids
from clientlens.types import FRAMING_LABELS, DocumentReport, Finding, Framing, SiteReport


def excerpt_html(f: Finding) -> str:
    """Return the finding's excerpt with the mention in a <mark>, or its message when it has none."""
    marked = excerpt_marked(f, '<mark class="hit">', "</mark>", escape)
    return f'<span class="excerpt">{marked}</span>' if marked else ""


def suggestion_html(f: Finding) -> str:
    """Return the suggestion and whether its fix is safe or needs review, or "-"."""
    if not f.suggestion:
        return "-"
    fix = (f' <span class="fix fix-{slug(f.fix.applicability)}">{escape(f.fix.applicability)}</span>'
           if f.fix is not None else "")
    return f'<q class="suggestion">{escape(f.suggestion)}</q>{fix}'


def _cell(label: str, body: str, cls: str = "") -> str:
    # data-label names the column where a narrow screen stacks the cells.
    attr = f' class="{cls}"' if cls else ""
    return f'<td data-label="{escape(label)}"{attr}>{body}</td>'


def finding_row(doc_index: int, page: str, f: Finding, anchor: str, inline: bool) -> str:
    """Return one row of the findings table; its data attributes drive the rule and page filters."""
    place = f'<a href="#{anchor}-inline">{escape(page)}:{f.line}</a>' if inline else f"{escape(page)}:{f.line}"
    return (f'<tr id="{anchor}" class="sev-{slug(f.severity.value)}" data-rule="{escape(f.rule)}" '
            f'data-page="{doc_index}">'
            + _cell("where", place, "where")
            + _cell("severity", f'<span class="sev">{escape(f.severity.value)}</span>')
            + _cell("rule", f'<a href="#rule-{slug(f.rule)}"><code>{escape(f.rule)}</code></a>')
            + _cell("in context", excerpt_html(f) + f'<span class="message">{escape(f.message)}</span>')
            + _cell("suggestion", suggestion_html(f)) + "</tr>")


def _options(label: str, values: Sequence[tuple[str, str, int]]) -> str:
    items = "".join(f'<option value="{escape(v)}">{escape(text)} ({n})</option>' for v, text, n in values)
    return f'<option value="">{escape(label)}</option>{items}'


def findings_section(report: SiteReport, labels: Sequence[str], inline: set[str]) -> str:
    """Return every finding of the site in one table, with a filter by rule and one by page."""
    rows, rules, pages = [], {}, []
    for i, d in enumerate(report.documents):
        ids = finding_ids(f"doc-{i}", d.findings)
        rows += [finding_row(i, labels[i], f, ids[n], ids[n] in inline) for n, f in enumerate(d.findings)]
        for f in d.findings:
            rules[f.rule] = rules.get(f.rule, 0) + 1
        if d.findings:
            pages.append((str(i), labels[i], len(d.findings)))
    if not rows:
        return '<section id="findings"><h2>Findings</h2><p>No findings.</p></section>'
    filters = (f'<div class="filters"><label>Rule <select id="filter-rule">'
               f'{_options("every rule", [(r, r, n) for r, n in rules.items()])}</select></label> '
               f'<label>Page <select id="filter-page">{_options("every page", pages)}</select></label> '
               f'<span id="filter-count" aria-live="polite">{len(rows)} of {len(rows)} shown</span></div>')
    head = "".join(f'<th scope="col">{h}</th>' for h in ("where", "severity", "rule", "in context", "suggestion"))
    return (f'<section id="findings"><h2>Findings ({len(rows)})</h2>{filters}'
            f'<table class="stack" id="findings-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')


def not_counted_section(report: SiteReport, labels: Sequence[str]) -> str:
    """Return what was found but not counted, and why: mentions per reason and the pages they are on."""
    by_path = {d.path: labels[i] for i, d in enumerate(report.documents)}
    rows = []
    for why, n, paths in not_counted(report.documents):
        shown = ", ".join(escape(by_path.get(p, p)) for p in paths[:4]) + (f" and {len(paths) - 4} more"
                                                                             if len(paths) > 4 else "")
        rows.append(f'<tr>{_cell("why", escape(why))}{_cell("mentions", str(n), "num")}'
                    f'{_cell("where", shown)}</tr>')
    if not rows:
        return ""
    return ('<section id="not-counted"><h2>Not counted, and why</h2>'
            '<p class="sub">Found, but not the author naming the people they serve, so neither counted '
            'nor flagged.</p><table class="stack"><thead><tr><th scope="col">why</th>'
            '<th scope="col" class="num">mentions</th><th scope="col">where</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')


EVIDENCE = 3


def evidence(d: DocumentReport) -> list[Framing]:
    """Return the passages that weighed most for a document's framing: the model's `evidence` when it
    gives one, else its most confident passages of that label."""
    if d.framing is None:
        return []
    given = [e for e in getattr(d.framing, "evidence", ()) or () if getattr(e, "passage", None) is not None]
    if given:
        return given[:EVIDENCE]
    label = d.framing.label
    ranked = sorted((f for f in d.framings if f.passage is not None and f.label == label),
                    key=lambda f: -float(f.scores.get(label, 0.0)))
    return ranked[:EVIDENCE]


def framing_matters(d: DocumentReport) -> bool:
    """Return True when a document's framing contradicts its word, or a finding says so."""
    if d.framing is None or d.error:
        return False
    contradicts = d.framing.label not in ("neutral", d.dominant) and d.dominant is not None
    return contradicts or any(f.rule == FRAMING_MISMATCH for f in d.findings)


def evidence_list(passages: Sequence[Framing], markdown: bool) -> str:
    """Return passages as a list, each with its label and probability, its markup left out."""
    items = []
    for f in passages:
        tag = f"{f.label} {float(f.scores.get(f.label, 0.0)):.2f}"
        text = f.passage.text
        readable = " ".join(without_markup(text, 0, len(text), markup_spans(text, markdown)).split())
        items.append(f'<li><span class="frame-tag">{escape(tag)}</span> {escape(readable)}</li>')
    return f'<ul class="evidence">{"".join(items)}</ul>' if items else ""


def framing_section(report: SiteReport, labels: Sequence[str]) -> str:
    """Return the site's framing with its gauge, then the evidence on each page where framing matters;
    "" without a model."""
    if report.framing is None:
        return ""
    keys = [*FRAMING_LABELS, *(k for k in report.framing.scores if k not in FRAMING_LABELS)]
    parts = [f'<section id="framing"><h2>Framing: {escape(report.framing.label)}</h2>',
             framing_gauge(report.framing, keys)]
    shown = [(i, d) for i, d in enumerate(report.documents) if framing_matters(d)]
    if shown:
        parts.append('<p class="sub">Pages whose framing and word disagree, with the passages that weighed most.</p>')
    for i, d in shown:
        because = f' <span class="sub">(because {escape("; ".join(d.framing.cues))})</span>' if d.framing.cues else ""
        parts.append(f'<h3><a href="#doc-{i}">{escape(labels[i])}</a>: says {escape(d.dominant or "-")}, '
                     f'framed as {escape(d.framing.label)}{because}</h3>{evidence_list(evidence(d), is_markdown(d.path))}')
    return "".join(parts) + "</section>"
