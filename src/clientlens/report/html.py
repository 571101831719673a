"""render_html: one self-contained HTML file (styles, script and charts inline, no fetches).

Sections: a summary, a sortable per-page table, a chart of mentions per page, then each
document's text with its mentions, findings and framing, and the rules that were reported.
A Content-Security-Policy forbids every network request, so the file stays offline-safe.
"""

from __future__ import annotations

import os
from html import escape
from importlib import resources
from typing import Any, Sequence

from clientlens.judge.catalogue import RULES
from clientlens.report.html_svg import framing_gauge, mentions_chart, pattern_defs, slug
from clientlens.report.html_text import finding_ids, render_text_html
from clientlens.report.json import evidence_text
from clientlens.types import FRAMING_LABELS, DocumentReport, Finding, SiteReport

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def asset(name: str) -> str:
    """Return the text of a file in report/templates/."""
    return resources.files("clientlens.report").joinpath("templates", name).read_text(encoding="utf-8")


def short_paths(paths: Sequence[str]) -> list[str]:
    """Return the paths with their common folder removed, for compact labels."""
    if len(paths) < 2 or any("://" in p for p in paths):
        return list(paths)
    try:
        common = os.path.commonpath([os.path.dirname(p) for p in paths])
    except ValueError:  # absolute and relative paths mixed
        return list(paths)
    return [os.path.relpath(p, common) if common else p for p in paths]


def _counts(counts) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items() if v) or "none"


def card(key: str, value: str, extra: str = "") -> str:
    """Return one summary card (its value already HTML)."""
    return f'<div class="card"><span class="k">{escape(key)}</span><span class="v">{value}</span>{extra}</div>'


def summary(report: SiteReport) -> str:
    """Return the summary section: cards, and the framing gauge when the site has a framing."""
    sev = report.findings_by_severity()
    meter = f'<meter min="0" max="100" value="{report.consistency}">{report.consistency:.1f}</meter>'
    cards = [card("dominant family", escape(report.dominant or "none")),
             card("consistency", f'{report.consistency:.1f}<small>/100</small>', meter),
             card("documents", str(len(report.documents))),
             card("counted mentions", escape(_counts(report.counts))),
             card("findings", f"{sev['error']} error · {sev['warning']} warning · {sev['info']} info")]
    parts = ['<section id="summary"><h2>Summary</h2><div class="cards">', *cards, "</div>"]
    if report.mixed_documents:
        names = ", ".join(f"<code>{escape(p)}</code>" for p in report.mixed_documents)
        parts.append(f'<p class="mixed-list">Mixed documents: {names}</p>')
    if report.framing is not None:
        labels = [*FRAMING_LABELS, *(k for k in report.framing.scores if k not in FRAMING_LABELS)]
        parts.append(f'<div class="framing"><h3>Framing of the site: {escape(report.framing.label)}</h3>'
                     f'{framing_gauge(report.framing, labels)}</div>')
    return "".join(parts) + "</section>"


def th(label: str, kind: str = "text") -> str:
    """Return a sortable table header cell."""
    cls = ' class="num"' if kind == "number" else ""
    return f'<th scope="col" data-type="{kind}"{cls}><button type="button">{escape(label)}</button></th>'


def page_row(i: int, d: DocumentReport, label: str, families: Sequence[str]) -> str:
    """Return one row of the per-page table; numeric cells carry data-sort values."""
    state, cls = ("error", ' class="state-error"') if d.error else (("mixed", "") if d.mixed else ("no", ""))
    framing = d.framing.label if d.framing else "-"
    counts = "".join(f'<td class="num" data-sort="{d.counts.get(f, 0)}">{d.counts.get(f, 0)}</td>' for f in families)
    row_cls = ' class="mixed"' if d.mixed else ""
    return (f'<tr id="row-{i}"{row_cls}><td data-sort="{escape(label)}"><a href="#doc-{i}" title="{escape(d.path)}">'
            f"{escape(label)}</a></td><td>{escape(d.kind.value)}</td>{counts}"
            f"<td>{escape(d.dominant or '-')}</td>"
            f'<td class="num" data-sort="{d.consistency}">{d.consistency:.0f}</td>'
            f"<td>{escape(framing)}</td><td{cls}>{state}</td>"
            f'<td class="num" data-sort="{len(d.findings)}">{len(d.findings)}</td></tr>')


def page_table(report: SiteReport, labels: Sequence[str]) -> str:
    """Return the sortable per-page table."""
    families = list(report.counts)
    head = (th("page") + th("kind") + "".join(th(f, "number") for f in families) + th("dominant")
            + th("consistency", "number") + th("framing") + th("mixed") + th("findings", "number"))
    rows = "".join(page_row(i, d, labels[i], families) for i, d in enumerate(report.documents))
    return (f'<section id="pages"><h2>Pages</h2><p class="sub">Click a column heading to sort.</p>'
            f'<table class="sortable" id="page-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
            f"</section>")


def chart(report: SiteReport, labels: Sequence[str]) -> str:
    """Return the section with the mentions-per-page chart."""
    rows = [(labels[i], d.counts) for i, d in enumerate(report.documents) if not d.error]
    return (f'<section id="chart"><h2>Mentions per page</h2>'
            f'{mentions_chart(rows, list(report.counts))}</section>')


def legend(families: Sequence[str]) -> str:
    """Return the key to the highlights, each sample drawn exactly as in the text."""
    items = [f'<span><mark class="m fam-{slug(f)} counted">{escape(f)}<sup class="tag">{escape(f)}</sup></mark>'
             " counted</span>" for f in families]
    items += ['<span><mark class="m sense-non-person">client<sup class="tag">software</sup></mark>'
              " not counted (software, the word itself, someone else's)</span>",
              '<span><a class="fi sev-warning"><span class="sev">warning</span> rule → '
              '<q class="suggestion">fix</q></a> a finding and its suggestion</span>',
              '<span><span class="frame frame-client"><span class="frame-tag">client framing</span></span>'
              '<span class="frame frame-customer"><span class="frame-tag">customer framing</span></span>'
              " passages (unmarked: neutral or not judged)</span>"]
    return '<div class="legend">' + "".join(items) + "</div>"


def value_html(value: Any) -> str:
    """Return a contract's to_dict() value as nested HTML tables and lists, escaped."""
    if isinstance(value, dict):
        rows = "".join(f"<tr><th>{escape(str(k))}</th><td>{value_html(v)}</td></tr>" for k, v in value.items())
        return f"<table>{rows}</table>"
    if isinstance(value, (list, tuple)):
        return "<ul>" + "".join(f"<li>{value_html(v)}</li>" for v in value) + "</ul>" if value else "none"
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:.1f}"
    return escape(str(value))


def contract_block(d: DocumentReport) -> str:
    """Return the contract score block of a contract document, or ""."""
    if d.contract is None:
        return ""
    to_dict = getattr(d.contract, "to_dict", None)
    data = to_dict() if callable(to_dict) else None
    if not isinstance(data, dict):
        return f'<div class="contract"><h4>Contract</h4>{escape(str(d.contract))}</div>'
    score = data.get("score")
    head = f"Contract score {score:.1f}/100" if isinstance(score, (int, float)) else "Contract"
    term = f' · defined term <q>{escape(str(data["defined_term"]))}</q>' if data.get("defined_term") else ""
    return f'<div class="contract"><h4>{head}{term}</h4>{value_html(data)}</div>'


def finding_item(f: Finding, anchor: str, inline: bool) -> str:
    """Return one finding as a list item: severity, rule, place, message, suggestion, reason."""
    suggestion = f' Use <q class="suggestion">{escape(f.suggestion)}</q>.' if f.suggestion else ""
    because = f' <span class="because">({escape(f.because)})</span>' if f.because else ""
    link = f' <a href="#{anchor}-inline">show in text</a>' if inline else ""
    return (f'<li class="finding sev-{slug(f.severity.value)}" id="{anchor}" data-rule="{escape(f.rule)}">'
            f'<span class="sev">{escape(f.severity.value)}</span> <code>{escape(f.rule)}</code> '
            f"line {f.line}:{f.column}: {escape(f.message)}.{suggestion}{because}{link}</li>")


def evidence_block(d: DocumentReport) -> str:
    """Return the passages that decided the document's framing as a quoted list, or ""."""
    if d.framing is None or not d.framing.evidence:
        return ""
    items = "".join(f'<li><q>{escape(evidence_text(e))}</q> ({escape(e.label)} {e.scores.get(e.label, 0.0):.2f})</li>'
                    for e in d.framing.evidence)
    return f'<div class="evidence"><p>Framing {escape(d.framing.label)} because of:</p><ul>{items}</ul></div>'


def document_section(i: int, d: DocumentReport) -> str:
    """Return one document's section: facts, error, contract, findings list and highlighted text."""
    doc_id = f"doc-{i}"
    text = render_text_html(d, doc_id)
    ids = finding_ids(doc_id, d.findings)
    facts = [d.kind.value, f"counts: {_counts(d.counts)}", f"dominant: {d.dominant or '-'}",
             f"consistency {d.consistency:.0f}", "mixed" if d.mixed else "not mixed"]
    if d.framing is not None:
        facts.append(f"framing: {d.framing.label}")
    parts = [f'<section class="doc" id="{doc_id}"><h3>{escape(d.path)}</h3>',
             f'<p class="docmeta">{escape(" · ".join(facts))}</p>']
    parts.append(evidence_block(d))
    if d.error:
        parts.append(f'<p class="error-box">Not audited: {escape(d.error)}</p>')
    if d.findings:
        # A finding whose span is not a drawn mention has no badge in the text to link to.
        items = "".join(finding_item(f, ids[n], f'id="{ids[n]}-inline"' in text) for n, f in enumerate(d.findings))
        parts.append(f'<ol class="findings">{items}</ol>')
    parts.append(contract_block(d))
    if text:
        parts.append(f'<div class="doctext">{text}</div>')
    return "".join(parts) + "</section>"


def rules_section(report: SiteReport) -> str:
    """Return the explanation of every rule reported, from the catalogue, or ""."""
    names = list(dict.fromkeys(f.rule for f in report.findings))
    items = []
    for name in names:
        info = RULES.get(name)
        if info is not None:
            items.append(f'<dt id="rule-{slug(name)}"><code>{escape(name)}</code> ({escape(info.severity.value)})</dt>'
                         f"<dd>{escape(info.summary)} {escape(info.why)}</dd>"
                         f"<dd>Example: {escape(info.example)}</dd><dd>Use instead: {escape(info.fix_hint)}</dd>")
    return f'<section id="rules"><h2>Rules reported</h2><dl class="rules">{"".join(items)}</dl></section>' if items else ""


def render_html(report: SiteReport) -> str:
    """Return the whole report as one self-contained HTML document."""
    labels = short_paths([d.path for d in report.documents])
    model = f" · model {report.model.name} {report.model.version}" if report.model else " · rules only"
    docs = "".join(document_section(i, d) for i, d in enumerate(report.documents))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>clientlens report</title><style>{asset('report.css')}</style></head>"
        f"<body>{pattern_defs()}<header>"
        '<label class="controls"><input type="checkbox" id="mono-toggle"> colours off</label>'
        f'<h1>clientlens report</h1><p class="sub">clientlens {escape(report.tool_version)}{escape(model)}</p>'
        f"</header><main>{summary(report)}{page_table(report, labels)}{chart(report, labels)}"
        f'<section id="documents"><h2>Documents</h2>{legend(list(report.counts))}{docs}</section>'
        f"{rules_section(report)}</main><script>{asset('report.js')}</script></body></html>\n"
    )
