"""Load a rubric through the one YAML loader (cached per path: the coder runs on every turn)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from conversation_coach.paths import default_rubric_path
from conversation_coach.rubric.model import Rubric
from conversation_coach.yamlload import load_model


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> Rubric:
    return load_model(Path(path), Rubric)


def load_rubric(path: Path | str | None = None) -> Rubric:
    """The rubric at `path`, or the shipped default; raises yamlload.LoadError with file:line."""
    p = Path(path) if path else default_rubric_path()
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _load_cached(str(p), mtime)
