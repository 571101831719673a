"""--fix and --diff: rewrite the minority mentions an audit found, in the source files themselves.

Only findings of the terminology rules (mixed-terminology, preferred-term) that carry a
suggestion are fixed, and only in .txt, .md and .html files: software senses, meta
mentions, code and URLs never get such findings, so they are never touched. Edits use
the findings' source offsets; everything else in the file (encoding, byte-order mark,
newlines) is written back byte for byte.
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
from clientlens.judge.fixes import fix_article
from clientlens.judge.suppress import TERMINOLOGY_RULES, normal_path
from clientlens.types import DocumentReport, Finding, SiteReport

FIXABLE_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".mdx", ".html", ".htm", ".xhtml"})
# "a"/"an" right before the mention, across spaces, one line break or emphasis marks.
_ARTICLE = re.compile(r"(?<![\w'’&;-])(an|a)(?:[ \t]+|[ \t]*\r?\n[ \t]*)[*_]{0,3}$", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True)
class Edit:
    """One replacement in a source text: [start, end) becomes `new`; kind is "mention" or "article"."""

    start: int
    end: int
    old: str
    new: str
    kind: str = "mention"


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

    @property
    def mentions(self) -> int:
        """Return the number of mentions rewritten (articles not counted)."""
        return sum(1 for e in self.edits if e.kind == "mention")

    def encoded(self) -> bytes:
        """Return the fixed file's bytes, in the file's own encoding."""
        return self.bom + self.after.encode(self.codec)


@dataclass(frozen=True)
class FixPlan:
    """Every file to rewrite, and one line per finding or file that cannot be fixed safely."""

    files: tuple[FileFix, ...]
    skipped: tuple[str, ...]

    @property
    def mentions(self) -> int:
        """Return the number of mentions the plan rewrites."""
        return sum(f.mentions for f in self.files)


def fixable(f: Finding) -> bool:
    """Return True for a finding --fix may apply: a terminology rule with a suggestion."""
    return f.rule in TERMINOLOGY_RULES and bool(f.suggestion)


def plan_fixes(report: SiteReport) -> FixPlan:
    """Return the FixPlan of a report: the edits per file, reading each file once."""
    files: list[FileFix] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for doc in report.documents:
        findings = [f for f in doc.findings if fixable(f)]
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
    return FixPlan(tuple(files), tuple(skipped))


def plan_file(path: Path, doc: DocumentReport, findings: Sequence[Finding]) -> tuple[FileFix, list[str]] | str:
    """Return (the FileFix of one file, reasons for findings left alone), or a reason to leave the file."""
    try:
        original = path.read_bytes()
        source = decode_bytes(original, str(path))
    except (OSError, InputError) as exc:
        return f"{doc.path}: cannot read it again to fix it ({exc})"
    encoding = _encoding_of(original, source)
    if encoding is None:
        return f"{doc.path}: its encoding cannot be written back byte for byte, left as it is"
    surfaces = {(m.source_start, m.source_end): m.surface for m in doc.mentions}
    edits: list[Edit] = []
    reasons: list[str] = []
    done: set[tuple[int, int]] = set()
    for f in sorted(findings, key=lambda f: f.start):
        if (f.start, f.end) in done:
            continue
        done.add((f.start, f.end))
        surface = surfaces.get((f.start, f.end), source[f.start:f.end])
        found = mention_edits(source, f.start, surface, f.suggestion or "")
        if found is None:
            reasons.append(f"{doc.path}:{f.line}:{f.column}: the source around '{surface}' holds markup, left as it is")
        else:
            edits.extend(found)
    after = apply_edits(source, edits)
    return FileFix(path, original, source, after, tuple(edits), *encoding), reasons


def mention_edits(source: str, start: int, surface: str, suggestion: str) -> list[Edit] | None:
    """Return the edits that turn `surface` at `start` into `suggestion` (and fix "a"/"an" before it).

    Only the differing middle of the word is replaced, so an entity in an unchanged part
    (`customer&rsquo;s` -> `client&rsquo;s`) survives; None when the source does not hold
    the word's letters there.
    """
    if surface == suggestion:
        return []
    prefix = len(os.path.commonprefix([surface, suggestion]))
    suffix = len(os.path.commonprefix([surface[prefix:][::-1], suggestion[prefix:][::-1]]))
    old_end, new_end = len(surface) - suffix, len(suggestion) - suffix
    if source[start:start + old_end] != surface[:old_end]:
        return None
    edits = [Edit(start + prefix, start + old_end, surface[prefix:old_end], suggestion[prefix:new_end])]
    article = _ARTICLE.search(source, max(0, start - 16), start)
    if article is not None:
        old = article.group(1)
        new = fix_article(old, suggestion)
        if new != old:
            edits.insert(0, Edit(article.start(1), article.end(1), old, new, "article"))
    return edits


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Return `text` with non-overlapping `edits` applied."""
    out, last = [], 0
    for e in sorted(edits, key=lambda e: e.start):
        out.append(text[last:e.start])
        out.append(e.new)
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
