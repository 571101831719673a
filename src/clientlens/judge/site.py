"""judge_site: the cross-document view (site dominant family, consistency, mixed documents)."""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from clientlens.judge.document import Tally, tally
from clientlens.types import DocumentReport, Framing, Mention, ModelInfo, SiteReport


def site_tally(mentions_per_document: Iterable[Sequence[Mention]], families: Sequence[str]) -> Tally:
    """Return the Tally over every document's mentions together."""
    return tally((m for ms in mentions_per_document for m in ms), families)


def target_family(preferred: str, site: Tally) -> str | None:
    """Return the family every mention should use: the preferred one, else the site's dominant."""
    return site.dominant if preferred == "auto" else preferred


def judge_site(reports: Sequence[DocumentReport], site: Tally, tool_version: str,
               model: ModelInfo | None = None, framing: Framing | None = None) -> SiteReport:
    """Return the SiteReport built from judged documents and the site-wide tally."""
    counts: Mapping[str, int] = {f: sum(r.counts.get(f, 0) for r in reports) for f in site.counts}
    return SiteReport(
        documents=tuple(reports), counts=counts, dominant=site.dominant,
        consistency=site.consistency, framing=framing,
        mixed_documents=tuple(r.path for r in reports if r.mixed),
        tool_version=tool_version, model=model,
    )
