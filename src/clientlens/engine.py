"""Auditor: runs ingest -> rules -> model -> judge once per audit, loading spaCy and models once."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Callable, Iterable, Iterator, Sequence

from clientlens import __version__
from clientlens.config import Settings
from clientlens.ingest import load_documents
from clientlens.judge.document import Tally, judge_document, judge_failure
from clientlens.judge.finalise import finalise_document, finalise_site
from clientlens.judge.site import judge_site, site_tally, target_family
from clientlens.judge.framing import document_framing, mismatch_findings, site_framing
from clientlens.judge.roles import resolve_roles
from clientlens.judge.suppress import check_rule_names, drop_suppressed
from clientlens.rules.detect import detect_mentions, iter_batches
from clientlens.rules.families import family_set
from clientlens.types import Document, DocumentReport, Framing, FramingPolicy, InputFailure, Kind, Mention, SiteReport

Progress = Callable[[int, int], None]
BATCH = 64


class Auditor:
    """Audits Documents with one spaCy pipeline (and one framing model, when used)."""

    def __init__(self, settings: Settings | None = None, jobs: int = 1) -> None:
        self.settings = settings or Settings()
        self.families = family_set(self.settings.families)
        check_rule_names(self.settings)
        self.jobs = max(int(jobs), 1)
        self._nlp = None
        self._framer = None
        self._framer_loaded = False
        self._worker_info: tuple | None = None

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
            found = self.framer.refine_senses(documents, found)
        return found

    def framings(self, documents: Sequence[Document], mentions: Sequence[Sequence[Mention]]) -> list[list[Framing]]:
        """Return each document's passage framings (empty lists when no model is used)."""
        if self.framer is None:
            return [[] for _ in documents]
        return self.framer.frame_documents(documents, mentions)

    def analyse(self, documents: Sequence[Document]) -> tuple[list[list[Mention]], list[list[Framing]]]:
        """Return the mentions and the framings of each document: the per-document work, no judging."""
        found = self.mentions(documents)
        return found, self.framings(documents, found)

    def audit_all(self, items: Iterable[Document | InputFailure], progress: Progress | None = None) -> SiteReport:
        """Return the SiteReport of `items`; InputFailures become documents with an error.

        With `jobs` > 1 and more than one batch, the batches are analysed in worker processes;
        the results come back in order and the site is judged here, over all of them.
        """
        items = list(items)
        documents = [d for d in items if isinstance(d, Document)]
        mentions: list[list[Mention]] = []
        framings: list[list[Framing]] = []
        done = 0
        batches = list(iter_batches(documents, BATCH))
        results = self._in_workers(batches) if self.jobs > 1 and len(batches) > 1 else map(self.analyse, batches)
        # Results first: zip then runs the worker generator to its end, which shuts the pool down.
        for (found, framed), batch in zip(results, batches):
            mentions.extend(found)
            framings.extend(framed)
            done += len(batch)
            if progress:
                progress(done, len(documents))
        return finalise_site(self.judge(items, documents, mentions, framings), items)

    def judge(self, items: Sequence[Document | InputFailure], documents: Sequence[Document],
              mentions: Sequence[Sequence[Mention]], framings: Sequence[Sequence[Framing]],
              site: Tally | None = None) -> SiteReport:
        """Return the SiteReport: roles resolved per document, then each document judged against
        the site's target family (or its own, with `scope = "document"`).

        `site` is the Tally of the whole site when `documents` are only some of its pages
        (the Ray engine judges pages in batches); by default it is counted from `mentions`.
        """
        names = list(self.families.families)
        resolved = [resolve_roles(d, ms, self.settings) for d, ms in zip(documents, mentions)]
        mentions = [ms for ms, _ in resolved]
        if site is None:
            site = site_tally(mentions, names)
        by_id = {id(d): i for i, d in enumerate(documents)}
        policy = self.framing_policy()
        reports: list[DocumentReport] = []
        for item in items:
            if isinstance(item, InputFailure):
                reports.append(drop_suppressed(judge_failure(item, self.settings, names), None, self.settings))
                continue
            i = by_id[id(item)]
            against = site if self.settings.scope == "site" else site_tally([mentions[i]], names)
            target = target_family(self.settings.preferred, against)
            framing = document_framing(framings[i], policy)
            extra = [] if item.kind is Kind.CONTRACT else mismatch_findings(
                mentions[i], framings[i], self.settings, self.families, target, framing, policy)
            report = judge_document(item, mentions[i], framings[i], self.settings, self.families,
                                    target, against, extra, resolved[i][1].discussion)
            reports.append(replace(drop_suppressed(report, item, self.settings), framing=framing,
                                   reader=resolved[i][1].reader.because))
        return judge_site(reports, site, __version__, self.model_info(), _site_framing(reports))

    def model_info(self):
        """Return the framing model's ModelInfo (None when no model is used), without loading it
        here when worker processes already did."""
        if not self._framer_loaded and self._worker_info is not None:
            return self._worker_info[0]
        return self.framer.info if self.framer else None

    def framing_policy(self) -> FramingPolicy:
        """Return how the model's framings are judged (saved with the model), without loading it
        here when worker processes already did."""
        if not self._framer_loaded and self._worker_info is not None:
            return self._worker_info[1]
        return self.framer.model.config.policy if self.framer else FramingPolicy()

    def _in_workers(self, batches: list[list[Document]]) -> Iterator[tuple[list[list[Mention]], list[list[Framing]]]]:
        from concurrent.futures import ProcessPoolExecutor

        global _PARENT
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        threads = max(cores // self.jobs, 1)
        _ = self.nlp  # built once here: workers started with fork inherit it (with spawn, each builds its own)
        _PARENT = self
        try:
            with ProcessPoolExecutor(min(self.jobs, len(batches)), initializer=_start_worker,
                                     initargs=(self.settings, threads)) as pool:
                for found, framed, info, policy in pool.map(_analyse_in_worker, batches):
                    self._worker_info = (info, policy)
                    yield found, framed
        finally:
            _PARENT = None

    def audit_paths(self, paths: Iterable[str], progress: Progress | None = None) -> SiteReport:
        """Return the SiteReport of files, folders and "-" (stdin)."""
        return self.audit_all(load_documents(paths, self.settings), progress)

    def audit_text(self, text: str, path: str = "<text>") -> DocumentReport:
        """Return the DocumentReport of one string of plain text."""
        from clientlens.ingest.text import load_text

        return self.audit_all([load_text(text, path, Kind.TEXT)]).documents[0]

    def contract_all(self, items: Iterable[Document | InputFailure], progress: Progress | None = None) -> SiteReport:
        """Return the SiteReport of contracts: each judged on its own, with its defined-term analysis."""
        from clientlens.judge.contract import contract_report, counts_tally

        reports: list[DocumentReport] = []
        # One contract at a time: each is its own "site" (its target is its own defined term), and
        # a folder of long PDFs never has more than one document's text loaded.
        for done, item in enumerate(items, 1):
            item = replace(item, kind=Kind.CONTRACT)
            report = self.audit_all([item]).documents[0]
            if isinstance(item, Document):
                # Ignore comments and per-file ignores cover the defined-term findings too.
                report = drop_suppressed(contract_report(item, report, self.settings, self.families), item,
                                         self.settings)
                report = finalise_document(report, item)
            reports.append(report)
            if progress:
                progress(done, 0)
        return judge_site(reports, counts_tally(reports, list(self.families.families)), __version__,
                          self.model_info(), _site_framing(reports))

    def contract_paths(self, paths: Iterable[str], progress: Progress | None = None) -> SiteReport:
        """Return the contract SiteReport of PDF, DOCX, text and Markdown files and folders."""
        return self.contract_all(load_documents(paths, self.settings), progress)


def _site_framing(reports: Sequence[DocumentReport]):
    return site_framing([(r.framing, len(r.text)) for r in reports if r.framing is not None])


_WORKER: Auditor | None = None
_PARENT: Auditor | None = None  # the Auditor that started the workers, as a forked worker sees it


def _start_worker(settings: Settings, threads: int) -> None:
    """Set up this worker process's Auditor; the model, if any, gets this worker's share of the cores."""
    global _WORKER
    os.environ["CLIENTLENS_THREADS"] = str(threads)
    _WORKER = _PARENT if _PARENT is not None and _PARENT.settings == settings else Auditor(settings)


def _analyse_in_worker(batch: list[Document]) -> tuple[list[list[Mention]], list[list[Framing]], object, object]:
    assert _WORKER is not None
    found, framed = _WORKER.analyse(batch)
    return found, framed, _WORKER.model_info(), _WORKER.framing_policy()
