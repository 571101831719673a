"""Item 8: unreadable folders are reported, --fix keeps the owner, UTF-16 without a BOM is text.

Before: an unreadable sub-folder was skipped in silence (an unreadable file was reported),
`--fix` run as root made root the owner of every file it rewrote (only the mode was kept),
and UTF-16 without a byte-order mark was reported as a "binary file".
"""

import os
import stat

import pytest

from clientlens.cli import app
from clientlens.ingest.decode import decode_bytes, utf16_codec
from tests.hostile.helpers import audit, good_and_errors, hi, runner


def _locked_site(tmp_path):
    site = tmp_path / "site"
    (site / "locked").mkdir(parents=True)
    (site / "good.txt").write_text(hi.GOOD)
    (site / "locked" / "page.txt").write_text(hi.GOOD)
    return site


def _refuse(monkeypatch, folder):
    """Make os.scandir (what os.walk lists folders with) refuse `folder`, as for a folder without read permission."""
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(folder):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_sub_folder_is_reported(tmp_path, monkeypatch):
    site = _locked_site(tmp_path)
    _refuse(monkeypatch, site / "locked")
    code, report, stderr = audit(str(site))
    good, errors = good_and_errors(report)
    assert code == 1 and good == ["good.txt"]
    assert errors == {"locked": f"{site / 'locked'}: folder cannot be read (Permission denied); its files were not audited"}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_sub_folder_is_reported_for_real(tmp_path):
    site = _locked_site(tmp_path)
    os.chmod(site / "locked", 0)
    try:
        code, report, stderr = audit(str(site))
    finally:
        os.chmod(site / "locked", 0o755)
    good, errors = good_and_errors(report)
    assert good == ["good.txt"] and "folder cannot be read" in errors["locked"]


def test_an_unreadable_top_folder_is_one_error(tmp_path, monkeypatch):
    site = _locked_site(tmp_path)
    _refuse(monkeypatch, site)
    code, report, stderr = audit(str(site))
    assert code == 2
    assert [d["error"] for d in report["documents"]] == [f"{site}: folder cannot be read (Permission denied); "
                                                          "its files were not audited"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away")
def test_fix_as_root_keeps_the_owner_group_and_mode(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("Our clients stay. Clients return. A customer pays.\n")
    os.chown(page, 65534, 65534)
    os.chmod(page, 0o640)
    result = runner.invoke(app, ["audit", str(page), "--no-model", "--fix", "--force"])
    assert result.exit_code == 0, result.output
    assert page.read_text() == "Our clients stay. Clients return. A client pays.\n"
    info = page.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (65534, 65534, 0o640)


@pytest.mark.parametrize("text, codec", [
    (hi.GOOD * 5, "utf-16-le"), (hi.GOOD * 5, "utf-16-be"), ("Ünïcöde clients, ça va.\n" * 5, "utf-16-le"),
])
def test_utf16_without_a_bom_is_decoded(text, codec):
    data = text.encode(codec)
    assert utf16_codec(data) == codec and decode_bytes(data, "x.txt") == text


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 50,  # an image
    bytes(range(256)) * 20,                                       # every byte value
    "Our clients\x01\x02\x03\x04\x05\x06 rent.".encode("utf-16-le") * 40,  # UTF-16 of control characters
])
def test_binary_is_still_binary(data):
    with pytest.raises(Exception, match="binary file"):
        decode_bytes(data, "x.bin")


def test_utf16_without_a_bom_is_audited_and_fixed_in_its_own_encoding(tmp_path):
    page = tmp_path / "page.txt"
    page.write_bytes("Our clients stay. Clients return. A customer pays.\n".encode("utf-16-le"))
    code, report, stderr = audit(str(page))
    assert good_and_errors(report) == (["page.txt"], {})
    result = runner.invoke(app, ["audit", str(page), "--no-model", "--fix", "--force"])
    assert result.exit_code == 0, result.output
    assert page.read_bytes() == "Our clients stay. Clients return. A client pays.\n".encode("utf-16-le")
