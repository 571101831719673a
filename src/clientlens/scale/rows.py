"""The Ray engine's rows: pages judged in a worker, sites combined from them, pages finished.

No Ray here: the local engine's own judgements (Auditor.analyse and Auditor.judge, the
judge's combine_tallies, target_family and aggregate) turned into table rows, so that this
arithmetic is tested without a cluster.

A page's findings depend on its site's word (the target family: the preferred one, or the
site's dominant family), which is known only once every page of the site is analysed,
perhaps by other workers. So a worker judges each page against every word the site could
settle on (none, or each family; with a preferred word set, that one) and keeps the finding
counts of each (`findings_if`); the rest of a page's verdict (counts, dominant,
consistency, mixed, framing) is the page's own. A site's row combines its pages' tallies in
page order and picks the target as the local engine does; each page's findings are then
those it got against that target.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, Sequence

from clientlens.config import Settings
from clientlens.engine import Auditor
from clientlens.judge.document import Tally, tally, tally_counts
from clientlens.judge.framing import aggregate
from clientlens.judge.site import combine_tallies, target_family
from clientlens.types import FRAMING_LABELS, Document, DocumentReport, Framing, InputFailure

Row = dict[str, Any]
SEVERITIES = ("error", "warning", "info")
# Columns a work row has for the site's group-by and that the finished page table leaves out.
WORK_ONLY = ("findings_if", "shard")


def count_column(family: str) -> str:
    """Return the name of the column counting a family's mentions."""
    return f"count_{family}"


def first_column(family: str) -> str:
    """Return the name of the column holding the offset of a family's first counted use (-1: none)."""
    return f"first_{family}"


def page_targets(settings: Settings, families: Sequence[str]) -> tuple[str | None, ...]:
    """Return the words a page may be judged against: the preferred family, or (auto) none and each family."""
    if settings.preferred != "auto":
        return (settings.preferred,)
    return (None, *families)


def judge_pages(auditor: Auditor, items: Sequence[Document | InputFailure]) -> list[Row]:
    """Return one work row per item: the page's own verdict and its findings against each possible target.

    A batch that fails is judged again page by page, and a page that still fails becomes a
    failure row saying so: one bad page never loses the others.
    """
    try:
        return _judge_batch(auditor, items)
    except Exception as exc:  # noqa: BLE001 - isolate the page that fails; each is retried below
        if len(items) > 1:
            return [row for item in items for row in judge_pages(auditor, [item])]
        doc = items[0]
        if not isinstance(doc, Document):
            raise
        reason = f"{doc.path}: internal error while auditing this page ({type(exc).__name__}: {exc})"
        return _judge_batch(auditor, [InputFailure(doc.path, " ".join(reason.split()), doc.kind)])


def _judge_batch(auditor: Auditor, items: Sequence[Document | InputFailure]) -> list[Row]:
    names = list(auditor.families.families)
    items = [auditor.within_limits(item) for item in items]  # max-mentions, as in a local audit
    documents = [i for i in items if isinstance(i, Document)]
    mentions, framings = auditor.analyse(documents)
    prepared = auditor.prepare(documents, mentions)  # roles and contracts do not depend on the site's word
    verdicts = {target: auditor.judge(items, documents, mentions, framings, site=_aiming_at(target),
                                      prepared=prepared).documents
                for target in page_targets(auditor.settings, names)}
    return [_work_row({t: reports[i] for t, reports in verdicts.items()}, names) for i in range(len(items))]


def _aiming_at(target: str | None) -> Tally:
    # A site tally that only names the site's word: the judge takes the target from it, and
    # its counts reach only the findings' messages, which the tables do not keep.
    return Tally({}, target, 100.0, False)


def _work_row(by_target: Mapping[str | None, DocumentReport], names: Sequence[str]) -> Row:
    report = next(iter(by_target.values()))
    first = tally(report.mentions, names).first
    framing = report.framing
    row: Row = {"url": report.path, "kind": report.kind.value, "error": report.error,
                "words": len(report.text.split()), "chars": len(report.text)}
    for family in names:
        row[count_column(family)] = report.counts.get(family, 0)
        row[first_column(family)] = first.get(family, -1)
    row.update(dominant=report.dominant, consistency=report.consistency, mixed=report.mixed,
               framing=framing.label if framing else None)
    for label in FRAMING_LABELS:
        row[f"framing_{label}"] = framing.scores.get(label) if framing else None
    row["findings_if"] = json.dumps({_key(t): severity_counts(r) for t, r in by_target.items()}, sort_keys=True)
    return row


def severity_counts(report: DocumentReport) -> list[int]:
    """Return a report's number of findings per severity: [error, warning, info]."""
    return [sum(1 for f in report.findings if f.severity.value == s) for s in SEVERITIES]


def _key(target: str | None) -> str:
    return target or ""


def site_row(site: str, rows: Iterable[Row], settings: Settings, names: Sequence[str]) -> Row:
    """Return the summary row of one site from its pages' work rows, which must be in page order."""
    rows = list(rows)
    parts = [tally_counts({f: r[count_column(f)] for f in names},
                          {f: r[first_column(f)] for f in names if r[first_column(f)] >= 0}) for r in rows]
    site_tally = combine_tallies(parts, names)
    target = target_family(settings.preferred, site_tally)
    per_page = [json.loads(r["findings_if"])[_key(target)] for r in rows]
    findings = [sum(counts[k] for counts in per_page) for k in range(len(SEVERITIES))]
    framed = [r for r in rows if r["framing"] is not None]
    framing = aggregate([Framing(r["framing"], {lb: r[f"framing_{lb}"] for lb in FRAMING_LABELS}) for r in framed],
                        [max(r["chars"], 1) for r in framed])
    out: Row = {"site": site, "pages": len(rows), "errors": sum(1 for r in rows if r["error"] is not None),
                "words": sum(r["words"] for r in rows)}
    out.update({count_column(f): site_tally.counts.get(f, 0) for f in names})
    out.update(dominant=site_tally.dominant, consistency=site_tally.consistency, mixed=site_tally.mixed,
               mixed_pages=sum(1 for r in rows if r["mixed"]), framing=framing.label if framing else None)
    out.update({f"framing_{lb}": framing.scores[lb] if framing else None for lb in FRAMING_LABELS})
    out.update(target=target, findings=sum(findings), **dict(zip((f"findings_{s}" for s in SEVERITIES), findings)))
    return out


def page_row(row: Mapping[str, Any], target: str | None) -> Row:
    """Return the finished page row of a work row whose site settled on `target`."""
    findings = json.loads(row["findings_if"])[_key(target)]
    out = {k: v for k, v in row.items() if k not in WORK_ONLY and not k.startswith("first_")}
    out.update(target=target, findings=sum(findings), **dict(zip((f"findings_{s}" for s in SEVERITIES), findings)))
    return out
