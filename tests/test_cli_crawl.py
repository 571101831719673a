"""`clientlens audit URL`: a live crawl of the made-up site, saved, then audited again offline."""

import json

import pytest
from typer.testing import CliRunner

from clientlens.cli import app
from tests.ingest.site_server import serve_site

runner = CliRunner()
FAST = ["--delay", "0", "--timeout", "0.5", "--max-depth", "2", "--concurrency", "3"]


def test_cli_audit_url_save_and_offline_reaudit_give_the_same_json(tmp_path):
    config = tmp_path / "clientlens.toml"
    config.write_text("")  # one config for both runs, wherever they look from
    saved = tmp_path / "saved"
    common = ["--no-model", "-f", "json", "--config", str(config)]
    with serve_site() as site:
        live = runner.invoke(app, ["audit", site.url("/"), *common, *FAST, "--save", str(saved)])
    assert live.exit_code == 1, live.output
    offline = runner.invoke(app, ["audit", str(saved), *common])
    assert offline.exit_code == 1, offline.output
    assert offline.stdout == live.stdout
    report = json.loads(live.stdout)
    paths = [d["path"][len(site.base):] for d in report["documents"]]
    assert paths[:4] == ["/", "/services", "/team", "/pricing"]
    errors = {d["path"][len(site.base):]: d["findings"][0]["rule"] for d in report["documents"] if d["error"]}
    assert errors == dict.fromkeys(["/gone", "/broken", "/huge", "/slow"], "unreadable-input")
    assert report["summary"]["counts"] == {"client": 8, "customer": 1}


@pytest.mark.parametrize("args, message", [
    (["--max-pages", "0"], "--max-pages"),
    (["--concurrency", "99"], "--concurrency"),
])
def test_cli_audit_url_bad_crawl_option_exits_2(args, message):
    result = runner.invoke(app, ["audit", "http://127.0.0.1:9/", "--no-model", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_cli_audit_save_refuses_a_folder_of_other_files(tmp_path):
    (tmp_path / "keep.txt").write_text("a file of mine")
    result = runner.invoke(app, ["audit", "http://127.0.0.1:9/", "--no-model", "--save", str(tmp_path)])
    assert result.exit_code == 2
    assert "not empty" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
