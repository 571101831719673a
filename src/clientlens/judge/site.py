"""judge_site: the cross-document view (site dominant family, consistency, mixed documents)."""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from clientlens.judge.document import Tally, tally, tally_counts
from clientlens.types import DocumentReport, Framing, Mention, ModelInfo, SiteReport


def site_tally(mentions_per_document: Iterable[Sequence[Mention]], families: Sequence[str]) -> Tally:
    """Return the Tally over every document's mentions together."""
    return combine_tallies((tally(ms, families) for ms in mentions_per_document), families)


def combine_tallies(parts: Iterable[Tally], families: Sequence[str]) -> Tally:
    """Return the Tally of documents whose own Tallies are `parts`, in document order.

    Counts add up; a family's first use is its first use in the first document that counts
    it. So a site's pages can be tallied apart (in different workers) and combined later.
    """
    counts = {name: 0 for name in families}
    first: dict[str, int] = {}
    for part in parts:
        for family, n in part.counts.items():
            if n:
                counts[family] = counts.get(family, 0) + n
                first.setdefault(family, part.first[family])
    return tally_counts(counts, first)


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
