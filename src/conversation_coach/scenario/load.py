"""Find and load scenarios: the shipped ones and the user's own, through the one YAML loader.

A scenario is named by its id (the file stem) or by a path. Shipped scenarios win
over a user file with the same id, so that every candidate in a recruitment panel
meets the same person; `validate` reports the clash.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from conversation_coach.scenario.files import YAML_SUFFIXES, ScenarioEntry, scenario_files
from conversation_coach.scenario.model import Scenario
from conversation_coach.yamlload import LoadError, load_model


class UnknownScenario(LookupError):
    """No scenario has that id; the message lists the ids that exist."""

    def __init__(self, wanted: str, known: list[str]):
        self.wanted = wanted
        self.known = known
        listed = ", ".join(known) if known else "(none found)"
        super().__init__(f"no scenario called '{wanted}'. Scenarios: {listed}")


@lru_cache(maxsize=32)
def _load_cached(path: str, mtime_ns: int, size: int) -> Scenario:
    return load_model(Path(path), Scenario)


def load_scenario_file(path: Path) -> Scenario:
    """Load one scenario file (cached while the file is unchanged); raises LoadError."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return load_model(path, Scenario)  # raises a LoadError naming the file
    return _load_cached(str(path), stat.st_mtime_ns, stat.st_size)


def list_scenarios(*, problems: list[LoadError] | None = None) -> list[ScenarioEntry]:
    """Shipped and user scenarios that load cleanly; broken files go to `problems` when given."""
    entries: list[ScenarioEntry] = []
    seen: set[str] = set()
    for path, source in scenario_files():
        try:
            scenario = load_scenario_file(path)
        except LoadError as exc:
            if problems is not None:
                problems.append(exc)
            continue
        if scenario.id in seen:
            continue
        seen.add(scenario.id)
        entries.append(ScenarioEntry(scenario.id, scenario.title, scenario.audience, scenario.difficulty,
                                     scenario.brief, path, source))
    return entries


def _looks_like_path(text: str) -> bool:
    return text.endswith(YAML_SUFFIXES) or "/" in text or "\\" in text


def find_scenario_path(scenario_id: str) -> Path:
    """The file for an id (shipped first); raises UnknownScenario listing the ids that exist."""
    for path, _source in scenario_files():
        if path.stem == scenario_id:
            return path
    raise UnknownScenario(scenario_id, [e.id for e in list_scenarios()])


def load_scenario(id_or_path: str) -> Scenario:
    """A scenario by id (shipped, then user) or by file path; raises UnknownScenario or LoadError."""
    text = str(id_or_path)
    if _looks_like_path(text) or Path(text).is_file() and Path(text).suffix in YAML_SUFFIXES:
        return load_scenario_file(Path(text))
    return load_scenario_file(find_scenario_path(text))
