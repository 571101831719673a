"""The plain, typed data that flows between layers: ingest -> rules -> model -> judge -> report.

No I/O and no heavy imports here. Every class is a frozen dataclass; sequences are tuples.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from enum import Enum
from typing import Mapping


class Sense(str, Enum):
    """What a mention of a family word refers to (see DESIGN.md, labelling guidelines)."""

    PERSON = "person"
    NON_PERSON = "non_person"
    META = "meta"


class Severity(str, Enum):
    """How serious a finding is; ordered so that `rank` compares them."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Return 0 for info, 1 for warning, 2 for error."""
        return ("info", "warning", "error").index(self.value)


class Kind(str, Enum):
    """What sort of source a document came from."""

    PAGE = "page"
    CONTRACT = "contract"
    TEXT = "text"


FRAMING_LABELS = ("client", "customer", "neutral")
ROLES = ("own", "third_party", "generic", "discussion", "term", "allowed", "suppressed")
# Whose people a person mention names decides whether it counts towards the author's word.
COUNTED_ROLES = frozenset({"own", "generic"})


@dataclass(frozen=True)
class Location:
    """A resolved place in a source file: offsets into the decoded source, 1-based line/column."""

    start: int
    end: int
    line: int
    column: int
    page: int | None = None


@dataclass(frozen=True)
class OffsetMap:
    """Maps offsets in `Document.text` back to the source (offsets, line, column, page).

    `segments` are `(text_start, source_start, length)` triples sorted by text_start; a text
    offset inside a segment maps linearly, one outside every segment maps to the nearest
    segment start. With no segments the map is the identity (plain text and Markdown).
    `line_starts` are the source offsets where each line begins. `page_starts` are the text
    offsets where each page begins (PDF), if any.
    """

    line_starts: tuple[int, ...] = (0,)
    segments: tuple[tuple[int, int, int], ...] = ()
    page_starts: tuple[int, ...] = ()
    # The segments' text starts, computed once: bisecting a list rebuilt per call made an HTML
    # page with many mentions quadratic.
    _keys: tuple[int, ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "_keys", tuple(s[0] for s in self.segments))

    @staticmethod
    def for_source(source: str, segments: tuple[tuple[int, int, int], ...] = (),
                   page_starts: tuple[int, ...] = ()) -> "OffsetMap":
        """Return a map whose line table is computed from `source`."""
        starts = [0]
        find = source.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        return OffsetMap(tuple(starts), segments, page_starts)

    def source_offset(self, text_offset: int) -> int:
        """Return the source offset for a text offset."""
        if not self.segments:
            return text_offset
        i = max(bisect.bisect_right(self._keys, text_offset) - 1, 0)
        t0, s0, length = self.segments[i]
        delta = min(max(text_offset - t0, 0), length)
        return s0 + delta

    def locate(self, start: int, end: int) -> Location:
        """Return the source Location of the text span [start, end)."""
        s = self.source_offset(start)
        e = self.source_offset(end) if end > start else s
        if e < s:
            e = s
        line = bisect.bisect_right(self.line_starts, s)
        column = s - self.line_starts[line - 1] + 1
        page = bisect.bisect_right(self.page_starts, start) if self.page_starts else None
        return Location(s, e, line, column, page)


@dataclass(frozen=True)
class Block:
    """A structural region of a document's text: scope is title/heading/nav/body/alt/footer/clause/code."""

    start: int
    end: int
    scope: str


@dataclass(frozen=True)
class Comment:
    """A comment in the source (`<!-- ... -->` in HTML or Markdown): source offsets, 1-based lines, inner text.

    Ingest keeps them because the text it hands on has no comments, yet inline directives
    (`<!-- clientlens: ignore-next-line -->`) live in them.
    """

    start: int
    end: int
    line: int
    end_line: int
    text: str


@dataclass(frozen=True)
class Document:
    """One unit of text to audit. Every later offset points into `text`."""

    path: str
    kind: Kind
    text: str
    offsets: OffsetMap = field(default_factory=OffsetMap)
    blocks: tuple[Block, ...] = ()
    meta: Mapping[str, str] = field(default_factory=dict)
    comments: tuple[Comment, ...] = ()

    _block_starts: tuple[int, ...] | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_block_starts", disjoint_starts(self.blocks))

    def scope_at(self, offset: int) -> str:
        """Return the scope of the block holding `offset`, or "body"."""
        block = block_at(self.blocks, offset, self._block_starts)
        return block.scope if block is not None else "body"


def disjoint_starts(blocks: tuple[Block, ...] | list[Block]) -> tuple[int, ...] | None:
    """Return the blocks' starts when the blocks are sorted and do not overlap, else None.

    Then `block_at` finds a block by bisection instead of a scan of every block.
    """
    starts = []
    end = 0
    for block in blocks:
        if block.start < end or block.end < block.start:
            return None
        starts.append(block.start)
        end = block.end
    return tuple(starts)


def block_at(blocks: tuple[Block, ...] | list[Block], offset: int, starts: tuple[int, ...] | None) -> Block | None:
    """Return the first of `blocks` holding `offset` (None if none); `starts` from `disjoint_starts`."""
    if starts is None:
        return next((b for b in blocks if b.start <= offset < b.end), None)
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and blocks[i].start <= offset < blocks[i].end:
        return blocks[i]
    return None


@dataclass(frozen=True)
class InputFailure:
    """A source that could not be turned into a Document, with a one-line reason."""

    path: str
    reason: str
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class SenseVote:
    """One rule's (or the model's) opinion on a mention's sense."""

    sense: Sense
    confidence: float
    decided_by: str
    cue: str | None = None


@dataclass(frozen=True)
class Mention:
    """A family word found in a document, with its sense and role, and why each was chosen.

    `start`/`end` index `Document.text`; `source_start`/`source_end` index the source file
    (they differ only for HTML and other mapped formats). `role` says whose people a person
    mention names (DESIGN.md, labelling guidelines): "own" (the author's own served people,
    or the reader addressed as one), "third_party" (someone else's: "their customers", the
    reader's customers when the reader is a business), "generic" (clients or customers in
    general), "discussion" (inside talk about the words), "term" (a fixed name that is not a
    choice of word: "customer relationship management", a product name), "allowed" (inside
    an allowed phrase) and "suppressed" (under a directive or a per-file ignore).
    `role_because` is the resolver's reason, and `group` whose people they are: "ours" (own and
    generic), "reader" (a business reader's own clients or customers) or "others" (someone else's:
    a client's customers, another firm's); consistency is judged per group. Only own and generic
    person mentions count towards the author's word.
    """

    start: int
    end: int
    line: int
    column: int
    surface: str
    family: str
    sense: Sense
    confidence: float
    decided_by: str
    cue: str | None = None
    scope: str = "body"
    role: str = "own"
    source_start: int = -1
    source_end: int = -1
    role_because: str = ""
    group: str = ""

    @property
    def counts(self) -> bool:
        """Return True when the mention counts towards the author's own terminology."""
        return self.sense is Sense.PERSON and self.role in COUNTED_ROLES


@dataclass(frozen=True)
class Passage:
    """A window of document text that the framing model judges."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Framing:
    """The framing of a passage (or, aggregated, of a document or site).

    `evidence` is set on a document's aggregate: the passage framings (at most three) that
    weighed most for its label, strongest first; empty on passages and sites.
    """

    label: str
    scores: Mapping[str, float]
    passage: Passage | None = None
    cues: tuple[str, ...] = ()
    model: str = ""
    evidence: tuple["Framing", ...] = ()


@dataclass(frozen=True)
class FramingPolicy:
    """How the judge turns passage framings into a document's framing and mismatch findings.

    Saved with the model (chosen on the corpus dev split when it was trained):
    `neutral_weight` scales the neutral mass of a document before its label is taken, so
    neutral wins only where framing evidence is thin; `mismatch_threshold` is the calibrated
    passage probability a framing-mismatch finding needs.
    """

    neutral_weight: float = 1.0
    mismatch_threshold: float = 0.8


FIX_SAFE = "safe"
FIX_NEEDS_REVIEW = "needs-review"
APPLICABILITIES = (FIX_SAFE, FIX_NEEDS_REVIEW)


@dataclass(frozen=True)
class Excerpt:
    """The readable sentence around a finding, trimmed around the mention, which is `text[start:end]`.

    Taken from `Document.text` (markup-free, whitespace runs collapsed), so its offsets are
    its own, not source offsets; "…" marks where it was trimmed.
    """

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Edit:
    """One replacement in the source: [start, end) (source offsets) becomes `replacement`.

    `line`/`column` (1-based) are where `start` lies in the source.
    """

    start: int
    end: int
    replacement: str
    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class Fix:
    """The edits that apply a finding's suggestion, and whether they can be applied unreviewed.

    `applicability` is "safe" (`--fix` applies it: a rewrite of the author's own word that
    keeps case, number and possessive) or "needs-review" (`--unsafe-fixes` applies it too:
    a framing suggestion, someone else's people, a contract's defined term).
    """

    edits: tuple[Edit, ...]
    applicability: str
    message: str


@dataclass(frozen=True)
class Finding:
    """A problem worth telling the user about, with where, why and what to write instead.

    `excerpt` and `fix` are filled in once, after judging (judge/finalise.py); writers only read them.
    """

    rule: str
    severity: Severity
    message: str
    start: int
    end: int
    line: int
    column: int
    suggestion: str | None = None
    because: str = ""
    related: tuple[Location, ...] = ()
    page: int | None = None  # 1-based page of a paged source (PDF); None elsewhere
    excerpt: Excerpt | None = None
    fix: Fix | None = None


@dataclass(frozen=True)
class ModelInfo:
    """Identifies the framing model used for a report."""

    name: str
    version: str
    sha256: str


@dataclass(frozen=True)
class DocumentReport:
    """Everything the judge concluded about one document."""

    path: str
    kind: Kind
    error: str | None = None
    mentions: tuple[Mention, ...] = ()
    framings: tuple[Framing, ...] = ()
    findings: tuple[Finding, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    dominant: str | None = None
    consistency: float = 100.0
    mixed: bool = False
    framing: Framing | None = None
    contract: object | None = None
    text: str = ""
    discussion: str | None = None  # why the document discusses the words, when it does
    # Person mentions of other people than the author's, per group ("reader", "others") and family.
    groups: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    mixed_groups: tuple[str, ...] = ()  # the groups ("ours", "reader", "others") named with both words
    reader: str = ""  # who the document addresses, as the role resolver read it


@dataclass(frozen=True)
class SiteReport:
    """The judge's view across all documents of one audit."""

    documents: tuple[DocumentReport, ...]
    counts: Mapping[str, int]
    dominant: str | None
    consistency: float
    framing: Framing | None
    mixed_documents: tuple[str, ...]
    tool_version: str
    model: ModelInfo | None = None

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Return every finding of every document, in document order."""
        return tuple(f for d in self.documents for f in d.findings)

    def findings_by_severity(self) -> dict[str, int]:
        """Return the number of findings per severity name."""
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            out[f.severity.value] += 1
        return out
