"""check_corpus: schema, offsets, labels, duplicates within and across splits, class balance.

Returns CorpusIssues; errors make `clientlens corpus check` exit 1, warnings do not.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from clientlens.corpus.build import SPLITS, normalise_for_duplicates

KINDS = ("framing", "sense", "contracts", "roles", "pages")
OPTIONAL = ("pages",)
MIN_SHARE = 0.15


@dataclass(frozen=True)
class CorpusIssue:
    """One problem in the corpus: where, how bad, what."""

    where: str
    severity: str
    message: str


def read_split(root: Path, kind: str, split: str) -> list[dict]:
    """Return the records of corpus/KIND/SPLIT.jsonl (an empty list if the file is missing)."""
    path = root / kind / f"{split}.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _schema_issues(root: Path, kind: str, split: str, rows: list[dict]) -> list[CorpusIssue]:
    import jsonschema

    schema = json.loads((root / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for n, row in enumerate(rows, 1):
        for error in validator.iter_errors(row):
            out.append(CorpusIssue(f"{kind}/{split}.jsonl:{n}", "error", error.message))
        if row.get("split") not in (None, split):
            out.append(CorpusIssue(f"{kind}/{split}.jsonl:{n}", "error", f"split field says {row.get('split')}"))
    return out


def _offset_issues(kind: str, split: str, rows: list[dict]) -> list[CorpusIssue]:
    out = []
    for n, row in enumerate(rows, 1):
        spans = list(row.get("mentions", [])) + list(row.get("issues", []))
        if row.get("definition"):
            spans.append(row["definition"])
        for span in spans:
            if row["text"][span["start"]:span["end"]] != span["surface"]:
                out.append(CorpusIssue(f"{kind}/{split}.jsonl:{n}", "error",
                                       f"offsets {span['start']}-{span['end']} do not hold {span['surface']!r}"))
    return out


def _duplicate_issues(kind: str, rows_by_split: dict[str, list[dict]]) -> list[CorpusIssue]:
    out = []
    exact: dict[str, str] = {}
    near: dict[str, tuple[str, str]] = {}
    for split, rows in rows_by_split.items():
        for row in rows:
            where = f"{kind}/{split}:{row['id']}"
            if row["text"] in exact:
                out.append(CorpusIssue(where, "error", f"exact duplicate of {exact[row['text']]}"))
            exact.setdefault(row["text"], where)
            key = normalise_for_duplicates(row["text"])
            if key in near and near[key][1] != split:
                out.append(CorpusIssue(where, "error", f"near-duplicate of {near[key][0]} crosses splits"))
            near.setdefault(key, (where, split))
    groups: dict[str, set[str]] = defaultdict(set)
    for split, rows in rows_by_split.items():
        for row in rows:
            groups[row["group"]].add(split)
    for group, splits in groups.items():
        if len(splits) > 1:
            out.append(CorpusIssue(f"{kind}:{group}", "error", f"group crosses splits {sorted(splits)}"))
    return out


def _balance_issues(kind: str, rows: list[dict]) -> list[CorpusIssue]:
    if kind == "framing":
        counts = Counter(r["label"] for r in rows)
    elif kind == "sense":
        counts = Counter(m["sense"] for r in rows for m in r["mentions"])
    else:
        return []
    total = sum(counts.values()) or 1
    return [CorpusIssue(kind, "warning", f"class {label} is {n / total:.0%} of {kind} (< {MIN_SHARE:.0%})")
            for label, n in counts.items() if n / total < MIN_SHARE]


def check_corpus(root: Path) -> list[CorpusIssue]:
    """Return every issue found in corpus/{framing,sense,contracts}/{train,dev,test}.jsonl."""
    issues: list[CorpusIssue] = []
    for kind in KINDS:
        rows_by_split = {split: read_split(root, kind, split) for split in SPLITS}
        if not any(rows_by_split.values()):
            if kind not in OPTIONAL:
                issues.append(CorpusIssue(kind, "error", "no records: run `clientlens corpus build`"))
            continue
        for split, rows in rows_by_split.items():
            issues += _schema_issues(root, kind, split, rows)
            issues += _offset_issues(kind, split, rows)
        issues += _duplicate_issues(kind, rows_by_split)
        issues += _balance_issues(kind, [r for rows in rows_by_split.values() for r in rows])
    issues += _page_issues(root)
    return issues


def _page_issues(root: Path) -> list[CorpusIssue]:
    """Return an error for each page passage that is missing or sits in another split than its page."""
    where = {r["id"]: split for split in SPLITS for r in read_split(root, "framing", split)}
    out = []
    for split in SPLITS:
        for page in read_split(root, "pages", split):
            for ident in page["passages"]:
                if where.get(ident) != split:
                    out.append(CorpusIssue(f"pages/{split}:{page['id']}", "error",
                                           f"passage {ident} is in {where.get(ident, 'no split')}, the page in {split}"))
    return out
