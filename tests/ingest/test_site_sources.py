"""Real-world site sources we wrote ourselves: every mention at its exact offset, line and column.

Each page mixes prose with what a site generator or a component framework uses as machinery
(front matter keys, template tags, shortcodes, components, attributes, file names), and
only the prose may yield mentions.
"""

from pathlib import Path

import pytest

from clientlens.config import Settings
from clientlens.ingest import load_documents
from clientlens.types import Document

SOURCES = Path(__file__).parent / "site_sources"

EXPECTED = {
    # Jekyll: nested YAML front matter with folded and literal block scalars, Liquid tags and outputs.
    "jekyll-page.md": [("clients", 3, 38), ("client", 10, 9), ("client", 17, 13), ("customers'", 22, 24),
                       ("Customers", 24, 7), ("client", 30, 11), ("client", 32, 71), ("Clients", 35, 1)],
    # Hugo: TOML front matter with a table, paired shortcodes around prose, a highlight pair, a ref.
    "hugo-page.md": [("clients", 2, 21), ("client", 4, 41), ("customers", 8, 20), ("clients", 12, 26),
                     ("clients", 16, 5), ("client", 23, 41)],
    # MDX: imports, an export, components with props and expressions, an img with alt.
    "tutoring.mdx": [("client", 2, 27), ("clients", 10, 33), ("client", 11, 6), ("clients", 20, 16),
                     ("client", 22, 56)],
    # HTML: class, id, data-*, href and src attributes, a file-name alt, a template output.
    "print-shop.html": [("clients", 3, 35), ("clients", 8, 50), ("customer", 9, 30), ("client", 11, 42),
                        ("customers'", 13, 44)],
}


@pytest.fixture(scope="module")
def reports(auditor):
    docs = [d for d in load_documents([str(SOURCES)], Settings(use_model=False)) if isinstance(d, Document)]
    return {Path(r.path).name: r for r in auditor.audit_all(docs).documents}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_site_sources_find_every_prose_mention_at_its_place(reports, name):
    report = reports[name]
    assert report.error is None
    assert [(m.surface, m.line, m.column) for m in report.mentions] == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_site_sources_offsets_slice_the_source_file(reports, name):
    source = (SOURCES / name).read_text(encoding="utf-8")
    lines = source.splitlines()
    for m in reports[name].mentions:
        assert source[m.source_start:m.source_end] == m.surface
        assert lines[m.line - 1][m.column - 1:m.column - 1 + len(m.surface)] == m.surface


@pytest.mark.parametrize("name, scopes", [
    ("jekyll-page.md", ["title", "body", "body", "title", "body", "heading", "body", "body"]),
    ("tutoring.mdx", ["title", "body", "body", "body", "body"]),
])
def test_site_sources_front_matter_values_are_their_own_blocks(reports, name, scopes):
    assert [m.scope for m in reports[name].mentions] == scopes
