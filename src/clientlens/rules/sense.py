"""Sense rules: each looks at one mention in its sentence and may vote person/non_person/meta.

A rule is a small named unit: its word lists are data (patterns/sense.json) and its
`vote` returns a SenseVote or None for no opinion. Confidences are the rules' measured
precision on the sense train split (rounded; software compounds inside the word, 0.95,
rank above possessive determiners on purpose: "our client-side code" is software).
`decide_sense` keeps the most confident vote; with none, the mention is a person with low confidence, which is what
sends it to the sense model when one is installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from clientlens.rules.data import pattern_data
from clientlens.types import Sense, SenseVote

_DATA = pattern_data("sense.json")
SOFTWARE_BEFORE = frozenset(_DATA["software_before"])
SOFTWARE_AFTER_AMBIGUOUS = frozenset(_DATA["software_after_ambiguous"])
SOFTWARE_AFTER = frozenset(_DATA["software_after"]) - SOFTWARE_AFTER_AMBIGUOUS
SOFTWARE_PARTS = frozenset(_DATA["software_parts"])
META_BEFORE = frozenset(_DATA["meta_before"])
META_CUES = frozenset(_DATA["meta_cues"])
COMPARISON_LINKS = frozenset(_DATA["comparison_links"])
PERSON_DETERMINERS = frozenset(_DATA["possessive_determiners"])
TECH_WORDS = frozenset(_DATA["tech_words"])
PERSON_AFTER = frozenset(_DATA["person_after"])
ACRONYM_EXCEPTIONS = frozenset(_DATA["software_acronym_exceptions"])
QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "«": "»", "`": "`", "„": "“"}
POSSESSIVE_MARKS = frozenset({"'s", "’s", "'", "’"})
SOFT_WORDS = frozenset({'"', "'", "“", "”", "‘", "’", "*", "_", ":", "`"})
_STRONG_META_BEFORE = frozenset({"word", "words", "term", "terms", "label", "labels", "noun", "nouns",
                                 "synonym", "synonyms", "wording", "vocabulary", "plural", "singular",
                                 "spell", "spelled", "spelt", "called"})
_CALL = frozenset({"call", "calls", "calling", "called"})
_CALL_OBJECTS = frozenset({"them", "it", "us", "people", "everyone", "him", "her", "you", "folks", "everybody"})
DEFAULT_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Neighbour:
    """Another family mention in the same sentence and the words that link the two."""

    family: str
    distance: int
    between: tuple[str, ...]


@dataclass(frozen=True)
class MentionContext:
    """What the rules may look at: the mention, its neighbouring words and its sentence.

    `before` holds the lower-cased words before the mention, nearest LAST; `after` the
    words after it, nearest first. Both stop at the sentence edge.
    """

    surface: str
    family: str
    core: str
    parts: tuple[str, ...]
    before: tuple[str, ...]
    after: tuple[str, ...]
    char_before: str
    char_after: str
    raw_before: str
    sentence_words: frozenset[str]
    sentence_families: frozenset[str]
    neighbours: tuple[Neighbour, ...]
    sentence_length: int
    question: bool

    @property
    def capitalised(self) -> bool:
        """Return True when the surface starts with a capital letter."""
        return self.surface[:1].isupper()

    def word_before(self, skip_soft: bool = True) -> str:
        """Return the nearest word before the mention, skipping quotes and emphasis marks."""
        for word in reversed(self.before):
            if not (skip_soft and word in SOFT_WORDS):
                return word
        return ""

    def word_after(self, skip_soft: bool = True) -> str:
        """Return the nearest word after the mention, skipping quotes and emphasis marks."""
        for word in self.after:
            if not (skip_soft and word in SOFT_WORDS):
                return word
        return ""

    in_short_quote: bool = False
    char_before2: str = ""  # the character before `char_before` (tells **bold** from *italics*)

    @property
    def quoted(self) -> bool:
        """Return True when the mention alone stands inside a pair of quotes."""
        close = QUOTES.get(self.char_before)
        return close is not None and self.char_after in (close, "’" if close == "'" else close)


Rule = Callable[[MentionContext], SenseVote | None]


def defined_term(ctx: MentionContext) -> SenseVote | None:
    """The quote that defines a party term, as in ("Client") or hereinafter "Customer": meta.

    The defining quote names the word the contract will use (DESIGN.md: meta); the party's
    later uses are people, which the contract analysis (judge/contract.py) settles.
    """
    if not ctx.capitalised:
        return None
    before = ctx.before[-4:]
    if ctx.quoted and ("(" in before or "hereinafter" in ctx.before or "hereafter" in ctx.before):
        return SenseVote(Sense.META, 0.99, "rule:defined-term", "(\"...\")")
    if "hereinafter" in ctx.before[-5:] or ctx.before[-3:] == ("referred", "to", "as"):
        return SenseVote(Sense.META, 0.98, "rule:defined-term", "hereinafter")
    if ctx.quoted and ctx.word_after() in ("means", "shall", "refers"):
        return SenseVote(Sense.META, 0.75, "rule:defined-term", ctx.word_after())
    return None


def software_compound(ctx: MentionContext) -> SenseVote | None:
    """Client in the client-server sense: email client, client-side, client SDK: non_person."""
    if ctx.family != "client" or ctx.core == "clientele":
        return None
    for part in ctx.parts:
        if part in SOFTWARE_PARTS:
            return SenseVote(Sense.NON_PERSON, 0.95, "rule:software-compound", part)
    before = ctx.word_before(skip_soft=False)
    if before in SOFTWARE_BEFORE:
        return SenseVote(Sense.NON_PERSON, 0.97, "rule:software-compound", before)
    raw = ctx.raw_before
    if 2 <= len(raw) <= 6 and raw.isupper() and raw.isalpha() and raw not in ACRONYM_EXCEPTIONS:
        # "MCP client", "NATS client": an acronym before client is nearly always a protocol or product.
        return SenseVote(Sense.NON_PERSON, 0.8, "rule:software-compound", raw)
    after = ctx.after[:2]
    nxt = after[1] if len(after) == 2 and after[0] in ("/", "-") else (after[0] if after else "")
    if nxt in SOFTWARE_AFTER:
        return SenseVote(Sense.NON_PERSON, 0.97, "rule:software-compound", nxt)
    if nxt in SOFTWARE_AFTER_AMBIGUOUS and ctx.word_before() not in PERSON_DETERMINERS - {"the", "a", "an"}:
        return SenseVote(Sense.NON_PERSON, 0.6, "rule:software-compound", nxt)
    return None


def quoted_word(ctx: MentionContext) -> SenseVote | None:
    """The word alone in quotes ('client', “customers”) is mentioned, not used: meta.

    A short quoted phrase ("client money", "Dear Customer") is weaker evidence: the phrase
    may be named as a phrase or may just be quoted speech, so the vote is unsure.
    """
    if ctx.quoted:
        return SenseVote(Sense.META, 0.97, "rule:quoted-word", ctx.char_before + ctx.char_after)
    if ctx.in_short_quote:
        return SenseVote(Sense.META, 0.7, "rule:quoted-word", "short quoted phrase")
    return None


def glossary_headword(ctx: MentionContext) -> SenseVote | None:
    """A glossary entry ("Client: whoever pays the invoice") defines the word: meta."""
    before = [w for w in ctx.before if w not in ("*", "_", "**", "__")]
    after = [w for w in ctx.after if w not in ("*", "_", "**", "__")]
    if not before or before[-1] in (".", "\n"):
        if after[:1] == [":"] and ctx.capitalised:
            return SenseVote(Sense.META, 0.7, "rule:glossary-headword", ":")
    return None


def tech_context(ctx: MentionContext) -> SenseVote | None:
    """A client in a sentence full of network or software words is probably software (unsure)."""
    if ctx.family != "client" or ctx.core == "clientele":
        return None
    cues = ctx.sentence_words & TECH_WORDS
    if len(cues) >= 2:
        return SenseVote(Sense.NON_PERSON, 0.68, "rule:tech-context", " ".join(sorted(cues)[:3]))
    return None


def emphasised_word(ctx: MentionContext) -> SenseVote | None:
    """The word alone in Markdown italics (*client*, _customer_): meta.

    Bold (**Clients**) marks a UI label or plain emphasis, not a word held up as a word.
    """
    if ctx.char_before in "*_" and ctx.char_before and ctx.char_after == ctx.char_before \
            and ctx.char_before2 != ctx.char_before:
        return SenseVote(Sense.META, 0.85, "rule:emphasised-word", ctx.char_before)
    return None


def the_word(ctx: MentionContext) -> SenseVote | None:
    """'the word client', 'the term customers', 'we call them clients': meta."""
    before = ctx.word_before()
    if before in _STRONG_META_BEFORE:
        return SenseVote(Sense.META, 0.97, "rule:the-word", before)
    words = [w for w in ctx.before if w not in SOFT_WORDS][-3:]
    if len(words) >= 2 and words[-2] in _CALL and words[-1] in _CALL_OBJECTS:
        return SenseVote(Sense.META, 0.9, "rule:the-word", " ".join(words[-2:]))
    if len(words) >= 3 and words[-3] in _CALL and words[-2] in ("our", "your", "their", "my"):
        return SenseVote(Sense.META, 0.85, "rule:the-word", " ".join(words))
    if before == "as" and {"refer", "refers", "referred", "known", "described"} & set(ctx.before[-5:]) and not ctx.capitalised:
        return SenseVote(Sense.META, 0.85, "rule:the-word", "referred to as")
    if before in ("say", "says", "saying", "write", "writes", "writing"):
        return SenseVote(Sense.META, 0.7, "rule:the-word", before)
    return None


def word_comparison(ctx: MentionContext) -> SenseVote | None:
    """The two words set against each other ("Client vs. Customer", "customers, not clients"): meta."""
    for n in ctx.neighbours:
        if n.family == ctx.family or n.distance > 4:
            continue
        links = set(n.between)
        if links & (COMPARISON_LINKS - {"or", "to", "from", "not", "nor"}):
            return SenseVote(Sense.META, 0.95, "rule:word-comparison", " ".join(n.between))
        short = ctx.sentence_length <= 8 or ctx.question
        if "or" in links and short:
            return SenseVote(Sense.META, 0.8, "rule:word-comparison", "or")
        if links & {"not", "nor", "to"} and ctx.sentence_words & META_CUES:
            return SenseVote(Sense.META, 0.8, "rule:word-comparison", " ".join(n.between))
    return None


def person_determiner(ctx: MentionContext) -> SenseVote | None:
    """'our clients', 'every customer', 'new clients': people being served: person.

    In a sentence about software ("point your client at the sandbox") the determiner proves
    little, so the vote drops below the model threshold and the model decides.
    """
    before = ctx.word_before(skip_soft=False)
    if before in PERSON_DETERMINERS or before in POSSESSIVE_MARKS:
        techy = ctx.family == "client" and len(ctx.sentence_words & TECH_WORDS) >= 2
        return SenseVote(Sense.PERSON, 0.6 if techy else 0.93, "rule:person-determiner", before)
    return None


def person_compound(ctx: MentionContext) -> SenseVote | None:
    """'client portal', 'customer database', 'client list': a thing for or about people: person."""
    nxt = ctx.word_after(skip_soft=False)
    # Inside quotes the phrase may be named rather than used ("the phrase 'client money'").
    if nxt in PERSON_AFTER and not ctx.in_short_quote and not ctx.quoted:
        return SenseVote(Sense.PERSON, 0.94, "rule:person-compound", nxt)
    return None


SENSE_RULES: tuple[Rule, ...] = (
    defined_term, software_compound, quoted_word, emphasised_word, the_word,
    word_comparison, glossary_headword, person_determiner, person_compound, tech_context,
)


def decide_sense(ctx: MentionContext, rules: tuple[Rule, ...] = SENSE_RULES) -> SenseVote:
    """Return the most confident rule vote (earlier rules win ties), else a low-confidence person."""
    best: SenseVote | None = None
    for rule in rules:
        vote = rule(ctx)
        if vote is not None and (best is None or vote.confidence > best.confidence):
            best = vote
    return best or SenseVote(Sense.PERSON, DEFAULT_CONFIDENCE, "rule:default", None)
