"""Item 3: every config problem is one line naming the file (and the key, where there is one).

Before: invalid UTF-8 (UnicodeDecodeError), a deeply nested array (RecursionError), `tool = 5`
and `[tool] clientlens = "x"` (AttributeError) were internal errors naming neither file nor
key, and a broken pyproject.toml in any parent folder stopped every audit below it.
"""

import pytest

from tests.hostile.helpers import audit, good_and_errors, hi


def _project(tmp_path, name, data, in_parent=False):
    site = tmp_path / "proj" / "site"
    site.mkdir(parents=True)
    (site / "good.txt").write_text(hi.GOOD)
    ((tmp_path / "proj") if in_parent else site).joinpath(name).write_bytes(data)
    return site


@pytest.mark.parametrize("name, data, words", [
    (".clientlens.toml", b'preferred = "client\xff"\n', ["line 1 (key preferred)", "not UTF-8"]),
    (".clientlens.toml", hi.nested_toml_array().encode(), ["line 1 (key allow)", "nests", "too deeply"]),
    ("pyproject.toml", b'[tool]\nclientlens = "x"\n', ["tool.clientlens = 'x'", "expected a table"]),
    ("pyproject.toml", b"[tool.clientlens\npreferred = 1\n", ["Expected ']'"]),
    (".clientlens.toml", b"[project\n", ["Expected ']'"]),
], ids=["not-utf8", "nested", "clientlens-not-a-table", "broken-with-our-table", "broken-dotfile"])
def test_config_error_is_one_line_naming_file_and_key(tmp_path, name, data, words):
    site = _project(tmp_path, name, data, in_parent=name == "pyproject.toml")
    code, report, stderr = audit(str(site))
    assert code == 2 and report is None
    assert stderr.count("\n") == 1 and stderr.startswith("clientlens: error: ")
    assert name in stderr and all(w in stderr for w in words), stderr


@pytest.mark.parametrize("data, words", [
    (b"[project\nname = 'x'\n", ["pyproject.toml", "passed over", "does not mention clientlens"]),
    (b"tool = 5\n", ["tool = 5", "pyproject.toml", "passed over"]),
], ids=["broken", "tool-not-a-table"])
def test_a_pyproject_without_our_table_that_cannot_be_read_is_passed_over_with_a_warning(tmp_path, data, words):
    site = _project(tmp_path, "pyproject.toml", data, in_parent=True)
    code, report, stderr = audit(str(site))
    good, errors = good_and_errors(report)
    assert code == 0 and good == ["good.txt"]
    assert stderr.count("\n") == 1 and stderr.startswith("clientlens: warning: ")
    assert all(w in stderr for w in words), stderr


def test_config_named_with_config_that_is_not_a_file_is_an_error(tmp_path):
    (tmp_path / "a.txt").write_text(hi.GOOD)
    code, report, stderr = audit(str(tmp_path / "a.txt"), "--config", str(tmp_path))
    assert code == 2 and "not a regular file" in stderr and str(tmp_path) in stderr


def test_tool_not_a_table_named_with_config_is_an_error(tmp_path):
    (tmp_path / "a.txt").write_text(hi.GOOD)
    (tmp_path / "pyproject.toml").write_text("tool = 5\n")
    code, report, stderr = audit(str(tmp_path / "a.txt"), "--config", str(tmp_path / "pyproject.toml"))
    assert code == 2 and "tool = 5" in stderr and "pyproject.toml" in stderr
