"""Placeholder until the framing model lands: no model directory is found."""

from __future__ import annotations

from pathlib import Path


def find_model_dir(configured: str | None) -> Path | None:
    """Return the framing model directory to use, or None when no model is installed."""
    return None
