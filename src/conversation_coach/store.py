"""The progress log: one SQLite file in the user data dir (`paths.progress_db_path()`).

Practice sessions (for progress and CPD) and assessment records (for recruitment
panels) live here. Why it is built the way it is:

- WAL journal and `BEGIN IMMEDIATE` for every write, a busy timeout and a bounded
  retry: two conversations finishing at once both land, and "database is locked"
  never reaches the user.
- The file is created 0600 before SQLite opens it (SQLite gives its -wal/-shm
  files the same mode).
- A `schema_version` table and ordered migrations: a file made by an older
  version is brought up to date in one transaction; one from a newer version is
  refused rather than guessed at.
- A damaged file is reported with its path and left exactly as it is — never
  replaced — so nothing the user recorded is silently thrown away.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from conversation_coach import paths

SCHEMA_VERSION = 3
# Stage 4 (information exchange) is "if appropriate" in the seed: not using it is not a miss.
EXPECTED_STAGES = (1, 2, 3, 5)
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 5.0
RETRY_DEADLINE_SECONDS = 30.0

T = TypeVar("T")


class StoreError(Exception):
    """A problem with the progress file, worded for the user and naming the file."""

    def __init__(self, path: Path, message: str):
        self.path = Path(path)
        self.message = message
        super().__init__(f"{path}: {message}")


def utc_now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def parse_iso(text: str | None) -> datetime | None:
    """A stored date as an aware datetime (naive ones are taken as UTC); None if unreadable."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- records


@dataclass
class TrapNote:
    """One trap fallen into: the trap id, the words, and what could have been said instead."""

    trap: str
    evidence: str = ""
    turn: int | None = None
    name: str = ""
    rewrite: str = ""
    words: str = ""  # the whole reply the trap was in (bounded), for the trainee's own record


@dataclass
class SessionRecord:
    """One finished practice conversation."""

    date: str
    scenario_id: str | None
    score: int
    stages_reached: list[int] = field(default_factory=list)
    traps: list[TrapNote] = field(default_factory=list)
    what_matters_surfaced: list[str] = field(default_factory=list)
    what_matters_missed: list[str] = field(default_factory=list)
    what_matters_labels: dict[str, str] = field(default_factory=dict)
    trainee: str | None = None
    transcript_path: str | None = None
    scenario_version: str | None = None
    scenario_title: str | None = None
    person_name: str | None = None
    rubric_id: str | None = None
    rubric_version: str | None = None
    app_version: str | None = None
    ended_by: str | None = None
    duration_seconds: float | None = None
    id: int | None = None

    @property
    def stages_missed(self) -> list[int]:
        return [s for s in EXPECTED_STAGES if s not in self.stages_reached]

    def as_json(self) -> dict:
        data = asdict(self)
        data["stages_missed"] = self.stages_missed
        return data


@dataclass
class AssessmentRecord:
    """One candidate's recruitment role-play: enough to reproduce and compare the score."""

    date: str
    candidate: str
    scenario_id: str
    score: int
    parts: list[dict] = field(default_factory=list)
    stages_reached: list[int] = field(default_factory=list)
    traps: list[TrapNote] = field(default_factory=list)
    what_matters_surfaced: list[str] = field(default_factory=list)
    what_matters_missed: list[str] = field(default_factory=list)
    what_matters_labels: dict[str, str] = field(default_factory=dict)
    values_evidence: list[dict] = field(default_factory=list)
    trust: dict | None = None
    ended_by: str | None = None
    scenario_version: str | None = None
    rubric_id: str | None = None
    rubric_version: str | None = None
    app_version: str | None = None
    transcript_path: str | None = None
    id: int | None = None

    @property
    def stages_missed(self) -> list[int]:
        return [s for s in EXPECTED_STAGES if s not in self.stages_reached]


# --------------------------------------------------------------------------- schema

_V1 = [
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        date TEXT NOT NULL,
        scenario_id TEXT,
        score INTEGER NOT NULL,
        stages_reached TEXT NOT NULL DEFAULT '[]',
        traps TEXT NOT NULL DEFAULT '[]',
        what_matters TEXT NOT NULL DEFAULT '{}',
        trainee TEXT,
        transcript_path TEXT
    )""",
    """CREATE TABLE assessments (
        id INTEGER PRIMARY KEY,
        date TEXT NOT NULL,
        candidate TEXT NOT NULL,
        scenario_id TEXT NOT NULL,
        scenario_version TEXT,
        rubric_id TEXT,
        rubric_version TEXT,
        app_version TEXT,
        score INTEGER NOT NULL,
        parts TEXT NOT NULL DEFAULT '[]',
        stages_reached TEXT NOT NULL DEFAULT '[]',
        traps TEXT NOT NULL DEFAULT '[]',
        what_matters TEXT NOT NULL DEFAULT '{}',
        transcript_path TEXT
    )""",
]

# v2: sessions learn which scenario/rubric/app version they were scored with, who the
# person was, how the visit ended and how long it took (for the CPD record); assessments
# keep the values evidence, trust and ending; exports made by the app are logged so that
# `forget` can find them.
_V2 = [
    "ALTER TABLE sessions ADD COLUMN scenario_version TEXT",
    "ALTER TABLE sessions ADD COLUMN scenario_title TEXT",
    "ALTER TABLE sessions ADD COLUMN person_name TEXT",
    "ALTER TABLE sessions ADD COLUMN rubric_id TEXT",
    "ALTER TABLE sessions ADD COLUMN rubric_version TEXT",
    "ALTER TABLE sessions ADD COLUMN app_version TEXT",
    "ALTER TABLE sessions ADD COLUMN ended_by TEXT",
    "ALTER TABLE sessions ADD COLUMN duration_seconds REAL",
    "ALTER TABLE assessments ADD COLUMN values_evidence TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE assessments ADD COLUMN trust TEXT",
    "ALTER TABLE assessments ADD COLUMN ended_by TEXT",
    """CREATE TABLE exports (
        id INTEGER PRIMARY KEY,
        date TEXT NOT NULL,
        subject TEXT NOT NULL,
        path TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sessions_date ON sessions(date)",
    "CREATE INDEX IF NOT EXISTS assessments_scenario ON assessments(scenario_id, candidate)",
    "CREATE INDEX IF NOT EXISTS exports_subject ON exports(subject)",
]

# v3: one row per saved conversation. A kill between the final save and the log left visits
# unlogged; `reconcile` now logs them from the files, and a unique transcript path makes that
# (and a front end logging the same visit at the same moment) safe. Duplicates an older
# version may have written are folded into the newest row first.
_V3 = [
    """DELETE FROM sessions WHERE transcript_path IS NOT NULL AND id NOT IN
       (SELECT MAX(id) FROM sessions WHERE transcript_path IS NOT NULL GROUP BY transcript_path)""",
    """DELETE FROM assessments WHERE transcript_path IS NOT NULL AND id NOT IN
       (SELECT MAX(id) FROM assessments WHERE transcript_path IS NOT NULL GROUP BY transcript_path)""",
    "CREATE UNIQUE INDEX sessions_transcript ON sessions(transcript_path)",
    "CREATE UNIQUE INDEX assessments_transcript ON assessments(transcript_path)",
]

MIGRATIONS: dict[int, list[str]] = {1: _V1, 2: _V2, 3: _V3}
_SESSION_COLUMNS = ("date", "scenario_id", "score", "stages_reached", "traps", "what_matters", "trainee",
                    "transcript_path", "scenario_version", "scenario_title", "person_name", "rubric_id",
                    "rubric_version", "app_version", "ended_by", "duration_seconds")
_ASSESSMENT_COLUMNS = ("date", "candidate", "scenario_id", "scenario_version", "rubric_id", "rubric_version",
                       "app_version", "score", "parts", "stages_reached", "traps", "what_matters",
                       "transcript_path", "values_evidence", "trust", "ended_by")


def _insert(conn: sqlite3.Connection, table: str, columns: tuple[str, ...], values: tuple, *,
            replace: bool) -> int | None:
    """Insert a row keyed by its transcript path: `replace` updates a row already logged for that
    file (a front end has the fullest view); otherwise an existing row wins. Returns the row id,
    or None when an existing row was kept."""
    marks = ", ".join("?" for _ in columns)
    if replace:
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "transcript_path")
        conflict = f"DO UPDATE SET {updates}"
    else:
        conflict = "DO NOTHING"
    cur = conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) "
                       f"ON CONFLICT(transcript_path) {conflict}", values)
    if cur.rowcount == 0:
        return None
    path = values[columns.index("transcript_path")]
    if path is not None and replace:
        row = conn.execute(f"SELECT id FROM {table} WHERE transcript_path = ?", (path,)).fetchone()
        return int(row[0])
    return int(cur.lastrowid)


# --------------------------------------------------------------------------- the store


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _with_retry(action: Callable[[], T], deadline: float | None = None) -> T:
    """Run `action`, retrying while another process holds the lock (bounded)."""
    deadline = RETRY_DEADLINE_SECONDS if deadline is None else deadline
    started = time.monotonic()
    delay = 0.02
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() - started > deadline:
                raise
        time.sleep(delay + random.uniform(0, delay))
        delay = min(delay * 2, 0.5)


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _load(text: str | None, default):
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def _traps_from(raw: str | None) -> list[TrapNote]:
    notes = []
    for item in _load(raw, []):
        if isinstance(item, dict) and "trap" in item:
            notes.append(TrapNote(**{k: v for k, v in item.items() if k in TrapNote.__dataclass_fields__}))
        elif isinstance(item, str):
            notes.append(TrapNote(trap=item))
    return notes


class Store:
    """The progress file. Each call opens, does its work in one transaction, and closes."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path is not None else paths.progress_db_path()

    # ---- opening

    def _check_not_damaged(self) -> None:
        try:
            with open(self.path, "rb") as handle:
                header = handle.read(len(SQLITE_MAGIC))
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StoreError(self.path, f"cannot read the progress file: {exc.strerror or exc}") from None
        if header and header != SQLITE_MAGIC:
            raise self._damaged("it is not an SQLite database")

    def _damaged(self, detail: str) -> StoreError:
        return StoreError(
            self.path,
            f"the progress file is damaged ({detail}). It has been left as it is; move it aside "
            "(or restore it from a backup) and a new one will be started.",
        )

    def _make_private(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            target = Path(f"{self.path}{suffix}")
            try:
                if target.exists() and (target.stat().st_mode & 0o777) != 0o600:
                    os.chmod(target, 0o600)
            except OSError:
                pass

    def _initialise(self) -> None:
        """Create the file complete (schema, WAL header) under a temporary name, then link it in place.

        Never let SQLite start from an empty file that other processes can see: SQLite deletes
        the WAL of a zero-length database, so a second process opening it while the first has
        written only to its WAL would throw that write away.
        """
        try:
            if self.path.stat().st_size > 0:
                return
        except FileNotFoundError:
            pass
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{random.randrange(1 << 30):x}.new")
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        os.close(fd)
        try:
            conn = sqlite3.connect(tmp, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = WAL").fetchone()
                self._migrate(conn)
            finally:
                conn.close()
            try:
                os.link(tmp, self.path)  # atomic: fails if another process got there first
            except FileExistsError:
                if self.path.stat().st_size == 0:  # an empty file left by someone else: nothing to lose
                    os.replace(tmp, self.path)
        finally:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                try:
                    leftover.unlink()
                except FileNotFoundError:
                    pass

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """An open connection with the schema up to date; busy errors pass through for retrying."""
        self._check_not_damaged()
        try:
            self._initialise()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(self.path, f"cannot create the progress file: {exc}") from None
        self._make_private()
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(self.path, f"cannot open the progress file: {exc}") from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            # Read before anything writes (switching to WAL rewrites the header): a damaged file or
            # one from a newer version must be left byte for byte as it was.
            self._refuse_newer(self.current_version(conn))
            _with_retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA secure_delete = ON")
            self._migrate(conn)
            self._make_private()  # the -wal/-shm files now exist: make sure they are private
            yield conn
        except sqlite3.Error as exc:
            if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
                raise
            raise self._problem(exc) from None
        finally:
            conn.close()

    def _problem(self, exc: sqlite3.Error) -> StoreError:
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in str(exc):
            return self._damaged(str(exc))
        return StoreError(self.path, f"cannot use the progress file: {exc}")

    @contextmanager
    def _write(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        _with_retry(lambda: conn.execute("BEGIN IMMEDIATE"))
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        _with_retry(lambda: conn.execute("COMMIT"))

    def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Open, run `work` inside BEGIN IMMEDIATE ... COMMIT (retried as a whole), close."""

        def attempt() -> T:
            with self._connect() as conn:
                with self._write(conn):
                    return work(conn)

        return self._retrying(attempt)

    def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        def attempt() -> T:
            with self._connect() as conn:
                return work(conn)

        return self._retrying(attempt)

    def _retrying(self, attempt: Callable[[], T]) -> T:
        try:
            return _with_retry(attempt)
        except sqlite3.OperationalError as exc:  # still busy after the deadline
            raise StoreError(self.path, f"the progress file stayed busy ({exc}); please try again") from None

    # ---- schema

    @staticmethod
    def current_version(conn: sqlite3.Connection) -> int:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        ).fetchone()
        if not has_table:
            return 0
        row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def _migrate(self, conn: sqlite3.Connection) -> None:
        if self.current_version(conn) == SCHEMA_VERSION:
            return
        with self._write(conn):
            version = self.current_version(conn)  # again, under the write lock: another process may have won
            self._refuse_newer(version)
            if version == 0:
                conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied TEXT NOT NULL)")
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target]:
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_version VALUES (?, ?)", (target, utc_now_iso()))

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StoreError(
                self.path,
                f"the progress file was made by a newer version of conversation-coach (schema {version}; "
                f"this one knows up to {SCHEMA_VERSION}). It has been left as it is; please upgrade.",
            )

    def schema_version(self) -> int:
        return self._read(self.current_version)

    # ---- practice sessions

    def add_session(self, record: SessionRecord, *, replace: bool = True) -> int | None:
        """Log a practice session; one row per transcript path (see `_insert` for `replace`)."""

        def work(conn: sqlite3.Connection) -> int | None:
            return _insert(conn, "sessions", _SESSION_COLUMNS, (
                record.date, record.scenario_id, int(record.score), _dump(sorted(set(record.stages_reached))),
                _dump([asdict(t) for t in record.traps]),
                _dump({"surfaced": record.what_matters_surfaced, "missed": record.what_matters_missed,
                       "labels": record.what_matters_labels}),
                record.trainee, record.transcript_path, record.scenario_version, record.scenario_title,
                record.person_name, record.rubric_id, record.rubric_version, record.app_version,
                record.ended_by, record.duration_seconds,
            ), replace=replace)

        return self._transaction(work)

    def logged_transcripts(self) -> tuple[set[str], set[str]]:
        """The transcript paths that already have a row: (practice sessions, assessments)."""

        def work(conn: sqlite3.Connection) -> tuple[set[str], set[str]]:
            return tuple(  # type: ignore[return-value]
                {r[0] for r in conn.execute(f"SELECT transcript_path FROM {table} WHERE transcript_path IS NOT NULL")}
                for table in ("sessions", "assessments"))

        return self._read(work)

    def sessions(self, *, trainee: str | None = None, since: datetime | None = None) -> list[SessionRecord]:
        """Practice sessions, oldest first."""

        def work(conn: sqlite3.Connection) -> list[SessionRecord]:
            conn.row_factory = sqlite3.Row
            query = "SELECT * FROM sessions"
            args: list = []
            if trainee is not None:
                query += " WHERE trainee = ?"
                args.append(trainee)
            rows = conn.execute(query + " ORDER BY date, id", args).fetchall()
            return [self._session(row) for row in rows]

        records = self._read(work)
        if since is not None:
            records = [r for r in records if (parse_iso(r.date) or since) >= since]
        return records

    @staticmethod
    def _session(row: sqlite3.Row) -> SessionRecord:
        wm = _load(row["what_matters"], {})
        return SessionRecord(
            id=row["id"], date=row["date"], scenario_id=row["scenario_id"], score=row["score"],
            stages_reached=list(_load(row["stages_reached"], [])), traps=_traps_from(row["traps"]),
            what_matters_surfaced=list(wm.get("surfaced", [])), what_matters_missed=list(wm.get("missed", [])),
            what_matters_labels=dict(wm.get("labels", {})), trainee=row["trainee"],
            transcript_path=row["transcript_path"], scenario_version=row["scenario_version"],
            scenario_title=row["scenario_title"], person_name=row["person_name"], rubric_id=row["rubric_id"],
            rubric_version=row["rubric_version"], app_version=row["app_version"], ended_by=row["ended_by"],
            duration_seconds=row["duration_seconds"],
        )

    # ---- assessments

    def add_assessment(self, record: AssessmentRecord, *, replace: bool = True) -> int | None:
        """Log an assessment; one row per transcript path (see `_insert` for `replace`)."""

        def work(conn: sqlite3.Connection) -> int | None:
            return _insert(conn, "assessments", _ASSESSMENT_COLUMNS, (
                record.date, record.candidate, record.scenario_id, record.scenario_version,
                record.rubric_id, record.rubric_version, record.app_version, int(record.score),
                _dump(record.parts), _dump(sorted(set(record.stages_reached))),
                _dump([asdict(t) for t in record.traps]),
                _dump({"surfaced": record.what_matters_surfaced, "missed": record.what_matters_missed,
                       "labels": record.what_matters_labels}),
                record.transcript_path, _dump(record.values_evidence),
                _dump(record.trust) if record.trust is not None else None, record.ended_by,
            ), replace=replace)

        return self._transaction(work)

    def assessments(self, *, scenario_id: str | None = None, candidate: str | None = None,
                    before: datetime | None = None) -> list[AssessmentRecord]:
        """Assessment records, oldest first, optionally for one scenario / candidate / before a date."""

        def work(conn: sqlite3.Connection) -> list[AssessmentRecord]:
            conn.row_factory = sqlite3.Row
            clauses, args = [], []
            if scenario_id is not None:
                clauses.append("scenario_id = ?")
                args.append(scenario_id)
            if candidate is not None:
                clauses.append("candidate = ?")
                args.append(candidate)
            where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
            rows = conn.execute(f"SELECT * FROM assessments{where} ORDER BY date, id", args).fetchall()
            return [self._assessment(row) for row in rows]

        records = self._read(work)
        if before is not None:
            records = [r for r in records if (parse_iso(r.date) or before) < before]
        return records

    @staticmethod
    def _assessment(row: sqlite3.Row) -> AssessmentRecord:
        wm = _load(row["what_matters"], {})
        return AssessmentRecord(
            id=row["id"], date=row["date"], candidate=row["candidate"], scenario_id=row["scenario_id"],
            score=row["score"], parts=list(_load(row["parts"], [])),
            stages_reached=list(_load(row["stages_reached"], [])), traps=_traps_from(row["traps"]),
            what_matters_surfaced=list(wm.get("surfaced", [])), what_matters_missed=list(wm.get("missed", [])),
            what_matters_labels=dict(wm.get("labels", {})),
            values_evidence=list(_load(row["values_evidence"], [])), trust=_load(row["trust"], None),
            ended_by=row["ended_by"], scenario_version=row["scenario_version"], rubric_id=row["rubric_id"],
            rubric_version=row["rubric_version"], app_version=row["app_version"],
            transcript_path=row["transcript_path"],
        )

    # ---- exports the app made (so `forget` can find them)

    def record_export(self, path: Path | str, subjects: Iterable[str]) -> None:
        """Note that the app wrote `path` holding data about each of `subjects` (candidate/trainee ids)."""
        subjects = sorted({s for s in subjects if s})
        if not subjects:
            return

        def work(conn: sqlite3.Connection) -> None:
            now = utc_now_iso()
            conn.executemany(
                "INSERT INTO exports (date, subject, path) VALUES (?, ?, ?)",
                [(now, s, str(Path(path).resolve())) for s in subjects],
            )

        self._transaction(work)

    def exports_for(self, subject: str) -> list[str]:
        def work(conn: sqlite3.Connection) -> list[str]:
            rows = conn.execute("SELECT DISTINCT path FROM exports WHERE subject = ? ORDER BY path", (subject,))
            return [r[0] for r in rows.fetchall()]

        return self._read(work)

    # ---- removal

    def subject_counts(self, subject: str) -> dict[str, int]:
        """How many rows mention `subject` as candidate, trainee or export subject."""

        def work(conn: sqlite3.Connection) -> dict[str, int]:
            return {
                "assessments": conn.execute("SELECT COUNT(*) FROM assessments WHERE candidate = ?",
                                            (subject,)).fetchone()[0],
                "sessions": conn.execute("SELECT COUNT(*) FROM sessions WHERE trainee = ?", (subject,)).fetchone()[0],
                "exports": conn.execute("SELECT COUNT(*) FROM exports WHERE subject = ?", (subject,)).fetchone()[0],
            }

        return self._read(work)

    def delete_subject(self, subject: str, *, also_paths: Iterable[str] = ()) -> dict[str, int]:
        """Remove every row about `subject` (and rows naming any of `also_paths`), then scrub the file."""
        extra = [str(p) for p in also_paths]

        def work(conn: sqlite3.Connection) -> dict[str, int]:
            removed = {
                "assessments": conn.execute("DELETE FROM assessments WHERE candidate = ?", (subject,)).rowcount,
                "sessions": conn.execute("DELETE FROM sessions WHERE trainee = ?", (subject,)).rowcount,
                "exports": conn.execute("DELETE FROM exports WHERE subject = ?", (subject,)).rowcount,
            }
            for p in extra:
                removed["sessions"] += conn.execute("DELETE FROM sessions WHERE transcript_path = ?", (p,)).rowcount
                removed["assessments"] += conn.execute(
                    "DELETE FROM assessments WHERE transcript_path = ?", (p,)).rowcount
                conn.execute("DELETE FROM exports WHERE path = ?", (p,))
            return removed

        removed = self._transaction(work)
        self.scrub()
        return removed

    def delete_assessments(self, ids: Iterable[int]) -> int:
        ids = list(ids)

        def work(conn: sqlite3.Connection) -> int:
            return sum(conn.execute("DELETE FROM assessments WHERE id = ?", (i,)).rowcount for i in ids)

        count = self._transaction(work)
        self.scrub()
        return count

    def scrub(self) -> None:
        """VACUUM and empty the WAL so deleted rows leave no bytes behind in any file."""

        def work() -> None:
            with self._connect() as conn:
                conn.execute("VACUUM")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()

        self._retrying(work)
