"""Bounded reads: at most `max-bytes` from any file, pipe or standard input, whatever its size claims.

A device such as /dev/zero reports size 0 and never ends, and a file can grow while it is
read, so the size in `stat` is never trusted: every read asks for one byte more than the
limit and refuses the source when it gets it. Devices and sockets are refused before they are
opened; a FIFO (a named pipe, or `<(command)` in a shell) is read only until `timeout`
seconds have passed, because a FIFO with no writer never answers.
"""

from __future__ import annotations

import os
import select
import stat
import time
from pathlib import Path
from typing import BinaryIO

from clientlens.errors import InputError

_CHUNK = 1 << 16
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISLNK, "a symbolic link"))


def limit_text(max_bytes: int) -> str:
    """Return a byte limit as people read it: "20 MB", "1,000 bytes"."""
    return f"{max_bytes / 1e6:g} MB" if max_bytes >= 1_000_000 else f"{max_bytes:,} bytes"


def kind_of(mode: int) -> str:
    """Return what a non-regular file is, in words ("a FIFO (named pipe)", "a character device"...)."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def too_big(name: str, max_bytes: int, size: int | None = None) -> InputError:
    """Return the InputError for a source over `max_bytes` (its size in the message when known)."""
    if size is not None and size > max_bytes:
        return InputError(f"{name}: file is {size / 1e6:.1f} MB, over the {limit_text(max_bytes)} limit (max-bytes)")
    return InputError(f"{name}: more than {limit_text(max_bytes)}, over the limit (max-bytes)")


def require_file(path: Path | str, name: str) -> None:
    """Return None when `path` is a regular file; raise InputError for anything else (a pipe, a device).

    For readers that stream a file themselves (archives, tables): a pipe or a device could
    keep them reading for ever.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise InputError(f"{name}: cannot open ({exc.strerror or exc})") from None
    if not stat.S_ISREG(mode):
        raise InputError(f"{name}: {kind_of(mode)}, not a file; archives and tables are read from files only")


def read_capped(path: Path | str, name: str, max_bytes: int, timeout: float = 30.0) -> bytes:
    """Return the bytes of a regular file or FIFO at `path`; raise InputError past `max_bytes`,
    for devices, sockets and folders, and for a FIFO that has not ended within `timeout` seconds."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise InputError(f"{name}: cannot open ({exc.strerror or exc})") from None
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise InputError(f"{name}: {kind_of(mode)}, not a file; clientlens reads files, folders and - (stdin)")
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (it changes nothing for a file).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"{name}: cannot open ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISFIFO(info.st_mode):
            return _read_pipe(fd, name, max_bytes, timeout)
        if not stat.S_ISREG(info.st_mode):  # replaced between stat and open
            raise InputError(f"{name}: {kind_of(info.st_mode)}, not a file")
        if info.st_size > max_bytes:
            raise too_big(name, max_bytes, info.st_size)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return read_stream(handle, name, max_bytes)
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def read_stream(handle: BinaryIO, name: str, max_bytes: int) -> bytes:
    """Return everything `handle` holds (standard input, an open file); raise InputError past `max_bytes`."""
    data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_big(name, max_bytes)
    return data


def _read_pipe(fd: int, name: str, max_bytes: int, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    total = 0
    while True:
        left = deadline - time.monotonic()
        # A FIFO with no writer yet is not readable: select waits for one until the deadline.
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise InputError(f"{name}: a pipe that did not end within {timeout:g} s (read-timeout)")
        try:
            chunk = os.read(fd, _CHUNK)
        except BlockingIOError:
            continue
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise too_big(name, max_bytes)
        chunks.append(chunk)
