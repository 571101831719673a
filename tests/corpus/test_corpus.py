"""The shipped corpus passes its own checker, and the checker catches what it should."""

import json
import shutil

import pytest

from clientlens.corpus.build import build, split_of
from clientlens.corpus.check import check_corpus
from clientlens.corpus.stats import corpus_stats
from tests.conftest import ROOT

CORPUS = ROOT / "corpus"


def test_corpus_shipped_corpus_passes_the_checker():
    errors = [i for i in check_corpus(CORPUS) if i.severity == "error"]
    assert errors == []


def test_corpus_meets_the_issue_counts():
    s = corpus_stats(CORPUS)
    f, m, c = s["framing"], s["sense"], s["contracts"]
    assert f["passages"] >= 5000 and len(f["sectors"]) >= 40 and len(f["genres"]) >= 10
    assert f["no_term_share"] >= 0.30 and f["mismatch_share"] >= 0.15 and f["counterfactual_pairs"] > 0
    assert m["mentions"] >= 3000 and m["non_person_share"] >= 0.20 and m["meta_share"] >= 0.15
    assert c["contracts"] >= 40 and c["clean"] > 0 and all(v > 0 for v in c["issues"].values())


def test_corpus_split_is_stable_and_seeded():
    assert split_of("cf-A-1", 13) == split_of("cf-A-1", 13)
    assert {split_of(f"g{i}", 13) for i in range(200)} == {"train", "dev", "test"}


@pytest.fixture()
def tiny_corpus(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS / "schemas", root / "schemas")
    for kind in ("framing", "sense", "contracts"):
        (root / "raw" / kind).mkdir(parents=True)
    (root / "raw" / "framing" / "t-01.txt").write_text(
        "client | law-firm | about | cf-t-1 | Our clients keep one partner for years.\n"
        "client | law-firm | about | cf-t-1 | Our customers keep one partner for years.\n"
        "customer | grocery | pricing |  | Milk is two pounds a bottle this week.\n"
        "bogus | grocery | pricing |  | A line with a bad label.\n")
    (root / "raw" / "sense" / "t-01.txt").write_text(
        "saas | support |  | Install the email [[n:client]] for your [[p:clients]].\n"
        "saas | support |  | An unwrapped client here.\n")
    (root / "raw" / "contracts" / "t-01.txt").write_text(
        "id: t-1\ndefined_term: Client\nis_party: true\nsector: it\n---\n"
        "Acme Ltd [[def:(the \"Client\")]] agrees. The [[synonym:customer]] pays.\n=====\n")
    return root


def test_corpus_build_reports_bad_lines_and_keeps_pairs_together(tiny_corpus):
    report = build(tiny_corpus)
    assert any("expected 'label" in p for p in report.problems)
    assert any("unwrapped" in p for p in report.problems)
    rows = [json.loads(l) for s in ("train", "dev", "test") for l in (tiny_corpus / "framing" / f"{s}.jsonl").read_text().splitlines()]
    pair = [r for r in rows if r["group"] == "cf-t-1"]
    assert len(pair) == 2 and pair[0]["split"] == pair[1]["split"]
    assert next(r for r in pair if "customers" in r["text"])["mismatch"] is True


def test_corpus_check_catches_bad_offsets_and_leaks(tiny_corpus):
    build(tiny_corpus)
    sense = next(p for p in (tiny_corpus / "sense").glob("*.jsonl") if p.read_text())
    row = json.loads(sense.read_text().splitlines()[0])
    row["mentions"][0]["start"] += 1
    sense.write_text(json.dumps(row) + "\n")
    leak = json.loads(next(p for p in (tiny_corpus / "framing").glob("*.jsonl") if p.read_text()).read_text().splitlines()[0])
    other = "dev" if leak["split"] != "dev" else "test"
    leak["split"] = other
    with (tiny_corpus / "framing" / f"{other}.jsonl").open("a") as handle:
        handle.write(json.dumps(leak) + "\n")
    messages = [i.message for i in check_corpus(tiny_corpus) if i.severity == "error"]
    assert any("do not hold" in m for m in messages)
    assert any("duplicate" in m for m in messages)


def test_corpus_sense_second_pass_agreement_counts_each_mention(tiny_corpus):
    from clientlens.corpus.stats import sense_agreement

    build(tiny_corpus)
    assert sense_agreement(tiny_corpus) is None  # no second pass yet
    row = next(json.loads(line) for s in ("train", "dev", "test")
               for line in (tiny_corpus / "sense" / f"{s}.jsonl").read_text().splitlines())
    (first, second) = row["mentions"]
    (tiny_corpus / "quality").mkdir()
    (tiny_corpus / "quality" / "sense-second-pass.jsonl").write_text(
        json.dumps({"id": row["id"], "start": first["start"], "sense": "non_person"}) + "\n"
        + json.dumps({"id": row["id"], "start": second["start"], "sense": "meta"}) + "\n"
        + json.dumps({"id": "no-such-record", "start": 0, "sense": "meta"}) + "\n")
    result = sense_agreement(tiny_corpus)
    assert result["n"] == 2 and result["agreement"] == 0.5
    assert result["disagreements"] == {"person->meta": 1}
    assert result["splits"][row["split"]]["n"] == 2


def test_corpus_shipped_sense_second_pass_is_measured():
    s = corpus_stats(CORPUS)["sense_second_pass"]
    assert s["n"] == 400 and 0.0 <= s["cohen_kappa"] <= 1.0


def test_corpus_pages_keep_their_passages_in_one_split(tiny_corpus):
    (tiny_corpus / "raw" / "framing" / "t-02.txt").write_text(
        "## page t-9 | customer | saas | pricing-page\n"
        "~ # Plans\n"
        "customer | saas | pricing |  | The Team plan costs nine pounds a month per seat.\n"
        "neutral | saas | docs |  | Export your data as a CSV file from the settings page.\n"
        "~ Home · Pricing · Blog\n"
        "## end\n"
        "neutral | saas | docs |  | A stand-alone passage after the page has ended.\n")
    report = build(tiny_corpus)
    pages = [json.loads(l) for s in ("train", "dev", "test") for l in (tiny_corpus / "pages" / f"{s}.jsonl").read_text().splitlines()]
    assert len(pages) == 1 and pages[0]["label"] == "customer" and pages[0]["shape"] == "pricing-page"
    assert pages[0]["text"].startswith("# Plans\n\nThe Team plan") and "Home · Pricing" in pages[0]["text"]
    rows = {json.loads(l)["id"]: (s, json.loads(l)) for s in ("train", "dev", "test")
            for l in (tiny_corpus / "framing" / f"{s}.jsonl").read_text().splitlines()}
    assert {rows[i][0] for i in pages[0]["passages"]} == {pages[0]["split"]} and len(pages[0]["passages"]) == 2
    assert rows["t-02:7"][1]["group"] != "page-t-9" and not rows["t-02:3"][1]["counterfactual"]
    assert not any("t-02" in p for p in report.problems)
    assert not [i for i in check_corpus(tiny_corpus) if i.where.startswith("pages")]


def test_corpus_check_catches_a_page_passage_in_another_split(tiny_corpus):
    (tiny_corpus / "raw" / "framing" / "t-02.txt").write_text(
        "## page t-9 | customer | saas | pricing-page\n"
        "customer | saas | pricing |  | The Team plan costs nine pounds a month per seat.\n")
    build(tiny_corpus)
    split = next(s for s in ("train", "dev", "test") if (tiny_corpus / "pages" / f"{s}.jsonl").read_text())
    other = next(s for s in ("train", "dev", "test") if s != split)
    line = (tiny_corpus / "pages" / f"{split}.jsonl").read_text()
    (tiny_corpus / "pages" / f"{split}.jsonl").write_text("")
    (tiny_corpus / "pages" / f"{other}.jsonl").write_text(line.replace(f'"split": "{split}"', f'"split": "{other}"'))
    assert any("is in" in i.message for i in check_corpus(tiny_corpus) if i.where.startswith("pages"))


def _roles_page(ident: str, framing: str | None, firm: str) -> str:
    head = f"id: {ident}\nkind: page\nsector: law\ngenre: about\nreader: served\ndiscussion: no\nmixed: no\n"
    if framing is not None:
        head += f"framing: {framing}\n"
    return head + (f"group:\n---\n{firm} looks after each of its [[own:clients]] for years, with one partner on "
                   "every matter.\n=====\n")


def test_corpus_roles_pages_may_carry_a_framing_that_the_page_policy_reads(tiny_corpus):
    from clientlens.pages import framing_pages

    (tiny_corpus / "raw" / "roles").mkdir()
    (tiny_corpus / "raw" / "roles" / "t-01.txt").write_text(
        _roles_page("t-r1", "client", "Alder & Pike") + _roles_page("t-r2", "customer (borderline)", "Brightwater")
        + _roles_page("t-r3", None, "Copperfield Legal") + _roles_page("t-r4", "customr", "Dunmore"))
    report = build(tiny_corpus)
    assert [p for p in report.problems if "t-r4" in p] == [
        "roles/t-01.txt: document t-r4: framing must be one of client, customer, neutral, optionally followed by (borderline)"]
    rows = {json.loads(l)["id"]: json.loads(l) for s in ("train", "dev", "test")
            for l in (tiny_corpus / "roles" / f"{s}.jsonl").read_text().splitlines()}
    assert set(rows) == {"t-r1", "t-r2", "t-r3"}
    assert (rows["t-r1"]["framing"], rows["t-r1"]["framing_borderline"]) == ("client", False)
    assert (rows["t-r2"]["framing"], rows["t-r2"]["framing_borderline"]) == ("customer", True)
    assert "framing" not in rows["t-r3"]
    assert not [i for i in check_corpus(tiny_corpus) if i.where.startswith("roles") and i.severity == "error"]
    # the page policy measures the labelled roles pages of each split, and only those
    seen = {p["id"]: p for s in ("train", "dev", "test") for p in framing_pages(tiny_corpus, s, "roles")}
    assert set(seen) == {"t-r1", "t-r2"} and seen["t-r2"]["label"] == "customer"
    assert not [p for s in ("train", "dev", "test") for p in framing_pages(tiny_corpus, s)]  # no framing pages
