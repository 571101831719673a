"""Shared by the hostile-input battery (issue 21): the generators and a CLI runner that checks the basics.

The inputs come from scripts/hostile_inputs.py, made at test time at the smallest size that
still shows each problem; scripts/bench_hostile.py runs the same inputs at full size and
measures time and memory.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from typer.testing import CliRunner

from clientlens.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import hostile_inputs as hi  # noqa: E402,F401 - re-exported for the tests

runner = CliRunner()


def audit(*args: str, input: bytes | str | None = None) -> tuple[int, dict | None, str]:
    """Run `clientlens audit ARGS --no-model -f json`; return (exit code, report or None, stderr).

    Whatever happens, no traceback may reach the user and every stderr line is one message.
    """
    result = runner.invoke(app, ["audit", *args, "--no-model", "-f", "json"], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout) if result.stdout.strip() else None
    return result.exit_code, report, result.stderr


def documents(report: dict) -> dict[str, dict]:
    """Return the report's documents by the last part of their path."""
    return {Path(d["path"].split("#")[0]).name + ("#" + d["path"].split("#", 1)[1] if "#" in d["path"] else ""): d
            for d in report["documents"]}


def good_and_errors(report: dict) -> tuple[list[str], dict[str, str]]:
    """Return (names of documents read, {name: error}) of a report, checking that each error is
    one line naming its document and comes with an unreadable-input finding."""
    good, errors = [], {}
    for name, doc in documents(report).items():
        if doc["error"] is None:
            good.append(name)
            continue
        errors[name] = doc["error"]
        assert "\n" not in doc["error"]
        assert [f["rule"] for f in doc["findings"]] == ["unreadable-input"]
    return good, errors
