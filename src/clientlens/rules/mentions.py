"""The `clientlens_mentions` spaCy component: family mentions as spans, each with a sense.

`__call__` finds mentions with the family regex, aligns them to tokens, builds each one's
MentionContext and stores the decision on `span._.clientlens`. `to_mentions` turns the
spans into plain Mention records, so no spaCy object leaves `rules/`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Iterable, Mapping

from spacy.language import Language
from spacy.tokens import Doc, Span

from clientlens.rules.families import COLLECTIVE, FamilySet, family_set, trim_closing_quote
from clientlens.rules.sense import MentionContext, Neighbour, decide_sense
from clientlens.types import Mention, OffsetMap, SenseVote

SPAN_KEY = "clientlens"
WINDOW = 6

if not Span.has_extension("clientlens"):
    Span.set_extension("clientlens", default=None)


@dataclass(frozen=True)
class SpanDecision:
    """What the rules decided for one span: its family and sense vote (roles are decided later,
    once the sense is final, by judge/roles.py)."""

    family: str
    vote: SenseVote


class MentionFinder:
    """Find client/customer family mentions and decide their sense (spaCy pipeline component)."""

    def __init__(self, nlp: Language, name: str = "clientlens_mentions",
                 families: Mapping[str, list[str]] | None = None, span_key: str = SPAN_KEY) -> None:
        self.name = name
        self.span_key = span_key
        self.families: FamilySet = family_set({k: tuple(v) for k, v in (families or {}).items()})

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text  # Doc.text joins every token on each access (as dear as tokenising): read it once.
        spans = self.find_spans(doc, text)
        table = token_words(doc) if spans else []
        # Read once per doc, not once per mention: each is a pass over every token or span.
        sents = doc.has_annotation("SENT_START") if spans else False
        starts = [span.start for span in spans]
        for span in spans:
            ctx = build_context(span, spans, text, table, sents, starts)
            span._.clientlens = SpanDecision(span.label_, decide_sense(ctx))
        doc.spans[self.span_key] = spans
        return doc

    def find_spans(self, doc: Doc, text: str | None = None) -> list[Span]:
        """Return one span per family mention in `doc` (whose text is `text`), labelled with its family."""
        spans = []
        text = doc.text if text is None else text
        for match in self.families.finditer(text):
            start, end = match.start(), trim_closing_quote(text, match.start(), match.end())
            span = doc.char_span(start, end, label=self.families.family_of(match), alignment_mode="expand")
            if span is None:
                continue
            if (span.start_char, span.end_char) != (start, end):
                # Token expansion added a neighbouring character (a quote): keep the exact bounds.
                doc.user_data[("clientlens-chars", span.start, span.end)] = (start, end)
            spans.append(span)
        return spans


def char_bounds(span: Span) -> tuple[int, int]:
    """Return the exact character bounds of a mention span (narrower than its tokens if needed)."""
    return span.doc.user_data.get(("clientlens-chars", span.start, span.end), (span.start_char, span.end_char))


def _word(tok) -> str | None:
    if tok.is_space:
        return None
    word = tok.lower_
    # An apostrophe after a space opens a quote; one glued to a word is a possessive.
    if word in ("'", "’") and (tok.i == 0 or tok.doc[tok.i - 1].whitespace_ or tok.doc[tok.i - 1].is_space):
        word = "‘"
    return word


def _words(tokens: Iterable) -> list[str]:
    return [w for w in map(_word, tokens) if w is not None]


def token_words(doc: Doc) -> list[str | None]:
    """Return each token's word as `_words` reads it (None for whitespace), for slicing by token index."""
    return [_word(tok) for tok in doc]


def _sentence(span: Span, sents: bool | None = None) -> Span:
    doc = span.doc
    if doc.has_annotation("SENT_START") if sents is None else sents:
        return span.sent
    return doc[max(0, span.start - 40):min(len(doc), span.end + 40)]


def build_context(span: Span, spans: list[Span], text: str | None = None,
                  table: list[str | None] | None = None, sents: bool | None = None,
                  starts: list[int] | None = None) -> MentionContext:
    """Return the MentionContext of `span`, with `spans` (all mentions of the doc, in order) as neighbours.

    `text` is `span.doc.text`, `table` its `token_words`, `sents` whether it has sentence
    starts and `starts` the spans' first tokens, passed in by callers that build many contexts
    for one doc (each costs a pass over every token or span).
    """
    doc = span.doc
    text = doc.text if text is None else text
    table = token_words(doc) if table is None else table

    def words_in(lo: int, hi: int) -> list[str]:
        return [w for w in table[lo:hi] if w is not None]

    sent = _sentence(span, sents)
    start, end = char_bounds(span)
    surface = text[start:end]
    lower = surface.lower()
    core_word = _core(lower)
    parts = tuple(p for p in lower.replace("’", "'").split("-") if _core(p) != core_word or p == "")
    words = words_in(sent.start, sent.end)
    neighbours = []
    starts = [s.start for s in spans] if starts is None else starts
    for other in spans[bisect.bisect_left(starts, sent.start):bisect.bisect_left(starts, sent.end)]:
        if other is span or other.start < sent.start or other.end > sent.end:
            continue
        lo, hi = (other.end, span.start) if other.start < span.start else (span.end, other.start)
        between = tuple(words_in(lo, hi)) if hi >= lo else ()
        neighbours.append(Neighbour(other.label_, max(hi - lo, 0), between))
    return MentionContext(
        surface=surface,
        family=span.label_,
        core=core_word,
        parts=parts,
        before=tuple(words_in(max(sent.start, span.start - WINDOW), span.start)),
        after=tuple(words_in(span.end, min(sent.end, span.end + WINDOW))),
        char_before=text[start - 1] if start > 0 else "",
        char_before2=text[start - 2] if start > 1 else "",
        char_after=text[end] if end < len(text) else "",
        raw_before=doc[span.start - 1].text if span.start > sent.start else "",
        in_short_quote=_in_short_quote(text, start, end),
        sentence_words=frozenset(words),
        sentence_families=frozenset({span.label_, *(n.family for n in neighbours)}),
        neighbours=tuple(neighbours),
        sentence_length=len(words),
        question=any(w == "?" for w in words[-3:]),
    )


_OPENERS = {'"': '"', "“": "”", "‘": "’"}


def _in_short_quote(text: str, start: int, end: int, limit: int = 30) -> bool:
    """Return True when [start, end) sits inside a quoted phrase of at most three words."""
    left = text[max(0, start - limit):start]
    for opener, closer in _OPENERS.items():
        i = left.rfind(opener)
        if i == -1 or closer in left[i + 1:] and closer != opener:
            continue
        j = text.find(closer, end, end + limit)
        if j != -1:
            phrase = left[i + 1:] + text[start:j]
            if 1 < len(phrase.split()) <= 3 and "\n" not in phrase:
                return True
    return False


def _core(word: str) -> str:
    word = word.replace("’", "'")
    for suffix in ("'s", "'"):
        if word.endswith(suffix):
            word = word[: -len(suffix)]
    for part in word.split("-"):
        if part in COLLECTIVE or part.rstrip("s") in ("client", "customer"):
            return part
    return word


def to_mentions(doc: Doc, offset: int, offsets: OffsetMap, scope_at=None, span_key: str = SPAN_KEY,
                text: str | None = None) -> list[Mention]:
    """Return the Mentions of a processed doc; `offset` is where the doc's text (`text`) starts in the Document."""
    out = []
    text = doc.text if text is None else text
    for span in doc.spans.get(span_key, []):
        decision: SpanDecision | None = span._.clientlens
        if decision is None:
            continue
        start, end = char_bounds(span)
        loc = offsets.locate(offset + start, offset + end)
        out.append(Mention(
            start=offset + start, end=offset + end, line=loc.line, column=loc.column,
            surface=text[start:end], family=decision.family, sense=decision.vote.sense,
            confidence=round(decision.vote.confidence, 3), decided_by=decision.vote.decided_by,
            cue=decision.vote.cue, scope=scope_at(offset + start) if scope_at else "body",
            source_start=loc.start, source_end=loc.end,
        ))
    return out


@Language.factory("clientlens_mentions", default_config={"families": {}, "span_key": SPAN_KEY})
def make_mention_finder(nlp: Language, name: str, families: dict, span_key: str) -> MentionFinder:
    """Return the clientlens mention finder for `nlp.add_pipe("clientlens_mentions")`."""
    return MentionFinder(nlp, name, families, span_key)
