"""Settings: one validated, frozen dataclass, loaded from `.clientlens.toml` or `[tool.clientlens]`.

Lookup walks upward from the audited path: the first `.clientlens.toml` wins, then the first
`pyproject.toml` that has a `[tool.clientlens]` table. CLI flags override the file.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from clientlens.errors import ConfigError

SEVERITIES = ("info", "warning", "error")
FAIL_ON = ("error", "warning", "info", "never")


@dataclass(frozen=True)
class Settings:
    """How an audit runs. Each field documents its default.

    preferred: "auto" (the dominant family wins), "client" or "customer". Default "auto".
    families: extra people-word families, name -> word forms (singular first), e.g.
        {"patient": ["patient", "patients"]}. Default none: only client and customer.
    allow: phrases whose family words never count or get findings, e.g. ["customer service"].
    include / exclude: glob patterns matched against paths found in folders.
        Default include every supported suffix, exclude nothing.
    severity: rule name -> "info" | "warning" | "error", overriding the catalogue.
    fail_on: lowest severity that makes the exit code 1. Default "warning".
    max_bytes: larger files are reported unreadable instead of read. Default 20 MB.
    use_model: run the framing model when one is installed. Default True.
    model_dir: a framing model directory; default the bundled model.
    mismatch_threshold: framing probability above which `framing-mismatch` fires. Default 0.8.
    """

    preferred: str = "auto"
    families: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    allow: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    fail_on: str = "warning"
    max_bytes: int = 20_000_000
    use_model: bool = True
    model_dir: str | None = None
    mismatch_threshold: float = 0.8
    source: str = "defaults"

    def __post_init__(self) -> None:
        where = f" in {self.source}" if self.source != "defaults" else ""
        families = ("auto", "client", "customer", *self.families)
        if self.preferred not in families:
            raise ConfigError(f"preferred = {self.preferred!r}{where}: expected one of {', '.join(families)}")
        if self.fail_on not in FAIL_ON:
            raise ConfigError(f"fail-on = {self.fail_on!r}{where}: expected one of {', '.join(FAIL_ON)}")
        for rule, sev in self.severity.items():
            if sev not in SEVERITIES:
                raise ConfigError(f"severity.{rule} = {sev!r}{where}: expected one of {', '.join(SEVERITIES)}")
        if self.max_bytes <= 0:
            raise ConfigError(f"max-bytes = {self.max_bytes}{where}: expected a positive number of bytes")
        if not 0.0 < self.mismatch_threshold <= 1.0:
            raise ConfigError(f"mismatch-threshold = {self.mismatch_threshold}{where}: expected 0 < x <= 1")
        for name, forms in self.families.items():
            if name in ("client", "customer") or not forms or not all(isinstance(f, str) and f for f in forms):
                raise ConfigError(f"families.{name}{where}: expected a new family name with a list of word forms")

    def replace(self, **changes: Any) -> "Settings":
        """Return a copy with `changes` applied (None values are ignored), validated again."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


_KEYS = {
    "preferred": str, "families": dict, "allow": list, "include": list, "exclude": list,
    "severity": dict, "fail-on": str, "max-bytes": int, "use-model": bool, "model-dir": str,
    "mismatch-threshold": float,
}


def settings_from_table(table: Mapping[str, Any], source: str) -> Settings:
    """Return Settings built from a TOML table; unknown keys and wrong types raise ConfigError."""
    kwargs: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            raise ConfigError(f"unknown key {key!r} in {source}: expected one of {', '.join(sorted(_KEYS))}")
        expected = _KEYS[key]
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{key} = {value!r} in {source}: expected a {expected.__name__}")
        name = key.replace("-", "_")
        if expected is list:
            value = tuple(str(v) for v in value)
        if key == "families":
            value = {k: tuple(v) if isinstance(v, list) else () for k, v in value.items()}
        kwargs[name] = value
    return Settings(source=source, **kwargs)


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
