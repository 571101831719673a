import re

import pytest

from clientlens.config import Settings
from clientlens.ingest.frontmatter import FrontMatterRules, looks_like_locator, looks_like_prose, read_front_matter
from clientlens.ingest.markdown import load_markdown


def values(source, rules=FrontMatterRules()):
    front = read_front_matter(source, rules)
    return [(v.key, source[v.start:v.end]) for v in front.values]


@pytest.mark.parametrize("source, expected", [
    ('---\ntitle: "Our clients"\nlayout: page\n---\n', [("title", "Our clients")]),
    ("---\ntitle: 'It''s for customers'\n---\n", [("title", "It''s for customers")]),
    ("---\ntitle: Clients\nslug: clients\npermalink: /clients/\n---\n", [("title", "Clients")]),
    ("---\nintro: >-\n  Every client\n  gets a plan.\n---\n", [("intro", "Every client\n  gets a plan.")]),
    ("---\nhero:\n  heroTitle: Clients\n  hero_image: /img/client.png\n---\n", [("heroTitle", "Clients")]),
    ("---\nsections:\n  - body: |\n      One client.\n\n      Two customers.\n---\n",
     [("body", "One client.\n\n      Two customers.")]),
    ("---\nquote: Our clients stay for years\ncolor: dark blue\n---\n",
     [("quote", "Our clients stay for years")]),
    ("---\ntags: [client care, customer stories]\ncategories:\n  - Client news\n---\n", []),
    ("---\nmenu:\n  main:\n    name: Our clients page\n---\n", []),
    ("---\ndate: 2024-05-01\ndraft: false\nweight: 3\n---\n", []),
    ("---\nbutton_label: Become a client\nlogo_file: client-logo.svg\n---\n", [("button_label", "Become a client")]),
    ("---\nbase: &b\n  note: Our clients first\nagain: *b\n---\n", [("note", "Our clients first")]),
    ('+++\ntitle = "Client care"\nslug = "client-care"\n[params]\n  intro = """Every customer."""\n+++\n',
     [("title", "Client care"), ("intro", "Every customer.")]),
])
def test_frontmatter_reads_what_a_reader_sees(source, expected):
    assert values(source) == expected


def test_frontmatter_values_are_separate_paragraphs_with_offsets_kept():
    source = "---\ntitle: Our clients\ndescription: Every customer gets a plan\n---\nBody text.\n"
    front = read_front_matter(source)
    assert len(front.text) == front.end
    assert re.search(r"Our clients\n[ \t]*\n[ \t]*Every customer", front.text)
    for v in front.values:
        assert front.text[v.start:v.end] == source[v.start:v.end]
    assert [v.scope for v in front.values] == ["title", "body"]


@pytest.mark.parametrize("source, needle", [
    ('---\ntitle: "Our clients\nlayout: [page\n---\nBody.\n', "not valid YAML"),
    ("---\ntitle: [unclosed\n---\n", "not valid YAML"),
    ('+++\ntitle = "open\n+++\n', "not valid TOML"),
])
def test_frontmatter_invalid_is_read_as_text_with_a_warning(source, needle):
    front = read_front_matter(source)
    assert needle in front.warning and "\n" not in front.warning
    assert front.values  # read as plain text, not lost


def test_frontmatter_invalid_yaml_keeps_the_document_and_says_so():
    source = '---\ntitle: "Our clients\nlayout: page\n---\nWe help every customer.\n'
    doc = load_markdown(source, "bad.md")
    assert doc.meta["warning"].startswith("bad.md: front matter is not valid YAML")
    assert doc.text[source.index("clients"):][:7] == "clients" and "customer" in doc.text
    assert "layout" not in doc.text  # the keys are still no prose


@pytest.mark.parametrize("fields, skip, expected", [
    ((), (), ["Our clients"]),
    (("nickname",), (), ["Our clients", "Clients"]),
    ((), ("title",), []),
])
def test_frontmatter_field_lists_are_configurable(fields, skip, expected):
    source = "---\ntitle: Our clients\nnickname: Clients\n---\n"
    rules = FrontMatterRules.from_settings(Settings(front_matter_fields=fields, front_matter_skip=skip))
    assert [text for _, text in values(source, rules)] == expected


@pytest.mark.parametrize("value, prose", [
    ("Our clients stay for years", True), ("Become a client", True), ("Client", False),
    ("client-stories", False), ("2024-05-01", False), ("/img/clients.png", False),
    ("https://example.test/clients", False), ("10 20 30 client", False),
])
def test_frontmatter_looks_like_prose(value, prose):
    assert looks_like_prose(value) is prose


@pytest.mark.parametrize("value, locator", [
    ("/clients/", True), ("client-logo.svg", True), ("https://x.test", True), ("#clients", True),
    ("Our clients.", False), ("Clients", False), ("Client care", False),
])
def test_frontmatter_looks_like_locator(value, locator):
    assert looks_like_locator(value) is locator


def test_frontmatter_none_without_delimiters():
    assert read_front_matter("# Title\n\n---\ntitle: x\n---\n") is None


@pytest.mark.parametrize("source, text", [
    ('---\ntitle: "Our \\"best\\" clients\\n"\n---\n', 'Our  "best " clients  '),
    ("---\ntitle: 'It''s for clients'\n---\n", "It 's for clients"),
])
def test_frontmatter_escapes_in_quoted_values_are_blanked(source, text):
    front = read_front_matter(source)
    (value,) = front.values
    assert front.text[value.start:value.end] == text
