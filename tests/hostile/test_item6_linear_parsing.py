"""Item 6: parsing is linear on unclosed constructs, and so are the offset and block lookups.

Before: 20,000 unclosed `<!--` in Markdown or HTML (100 KB) took 16 s, growing 5-8x when
doubled; 14,000 unclosed `<a ` took 28 s; an HTML page with 100,000 mentions took 45 s
(11 s as text) because OffsetMap.source_offset rebuilt its key list on every call. The time
of the full-size inputs is measured by scripts/bench_hostile.py; these tests check that the
fast paths give the same answers as the slow ones.
"""

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientlens.ingest.html import load_html
from clientlens.ingest.htmlscan import last_close
from clientlens.ingest.links import page_links
from clientlens.ingest.markdown import _FENCE, inline_code_spans, load_markdown
from clientlens.types import Block, OffsetMap, block_at, disjoint_starts
from tests.hostile.helpers import audit, good_and_errors, hi

_OLD_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1", re.S)
_OLD_FENCE = re.compile(r"^([ \t]{0,3})(`{3,}|~{3,})[^\n]*\n.*?(?:^\1?[ \t]{0,3}\2[ \t]*$|\Z)", re.S | re.M)


@pytest.mark.parametrize("name, make", [
    ("comments.md", lambda: hi.unclosed_comments(20_000)),
    ("comments.html", lambda: hi.unclosed_comments(20_000)),
    ("anchors.html", lambda: hi.unclosed_anchors(14_000)),
    ("anchors.md", lambda: hi.unclosed_anchors(14_000)),
], ids=["md-comments", "html-comments", "html-anchors", "md-anchors"])
def test_unclosed_constructs_audit_with_the_rest(tmp_path, name, make):
    (tmp_path / name).write_text(make())
    (tmp_path / "good.txt").write_text(hi.GOOD)
    code, report, stderr = audit(str(tmp_path))
    good, errors = good_and_errors(report)
    assert sorted(good) == sorted([name, "good.txt"]) and not errors
    doc = next(d for d in report["documents"] if d["path"].endswith(name))
    assert [m["surface"] for m in doc["mentions"]] == ["clients"]  # the prose before them is read


@pytest.mark.parametrize("source, text", [
    ("<p>Our clients.</p>" + "<!-- x\n" * 50, "Our clients.\n\n"),              # comment to the end
    ("<p>Our clients.</p>" + "<!-- x>" * 50 + "<p>gone</p>", "Our clients.\n\n"),  # also when ">" follows
    ('<p>Our clients.</p><a b="x\' c=\'>' * 3 + "<p>gone</p>", "Our clients.\n\n"),  # quotes chained to the end
    ("<p>Our clients.</p>tail &amp; more < b", "Our clients.\n\ntail & more < b"),   # text after the last tag
    ("<p>One <a href='x>clients</a> two</p>", "One <a href='x>clients two\n\n"),      # as html.parser reads it
    ("<p>A</p><![foo[ bar ]]><p>B clients</p>", "A\n\nB clients\n\n"),                # unknown section: no error
    ("<p>A</p><![ x ]><p>B</p>", "A\n\nB\n\n"),
    ("<p>A</p><![CDATA[ x ]]><p>B</p>", "A\n\nB\n\n"),
    ("<p>A</p><!-- c --><p>B</p>", "A\n\nB\n\n"),
    ("plain clients &amp; customers", "plain clients & customers"),
], ids=["comment-eof", "comment-gt", "quote-chain", "tail", "open-quote", "unknown-section", "no-name-section",
        "cdata", "comment", "no-tags"])
def test_html_text_of_hostile_markup(source, text):
    doc = load_html(source, "x.html")
    assert doc.text == text
    for start, end in ((m.start(), m.end()) for m in re.finditer(r"clients", doc.text)):
        loc = doc.offsets.locate(start, end)
        assert source[loc.start:loc.start + len("clients")] == "clients"


@pytest.mark.parametrize("source", ["<a href='/a'>a</a><a href='/b'>b</a>" + "<a " * 3000,
                                    "<a href='/a'>a</a><a href='/b'>b</a>" + "<!--" * 3000])
def test_page_links_before_unclosed_markup(source):
    assert page_links(source, "http://127.0.0.1:1/") == ["http://127.0.0.1:1/a", "http://127.0.0.1:1/b"]


_CLOSERS = {("--",): re.compile(r"--\s*>"), ("]",): re.compile(r"]\s*>"), ("]", "]"): re.compile(r"]\s*]\s*>")}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="-]> a\n", max_size=40), st.sampled_from(sorted(_CLOSERS)))
def test_last_close_is_where_the_regex_last_matches(source, parts):
    starts = [p for p in range(len(source)) if _CLOSERS[parts].match(source, p)]
    assert last_close(source, len(source), parts) == (starts[-1] if starts else -1)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="`a \n", max_size=60))
def test_inline_code_spans_are_the_regex_spans(text):
    assert inline_code_spans(text) == [m.span() for m in _OLD_INLINE_CODE.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["`", "```", "~~~", " ", "\n", "a", "\t"]), max_size=30).map("".join))
def test_fence_pattern_finds_what_the_old_one_found(text):
    assert [(m.span(), m.groups()) for m in _FENCE.finditer(text)] == \
        [(m.span(), m.groups()) for m in _OLD_FENCE.finditer(text)]


@pytest.mark.parametrize("source", [
    "`" * 300 + " x " * 3000,                       # a long fence line with no line break
    "[x " * 3000 + "\n",                              # an unclosed reference label
    "<http:" * 3000,                                  # unclosed autolinks
    "".join("`" * (40 - k % 40) + " x " for k in range(2000)),  # backtick runs nothing closes
])
def test_markdown_hostile_text_keeps_its_length_and_lines(source):
    doc = load_markdown(source, "x.md")
    assert len(doc.text) == len(source) and doc.text.count("\n") == source.count("\n")


def _naive_source_offset(segments, text_offset):
    keys = [s[0] for s in segments]
    import bisect

    i = max(bisect.bisect_right(keys, text_offset) - 1, 0)
    t0, s0, length = segments[i]
    return s0 + min(max(text_offset - t0, 0), length)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_offset_map_keys_are_computed_once_and_answer_as_before(seed):
    rng = random.Random(seed)
    segments, t, s = [], 0, 0
    for _ in range(200):
        length = rng.randint(1, 9)
        segments.append((t, s, length))
        t, s = t + length + rng.randint(0, 3), s + length + rng.randint(0, 20)
    offsets = OffsetMap.for_source("x" * (s + 10), tuple(segments))
    assert offsets._keys == tuple(seg[0] for seg in segments)
    for offset in range(0, t + 5):
        assert offsets.source_offset(offset) == _naive_source_offset(segments, offset)
    assert OffsetMap((0,), tuple(segments)) == offsets.__class__((0,), tuple(segments))  # keys not compared


@pytest.mark.parametrize("blocks, offsets, expected", [
    ([Block(0, 5, "heading"), Block(5, 9, "body"), Block(12, 20, "footer")], [0, 4, 5, 9, 11, 12, 19, 20],
     ["heading", "heading", "body", None, None, "footer", "footer", None]),
    ([Block(0, 10, "heading"), Block(2, 4, "alt")], [3, 9], ["heading", "heading"]),  # overlapping: first wins
    ([Block(5, 5, "body"), Block(5, 8, "title")], [5, 7], ["title", "title"]),        # empty block
])
def test_block_lookup_matches_a_scan(blocks, offsets, expected):
    starts = disjoint_starts(blocks)
    for offset, scope in zip(offsets, expected):
        found = block_at(blocks, offset, starts)
        scanned = next((b for b in blocks if b.start <= offset < b.end), None)
        assert found is scanned and (found.scope if found else None) == scope


def test_html_page_with_many_mentions_maps_every_one_back(tmp_path):
    source = hi.many_mentions_html(3_000)
    (tmp_path / "many.html").write_text(source)
    code, report, stderr = audit(str(tmp_path / "many.html"))
    mentions = report["documents"][0]["mentions"]
    assert len(mentions) == 3_000
    assert all(source[m["start"]:m["end"]] == m["surface"] for m in mentions)
