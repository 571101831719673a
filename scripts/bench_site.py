"""A deterministic synthetic site and contract set for scripts/bench.py.

Every sentence here is written for this benchmark: small template vocabularies filled in
by a seeded random generator. A site mixes Markdown and HTML pages; the family words
(client, customer and their compounds) come in every sense (people, software, the word
itself, someone else's customers) at roughly one per 60-100 words, as on real sites.
"""

from __future__ import annotations

import html
import random
from pathlib import Path

TOWNS = ["Ashcombe", "Brackley Vale", "Corriemoor", "Dunhallow", "Eastmere", "Fallowfield", "Greyhaven",
         "Holloway Cross", "Kestrel Bay", "Larchmont", "Millbrook", "Northwick", "Oxley Green", "Pennard"]
STREETS = ["Quay Street", "Tanner's Lane", "Market Row", "Orchard Walk", "Bell Yard", "Mill Lane"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "March", "April", "June", "September", "October", "November"]
TOPICS = ["payroll", "year-end accounts", "VAT returns", "cash flow", "inheritance planning",
          "a lease renewal", "grant applications", "pension transfers", "a property purchase",
          "employment contracts", "stock control", "an office move", "a software upgrade",
          "insurance renewals", "supplier invoices", "a loan application", "business rates"]
SERVICES = ["bookkeeping", "tax planning", "conveyancing", "financial planning", "IT support",
            "website care", "payroll", "company secretarial work", "catering", "garden design",
            "office cleaning", "equipment hire", "translation", "audit support"]
PRODUCTS = ["starter plan", "annual subscription", "gift box", "repair kit", "monthly bundle",
            "trial pack", "standard service", "premium plan", "spare parts set", "seasonal hamper"]
TEAMS = ["Our team", "The partnership", "The front desk", "The advice desk", "The operations team",
         "The engineering group", "The finance team", "Each project lead", "The studio", "The planning desk"]
ADJECTIVES = ["clear", "careful", "practical", "steady", "honest", "quick", "thorough", "patient"]
NUMBERS = ["two", "three", "four", "five", "six", "eight", "ten", "twelve", "fifteen", "twenty"]
TOOLS = ["spreadsheets", "a shared calendar", "the scanner", "our planning board", "the intranet"]

FILLER = [
    "{team} meets every {weekday} to look at {topic} and agree what happens next.",
    "We opened our office in {town} in {year}, and it now has room for {number} people.",
    "The {service} team works from eight until six on weekdays and until noon on {weekday}.",
    "Questions about {topic} are rarely simple, so we explain each step in {adjective} language.",
    "There is parking behind the building on {street}, and the station is a short walk away.",
    "Our newsletter goes out on the first {weekday} of each month with notes on {topic}.",
    "Most questions about {topic} can be settled in a short call or a single meeting.",
    "We publish our prices for {service} so that nobody meets a surprise at the end.",
    "The deadline for {topic} falls at the end of {month} this year, so plan ahead.",
    "{team} keeps {tools} up to date so that nothing waits in a drawer.",
    "We moved to {street} in {year} after outgrowing the old rooms above the bakery.",
    "Every file is checked by a second person before it leaves the office.",
    "Our {service} work follows a written checklist that we review each {month}.",
    "The kitchen on the second floor has a kettle, a long table and far too many mugs.",
    "Training days run twice a year, and the whole team joins them.",
    "We recycle paper, switch off screens at night and cycle to meetings in {town} when we can.",
    "A {adjective} plan for {topic} saves more time than any clever shortcut.",
    "The building is step-free, and the meeting rooms have hearing loops.",
    "{team} answers the phone before the fourth ring whenever it can.",
    "In {month} we sponsor the fun run in {town} and staff the water station at mile {number}.",
    "Our history goes back to a one-room office on {street} with a single typewriter.",
    "If you are unsure where to start with {topic}, our short guide covers the basics.",
    "We write every letter so that it can be read once and understood.",
    "Documents are stored securely for {number} years and then destroyed.",
    "Orders placed before two o'clock leave the warehouse the same day.",
    "The {product} costs the same whether you buy it online or in the shop in {town}.",
    "Returns are free within thirty days, and refunds reach your card in about {number} days.",
    "The shop on {street} opens at nine and closes at half past five.",
    "Delivery to {town} usually takes {number} working days.",
    "Loyalty points can be spent on any {product} in the range.",
    "A long engagement lets us learn how a business really works before we advise on it.",
    "Trust grows slowly, so we keep the same adviser on a file for as long as we can.",
    "We review the plan each {month} and change course when circumstances change.",
    "Confidential papers never leave the office without a signed receipt.",
    "The retainer covers routine questions, so a quick call never produces an invoice.",
]

# Person sense, people served. {C}/{Cs} is the page's own family word (singular/plural).
PERSON = [
    "Our {Cs} tend to stay with us for {number} years or more.",
    "We meet each {C} at least twice a year to talk about {topic}.",
    "A dedicated adviser looks after every {C} from the first meeting onwards.",
    "{Cs_cap} can reach their adviser directly by phone or email.",
    "Many {Cs} first came to us for help with {topic}.",
    "Every new {C} gets a welcome pack and a named contact.",
    "We ask {Cs} for feedback once a year and publish what we change.",
    "A {C}'s file is reviewed by a partner before anything is signed.",
    "Our {Cs}' questions usually come in batches just before {month}.",
    "The {C} portal shows every document we hold and every deadline ahead.",
    "{Cs_cap} who pay annually get the {product} at a lower price.",
    "We treat every {C} the same way: {adjective}, prompt and polite.",
    "A {C} who orders before noon gets the parcel the next morning.",
    "Our {C} service team replies to most messages within a working day.",
    "We keep a {C} database so that nobody has to repeat themselves.",
    "Feedback from {Cs} shaped the new {product}.",
    "Some {Cs} prefer to visit the office in {town}, and others like video calls.",
    "We are a {C}-centric firm, and every process starts with that in mind.",
    "New {Cs} often ask how long {topic} takes.",
    "The {C} experience matters as much to us as the numbers do.",
]
# Software, devices and endpoints: the client-server sense (client family only).
SOFTWARE = [
    "Open the email client of your choice and add the shared inbox.",
    "The app uses client-side encryption, so files are locked before they leave your laptop.",
    "Install the desktop client from the downloads page and sign in once.",
    "Our HTTP client retries a failed request three times before it gives up.",
    "Each device gets its own client certificate, which we renew every {month}.",
    "The thin client terminals in the office boot straight into the shared workspace.",
    "Keep the VPN client running while you work from {town}.",
    "Store the client ID and client secret in the vault, never in a spreadsheet.",
]
# The words themselves: mentioned rather than used.
META = [
    "Some firms say \"customers\" while others prefer the word \"clients\".",
    "Is it client or customer? The answer depends on the relationship.",
    "The term *client* suggests an ongoing relationship, not a single sale.",
    "We call them clients because the work goes on for years.",
    "In a style guide, pick either 'client' or 'customer' and stick with it.",
    "Client vs. customer: the two words carry different promises.",
]
# Someone else's customers or clients: not the author's own people.
THIRD_PARTY = [
    "We help shops understand what their customers want from {topic}.",
    "Many firms ask us how to keep their own customers informed about {topic}.",
    "The software lets a retailer message its customers when an order ships.",
    "Law firms use our rooms to meet their clients in {town}.",
]

HEADINGS = ["About us", "How we work", "Our services", "Prices", "Meet the team", "Frequently asked questions",
            "Getting started", "Why {town}", "Opening hours", "Deadlines this {month}", "Our approach to {topic}",
            "Technology", "Security", "Careers", "News", "Contact"]
NAV = ["Home", "About", "Services", "Prices", "Blog", "Contact"]
FAMILY_FORMS = {"client": ("client", "clients"), "customer": ("customer", "customers")}


def _fill(template: str, rng: random.Random, own: str, **extra: str) -> str:
    singular, plural = FAMILY_FORMS[own]
    values = {
        "town": rng.choice(TOWNS), "street": rng.choice(STREETS), "weekday": rng.choice(WEEKDAYS),
        "month": rng.choice(MONTHS), "topic": rng.choice(TOPICS), "service": rng.choice(SERVICES),
        "product": rng.choice(PRODUCTS), "team": rng.choice(TEAMS), "adjective": rng.choice(ADJECTIVES),
        "number": rng.choice(NUMBERS), "tools": rng.choice(TOOLS), "year": str(rng.randint(1968, 2021)),
        "C": singular, "Cs": plural, "Cs_cap": plural.capitalize(), **extra,
    }
    return template.format(**values)


def sentence(rng: random.Random, own: str, family_rate: float) -> str:
    """Return one sentence: a family sentence with probability `family_rate`, else filler."""
    if rng.random() >= family_rate:
        return _fill(rng.choice(FILLER), rng, own)
    roll = rng.random()
    if roll < 0.78:
        # About one person mention in twelve slips into the other family.
        family = own if rng.random() > 0.08 else ("customer" if own == "client" else "client")
        return _fill(rng.choice(PERSON), rng, family)
    pool = SOFTWARE if roll < 0.88 else META if roll < 0.94 else THIRD_PARTY
    return _fill(rng.choice(pool), rng, own)


def paragraph(rng: random.Random, own: str, family_rate: float) -> str:
    """Return a paragraph of three to six sentences."""
    return " ".join(sentence(rng, own, family_rate) for _ in range(rng.randint(3, 6)))


def _sections(rng: random.Random, own: str, words: int, family_rate: float) -> list[tuple[str, list[str]]]:
    sections: list[tuple[str, list[str]]] = []
    total = 0
    while total < words:
        heading = _fill(rng.choice(HEADINGS), rng, own)
        paras = [paragraph(rng, own, family_rate) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.3:
            paras.append([_fill(rng.choice(FILLER), rng, own) for _ in range(rng.randint(3, 5))])
        sections.append((heading, paras))
        total += sum(len((p if isinstance(p, str) else " ".join(p)).split()) for p in paras)
    return sections


def markdown_page(rng: random.Random, title: str, own: str, words: int, family_rate: float) -> str:
    """Return a Markdown page: front matter, headings, paragraphs, lists, now and then a code block."""
    out = [f"---\ntitle: \"{title}\"\nlayout: page\n---\n", f"# {title}\n"]
    for heading, paras in _sections(rng, own, words, family_rate):
        out.append(f"## {heading}\n")
        for p in paras:
            out.append("\n".join(f"- {item}" for item in p) + "\n" if isinstance(p, list) else p + "\n")
        if rng.random() < 0.08:
            out.append("```bash\ncurl -s https://api.example.test/v1/status --header \"X-Client-Id: demo\"\n```\n")
    return "\n".join(out)


def html_page(rng: random.Random, title: str, own: str, words: int, family_rate: float) -> str:
    """Return an HTML page: head, nav and footer boilerplate around headings, paragraphs and lists."""
    esc = html.escape
    nav = "".join(f"<li><a href=\"{n.lower()}.html\">{n}</a></li>" for n in NAV)
    out = ["<!DOCTYPE html>", "<html lang=\"en\">", "<head>", "  <meta charset=\"utf-8\">",
           f"  <title>{esc(title)} | Pennard &amp; Loy</title>", "  <style>body { margin: 0 auto; }</style>",
           "</head>", "<body>", f"  <nav><ul>{nav}</ul></nav>", "  <main>", f"    <h1>{esc(title)}</h1>"]
    for heading, paras in _sections(rng, own, words, family_rate):
        out.append(f"    <h2>{esc(heading)}</h2>")
        for p in paras:
            if isinstance(p, list):
                out.append("    <ul>" + "".join(f"<li>{esc(item)}</li>" for item in p) + "</ul>")
            else:
                out.append(f"    <p>{esc(p)}</p>")
        if rng.random() < 0.1:
            out.append(f"    <img src=\"photo.jpg\" alt=\"{esc(_fill(rng.choice(TEAMS), rng, own))} at work\">")
    out += ["  </main>", "  <footer><p>Pennard &amp; Loy, 4 Quay Street. Registered in England.</p></footer>",
            "</body>", "</html>", ""]
    return "\n".join(out)


def write_site(root: Path, pages: int = 300, words: int = 200_000, seed: int = 7) -> list[Path]:
    """Write `pages` pages (about `words` words of prose in all) under `root`; return their paths."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    # Headings, lists and the last section's overshoot add about a sixth to the prose asked for.
    per_page = max(int(words / max(pages, 1) * 0.85), 40)
    paths = []
    for i in range(pages):
        # Most of the site says "client"; a fifth of it (the shop pages) leans "customer".
        own = "customer" if rng.random() < 0.2 else "client"
        title = f"{_fill(rng.choice(HEADINGS), rng, own)} {i + 1}"
        size = int(per_page * rng.uniform(0.5, 1.5))
        section = ("blog", "services", "shop", "help")[i % 4]
        if i % 2:
            path = root / section / f"page-{i:03d}.html"
            text = html_page(rng, title, own, size, family_rate=0.2)
        else:
            path = root / section / f"page-{i:03d}.md"
            text = markdown_page(rng, title, own, size, family_rate=0.2)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


PROVIDERS = ["Pennard & Loy Ltd", "Harrow Field Consulting LLP", "Larchmont Data Services Ltd",
             "Corriemoor Facilities plc", "Eastmere Design Studio Ltd", "Millbrook Legal LLP"]
BUYERS = ["Ashcombe Bakery Ltd", "Dunhallow Freight Ltd", "Kestrel Bay Surgery", "Northwick Motors Ltd",
          "Greyhaven Parish Council", "Oxley Green Nurseries Ltd", "Fallowfield Print Co"]
CLAUSES = [
    "{T} shall pay each invoice within {number} days of its date.",
    "The Provider shall perform the Services with reasonable skill and care.",
    "{T} shall give the Provider access to the records the Services need.",
    "Either party may end this Agreement on {number} weeks' written notice.",
    "The Provider shall keep {T}'s information confidential during and after this Agreement.",
    "{T} may ask for changes to the Services, and the parties shall agree any change in writing.",
    "Neither party is liable for delay caused by events beyond its reasonable control.",
    "The fees are set out in the Schedule and are exclusive of VAT.",
    "{T} shall notify the Provider of any complaint within {number} days.",
    "The Provider may use subcontractors, but remains responsible for their work.",
    "This Agreement is governed by the law of England and Wales.",
    "{T} shall tell its own customers of any planned interruption to the service.",
]


def contract(rng: random.Random, term: str, slip: bool) -> str:
    """Return one short services contract that defines `term` as the buying party."""
    provider, buyer = rng.choice(PROVIDERS), rng.choice(BUYERS)
    lines = ["SERVICES AGREEMENT", "",
             f"This Agreement is made on {rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2019, 2025)} "
             f"between {provider} (the \"Provider\") and {buyer} (the \"{term}\").", ""]
    for n in range(1, rng.randint(9, 16)):
        clause = _fill(rng.choice(CLAUSES), rng, term.lower(), T=f"the {term}")
        clause = clause[0].upper() + clause[1:]
        if slip and n == 5:
            other = "customer" if term == "Client" else "client"
            clause = f"The {other} shall provide a single point of contact for the Services."
        lines.append(f"{n}. {clause}")
    lines += ["", f"Signed for the Provider: ________    Signed for the {term}: ________", ""]
    return "\n".join(lines)


def write_contracts(root: Path, count: int = 200, seed: int = 11) -> list[Path]:
    """Write `count` short .txt contracts under `root`; return their paths."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        term = "Client" if rng.random() < 0.6 else "Customer"
        path = root / f"contract-{i:04d}.txt"
        path.write_text(contract(rng, term, slip=rng.random() < 0.15), encoding="utf-8")
        paths.append(path)
    return paths
