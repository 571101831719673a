"""Raw authoring files (corpus/raw/, see corpus/AUTHORING.md) -> JSON Lines with a seeded split.

The split is group-aware: a counterfactual pair shares a group key, and near-duplicates are
merged into one group, so neither ever crosses train/dev/test.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from clientlens.rules.families import family_set
from clientlens.types import FRAMING_LABELS

SPLITS = ("train", "dev", "test")
RATIOS = (0.70, 0.15, 0.15)
# Contracts are few and the contract checker is rules, not a trained model: keep more for evaluation.
CONTRACT_RATIOS = (0.40, 0.30, 0.30)
SENSE_CODES = {"p": "person", "n": "non_person", "m": "meta"}
ISSUE_RULES = {"synonym": "defined-term-synonym", "lowercase": "defined-term-lowercase",
               "before": "defined-term-before-definition", "redefined": "defined-term-redefined"}
_SENSE_MARK = re.compile(r"\[\[([pnm]):([^\]]+)\]\]")
# Role documents: [[own:clients]], [[third:customers]], [[generic:...]], [[disc:...]], [[term:...]] for
# person mentions with their role; [[n:...]] software and [[m:...]] the word itself.
ROLE_CODES = {"own": "own", "third": "third_party", "generic": "generic", "disc": "discussion", "term": "term"}
_ROLE_MARK = re.compile(r"\[\[(own|third|generic|disc|term|n|m):([^\]]+)\]\]")
_CONTRACT_MARK = re.compile(r"\[\[(def|redefined|synonym|lowercase|before):([^\]]+)\]\]")
LABELS = ("client", "customer", "neutral")


@dataclass
class BuildReport:
    """What the build produced and every problem it found (file:line: message)."""

    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def split_of(group: str, seed: int = 13, ratios: tuple[float, float, float] = RATIOS) -> str:
    """Return the split of a group key: a stable hash, so adding records never moves old ones."""
    digest = hashlib.sha256(f"{seed}:{group}".encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    return "train" if u < ratios[0] else ("dev" if u < ratios[0] + ratios[1] else "test")


def normalise_for_duplicates(text: str) -> str:
    """Return the text reduced to lower-case words with family words masked (for near-duplicates)."""
    masked = family_set().pattern.sub("TERM", text)
    return " ".join(re.findall(r"[a-z0-9]+", masked.lower()))


def _raw_lines(folder: Path, keep: tuple[str, ...] = ()) -> Iterator[tuple[str, int, str]]:
    """Yield (file name, line number, line) of each raw line that is no comment; lines starting
    with one of `keep` are yielded even when they look like comments."""
    for path in sorted(folder.glob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if keep and line.startswith(keep):
                yield path.name, number, line.rstrip()
            elif line.strip() and not line.lstrip().startswith("#"):
                yield path.name, number, line.rstrip()


def _group_key(group: str, text: str, author: str, ident: str) -> str:
    return group.strip() or f"{author}:{ident}"


def build_framing(raw: Path, report: BuildReport, pages: list[dict] | None = None) -> list[dict]:
    """Return framing records from corpus/raw/framing/*.txt (and, into `pages`, the pages they form).

    A line `## page ID | label | sector | shape` opens a page: the passage lines after it (up
    to the next page line, `## end` or the end of the file) are its paragraphs, and lines
    starting with `~ ` are page text that is no passage (headings, menus, prices, code). A
    page's passages share its id as their group, so a page never crosses splits.
    """
    families = family_set()
    records = []
    page: dict | None = None
    for name, number, line in _raw_lines(raw / "framing", keep=("## ", "~ ")):
        if line.startswith("## "):
            page = _open_page(line, name, number, report)
            if page is not None and pages is not None:
                pages.append(page)
            continue
        if line.startswith("~ "):
            if page is None:
                report.problems.append(f"framing/{name}:{number}: page text outside a page")
            else:
                page["paragraphs"].append(line[2:].strip())
            continue
        fields = [f.strip() for f in line.split(" | ", 4)]
        if len(fields) != 5 or fields[0] not in LABELS or not fields[4]:
            report.problems.append(f"framing/{name}:{number}: expected 'label | sector | genre | group | text'")
            continue
        label, sector, genre, group, text = fields
        words = {families.family_of(m) for m in families.pattern.finditer(text)}
        author = name.split("-")[0]
        ident = f"{name.removesuffix('.txt')}:{number}"
        if page is not None and page["file"] == name:
            if group:
                report.problems.append(f"framing/{name}:{number}: a page passage takes its page's group")
            group = page["id"]
            page["paragraphs"].append(text)
            page["passages"].append(ident)
        records.append({"id": ident, "text": text, "label": label, "sector": sector, "genre": genre,
                        "group": _group_key(group, text, author, ident),
                        "terms": sorted(words),
                        "mismatch": bool(words) and label in ("client", "customer") and words == {"client", "customer"} - {label},
                        "counterfactual": bool(group.strip()) and not group.startswith("page-")})
    return records


def _open_page(line: str, name: str, number: int, report: BuildReport) -> dict | None:
    """Return a new page from its `## page ID | label | sector | shape` line, None for `## end`."""
    if line.strip() == "## end":
        return None
    head = line[3:].split(" | ")
    if len(head) != 4 or not head[0].startswith("page ") or head[1].strip() not in LABELS:
        report.problems.append(f"framing/{name}:{number}: expected '## page ID | label | sector | shape'")
        return None
    ident = "page-" + head[0][len("page "):].strip()
    return {"id": ident, "label": head[1].strip(), "sector": head[2].strip(), "shape": head[3].strip(),
            "file": name, "paragraphs": [], "passages": []}


def finish_pages(pages: list[dict], records: list[dict], report: BuildReport) -> list[dict]:
    """Return page records (text: the paragraphs as Markdown; split: their passages') for pages
    with at least one passage."""
    split = {r["id"]: r["split"] for r in records}
    out = []
    for page in pages:
        kept = [p for p in page["passages"] if p in split]
        if not kept:
            report.problems.append(f"framing/{page['file']}: page {page['id']} has no passage")
            continue
        out.append({"id": page["id"], "text": "\n\n".join(page["paragraphs"]) + "\n", "label": page["label"],
                    "sector": page["sector"], "shape": page["shape"], "group": page["id"], "passages": kept,
                    "split": split[kept[0]]})
    return out


def build_sense(raw: Path, report: BuildReport) -> list[dict]:
    """Return mention-sense records (text plus labelled mention offsets) from corpus/raw/sense/*.txt."""
    families = family_set()
    records = []
    for name, number, line in _raw_lines(raw / "sense"):
        fields = [f.strip() for f in line.split(" | ", 3)]
        if len(fields) != 4:
            report.problems.append(f"sense/{name}:{number}: expected 'sector | genre | group | text'")
            continue
        sector, genre, group, marked = fields
        text, mentions = _unmark_sense(marked)
        found = [(m.start(), m.end()) for m in families.pattern.finditer(text)]
        labelled = [(m["start"], m["end"]) for m in mentions]
        missing = [text[s:e] for s, e in found if not any(ls <= s < le for ls, le in labelled)]
        if missing:
            report.problems.append(f"sense/{name}:{number}: unwrapped family word(s): {', '.join(missing)}")
            continue
        for m in mentions:
            hit = families.pattern.search(text, m["start"])
            m["family"] = families.family_of(hit) if hit and hit.start() < m["end"] else None
        if any(m["family"] is None for m in mentions):
            report.problems.append(f"sense/{name}:{number}: wrapped text that is not a family word")
            continue
        ident = f"{name.removesuffix('.txt')}:{number}"
        records.append({"id": ident, "text": text, "mentions": mentions, "sector": sector, "genre": genre,
                        "group": _group_key(group, text, name.split("-")[0], ident),
                        "counterfactual": bool(group.strip())})
    return records


def _unmark_sense(marked: str) -> tuple[str, list[dict]]:
    out, mentions, pos = [], [], 0
    length = 0
    for m in _SENSE_MARK.finditer(marked):
        chunk = marked[pos:m.start()]
        out.append(chunk)
        length += len(chunk)
        surface = m.group(2)
        mentions.append({"start": length, "end": length + len(surface), "surface": surface,
                         "sense": SENSE_CODES[m.group(1)]})
        out.append(surface)
        length += len(surface)
        pos = m.end()
    out.append(marked[pos:])
    return "".join(out), mentions


def build_contracts(raw: Path, report: BuildReport) -> list[dict]:
    """Return contract records (text, defined term, definition span, labelled issues)."""
    records = []
    for path in sorted((raw / "contracts").glob("*.txt")):
        for chunk in path.read_text(encoding="utf-8").split("\n=====")[:-1]:
            record = _parse_contract(chunk.strip("\n"), path.name, report)
            if record:
                records.append(record)
    return records


def _parse_contract(chunk: str, name: str, report: BuildReport) -> dict | None:
    head, sep, body = chunk.partition("\n---\n")
    meta = dict(line.split(":", 1) for line in head.splitlines() if ":" in line)
    meta = {k.strip(): v.strip() for k, v in meta.items()}
    if not sep or not {"id", "defined_term", "is_party"} <= set(meta):
        report.problems.append(f"contracts/{name}: contract {meta.get('id', '?')}: missing header keys or ---")
        return None
    text_parts, issues, definition, pos, length = [], [], None, 0, 0
    for m in _CONTRACT_MARK.finditer(body):
        text_parts.append(body[pos:m.start()])
        length += m.start() - pos
        span = {"start": length, "end": length + len(m.group(2)), "surface": m.group(2)}
        if m.group(1) == "def":
            definition = span
        else:
            issues.append({"rule": ISSUE_RULES.get(m.group(1), "defined-term-redefined"), **span})
        text_parts.append(m.group(2))
        length += len(m.group(2))
        pos = m.end()
    text_parts.append(body[pos:])
    term = meta["defined_term"]
    return {"id": meta["id"], "text": "".join(text_parts), "defined_term": None if term.lower() == "none" else term,
            "is_party": meta["is_party"].lower() == "true", "sector": meta.get("sector", ""),
            "definition": definition, "issues": issues, "group": meta["id"]}


def build_roles(raw: Path, report: BuildReport) -> list[dict]:
    """Return role documents (a page of text, every family mention with sense and role, the page's
    reader and verdicts) from corpus/raw/roles/*.txt, documents separated by a line of '====='."""
    families = family_set()
    records = []
    for path in sorted((raw / "roles").glob("*.txt")):
        for chunk in path.read_text(encoding="utf-8").split("\n=====")[:-1]:
            record = _parse_role_document(chunk.strip("\n"), path.name, report, families)
            if record:
                records.append(record)
    return records


def _parse_role_document(chunk: str, name: str, report: BuildReport, families) -> dict | None:
    head, sep, body = chunk.partition("\n---\n")
    head = "\n".join(line for line in head.splitlines() if not line.lstrip().startswith("#"))
    meta = {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in head.splitlines() if ":" in line)}
    ident = meta.get("id", "?")
    required = {"id", "reader", "discussion", "mixed", "sector", "genre"}
    if not sep or not required <= set(meta):
        report.problems.append(f"roles/{name}: document {ident}: missing header keys ({', '.join(sorted(required))}) or ---")
        return None
    text_parts, mentions, pos, length = [], [], 0, 0
    for m in _ROLE_MARK.finditer(body):
        text_parts.append(body[pos:m.start()])
        length += m.start() - pos
        code, surface = m.group(1), m.group(2)
        sense = SENSE_CODES.get(code, "person")
        mentions.append({"start": length, "end": length + len(surface), "surface": surface, "sense": sense,
                         "role": ROLE_CODES.get(code)})
        text_parts.append(surface)
        length += len(surface)
        pos = m.end()
    text_parts.append(body[pos:])
    text = "".join(text_parts)
    labelled = [(m["start"], m["end"]) for m in mentions]
    missing = [text[h.start():h.end()] for h in families.pattern.finditer(text)
               if not any(s <= h.start() < e for s, e in labelled)]
    if missing:
        report.problems.append(f"roles/{name}: document {ident}: unwrapped family word(s): {', '.join(missing)}")
        return None
    for m in mentions:
        hit = families.pattern.search(text, m["start"])
        m["family"] = families.family_of(hit) if hit and hit.start() < m["end"] else None
    if any(m["family"] is None for m in mentions):
        report.problems.append(f"roles/{name}: document {ident}: wrapped text that is not a family word")
        return None
    yes = ("yes", "true")
    record = {"id": ident, "text": text, "mentions": mentions, "kind": meta.get("kind", "page"),
              "reader": meta["reader"], "discussion": meta["discussion"].lower() in yes,
              "mixed": meta["mixed"].lower() in yes, "sector": meta["sector"], "genre": meta["genre"],
              "group": meta.get("group") or ident}
    if meta.get("framing"):
        # The page's framing, judged as a framing page's label is: it lets the document framing
        # be measured on whole pages the framing model never trained on (pages.py).
        label, _, doubt = meta["framing"].partition(" ")
        if label not in FRAMING_LABELS or doubt not in ("", "(borderline)"):
            report.problems.append(f"roles/{name}: document {ident}: framing must be one of "
                                   f"{', '.join(FRAMING_LABELS)}, optionally followed by (borderline)")
            return None
        record["framing"], record["framing_borderline"] = label, bool(doubt)
    return record


def assign_splits(records: list[dict], seed: int, ratios: tuple[float, float, float] = RATIOS) -> None:
    """Set record["split"]: near-duplicates join one group first, then each group is hashed."""
    parent: dict[str, str] = {}

    def find(g: str) -> str:
        while parent.get(g, g) != g:
            g = parent[g]
        return g

    seen: dict[str, str] = {}
    for r in records:
        key = normalise_for_duplicates(r["text"])
        if key in seen:
            parent[find(r["group"])] = find(seen[key])
        else:
            seen[key] = r["group"]
    for r in records:
        r["split"] = split_of(find(r["group"]), seed, ratios)


def _drop_exact_duplicates(records: list[dict], kind: str, report: BuildReport) -> list[dict]:
    """Return records without exact repeats of an earlier text (two authors can write one sentence)."""
    seen: dict[str, str] = {}
    kept = []
    for r in records:
        if r["text"] in seen:
            report.dropped.append(f"{kind}:{r['id']} repeats {seen[r['text']]}")
            continue
        seen[r["text"]] = r["id"]
        kept.append(r)
    return kept


def build(root: Path, seed: int = 13) -> BuildReport:
    """Build corpus/{framing,pages,sense,contracts,roles}/{train,dev,test}.jsonl from corpus/raw; return the report."""
    report = BuildReport()
    raw = root / "raw"
    pages: list[dict] = []
    for kind, builder in (("framing", lambda r, rep: build_framing(r, rep, pages)), ("sense", build_sense),
                          ("contracts", build_contracts), ("roles", build_roles)):
        if not (raw / kind).is_dir():
            continue
        records = _drop_exact_duplicates(builder(raw, report), kind, report)
        # Contracts and roles are judged by rules, not a trained model: keep more for evaluation.
        assign_splits(records, seed, CONTRACT_RATIOS if kind in ("contracts", "roles") else RATIOS)
        _write_splits(root, kind, records, report)
        if kind == "framing":
            _write_splits(root, "pages", finish_pages(pages, records, report), report)
    return report


def _write_splits(root: Path, kind: str, records: list[dict], report: BuildReport) -> None:
    out = root / kind
    out.mkdir(exist_ok=True)
    for split in SPLITS:
        rows = [r for r in records if r["split"] == split]
        tmp = out / f"{split}.jsonl.tmp"
        tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        tmp.replace(out / f"{split}.jsonl")
        report.counts[f"{kind}/{split}"] = len(rows)
