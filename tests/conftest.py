"""Shared fixtures: one spaCy pipeline and one rules-only Auditor per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from clientlens.config import Settings
from clientlens.engine import Auditor
from clientlens.rules.mentions import to_mentions
from clientlens.rules.nlp import build_nlp
from clientlens.types import OffsetMap

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def nlp():
    return build_nlp()


@pytest.fixture(scope="session")
def auditor():
    return Auditor(Settings(use_model=False))


@pytest.fixture(scope="session")
def ray_cluster():
    """Ray started once per test session on this machine with 2 CPUs, and shut down at the end."""
    pytest.importorskip("ray", reason="the scale extra is not installed (pip install 'clientlens[scale]')")
    from clientlens.scale.run import import_ray, start_ray

    ray = import_ray()
    started = start_ray(ray, None, 2)
    yield ray
    if started:
        ray.shutdown()


@pytest.fixture(scope="session")
def mentions_of(nlp):
    """Return a function text -> list[Mention] using the rules only."""

    def run(text: str):
        return to_mentions(nlp(text), 0, OffsetMap.for_source(text))

    return run
