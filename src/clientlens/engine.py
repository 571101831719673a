"""Auditor: runs ingest -> rules -> model -> judge once per audit, loading spaCy and models once."""

from __future__ import annotations

import itertools
import logging
import os
import re
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator, Sequence

from clientlens import __version__
from clientlens.config import Settings
from clientlens.errors import internal_error
from clientlens.ingest import load_documents
from clientlens.judge.contract import ContractAnalysis, analyse_contract, contract_document, counts_tally
from clientlens.judge.document import Tally, judge_document, judge_failure
from clientlens.judge.finalise import finalise_site
from clientlens.judge.site import judge_site, site_tally, target_family
from clientlens.judge.framing import document_framing, mismatch_findings, site_framing
from clientlens.judge.roles import DocumentRoles, resolve_roles
from clientlens.judge.suppress import check_rule_names, drop_suppressed
from clientlens.rules.detect import detect_mentions, iter_batches
from clientlens.rules.families import family_set
from clientlens.rules.page_sense import follow_page_sense, read_page_sense
from clientlens.types import Document, DocumentReport, Framing, FramingPolicy, InputFailure, Kind, Mention, SiteReport

Progress = Callable[[int, int], None]
# Each document's mentions and framings, and {index in the batch: reason} for those that failed.
Analysed = tuple[list[list[Mention]], list[list[Framing]], dict[int, str]]
BATCH = 64
log = logging.getLogger("clientlens")


@dataclass(frozen=True)
class Prepared:
    """Per document, what the judge needs whatever the site's word: the mentions with their roles,
    what the role resolver read off the document, and its contract analysis (None: not a contract)."""

    mentions: list[tuple[Mention, ...]]
    roles: list[DocumentRoles]
    contracts: list[ContractAnalysis | None]


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
        """Return the mentions of each document, decided as `decide_mentions` says."""
        return decide_mentions(self.nlp, documents, self.families, self.framer,
                               max_sentence=self.settings.max_sentence, max_window=self.settings.max_window)

    def framings(self, documents: Sequence[Document], mentions: Sequence[Sequence[Mention]]) -> list[list[Framing]]:
        """Return each document's passage framings (empty lists when no model is used)."""
        if self.framer is None:
            return [[] for _ in documents]
        return self.framer.frame_documents(documents, mentions)

    def analyse(self, documents: Sequence[Document]) -> tuple[list[list[Mention]], list[list[Framing]]]:
        """Return the mentions and the framings of each document: the per-document work, no judging."""
        documents = [_encodable(doc) for doc in documents]
        found = self.mentions(documents)
        return found, self.framings(documents, found)

    def analyse_isolated(self, documents: Sequence[Document]) -> Analysed:
        """Return `analyse` of a batch, plus {index: reason} for the documents whose analysis failed.

        When the batch fails, each document is analysed on its own, so only the culprit is
        lost: it gets empty results and a one-line reason naming it (the traceback goes to the
        debug log).
        """
        _ = self.nlp, self.framer  # loaded outside the guard: a missing model stops the audit, as it should
        try:
            found, framed = self.analyse(documents)
            return found, framed, {}
        except Exception as exc:  # noqa: BLE001 - one document's failure must not lose the others
            if len(documents) == 1:
                return [[]], [[]], {0: internal_error(documents[0].path, exc, "analysing")}
        found, framed, failed = [], [], {}
        for i, doc in enumerate(documents):
            one_found, one_framed, one_failed = self.analyse_isolated([doc])
            found.extend(one_found)
            framed.extend(one_framed)
            failed.update({i: reason for reason in one_failed.values()})
        return found, framed, failed

    def audit_all(self, items: Iterable[Document | InputFailure], progress: Progress | None = None) -> SiteReport:
        """Return the SiteReport of `items`; InputFailures become documents with an error.

        With `jobs` > 1 and more than one batch, the batches are analysed in worker processes;
        the results come back in order and the site is judged here, over all of them. A
        document whose analysis or judging fails becomes a document with an error too.
        """
        items = [self.within_limits(item) for item in items]
        documents = [d for d in items if isinstance(d, Document)]
        mentions: list[list[Mention]] = []
        framings: list[list[Framing]] = []
        failed: dict[int, str] = {}
        done = 0
        batches = list(iter_batches(documents, BATCH))
        results = (self._in_workers(batches) if self.jobs > 1 and len(batches) > 1
                   else map(self.analyse_isolated, batches))
        # Results first: zip then runs the worker generator to its end, which shuts the pool down.
        for (found, framed, bad), batch in zip(results, batches):
            mentions.extend(found)
            framings.extend(framed)
            failed.update({done + i: reason for i, reason in bad.items()})
            done += len(batch)
            if progress:
                progress(done, len(documents))
        return self._judge_isolated(items, documents, mentions, framings, failed)

    def within_limits(self, item: Document | InputFailure) -> Document | InputFailure:
        """Return `item`, or an InputFailure for a document with more than `max-mentions` family words.

        Each mention costs work in every later step (sense model, roles, judging), so a
        document full of family words is refused before any of it, as a file over max-bytes is.
        """
        if isinstance(item, InputFailure):
            return item
        cap = self.settings.max_mentions
        if sum(1 for _ in itertools.islice(self.families.finditer(item.text), cap + 1)) <= cap:
            return item
        return InputFailure(item.path, f"{item.path}: more than {cap:,} mentions of the family words (max-mentions); "
                                       "split it into smaller documents", item.kind)

    def _judge_isolated(self, items: list[Document | InputFailure], documents: list[Document],
                        mentions: list[list[Mention]], framings: list[list[Framing]],
                        failed: dict[int, str]) -> SiteReport:
        """Return the finalised `judge` of the documents whose analysis succeeded; the failed
        ones, and any whose judging alone fails, become InputFailures in their places."""
        kept = _drop_failed(items, documents, mentions, framings, failed)
        try:
            return finalise_site(self.judge(*kept), kept[0])
        except Exception as exc:  # noqa: BLE001 - look for the document that cannot be judged
            unjudgeable = self._unjudgeable(*kept[1:])
            if not unjudgeable:
                raise
            log.debug("judging the site failed (%s); judged the documents one by one", exc)
        kept = _drop_failed(*kept, unjudgeable)
        return finalise_site(self.judge(*kept), kept[0])

    def _unjudgeable(self, documents: list[Document], mentions: list[list[Mention]],
                     framings: list[list[Framing]]) -> dict[int, str]:
        failed = {}
        for i, doc in enumerate(documents):
            try:
                finalise_site(self.judge([doc], [doc], [mentions[i]], [framings[i]]), [doc])
            except Exception as exc:  # noqa: BLE001 - this document is the culprit
                failed[i] = internal_error(doc.path, exc, "judging")
        return failed

    def prepare(self, documents: Sequence[Document], mentions: Sequence[Sequence[Mention]]) -> Prepared:
        """Return what judging needs of each document whatever the site's word: its mentions with
        their roles, what the role resolver read off it, and its contract analysis (None if no contract)."""
        resolved = [resolve_roles(d, ms, self.settings) for d, ms in zip(documents, mentions)]
        roled = [ms for ms, _ in resolved]
        contracts = [analyse_contract(d, ms, self.families, self.settings) for d, ms in zip(documents, roled)]
        return Prepared(roled, [r for _, r in resolved], contracts)

    def judge(self, items: Sequence[Document | InputFailure], documents: Sequence[Document],
              mentions: Sequence[Sequence[Mention]], framings: Sequence[Sequence[Framing]],
              site: Tally | None = None, prepared: Prepared | None = None) -> SiteReport:
        """Return the SiteReport: roles resolved per document, then each document judged against
        the site's target family (or its own, with `scope = "document"`), and each contract on its
        own, by the analysis `clientlens contract` uses.

        `site` is the Tally of the whole site when `documents` are only some of its pages
        (the Ray engine judges pages in batches); by default it is counted from `mentions`,
        contracts left out. `prepared` (from `prepare`) saves resolving the roles again when the
        same documents are judged against several site words.
        """
        names = list(self.families.families)
        prepared = prepared or self.prepare(documents, mentions)
        mentions, roles, contracts = prepared.mentions, prepared.roles, prepared.contracts
        if site is None:
            site = site_tally([ms for ms, c in zip(mentions, contracts) if c is None], names)
        by_id = {id(d): i for i, d in enumerate(documents)}
        policy = self.framing_policy()
        reports: list[DocumentReport] = []
        for item in items:
            if isinstance(item, InputFailure):
                reports.append(drop_suppressed(judge_failure(item, self.settings, names), None, self.settings))
                continue
            i = by_id[id(item)]
            framing = document_framing(framings[i], policy, roles[i].discussion, mentions[i])
            if contracts[i] is not None:
                report = contract_document(item, contracts[i], framings[i], framing, self.settings, self.families)
            else:
                against = site if self.settings.scope == "site" else site_tally([mentions[i]], names)
                target = target_family(self.settings.preferred, against)
                extra = mismatch_findings(mentions[i], framings[i], self.settings, self.families, target, framing,
                                          policy)
                report = judge_document(item, mentions[i], framings[i], self.settings, self.families,
                                        target, against, extra, roles[i].discussion)
            reports.append(replace(drop_suppressed(report, item, self.settings), framing=framing,
                                   reader=roles[i].reader.because))
        if documents and all(c is not None for c in contracts):
            site = counts_tally(reports, names)  # only contracts: the summary adds up their party counts
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

    def _in_workers(self, batches: list[list[Document]]) -> Iterator[Analysed]:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        global _PARENT
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        threads = max(cores // self.jobs, 1)
        _ = self.nlp  # built once here: workers started with fork inherit it (with spawn, each builds its own)
        _PARENT = self
        done = 0
        try:
            with ProcessPoolExecutor(min(self.jobs, len(batches)), initializer=_start_worker,
                                     initargs=(self.settings, threads)) as pool:
                for found, framed, failed, info, policy in pool.map(_analyse_in_worker, batches):
                    self._worker_info = (info, policy)
                    done += 1
                    yield found, framed, failed
        except BrokenProcessPool as exc:
            # A worker died (killed for memory, a crash in a library): the batches it left are
            # analysed here, one document at a time where they fail.
            log.debug("a worker process died (%s); analysing the %d batches left in this process",
                      exc, len(batches) - done)
            yield from map(self.analyse_isolated, batches[done:])
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
        """Return the SiteReport of contracts: every input read as a contract and judged on its own.

        The documents go through `audit_all` (so `jobs` works as for an audit) a few batches at a
        time, so a folder of long PDFs never has more than that many documents' text loaded.
        """
        reports: list[DocumentReport] = []
        for batch in iter_batches((replace(item, kind=Kind.CONTRACT) for item in items), BATCH * self.jobs):
            reports.extend(self.audit_all(batch).documents)
            if progress:
                progress(len(reports), 0)
        return judge_site(reports, counts_tally(reports, list(self.families.families)), __version__,
                          self.model_info(), _site_framing(reports))

    def contract_paths(self, paths: Iterable[str], progress: Progress | None = None) -> SiteReport:
        """Return the contract SiteReport of PDF, DOCX, text and Markdown files and folders."""
        return self.contract_all(load_documents(paths, self.settings), progress)


def decide_mentions(nlp, documents: Sequence[Document], families, framer=None, **limits) -> list[list[Mention]]:
    """Return the mentions of each document: rules first, then the sense model (`framer`, when
    given) where they are unsure, then each page's own sense of a word for the mentions no cue
    decided (rules/page_sense.py). `limits` go to detect_mentions (max_sentence, max_window).
    The audit and the corpus page measures (pages.py) both decide mentions here."""
    found = detect_mentions(nlp, documents, families, **limits)
    pages = [read_page_sense(ms) for ms in found]  # before the model replaces the rules' votes
    if framer is not None:
        found = framer.refine_senses(documents, found)
    return [follow_page_sense(ms, page) for ms, page in zip(found, pages)]


def _site_framing(reports: Sequence[DocumentReport]):
    return site_framing([(r.framing, len(r.text)) for r in reports if r.framing is not None])


_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(doc: Document) -> Document:
    """Return `doc` with each lone surrogate (text that is not Unicode) read as U+FFFD.

    spaCy and the model's tokenizer encode text as UTF-8 and fail on a lone surrogate; one
    character for one keeps every offset, so the document is judged with its own text.
    """
    if not _SURROGATE.search(doc.text):
        return doc
    return replace(doc, text=_SURROGATE.sub("\ufffd", doc.text))


def _drop_failed(items: list[Document | InputFailure], documents: list[Document], mentions: list[list[Mention]],
                 framings: list[list[Framing]], failed: dict[int, str]) -> tuple[list, list, list, list]:
    """Return (items, documents, mentions, framings) with the `failed` documents turned into InputFailures."""
    if not failed:
        return items, documents, mentions, framings
    as_failure = {id(documents[i]): InputFailure(documents[i].path, reason, documents[i].kind)
                  for i, reason in failed.items()}
    keep = [i for i in range(len(documents)) if i not in failed]
    return ([as_failure.get(id(item), item) for item in items], [documents[i] for i in keep],
            [mentions[i] for i in keep], [framings[i] for i in keep])


_WORKER: Auditor | None = None
_PARENT: Auditor | None = None  # the Auditor that started the workers, as a forked worker sees it


def _start_worker(settings: Settings, threads: int) -> None:
    """Set up this worker process's Auditor; the model, if any, gets this worker's share of the cores."""
    global _WORKER
    os.environ["CLIENTLENS_THREADS"] = str(threads)
    _WORKER = _PARENT if _PARENT is not None and _PARENT.settings == settings else Auditor(settings)


def _analyse_in_worker(batch: list[Document]) -> tuple[list[list[Mention]], list[list[Framing]], dict[int, str],
                                                      object, object]:
    assert _WORKER is not None
    found, framed, failed = _WORKER.analyse_isolated(batch)
    return found, framed, failed, _WORKER.model_info(), _WORKER.framing_policy()
