"""Settings: one validated, frozen dataclass, loaded from `.clientlens.toml` or `[tool.clientlens]`.

Lookup walks upward from the audited path: the first `.clientlens.toml` wins, then the first
`pyproject.toml` that has a `[tool.clientlens]` table. CLI flags override the file.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from clientlens.errors import ConfigError, ConfigWarning

SEVERITIES = ("info", "warning", "error")
# The bounds of each cap on work: (lowest, highest, what it counts).
_LIMITS = {
    "max_bytes": (1, 10**12, "a number of bytes"),
    "max_unpacked_bytes": (1, 10**12, "a number of bytes"),
    "max_pdf_pages": (1, 10**7, "a number of pages"),
    "max_pdf_seconds": (0.001, 86_400, "seconds"),
    "read_timeout": (0.001, 86_400, "seconds"),
    "max_sentence": (100, 500_000, "a number of characters"),
    "max_window": (200, 1_000_000, "a number of characters"),
    "max_mentions": (1, 10**7, "a number of mentions"),
}
FAIL_ON = ("error", "warning", "info", "never")
SCOPES = ("site", "document")
FRAMING_FINDINGS = ("merged", "all")


@dataclass(frozen=True)
class Settings:
    """How an audit runs. Each field documents its default.

    preferred: "auto" (the site's dominant family wins), "client", "customer" or the name of
        an extra family. Default "auto".
    families: extra people-word families, name -> word forms (singular first, then plural),
        e.g. {"patient": ["patient", "patients"]}. Default none: only client and customer.
    allow: phrases whose family words never count or get findings, e.g. ["customer service"].
    include / exclude: glob patterns matched against paths found in folders (see
        `path_matches`). Default include every supported suffix, exclude nothing.
    severity: rule name -> "info" | "warning" | "error", overriding the catalogue.
    per_file_ignores: glob -> rule names whose findings are dropped in matching files, e.g.
        {"blog/*.md" = ["mixed-terminology"]}. Default none.
    fail_on: lowest severity that makes the exit code 1. Default "warning".
    max_bytes: most bytes read from one file, pipe or standard input; a larger source is
        reported unreadable instead of read. Default 20 MB.
    max_unpacked_bytes: most bytes a .docx may unpack to (the sizes of all its parts). Default 100 MB.
    max_pdf_pages: a PDF with more pages is reported unreadable. Default 2,000.
    max_pdf_seconds: a PDF whose text takes longer to extract is reported unreadable (checked
        after each page). Default 60.
    read_timeout: seconds a FIFO named on the command line (or `<(command)`) may take to
        end. Default 30.
    max_sentence: longest stretch (characters) taken as the sentence around a mention; text
        with no sentence break is cut there. Default 4,000.
    max_window: most characters the rules give spaCy at once (touching sentences stop merging
        there). Default 100,000; at most 1,000,000, spaCy's own limit.
    max_mentions: a document with more family-word mentions is reported unreadable instead
        of audited (each mention costs work in every step). Default 10,000.
    use_model: run the framing model when one is installed. Default True.
    model_dir: a framing model directory; default the bundled model.
    mismatch_threshold: calibrated framing probability a `framing-mismatch` finding needs.
        Default None: the threshold saved with the model (chosen on the corpus dev split).
    scope: "site" (the documents of one audit are one site, judged against its dominant family)
        or "document" (each judged on its own). Contracts are always judged on their own.
    framing_findings: "merged" (a framing-mismatch is only told as a second reason on a mention
        that already has a terminology finding) or "all" (also on its own, where the page's word
        is the site's word but the copy frames the other relationship). Default "merged": on real
        copy the framing of a whole page is too often wrong for a finding of its own.
    terms: extra fixed names (phrases) whose family words never count and are never rewritten.
    default_terms: use the bundled list of fixed names (rules/patterns/terms.json). Default True.
    front_matter_fields: front-matter keys (or last words of keys) whose string values are
        always read, added to the built-in list (ingest/front_matter.json). Default none.
    front_matter_skip: front-matter keys never read, nor anything nested under them, added
        to the built-in list. Default none.
    """

    preferred: str = "auto"
    families: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    allow: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fail_on: str = "warning"
    max_bytes: int = 20_000_000
    max_unpacked_bytes: int = 100_000_000
    max_pdf_pages: int = 2_000
    max_pdf_seconds: float = 60.0
    read_timeout: float = 30.0
    max_sentence: int = 4_000
    max_window: int = 100_000
    max_mentions: int = 10_000
    use_model: bool = True
    model_dir: str | None = None
    mismatch_threshold: float | None = None
    scope: str = "site"
    framing_findings: str = "merged"
    terms: tuple[str, ...] = ()
    default_terms: bool = True
    front_matter_fields: tuple[str, ...] = ()
    front_matter_skip: tuple[str, ...] = ()
    source: str = "defaults"

    def __post_init__(self) -> None:
        where = f" in {self.source}" if self.source != "defaults" else ""
        families = ("auto", "client", "customer", *self.families)
        if self.preferred not in families:
            raise ConfigError(f"preferred = {self.preferred!r}{where}: expected one of {', '.join(families)}")
        if self.framing_findings not in FRAMING_FINDINGS:
            raise ConfigError(f"framing-findings = {self.framing_findings!r}{where}: expected one of "
                              f"{', '.join(FRAMING_FINDINGS)}")
        if self.scope not in SCOPES:
            raise ConfigError(f"scope = {self.scope!r}{where}: expected one of {', '.join(SCOPES)}")
        if self.fail_on not in FAIL_ON:
            raise ConfigError(f"fail-on = {self.fail_on!r}{where}: expected one of {', '.join(FAIL_ON)}")
        for rule, sev in self.severity.items():
            if sev not in SEVERITIES:
                raise ConfigError(f"severity.{rule} = {sev!r}{where}: expected one of {', '.join(SEVERITIES)}")
        for name, (low, high, unit) in _LIMITS.items():
            value = getattr(self, name)
            if not low <= value <= high:
                key = name.replace("_", "-")
                raise ConfigError(f"{key} = {value}{where}: expected {unit} from {low:,} to {high:,}")
        if self.max_window < 2 * self.max_sentence:
            raise ConfigError(f"max-window = {self.max_window}{where}: expected at least twice max-sentence "
                              f"({self.max_sentence}), so that a sentence window always fits")
        if self.mismatch_threshold is not None and not 0.0 < self.mismatch_threshold <= 1.0:
            raise ConfigError(f"mismatch-threshold = {self.mismatch_threshold}{where}: expected 0 < x <= 1")
        self._check_families(where)
        for name, keys in (("front-matter-fields", self.front_matter_fields),
                           ("front-matter-skip", self.front_matter_skip)):
            bad = [k for k in keys if not _FRONT_MATTER_KEY.fullmatch(k)]
            if bad:
                raise ConfigError(f"{name} = {list(keys)!r}{where}: {bad[0]!r} is not a front-matter key "
                                  "(letters, digits, _ and -, e.g. \"hero_text\")")

    def _check_families(self, where: str) -> None:
        owner: dict[str, str] = {"client": "client", "clients": "client", "clientele": "client",
                                 "customer": "customer", "customers": "customer"}
        for name, forms in self.families.items():
            if name in ("client", "customer", "auto") or not _FAMILY_NAME.fullmatch(name):
                raise ConfigError(f"families.{name}{where}: expected a new family name in lower case "
                                  "(letters and hyphens), not client, customer or auto")
            if not forms or not all(isinstance(f, str) and _WORD_FORM.fullmatch(f) for f in forms):
                raise ConfigError(f"families.{name} = {list(forms)!r}{where}: expected a list of word forms "
                                  '(letters, hyphens), singular first, e.g. ["patient", "patients"]')
            for form in forms:
                taken = owner.setdefault(form.lower(), name)
                if taken != name:
                    raise ConfigError(f"families.{name}{where}: the word form {form!r} already belongs to "
                                      f"family {taken!r}")

    def replace(self, **changes: Any) -> "Settings":
        """Return a copy with `changes` applied (None values are ignored), validated again.

        The changes come from command-line options, so a bad value is reported as theirs,
        not as the config file's.
        """
        changes = {k: v for k, v in changes.items() if v is not None}
        if changes:
            dataclasses.replace(self, source="command-line options", **changes)
        return dataclasses.replace(self, **changes)


def path_matches(path: str, globs: Iterable[str]) -> bool:
    """Return True when the posix `path` (or any trailing part of it) matches one of `globs`.

    `*` also matches "/", so "*.md" matches every Markdown file; a leading "**/" is
    optional. Matching trailing parts lets "blog/*.md" match "site/blog/post.md" whether
    the audit started at "site" or above it.
    """
    parts = path.split("/")
    tails = ["/".join(parts[i:]) for i in range(len(parts))]
    for glob in globs:
        pattern = glob[3:] if glob.startswith("**/") else glob.lstrip("/")
        if any(fnmatch.fnmatchcase(tail, pattern) for tail in tails):
            return True
    return False


_KEYS = {
    "preferred": str, "families": dict, "allow": list, "include": list, "exclude": list,
    "severity": dict, "fail-on": str, "max-bytes": int, "use-model": bool, "model-dir": str,
    "mismatch-threshold": float, "per-file-ignores": dict, "scope": str, "terms": list, "framing-findings": str,
    "default-terms": bool, "max-unpacked-bytes": int, "max-pdf-pages": int, "max-pdf-seconds": float,
    "read-timeout": float, "max-sentence": int, "max-window": int, "max-mentions": int,
    "front-matter-fields": list, "front-matter-skip": list,
}
_FAMILY_NAME = re.compile(r"[a-z][a-z-]*")
_WORD_FORM = re.compile(r"[A-Za-z][A-Za-z-]*")
_FRONT_MATTER_KEY = re.compile(r"[A-Za-z0-9_-]+")


def settings_from_table(table: Mapping[str, Any], source: str) -> Settings:
    """Return Settings built from a TOML table; unknown keys and wrong types raise ConfigError."""
    kwargs: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            raise ConfigError(f"unknown key {key!r} in {source}: expected one of {', '.join(sorted(_KEYS))}")
        expected = _KEYS[key]
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if expected is list:
            value = _strings(value, key, source)
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            kind = "table" if expected is dict else expected.__name__
            raise ConfigError(f"{key} = {value!r} in {source}: expected a {kind}")
        elif key in ("families", "per-file-ignores"):
            value = {k: _strings(v, f"{key}.{k}", source) for k, v in value.items()}
        elif key == "severity":
            value = {k: _string(v, f"severity.{k}", source) for k, v in value.items()}
        kwargs[key.replace("-", "_")] = value
    return Settings(source=source, **kwargs)


def _strings(value: Any, key: str, source: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} = {value!r} in {source}: expected a list of strings")
    return tuple(value)


def _string(value: Any, key: str, source: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{key} = {value!r} in {source}: expected a string")
    return value


def find_config(start: Path) -> tuple[Path, Mapping[str, Any]] | None:
    """Return (file, table) of the nearest config above `start`, or None if there is none.

    A pyproject.toml that cannot be parsed and does not mention clientlens is passed over
    with a ConfigWarning: it is some other tool's business, and it must not stop the audit.
    """
    here = start.resolve()
    if here.is_file() or not here.exists():
        here = here.parent
    for folder in (here, *here.parents):
        dotfile = folder / ".clientlens.toml"
        if dotfile.is_file():
            return dotfile, _read_toml(dotfile)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = _read_toml(pyproject)
            except ConfigError as exc:
                if _names_clientlens(pyproject):
                    raise
                warnings.warn(f"{exc}; passed over (it does not mention clientlens)", ConfigWarning, stacklevel=2)
                continue
            table = _clientlens_table(data, pyproject, searching=True)
            if table is not None:
                return pyproject, table
    return None


def load_settings(start: Path | None = None, config_file: Path | None = None) -> Settings:
    """Return the Settings in force for `start` (or an explicit `config_file`), else the defaults."""
    if config_file is not None:
        table = _read_toml(config_file)
        if config_file.name == "pyproject.toml":
            table = _clientlens_table(table, config_file) or {}
        return settings_from_table(table, str(config_file))
    found = find_config(start or Path.cwd())
    if found is None:
        return Settings()
    path, table = found
    return settings_from_table(table, str(path))


def _clientlens_table(data: Mapping[str, Any], path: Path, searching: bool = False) -> Mapping[str, Any] | None:
    """Return the [tool.clientlens] table of a parsed pyproject.toml, or None when it has none.

    `tool` that is not a table cannot hold one: passed over with a warning while searching,
    an error when the file was named with --config. A `clientlens` key that is not a table is
    always an error: it was meant for clientlens.
    """
    tool = data.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        message = f"tool = {_short(tool)} in {path}: expected a table ([tool]) that may hold [tool.clientlens]"
        if not searching:
            raise ConfigError(message)
        warnings.warn(f"{message}; passed over", ConfigWarning, stacklevel=3)
        return None
    table = tool.get("clientlens")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"tool.clientlens = {_short(table)} in {path}: expected a table ([tool.clientlens])")
    return table


_MENTIONS_CLIENTLENS = re.compile(rb"tool\s*\.\s*[\"']?clientlens|^\s*[\"']?clientlens[\"']?\s*[.=]", re.M)
MAX_CONFIG_BYTES = 1_000_000


def _names_clientlens(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return bool(_MENTIONS_CLIENTLENS.search(handle.read(MAX_CONFIG_BYTES)))
    except OSError:
        return False


def _read_toml(path: Path) -> dict[str, Any]:
    """Return the parsed TOML file; every way it can fail becomes a ConfigError naming the file (and key)."""
    try:
        if path.exists() and not path.is_file():
            raise ConfigError(f"cannot read config {path}: not a regular file")
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"cannot read config {path}: over {MAX_CONFIG_BYTES // 1_000_000} MB, not a config file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        number = raw.count(b"\n", 0, exc.start) + 1
        line = raw.split(b"\n")[number - 1].decode("utf-8", "replace")
        raise ConfigError(f"cannot read config {path}: {_where(line, number)} is not UTF-8 "
                          f"(byte 0x{raw[exc.start]:02x}); save the file as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from None
    except RecursionError:
        lines = text.split("\n")
        deepest = max(range(len(lines)), key=lambda i: lines[i].count("[") + lines[i].count("{"))
        raise ConfigError(f"cannot read config {path}: {_where(lines[deepest], deepest + 1)} nests arrays or "
                          "tables too deeply") from None


def _where(line: str, number: int) -> str:
    """Return "line N (key K)", naming the key the TOML line sets, if it sets one."""
    key = re.match(r"\s*([A-Za-z0-9_.\"' -]+?)\s*=", line)
    return f"line {number}" + (f" (key {key.group(1).strip()})" if key else "")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
