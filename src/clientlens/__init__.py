"""clientlens: how business text names and treats the people it serves.

Public API: `audit_text(text) -> DocumentReport`, `audit_paths(paths) -> SiteReport`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

__version__ = "0.1.0"

if TYPE_CHECKING:
    from clientlens.config import Settings
    from clientlens.types import DocumentReport, SiteReport

__all__ = ["audit_text", "audit_paths", "__version__"]


def audit_text(text: str, settings: "Settings | None" = None) -> "DocumentReport":
    """Return the DocumentReport of `text` (plain text)."""
    from clientlens.engine import Auditor

    return Auditor(settings).audit_text(text)


def audit_paths(paths: Iterable[str] | str, settings: "Settings | None" = None) -> "SiteReport":
    """Return the SiteReport of files and folders (str or a list of them)."""
    from clientlens.engine import Auditor

    if isinstance(paths, str):
        paths = [paths]
    return Auditor(settings).audit_paths(list(paths))
