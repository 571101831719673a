"""Front matter (YAML between `---` lines, TOML between `+++` lines) -> the values a reader sees.

Static site generators render some front-matter values (a title, a description, an intro, a
page builder's sections of text) and use the others as machinery (layout, permalink, image
paths, dates, tags). `read_front_matter` keeps the source characters of each value a reader
sees in place and blanks everything else (keys, quotes, block-scalar headers, list markers)
with spaces, so offsets into the result are offsets into the file, as for Markdown prose.

Which values: see front_matter.json (a key list, configurable) and `looks_like_prose`.
Invalid YAML or TOML is read as plain text (each line without its `key:`), with a warning.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from clientlens.config import Settings

_DATA = json.loads(resources.files("clientlens.ingest").joinpath("front_matter.json").read_text("utf-8"))
_FRONT = re.compile(r"\A(\ufeff?)(---|\+\+\+)[ \t]*\r?\n(.*?\r?\n)??\2[ \t]*(?:\r?\n|\Z)", re.S)
MAX_CHARS = 200_000  # larger front matter is data, not a page's copy: it is read as plain text
MAX_WORD = 60  # a longer token is no word (a hash, a data URI)
_STR_TAG = "tag:yaml.org,2002:str"
_KEY_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_WORD = re.compile(r"\W*[^\W\d_]{2,}(?:['’-][^\W\d_]+)*\W*")
_FILE_NAME = re.compile(r"[\w-]\.[A-Za-z0-9]{1,5}")
_LETTER = re.compile(r"[^\W\d_]")
_LOCATOR_START = ("/", "./", "../", "~/", "#", "www.", "mailto:", "tel:")
_NOT_NEWLINE = re.compile(r"[^\r\n]")
_DOUBLED_QUOTE = re.compile("''")
_ESCAPE = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.S)
_TEXT_LINE = re.compile(r"^([ \t]*(?:-[ \t]+)*(?:[\w.\"'-]+[ \t]*[:=](?=[ \t]|$))?[ \t]*)(.*?)[ \t]*$", re.M)
_TOML_STRING = re.compile(
    r"^[ \t]*([\w.\"'-]+)[ \t]*=[ \t]*(\"\"\"(.*?)\"\"\"|'''(.*?)'''|\"((?:[^\"\\\n]|\\.)*)\"|'([^'\n]*)')", re.M | re.S)
_TOML_TABLE = re.compile(r"^[ \t]*\[\[?[ \t]*([^\]\n]*?)[ \t]*\]\]?[ \t]*$", re.M)


@dataclass(frozen=True)
class FrontMatterRules:
    """Which keys are read: `fields` always (unless the value is a path or URL), `skip` never,
    any other key when its value looks like prose. Each list adds to the built-in one; a key
    named in one list is taken out of the other."""

    fields: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()

    @staticmethod
    def from_settings(settings: "Settings") -> "FrontMatterRules":
        """Return the rules that the `front-matter-fields` and `front-matter-skip` settings ask for."""
        return FrontMatterRules(tuple(k.lower() for k in settings.front_matter_fields),
                                tuple(k.lower() for k in settings.front_matter_skip))

    def verdict(self, key: str) -> str | None:
        """Return "read", "skip" or None (decide by the value) for a key."""
        words = _KEY_WORDS.findall(key)
        for name in dict.fromkeys((key.lower(), words[-1].lower() if words else "")):
            for fields, skip in ((self.fields, self.skip), (_FIELDS, _SKIP)):
                if name in fields:
                    return "read"
                if name in skip:
                    return "skip"
        return None


_FIELDS = frozenset(_DATA["fields"])
_SKIP = frozenset(_DATA["skip"])
_TITLE_SCOPE = frozenset(_DATA["title_scope"])


@dataclass(frozen=True)
class Value:
    """One value a reader sees: its source span (quotes and markers excluded) and its key."""

    start: int
    end: int
    key: str

    @property
    def scope(self) -> str:
        """Return the Block scope of the value: "title" for title-like keys, else "body"."""
        words = _KEY_WORDS.findall(self.key)
        return "title" if words and words[-1].lower() in _TITLE_SCOPE else "body"


@dataclass(frozen=True)
class FrontMatter:
    """A file's front matter: its span (delimiters included), the read values and a warning.

    `text` is `source[:end]` with everything but the values blanked; between two values it
    holds a blank line (made of blanked characters), so each value is its own paragraph.
    """

    end: int
    text: str
    values: tuple[Value, ...]
    warning: str | None = None


def front_matter_span(source: str) -> tuple[int, int, int, str] | None:
    """Return (start, body start, end, delimiter) of the front matter at the top of `source`, or None."""
    m = _FRONT.match(source)
    if m is None:
        return None
    body = m.end(2) + len(source[m.end(2):].split("\n", 1)[0]) + 1
    return m.start(2), body, m.end(), m.group(2)


def read_front_matter(source: str, rules: FrontMatterRules = FrontMatterRules()) -> FrontMatter | None:
    """Return the FrontMatter at the top of `source`, or None when the file has none."""
    span = front_matter_span(source)
    if span is None:
        return None
    _, body_start, end, delimiter = span
    close = source.rfind(delimiter, body_start, end)
    body = source[body_start:close]
    warning = None
    try:
        if len(body) > MAX_CHARS:
            raise ValueError(f"over {MAX_CHARS:,} characters")
        found = list(_yaml_values(body, rules) if delimiter == "---" else _toml_values(body, rules))
    except ValueError as exc:
        kind = "YAML" if delimiter == "---" else "TOML"
        warning = f"front matter is not valid {kind} ({exc}); read as plain text"
        found = list(_text_values(body, rules))
    values = tuple(Value(body_start + s, body_start + e, key) for s, e, key in sorted(found))
    return FrontMatter(end, _canvas(source[:end], values), values, warning)


def looks_like_locator(value: str) -> bool:
    """Return True when `value` is one token naming a place: a URL, a path, an anchor or a file name."""
    token = value.strip()
    if not token or any(c.isspace() for c in token):
        return False
    return ("://" in token or "/" in token or token.startswith(_LOCATOR_START)
            or bool(_FILE_NAME.search(token)) and not token[-1] in ".!?")


def looks_like_prose(value: str) -> bool:
    """Return True when `value` reads as words: two or more, and at least half of its tokens."""
    if looks_like_locator(value):
        return False
    tokens = value.split()
    words = sum(1 for t in tokens if len(t) <= MAX_WORD and _WORD.fullmatch(t))
    return words >= 2 and words * 2 >= len(tokens)


def _wanted(key: str, value: str, rules: FrontMatterRules) -> bool:
    verdict = rules.verdict(key)
    if verdict == "read":
        return bool(value.strip()) and not looks_like_locator(value)
    return verdict is None and looks_like_prose(value)


def _yaml_values(body: str, rules: FrontMatterRules) -> Iterator[tuple[int, int, str]]:
    import yaml

    try:
        root = yaml.compose(body, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 2}" if mark else ""  # +1 for 1-based, +1 for the opening delimiter
        what = ", ".join(part for part in (exc.context, exc.problem) if part) or "unreadable"
        raise ValueError(f"{what}{where}") from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise ValueError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    seen: set[int] = set()
    stack = [(root, "")] if root is not None else []
    while stack:  # iterative, and each node once: aliases may share or loop back to a node
        node, key = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend((v, k.value if isinstance(k, yaml.ScalarNode) else key) for k, v in node.value
                         if not (isinstance(k, yaml.ScalarNode) and rules.verdict(str(k.value)) == "skip"))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, key) for item in node.value)
        elif node.tag == _STR_TAG and _wanted(key, node.value, rules):
            yield from _yaml_scalar_span(body, node, key)


def _yaml_scalar_span(body: str, node, key: str) -> Iterator[tuple[int, int, str]]:
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ('"', "'"):
        start, end = start + 1, end - 1
    elif node.style in ("|", ">"):
        start = body.find("\n", start, end) + 1 or end  # the content starts on the line after the header
    yield from _trimmed(body, start, end, key)


def _trimmed(body: str, start: int, end: int, key: str) -> Iterator[tuple[int, int, str]]:
    """Yield body[start:end] without the white space around it, unless nothing is left."""
    text = body[start:end]
    stripped = text.rstrip()
    if stripped.strip():
        yield start + len(text) - len(text.lstrip()), start + len(stripped), key


def _toml_values(body: str, rules: FrontMatterRules) -> Iterator[tuple[int, int, str]]:
    try:
        tomllib.loads(body)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(str(exc)) from None
    tables = [(m.start(), m.group(1)) for m in _TOML_TABLE.finditer(body)]
    for m in _TOML_STRING.finditer(body):
        key = m.group(1).strip("\"'").rsplit(".", 1)[-1]
        table = next((name for at, name in reversed(tables) if at < m.start()), "")
        group = next(g for g in (3, 4, 5, 6) if m.group(g) is not None)
        if any(rules.verdict(part) == "skip" for part in table.replace('"', "").split(".") if part):
            continue
        if _wanted(key, m.group(group), rules):
            yield from _trimmed(body, m.start(group), m.end(group), key)


def _text_values(body: str, rules: FrontMatterRules) -> Iterator[tuple[int, int, str]]:
    for m in _TEXT_LINE.finditer(body):
        key = m.group(1).strip(" \t-:=\"'")
        if _LETTER.search(m.group(2)) and rules.verdict(key) != "skip":
            yield m.start(2), m.end(2), key


def _canvas(head: str, values: tuple[Value, ...]) -> str:
    """Return `head` with all but `values` blanked, a blank line between values, escapes blanked."""
    chars = list(_NOT_NEWLINE.sub(" ", head))
    previous = None
    for v in values:
        chars[v.start:v.end] = head[v.start:v.end]
        # Escapes in a quoted scalar: \" and '' stand for one quote, \n and \u00e9 for no text here.
        quote = _quote_before(head, v.start)
        escapes = {'"': _ESCAPE, "'": _DOUBLED_QUOTE}.get(quote)
        for e in escapes.finditer(head, v.start, v.end) if escapes else ():
            last = e.start() + 1 if e.group(0)[-1] in "\"'\\/" else e.end()
            chars[e.start():last] = " " * (last - e.start())
        if previous is not None:
            _break_between(chars, previous, v.start)
        previous = v.end
    return "".join(chars)


def _quote_before(head: str, start: int) -> str:
    """Return the quote that opens the scalar whose text starts at `start` ("" for none)."""
    at = start - 1
    while at >= 0 and head[at] in " \t":
        at -= 1
    return head[at] if at >= 0 and head[at] in "\"'" else ""


def _break_between(chars: list[str], lo: int, hi: int) -> None:
    """Make the blanked gap chars[lo:hi] hold a blank line (two newlines with only spaces between)."""
    newlines = [i for i in range(lo, hi) if chars[i] == "\n"]
    spaces = [i for i in range(lo, hi) if chars[i] == " "]
    if len(newlines) >= 2:
        return
    for i in spaces[-(2 - len(newlines)):] if len(spaces) >= 2 - len(newlines) else ():
        chars[i] = "\n"
