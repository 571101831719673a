import json
from importlib import resources

import jsonschema
import pytest

from clientlens.report.json import render_json
from tests.conftest import EXAMPLES

SCHEMA = json.loads(resources.files("clientlens.report").joinpath("schema/report-1.schema.json").read_text())


@pytest.fixture(scope="module")
def example_report(auditor):
    return json.loads(render_json(auditor.audit_paths([str(EXAMPLES / "site")])))


def test_json_report_is_valid_against_the_schema(example_report):
    jsonschema.validate(example_report, SCHEMA)


def test_json_schema_rejects_a_broken_report(example_report):
    broken = json.loads(json.dumps(example_report))
    broken["documents"][0]["mentions"].append({"start": 0, "end": 1, "line": 0, "column": 1,
                                               "surface": "x", "family": "client", "sense": "people",
                                               "confidence": 2})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def test_json_summary_adds_up(example_report):
    s = example_report["summary"]
    docs = example_report["documents"]
    assert s["documents"] == len(docs)
    assert s["mentions"] == sum(len(d["mentions"]) for d in docs)
    for family, n in s["counts"].items():
        assert n == sum(d["counts"][family] for d in docs)
    assert sum(s["findings"].values()) == sum(len(d["findings"]) for d in docs)
