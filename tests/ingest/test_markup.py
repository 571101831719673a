import pytest

from clientlens.ingest.markup import blank_tags, blank_templates, looks_like_file_name, template_code_spans


@pytest.mark.parametrize("source, kept, dropped", [
    ("{% for c in site.data.client_logos %}Our clients{% endfor %}", ["Our clients"], ["client_logos"]),
    ("Hi {{ customer.name }}, and {{- client | upcase -}}.", ["Hi", "and"], ["customer", "client"]),
    ("{{< notice >}}New clients welcome{{< /notice >}}", ["New clients welcome"], ["notice"]),
    ("{{% note %}}Our customers{{% /note %}}", ["Our customers"], ["note"]),
    ("{# a client comment #}Text", ["Text"], ["client comment"]),
    ("{% comment %}client draft{% endcomment %}After", ["After"], ["client draft"]),
    ("{% raw %}{{ customer }}{% endraw %}After", ["After"], ["customer"]),
    ("{{< highlight go >}}client := New(){{< /highlight >}}After", ["After"], ["client :="]),
    ("## Our clients {#client-list}\n{: .customer-note}", ["Our clients"], ["client-list", "customer-note"]),
    ("{% image providers/add-client.png Add a client %}", [], ["client"]),
    ("A lone {{ with no end, our clients stay", ["our clients stay"], []),
])
def test_markup_blanks_templates_and_keeps_prose(source, kept, dropped):
    out = blank_templates(source)
    assert len(out) == len(source) and out.count("\n") == source.count("\n")
    for word in kept:
        assert word in out
    for word in dropped:
        assert word not in out


@pytest.mark.parametrize("source, kept, dropped", [
    ('<img src="/img/client.png" alt="Our clients" class="customer">', ["Our clients"], ["client.png", "customer"]),
    ("<a href='/customers/' title='Customer stories'>x</a>", ["Customer stories", "x"], ["/customers/"]),
    ('<Callout type="client"\n  title="Client note"\n  onClick={() => go(customer)}>Body</Callout>',
     ["Client note", "Body"], ["type", "customer"]),
    ('<img alt="client-logo.png">', [], ["client-logo"]),
    ("3 < 4 and 5 > 2 for clients", ["3 < 4 and 5 > 2 for clients"], []),
])
def test_markup_blanks_tags_but_alt_and_title(source, kept, dropped):
    out = blank_tags(source)
    assert len(out) == len(source)
    for word in kept:
        assert word in out
    for word in dropped:
        assert word not in out


def test_markup_template_code_spans_pair_each_opener_with_the_next_closer():
    text = "{% raw %}a{% endraw %} b {% comment %} c"
    assert template_code_spans(text) == [(0, 22)]


@pytest.mark.parametrize("text, slug", [
    ("customer-journey-crm", True), ("team_photo.jpg", True), ("Our clients", False), ("Clients", False),
    ("Client.", False),
])
def test_markup_looks_like_file_name(text, slug):
    assert looks_like_file_name(text) is slug
