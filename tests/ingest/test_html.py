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


def test_html_template_page_reads_front_matter_and_blanks_template_tags():
    source = ("---\nlayout: default\ntitle: Our clients\npermalink: /clients/\n---\n"
              "<ul>{% for c in site.data.customer_logos %}<li>{{ c.name }}</li>{% endfor %}</ul>\n"
              "<p>Every customer gets a call.</p>\n")
    doc = load_html(source, "t.html")
    assert "customer_logos" not in doc.text and "c.name" not in doc.text and "layout" not in doc.text
    for word in ("clients", "customer gets"):
        at = doc.text.index(word)
        assert source[doc.offsets.source_offset(at):][:len(word)] == word
    assert doc.scope_at(doc.text.index("Our clients")) == "title"


def test_html_alt_that_is_a_file_name_is_not_read():
    doc = load_html('<p>Hi</p><img src="a.png" alt="customer-journey-map"><img src="b.png" alt="A client">', "a.html")
    assert "customer-journey" not in doc.text and "A client" in doc.text
