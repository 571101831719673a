"""One end-to-end test per command, through the real console entry point where it matters."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from clientlens.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()


def test_cli_audit_text_output_and_exit_code():
    result = runner.invoke(app, ["audit", str(EXAMPLES / "site"), "--no-model"])
    assert result.exit_code == 1, result.output
    assert "mixed-terminology" in result.output
    assert "pricing.html:" in result.output and "-> client" in result.output
    assert "\x1b[" not in result.output


@pytest.mark.parametrize("fail_on, code", [("never", 0), ("error", 0), ("warning", 1), ("info", 1)])
def test_cli_audit_fail_on(fail_on, code):
    result = runner.invoke(app, ["audit", str(EXAMPLES / "site"), "--no-model", "--fail-on", fail_on])
    assert result.exit_code == code


def test_cli_audit_json_to_file(tmp_path):
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["audit", str(EXAMPLES / "site" / "about.html"), "--no-model", "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["schema"] == "clientlens.report/1"


@pytest.mark.parametrize("args, message", [
    (["audit", "no/such/file.md", "--no-model"], "no input could be read"),
    (["audit", "x.md", "--format", "pdf"], "Invalid value"),
    (["rule", "no-such-rule"], "unknown rule"),
])
def test_cli_usage_and_input_errors_exit_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


def test_cli_bad_config_is_one_line(tmp_path):
    (tmp_path / ".clientlens.toml").write_text('preferred = "patrons"\n')
    (tmp_path / "a.md").write_text("Our clients.")
    proc = subprocess.run([sys.executable, "-m", "clientlens", "audit", str(tmp_path / "a.md"), "--no-model"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "preferred" in proc.stderr and ".clientlens.toml" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_invalid_front_matter_is_read_as_text_with_a_one_line_warning(tmp_path):
    page = tmp_path / "page.md"
    page.write_text('---\ntitle: "Plans for our clients\nlayout: [page\n---\nEvery client gets a plan.\n')
    proc = subprocess.run([sys.executable, "-m", "clientlens", "audit", str(page), "--no-model", "-f", "json"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"clientlens: warning: {page}: front matter is not valid YAML")
    (doc,) = json.loads(proc.stdout)["documents"]
    assert doc["error"] is None
    assert [(m["surface"], m["line"], m["column"]) for m in doc["mentions"]] == [("clients", 2, 23), ("client", 5, 7)]


def test_cli_stdin():
    proc = subprocess.run([sys.executable, "-m", "clientlens", "audit", "-", "--no-model", "-f", "json"],
                          input="Our clients. A customer.", capture_output=True, text=True)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["documents"][0]["mixed"] is True


def test_cli_rule_lists_and_explains():
    listing = runner.invoke(app, ["rule"])
    assert listing.exit_code == 0 and "framing-mismatch" in listing.output
    detail = runner.invoke(app, ["rule", "mixed-terminology"])
    assert "Why it matters" in detail.output


@pytest.mark.parametrize("command", ["audit", "contract", "classify", "rule", "train", "evaluate"])
def test_cli_help_has_no_type_placeholders(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "<list[" not in result.output and "{" + "paths}" not in result.output and "{source}" not in result.output
    assert result.output.startswith("Usage: ")


def test_cli_audit_help_names_its_arguments():
    usage = runner.invoke(app, ["audit", "--help"]).output.splitlines()[0]
    assert usage.endswith("audit [OPTIONS] PATH...")


@pytest.mark.parametrize("command", ["audit", "contract"])
def test_cli_bad_fail_on_is_one_line(command, tmp_path):
    page = tmp_path / "a.md"
    page.write_text("Our clients.", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "clientlens", command, str(page), "--no-model", "--fail-on", "warn"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == ("clientlens: error: --fail-on 'warn': expected one of error, warning, info, never\n")


def test_cli_text_report_off_a_terminal_never_wraps_a_row(tmp_path):
    deep = tmp_path / "a-rather-long-folder-name" / "with-another-long-folder-inside"
    deep.mkdir(parents=True)
    (deep / "pricing-and-packages-for-small-businesses.md").write_text(
        "Our clients stay. Every client has a partner. A customer asked about fees.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "clientlens", "audit", str(tmp_path), "--no-model"],
                          capture_output=True, text=True)
    lines = proc.stdout.splitlines()
    rows = [line for line in lines if "pricing-and-packages-for-small-businesses.md" in line]
    assert len(rows) == 2  # one table row, one finding line, each whole
    assert rows[1].endswith("| A [customer] asked about fees.")
    assert not any(c in proc.stdout for c in "│┃━")


@pytest.mark.parametrize("command", [["train", "--limit", "1"], ["evaluate", "--split", "dev"]])
def test_cli_training_commands_say_how_to_install_the_extra(command, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "datasets" else real(name, *a))
    result = runner.invoke(app, command)
    assert result.exit_code == 2
    assert result.output == (f"clientlens: error: `clientlens {command[0]}` needs the training extra (datasets "
                             "missing): pip install 'clientlens[train]' (in a checkout: pip install -e '.[train]')\n")
