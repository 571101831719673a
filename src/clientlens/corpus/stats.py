"""corpus_stats: the counts the datasheet quotes, computed from the built corpus."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from clientlens.corpus.build import SPLITS
from clientlens.corpus.check import read_split


def agreement(root: Path) -> dict | None:
    """Return raw agreement and Cohen's kappa between the framing labels and their blind second pass."""
    second = root / "quality" / "second-pass.jsonl"
    if not second.is_file():
        return None
    import json

    gold = {r["id"]: r["label"] for s in SPLITS for r in read_split(root, "framing", s)}
    return _kappa([(gold[r["id"]], r["label"]) for r in map(json.loads, second.read_text().splitlines())
                   if r["id"] in gold])


def sense_agreement(root: Path) -> dict | None:
    """Return raw agreement and Cohen's kappa between the mention senses and their blind second
    pass (quality/sense-second-pass.jsonl: id, start, sense), overall and per split."""
    second = root / "quality" / "sense-second-pass.jsonl"
    if not second.is_file():
        return None
    import json

    gold = {(r["id"], m["start"]): (m["sense"], s) for s in SPLITS for r in read_split(root, "sense", s)
            for m in r["mentions"]}
    rows = [r for r in map(json.loads, second.read_text().splitlines()) if (r["id"], r["start"]) in gold]
    found = [(gold[(r["id"], r["start"])], r["sense"]) for r in rows]
    result = _kappa([(g, other) for (g, _), other in found])
    if result is not None:
        result["splits"] = {s: _kappa([(g, other) for (g, split), other in found if split == s]) for s in SPLITS}
    return result


def _kappa(pairs: list[tuple[str, str]]) -> dict | None:
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, other = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[label] * other[label] for label in first) / (n * n)
    kappa = (observed - expected) / (1 - expected) if expected < 1 else 1.0
    return {"n": n, "agreement": round(observed, 3), "cohen_kappa": round(kappa, 3),
            "disagreements": dict(Counter(f"{a}->{b}" for a, b in pairs if a != b))}


def corpus_stats(root: Path) -> dict:
    """Return counts per label, split, sector and genre, plus the decoupling shares."""
    framing = {s: read_split(root, "framing", s) for s in SPLITS}
    sense = {s: read_split(root, "sense", s) for s in SPLITS}
    contracts = {s: read_split(root, "contracts", s) for s in SPLITS}
    f_all = [r for rows in framing.values() for r in rows]
    s_all = [m for rows in sense.values() for r in rows for m in r["mentions"]]
    c_all = [r for rows in contracts.values() for r in rows]
    n = len(f_all) or 1
    groups = Counter(r["group"] for r in f_all if r["counterfactual"])
    return {
        "framing": {
            "passages": len(f_all),
            "labels": dict(Counter(r["label"] for r in f_all)),
            "splits": {s: dict(Counter(r["label"] for r in rows), total=len(rows)) for s, rows in framing.items()},
            "sectors": dict(Counter(r["sector"] for r in f_all).most_common()),
            "genres": dict(Counter(r["genre"] for r in f_all).most_common()),
            "no_term_share": round(sum(1 for r in f_all if not r["terms"]) / n, 3),
            "mismatch_share": round(sum(1 for r in f_all if r["mismatch"]) / n, 3),
            "counterfactual_pairs": sum(1 for c in groups.values() if c >= 2),
        },
        "sense": {
            "passages": sum(len(rows) for rows in sense.values()),
            "mentions": len(s_all),
            "senses": dict(Counter(m["sense"] for m in s_all)),
            "splits": {s: dict(Counter(m["sense"] for r in rows for m in r["mentions"])) for s, rows in sense.items()},
            "non_person_share": round(sum(1 for m in s_all if m["sense"] == "non_person") / (len(s_all) or 1), 3),
            "meta_share": round(sum(1 for m in s_all if m["sense"] == "meta") / (len(s_all) or 1), 3),
        },
        "second_pass": agreement(root),
        "sense_second_pass": sense_agreement(root),
        "contracts": {
            "contracts": len(c_all),
            "clean": sum(1 for r in c_all if not r["issues"]),
            "third_party_definitions": sum(1 for r in c_all if not r["is_party"]),
            "issues": dict(Counter(i["rule"] for r in c_all for i in r["issues"])),
            "splits": {s: len(rows) for s, rows in contracts.items()},
        },
    }
