"""Settings: one validated, frozen dataclass, loaded from `.clientlens.toml` or `[tool.clientlens]`.

Lookup walks upward from the audited path: the first `.clientlens.toml` wins, then the first
`pyproject.toml` that has a `[tool.clientlens]` table. CLI flags override the file.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from clientlens.errors import ConfigError

SEVERITIES = ("info", "warning", "error")
FAIL_ON = ("error", "warning", "info", "never")
SCOPES = ("site", "document")


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
    max_bytes: larger files are reported unreadable instead of read. Default 20 MB.
    use_model: run the framing model when one is installed. Default True.
    model_dir: a framing model directory; default the bundled model.
    mismatch_threshold: framing probability above which `framing-mismatch` fires. Default 0.8.
    scope: "site" (the documents of one audit are one site, judged against its dominant family)
        or "document" (each judged on its own). Contracts are always judged on their own.
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
    use_model: bool = True
    model_dir: str | None = None
    mismatch_threshold: float = 0.8
    scope: str = "site"
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
        if self.scope not in SCOPES:
            raise ConfigError(f"scope = {self.scope!r}{where}: expected one of {', '.join(SCOPES)}")
        if self.fail_on not in FAIL_ON:
            raise ConfigError(f"fail-on = {self.fail_on!r}{where}: expected one of {', '.join(FAIL_ON)}")
        for rule, sev in self.severity.items():
            if sev not in SEVERITIES:
                raise ConfigError(f"severity.{rule} = {sev!r}{where}: expected one of {', '.join(SEVERITIES)}")
        if self.max_bytes <= 0:
            raise ConfigError(f"max-bytes = {self.max_bytes}{where}: expected a positive number of bytes")
        if not 0.0 < self.mismatch_threshold <= 1.0:
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
    "mismatch-threshold": float, "per-file-ignores": dict, "scope": str, "terms": list,
    "default-terms": bool, "front-matter-fields": list, "front-matter-skip": list,
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
    """Return (file, table) of the nearest config above `start`, or None if there is none."""
    here = start.resolve()
    if here.is_file() or not here.exists():
        here = here.parent
    for folder in (here, *here.parents):
        dotfile = folder / ".clientlens.toml"
        if dotfile.is_file():
            return dotfile, _read_toml(dotfile)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            table = _read_toml(pyproject).get("tool", {}).get("clientlens")
            if table is not None:
                return pyproject, table
    return None


def load_settings(start: Path | None = None, config_file: Path | None = None) -> Settings:
    """Return the Settings in force for `start` (or an explicit `config_file`), else the defaults."""
    if config_file is not None:
        table = _read_toml(config_file)
        if config_file.name == "pyproject.toml":
            table = table.get("tool", {}).get("clientlens", {})
        return settings_from_table(table, str(config_file))
    found = find_config(start or Path.cwd())
    if found is None:
        return Settings()
    path, table = found
    return settings_from_table(table, str(path))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from None
