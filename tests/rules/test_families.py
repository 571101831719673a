import pytest

from clientlens.rules.families import family_set, in_code_token


@pytest.mark.parametrize("text, surfaces", [
    ("Our client and our clients", ["client", "clients"]),
    ("the client's file and the clients' files", ["client's", "clients'"]),
    ("the customer’s order and customers’ orders", ["customer’s", "customers’"]),
    ("CLIENT STORIES and Customer Care", ["CLIENT", "Customer"]),
    ("a client-centric, customer-facing team", ["client-centric", "customer-facing"]),
    ("attorney-client privilege for end-customers", ["attorney-client", "end-customers"]),
    ("a loyal clientele", ["clientele"]),
    ("clientlens and customerservice are not words", []),
    ("the word 'clients' in quotes", ["clients"]),
    ("the clients' own quote 'customers'", ["clients'", "customers"]),
])
def test_families_find_every_surface_form(mentions_of, text, surfaces):
    assert [m.surface for m in mentions_of(text)] == surfaces


@pytest.mark.parametrize("text, family", [
    ("patients", "patient"), ("Patient's", "patient"), ("clients", "client"), ("customers", "customer"),
])
def test_families_extra_families_are_found(text, family):
    fs = family_set({"patient": ("patient", "patients")})
    match = fs.pattern.search(text)
    assert match and fs.family_of(match) == family


@pytest.mark.parametrize("text", [
    "Clients trust us. Customers’ reviews matter; the 'client' word.",
    "line one\r\nthe customer-facing team\r\n",
])
def test_families_offsets_match_surface(mentions_of, text):
    for m in mentions_of(text):
        assert text[m.start:m.end] == m.surface


@pytest.mark.parametrize("text, surfaces", [
    # code: a path, file name, URL, anchor, CSS class, identifier or placeholder
    ("set client_id and CLIENT_SECRET", []),
    ("see /client-org-setup/ and docs/clients/", []),
    ("the image provider-add-client.png", []),
    ("jump to #customers or .client-card", []),
    ("read customer.name and site.data.client_logos", []),
    ("mail clients@example.test or @customer", []),
    ("the {client} and $customer placeholders", []),
    ("https://example.test/our-clients?ref=1", []),
    ("run it with --client", []),
    ("clientLogos and getCustomer", []),
    # prose: punctuation, emphasis, possessives, compounds and words joined by a slash
    ("our clients. Our customers: all of them", ["clients", "customers"]),
    ("_customer_ and __clients__ in emphasis", ["customer", "clients"]),
    ("client-side code and the customer's order", ["client-side", "customer's"]),
    ("our clients/customers and client/server", ["clients", "customers", "client"]),
    ("(clients/customers’).", ["clients", "customers’"]),
    ("a client- and customer-facing team", ["client", "customer-facing"]),
])
def test_families_code_tokens_are_never_mentions(text, surfaces):
    fs = family_set()
    assert [m.group(0) for m in fs.finditer(text)] == surfaces


@pytest.mark.parametrize("text, start, end, code", [
    ("x client_id", 2, 8, True),
    ("x _client_ y", 3, 9, False),
    ("x _client y", 3, 9, True),
    ("clients/customers.", 0, 7, False),
    ("clients//customers", 0, 7, True),
    ("clients/", 0, 7, True),
])
def test_families_in_code_token(text, start, end, code):
    assert in_code_token(text, start, end) is code
