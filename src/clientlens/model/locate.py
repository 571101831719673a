"""Where the framing model lives: a configured directory, else the one bundled with the package."""

from __future__ import annotations

from pathlib import Path

from clientlens.errors import ModelError

_DEFAULT = "framing"


def bundled_model_dir() -> Path | None:
    """Return the bundled model directory (models/framing in a checkout), or None."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[1] / "_models" / _DEFAULT, here.parents[3] / "models" / _DEFAULT):
        if (candidate / "model.safetensors").is_file():
            return candidate
    return None


def find_model_dir(configured: str | Path | None) -> Path | None:
    """Return the model directory to use: `configured` if given (it must exist), else the bundled one."""
    if configured:
        path = Path(configured)
        if not path.is_dir():
            raise ModelError(f"model directory {path} does not exist")
        return path
    return bundled_model_dir()


def require_model_dir(configured: str | Path | None) -> Path:
    """Return the model directory or raise ModelError saying how to get one."""
    found = find_model_dir(configured)
    if found is None:
        raise ModelError("no framing model installed: train one with `clientlens train` or pass --model DIR")
    return found
