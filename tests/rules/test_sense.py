"""One table per sense rule: positive rows (the rule decides) and negative rows (it does not)."""

import pytest

from clientlens.types import Sense

P, N, M = Sense.PERSON, Sense.NON_PERSON, Sense.META


def sense_of(mentions_of, text, surface):
    found = [m for m in mentions_of(text) if m.surface == surface]
    assert found, f"{surface!r} not found in {text!r}"
    return found[0]


@pytest.mark.parametrize("text, surface, sense", [
    # software-compound: positive
    ("Set up the email client first.", "client", N),
    ("Rendering happens client-side.", "client-side", N),
    ("A client-server design.", "client-server", N),
    ("Install the VPN client on each laptop.", "client", N),
    ("We replaced the thin clients.", "clients", N),
    ("Use our HTTP client library.", "client", N),
    ("Rotate the client secret and client ID.", "client", N),
    ("Each client certificate expires yearly.", "client", N),
    # software-compound: negative (people, even near tech words)
    ("Log in to the client portal.", "client", P),
    ("Our client onboarding takes a week.", "client", P),
    ("The email from a client arrived.", "client", P),
    ("Our customer app is free.", "customer", P),
])
def test_sense_software_compound(mentions_of, text, surface, sense):
    assert sense_of(mentions_of, text, surface).sense is sense


@pytest.mark.parametrize("text, surface, sense", [
    ('The word "customer" is older.', "customer", M),
    ("We never write 'clients' here.", "clients", M),
    ("Is it “client” or not?", "client", M),
    ("The term *client* implies advice.", "client", M),
    ("Call it _customer_ if you like.", "customer", M),
    # negative: a quoted sentence is not a quoted word
    ('"Our clients stay for years," said Ana.', "clients", P),
    ("'Customers love the new menu', the owner says.", "Customers", P),
])
def test_sense_quoted_and_emphasised_word(mentions_of, text, surface, sense):
    assert sense_of(mentions_of, text, surface).sense is sense


@pytest.mark.parametrize("text, surface, sense", [
    ("The word customer comes from custom.", "customer", M),
    ("We call them clients.", "clients", M),
    ("We prefer to call our customers clients.", "clients", M),
    ("The terms client and customer differ.", "client", M),
    ("Client vs. Customer", "Client", M),
    ("Client vs. Customer", "Customer", M),
    ("Client or customer?", "customer", M),
    ("We say clients, not customers, because words matter.", "customers", M),
    # negative
    ("We call clients every quarter.", "clients", P),
    ("Whether you are a client or customer of our partner bank, we will help you with your account today.", "client", P),
    ("Our clients and customers both get replies within a day.", "customers", P),
])
def test_sense_meta_words(mentions_of, text, surface, sense):
    assert sense_of(mentions_of, text, surface).sense is sense


@pytest.mark.parametrize("text, surface, sense, decided_by", [
    # The defining quote names the word (meta); the party's uses are people.
    ('Acme Ltd (the "Client") and Bolt Ltd.', "Client", M, "rule:defined-term"),
    ('Acme Ltd, hereinafter referred to as "Customer", agrees.', "Customer", M, "rule:defined-term"),
    ('Acme Ltd (“Customer”) agrees.', "Customer", M, "rule:defined-term"),
    ('Acme Ltd, hereinafter referred to as Client, agrees.', "Client", M, "rule:defined-term"),
    ('Under clause 4, Client shall pay within 30 days.', "Client", P, "rule:default"),
    ('The word "Client" is capitalised in titles.', "Client", M, "rule:quoted-word"),
])
def test_sense_defined_term(mentions_of, text, surface, sense, decided_by):
    m = sense_of(mentions_of, text, surface)
    assert (m.sense, m.decided_by) == (sense, decided_by)


@pytest.mark.parametrize("text, surface", [
    ("Customers expect fast replies.", "Customers"),
    ("Customer service is open daily.", "Customer"),
    ("A client-centric approach.", "client-centric"),
    ("Attorney-client privilege applies.", "Attorney-client"),
])
def test_sense_default_is_person(mentions_of, text, surface):
    assert sense_of(mentions_of, text, surface).sense is P
