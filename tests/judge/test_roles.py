"""The role resolver (judge/roles.py): one role per person mention, each with its reason.

Every text here is our own writing about fictional businesses.
"""

import pytest

from clientlens.config import Settings
from clientlens.engine import Auditor
from clientlens.ingest.markdown import load_markdown
from clientlens.ingest.text import load_text
from clientlens.judge.roles import find_terms, read_reader
from clientlens.types import Kind


def roles(auditor, text, kind=Kind.PAGE):
    """Return [(surface, role)] of the person mentions of `text` audited alone."""
    doc = auditor.audit_all([load_text(text, "page.txt", kind)]).documents[0]
    return [(m.surface, m.role) for m in doc.mentions if m.sense.value == "person"]


def role_of(auditor, text, surface, nth=0):
    found = [r for s, r in roles(auditor, text) if s == surface]
    return found[nth]


# own ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, surface", [
    ("Our clients stay with us for years.", "clients"),
    ("My customers are mostly bakers in the old town.", "customers"),
    ("Harbour Lane has acted for clients of ours in three counties.", "clients"),
    ("We advise clients on every stage of a house purchase.", "clients"),
    ("As a customer you can return any item within thirty days.", "customer"),
    ("If you are a customer in Wales, call the Cardiff office.", "customer"),
    ("Log in to your client portal to see the draft accounts.", "client"),
])
def test_own(auditor, text, surface):
    assert role_of(auditor, text, surface) == "own"


# Shops that sell online write to businesses ("your website"); a bare "the client" in a sentence
# the author speaks as "we" is still the author's, even beside the client's own customers.
BUSINESS_PAGE = ("Is your website ready for the holidays? Our studio rebuilt the shop for Pell & Daughters "
                 "last spring, and it can do the same for your business.\n\n")


@pytest.mark.parametrize("story", [
    "After a long workshop with the client to map their stock, we planned a faster checkout for their customers.",
    # the same sentence hard-wrapped, as Markdown sources and folded front matter are
    "After a long workshop with the client to map\ntheir stock, we planned a faster checkout for\ntheir customers.",
    "After a long workshop with the client to map the\nstock, we planned a faster checkout for the\nshop's customers.",
])
def test_a_bare_mention_in_a_sentence_spoken_as_we_is_the_authors(auditor, story):
    doc = auditor.audit_all([load_text(BUSINESS_PAGE + story + "\n", "page.txt", Kind.PAGE)]).documents[0]
    found = {m.surface: m for m in doc.mentions if m.sense.value == "person"}
    assert found["client"].role == "own", found["client"].role_because
    assert found["customers"].role != "own"  # the client's (or any shop's) buyers, not the author's


def test_a_line_break_at_a_list_item_still_ends_the_sentence(auditor):
    text = BUSINESS_PAGE + "We planned the launch together:\n- a client call every Friday\n"
    doc = auditor.audit_all([load_markdown(text, "page.md")]).documents[0]
    [client] = [m for m in doc.mentions if m.surface == "client"]
    assert "speaks as 'we'" not in client.role_because  # the list item is its own sentence


# A story about a past employer: its people are that company's, not the author's.
STORY = """# Should a customer pay for our mistakes?

Years ago, {cue}, a customer who found a broken form would email us and we fixed it for free.
Customers liked that. Our customers there often paid twice for the same page.

## How we work now

Our customers get a weekly review, and a customer who spots a bug tells the team that built it.
"""


@pytest.mark.parametrize("cue", ["at the first agency I worked at", "in my previous job",
                                 "at a studio where I used to work", "when I worked for a print shop"])
def test_a_story_about_a_past_employer_names_that_companys_people(auditor, cue):
    doc = auditor.audit_all([load_markdown(STORY.format(cue=cue), "post.md")]).documents[0]
    found = [(m.surface, m.role) for m in doc.mentions if m.sense.value == "person"]
    assert found == [("customer", "own"), ("customer", "third_party"), ("Customers", "third_party"),
                     ("customers", "third_party"), ("customers", "own"), ("customer", "own")]
    story = [m for m in doc.mentions if m.role == "third_party"]
    assert all("past employer" in m.role_because for m in story)
    assert not doc.mixed  # the old employer's people are a group of their own


@pytest.mark.parametrize("cue", ["at the agency I work for", "at the studio where we work today"])
def test_the_authors_present_employer_is_no_story(auditor, cue):
    doc = auditor.audit_all([load_markdown(STORY.format(cue=cue), "post.md")]).documents[0]
    assert not any("past employer" in (m.role_because or "") for m in doc.mentions)


# third_party --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, surface", [
    ("We build shops for retailers and help their customers check out faster.", "customers"),
    ("The bakery's customers queue around the corner on Saturdays.", "customers"),
    ("We redesigned the booking flow for the customers of the Elm Street gym.", "customers"),
    ("Email receipts reach end-customers within a minute.", "end-customers"),
    ("Grow your business: your customers want replies within the hour.", "customers"),
])
def test_third_party(auditor, text, surface):
    assert role_of(auditor, text, surface) == "third_party"


@pytest.mark.parametrize("text, surface, role", [
    ("Client shall notify its customers.", "customers", "third_party"),
    ("The Client's customers may apply.", "customers", "third_party"),
    ("We help you grow your customers.", "customers", "third_party"),
    ("Retailers trust us with their customers' data.", "customers'", "third_party"),
    ("We answer end-customers directly.", "end-customers", "third_party"),
    ("Our customers come first.", "customers", "own"),
    ("Your customer number is on the invoice.", "customer", "own"),
])
def test_short_sentences(auditor, text, surface, role):
    assert role_of(auditor, text, surface) == role


def test_your_customer_and_your_customers_get_the_same_role(auditor):
    text = ("Your business needs a website that works on a phone. Your customer should find your opening "
            "hours in one tap, and your customers should be able to book without calling.")
    assert [r for s, r in roles(auditor, text)] == ["third_party", "third_party"]


def test_your_client_account_is_the_reader_as_a_client(auditor):
    text = "Welcome to Fenwick Accounts. Your client account shows every invoice we have sent you."
    assert role_of(auditor, text, "client") == "own"


def test_bare_mentions_follow_the_word_usual_role_on_the_page(auditor):
    text = ("We design websites for small firms. Their customers need to find a phone number fast. "
            "Customers on a phone give up after three seconds.")
    assert role_of(auditor, text, "Customers") == "third_party"


def test_a_question_in_the_reader_voice(auditor):
    text = ("# Partner FAQ\n\nYour business can manage many workspaces from one console.\n\n"
            "## Q: Can I invite my clients to the console?\n\nYes: each one gets a workspace of its own.\n")
    assert role_of(auditor, text, "clients") == "third_party"


def test_a_question_to_the_author_keeps_the_author_s_people(auditor):
    text = ("# Billing FAQ\n\n## Q: Which cards do you accept from customers abroad?\n\n"
            "We accept every major card.\n")
    assert role_of(auditor, text, "customers") == "own"


# generic ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, role", [
    ("A company's customers notice when the invoices arrive late.", "generic"),
    ("The customers of a company notice when the invoices arrive late.", "generic"),
    ("Sales set out to double the customers of the company in a year.", "generic"),
    ("The customers of your firm notice when the invoices arrive late.", "third_party"),
    ("We redesigned the checkout for the customers of Harbour Books.", "third_party"),
])
def test_generic_owner(auditor, text, role):
    assert role_of(auditor, text, "customers") == role


def test_generic_counts_towards_the_author_s_word(auditor):
    doc = auditor.audit_all([load_text("Every firm says its clients come first. Our clients do.", "g.txt")]).documents[0]
    assert doc.counts["client"] == 2


# the reader ---------------------------------------------------------------------------------

def test_reader_is_a_business():
    text = "Grow your business online. Your brand needs a site your audience trusts, and your sales follow."
    assert read_reader(text).business


def test_reader_is_a_peer():
    text = "Put the risk on your backlog before your demo, and tell your project board the same day."
    assert read_reader(text).kind == "peer"


def test_one_business_cue_is_not_enough():
    assert not read_reader("Our team will look after your website while you are away.").business


def test_reader_is_served():
    text = "Contact us to book a first meeting. We will look after you and your family."
    assert not read_reader(text).business


def test_peer_reader_your_client_is_the_author_s_kind_of_client(auditor):
    text = ("At our studio we demo the work to clients every fortnight. Before your demo, tell your client "
            "what is unfinished, and put the gaps on your backlog, so nothing surprises them.")
    assert role_of(auditor, text, "client") == "own"


OWNER_PROFILES = ("I have had clients find us through my own photos. As a business owner, your profile and your "
                  "business page are public. Assume a client will look through your profile before they call.")


@pytest.mark.parametrize("text, surface, nth, role", [
    # No peer cue at all: the author's own "a client of ours" says the reader does the same work.
    ("Last year a client of ours needed a booking system in four weeks. "
     "Show your client something that works every Friday; it saves a month of emails.", "client", 1, "own"),
    # On a platform's docs its own customers are the reader, and "your customers" are the reader's.
    ("Harbourpay customers on the Growth plan can refund in bulk. Harbourpay sends each refund at once, "
     "and your customers see the money within five days.", "customers", 1, "third_party"),
    # A page written to a business: the author's own client does not make "your client" the author's kind.
    ("We once built a shop for a client in a week. Grow your business and your sales: "
     "your client will judge your website in three seconds.", "client", 1, "third_party"),
    # The author says "clients" of its own people too; a sentence said to a business reader is about theirs.
    (OWNER_PROFILES, "clients", 0, "own"),
    (OWNER_PROFILES, "client", 0, "third_party"),
    # "you, the client" on a page written to businesses, where a bare "the client" would be the reader's people.
    ("Your business and your sales depend on your website. A break-in costs you, the client, far more "
     "than the hour it takes us to patch the site.", "client", 0, "own"),
    # A possessive names something of theirs, not the reader.
    ("Your business and your sales depend on your website. Each week the shop sends you the client's "
     "report.", "client's", 0, "third_party"),
])
def test_whose_people_the_reader_s_and_the_author_s_words_name(auditor, text, surface, nth, role):
    assert role_of(auditor, text, surface, nth=nth) == role


def test_configured_families_are_family_words_to_the_resolver():
    # "our residents and patients": the possessor reaches over a coordinated word of any family in force.
    settings = Settings(use_model=False, families={"patient": ("patient", "patients"), "resident": ("resident", "residents")})
    text = "Grow your business and your brand with us. Our residents and patients have their own garden."
    doc = Auditor(settings).audit_all([load_text(text, "home.txt")]).documents[0]
    assert [(m.surface, m.role) for m in doc.mentions] == [("residents", "own"), ("patients", "own")]


# discussion ---------------------------------------------------------------------------------

DISCUSSION = """# Client or customer?

People often ask why we say "clients" and never "customers". The word customer suggests a single
purchase; a client is someone we advise over years.

## What it means for you

Our clients get a named accountant who answers the phone.
"""


def test_discussion_document_is_never_mixed_and_has_no_rewrites(auditor):
    doc = auditor.audit_all([load_markdown(DISCUSSION, "post.md")]).documents[0]
    assert doc.discussion
    assert not doc.mixed
    assert doc.findings == ()
    own = [m for m in doc.mentions if m.role == "own"]
    assert [m.surface for m in own] == ["clients"]  # the use outside the discussion still counts


@pytest.mark.parametrize("title, discussion", [
    ("# Client or customer?", True),
    ("# Clients, customers and the words between them", True),
    ("# Interviewing your client's customers", False),    # two groups: the client and its buyers
    ("# What our clients' customers tell us", False),
])
def test_a_title_with_both_words_is_a_discussion_unless_one_owns_the_other(auditor, title, discussion):
    text = f"{title}\n\nWe plan each study with the client and speak to five of their buyers.\n"
    doc = auditor.audit_all([load_markdown(text, "post.md")]).documents[0]
    assert bool(doc.discussion) is discussion


def test_a_page_with_both_words_in_a_sentence_is_not_a_discussion(auditor):
    doc = auditor.audit_all([load_text("Our clients trust us. Clients stay. A customer asked.", "t.txt")]).documents[0]
    assert doc.discussion is None
    assert doc.mixed


# terms --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, surface, kind", [
    ("We set up customer relationship management for small firms.", "customer", "software category"),
    ("Keys stay with you: customer-managed encryption is on by default.", "customer-managed", "fixed phrase"),
    ("Ask for Dana, our Customer Success Manager.", "Customer", "job title"),
    ("Advice given to you is covered by attorney-client privilege.", "attorney-client", "fixed phrase"),
    ("We track customer lifetime value for every shop we run.", "customer", "metric"),
    ("Create a Customer object before you save a card.", "Customer", "API object"),
])
def test_terms(auditor, text, surface, kind):
    assert role_of(auditor, text, surface) == "term"
    assert any(t.kind == kind for t in find_terms(text, Settings(use_model=False)))


def test_terms_never_count_or_get_a_rewrite(auditor):
    doc = auditor.audit_all([load_text("Our clients like us. We sell customer relationship management tools.",
                                       "t.txt")]).documents[0]
    assert not doc.mixed and doc.findings == ()


def test_terms_can_be_switched_off_and_extended():
    plain = Auditor(Settings(use_model=False, default_terms=False))
    assert role_of(plain, "We sell customer relationship management tools.", "customer") != "term"
    extra = Auditor(Settings(use_model=False, terms=("customer hub",)))
    assert role_of(extra, "Open the Customer Hub to see the queue.", "Customer") == "term"


# allowed and suppressed -----------------------------------------------------------------------

def test_allowed_phrase(tmp_path):
    auditor = Auditor(Settings(use_model=False, allow=("customer service",)))
    assert role_of(auditor, "Our clients love our customer service.", "customer") == "allowed"


def test_every_role_says_why(auditor):
    doc = auditor.audit_all([load_text("Our clients trust us. Their customers queue. A customer asked.",
                                       "t.txt")]).documents[0]
    assert all(m.role_because for m in doc.mentions if m.sense.value == "person")


# groups -------------------------------------------------------------------------------------

def test_someone_elses_people_named_both_ways_is_mixed_for_that_group(auditor):
    text = ("Grow your business with better email. Your customers open mail on a phone, so your clients "
            "need short subject lines. Send your customers one offer a week and ask your customers to reply.")
    doc = auditor.audit_all([load_text(text, "t.txt")]).documents[0]
    assert doc.mixed_groups == ("reader",) and doc.mixed
    assert doc.counts["client"] == doc.counts["customer"] == 0
    finding = [f for f in doc.findings if f.rule == "mixed-terminology"]
    assert [f.suggestion for f in finding] == ["customers"]
    assert "not the site's own" in finding[0].message


def test_a_business_clients_and_their_customers_are_two_groups(auditor):
    text = "Our clients are bakeries. We help their customers order bread, and their customers love it."
    doc = auditor.audit_all([load_text(text, "t.txt")]).documents[0]
    assert not doc.mixed and doc.findings == ()


def test_one_finding_per_mention():
    from clientlens.judge.document import merge_findings
    from clientlens.types import Finding, Severity

    term = Finding("mixed-terminology", Severity.WARNING, "m", 5, 9, 1, 6, "clients", "site counts")
    same = Finding("framing-mismatch", Severity.INFO, "f", 5, 9, 1, 6, "clients", "framing client 0.9")
    other = Finding("framing-mismatch", Severity.INFO, "f", 5, 9, 1, 6, "customers", "framing customer 0.9")
    merged = merge_findings([term], [same])
    assert len(merged) == 1 and "framing-mismatch" in merged[0].because
    assert merge_findings([term], [other]) == [term]


def test_a_framing_finding_alone_is_reported_only_when_asked_for():
    from clientlens.judge.document import merge_findings
    from clientlens.types import Finding, Severity

    alone = Finding("framing-mismatch", Severity.INFO, "f", 5, 9, 1, 6, None, "framing customer 0.9")
    assert merge_findings([], [alone], alone=False) == []
    assert merge_findings([], [alone], alone=True) == [alone]


def test_framing_findings_setting_is_checked():
    from clientlens.errors import ConfigError

    with pytest.raises(ConfigError, match="framing-findings"):
        Settings(framing_findings="sometimes")


def test_scope_document_judges_each_page_on_its_own():
    site = [load_text("Our clients stay. Our clients return.", "a.txt"),
            load_text("Our customers stay.", "b.txt")]
    by_site = Auditor(Settings(use_model=False)).audit_all(site)
    alone = Auditor(Settings(use_model=False, scope="document")).audit_all(site)
    assert [f.rule for f in by_site.documents[1].findings] == ["mixed-terminology"]
    assert alone.documents[1].findings == ()


@pytest.mark.parametrize("text, surface, kind", [
    ("Open the Client Hub to see your invoices. Partners can use the Client Hub from a phone.", "Client", "product name"),
    ("Click the **Customers** tab to see who has paid.", "Customers", "UI label"),
    ("Upgrade to the Customer Pro plan for a second seat.", "Customer", "plan name"),
])
def test_names_recognised_from_their_shape(auditor, text, surface, kind):
    assert role_of(auditor, text, surface) == "term"
    assert any(t.kind == kind for t in find_terms(text, Settings(use_model=False)))


@pytest.mark.parametrize("text", [
    # a compound naming organisations of people is a group, not a product
    "Add Client Organizations one by one. Each of the Client Organizations gets a vault.",
    # capitals at the start of a sentence or in a heading prove nothing
    "# Client Reviews\n\nClient reviews arrive weekly. Client Reviews are read by a partner.",
    # a name seen once is not yet a name
    "Open the Client Hub to see your invoices.",
])
def test_shapes_that_are_not_names(text):
    assert not [t for t in find_terms(text, Settings(use_model=False)) if t.kind == "product name"]
