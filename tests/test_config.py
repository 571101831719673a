"""Settings: lookup, validation with one-line errors, CLI overrides, and each key's effect on an audit."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from clientlens.cli import app
from clientlens.config import Settings, find_config, load_settings, path_matches, settings_from_table
from clientlens.engine import Auditor
from clientlens.errors import ConfigError
from clientlens.ingest import load_documents
from clientlens.ingest.text import load_text
from tests.conftest import ROOT

runner = CliRunner()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# Lookup ---------------------------------------------------------------------------------


@pytest.mark.parametrize("files, found", [
    ({".clientlens.toml": 'preferred = "client"\n'}, ".clientlens.toml"),
    ({"pyproject.toml": '[tool.clientlens]\npreferred = "client"\n'}, "pyproject.toml"),
    # a pyproject without our table is passed over on the way up
    ({"pyproject.toml": '[tool.black]\nline-length = 99\n', "../.clientlens.toml": 'preferred = "client"\n'},
     "../.clientlens.toml"),
    ({}, None),
])
def test_config_found_upward_from_the_audited_path(tmp_path, files, found):
    project = tmp_path / "outer" / "project"
    (project / "docs" / "deep").mkdir(parents=True)
    for name, text in files.items():
        write(project, name, text)
    result = find_config(project / "docs" / "deep" / "page.md")
    if found is None:
        assert result is None
    else:
        assert result[0].resolve() == (project / found).resolve()
        assert load_settings(project / "docs").preferred == "client"


def test_config_dotfile_wins_over_pyproject_in_the_same_folder(tmp_path):
    write(tmp_path, ".clientlens.toml", 'preferred = "customer"\n')
    write(tmp_path, "pyproject.toml", '[tool.clientlens]\npreferred = "client"\n')
    assert load_settings(tmp_path).preferred == "customer"


def test_config_explicit_file_and_pyproject_table(tmp_path):
    path = write(tmp_path, "pyproject.toml", '[tool.clientlens]\nfail-on = "error"\nallow = ["customer service"]\n')
    settings = load_settings(None, path)
    assert (settings.fail_on, settings.allow, settings.source) == ("error", ("customer service",), str(path))


def test_config_every_documented_key_is_accepted(tmp_path):
    table = {"preferred": "patient", "families": {"patient": ["patient", "patients"]}, "allow": ["customer care"],
             "include": ["*.md"], "exclude": ["drafts/*"], "severity": {"mixed-terminology": "error"},
             "per-file-ignores": {"blog/*.md": ["framing-mismatch"]}, "fail-on": "info", "max-bytes": 1000,
             "use-model": False, "model-dir": "models/x", "mismatch-threshold": 1,
             "front-matter-fields": ["hero_text"], "front-matter-skip": ["seo"]}
    s = settings_from_table(table, "x.toml")
    assert s.front_matter_fields == ("hero_text",) and s.front_matter_skip == ("seo",)
    assert s.families == {"patient": ("patient", "patients")} and s.mismatch_threshold == 1.0
    assert s.per_file_ignores == {"blog/*.md": ("framing-mismatch",)}


# Validation: one line that names the key and the file -----------------------------------


@pytest.mark.parametrize("toml, key", [
    ('colour = "red"\n', "'colour'"),
    ('preferred = "patrons"\n', "preferred"),
    ('preferred = 3\n', "preferred"),
    ('fail-on = "sometimes"\n', "fail-on"),
    ('max-bytes = -5\n', "max-bytes"),
    ('max-bytes = true\n', "max-bytes"),
    ('mismatch-threshold = 1.5\n', "mismatch-threshold"),
    ('allow = "customer service"\n', "allow"),
    ('allow = [1, 2]\n', "allow"),
    ('exclude = [{x = 1}]\n', "exclude"),
    ('[severity]\nmixed-terminology = "fatal"\n', "severity.mixed-terminology"),
    ('[severity]\nmixed-terminology = 2\n', "severity.mixed-terminology"),
    ('[families]\npatient = "patient"\n', "families.patient"),
    ('[families]\npatient = []\n', "families.patient"),
    ('[families]\nclient = ["client"]\n', "families.client"),
    ('[families]\n"Big Spenders" = ["spender"]\n', "families.Big Spenders"),
    ('[families]\nbuyer = ["buyer", "customers"]\n', "families.buyer"),
    ('[families]\nbuyer = ["buy er"]\n', "families.buyer"),
    ('[per-file-ignores]\n"blog/*" = "mixed-terminology"\n', "per-file-ignores.blog/*"),
    ("preferred = \n", ".clientlens.toml"),
    ('front-matter-fields = "title"\n', "front-matter-fields"),
    ('front-matter-skip = ["hero image"]\n', "front-matter-skip"),
])
def test_config_bad_values_raise_one_line_naming_key_and_file(tmp_path, toml, key):
    write(tmp_path, ".clientlens.toml", toml)
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    message = str(info.value)
    assert key in message and ".clientlens.toml" in message
    assert "\n" not in message


@pytest.mark.parametrize("table, key", [
    ({"severity": {"mixed-terminolgy": "error"}}, "severity.mixed-terminolgy"),
    ({"per-file-ignores": {"legal/*": ["no-such-rule"]}}, "per-file-ignores"),
])
def test_config_unknown_rule_names_are_rejected_by_name(table, key):
    settings = settings_from_table(table, "team.toml")
    with pytest.raises(ConfigError) as info:
        Auditor(settings)
    message = str(info.value)
    assert key in message and "team.toml" in message and "unknown rule" in message
    assert "mixed-terminology" in message  # the known names are listed as the way out


@pytest.mark.parametrize("toml", [
    '[severity]\nno-such-rule = "error"\n',
    'unknown-thing = 1\n',
    '[families]\nclient = ["client"]\n',
])
def test_config_errors_reach_the_user_as_one_line_and_exit_2(tmp_path, toml):
    write(tmp_path, ".clientlens.toml", toml)
    page = write(tmp_path, "a.md", "Our clients.")
    proc = subprocess.run([sys.executable, "-m", "clientlens", "audit", str(page), "--no-model"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and ".clientlens.toml" in proc.stderr
    assert "Traceback" not in proc.stderr


# Command-line overrides -----------------------------------------------------------------


def test_config_cli_flags_override_the_file(tmp_path):
    write(tmp_path, ".clientlens.toml", 'preferred = "customer"\nfail-on = "never"\n')
    page = write(tmp_path, "a.txt", "Our clients plan ahead. Clients stay with us.")
    from_file = runner.invoke(app, ["audit", str(page), "--no-model"])
    assert from_file.exit_code == 0 and "preferred-term" in from_file.output
    overridden = runner.invoke(app, ["audit", str(page), "--no-model", "--preferred", "client", "--fail-on", "info"])
    assert overridden.exit_code == 0 and "No findings" in overridden.output


def test_config_bad_preferred_flag_names_the_option(tmp_path):
    page = write(tmp_path, "a.txt", "Our clients.")
    result = runner.invoke(app, ["audit", str(page), "--no-model", "--preferred", "shoppers"])
    assert result.exit_code == 2
    assert "preferred = 'shoppers' in command-line options" in result.output


# What each key does -----------------------------------------------------------------------


@pytest.mark.parametrize("path, globs, expected", [
    ("blog/post.md", ["blog/*"], True),
    ("site/blog/post.md", ["blog/*.md"], True),
    ("notes/deep/x.md", ["*.md"], True),
    ("notes/deep/x.md", ["**/x.md"], True),
    ("drafts/x.md", ["/drafts/*"], True),
    ("blog/post.md", ["drafts/*"], False),
    ("blog/post.html", ["*.md"], False),
    ("blog/post.md", [], False),
])
def test_config_path_matches(path, globs, expected):
    assert path_matches(path, globs) is expected


def test_config_include_and_exclude_choose_the_files_of_a_folder(tmp_path):
    for name in ("index.md", "about.html", "drafts/old.md", "notes.txt"):
        write(tmp_path, name, "Our clients.")
    settings = Settings(use_model=False, include=("*.md", "*.html"), exclude=("drafts/*",))
    paths = sorted(Path(d.path).relative_to(tmp_path).as_posix() for d in load_documents([str(tmp_path)], settings))
    assert paths == ["about.html", "index.md"]


@pytest.mark.parametrize("family, forms, text, surface, suggestion", [
    ("patient", ("patient", "patients"), "Our patients come first. Patients rest here. A client waited.",
     "client", "patient"),
    ("member", ("member", "members"), "Members vote each spring. Our members meet monthly. Customers' fees rose.",
     "Customers'", "Members'"),
    ("guest", ("guest", "guests"), "Guests arrive at noon. Every guest gets a key. The clients left.",
     "clients", "guests"),
])
def test_config_extra_families_are_found_counted_and_judged(family, forms, text, surface, suggestion):
    auditor = Auditor(Settings(use_model=False, families={family: forms}))
    report = auditor.audit_all([load_text(text, "t.txt")]).documents[0]
    assert report.dominant == family and report.mixed
    [finding] = report.findings
    assert (text[finding.start:finding.end], finding.suggestion) == (surface, suggestion)
    assert finding.rule == "mixed-terminology"


def test_config_preferred_extra_family_turns_findings_into_preferred_term():
    auditor = Auditor(Settings(use_model=False, preferred="member", families={"member": ("member", "members")}))
    report = auditor.audit_all([load_text("Our customers and our clients meet.", "t.txt")]).documents[0]
    assert [(f.rule, f.suggestion) for f in report.findings] == [("preferred-term", "members")] * 2


def test_config_allowed_phrase_counts_neither_on_the_page_nor_across_the_site():
    # Without the allow list the site would be dominated by "customer" and the client pages flagged.
    docs = [load_text("Customer service answers. Customer service is open late. Customer service helps.", "a.txt"),
            load_text("Our clients plan ahead.", "b.txt")]
    report = Auditor(Settings(use_model=False, allow=("customer service",))).audit_all(docs)
    assert report.dominant == "client" and report.findings == ()
    assert {m.role for m in report.documents[0].mentions} == {"allowed"}


def test_config_severity_override_changes_the_exit_code(tmp_path):
    write(tmp_path, ".clientlens.toml", '[severity]\nmixed-terminology = "info"\n')
    page = write(tmp_path, "a.txt", "Our clients stay. Clients return. A customer asked.")
    result = runner.invoke(app, ["audit", str(page), "--no-model", "-f", "json"])
    assert result.exit_code == 0
    assert '"severity": "info"' in result.output


# The pre-commit hook --------------------------------------------------------------------


def test_config_pre_commit_hook_runs_the_audit_on_the_files_it_selects(tmp_path):
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "clientlens" and hook["entry"] == "clientlens audit --no-model"
    selected = [n for n in ("a.md", "b.html", "c.txt", "d.py", "e.htm", "f.json") if re.search(hook["files"], n)]
    assert selected == ["a.md", "b.html", "c.txt", "e.htm"]
    write(tmp_path, "a.md", "Our clients stay.\n")
    write(tmp_path, "b.html", "<p>Our clients return. A customer asked.</p>\n")
    args = shlex.split(hook["entry"])[1:] + [str(tmp_path / "a.md"), str(tmp_path / "b.html")]
    proc = subprocess.run([sys.executable, "-m", "clientlens", *args], capture_output=True, text=True)
    assert proc.returncode == 1 and "b.html:1:" in proc.stdout
