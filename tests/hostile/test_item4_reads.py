"""Item 4: bounded reads from files, devices, pipes and standard input; special files refused.

Before: a symlink to /dev/zero or /dev/urandom in a folder, `audit /dev/zero` and
`audit - </dev/zero` read gigabytes (a device reports size 0, so max-bytes never tripped,
and symlinks in folders were followed), and a FIFO in a folder hung the audit for ever.
"""

import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from clientlens.errors import InputError
from clientlens.ingest.read import read_capped, read_stream
from tests.hostile.helpers import audit, good_and_errors, hi

needs_dev_zero = pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


class _Endless(io.RawIOBase):
    """A stream that never ends, like /dev/zero; counts what was read from it."""

    read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        buffer[:] = b"client " * (len(buffer) // 7) + b" " * (len(buffer) % 7)
        self.read_bytes += len(buffer)
        return len(buffer)


def test_read_stream_stops_one_byte_past_the_limit():
    stream = _Endless()
    with pytest.raises(InputError, match=r"<stdin>: more than 1,000 bytes, over the limit \(max-bytes\)"):
        read_stream(io.BufferedReader(stream), "<stdin>", 1_000)
    assert stream.read_bytes < 1_000_000  # one buffer, not the stream


@needs_dev_zero
@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom"])
def test_symlink_to_a_device_in_a_folder_is_not_followed(tmp_path, target):
    (tmp_path / "good.txt").write_text(hi.GOOD)
    os.symlink(target, tmp_path / "device.txt")
    code, report, stderr = audit(str(tmp_path))
    good, errors = good_and_errors(report)
    assert code == 0 and good == ["good.txt"] and not errors


@needs_dev_zero
def test_a_device_named_on_the_command_line_is_refused_unread(tmp_path):
    (tmp_path / "good.txt").write_text(hi.GOOD)
    code, report, stderr = audit("/dev/zero", str(tmp_path / "good.txt"))
    good, errors = good_and_errors(report)
    assert code == 1 and good == ["good.txt"]  # 1: the unreadable-input finding is a warning
    assert errors == {"zero": "/dev/zero: a character device, not a file; clientlens reads files, folders and - (stdin)"}


@needs_dev_zero
def test_stdin_from_dev_zero_stops_at_max_bytes(tmp_path):
    (tmp_path / ".clientlens.toml").write_text("max-bytes = 100000\n")
    with open("/dev/zero", "rb") as zero:
        proc = subprocess.run([sys.executable, "-m", "clientlens", "audit", "-", "--no-model",
                               "--config", str(tmp_path / ".clientlens.toml")],
                              stdin=zero, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "<stdin>: more than 100,000 bytes, over the limit (max-bytes)" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_a_file_growing_past_its_size_is_still_capped(tmp_path):
    # st_size is not trusted: a file whose size says little but holds more is still cut at the cap.
    path = tmp_path / "big.txt"
    path.write_bytes(b"client " * 1000)
    with pytest.raises(InputError, match="over the 1,000 bytes limit"):
        read_capped(path, str(path), 1_000)
    assert read_capped(path, str(path), 7_000) == b"client " * 1000


@needs_fifo
def test_a_fifo_in_a_folder_is_reported_not_read(tmp_path):
    (tmp_path / "good.txt").write_text(hi.GOOD)
    os.mkfifo(tmp_path / "pipe.txt")
    code, report, stderr = audit(str(tmp_path))
    good, errors = good_and_errors(report)
    assert code == 1 and good == ["good.txt"]
    assert errors["pipe.txt"].endswith("pipe.txt: a FIFO (named pipe), not a file; only regular files in folders are read")


@needs_fifo
def test_a_fifo_on_the_command_line_is_read_when_written(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as handle:
            handle.write(hi.GOOD.encode())

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert read_capped(fifo, "pipe.txt", 1_000_000, timeout=60) == hi.GOOD.encode()
    finally:
        writer.join(60)


@needs_fifo
def test_a_fifo_nobody_writes_gives_up_at_read_timeout(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (tmp_path / ".clientlens.toml").write_text("read-timeout = 0.2\n")
    code, report, stderr = audit(str(fifo), str(tmp_path / "missing.txt"))
    good, errors = good_and_errors(report)
    assert code == 2 and errors["pipe.txt"] == f"{fifo}: a pipe that did not end within 0.2 s (read-timeout)"


def test_symlinked_files_and_folders_inside_a_folder_are_skipped(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "other.txt").write_text(hi.GOOD)
    site = tmp_path / "site"
    site.mkdir()
    (site / "good.txt").write_text(hi.GOOD)
    os.symlink(outside / "other.txt", site / "link.txt")
    os.symlink(outside, site / "linked-folder")
    code, report, stderr = audit(str(site))
    assert good_and_errors(report) == (["good.txt"], {})
    # Named on the command line, a link is followed: the user chose it.
    code, report, stderr = audit(str(site / "link.txt"))
    assert good_and_errors(report) == (["link.txt"], {})


@needs_fifo
def test_an_archive_named_as_a_fifo_is_refused_unread(tmp_path):
    fifo = tmp_path / "crawl.warc.gz"
    os.mkfifo(fifo)
    code, report, stderr = audit(str(fifo))
    assert code == 2
    assert report["documents"][0]["error"] == (f"{fifo}: a FIFO (named pipe), not a file; archives and tables are "
                                               "read from files only")
