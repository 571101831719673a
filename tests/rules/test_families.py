import pytest

from clientlens.rules.families import family_set


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
