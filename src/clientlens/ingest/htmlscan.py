"""LinearHTMLParser: Python's HTMLParser, kept linear in the length of any source.

html.parser searches to the end of its buffer for what closes a construct, and when there
is nothing (an unclosed `<!--`, a `<a ` with no `>` after it), it gives up one character or
one tag later and searches again from the next one: 20,000 unclosed `<!--` took 16 s, and
twice as many took 5-8 times longer. So:

- only the source up to the first `<` after its last `>` is parsed: after that no tag,
  comment or declaration can end, so the rest is plain text, handed over as it is;
- a `<!--` with no `--\\s*>` anywhere after it is a comment that runs to the end of the
  source (as browsers read it), found without a search;
- a start tag whose quoted attribute values run past a `>` into a quote that never closes
  runs to the end too, instead of being searched again from each `<` after it;
- a marked section (`<![CDATA[`, `<![if ...]>`) with nothing after it that can close it is
  not searched for either, and an unknown one is a bogus comment instead of an AssertionError.

Where closes are found is worked out once, in one backward pass over the `>` characters.
"""

from __future__ import annotations

import html.parser
from html.parser import HTMLParser

_STANDARD_SECTIONS = frozenset({"temp", "cdata", "ignore", "include", "rcdata"})
_MS_SECTIONS = frozenset({"if", "else", "endif"})


def last_close(source: str, end: int, parts: tuple[str, ...]) -> int:
    """Return where the last match of `parts` joined and followed by optional whitespace and a `>`
    starts in source[:end], or -1: ("--",) is html.parser's `--\\s*>`, ("]",) `]\\s*>`, ("]", "]") `]\\s*]\\s*>`.
    """
    pos = source.rfind(">", 0, end)
    while pos != -1:
        j = pos
        for part in reversed(parts):
            while j > 0 and source[j - 1].isspace():
                j -= 1
            if j < len(part) or not source.startswith(part, j - len(part)):
                break
            j -= len(part)
        else:
            return j
        pos = source.rfind(">", 0, pos)
    return -1


class LinearHTMLParser(HTMLParser):
    """An HTMLParser to feed with `feed_linear(source)` (once), in time linear in the source's length."""

    swallowed = False  # True when an unclosed comment or start tag ran to the end of the source
    _open_tag_at = -1

    def feed_linear(self, source: str) -> int:
        """Parse `source` up to the first `<` after its last `>`, close, and return that offset.

        What follows it is text that holds no complete tag (or the inside of an unclosed
        element or comment); the caller decides what it is worth.
        """
        last_gt = source.rfind(">")
        cut = source.find("<", last_gt + 1)
        cut = len(source) if cut == -1 else cut
        self._fed = cut
        self._comment_close = last_close(source, cut, ("--",)) if "<!--" in source else -1
        marked = "<![" in source
        self._ms_close = last_close(source, cut, ("]",)) if marked else -1
        self._standard_close = last_close(source, cut, ("]", "]")) if marked else -1
        self.feed(source[:cut])
        self.close()
        return cut

    def _absolute(self, i: int) -> int:
        # The buffer holds the fed source's end: rawdata[0] is that far from it.
        return self._fed - len(self.rawdata) + i

    def parse_comment(self, i: int, report: int = 1) -> int:  # noqa: D102 - HTMLParser's hook
        if self._absolute(i) + 4 > self._comment_close:
            if report:
                self.handle_comment(self.rawdata[i + 4:])
            self.swallowed = True
            return len(self.rawdata)
        return super().parse_comment(i, report)

    def parse_marked_section(self, i: int, report: int = 1) -> int:  # noqa: D102 - _markupbase's hook
        try:
            name, j = self._scan_name(i + 3, i)
        except AssertionError:  # "<![" with no name: html.parser would raise
            return self.parse_bogus_comment(i, report)
        if j < 0:
            return j
        if name in _MS_SECTIONS:
            close = self._ms_close
        elif name in _STANDARD_SECTIONS:
            close = self._standard_close
        else:
            return self.parse_bogus_comment(i, report)
        if close < self._absolute(i) + 3:
            return -1  # nothing after it can close it; html.parser's fallback reads it as text
        return super().parse_marked_section(i, report)

    def check_for_whole_start_tag(self, i: int) -> int:  # noqa: D102 - HTMLParser's hook
        end = super().check_for_whole_start_tag(i)
        if end < 0 and _STARTTAG_END is not None:
            # Quoted values chained past a ">" (or to the end) and then one never closed: as
            # browsers read it the tag runs to the end. html.parser would give up at the next
            # ">" and scan just as far again from the next "<".
            match = _STARTTAG_END.match(self.rawdata, i)
            if match is not None and (match.end() == len(self.rawdata) or ">" in self.rawdata[i:match.end()]):
                self._open_tag_at = i
        return end

    def parse_starttag(self, i: int) -> int:  # noqa: D102 - HTMLParser's hook
        end = super().parse_starttag(i)
        if end < 0 and self._open_tag_at == i:
            self.swallowed = True  # nothing more comes (feed_linear feeds once): it never closes
            return len(self.rawdata)
        return end


# The pattern html.parser finds the end of a start tag with (None if a later Python renames it).
_STARTTAG_END = getattr(html.parser, "locatestarttagend_tolerant", None)
