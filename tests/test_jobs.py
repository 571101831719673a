"""`--jobs N`: per-document work in worker processes gives the same report, in the same order."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientlens.cli import app
from clientlens.config import Settings
from clientlens.engine import BATCH, Auditor
from clientlens.ingest import load_documents
from clientlens.report import render

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import bench_site  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """More pages than one batch, so that --jobs 2 really uses two workers."""
    root = tmp_path_factory.mktemp("jobs") / "site"
    bench_site.write_site(root, pages=BATCH + 6, words=(BATCH + 6) * 60)
    return root


@pytest.mark.parametrize("jobs", [2, 3])
def test_engine_jobs_report_equals_one_job(site, jobs):
    settings = Settings(use_model=False)
    docs = list(load_documents([str(site)], settings))
    one = Auditor(settings).audit_all(docs)
    many = Auditor(settings, jobs=jobs).audit_all(docs)
    assert [d.path for d in many.documents] == [d.path for d in one.documents]
    assert render(many, "json") == render(one, "json")


@pytest.mark.parametrize("args", [["--no-model", "--format", "json"]])
def test_cli_jobs_output_equals_one_job(site, args):
    runner = CliRunner()
    one = runner.invoke(app, ["audit", str(site), *args])
    two = runner.invoke(app, ["audit", str(site), *args, "--jobs", "2"])
    assert one.exit_code == two.exit_code == 1
    assert two.stdout == one.stdout
