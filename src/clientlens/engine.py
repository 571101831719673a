"""Auditor: runs ingest -> rules -> model -> judge once per audit, loading spaCy and models once."""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from clientlens import __version__
from clientlens.config import Settings
from clientlens.ingest import load_documents
from clientlens.judge.document import judge_document, judge_failure
from clientlens.judge.site import judge_site, site_tally, target_family
from clientlens.rules.detect import detect_mentions, iter_batches
from clientlens.rules.families import family_set
from clientlens.types import Document, DocumentReport, Framing, InputFailure, Kind, Mention, SiteReport

Progress = Callable[[int, int], None]
BATCH = 64


class Auditor:
    """Audits Documents with one spaCy pipeline (and one framing model, when used)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.families = family_set(self.settings.families)
        self._nlp = None
        self._framer = None
        self._framer_loaded = False

    @property
    def nlp(self):
        """Return the spaCy pipeline, built on first use."""
        if self._nlp is None:
            from clientlens.rules.nlp import build_nlp

            self._nlp = build_nlp(self.settings.families)
        return self._nlp

    @property
    def framer(self):
        """Return the framing model (loaded once), or None when the audit runs rules-only."""
        if not self._framer_loaded:
            self._framer_loaded = True
            if self.settings.use_model:
                from clientlens.model import load_default_framer

                self._framer = load_default_framer(self.settings)
        return self._framer

    def mentions(self, documents: Sequence[Document]) -> list[list[Mention]]:
        """Return the mentions of each document (rules first, the sense model where they are unsure)."""
        found = detect_mentions(self.nlp, documents, self.families)
        if self.framer is not None:
            found = [self.framer.refine_senses(doc, ms) for doc, ms in zip(documents, found)]
        return found

    def framings(self, documents: Sequence[Document], mentions: Sequence[Sequence[Mention]]) -> list[list[Framing]]:
        """Return each document's passage framings (empty lists when no model is used)."""
        if self.framer is None:
            return [[] for _ in documents]
        return self.framer.frame_documents(documents, mentions)

    def audit_all(self, items: Iterable[Document | InputFailure], progress: Progress | None = None) -> SiteReport:
        """Return the SiteReport of `items`; InputFailures become documents with an error."""
        items = list(items)
        documents = [d for d in items if isinstance(d, Document)]
        mentions: list[list[Mention]] = []
        framings: list[list[Framing]] = []
        done = 0
        for batch in iter_batches(documents, BATCH):
            found = self.mentions(batch)
            mentions.extend(found)
            framings.extend(self.framings(batch, found))
            done += len(batch)
            if progress:
                progress(done, len(documents))
        return self.judge(items, documents, mentions, framings)

    def judge(self, items: Sequence[Document | InputFailure], documents: Sequence[Document],
              mentions: Sequence[Sequence[Mention]], framings: Sequence[Sequence[Framing]]) -> SiteReport:
        """Return the SiteReport, judging each document against the site's target family."""
        names = list(self.families.families)
        site = site_tally(mentions, names)
        target = target_family(self.settings.preferred, site)
        by_id = {id(d): i for i, d in enumerate(documents)}
        reports: list[DocumentReport] = []
        for item in items:
            if isinstance(item, InputFailure):
                reports.append(judge_failure(item, self.settings, names))
                continue
            i = by_id[id(item)]
            extra = self.framer.mismatch_findings(mentions[i], framings[i], self.settings) if self.framer else ()
            report = judge_document(item, mentions[i], framings[i], self.settings, self.families,
                                    target, site, extra)
            if self.framer is not None:
                report = self.framer.with_document_framing(report)
            reports.append(report)
        framer = self.framer
        return judge_site(reports, site, __version__, framer.info if framer else None,
                          framer.aggregate([r.framing for r in reports if r.framing]) if framer else None)

    def audit_paths(self, paths: Iterable[str], progress: Progress | None = None) -> SiteReport:
        """Return the SiteReport of files, folders and "-" (stdin)."""
        return self.audit_all(load_documents(paths, self.settings), progress)

    def audit_text(self, text: str, path: str = "<text>") -> DocumentReport:
        """Return the DocumentReport of one string of plain text."""
        from clientlens.ingest.text import load_text

        return self.audit_all([load_text(text, path, Kind.TEXT)]).documents[0]
