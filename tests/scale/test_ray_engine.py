"""`clientlens audit INPUT... --engine ray`: the same verdicts as the local engine, per page and per
site, from a WARC, a Parquet table and a JSON Lines table of our own generated sites, bad input
included; Ray started once for the session with 2 CPUs (tests/conftest.py)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientlens.cli import app
from clientlens.config import Settings
from clientlens.engine import Auditor
from clientlens.ingest import load_documents
from clientlens.ingest.pages import registered_domain
from clientlens.model.locate import bundled_model_dir
from clientlens.scale.rows import severity_counts

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import bench_archive  # noqa: E402

pytest.importorskip("ray", reason="the scale extra is not installed (pip install 'clientlens[scale]')")
pytest.importorskip("fastwarc", reason="the scale extra is not installed (pip install 'clientlens[scale]')")

MAX_BYTES = 60_000
FAMILIES = ["client", "customer"]
# A site whose two pages tie, one word each, the first page using the word the tie does not go to.
TIE = [("https://www.pennard-tie.co.uk/", "<p>After a long introduction to the firm and its rooms, our customers come first.</p>"),
       ("https://pennard-tie.co.uk/about", "<p>Our clients stay.</p>")]
BAD = {
    "not HTML": "https://www.ashcombe-accountants-0.co.uk/logo.png",
    "over the 0.06 MB limit per page": "https://www.ashcombe-accountants-0.co.uk/huge.html",
    "truncated": "https://www.kestrelbay-cut.com/2",
    "no \"html\" or \"text\" column": "https://www.northwick-cols.org/a",
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """A WARC, a Parquet and a JSON Lines table of five generated sites and a tie, plus bad input."""
    root = tmp_path_factory.mktemp("scale-in")
    pages = bench_archive.site_pages(sites=5, pages_per_site=6, words=150)
    (root / ".clientlens.toml").write_text(f"max-bytes = {MAX_BYTES}\n")
    records = bench_archive.page_records(pages[:14] + TIE[:1])
    records.append(bench_archive.warc_record(BAD["not HTML"], b"\x89PNG\r\n\x1a\n", content_type="image/png"))
    records.append(bench_archive.warc_record(BAD["over the 0.06 MB limit per page"], b"<p>Our clients.</p>" * 4000))
    records += bench_archive.page_records(pages[14:18])
    cut = bench_archive.write_warc(root / "cut.warc.gz", bench_archive.page_records(
        [(f"https://www.kestrelbay-cut.com/{i}", pages[i][1]) for i in range(3)]))
    cut.write_bytes(cut.read_bytes()[:-200])
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"url": [BAD["no \"html\" or \"text\" column"], "https://www.northwick-cols.org/b"],
                             "content": ["<p>Our clients.</p>"] * 2}), root / "cols.parquet")
    return [bench_archive.write_warc(root / "crawl.warc.gz", records),
            bench_archive.write_parquet(root / "rows.parquet", pages[18:26] + TIE[1:], row_group=4),
            bench_archive.write_jsonl(root / "rows.jsonl", pages[26:]), cut, root / "cols.parquet"]


def _run(inputs, out, *args):
    result = CliRunner().invoke(app, ["audit", *map(str, inputs), "--engine", "ray", "--output", str(out),
                                      "--shard-pages", "7", *args])
    return result


@pytest.fixture(scope="module")
def rules_run(ray_cluster, inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("scale-out") / "tables"
    return _run(inputs, out, "--no-model", "-j", "2"), out


def _table(folder: Path) -> list[dict]:
    import pyarrow.parquet as pq

    return pq.read_table(folder).to_pylist()


def local_engine(inputs, settings: Settings) -> tuple[dict, dict]:
    """The local engine's verdicts on the same pages: each site's pages audited together, in input order."""
    sites: dict[str, list] = {}
    for item in load_documents([str(p) for p in inputs], settings):
        sites.setdefault(registered_domain(item.path), []).append(item)
    auditor = Auditor(settings)
    pages, summaries = {}, {}
    for site, items in sites.items():
        report = auditor.audit_all(items)
        for d in report.documents:
            pages[d.path] = {"site": site, "error": d.error, "counts": [d.counts[f] for f in FAMILIES],
                             "dominant": d.dominant, "consistency": d.consistency, "mixed": d.mixed,
                             "framing": d.framing.label if d.framing else None, "findings": severity_counts(d)}
        summaries[site] = {"pages": len(report.documents), "counts": [report.counts[f] for f in FAMILIES],
                           "dominant": report.dominant, "consistency": report.consistency,
                           "mixed_pages": len(report.mixed_documents),
                           "framing": report.framing.label if report.framing else None,
                           "findings": list(report.findings_by_severity().values())}
    return pages, summaries


def ray_engine(out: Path) -> tuple[dict, dict]:
    """The same verdicts as read back from the Ray engine's page and site tables."""
    def findings(r):
        return [r["findings_error"], r["findings_warning"], r["findings_info"]]

    pages = {r["url"]: {"site": r["site"], "error": r["error"], "counts": [r[f"count_{f}"] for f in FAMILIES],
                        "dominant": r["dominant"], "consistency": r["consistency"], "mixed": r["mixed"],
                        "framing": r["framing"], "findings": findings(r)} for r in _table(out / "pages")}
    sites = {r["site"]: {"pages": r["pages"], "counts": [r[f"count_{f}"] for f in FAMILIES],
                         "dominant": r["dominant"], "consistency": r["consistency"], "mixed_pages": r["mixed_pages"],
                         "framing": r["framing"], "findings": findings(r)} for r in _table(out / "sites")}
    return pages, sites


def test_ray_cli_writes_tables_and_exit_code(rules_run):
    result, out = rules_run
    assert result.exit_code == 1, result.output  # the generated sites have findings
    assert "39 pages of 8 sites (5 unreadable)" in result.stderr
    assert (out / "manifest.json").is_file() and list((out / "pages").glob("*.parquet"))


def test_ray_pages_and_sites_equal_local_engine(rules_run, inputs):
    _, out = rules_run
    local_pages, local_sites = local_engine(inputs, Settings(use_model=False, max_bytes=MAX_BYTES))
    ray_pages, ray_sites = ray_engine(out)
    assert ray_pages == local_pages
    assert ray_sites == local_sites
    assert local_sites["pennard-tie.co.uk"]["counts"] == [1, 1]  # the tie is there, and settled the same way


@pytest.mark.parametrize("reason, url", BAD.items())
def test_ray_bad_input_is_an_error_row(rules_run, reason, url):
    _, out = rules_run
    [row] = [r for r in _table(out / "pages") if r["url"] == url]
    assert reason in row["error"] and row["findings_error"] == 1


def test_ray_restart_skips_finished_shards(rules_run, inputs, tmp_path):
    _, out = rules_run
    again = tmp_path / "tables"
    shutil.copytree(out, again)
    # As if the run had stopped while writing the parquet table's second shard (rows 8-9).
    for path in (again / "shards").glob("rows.parquet-*"):
        if path.name.endswith("-00001.parquet") or path.suffix == ".done":
            path.unlink()
    result = _run(inputs, again, "--no-model", "-j", "2")
    assert result.exit_code == 1, result.output
    assert "2 pages audited" in result.stderr and "4 input(s) done in an earlier run" in result.stderr
    key = lambda r: r["url"]  # noqa: E731
    assert sorted(_table(again / "pages"), key=key) == sorted(_table(out / "pages"), key=key)
    assert sorted(_table(again / "sites"), key=lambda r: r["site"]) == sorted(_table(out / "sites"), key=lambda r: r["site"])


@pytest.mark.skipif(bundled_model_dir() is None, reason="no bundled model in models/framing")
def test_ray_with_model_equals_local_engine(ray_cluster, tmp_path):
    pages = bench_archive.site_pages(sites=2, pages_per_site=3, words=120, seed=9)
    warc = bench_archive.write_warc(tmp_path / "model.warc.gz", bench_archive.page_records(pages))
    result = _run([warc], tmp_path / "tables", "-j", "1")
    assert result.exit_code in (0, 1), result.output
    local_pages, local_sites = local_engine([warc], Settings())
    ray_pages, ray_sites = ray_engine(tmp_path / "tables")
    assert ray_pages == local_pages and ray_sites == local_sites
    assert all(p["framing"] for p in ray_pages.values())


@pytest.mark.parametrize("args, message", [
    (["--format", "json"], "--format: not with --engine ray"),
    (["--fix"], "--fix: not with --engine ray"),
    ([], "--engine ray needs --output DIR"),
])
def test_cli_ray_refuses_options_that_do_not_apply(tmp_path, args, message):
    warc = bench_archive.write_warc(tmp_path / "a.warc", [])
    result = CliRunner().invoke(app, ["audit", str(warc), "--engine", "ray", *args])
    assert result.exit_code == 2 and message in result.stderr


def test_cli_ray_without_the_extra_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    warc = bench_archive.write_warc(tmp_path / "a.warc", [])
    result = CliRunner().invoke(app, ["audit", str(warc), "--engine", "ray", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.strip() == "clientlens: error: --engine ray needs Ray Data: pip install 'clientlens[scale]'"


def test_cli_ray_refuses_files_it_cannot_read(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>Our clients.</p>")
    result = CliRunner().invoke(app, ["audit", str(page), "--engine", "ray", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "audit other files with --engine local" in result.stderr
