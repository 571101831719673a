"""Smoke tests of scripts/bench.py and scripts/bench_model.py at tiny sizes (no timing assertions)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
sys.path.insert(0, str(SCRIPTS))

import bench  # noqa: E402
import bench_model  # noqa: E402
import bench_site  # noqa: E402


def _files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.*"))}


@pytest.mark.parametrize("pages,words", [(6, 1_200), (1, 40)])
def test_bench_site_is_deterministic_and_mixes_formats(tmp_path, pages, words):
    bench_site.write_site(tmp_path / "a", pages, words)
    bench_site.write_site(tmp_path / "b", pages, words)
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert first == second and len(first) == pages
    assert {Path(name).suffix for name in first} == ({".md", ".html"} if pages > 1 else {".md"})
    assert any("client" in text.lower() for text in first.values())


@pytest.mark.parametrize("count", [3])
def test_bench_contracts_define_a_party_term(tmp_path, count):
    paths = bench_site.write_contracts(tmp_path, count)
    assert len(paths) == count
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert '(the "Client")' in text or '(the "Customer")' in text


@pytest.mark.parametrize("argv", [["--pages", "4", "--words", "800", "--contracts", "3", "--runs", "1"]])
def test_bench_main_writes_json(tmp_path, argv):
    out = tmp_path / "bench.json"
    result = bench.main([*argv, "--no-model", "--no-children", "--workdir", str(tmp_path / "work"), "--out", str(out)])
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["corpus"]["documents"] == 4 and saved["corpus"]["words"] > 0
    assert set(saved["in_process"]) == set(result["in_process"])
    for row in saved["in_process"].values():
        assert row["median_s"] > 0 and row["words_per_s"] > 0
    assert "| measure |" in bench.render_table(result)


@pytest.mark.parametrize("argv", [[sys.executable, "-c", "print('ok')"]])
def test_bench_child_reports_time_and_memory(argv):
    row = bench.child(argv)
    assert row["rc"] == 0 and row["stdout"].strip() == "ok"
    assert row["wall_s"] > 0 and row["maxrss_mb"] > 0


@pytest.mark.parametrize("rows,expected", [
    ({"fp32": {"dev_macro_f1": 0.90, "passages_per_s": 10}, "int8": {"dev_macro_f1": 0.895, "passages_per_s": 20},
      "onnx-int8": {"dev_macro_f1": 0.85, "passages_per_s": 40}}, "int8"),
    ({"fp32": {"dev_macro_f1": 0.90, "passages_per_s": 30}, "int8": {"dev_macro_f1": 0.80, "passages_per_s": 40}}, "fp32"),
])
def test_bench_model_recommends_fastest_within_one_point(rows, expected):
    assert bench_model.recommend(rows) == expected


@pytest.mark.parametrize("pages, files", [(120, 3), (7, 2)])
def test_bench_scale_archive_holds_every_page(tmp_path, pages, files):
    pytest.importorskip("fastwarc", reason="the scale extra is not installed")
    import bench_scale
    from clientlens.ingest.warc import iter_warc

    written = bench_scale.write_archive(tmp_path, pages, files)
    read = [p for path in written for p in iter_warc(path, path.name, 1_000_000)]
    assert len(written) == files and len(read) == pages and len({p.url for p in read}) == pages


def test_bench_scale_driver_rate_runs():
    pytest.importorskip("pyarrow")
    import bench_scale

    assert bench_scale.driver_rate(rows=300, shard_pages=100) > 0
