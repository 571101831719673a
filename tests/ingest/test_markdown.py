import pytest

from clientlens.ingest.markdown import load_markdown


@pytest.mark.parametrize("source, kept, dropped", [
    ("---\nlayout: client page\n---\nOur clients.\n", ["clients"], ["client page"]),
    ("Text\n\n```\ncustomer_id,name\n```\nOur clients.\n", ["clients"], ["customer_id"]),
    ("Run `grep customer` for our clients.", ["clients"], ["grep customer"]),
    ("See [the client portal](https://x.example/customer/login).", ["client portal"], ["customer/login"]),
    ("<!-- customer note -->\nOur clients.", ["clients"], ["customer note"]),
    ("Visit https://example.com/customers today.", ["Visit"], ["example.com/customers"]),
    # a list item's indented paragraph is prose; an indented block after a paragraph is code
    ("1. Set up:\n\n    Users in the client's team.\n", ["client's team"], []),
    ("Intro.\n\n    customer_id = 1\n", ["Intro"], ["customer_id"]),
    ("- Item\n\n          client = Client()\n", ["Item"], ["client = Client()"]),
    # inline HTML keeps alt and title values only
    ('<img src="client.png" alt="Two clients" class="customer">', ["Two clients"], ["client.png", "customer"]),
    # an image whose alt text is a file name has no alt text
    ("![customer-journey-map](/img/map.png) and ![Our clients](/img/c.png)", ["Our clients"], ["customer-journey"]),
    # a link target holding template outputs is still a link target
    ("[the guide]({{ site.baseurl }}/client-guide/)", ["the guide"], ["client-guide", "baseurl"]),
    ("{% callout %}\nOur customers first.\n{% endcallout %}", ["Our customers first."], ["callout"]),
])
def test_markdown_skips_code_front_matter_links_and_markup(source, kept, dropped):
    doc = load_markdown(source, "x.md")
    assert len(doc.text) == len(source)
    for word in kept:
        assert word in doc.text
    for word in dropped:
        assert word not in doc.text


def test_markdown_offsets_are_exact(auditor):
    source = "---\ntitle: x\n---\n# Client stories\n\nOur customers’ homes and `client` code.\n"
    doc = load_markdown(source, "x.md")
    report = auditor.audit_all([doc]).documents[0]
    assert [m.surface for m in report.mentions] == ["Client", "customers’"]
    for m in report.mentions:
        assert source[m.start:m.end] == m.surface
        line = source.splitlines()[m.line - 1]
        assert line[m.column - 1:m.column - 1 + len(m.surface)] == m.surface


@pytest.mark.parametrize("source, mdx, kept, dropped", [
    ('import Hero from "./client-hero"\nexport const x = {customer: 1}\n\nOur clients.', True,
     ["Our clients"], ["client-hero", "customer"]),
    ("Call {props.clientPhone} today, clients.", True, ["today, clients."], ["clientPhone"]),
    ("import the customer list first.", False, ["import the customer list"], []),
])
def test_markdown_mdx_imports_exports_and_expressions(source, mdx, kept, dropped):
    doc = load_markdown(source, "x.mdx", mdx=mdx)
    for word in kept:
        assert word in doc.text
    for word in dropped:
        assert word not in doc.text


def test_markdown_front_matter_does_not_run_into_the_body():
    source = "---\ntitle: Our clients\n---\nCustomers say so.\n"
    doc = load_markdown(source, "x.md")
    assert [doc.scope_at(source.index(w)) for w in ("clients", "Customers")] == ["title", "body"]
    assert [(b.start, b.end) for b in doc.blocks] == [(11, 22), (27, 45)]
