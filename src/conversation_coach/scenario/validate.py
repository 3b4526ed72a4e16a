"""Check scenario and rubric files with the same loader the app uses, collecting every problem.

A file is a rubric when it sits in a `rubrics` folder or has the rubric's top-level
fields (`rules`, `stages`, `moves`); otherwise it is checked as a scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from conversation_coach.paths import shipped_dir, user_dir_if_exists
from conversation_coach.yamlload import LoadError, Problem, load_yaml_text, parse_model, read_text_file

Kind = Literal["scenario", "rubric"]
YAML_SUFFIXES = (".yaml", ".yml")
RUBRIC_KEYS = {"rules", "stages", "moves"}


@dataclass
class FileReport:
    path: Path
    kind: Kind
    problems: list[Problem]


def default_targets() -> list[Path]:
    """Every shipped and user scenario and rubric file."""
    out: list[Path] = []
    for kind in ("scenarios", "rubrics"):
        for folder in (shipped_dir(kind), user_dir_if_exists(kind)):
            if folder is not None and folder.is_dir():
                out.extend(sorted(p for p in folder.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file()))
    return out


def expand(paths: list[str]) -> tuple[list[Path], list[Problem]]:
    """Paths as given, folders opened to their YAML files; missing paths become problems."""
    out: list[Path] = []
    missing: list[Problem] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            out.extend(sorted(x for x in p.iterdir() if x.suffix in YAML_SUFFIXES and x.is_file()))
        elif p.exists():
            out.append(p)
        else:
            missing.append(Problem(given, 1, "", "no such file or folder"))
    return out, missing


def _guess_kind(path: Path, data: dict) -> Kind:
    if path.parent.name == "rubrics":
        return "rubric"
    if path.parent.name == "scenarios":
        return "scenario"
    return "rubric" if RUBRIC_KEYS & set(data) and "person" not in data else "scenario"


def check_file(path: Path) -> FileReport:
    """Every problem in one file (syntax, format, cross-checks), as file:line problems."""
    from conversation_coach.rubric.model import Rubric
    from conversation_coach.scenario.model import Scenario

    source = str(path)
    kind: Kind = "rubric" if path.parent.name == "rubrics" else "scenario"
    try:
        text = read_text_file(path)
        data, _lines = load_yaml_text(text, source)
        kind = _guess_kind(path, data)
        parse_model(text, source, Rubric if kind == "rubric" else Scenario)
    except LoadError as exc:
        return FileReport(path, kind, list(exc.problems))
    return FileReport(path, kind, [])


def shadowed_ids(reports: list[FileReport]) -> list[Problem]:
    """A user scenario with a shipped scenario's id is never used: say so."""
    shipped = shipped_dir("scenarios").resolve()
    shipped_ids = {p.stem for p in shipped.glob("*.y*ml")}
    user = user_dir_if_exists("scenarios")
    problems = []
    for report in reports:
        if report.kind != "scenario" or user is None:
            continue
        if report.path.resolve().parent == user.resolve() and report.path.stem in shipped_ids:
            problems.append(Problem(str(report.path), 1, "id",
                                    f"a shipped scenario is also called '{report.path.stem}'; "
                                    "the shipped one is used. Rename this file and its id."))
    return problems
