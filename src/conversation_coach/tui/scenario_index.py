"""What the picker shows, fast: a small cache of each scenario file's title, audience, difficulty and brief.

Validating every scenario (YAML + pydantic) costs more than starting Textual itself, yet the
picker needs five fields. This index remembers them per file (path, size, mtime) in the user
data dir and falls back to `scenario.load.list_scenarios` — the one loader — for any file that
is new or changed, so a launch with unchanged files imports neither YAML nor pydantic. Starting
a scenario always goes through the full loader, so a stale entry can never start a bad visit.
File discovery is `scenario.files.scenario_files`, the same as the loader's.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from conversation_coach import paths
from conversation_coach.scenario.files import ScenarioEntry, scenario_files

INDEX_VERSION = 1


def discover() -> list[tuple[Path, str]]:
    """Every scenario file, shipped first, each folder in name order (the files scenario.load reads)."""
    return scenario_files()


def _index_path() -> Path:
    return paths.user_home() / "cache" / "scenario-index.json"


def _format_key() -> str:
    """Changes when the app or the scenario format changes, so old summaries are not trusted."""
    from conversation_coach import __version__

    model = paths.PACKAGE_DIR / "scenario" / "model.py"
    try:
        stamp = model.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return f"{INDEX_VERSION}:{__version__}:{stamp}"


def _stamp(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _read_index() -> dict:
    try:
        data = json.loads(_index_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("key") != _format_key() or not isinstance(data.get("files"), dict):
        return {}
    return data["files"]


def _write_index(files: dict) -> None:
    from conversation_coach.fsutil import atomic_write_text

    try:
        paths.ensure_private_dir(_index_path().parent)
        atomic_write_text(_index_path(), json.dumps({"key": _format_key(), "files": files}))
    except OSError:
        pass  # a read-only home only costs speed


def picker_entries() -> tuple[list[ScenarioEntry], list[str]]:
    """(entries in list order, one line per file that does not load)."""
    files = discover()
    cached = _read_index()
    records: dict[str, dict] = {}
    for path, _source in files:
        record = cached.get(str(path))
        if not record or record.get("stamp") != _stamp(path):
            records = _rebuild(files)
            break
        records[str(path)] = record
    entries: list[ScenarioEntry] = []
    problems: list[str] = []
    seen: set[str] = set()
    for path, source in files:
        record = records.get(str(path), {})
        entry = record.get("entry")
        if entry is None:
            problems.append(record.get("problem") or f"{path}: does not load")
            continue
        if entry["id"] in seen:
            continue  # shipped wins over a user file with the same id
        seen.add(entry["id"])
        entries.append(ScenarioEntry(**{**entry, "path": path, "source": source}))
    return entries, problems


def _rebuild(files: list[tuple[Path, str]]) -> dict[str, dict]:
    """Load every file with the real loader and remember what it said."""
    from conversation_coach.scenario.load import list_scenarios

    errors: list = []
    loaded = {str(e.path): e for e in list_scenarios(problems=errors)}
    problem_by_file: dict[str, str] = {}
    for error in errors:
        first = error.problems[0] if getattr(error, "problems", None) else error
        problem_by_file.setdefault(str(getattr(first, "file", "")), str(first))
    records: dict[str, dict] = {}
    for path, _source in files:
        key = str(path)
        entry = loaded.get(key)
        record: dict = {"stamp": _stamp(path)}
        if entry is not None:
            fields = asdict(entry)
            fields.pop("path")
            fields.pop("source")
            record["entry"] = fields
        else:
            # Either it does not load, or its id repeats an earlier file's (list_scenarios skips those).
            problem = problem_by_file.get(key)
            if problem is None:
                record["entry"] = _duplicate_entry(path)
            else:
                record["problem"] = problem
        records[key] = record
    _write_index(records)
    return records


def _duplicate_entry(path: Path) -> dict | None:
    """A file whose id an earlier file already uses: keep its fields so the shadowing stays visible to the order."""
    from conversation_coach.scenario.load import load_scenario_file

    try:
        s = load_scenario_file(path)
    except Exception:
        return None
    return {"id": s.id, "title": s.title, "audience": s.audience, "difficulty": s.difficulty, "brief": s.brief}
