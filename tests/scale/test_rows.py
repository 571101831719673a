"""The Ray engine's rows without Ray: a site judged from pages split across batches gets the
local engine's verdict, page by page and as a whole."""

from __future__ import annotations

import pytest

from clientlens.config import Settings
from clientlens.engine import Auditor
from clientlens.ingest.text import load_text
from clientlens.judge.document import tally
from clientlens.judge.site import combine_tallies, site_tally
from clientlens.rules.families import family_set
from clientlens.scale.rows import judge_pages, page_row, page_targets, severity_counts, site_row
from clientlens.types import InputFailure, Kind

NAMES = ["client", "customer"]
PAGES = [
    "Every customer gets a named contact. We answer each customer within a day.",
    "Our clients stay for years. A client can call us at any time.",
    "Opening hours are nine to five on weekdays.",
    "Our clients meet their adviser twice a year. The customers of the shop get a receipt.",
    "A customer asked about the price of the starter plan.",
]


def _pages(texts):
    return [load_text(t, f"https://www.example.co.uk/{i}", Kind.PAGE) for i, t in enumerate(texts)]


@pytest.mark.parametrize("preferred, targets", [("auto", (None, "client", "customer")), ("client", ("client",))])
def test_rows_page_targets(preferred, targets):
    assert page_targets(Settings(preferred=preferred), NAMES) == targets


@pytest.mark.parametrize("preferred", ["auto", "customer"])
@pytest.mark.parametrize("split", [1, 2, 3])
def test_rows_site_split_in_batches_equals_local_engine(preferred, split):
    settings = Settings(use_model=False, preferred=preferred)
    auditor = Auditor(settings)
    items = [*_pages(PAGES), InputFailure("https://www.example.co.uk/gone", "gone: HTTP 404", Kind.PAGE)]
    local = auditor.audit_all(items)
    rows = [r for start in range(0, len(items), split) for r in judge_pages(auditor, items[start:start + split])]
    site = site_row("example.co.uk", rows, settings, NAMES)
    assert (site["dominant"], site["consistency"], site["pages"], site["errors"]) == \
        (local.dominant, local.consistency, len(items), 1)
    assert [site[f"count_{f}"] for f in NAMES] == [local.counts[f] for f in NAMES]
    assert [site["findings_error"], site["findings_warning"], site["findings_info"]] == \
        list(local.findings_by_severity().values())
    for row, report in zip(rows, local.documents):
        page = page_row(row, site["target"])
        assert (page["url"], page["dominant"], page["mixed"], page["error"]) == \
            (report.path, report.dominant, report.mixed, report.error)
        assert [page["findings_error"], page["findings_warning"], page["findings_info"]] == severity_counts(report)


def test_rows_tie_goes_to_first_use_as_in_local_engine():
    # One client page, then one customer page: a tie the site breaks by first use.
    settings = Settings(use_model=False)
    auditor = Auditor(settings)
    items = _pages(["A long opening line before the word: our customers come first.", "Our clients."])
    rows = judge_pages(auditor, items[:1]) + judge_pages(auditor, items[1:])
    local = auditor.audit_all(items)
    assert site_row("example.co.uk", rows, settings, NAMES)["dominant"] == local.dominant


def test_rows_page_that_breaks_the_engine_becomes_a_failure_row(monkeypatch):
    auditor = Auditor(Settings(use_model=False))
    items = _pages(PAGES[:3])
    analyse = auditor.analyse

    def breaks_on_second(documents):
        if any(d.path.endswith("/1") for d in documents):
            raise RuntimeError("boom")
        return analyse(documents)

    monkeypatch.setattr(auditor, "analyse", breaks_on_second)
    rows = judge_pages(auditor, items)
    assert [r["error"] is not None for r in rows] == [False, True, False]
    assert "internal error while auditing this page (RuntimeError: boom)" in rows[1]["error"]


def test_rows_refuse_a_page_over_max_mentions_as_the_local_engine_does():
    auditor = Auditor(Settings(use_model=False, max_mentions=3))
    items = _pages([PAGES[1], "Our clients and our customers: a client, a customer, a client again."])
    rows = judge_pages(auditor, items)
    local = auditor.audit_all(items)
    assert [r["error"] for r in rows] == [d.error for d in local.documents]
    assert rows[0]["error"] is None and "more than 3 mentions of the family words (max-mentions)" in rows[1]["error"]


@pytest.mark.parametrize("texts", [PAGES, PAGES[:1], ["Nothing here."], []])
def test_judge_combine_tallies_equals_one_tally(mentions_of, texts):
    per_page = [mentions_of(t) for t in texts]
    names = list(family_set({}).families)
    assert combine_tallies([tally(ms, names) for ms in per_page], names) == \
        tally([m for ms in per_page for m in ms], names) == site_tally(per_page, names)
