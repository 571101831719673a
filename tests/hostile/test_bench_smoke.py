"""Smoke test of scripts/bench_hostile.py on its quickest case (no timing assertions)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import bench_hostile  # noqa: E402


@pytest.mark.parametrize("argv", [["--only", "3", "--match", "tool = 5", "--timeout", "120"]])
def test_bench_hostile_runs_a_case_and_measures_it(tmp_path, argv):
    out = tmp_path / "rows.json"
    rows = bench_hostile.main([*argv, "--out", str(out)])
    assert [r["case"] for r in rows] == ["pyproject: tool = 5"]
    row = rows[0]
    assert row["rc"] == 0 and row["good_documents"] == 1 and row["wall_s"] > 0 and row["maxrss_mb"] > 0
    assert "passed over" in row["stderr"] and out.is_file()
    assert "| 3 | pyproject: tool = 5 | 0 |" in bench_hostile.render(rows)
