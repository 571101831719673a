"""SARIF 2.1.0 writer: schema validity, catalogue texts, regions, fixes and the golden example.

Regenerate the golden file after a reviewed change with:
    CLIENTLENS_UPDATE_GOLDEN=1 pytest tests/report/test_sarif.py
"""

import json
import os
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from clientlens.cli import app
from clientlens.judge.catalogue import RULES
from clientlens.report.sarif import artifact_location, render_sarif, sarif_log, split_record
from tests.conftest import EXAMPLES, ROOT
from tests.report.samples import HOSTILE_PATH, framed_site

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
GOLDEN = ROOT / "tests" / "golden" / "example-site.rules.sarif"
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)


@pytest.fixture(scope="module")
def site_log(auditor):
    """The example site audited from examples/ with a relative path, as a CI job would run it."""
    cwd = os.getcwd()
    os.chdir(EXAMPLES)
    try:
        return json.loads(render_sarif(auditor.audit_paths(["site"])))
    finally:
        os.chdir(cwd)


def normalise(log: dict) -> dict:
    """Blank out what differs between machines and releases: the version and absolute file URIs."""
    driver = log["runs"][0]["tool"]["driver"]
    driver["version"] = driver["semanticVersion"] = "X"
    text = json.dumps(log).replace(ROOT.as_uri(), "file:///ROOT")
    return json.loads(text)


def test_sarif_example_site_is_valid_against_the_official_schema(site_log):
    VALIDATOR.validate(site_log)


def test_sarif_sample_with_errors_and_hostile_paths_is_valid():
    VALIDATOR.validate(sarif_log(framed_site()))


def test_sarif_schema_rejects_a_result_without_a_message(site_log):
    broken = json.loads(json.dumps(site_log))
    del broken["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(broken)


def test_sarif_golden_example_site(site_log):
    actual = normalise(json.loads(json.dumps(site_log)))
    if os.environ.get("CLIENTLENS_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert actual == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_sarif_lists_only_the_rules_it_emitted_with_catalogue_help(site_log):
    run = site_log["runs"][0]
    emitted = {r["ruleId"] for r in run["results"]}
    listed = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert sorted(listed) == sorted(emitted) == ["mixed-terminology"]
    rule = run["tool"]["driver"]["rules"][0]
    info = RULES["mixed-terminology"]
    assert rule["shortDescription"]["text"] == info.summary
    for part in (info.why, info.example, info.fix_hint):
        assert part in rule["help"]["text"] and part in rule["help"]["markdown"]
    assert all(run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])


def test_sarif_locations_are_relative_with_a_base_and_end_on_the_same_line(site_log):
    for result in site_log["runs"][0]["results"]:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert physical["artifactLocation"]["uri"].startswith("site/")
        region = physical["region"]
        assert region["endLine"] == region["startLine"]
        assert region["endColumn"] - region["startColumn"] == region["charLength"]


def test_sarif_region_covers_the_flagged_word_in_the_source(site_log):
    """Reading the file at the region's line and columns gives back the word the fix replaces."""
    for result in site_log["runs"][0]["results"]:
        physical = result["locations"][0]["physicalLocation"]
        region = physical["region"]
        source = (EXAMPLES / physical["artifactLocation"]["uri"]).read_text(encoding="utf-8")
        line = source.splitlines()[region["startLine"] - 1]
        word = line[region["startColumn"] - 1:region["endColumn"] - 1]
        assert source[region["charOffset"]:region["charOffset"] + region["charLength"]] == word
        assert word.lower().startswith("customer")
        fixed = source
        for r in sorted(result["fixes"][0]["artifactChanges"][0]["replacements"],
                        key=lambda r: -r["deletedRegion"]["charOffset"]):
            at, length = r["deletedRegion"]["charOffset"], r["deletedRegion"]["charLength"]
            assert fixed.splitlines()[r["deletedRegion"]["startLine"] - 1][r["deletedRegion"]["startColumn"] - 1:
                                                                          r["deletedRegion"]["endColumn"] - 1] \
                == fixed[at:at + length]
            fixed = fixed[:at] + r["insertedContent"]["text"] + fixed[at + length:]
        start = region["charOffset"]
        assert fixed[start:].lower().startswith("client")  # the fix writes the suggestion over the word
        assert result["fixes"][0]["properties"]["applicability"] == "safe"


def test_sarif_message_quotes_the_excerpt_with_the_word_marked(site_log):
    messages = [r["message"]["text"] for r in site_log["runs"][0]["results"]]
    assert all('. In: "' in m for m in messages)
    assert any('In: "Every [customer] pays a fixed monthly fee' in m for m in messages)


def test_sarif_related_locations_point_at_the_target_family(site_log):
    contact = [r for r in site_log["runs"][0]["results"]
               if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "site/contact.html"]
    assert contact and contact[0]["relatedLocations"]
    related = contact[0]["relatedLocations"]
    assert [loc["id"] for loc in related] == list(range(1, len(related) + 1))
    source = (EXAMPLES / "site" / "contact.html").read_text(encoding="utf-8")
    for loc in related:
        region = loc["physicalLocation"]["region"]
        assert source[region["charOffset"]:region["charOffset"] + region["charLength"]].lower().startswith("client")


@pytest.mark.parametrize("path, expected", [
    ("site/a b.md", {"uri": "site/a%20b.md", "uriBaseId": "%SRCROOT%"}),
    ("/srv/site/index.html", {"uri": "file:///srv/site/index.html"}),
    ("https://example.test/p?q=1", {"uri": "https://example.test/p?q=1"}),
    ("<stdin>", {"uri": "%3Cstdin%3E", "uriBaseId": "%SRCROOT%"}),
    ("docs\\guide.md", {"uri": "docs/guide.md", "uriBaseId": "%SRCROOT%"}),
])
def test_sarif_artifact_location_of_each_path_kind(path, expected):
    assert artifact_location(path) == expected


@pytest.mark.parametrize("path, expected", [
    ("data/pages.jsonl#home", ("data/pages.jsonl", "home")),
    ("notes#1.md", ("notes#1.md", None)),
    ("site/index.html", ("site/index.html", None)),
])
def test_sarif_split_record_only_splits_jsonl_records(path, expected):
    assert split_record(path) == expected


def test_sarif_unreadable_input_has_a_file_level_region_and_no_fix():
    results = sarif_log(framed_site())["runs"][0]["results"]
    failed = [r for r in results if r["ruleId"] == "unreadable-input"]
    assert failed[0]["level"] == "error"
    assert failed[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 1}
    assert "fixes" not in failed[0]


def test_sarif_jsonl_record_gets_a_logical_location_instead_of_a_file_region(auditor, tmp_path):
    source = tmp_path / "copy.jsonl"
    source.write_text('{"id": "r1", "text": "Our clients are happy. A customer wrote in."}\n'
                      '{"id": "r2", "text": "Every client gets a partner."}\n', encoding="utf-8")
    log = sarif_log(auditor.audit_paths([str(source)]))
    VALIDATOR.validate(log)
    result = log["runs"][0]["results"][0]
    location = result["locations"][0]
    assert location["logicalLocations"] == [{"name": "r1", "kind": "object"}]
    assert "region" not in location["physicalLocation"]
    assert "fixes" not in result


def test_sarif_fingerprints_are_unique_per_result(site_log):
    prints = [r["partialFingerprints"]["clientlensFinding/v1"] for r in site_log["runs"][0]["results"]]
    assert len(prints) == len(set(prints))


def test_sarif_keeps_hostile_paths_as_encoded_uris():
    artifacts = sarif_log(framed_site())["runs"][0]["artifacts"]
    assert artifacts[0]["location"]["uri"] == "pages/a%26b%20%3Cx%3E%2C%20%22y%22%3A%20z.md"
    assert HOSTILE_PATH not in json.dumps(artifacts)


def test_cli_audit_sarif_to_file(tmp_path):
    out = tmp_path / "report.sarif"
    result = CliRunner().invoke(app, ["audit", str(EXAMPLES / "site"), "--no-model", "-f", "sarif", "-o", str(out)])
    assert result.exit_code == 1, result.output
    log = json.loads(out.read_text(encoding="utf-8"))
    VALIDATOR.validate(log)
    assert log["version"] == "2.1.0" and len(log["runs"][0]["results"]) == 8
