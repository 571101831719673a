"""render_html: one self-contained HTML file (styles, script and charts inline, no fetches).

Reading order: the verdict in one sentence, the findings of the whole site in one table
(filterable by rule and page), what was not counted and why, the framing and its evidence,
the pages, then each document's text, readable, with its mentions and findings marked. A
Content-Security-Policy forbids every network request, so the file stays offline-safe.
"""

from __future__ import annotations

from html import escape
from importlib import resources
from typing import Any, Sequence

from clientlens.judge.catalogue import RULES
from clientlens.report.common import band, counts_text, page_state, short_paths, verdict
from clientlens.report.html_findings import findings_section, framing_section, not_counted_section
from clientlens.report.html_svg import consistency_bar, mentions_chart, pattern_defs, slug
from clientlens.report.html_text import finding_ids, findings_by_mention, render_text_html
from clientlens.types import DocumentReport, Finding, SiteReport

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def asset(name: str) -> str:
    """Return the text of a file in report/templates/."""
    return resources.files("clientlens.report").joinpath("templates", name).read_text(encoding="utf-8")


def card(key: str, value: str, extra: str = "") -> str:
    """Return one summary card (its value already HTML)."""
    return f'<div class="card"><span class="k">{escape(key)}</span><span class="v">{value}</span>{extra}</div>'


def summary(report: SiteReport) -> str:
    """Return the verdict sentence, coloured by its band, and the cards under it."""
    sev = report.findings_by_severity()
    level = band(report.consistency, sum(report.counts.values()))
    cards = [card("counted mentions", escape(counts_text(report.counts))),
             card("consistency", f'{report.consistency:.1f}<small>/100 · {escape(level)}</small>',
                  consistency_bar(report.consistency, level)),
             card("documents", str(len(report.documents))),
             card("findings", f"{sev['error']} error · {sev['warning']} warning · {sev['info']} info")]
    return (f'<section id="summary"><p class="verdict band-{slug(level)}" id="verdict">'
            f'{escape(verdict(report))}.</p><div class="cards">{"".join(cards)}</div></section>')


def th(label: str, kind: str = "text") -> str:
    """Return a sortable table header cell."""
    cls = ' class="num"' if kind == "number" else ""
    return f'<th scope="col" data-type="{kind}"{cls}><button type="button">{escape(label)}</button></th>'


def page_row(i: int, d: DocumentReport, label: str, families: Sequence[str], dominant: str | None) -> str:
    """Return one row of the per-page table; numeric cells carry data-sort values, cells their column name."""
    state = page_state(d, dominant)
    counts = "".join(f'<td class="num" data-label="{escape(f)}" data-sort="{d.counts.get(f, 0)}">'
                     f'{d.counts.get(f, 0)}</td>' for f in families)
    level = band(d.consistency, sum(d.counts.values()))
    consistency = (f'<td class="num" data-label="consistency" data-sort="-1">-</td>' if d.error else
                   f'<td class="num" data-label="consistency" data-sort="{d.consistency}">{d.consistency:.0f}'
                   f'{consistency_bar(d.consistency, level)}</td>')
    return (f'<tr id="row-{i}" class="row-{slug(state)}"><td data-label="page" data-sort="{escape(label)}">'
            f'<a href="#doc-{i}" title="{escape(d.path)}">{escape(label)}</a></td>'
            f'<td data-label="kind">{escape(d.kind.value)}</td>{counts}'
            f'<td data-label="dominant">{escape(d.dominant or "-")}</td>{consistency}'
            f'<td data-label="framing">{escape(d.framing.label if d.framing else "-")}</td>'
            f'<td data-label="state"><span class="state state-{slug(state)}">{escape(state)}</span></td>'
            f'<td class="num" data-label="findings" data-sort="{len(d.findings)}">{len(d.findings)}</td></tr>')


def pages_section(report: SiteReport, labels: Sequence[str]) -> str:
    """Return the sortable per-page table and the chart of counted mentions per page."""
    families = list(report.counts)
    head = (th("page") + th("kind") + "".join(th(f, "number") for f in families) + th("dominant")
            + th("consistency", "number") + th("framing") + th("state") + th("findings", "number"))
    rows = "".join(page_row(i, d, labels[i], families, report.dominant) for i, d in enumerate(report.documents))
    chart_rows = [(labels[i], d.counts) for i, d in enumerate(report.documents) if not d.error]
    return (f'<section id="pages"><h2>Pages</h2><p class="sub">State: <b>mixed</b> uses both words; '
            f'<b>other word</b> is consistent on its own but not with the site; <b>word vs framing</b>: the '
            f'word contradicts how a passage frames the relationship. Click a heading to sort.</p>'
            f'<table class="sortable stack" id="page-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody>'
            f'</table><div class="chart-block"><h3>Counted mentions per page</h3>{mentions_chart(chart_rows, families)}'
            f'</div></section>')


def legend(families: Sequence[str]) -> str:
    """Return the key to the highlights, each sample drawn exactly as in the text."""
    items = [f'<span><mark class="m fam-{slug(f)} counted">{escape(f)}<sup class="tag">{escape(f)}</sup></mark>'
             " counted</span>" for f in families]
    items += ['<span><mark class="m sense-non-person">client<sup class="tag">software</sup></mark>'
              " not counted (software, the word itself, someone else's)</span>",
              '<span><a class="fi sev-warning"><span class="sev">warning</span> rule → '
              '<q class="suggestion">fix</q></a> a finding and its suggestion</span>',
              '<span><span class="frame frame-customer"><span class="frame-tag">customer framing</span></span>'
              " a passage whose framing contradicts its word</span>",
              '<span><span class="markup">**</span> markup of the source, dimmed</span>']
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


def contract_block(d: DocumentReport, ids: dict[int, str] | None = None) -> str:
    """Return the contract score block of a contract document (each deduction linked to its finding), or ""."""
    if d.contract is None:
        return ""
    to_dict = getattr(d.contract, "to_dict", None)
    data = to_dict() if callable(to_dict) else None
    if not isinstance(data, dict):
        return f'<div class="contract"><h4>Contract</h4>{escape(str(d.contract))}</div>'
    score = data.get("score")
    head = f"Contract score {score:.1f}/100" if isinstance(score, (int, float)) else "Contract: no score"
    term = f' · defined term <q>{escape(str(data["defined_term"]))}</q>' if data.get("defined_term") else ""
    parts = data.get("breakdown") if isinstance(data.get("breakdown"), dict) else {}
    deductions = sorted((x for p in parts.values() if isinstance(p, dict) for x in p.get("deductions") or ()),
                        key=lambda x: x.get("start", 0))
    shown = {**data, "breakdown": {k: {kk: vv for kk, vv in p.items() if kk != "deductions"} if isinstance(p, dict)
                                   else p for k, p in parts.items()}} if parts else data
    return (f'<div class="contract"><h4>{head}{term}</h4>{deduction_list(deductions, d.findings, ids or {})}'
            f"{value_html(shown)}</div>")


def deduction_list(deductions: Sequence[dict], findings: Sequence[Finding], ids: dict[int, str]) -> str:
    """Return the score's deductions as a list, each with its clause linked to its finding, or ""."""
    items = []
    for x in deductions:
        n = next((i for i, f in enumerate(findings) if (f.rule, f.start, f.end) == (x.get("rule"), x.get("start"),
                                                                                    x.get("end"))), None)
        place = escape(f"line {x.get('line')}" + (f", page {x['page']}" if x.get("page") else ""))
        link = f'<a href="#{ids[n]}">{place}</a>' if n in ids else place
        items.append(f"<li>&minus;{float(x.get('points', 0)):g} <code>{escape(str(x.get('rule')))}</code> {link}</li>")
    return f'<ol class="deductions">{"".join(items)}</ol>' if items else ""


def document_section(i: int, d: DocumentReport, dominant: str | None, text: str) -> str:
    """Return one document, folded unless it has findings, an error or a contract score: its facts and text."""
    state = page_state(d, dominant)
    facts = [d.kind.value, f"counted: {counts_text(d.counts)}", f"consistency {d.consistency:.0f}",
             f"{len(d.findings)} finding{'s' if len(d.findings) != 1 else ''}"]
    if d.framing is not None:
        facts.append(f"framing: {d.framing.label}")
    opened = " open" if d.findings or d.error or d.contract is not None else ""
    parts = [f'<details class="doc" id="doc-{i}"{opened}><summary><span class="path">{escape(d.path)}</span> '
             f'<span class="state state-{slug(state)}">{escape(state)}</span> '
             f'<span class="docmeta">{escape(" · ".join(facts))}</span></summary>']
    if d.error:
        parts.append(f'<p class="error-box">Not audited: {escape(d.error)}</p>')
    # Each deduction links to its finding's row in the findings table.
    parts.append(contract_block(d, finding_ids(f"doc-{i}", d.findings)))
    if text:
        parts.append(f'<div class="doctext">{text}</div>')
    return "".join(parts) + "</details>"


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
    texts = [render_text_html(d, f"doc-{i}") for i, d in enumerate(report.documents)]
    # Findings on a mention have a badge in the text; the table links to it.
    inline = {f"doc-{i}-f{n + 1}" for i, d in enumerate(report.documents)
              for ns in findings_by_mention(d).values() for n in ns if texts[i]}
    docs = "".join(document_section(i, d, report.dominant, texts[i]) for i, d in enumerate(report.documents))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>clientlens report</title><style>{asset('report.css')}</style></head>"
        f"<body>{pattern_defs()}<header>"
        '<label class="controls"><input type="checkbox" id="mono-toggle"> colours off</label>'
        f'<h1>clientlens report</h1><p class="sub">clientlens {escape(report.tool_version)}{escape(model)}</p>'
        f"</header><main>{summary(report)}{findings_section(report, labels, inline)}"
        f"{not_counted_section(report, labels)}{framing_section(report, labels)}{pages_section(report, labels)}"
        f'<section id="documents"><h2>Documents</h2>{legend(list(report.counts))}{docs}</section>'
        f"{rules_section(report)}</main><script>{asset('report.js')}</script></body></html>\n"
    )
