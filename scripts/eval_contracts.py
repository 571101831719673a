"""Precision and recall of the contract checker on the corpus contract set.

    python3 scripts/eval_contracts.py                 # the test split
    python3 scripts/eval_contracts.py --split dev --errors

A finding matches a planted issue when the rule is the same and the spans overlap; each
planted issue is matched at most once. Also prints how often the defined term, is_party and
the definition span agree with the labels. Runs rules only (no framing model).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from clientlens.config import Settings
from clientlens.engine import Auditor
from clientlens.ingest.text import load_text
from clientlens.types import Kind

ROOT = Path(__file__).resolve().parents[1]
RULES = ("defined-term-synonym", "defined-term-lowercase", "defined-term-before-definition", "defined-term-redefined")


def load_split(split: str, corpus: Path) -> list[dict]:
    """Return the records of corpus/contracts/<split>.jsonl."""
    path = corpus / "contracts" / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(records: list[dict], auditor: Auditor) -> dict:
    """Return per-rule true/false positive and false negative lists, plus definition agreement counts."""
    tally = {rule: {"tp": [], "fp": [], "fn": []} for rule in RULES}
    agree = defaultdict(int)
    for r in records:
        report = auditor.contract_all([load_text(r["text"], r["id"], Kind.CONTRACT)]).documents[0]
        contract = report.contract.to_dict()
        agree["term"] += contract["defined_term"] == r["defined_term"]
        agree["is_party"] += r["defined_term"] is None or contract["is_party"] == r["is_party"]
        d, gold = contract["definition"], r.get("definition")
        agree["definition"] += (d is None and gold is None) or (
            d is not None and gold is not None and d["start"] < gold["end"] and gold["start"] < d["end"])
        found = [f for f in report.findings if f.rule in RULES]
        used: set[int] = set()
        for f in found:
            match = next((i for i, issue in enumerate(r["issues"]) if i not in used and issue["rule"] == f.rule
                          and f.start < issue["end"] and issue["start"] < f.end), None)
            item = (r["id"], f.start, f.end, r["text"][f.start:f.end], _around(r["text"], f.start, f.end))
            if match is None:
                tally[f.rule]["fp"].append(item)
            else:
                used.add(match)
                tally[f.rule]["tp"].append(item)
        for i, issue in enumerate(r["issues"]):
            if i not in used and issue["rule"] in tally:
                tally[issue["rule"]]["fn"].append((r["id"], issue["start"], issue["end"], issue["surface"],
                                                   _around(r["text"], issue["start"], issue["end"])))
    return {"rules": tally, "agree": dict(agree), "records": len(records)}


def _around(text: str, start: int, end: int) -> str:
    return text[max(0, start - 50):end + 40].replace("\n", " ")


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def print_report(result: dict, split: str, errors: bool, out=sys.stdout) -> None:
    """Print the per-rule and overall table (and every error when `errors`)."""
    print(f"contract eval, split={split}, {result['records']} contracts", file=out)
    print(f"{'rule':34} {'P':>6} {'R':>6} {'tp':>4} {'fp':>4} {'fn':>4}", file=out)
    totals = [0, 0, 0]
    for rule, t in result["rules"].items():
        tp, fp, fn = len(t["tp"]), len(t["fp"]), len(t["fn"])
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
        print(f"{rule:34} {_ratio(tp, tp + fp):6.3f} {_ratio(tp, tp + fn):6.3f} {tp:4} {fp:4} {fn:4}", file=out)
    tp, fp, fn = totals
    print(f"{'overall':34} {_ratio(tp, tp + fp):6.3f} {_ratio(tp, tp + fn):6.3f} {tp:4} {fp:4} {fn:4}", file=out)
    n = result["records"]
    a = result["agree"]
    print(f"defined term {a.get('term', 0)}/{n}, is_party {a.get('is_party', 0)}/{n}, "
          f"definition span {a.get('definition', 0)}/{n}", file=out)
    if errors:
        for rule, t in result["rules"].items():
            for label in ("fp", "fn"):
                for rid, start, end, surface, around in t[label]:
                    print(f"{label.upper()} {rule} {rid} {start}-{end} {surface!r}: ...{around}...", file=out)


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=("train", "dev", "test"))
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--errors", action="store_true", help="print every false positive and false negative")
    args = parser.parse_args(argv)
    result = evaluate(load_split(args.split, args.corpus), Auditor(Settings(use_model=False)))
    print_report(result, args.split, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
