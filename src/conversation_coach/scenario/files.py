"""Where scenario files are: shipped first, then the user's own, each folder in name order.

Kept free of YAML and pydantic so the picker's fast index (`tui.scenario_index`) and the
full loader (`scenario.load`) find exactly the same files without the picker paying for either.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from conversation_coach import paths

Source = Literal["shipped", "user"]
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ScenarioEntry:
    """A scenario as lists show it: `list`, the picker and its index (no YAML or pydantic needed)."""

    id: str
    title: str
    audience: str
    difficulty: str
    brief: str
    path: Path
    source: Source

    def contract_dict(self) -> dict[str, str]:
        """The `list --json` item (contract)."""
        return {"id": self.id, "title": self.title, "audience": self.audience, "difficulty": self.difficulty}


def scenario_files() -> list[tuple[Path, Source]]:
    """Every scenario file, shipped first, each folder in name order."""
    out: list[tuple[Path, Source]] = []
    folders: list[tuple[Path | None, Source]] = [(paths.shipped_dir("scenarios"), "shipped"),
                                                 (paths.user_dir_if_exists("scenarios"), "user")]
    for folder, source in folders:
        if folder is None or not folder.is_dir():
            continue
        out.extend((p, source) for p in sorted(folder.iterdir()) if p.suffix in YAML_SUFFIXES and p.is_file())
    return out
