"""The role resolver: whose people each person mention names, decided once, with its reason.

A role (types.ROLES) is decided after the sense, from the mention, its sentence, its document
and the document's kind, in this order; the first that applies wins:

1. configuration: inside an allowed phrase -> `allowed`; under an ignore directive or a
   per-file ignore of a terminology rule -> `suppressed`;
2. `term`: inside a fixed name (rules/patterns/terms.json, the `terms` setting, job titles, UI
   labels, plan names, and compounds the document uses as names);
3. `discussion`: inside talk about the words (a discussion document's discussing paragraphs,
   or a paragraph that also holds the same word plainly used as a word);
4. the mention's own possessor or verb (LOCAL_RULES): "their/its customers", "Acme's
   clients", "customers of the agency", "end customers", "clients it looks after" ->
   `third_party`; "our/my clients", "a client of ours", "we advise clients", "as a client" ->
   `own`; "your customers" -> the reader's people (see 5); "your client account" -> `own`;
   "a company's customers", "customers of a business" -> `generic`;
5. "your clients": someone else's people when the page addresses a business, the author's
   kind of people when it addresses peers in the author's own line of work, or when nothing
   says the reader is a business and the author names its own people with the same word in
   the first person ("a client of ours");
6. on a page written to businesses, a bare mention in a sentence said to the reader ("a client
   will look through your profile") is the reader's;
   otherwise like the page's other mentions of the same word whose possessor is plain (the
   role most of them have, when at least PROPAGATE_MIN of them agree), since one page names
   one group with one word more often than not;
7. a sentence that speaks as "we" of no one else -> `own`; on a page written to businesses,
   a bare mention is the reader's (`third_party`), or the trade's in general (`generic`) in a
   sentence about businesses at large; elsewhere the author's own (`own`).

Contracts are judged by their defined-term analysis (judge/contract.py), not here.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Callable, Collection, Sequence

from clientlens.config import Settings
from clientlens.judge.discussion import discussing_paragraphs, discussion_reason, plain_meta
from clientlens.judge.document import allowed_spans
from clientlens.judge.suppress import document_suppressions
from clientlens.rules.data import pattern_data
from clientlens.rules.families import FamilySet, family_set, strip_possessive
from clientlens.rules.windows import sentence_bounds
from clientlens.types import Document, Mention, Sense


_DATA = pattern_data("roles.json")
_TERMS = pattern_data("terms.json")
OWN = frozenset(_DATA["own_determiners"])
THEIRS = frozenset(_DATA["third_party_determiners"])
READERS = frozenset(_DATA["reader_determiners"])
PREFIXES = frozenset(_DATA["third_party_prefixes"])
PREMODIFIERS = frozenset(_DATA["premodifiers"])
COORDINATORS = frozenset(_DATA["coordinators"])
SERVED_COMPOUNDS = frozenset(_DATA["served_compounds"])
BUSINESS_COMPOUNDS = frozenset(_DATA["business_compounds"])
GENERIC_OWNERS = frozenset(_DATA["generic_owners"])
GENERIC_ARTICLES = frozenset(_DATA["generic_articles"])  # "customers of a company": any business
PAST_WORKPLACE = tuple(re.compile(p, re.IGNORECASE) for p in _DATA["past_workplace_patterns"])
PAST_WORKPLACE_PARAGRAPHS = int(_DATA["past_workplace_paragraphs"])
PAST_WORKPLACE_HINT = re.compile(_DATA["past_workplace_hint"], re.IGNORECASE)
GENERAL_BUSINESSES = frozenset(_DATA["general_business_nouns"])
NOT_OWN_AFTER_WE = frozenset(_DATA["not_own_after_we"])
CLAUSE_STOPS = frozenset(_DATA["clause_stops"])
RELATIVES = frozenset(_DATA["relative_pronouns"])
NOT_AFTER_AS_A = frozenset(_DATA["not_after_as_a"])
READER_AS_ONE = tuple(_DATA["reader_as_one"])
OWNER_NOUNS = frozenset(_DATA["owner_nouns"])
WE = frozenset({"we", "we've", "we’ve", "we're", "we’re", "we'll", "we’ll", "we'd", "we’d"})
I = frozenset(_DATA["first_person_singular_subjects"])
YOU = frozenset(_DATA["second_person_subjects"])
THEY = frozenset(_DATA["third_person_subjects"])
SUBJECT_GAP = int(_DATA["first_person_verbs_gap"])


def _one_pattern(patterns: Sequence[str]) -> re.Pattern[str]:
    """Return one pattern matching any of `patterns` (lower-case text): one pass instead of one per cue."""
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Matched against the lower-cased text: case-folding every character in each pass cost more than the rest.
READER_BUSINESS = _one_pattern(_DATA["reader_business_patterns"])
READER_PEER = _one_pattern(_DATA["peer_patterns"])
READER_SERVED = _one_pattern(_DATA["reader_served_patterns"])
READER_BUSINESS_MIN = int(_DATA["reader_business_min"])
READER_PEER_MIN = int(_DATA["reader_peer_min"])
BRAND_MIN = int(_DATA["brand_min_repeats"])
BRAND_STOPWORDS = frozenset(_DATA["brand_stopwords"])
JOB_TITLE = re.compile(_TERMS["job_title"], re.IGNORECASE)
UI_LABEL = re.compile(_TERMS["ui_label"])
PLAN_NAME = re.compile(_TERMS["plan_name"])
API_OBJECT = re.compile(_TERMS["api_object"])
NAME_PEOPLE_HEADS = frozenset(_TERMS["name_people_heads"])
NAME_MIN_REPEATS = int(_TERMS["name_min_repeats"])
# Longer than any bundled name or shape, so a name that holds a mention lies within this reach of it.
TERM_REACH = 100
# Fewer agreeing mentions than this say too little about how a page uses a word.
PROPAGATE_MIN = 1

_TOKEN = re.compile(r"[\w][\w'’.&-]*[\w]|[\w]|[^\w\s]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_HEADING_LINE = re.compile(r"^[ \t]*#{1,6}[ \t]", re.MULTILINE)
_POSSESSIVE = re.compile(r"\w(?:['’]s|s['’])$")
_POSSESSIVE_MARKS = ("'s", "’s", "'", "’")
_NAME = re.compile(r"(?<![\w-])(Clients?|Customers?)[ \t]+([A-Z][a-z]\w*)")
_PROPER = re.compile(r"(?<![\w.])([A-Z][\w]*(?:\.[a-z]{2,4})?)")
_QUOTES = {'"': '"', "“": "”"}
# "your clients": the reader's people, someone else's or the author's kind, decided per document.
READER_HEAD = "reader_head"


# Whose people a mention names, finer than its role: the author's (own and generic), the reader's
# (a business reader's own clients or customers), or someone else's (a client's customers, another firm's).
OURS, READERS_PEOPLE, OTHERS = "ours", "reader", "others"


@dataclass(frozen=True)
class RoleVote:
    """A role, the reason for it and the group of people it puts the mention in."""

    role: str
    because: str
    group: str = ""
    # The author speaking of its own people in the first person ("our clients", "we built it
    # for a client"): what says that the page's "your clients" may be the author's kind too.
    first_person: bool = False
    # Whether the page's bare mentions of the word may follow this vote: not a story about a
    # past employer, whose people say nothing about whose the rest of the page names.
    propagates: bool = True

    @property
    def people(self) -> str:
        """Return the group: given, or "ours" for the author's own and generic mentions."""
        return self.group or (OURS if self.role in ("own", "generic") else "")


@dataclass(frozen=True)
class Reader:
    """Who a document addresses, and the cues that said so.

    `kind` is "business" (a business with clients or customers of its own), "peer" (someone
    in the author's own line of work), or "served" (the author's own people, or no one in
    particular).
    """

    kind: str
    because: str

    @property
    def business(self) -> bool:
        """Return True when the reader is a business with people of its own."""
        return self.kind == "business"


@dataclass(frozen=True)
class TermSpan:
    """A fixed name in a document's text: [start, end), the name and what sort of name it is."""

    start: int
    end: int
    name: str
    kind: str


@dataclass(frozen=True)
class Around:
    """One mention in its sentence: lower-case words before (nearest last) and after, and what
    the sentence as a whole says."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    after_raw: tuple[str, ...]
    before_raw: tuple[str, ...]
    reader_voice: bool  # a question the reader asks the author (an FAQ's "Q: ... my clients?")
    first_person: bool  # the sentence speaks as "we" and not to or of the reader
    second_person: bool  # the sentence speaks to "you" (or of "your" things), and not as "we" nor of a third party
    quoted: bool  # inside a quotation: a first person there is the speaker, not the author
    general: bool  # the sentence speaks of businesses at large and of no one in particular


@dataclass(frozen=True)
class Page:
    """What the local rules may know of the whole document: its reader and (read on first use,
    since few mentions need it) its brand name."""

    reader: Reader
    text: str = field(repr=False)
    families: FamilySet = field(default_factory=family_set, repr=False)

    @cached_property
    def brand(self) -> str | None:
        """Return the name the document gives itself most often (see brand_of), or None."""
        return brand_of(self.text, self.families.is_word)

    def is_word(self, word: str) -> bool:
        """Return True when `word` is a word form of one of the families in force (see FamilySet.is_word)."""
        return self.families.is_word(word)


@dataclass(frozen=True)
class DocumentRoles:
    """What the resolver read off one document: its reader, its fixed names and whether it discusses the words."""

    reader: Reader
    terms: tuple[TermSpan, ...]
    discussion: str | None


# The document -----------------------------------------------------------------------------


def read_reader(text: str) -> Reader:
    """Return who `text` addresses: a business with people of its own, a peer, or the served."""
    lower = text.lower()
    business = Counter(m.group(0) for m in READER_BUSINESS.finditer(lower))
    peer = Counter(m.group(0) for m in READER_PEER.finditer(lower))
    served = sum(1 for _ in READER_SERVED.finditer(lower))
    b, p = sum(business.values()), sum(peer.values())

    def cues(counter: Counter) -> str:
        return ", ".join(f"'{c}'" for c, _ in counter.most_common(3))

    if b >= READER_BUSINESS_MIN and b >= p and b > served:
        return Reader("business", f"the page addresses a business ({b} cues such as {cues(business)})")
    if p >= READER_PEER_MIN and p > b:
        return Reader("peer", f"the page addresses people who do the author's kind of work ({cues(peer)})")
    return Reader("served", "the page addresses the people the author serves" if served
                  else "no sign that the reader is a business")


def brand_of(text: str, is_word: Callable[[str], bool]) -> str | None:
    """Return the name the document gives itself most often (a capitalised word used mid-sentence
    at least BRAND_MIN times), which is usually the author's brand, or None."""
    counts: Counter = Counter()
    inside: Counter = Counter()
    for m in _PROPER.finditer(text):
        word = m.group(1)
        if word in BRAND_STOPWORDS or len(word) < 3 or is_word(word):
            continue
        counts[word] += 1
        before = text[max(0, m.start() - 2):m.start()]
        if before and before[-1] != "\n" and before.rstrip()[-1:] not in (".", "!", "?", "#", ":", "-", "*", ">", ""):
            inside[word] += 1
    named = [(n, w) for w, n in counts.items() if n >= BRAND_MIN and inside[w] >= 1]
    return max(named)[1] if named else None


def _phrase_key(phrase: str) -> str:
    return " ".join(w for w in re.split(r"[\s-]+", phrase.strip().lower()) if w)


@lru_cache(maxsize=8)
def _term_pattern(extra: tuple[str, ...], defaults: bool) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """Return one pattern for every listed phrase (longest first, so the longest name wins) and
    the kind of each phrase by its key (lower case, words joined by one space)."""
    entries = [(t["phrase"], t["kind"]) for t in _TERMS["terms"]] if defaults else []
    entries += [(phrase, "configured term") for phrase in extra]
    kinds: dict[str, str] = {}
    for phrase, kind in entries:
        if _phrase_key(phrase):
            kinds.setdefault(_phrase_key(phrase), kind)
    if not kinds:
        return None, kinds
    alternatives = [r"[\s-]+".join(re.escape(w) for w in key.split()) for key in sorted(kinds, key=len, reverse=True)]
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE), kinds


def describe_terms() -> str:
    """Return the bundled fixed names, one a line with their kind, and how to change the list."""
    lines = [f"{t['phrase']:40} {t['kind']}" for t in _TERMS["terms"]]
    shapes = (("(customer|client) service/support/success/... manager, agent, ...", "job title"),
              ('**Clients** tab, "Customers" page ...', "UI label"),
              ("Customer Pro plan, Client Plus tier ...", "plan name"),
              ("Client Hub, Customer Insights (used as a name twice or more)", "product name"))
    lines += [f"{shape:40} {kind}" for shape, kind in shapes]
    lines += ["",
              "A mention inside one of these names has role `term`: it never counts towards the site's word "
              "and is never rewritten. Add names with `terms = [\"...\"]` in the config; "
              "`default-terms = false` switches the bundled list and the shapes off."]
    return "\n".join(lines)


def find_terms(text: str, settings: Settings, near: Sequence[tuple[int, int]] | None = None) -> list[TermSpan]:
    """Return the fixed names in `text`: listed phrases, configured terms, and (with the default
    terms) job titles, UI labels, plan names and product names recognised from their shape.

    With `near` (spans of mentions), only names within TERM_REACH characters of one are
    looked for (all that the roles need); product names are always counted over the whole text.
    """
    reach = max([TERM_REACH, *(len(t) + 10 for t in settings.terms)])
    windows = _windows(near, len(text), reach) if near is not None else [(0, len(text))]
    pattern, kinds = _term_pattern(tuple(settings.terms), settings.default_terms)
    spans = [TermSpan(m.start(), m.end(), m.group(0), kinds[_phrase_key(m.group(0))])
             for lo, hi in (windows if pattern else ()) for m in pattern.finditer(text, lo, hi)]
    if settings.default_terms:
        for lo, hi in windows:
            spans += [TermSpan(m.start(), m.end(), m.group(0), "job title") for m in JOB_TITLE.finditer(text, lo, hi)]
            spans += [TermSpan(m.start("label"), m.end("label"), m.group("label"), "UI label")
                      for m in UI_LABEL.finditer(text, lo, hi)]
            spans += [TermSpan(m.start(), m.end(), m.group(0), "plan name") for m in PLAN_NAME.finditer(text, lo, hi)]
            spans += [TermSpan(m.start(), m.end(), m.group(0), "API object") for m in API_OBJECT.finditer(text, lo, hi)]
        spans += product_names(text)
    return spans


def _windows(spans: Sequence[tuple[int, int]], size: int, reach: int) -> list[tuple[int, int]]:
    """Return the disjoint stretches of a text of `size` characters within `reach` of a span."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        lo, hi = max(0, start - reach), min(size, end + reach)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def product_names(text: str) -> list[TermSpan]:
    """Return the capitalised compounds that the document uses as names: "Client Hub", "Customer
    Insights", written with capitals in the middle of a sentence at least NAME_MIN_REPEATS times.

    A compound whose second word names people or organisations ("Client Organizations") still
    names a group of people, so it is left to the roles; so is a compound seen only at the start of
    sentences or in headings, where capitals prove nothing.
    """
    seen: dict[tuple[str, str], list[re.Match[str]]] = {}
    for m in _NAME.finditer(text):
        if m.group(2).lower() in NAME_PEOPLE_HEADS:
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        if text[line_start:m.start()].lstrip().startswith("#"):
            continue
        before = text[max(line_start, m.start() - 3):m.start()].rstrip()
        if not before or before[-1] in ".!?:\"“*_([|>-" or before[-1].isdigit():
            continue
        seen.setdefault((m.group(1).lower().rstrip("s"), m.group(2).lower()), []).append(m)
    out = []
    for matches in seen.values():
        if len(matches) >= NAME_MIN_REPEATS:
            out += [TermSpan(m.start(), m.end(), m.group(0), "product name") for m in matches]
    return out


# One mention in its sentence ------------------------------------------------------------------


_BLOCK_START = re.compile(r"[ \t]*(?:#{1,6}\s|[-*+>|]\s?|\d+[.)]\s|$)")


def _block_edge(text: str, brk: int) -> bool:
    """Return True when the line break at `brk` ends or starts a block (a heading, list item,
    quote, table row or blank line) rather than wrapping a line of prose."""
    line_start = text.rfind("\n", 0, brk) + 1
    return bool(_BLOCK_START.match(text, brk + 1) or _BLOCK_START.match(text, line_start))


def _around(text: str, m: Mention) -> Around:
    lo, hi = sentence_bounds(text, m.start, m.end)
    # A line break next to a heading, list item or blank line bounds the sentence too; a line
    # break that only wraps prose (hard-wrapped Markdown, folded front matter) does not.
    brk = text.rfind("\n", lo, m.start)
    while brk != -1 and not _block_edge(text, brk):
        brk = text.rfind("\n", lo, brk)
    lo = lo if brk == -1 else brk + 1
    brk = text.find("\n", m.end, hi)
    while brk != -1 and not _block_edge(text, brk):
        brk = text.find("\n", brk + 1, hi)
    hi = hi if brk == -1 else brk
    before_raw = tuple(_TOKEN.findall(text[lo:m.start]))
    after_raw = tuple(_TOKEN.findall(text[m.end:hi]))
    before = tuple(t.lower() for t in before_raw)
    after = tuple(t.lower() for t in after_raw)
    question = text[m.end:hi].rstrip().endswith("?") or "?" in after[:12]
    line_start = text.rfind("\n", 0, m.start) + 1
    line = text[line_start:m.start].lstrip()
    line_end = text.find("\n", m.end)
    rest = text[m.end:len(text) if line_end == -1 else line_end].rstrip(" *_")
    # An FAQ asks in the reader's voice: a question that is its own line, heading or bold label.
    voice = question and rest.endswith("?") and (
        line.startswith(("#", "Q:", "**", "__", "Q.", "- **", "* **")) or " Q: " in line
        or not text[line_start:lo].strip())
    words = set(before) | set(after)
    # "their customers" in the sentence names someone else's people, and is decided on its own;
    # a bare "the client" beside it in a sentence spoken as "we" is still the author's.
    first = bool(words & (WE | {"our", "us", "ours"})) and not words & (READERS | YOU)
    second = bool(words & (READERS | YOU)) and not words & (WE | I | OWN | THEIRS | {"us", "ours"})
    general = bool(words & GENERAL_BUSINESSES) and not words & (READERS | THEIRS | YOU | OWN | WE | I)
    return Around(before, after, after_raw, before_raw, voice, first, second, _in_quotation(text, line, m), general)


def _in_quotation(text: str, line: str, m: Mention) -> bool:
    """Return True when the mention sits in a quotation: a Markdown blockquote or a quoted
    stretch of several words ("... our regular customers ...")."""
    if line.startswith(">"):
        return True
    para = text.rfind("\n\n", 0, m.start) + 1
    for opener, closer in _QUOTES.items():
        left = text[para:m.start]
        i = left.rfind(opener)
        if i == -1 or (opener != closer and closer in left[i + 1:]) or (opener == closer and left.count(opener) % 2 == 0):
            continue
        j = text.find(closer, m.end, m.end + 400)
        if j != -1 and len(text[para + i:j].split()) > 4:
            return True
    return False


def _determiner(words: Sequence[str], is_word: Callable[[str], bool]) -> str:
    """Return the determiner or possessor of a noun phrase whose words before the head are
    `words` (nearest last), skipping premodifiers and coordinated family words."""
    for i in range(len(words) - 1, max(-1, len(words) - 8), -1):
        word = words[i]
        if is_word(word) and _POSSESSIVE.search(word):
            return word  # "the client's customers": the client owns them
        if word in PREMODIFIERS or word in COORDINATORS or is_word(word) or word in ("*", "_", "**"):
            continue
        return word
    return ""


def _compound(m: Mention, around: Around, is_word: Callable[[str], bool]) -> str | None:
    """Return the noun the mention modifies ("client account" -> "account"), or None when the
    mention is itself the noun that names the people."""
    if _POSSESSIVE.search(m.surface):
        return None
    parts = m.surface.lower().split("-")
    if len(parts) > 1:
        # "customer-facing" modifies what follows; "end-customer" names people.
        return None if is_word(parts[-1]) else parts[-1]
    nxt = around.after[0] if around.after else ""
    if nxt in SERVED_COMPOUNDS or nxt in BUSINESS_COMPOUNDS:
        return nxt
    raw = around.after_raw[0] if around.after_raw else ""
    if m.surface[:1].isupper() and raw[:1].isupper() and raw.isalpha():
        return nxt  # "Client Organization": a name whose head is the next word
    return None


def _subject(before: Sequence[str], subjects: frozenset[str]) -> str | None:
    """Return "SUBJECT VERB ..." when the mention is the object of a verb whose subject is one of
    `subjects`, a few words back, with no other possessor and no clause break between."""
    window = list(before[-(SUBJECT_GAP + 1):])
    for i, word in enumerate(window):
        if word in subjects:
            between = window[i + 1:]
            if between and all(w.isalpha() or w in ("'", "’") for w in between) and not any(
                    w in READERS or w in THEIRS or w in OWN or w in CLAUSE_STOPS for w in between):
                if between[0] in NOT_OWN_AFTER_WE:
                    return None
                return " ".join([word, *between])
    return None


def _relative_subject(after: Sequence[str]) -> str | None:
    """Return the subject of a relative clause right after the mention: "clients (that) we look
    after" -> "we", or None."""
    words = list(after[:3])
    if words and words[0] in RELATIVES:
        words = words[1:]
    if len(words) >= 2 and words[1].isalpha() and (words[0] in WE | THEY | YOU | {"it", "he", "she"}):
        return words[0]
    return None


# The local rules: each looks at one mention and may vote; the first vote wins -------------------

LocalRule = Callable[[Mention, Around, Page], "RoleVote | None"]


def end_customer(m: Mention, around: Around, page: Page) -> RoleVote | None:
    """"end-customers", "end customers": someone else's people."""
    parts = m.surface.lower().replace("’", "'").split("-")
    if any(p in PREFIXES for p in parts[:-1]) or (around.before[-1:] and around.before[-1] in PREFIXES):
        return RoleVote("third_party", "an end customer: someone else's people", OTHERS)
    return None


def possessor(m: Mention, around: Around, page: Page) -> RoleVote | None:
    """"their/its customers", "Acme's clients", "a company's customers"."""
    det = _determiner(around.before, page.is_word)
    if det in THEIRS:
        if _generic_owner(around.before):
            return RoleVote("generic", f"'{det} {m.surface}' of businesses in general")
        return RoleVote("third_party", f"'{det} {m.surface}': someone else's people", OTHERS)
    if det in _POSSESSIVE_MARKS or (det and _POSSESSIVE.search(det)):
        owner = _possessor_word(around.before, around.before_raw, page.is_word)
        if page.brand and owner == page.brand.lower():
            return RoleVote("own", f"'{page.brand}'s {m.surface}': the page's own name, so the author's people")
        if owner in GENERIC_OWNERS:
            return RoleVote("generic", f"'{owner}'s {m.surface}': the people of businesses in general")
        return RoleVote("third_party", f"a possessive before '{m.surface}': someone else's people", OTHERS)
    return None


def of_owner(m: Mention, around: Around, page: Page) -> RoleVote | None:
    """"customers of the agency" (someone else's), "a client of ours" (the author's)."""
    if _compound(m, around, page.is_word) is not None or around.after[:1] != ("of",) or len(around.after) < 2:
        return None
    if around.after[1] in ("ours", "mine"):
        return RoleVote("own", f"'{m.surface} of {around.after[1]}': the author's people", first_person=True)
    owner = _owner_after_of(around)
    if owner and page.brand and owner.split()[-1] == page.brand:
        return RoleVote("own", f"'{m.surface} of {owner}': the page's own name, so the author's people")
    if owner and owner.split()[0].lower() in GENERIC_ARTICLES and owner.split()[-1].lower() in GENERIC_OWNERS:
        # "customers of a company", as "a company's customers" in `possessor`: any business's people.
        # ("clients of your firm" are the reader's.)
        return RoleVote("generic", f"'{m.surface} of {owner}': the people of businesses in general")
    if owner:
        return RoleVote("third_party", f"'{m.surface} of {owner}': someone else's people", OTHERS)
    return None


def first_person(m: Mention, around: Around, page: Page) -> RoleVote | None:
    """"our clients", "my customers"; in a quotation or the reader's own question, the speaker's."""
    det = _determiner(around.before, page.is_word)
    if det not in OWN:
        return None
    if around.reader_voice:
        return RoleVote("third_party", f"'{det} {m.surface}' in the reader's own question: the reader's people", READERS_PEOPLE)
    if around.quoted:
        return RoleVote("third_party", f"'{det} {m.surface}' inside a quotation: the speaker's people", OTHERS)
    return RoleVote("own", f"'{det} {m.surface}': the author's people", first_person=True)


def second_person(m: Mention, around: Around, page: Page) -> RoleVote | None:
    """"your customers" (the reader's people), "your client account" (the reader as a client)."""
    if _determiner(around.before, page.is_word) not in READERS:
        return None
    head = _compound(m, around, page.is_word)
    if head is None:
        return RoleVote(READER_HEAD, f"'your {m.surface}'")
    if head in SERVED_COMPOUNDS:
        return RoleVote("own", f"'your {m.surface} {head}': the reader as one of the author's people")
    return RoleVote("third_party", f"'your {m.surface} {head}': the reader's dealings with their people", READERS_PEOPLE)


def proper_name(m: Mention, around: Around, page: Page) -> RoleVote | None:
    """"Stackhaven customers" on Stackhaven's own pages: the author's people. (Another name proves
    little: the page may be the only place that name appears.)"""
    raw = around.before_raw[-1] if around.before_raw else ""
    if raw[:1].isupper() and raw not in BRAND_STOPWORDS and page.brand == raw and _compound(m, around, page.is_word) is None:
        return RoleVote("own", f"'{raw} {m.surface}': the page's own name, so the author's people")
    return None


def addressed(m: Mention, around: Around, page: Page) -> RoleVote | None:
    """"as a client", "if you are a customer": the reader addressed as one of the author's people."""
    if _compound(m, around, page.is_word) is not None:
        return None
    words = list(around.before)
    if words and around.before_raw[-1][:1].isupper() and len(words) > 2:
        words = words[:-1]  # "if you are an Eastmere customer": the name of whoever serves them
    for _ in range(2):  # "as a reseller or customer": the article reaches over a coordinated noun
        if len(words) >= 2 and words[-1] in ("or", "and"):
            words = words[:-2]
    tail = " ".join(words[-4:])
    phrase = next((p for p in READER_AS_ONE if tail == p or tail.endswith(" " + p)), None)
    if phrase is None:
        return None
    if phrase.startswith("as ") and len(words) > len(phrase.split()) and words[-len(phrase.split()) - 1] in NOT_AFTER_AS_A:
        return None  # "as long as a customer shops": a conjunction, not an address
    if phrase.startswith("you ") and _POSSESSIVE.search(m.surface):
        return None  # "we send you the client's file": something of theirs, not the reader named
    return RoleVote("own", f"'{phrase} {m.surface}': the reader addressed as one")


def subject_verb(m: Mention, around: Around, page: Page) -> RoleVote | None:
    """"we advise clients", "clients we look after" (own); "they serve customers" (someone
    else's); "you have a client" (the reader's people, or the author's in the reader's question)."""
    if _compound(m, around, page.is_word) is not None:
        return None
    for words, relative in ((around.before, False), (around.after, True)):
        who = _relative_subject(words) if relative else None
        if not relative:
            for subjects in (WE | I, YOU, THEY):
                who = _subject(words, subjects)
                if who:
                    break
        if not who:
            continue
        subject = who.split()[0]
        said = f"'{m.surface} {who}'" if relative else f"'{who} {m.surface}'"
        if subject in WE or (subject in I and not around.reader_voice):
            if around.quoted:
                return RoleVote("third_party", f"{said} inside a quotation: the speaker's people", OTHERS)
            return RoleVote("own", f"{said}: the author's people", first_person=True)
        if subject in YOU:
            if around.reader_voice:
                return RoleVote("own", f"{said} in the reader's question to the author: the author's people")
            return RoleVote(READER_HEAD, said)
        if subject in THEY or subject in ("it", "he", "she"):
            return RoleVote("third_party", f"{said}: someone else's people", OTHERS)
    return None


def general_statement(m: Mention, around: Around, page: Page) -> RoleVote | None:
    """"Across small firms, customers rarely leave over price": the trade's people in general."""
    if around.general and _compound(m, around, page.is_word) is None:
        return RoleVote("generic", "a statement about businesses at large: clients or customers in general")
    return None


LOCAL_RULES: tuple[LocalRule, ...] = (
    end_customer, possessor, of_owner, first_person, second_person, proper_name, addressed, subject_verb,
    general_statement,
)


def local_vote(m: Mention, around: Around, page: Page) -> RoleVote | None:
    """Return the first local rule's vote on the mention, or None when nothing near it says whose it is."""
    for rule in LOCAL_RULES:
        vote = rule(m, around, page)
        if vote is not None:
            return vote
    return None


def _possessor_word(before: Sequence[str], before_raw: Sequence[str], is_word: Callable[[str], bool]) -> str:
    """Return the noun that owns the mention in "Acme's clients" (lower case)."""
    words = [w for w in before if w not in PREMODIFIERS and w not in COORDINATORS and not (
        is_word(w) and not _POSSESSIVE.search(w))]
    if len(words) > 1 and words[-1] in _POSSESSIVE_MARKS:
        return words[-2]
    return strip_possessive(words[-1]) if words else ""


def _generic_owner(before: Sequence[str]) -> bool:
    """Return True when "its"/"their" points back to businesses in general ("a company ... its customers")."""
    if any(w in ("you", "your", "we", "our", "us") for w in before):
        return False
    last = max((i for i, w in enumerate(before) if w in THEIRS), default=len(before))
    return any(w in GENERIC_OWNERS for w in before[max(0, last - 8):last])


def _owner_after_of(around: Around) -> str | None:
    """Return who owns the people in "customers of the agency" / "clients of Acme", or None
    ("clients of the work we did" names no owner)."""
    raw = around.after_raw[1:4]
    if not raw:
        return None
    first = raw[0]
    if first[:1].isupper() and first.lower() not in ("the", "a", "an"):
        return first
    if first.lower() in ("the", "a", "an", "its", "their", "his", "her", "our", "your", "other", "this", "that", "another"):
        noun = raw[1] if len(raw) > 1 else ""
        if noun[:1].isupper() or noun.lower() in OWNER_NOUNS:
            return f"{first} {noun}"
    return None


def past_workplace_stories(text: str, breaks: Sequence[int]) -> list[tuple[int, int, str]]:
    """Return (start, end, cue) of each story about a past employer ("at the first company I
    worked at"): from the sentence of the cue to the next heading, at most
    PAST_WORKPLACE_PARAGRAPHS paragraphs (`breaks`: where each paragraph after the first starts)."""
    stories: list[tuple[int, int, str]] = []
    if not PAST_WORKPLACE_HINT.search(text):
        return stories  # no pattern can match: most pages tell no such story
    for pattern in PAST_WORKPLACE:
        for hit in pattern.finditer(text):
            start = sentence_bounds(text, hit.start(), hit.end())[0]
            last = bisect.bisect_right(breaks, hit.start()) + PAST_WORKPLACE_PARAGRAPHS - 1
            end = breaks[last] if last < len(breaks) else len(text)
            heading = _HEADING_LINE.search(text, hit.end(), end)
            stories.append((start, heading.start() if heading else end, hit.group(0)))
    return stories


def _story_vote(m: Mention, vote: RoleVote | None, stories: Sequence[tuple[int, int, str]]) -> RoleVote | None:
    """Return the vote of a mention inside a story about a past employer when nothing but the
    story's own "we" (or nothing at all) said whose it is; else `vote`."""
    if vote is not None and not (vote.role == "own" and vote.first_person):
        return vote
    cue = next((c for s, e, c in stories if s <= m.start < e), None)
    if cue is None:
        return vote
    return RoleVote("third_party", f"in a story about a past employer ('{cue}'): that company's people", OTHERS,
                    propagates=False)


# The resolver ------------------------------------------------------------------------------


def resolve_roles(doc: Document, mentions: Sequence[Mention],
                  settings: Settings) -> tuple[tuple[Mention, ...], DocumentRoles]:
    """Return the mentions with `role` and `role_because` set, and what was read off the document.

    Non-person mentions get role "" (whose people they name does not arise).
    """
    text = doc.text
    discussion = discussion_reason(doc, mentions)
    page = Page(read_reader(text), text, family_set(settings.families))
    # A name matters only where it holds a mention: search the text around the person mentions.
    terms = tuple(find_terms(text, settings, near=[(m.start, m.end) for m in mentions if m.sense is Sense.PERSON]))
    allowed = allowed_spans(text, settings.allow)
    covering = [s for s in document_suppressions(doc, doc.path, settings) if s.uncounts]
    breaks = [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    # Only a mention that plainly talks about the word makes its paragraph a discussion: a bold
    # UI label or a quoted product name read as meta must not take real uses with it.
    meta_paragraphs = {(bisect.bisect_right(breaks, m.start), m.family) for m in mentions
                       if m.sense is Sense.META and plain_meta(m)}
    discussing = discussing_paragraphs(text, mentions, breaks) if discussion else set()
    stories = past_workplace_stories(text, breaks)

    votes: list[RoleVote | None] = []
    arounds: dict[int, Around] = {}
    for m in mentions:
        para = bisect.bisect_right(breaks, m.start)
        term = next((t for t in terms if t.start <= m.start and m.end <= t.end), None)
        if m.sense is not Sense.PERSON:
            vote: RoleVote | None = RoleVote("", "")
        elif any(s <= m.start and m.end <= e for s, e in allowed):
            vote = RoleVote("allowed", "inside an allowed phrase (config `allow`)")
        elif any(s.covers(m.source_start, m.line) for s in covering):
            vote = RoleVote("suppressed", "under a clientlens: ignore directive or a per-file ignore")
        elif term is not None:
            vote = RoleVote("term", f"part of the fixed name '{term.name}' ({term.kind})")
        elif para in discussing:
            vote = RoleVote("discussion", f"in a passage about the words ({discussion})")
        elif (para, m.family) in meta_paragraphs:
            vote = RoleVote("discussion", f"its paragraph talks about the word '{m.family}' as a word")
        else:
            arounds[id(m)] = _around(text, m)
            vote = _story_vote(m, local_vote(m, arounds[id(m)], page), stories)
        votes.append(vote)

    in_first_person = {m.family for m, v in zip(mentions, votes) if v is not None and v.first_person}
    votes = _resolve_reader_heads(mentions, votes, page.reader, in_first_person)
    own_families = {m.family for m, v in zip(mentions, votes) if v is not None and v.role == "own"}
    foreign = {m.family for m, v in zip(mentions, votes) if v is not None and v.people == READERS_PEOPLE} - own_families
    reader = page.reader
    if foreign and not own_families and reader.kind == "served":
        # The page speaks of the reader's own clients and of none of the author's: the reader is
        # a business, whatever word it uses for those people elsewhere on the page.
        reader = Reader("business", f"the page speaks of the reader's own {sorted(foreign)[0]}s and of none of its own")
    by_family: dict[str, Counter] = {}
    for m, vote in zip(mentions, votes):
        if vote is not None and vote.role in ("own", "third_party") and vote.propagates:
            by_family.setdefault(m.family, Counter())[(vote.role, vote.people)] += 1
    out = []
    for m, vote in zip(mentions, votes):
        if vote is None:
            vote = _bare_vote(m, by_family.get(m.family), reader, arounds[id(m)], m.family in foreign)
        out.append(replace(m, role=vote.role, role_because=vote.because, group=vote.people))
    return tuple(out), DocumentRoles(reader, terms, discussion)


def _resolve_reader_heads(mentions: Sequence[Mention], votes: list[RoleVote | None],
                          reader: Reader, in_first_person: Collection[str] = ()) -> list[RoleVote | None]:
    """Return `votes` with each "your clients" decided: the author's kind of people when the page
    speaks to peers, someone else's otherwise.

    A page where the author names its own people with the same word in the first person ("we
    built it for a client", "our clients") and gives no sign that the reader is a business speaks
    to someone in the author's own line of work: its "your client" is the author's kind too.
    (A brand's "Acme customers" proves nothing here: on a platform's docs they are the reader.)
    """
    out = []
    for m, v in zip(mentions, votes):
        if v is not None and v.role == READER_HEAD:
            if reader.kind == "peer":
                v = RoleVote("own", f"{v.because}: {reader.because}, so the author's kind of {m.family}s")
            elif not reader.business and m.family in in_first_person:
                v = RoleVote("own", f"{v.because}: the author says '{m.family}' of its own people too and the "
                                    f"page does not address a business, so the author's kind of {m.family}s")
            else:
                v = RoleVote("third_party", f"{v.because}: the reader's own people", READERS_PEOPLE)
        out.append(v)
    return out


def _bare_vote(m: Mention, family_roles: Counter | None, reader: Reader, around: Around,
               foreign: bool) -> RoleVote:
    """Return the role of a mention nothing near it decides: on a page written to businesses, a
    sentence that speaks to the reader; its word's usual role on the page; a first-person
    sentence; a general statement; else the reader's kind of page."""
    if reader.business and around.second_person and not around.quoted:
        # "should a client look through your profiles": said to a business about its people, even
        # where the author names its own clients with the same word elsewhere on the page.
        return RoleVote("third_party", f"no possessor, in a sentence to the reader; {reader.because}, "
                                       "so the reader's people", READERS_PEOPLE)
    if family_roles:
        ((top, group), n), *rest = family_roles.most_common()
        if n >= PROPAGATE_MIN and (not rest or n > rest[0][1]):
            who = {OURS: "the author's", READERS_PEOPLE: "the reader's", OTHERS: "someone else's"}[group]
            return RoleVote(top, f"like this page's other '{m.family}' mentions ({n} of "
                                 f"{sum(family_roles.values())} name {who} people)", group)
    if around.quoted:
        return RoleVote("third_party", "no possessor, inside a quotation: the speaker's people", OTHERS)
    if around.first_person:
        return RoleVote("own", "no possessor; the sentence speaks as 'we', not to the reader")
    if foreign:
        return RoleVote("third_party", f"no possessor; the page calls the reader's people '{m.family}' "
                                       "and never its own, so the reader's people", READERS_PEOPLE)
    if reader.business:
        return RoleVote("third_party", f"no possessor; {reader.because}, so the reader's people", READERS_PEOPLE)
    return RoleVote("own", f"no possessor; {reader.because}")
