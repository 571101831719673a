"""How well the role resolver reads whose people each mention names, on the corpus role pages.

    python3 scripts/eval_roles.py                  # the test split, rules only
    python3 scripts/eval_roles.py --split dev --errors 40
    python3 scripts/eval_roles.py --model           # with the bundled model deciding unsure senses

Each page of corpus/roles/<split>.jsonl is audited as one document (scope "document", so no
other page sets its target). Printed: role accuracy on the person mentions the audit found with
the person sense (and a confusion table), the page verdicts (mixed precision and recall, discussion
pages recognised), and the precision of the terminology findings: a finding is right when its
mention is a person mention of a group (own + generic, or third_party) that the page names with
both words and it has that group's minority word. The resolver is rules, not a trained model; its
cues were chosen on the train split, so dev and test measure it on pages it was not shaped on.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GROUP = {"own": "ours", "generic": "ours", "third_party": "theirs"}


def load_split(split: str, corpus: Path) -> list[dict]:
    """Return the records of corpus/roles/<split>.jsonl."""
    path = corpus / "roles" / f"{split}.jsonl"
    if not path.is_file():
        sys.exit(f"eval_roles: {path} is missing: run `clientlens corpus build`")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _minority(counts: Counter, family: str) -> bool:
    other = "customer" if family == "client" else "client"
    return counts[family] > 0 and counts[other] > 0 and counts[family] <= counts[other]


def evaluate(records: list[dict], use_model: bool) -> dict:
    """Return the role confusion, page verdict tallies and finding judgements over `records`."""
    from clientlens.config import Settings
    from clientlens.engine import Auditor
    from clientlens.ingest.text import load_text
    from clientlens.types import Kind, Sense

    auditor = Auditor(Settings(use_model=use_model, scope="document"))
    confusion: Counter = Counter()
    verdicts: Counter = Counter()
    findings: Counter = Counter()
    errors: list[tuple] = []
    documents = [load_text(r["text"], r["id"], Kind.PAGE) for r in records]
    report = auditor.audit_all(documents)
    for r, d in zip(records, report.documents):
        by_start = {m.start: m for m in d.mentions}
        groups: dict[str, Counter] = {"ours": Counter(), "theirs": Counter()}
        for gold in r["mentions"]:
            if gold["sense"] == "person" and gold["role"] in GROUP:
                groups[GROUP[gold["role"]]][gold["family"]] += 1
            m = by_start.get(gold["start"])
            if gold["sense"] != "person" or m is None or m.sense is not Sense.PERSON:
                continue
            confusion[(gold["role"], m.role)] += 1
            if gold["role"] != m.role and not (gold["role"] == "generic" and m.role == "own"):
                errors.append((r["id"], gold["surface"], gold["role"], m.role, m.role_because,
                               r["text"][max(0, gold["start"] - 70):gold["end"] + 40].replace("\n", " ")))
        verdicts[("mixed", r["mixed"], d.mixed)] += 1
        verdicts[("discussion", r["discussion"], d.discussion is not None)] += 1
        golds = {g["start"]: g for g in r["mentions"]}
        for f in d.findings:
            if f.rule not in ("mixed-terminology", "preferred-term", "framing-mismatch"):
                continue
            gold = golds.get(f.start)
            group = GROUP.get(gold["role"]) if gold and gold["sense"] == "person" else None
            right = group is not None and _minority(groups[group], gold["family"])
            findings[right] += 1
            if not right:
                errors.append((r["id"], gold["surface"] if gold else "?", f.rule, "finding", f.message, ""))
    return {"confusion": confusion, "verdicts": verdicts, "findings": findings, "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="test", choices=("train", "dev", "test"))
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--model", action="store_true", help="let the bundled model decide unsure senses")
    ap.add_argument("--errors", type=int, default=0, help="print up to N wrong roles and findings")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    a = ap.parse_args()
    records = load_split(a.split, a.corpus)
    out = evaluate(records, a.model)
    conf = out["confusion"]
    n = sum(conf.values())
    right = sum(v for (g, p), v in conf.items() if g == p or (g == "generic" and p == "own"))
    print(f"roles/{a.split}: {len(records)} pages, {n} person mentions found as person")
    print(f"role accuracy {right}/{n} = {right / n if n else 0:.3f} (generic read as own counts as right)")
    for role in ("own", "third_party", "generic", "discussion", "term"):
        row = {p: v for (g, p), v in conf.items() if g == role}
        if row:
            print(f"  {role:12} -> " + ", ".join(f"{p} {v}" for p, v in sorted(row.items(), key=lambda kv: -kv[1])))
    v = out["verdicts"]
    tp, fp, fn = v[("mixed", True, True)], v[("mixed", False, True)], v[("mixed", True, False)]
    print(f"mixed pages: tp={tp} fp={fp} fn={fn}: precision {tp / (tp + fp) if tp + fp else 1:.2f} "
          f"recall {tp / (tp + fn) if tp + fn else 1:.2f}")
    dtp, dfp, dfn = v[("discussion", True, True)], v[("discussion", False, True)], v[("discussion", True, False)]
    print(f"discussion pages: tp={dtp} fp={dfp} fn={dfn}")
    f = out["findings"]
    print(f"terminology findings right {f[True]}/{f[True] + f[False]}"
          f" ({f[True] / (f[True] + f[False]) if f[True] + f[False] else 1:.2f})")
    for row in out["errors"][: a.errors]:
        print("  ", " | ".join(str(x) for x in row))
    if a.json:
        a.json.write_text(json.dumps({"role_accuracy": [right, n], "mixed": [tp, fp, fn],
                                      "discussion": [dtp, dfp, dfn], "findings": [f[True], f[False]]}, indent=1) + "\n")


if __name__ == "__main__":
    main()
