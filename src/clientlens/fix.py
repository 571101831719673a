"""--fix and --diff: apply the fixes an audit attached to its findings, in the source files themselves.

Each finding's Fix (judge/finalise.py) holds source edits and an applicability: `--fix`
applies the "safe" ones (a terminology rewrite of the author's own word), `--unsafe-fixes`
also those that "need review" (framing suggestions, someone else's people, contract
terms). Only .txt, .md and .html files are rewritten; everything else in a file
(encoding, byte-order mark, newlines) is written back byte for byte.
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
import stat
import subprocess
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from clientlens.errors import ClientlensError, InputError
from clientlens.ingest.decode import decode_bytes, utf16_codec
from clientlens.judge.suppress import TERMINOLOGY_RULES, normal_path
from clientlens.types import FIX_SAFE, DocumentReport, Edit, Finding, SiteReport

FIXABLE_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".mdx", ".html", ".htm", ".xhtml"})
# What an edit may replace: letters of a word, hyphens, apostrophes ("a"/"an", the changed part
# of a family word). Anything else in the source there means the file is not what was audited.
_WORD = re.compile(r"[\w'’-]*")
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True)
class FileFix:
    """The fixed text of one file and how to write it back exactly as it was encoded."""

    path: Path
    original: bytes
    before: str
    after: str
    edits: tuple[Edit, ...]
    bom: bytes
    codec: str
    fixes: int = 0

    def encoded(self) -> bytes:
        """Return the fixed file's bytes, in the file's own encoding."""
        return self.bom + self.after.encode(self.codec)


@dataclass(frozen=True)
class FixPlan:
    """Every file to rewrite, one line per finding or file that cannot be fixed, and the fixes held back."""

    files: tuple[FileFix, ...]
    skipped: tuple[str, ...]
    held_back: int = 0

    @property
    def fixes(self) -> int:
        """Return the number of findings the plan fixes."""
        return sum(f.fixes for f in self.files)


def wanted(f: Finding, unsafe: bool) -> bool:
    """Return True for a finding whose fix this run applies: a safe one, or any with `unsafe`."""
    return f.fix is not None and (unsafe or f.fix.applicability == FIX_SAFE)


def plan_fixes(report: SiteReport, unsafe: bool = False) -> FixPlan:
    """Return the FixPlan of a report: the edits per file, reading each file once."""
    files: list[FileFix] = []
    skipped: list[str] = []
    seen: set[str] = set()
    held_back = sum(1 for f in report.findings if f.fix is not None and not wanted(f, unsafe))
    for doc in report.documents:
        findings = [f for f in doc.findings if wanted(f, unsafe)]
        skipped += [f"{doc.path}:{f.line}:{f.column}: the source around '{_word(f)}' holds markup, left as it is"
                    for f in doc.findings if f.fix is None and f.suggestion and f.excerpt is not None
                    and (unsafe or f.rule in TERMINOLOGY_RULES)]
        path = Path(doc.path)
        if not findings or doc.error:
            continue
        if path.suffix.lower() not in FIXABLE_SUFFIXES or not path.is_file():
            skipped.append(f"{doc.path}: not a .txt, .md or .html file, left as it is")
            continue
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        planned = plan_file(path, doc, findings)
        if isinstance(planned, str):
            skipped.append(planned)
            continue
        fix, reasons = planned
        skipped.extend(reasons)
        if fix.edits:
            files.append(fix)
    return FixPlan(tuple(files), tuple(skipped), held_back)


def plan_file(path: Path, doc: DocumentReport, findings: Sequence[Finding]) -> tuple[FileFix, list[str]] | str:
    """Return (the FileFix of one file, reasons for findings left alone), or a reason to leave the file.

    Safe fixes go first; a fix whose edits overlap one already taken is left out (two findings
    on one word), as ruff does, and named.
    """
    try:
        original = path.read_bytes()
        source = decode_bytes(original, str(path))
    except (OSError, InputError) as exc:
        return f"{doc.path}: cannot read it again to fix it ({exc})"
    encoding = _encoding_of(original, source)
    if encoding is None:
        return f"{doc.path}: its encoding cannot be written back byte for byte, left as it is"
    taken: list[Edit] = []
    reasons: list[str] = []
    applied = 0
    for f in sorted(findings, key=lambda f: (f.fix.applicability != FIX_SAFE, f.start)):  # type: ignore[union-attr]
        edits = f.fix.edits  # type: ignore[union-attr]
        if all(e in taken for e in edits):
            continue  # the same fix twice (two findings with one suggestion)
        where = f"{doc.path}:{f.line}:{f.column}"
        if any(_overlaps(e, t) for e in edits for t in taken):
            reasons.append(f"{where}: '{f.suggestion}' overlaps another fix of the same words, left as it is")
        elif not all(e.end <= len(source) and _WORD.fullmatch(source, e.start, e.end) for e in edits):
            reasons.append(f"{where}: the source there is not the audited word, left as it is")
        else:
            taken.extend(edits)
            applied += 1
    after = apply_edits(source, taken)
    return FileFix(path, original, source, after, tuple(sorted(taken, key=lambda e: e.start)), *encoding,
                   fixes=applied), reasons


def _word(f: Finding) -> str:
    return f.excerpt.text[f.excerpt.start:f.excerpt.end] if f.excerpt else ""


def _overlaps(a: Edit, b: Edit) -> bool:
    return a.start < b.end and b.start < a.end or (a.start == b.start and a != b)


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Return `text` with non-overlapping `edits` applied."""
    out, last = [], 0
    for e in sorted(edits, key=lambda e: e.start):
        out.append(text[last:e.start])
        out.append(e.replacement)
        last = e.end
    out.append(text[last:])
    return "".join(out)


def _encoding_of(data: bytes, text: str) -> tuple[bytes, str] | None:
    # Whatever decode_bytes chose, keep the encoding that gives back the very same bytes.
    candidates = [(bom, codec) for bom, codec in _BOMS if data.startswith(bom)][:1]
    if not candidates:
        candidates = [(b"", "utf-8"), (b"", "cp1252"), (b"", "latin-1"), (b"", utf16_codec(data) or "utf-8")]
    for bom, codec in candidates:
        try:
            if bom + text.encode(codec) == data:
                return bom, codec
        except UnicodeEncodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    with suppress(UnicodeEncodeError, LookupError, TypeError):
        if best is not None and text.encode(best.encoding) == data:
            return b"", best.encoding
    return None


def render_diff(plan: FixPlan) -> str:
    """Return the plan as a unified diff (a/PATH, b/PATH), empty when there is nothing to fix."""
    chunks = []
    for fix in plan.files:
        name = normal_path(str(fix.path))
        lines = difflib.unified_diff(_lines(fix.before), _lines(fix.after), f"a/{name}", f"b/{name}")
        for line in lines:
            chunks.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)


def _lines(text: str) -> list[str]:
    # Split on "\n" only: str.splitlines would also split on form feeds and U+2028.
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def git_status(path: Path) -> str | None:
    """Return `git status --porcelain` for one file ("" when clean), or None outside a git work tree."""
    try:
        proc = subprocess.run(["git", "-C", str(path.parent), "status", "--porcelain", "--", path.name],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def dirty_files(paths: Iterable[Path]) -> list[str]:
    """Return the paths that have uncommitted changes (or are untracked) in their git work tree."""
    dirty = []
    for path in paths:
        real = Path(os.path.realpath(path))
        if (git_status(real) or "").strip():
            dirty.append(normal_path(str(path)))
    return dirty


def apply_fixes(plan: FixPlan, force: bool = False) -> int:
    """Write every fixed file atomically and return how many were written.

    Raise ClientlensError, before writing anything, when a file has uncommitted changes
    and `force` is False: a fix over unsaved work could not be undone with git.
    """
    if not force:
        dirty = dirty_files(f.path for f in plan.files)
        if dirty:
            more = f" and {len(dirty) - 3} more" if len(dirty) > 3 else ""
            raise ClientlensError(f"--fix: uncommitted changes in {', '.join(dirty[:3])}{more}; "
                                  "commit or stash them first, or pass --force")
    for fix in plan.files:
        write_atomic(fix.path, fix.encoded(), expect=fix.original)
    return len(plan.files)


def write_atomic(path: Path, data: bytes, expect: bytes | None = None) -> None:
    """Replace the file at `path` (a symlink's target) with `data` via a temp file, keeping its
    mode, and its owner and group where the process may set them (as root, or a group of its own).

    With `expect`, refuse when the file no longer holds those bytes (edited since the audit).
    """
    real = Path(os.path.realpath(path))
    try:
        if expect is not None and real.read_bytes() != expect:
            raise ClientlensError(f"--fix: {path} changed while it was being audited; run the audit again")
        info = real.stat()
        mode = stat.S_IMODE(info.st_mode)
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".clientlens.tmp", dir=real.parent)
    except OSError as exc:
        raise ClientlensError(f"cannot fix {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _keep_owner(tmp, info.st_uid, info.st_gid)
        os.chmod(tmp, mode)  # after chown, which may clear set-id bits
        os.replace(tmp, real)
    except OSError as exc:
        with suppress(OSError):
            os.unlink(tmp)
        raise ClientlensError(f"cannot write {path}: {exc.strerror or exc}") from None


def _keep_owner(path: str, uid: int, gid: int) -> None:
    # The temporary file belongs to whoever runs the fix; put the original owner back. Only root
    # may give a file away: anyone else keeps it (as an editor's save would), group permitting.
    if not hasattr(os, "chown"):
        return
    for owner, group in ((uid, gid), (-1, gid)):
        try:
            os.chown(path, owner, group)
            return
        except PermissionError:
            continue
