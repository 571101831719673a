"""The rules' data files (word lists, cues, patterns) in `rules/patterns/`, read once per process."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=None)
def pattern_data(name: str) -> dict[str, Any]:
    """Return the parsed JSON of `rules/patterns/<name>` (e.g. "roles.json"); callers must not change it."""
    return json.loads(resources.files("clientlens.rules").joinpath(f"patterns/{name}").read_text("utf-8"))
