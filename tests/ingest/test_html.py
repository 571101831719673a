from clientlens.ingest.html import load_html

PAGE = """<!doctype html>
<html><head><title>Client care</title>
<style>.customer { color: red }</style>
<script>var label = "customer-banner";</script></head>
<body><nav><a href="/">Customer login</a></nav>
<main>
  <h1>Our clients</h1>
  <p>Every customer&rsquo;s file &amp; every
     client's plan.</p>
  <img src="a.jpg" alt="A client meeting">
</main>
<footer>Customers welcome</footer>
</body></html>
"""


def test_html_keeps_visible_text_only():
    doc = load_html(PAGE, "p.html")
    assert "Our clients" in doc.text and "A client meeting" in doc.text
    assert "customer-banner" not in doc.text and ".customer" not in doc.text
    assert "Customer login" not in doc.text and "Customers welcome" not in doc.text
    assert "customer’s file & every" in doc.text


def test_html_line_and_column_point_into_the_source(auditor):
    doc = load_html(PAGE, "p.html")
    report = auditor.audit_all([doc]).documents[0]
    lines = PAGE.splitlines()
    assert {m.surface for m in report.mentions} >= {"Client", "clients", "customer’s", "client's"}
    for m in report.mentions:
        line = lines[m.line - 1]
        assert line[m.column - 1:].lower().startswith(m.surface.lower()[:6]), (m, line)
        assert PAGE[m.source_start:m.source_start + 6].lower() == m.surface[:6].lower()


def test_html_blocks_have_scopes():
    doc = load_html(PAGE, "p.html")
    scopes = {doc.scope_at(doc.text.index(w)) for w in ("Client care", "Our clients", "A client meeting")}
    assert scopes == {"title", "heading", "alt"}
