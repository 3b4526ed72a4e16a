"""Retention: find and remove everything about one candidate or trainee, or old assessments.

`forget` must leave no trace: the transcripts the app saved (under `<home>/assessments/`
and `<home>/transcripts/`), the exports it made (logged in the store, or found under
`<home>/exports/`), and the rows in the progress file — which is then vacuumed and its
WAL emptied so the bytes are gone too. Files are matched by what they say (the
transcript's candidate or trainee), not by a loose name match, so forgetting "C1" never
touches "C10". A file named in the store is removed only when it really is about the
subject: a tampered row cannot make us delete something else.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conversation_coach.paths import user_home
from conversation_coach.store import Store, parse_iso

MAX_SCAN_BYTES = 20_000_000
ROW_NOUNS = {"assessments": "assessment", "sessions": "practice session", "exports": "export log"}
EXPORT_SUFFIXES = (".md", ".html", ".htm", ".json", ".csv", ".txt", ".jsonl")


@dataclass
class RetentionPlan:
    """What a removal will touch (or touched): files and row counts."""

    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.files and not any(self.rows.values())

    def describe(self) -> list[str]:
        lines = [f"file: {p}" for p in self.files]
        for table, count in self.rows.items():
            if count:
                noun = ROW_NOUNS.get(table, table)
                lines.append(f"{count} {noun} record{'s' if count != 1 else ''} in the progress file")
        return lines


def _read_json(path: Path) -> dict | None:
    try:
        if path.stat().st_size > MAX_SCAN_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _saved_name(subject: str) -> re.Pattern[str]:
    """The engine's names for a candidate's files: `<id>-YYYYmmdd-HHMMSS[-n].json` (and its temp files)."""
    return re.compile(rf"^\.?{re.escape(subject)}-\d{{8}}-\d{{6}}(?:-\d+)?\.json(?:\..*\.tmp)?$")


def _token(subject: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9_.\-]){re.escape(subject)}(?![A-Za-z0-9_\-])")


def _is_transcript_about(path: Path, subject: str) -> bool:
    if _saved_name(subject).match(path.name):
        return True
    data = _read_json(path)
    return bool(data) and subject in (data.get("candidate"), data.get("trainee"))


def _mentions(path: Path, subject: str) -> bool:
    try:
        if path.stat().st_size > MAX_SCAN_BYTES:
            return False
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return False
    return bool(_token(subject).search(text))


def _files_under(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def plan_forget(subject: str, store: Store | None = None) -> RetentionPlan:
    """Everything about `subject` (candidate or trainee id). Raises StoreError if the store is unusable."""
    home = user_home()
    store = store or Store()
    plan = RetentionPlan()
    found: set[Path] = set()
    for kind in ("assessments", "transcripts"):
        for path in _files_under(home / kind):
            if _is_transcript_about(path, subject):
                found.add(path)
    if store.path.exists():
        plan.rows = store.subject_counts(subject)
        for recorded in store.exports_for(subject):  # logged by the app itself (pseudonymised ones too)
            p = Path(recorded)
            if p.is_file() and not p.is_symlink() and p.suffix.lower() in EXPORT_SUFFIXES:
                found.add(p)
        for record in store.assessments(candidate=subject):
            if record.transcript_path:
                p = Path(record.transcript_path)
                if p.is_file() and _is_transcript_about(p, subject):
                    found.add(p)
        for session in store.sessions(trainee=subject):
            if session.transcript_path:
                p = Path(session.transcript_path)
                if p.is_file() and _is_transcript_about(p, subject):
                    found.add(p)
    # Exports the app did not log are found by content, but only for a subject the app knows:
    # "forget home-after-fall" must not sweep away every export that names the scenario.
    if found or any(plan.rows.values()):
        for path in _files_under(home / "exports"):
            if path.suffix.lower() in EXPORT_SUFFIXES and _mentions(path, subject):
                found.add(path)
    plan.files = sorted(found)
    return plan


def _remove_files(paths: list[Path]) -> list[Path]:
    """Remove each file; those already gone are skipped. Returns the ones removed here."""
    removed: list[Path] = []
    for path in paths:
        try:
            path.unlink()
            removed.append(path)
        except FileNotFoundError:
            pass
    return removed


def forget(subject: str, plan: RetentionPlan, store: Store | None = None) -> RetentionPlan:
    """Carry out `plan`: remove the files, then the rows, then scrub the store file."""
    store = store or Store()
    done = RetentionPlan(files=_remove_files(plan.files))
    if store.path.exists():
        done.rows = store.delete_subject(subject, also_paths=[str(p.resolve()) for p in plan.files])
    return done


# --------------------------------------------------------------------------- purge


def _file_date(path: Path) -> datetime:
    data = _read_json(path)
    when = parse_iso((data or {}).get("updated") or (data or {}).get("created"))
    if when is None:
        when = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return when


@dataclass
class PurgePlan(RetentionPlan):
    assessment_ids: list[int] = field(default_factory=list)


def plan_purge(days: float, store: Store | None = None, *, now: datetime | None = None) -> PurgePlan:
    """Assessment records and files older than `days` days."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    store = store or Store()
    plan = PurgePlan()
    found: set[Path] = set()
    if store.path.exists():
        old = store.assessments(before=cutoff)
        plan.assessment_ids = [r.id for r in old if r.id is not None]
        plan.rows = {"assessments": len(plan.assessment_ids)}
        for record in old:
            if record.transcript_path:
                p = Path(record.transcript_path)
                data = _read_json(p) if p.is_file() else None
                if data and data.get("mode") == "assessment" and data.get("candidate") == record.candidate:
                    found.add(p)
    for path in _files_under(user_home() / "assessments"):
        data = _read_json(path)
        if data is not None and data.get("mode", "assessment") != "assessment":
            continue
        if _file_date(path) < cutoff:
            found.add(path)
    plan.files = sorted(found)
    return plan


def purge(plan: PurgePlan, store: Store | None = None) -> PurgePlan:
    store = store or Store()
    done = PurgePlan(files=_remove_files(plan.files))
    if plan.assessment_ids and store.path.exists():
        done.rows = {"assessments": store.delete_assessments(plan.assessment_ids)}
        done.assessment_ids = list(plan.assessment_ids)
    return done
