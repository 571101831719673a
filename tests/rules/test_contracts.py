"""Tables for the contract rules: which definitions are found, and what each use of a party word is.

Every contract sentence here was written for these tests; the businesses are made up.
"""

import re

import pytest

from clientlens.rules.contract_signals import reads_as_contract, software_cue
from clientlens.rules.contracts import classify_uses, find_defined_term, find_party_term
from clientlens.rules.definitions import find_definitions, parties_clause

PARTIES = ('This Agreement is made between Harbour Lane Design Ltd, 4 Slipway Row, Tidemouth ("Studio"), '
           'and Pellworth Mills Ltd, 12 Weaver Street, Tidemouth (the "Client").\n\n')


@pytest.mark.parametrize("text, term, is_party", [
    ('Made between Orrin Ltd ("Supplier") and Quell Ltd ("Client").', "Client", True),
    ('Made between Orrin Ltd ("Supplier") and Quell Ltd (the "Customer").', "Customer", True),
    ("Made between Orrin Ltd (“Supplier”) and Quell Ltd (the “Customer”).", "Customer", True),
    ('Made between Orrin Ltd ("Supplier") and Quell Ltd, hereinafter referred to as "Client".', "Client", True),
    ('Made between Orrin Ltd ("Supplier") and Quell Ltd, hereinafter "the Customer".', "Customer", True),
    ("Made between Orrin Ltd (“Supplier”) and Quell Ltd, hereinafter “the Client”.", "Client", True),
    ('Made between Orrin Ltd ("Supplier") and Quell Ltd.\n\n1.1 "Customer" means Quell Ltd, company 0042.', "Customer", True),
    ('Made between Orrin Ltd ("Supplier") and Quell Ltd.\n\n1.1 "Client" shall mean Quell Ltd.', "Client", True),
    ('Made between Orrin Ltd ("Provider") and Quell Ltd ("Customer"), together the "Parties".', "Customer", True),
    ('Made between Orrin Ltd ("Licensor") and Quell Ltd (the "Licensee").', "Licensee", True),
    ('Made between Orrin Ltd ("Supplier") and Quell Ltd ("Distributor").\n\n'
     '"Customer" means any end user who buys the Products from Distributor.', "Customer", False),
    ('Made between Orrin Ltd ("Supplier") and Quell Ltd ("Distributor").\n\n'
     "“Customer” shall mean each shop in the Territory that stocks the Products.", "Customer", False),
    ('Made between Orrin Ltd (the "Principal") and Quell Ltd (the "Agent").\n\n'
     '2.1 Any garden centre that orders Products through the Agent (the "Customer") pays the Principal.', "Customer", False),
    ('Made between Orrin Ltd (the "Prime Contractor") and Quell Ltd (the "Subcontractor").\n\n'
     'The Prime Contractor has a contract with Wexcombe Borough Council ("Client") for a new library.', "Client", False),
])
def test_contracts_defined_term_forms(text, term, is_party):
    found = find_defined_term(text)
    assert found is not None
    assert (found.term, found.is_party) == (term, is_party)


@pytest.mark.parametrize("text", [
    'Made between Orrin Ltd ("Caterer") and Quell Rugby Club ("Club"). Customers may pay by card.',
    "Our customers and clients are welcome to ask about the terms.",
    '"Customer Data" means personal data about shoppers.',
])
def test_contracts_no_party_definition(text):
    assert find_defined_term(text) is None


@pytest.mark.parametrize("text, terms", [
    ('Orrin Ltd ("REIT" or the "Company") and Quell Ltd ("Client")', ["REIT", "Company", "Client"]),
    ('Quell Bank (including its Affiliates, "Customer")', ["Customer"]),
    ('"CUSTOMER(S)" means the buyers of the Service.', ["CUSTOMER"]),
    ('"Customer" has the meaning given in the Preamble.', []),
])
def test_contracts_definition_forms_found(text, terms):
    assert [d.term for d in find_definitions(text)] == terms


def test_contracts_parties_clause_spans_numbered_list():
    text = ('BETWEEN:\n\n(1) Orrin Ltd (the "Supplier"); and\n\n(2) Quell Ltd (the "Client").\n\n'
            'IT IS AGREED as follows.')
    start, end = parties_clause(text)
    assert "Supplier" in text[start:end] and "Client" in text[start:end] and "AGREED" not in text[start:end]


def test_contracts_second_definition_is_a_redefinition():
    text = PARTIES + '9. For Schedule 2 only, "Client" means Pellworth Mills Ltd and its parent company.'
    term = find_defined_term(text)
    assert [d.term for d in term.redefinitions] == ["Client"]


@pytest.mark.parametrize("tail", [
    "Signed for and on behalf of Pellworth Mills Ltd (the \"Client\").",
    "\"Client\" means Pellworth Mills Ltd.",
    "\"Client\" has the meaning given in the parties clause.",
])
def test_contracts_restatement_is_no_redefinition(tail):
    # The same party named in the same words (a signature block, a definitions list) defines nothing new.
    text = PARTIES + tail
    assert find_defined_term(text).redefinitions == ()


def _kind(mentions_of, body: str, preamble: str = PARTIES) -> str:
    """Return the use kind of the [[marked]] word in `body` (placed after `preamble`)."""
    marked = re.search(r"\[\[([^\]]+)\]\]", body)
    text = preamble + body[:marked.start()] + marked.group(1) + body[marked.end():]
    start = len(preamble) + marked.start()
    term = find_defined_term(text)
    uses = [u for u in classify_uses(text, mentions_of(text), term) if u.start == start]
    assert uses, f"no use at {start}"
    return uses[0].kind


@pytest.mark.parametrize("body, kind", [
    # The other family for the party itself.
    ("3.1 The [[customer]] shall pay each invoice within 30 days.", "synonym"),
    ("3.2 The Studio shall send the [[customer]] a report every month.", "synonym"),
    ("3.3 The Studio may invoice the [[Customer]] monthly in arrears.", "synonym"),
    ("3.4 The [[customer's]] premises shall be open from 8am.", "synonym"),
    # The defined term in lower case.
    ("4.1 The [[client]] shall give written feedback within ten days.", "lowercase"),
    ("4.2 Late fees are not payable for delays caused by the [[client]].", "lowercase"),
    ("4.3 If the [[client]] asks for extra drafts, the Studio may charge for them.", "lowercase"),
    ("4.4 The [[client]] owes the Studio the balance on completion.", "lowercase"),
    # Correct uses of the defined term.
    ("5.1 The [[Client]] shall pay the fees in Schedule 1.", "party"),
    ("5.2 [[Client's]] approval is needed before launch.", "party"),
])
def test_contracts_party_uses(mentions_of, body, kind):
    assert _kind(mentions_of, body) == kind


@pytest.mark.parametrize("body, kind", [
    # The party's own customers or clients, and someone else's.
    ("6.1 The Studio shall not contact [[Client's]] customers directly.", "party"),
    ("6.2 The Studio shall not contact Client's [[customers]] directly.", "third-party"),
    ("6.3 The Client may tell its [[clients]] about the new designs.", "third-party"),
    ("6.4 The Studio may not approach the [[clients]] of the Agency for a year.", "third-party"),
    ("6.5 The Studio keeps a list of every [[client]] it has served.", "generic"),
    ("6.6 The Studio shall not disclose the pay rates to any other [[client]] of the Studio.", "third-party"),
    ("6.7 The Studio shall not disclose the pay rates to any other [[client]].", "generic"),
    # Other defined terms built on the word.
    ("7.1 The Client shall follow the [[Customer]] Identification Program of its bank.", "other-term"),
    ("7.2 Fees for each New [[Customer]] are listed in Schedule 3.", "other-term"),
    ("7.3 The Studio shall return all [[Client]] Materials at the end of the project.", "other-term"),
    ("7.4 [[Customer]] Data shall be stored in the United Kingdom.", "other-term"),
    # Lists, privilege, software, and talk about customers in general.
    ("8.1 Each party shall keep the other's [[customer]] lists confidential.", "third-party"),
    ("8.2 Nothing here waives [[attorney-client]] privilege.", "compound"),
    ("8.3 The Studio shall install the font on the [[client]] device at reception.", "software"),
    ("8.4 The reception desk uses a thin [[client]] terminal.", "software"),
    ("8.5 The Client may advertise to [[customers]] in the Territory.", "generic"),
    ("8.6 The Client will keep the [[customer]] waiting area tidy.", "compound"),
    ("8.7 The Studio shall build a [[customer]] loyalty app for the Client.", "compound"),
    ("8.8 The Studio shall repaint the [[customer]] toilets every spring.", "compound"),
])
def test_contracts_legitimate_uses_are_not_problems(mentions_of, body, kind):
    assert _kind(mentions_of, body) == kind


def test_contracts_use_before_definition(mentions_of):
    body = "Project: new labels for the [[Client]] range of flours, due in spring.\n\n" + PARTIES
    assert _kind(mentions_of, body, "") == "before-definition"


CUSTOMER_PARTIES = PARTIES.replace('"Client"', '"Customer"')


@pytest.mark.parametrize("body, preamble", [
    ("CONTENTS\n\n3.2  Duties of the [[Client]]   4\n3.3  Fees   5\n\n", ""),
    ("Deliveries to [[Customers]] (as defined below) start in May.\n\n", ""),
    ("By [[Client]]: ____________\n\n", ""),
])
def test_contracts_early_uses_that_are_no_slip(mentions_of, body, preamble):
    # A contents entry, a forward reference and a signature label come before the definition on purpose.
    parties = CUSTOMER_PARTIES if "Customer" in body else PARTIES
    assert _kind(mentions_of, body + parties, preamble) == "party"


def test_contracts_third_party_definition_flags_no_synonyms(mentions_of):
    text = ('Made between Orrin Ltd ("Supplier") and Quell Ltd ("Distributor").\n\n'
            '"Customer" means any end user who buys the Products from Distributor.\n\n'
            "The customer may return faulty goods to Distributor. Distributor shall tell the client.")
    term = find_defined_term(text)
    kinds = {u.kind for u in classify_uses(text, mentions_of(text), term)}
    assert not kinds & {"synonym", "lowercase", "before-definition"}


def test_contracts_non_family_term_lowercase(mentions_of):
    text = ('Made between Orrin Ltd (the "Licensor") and Quell Ltd (the "Licensee").\n\n'
            "The licensee shall pay on signature. The customer shall keep the keys safe.")
    term = find_defined_term(text)
    kinds = {text[u.start:u.end]: u.kind for u in classify_uses(text, mentions_of(text), term)}
    assert kinds["licensee"] == "lowercase" and kinds["customer"] == "synonym"


COVER = ("SUPPORT TERMS\n\nThese Terms apply to the Order Form signed by Customer. Capitalised terms not defined "
         "in these Terms have the meanings given in the Order Form.\n\n1. Provider shall answer Customer's tickets "
         "within one day. 2. Customer shall pay each invoice within 30 days.\n")


@pytest.mark.parametrize("text, term, because", [
    (COVER, "Customer", "Order Form"),
    # No pointer, but the word is used as a name again and again.
    ("1. Lantern Ltd shall clean the offices of Client weekly. 2. Client shall give Lantern Ltd a key. "
     "3. Lantern Ltd may invoice Client monthly. 4. If Client is late, Lantern Ltd may stop work.", "Client", "4 uses"),
])
def test_contracts_term_defined_elsewhere(mentions_of, text, term, because):
    found = find_party_term(text, mentions_of(text))
    assert (found.term, found.defined_here, found.is_party) == (term, False, True)
    assert because in found.elsewhere


@pytest.mark.parametrize("text", [
    # A page: headings, a greeting and a name that merely start with the word.
    "Customer Stories\n\nDear Customer, thank you for your order. Customer support is open daily. "
    "Read our Customer Charter. A Customer of the Year award goes to the Harbour Café.",
    # Capitalised at the start of sentences only, as ordinary nouns.
    "Clients come first. Client meetings happen on Mondays. Clients may call us at any time.",
])
def test_contracts_no_term_defined_elsewhere(mentions_of, text):
    assert find_party_term(text, mentions_of(text)) is None


@pytest.mark.parametrize("text, expected", [
    (PARTIES + "1. The Client shall pay within 30 days. This Agreement is governed by the law of England.", True),
    (COVER + "Either party may terminate these Terms for material breach. Provider hereby grants a licence.", True),
    # A page that quotes a capitalised word, and one that says "shall" once.
    ('We call our members "Partners". Tap "Customer Portal" to sign in. Our terms are simple.', False),
    ("We shall be closed on Monday. Our customers can still order online.", False),
])
def test_contracts_what_reads_as_a_contract(mentions_of, text, expected):
    term = find_party_term(text, mentions_of(text))
    party = "none" if term is None else "defined" if term.defined_here else "elsewhere"
    assert reads_as_contract(text, party) is expected


@pytest.mark.parametrize("text, surface, cue", [
    ("Install the email client first.", "client", "email"),
    ("The thin client terminals are in the branch.", "client", "thin"),
    ("Developer shall build the client application.", "client", "application"),
    ("Supplier shall patch the client devices monthly.", "client", "devices"),
    ("Session state is kept client-side.", "client-side", "side"),
    # The party and its things.
    ("Client devices bought later are added to the list.", "Client", None),
    ("Data is held on Client's server.", "Client's", None),
    ("CLIENT NAME: Harbour Foods Ltd", "CLIENT", None),
    ("Client may access the client portal.", "client", None),
    ("The customer application form is in Schedule 2.", "customer", None),
])
def test_contracts_software_cue(text, surface, cue):
    start = text.index(surface)
    family = "customer" if "ustomer" in surface else "client"
    assert software_cue(text, start, start + len(surface), surface, family) == cue


NO_PARTY_TERM = PARTIES.replace('(the "Client")', '("Mill")')


@pytest.mark.parametrize("body", [
    # A numbered run-in title, a capitals heading, and the clause that holds the definition.
    "7.2 Solicitation of [[Customers]]. The Studio shall not approach any Customer for a year. In this clause 7.2, "
    '"Customer" means any business that bought flour from the Mill.',
    "ARTICLE 7 - [[CUSTOMERS]]\n\n7.1 The Studio shall not approach any Customer. In this clause 7.1, "
    '"Customer" means any business that bought flour from the Mill.',
    "7.1 The Studio shall not approach any [[Customer]] for a year. In this clause 7.1, "
    '"Customer" means any business that bought flour from the Mill.',
])
def test_contracts_early_uses_in_headings_and_the_defining_clause(mentions_of, body):
    assert _kind(mentions_of, body, NO_PARTY_TERM) == "party"


def test_contracts_use_in_an_earlier_clause_is_before_the_definition(mentions_of):
    body = ('7.1 The Studio shall not approach any [[Customer]] for a year.\n\n7.2 "Customer" means any business '
            "that bought flour from the Mill.")
    assert _kind(mentions_of, body, NO_PARTY_TERM) == "before-definition"


@pytest.mark.parametrize("tail, redefined", [
    ('"Client" means the company entering into this Agreement with the Studio.', False),
    ('SCHEDULE\nThe Undersigned (the "Client") accepts these terms.', False),
    ('"Client" means Pellworth Mills Ltd and its parent company.', True),
])
def test_contracts_restatement_by_role(tail, redefined):
    assert bool(find_defined_term(PARTIES + tail).redefinitions) is redefined


def test_contracts_bare_parenthesis_in_the_parties_clause():
    text = "SERVICES AGREEMENT made by and between Orrin Ltd (Developer ), and (Client) Quell Inc. for design work."
    term = find_defined_term(text)
    assert (term.term, term.is_party) == ("Client", True)
    assert find_defined_term("Our offices (Client) are open daily.") is None


def test_contracts_other_word_for_another_group(mentions_of):
    # A specification: "the customer" is the shopper the app serves, far more often than the party.
    spec = "".join(f"{n}. The app shall notify the customer when step {n} is done.\n" for n in range(1, 5))
    text = PARTIES + "1. The Client shall approve the design.\n" + spec
    kinds = [u.kind for u in classify_uses(text, mentions_of(text), find_defined_term(text)) if u.family == "customer"]
    assert kinds == ["generic"] * 4
    # Once, it is a slip for the party.
    once = PARTIES + "1. The Client shall approve the design. 2. The customer shall pay on signature.\n"
    kinds = [u.kind for u in classify_uses(once, mentions_of(once), find_defined_term(once)) if u.family == "customer"]
    assert kinds == ["synonym"]
