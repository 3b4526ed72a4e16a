"""The progress store: private file, WAL, migrations, damaged files left alone, parallel writers."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
import threading
import time

import pytest

from conversation_coach import lifecycle, store
from conversation_coach.cli import main
from conversation_coach.paths import progress_db_path
from conversation_coach.store import (
    SCHEMA_VERSION,
    AssessmentRecord,
    SessionRecord,
    Store,
    StoreError,
    TrapNote,
    utc_now_iso,
)
from recruit_data import GOOD_REPLIES, make_assessment, make_transcript


def _session(score: int = 50, **kw) -> SessionRecord:
    return SessionRecord(date=kw.pop("date", utc_now_iso()), scenario_id=kw.pop("scenario_id", "home-after-fall"),
                         score=score, **kw)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_store_is_private_wal_and_current(coach_home):
    s = Store()
    s.add_session(_session(61, stages_reached=[3, 1, 1], traps=[TrapNote("expert", "I think you should")],
                           what_matters_surfaced=["garden"], what_matters_missed=["church"]))
    assert s.path == progress_db_path()
    assert _mode(s.path) == 0o600
    assert _mode(coach_home) == 0o700
    with sqlite3.connect(s.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.schema_version() == SCHEMA_VERSION
    [row] = s.sessions()
    assert (row.score, row.stages_reached, row.stages_missed) == (61, [1, 3], [2, 5])
    assert row.traps[0].trap == "expert" and row.traps[0].evidence == "I think you should"
    assert row.what_matters_surfaced == ["garden"] and row.what_matters_missed == ["church"]


def test_sidecar_files_are_private_while_open(coach_home):
    s = Store()
    s.add_session(_session())
    holder = sqlite3.connect(s.path)  # keeps the WAL alive
    try:
        holder.execute("SELECT * FROM sessions").fetchall()
        s.add_session(_session())
        for suffix in ("-wal", "-shm"):
            side = f"{s.path}{suffix}"
            if os.path.exists(side):
                assert _mode(side) == 0o600, suffix
    finally:
        holder.close()


# An older version's schema, written out here as it was shipped, so the migration is tested
# against the real thing rather than against the module's own idea of it.
V1_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL, applied TEXT NOT NULL);
INSERT INTO schema_version VALUES (1, '2026-01-05T09:00:00+00:00');
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY, date TEXT NOT NULL, scenario_id TEXT, score INTEGER NOT NULL,
    stages_reached TEXT NOT NULL DEFAULT '[]', traps TEXT NOT NULL DEFAULT '[]',
    what_matters TEXT NOT NULL DEFAULT '{}', trainee TEXT, transcript_path TEXT);
CREATE TABLE assessments (
    id INTEGER PRIMARY KEY, date TEXT NOT NULL, candidate TEXT NOT NULL, scenario_id TEXT NOT NULL,
    scenario_version TEXT, rubric_id TEXT, rubric_version TEXT, app_version TEXT, score INTEGER NOT NULL,
    parts TEXT NOT NULL DEFAULT '[]', stages_reached TEXT NOT NULL DEFAULT '[]', traps TEXT NOT NULL DEFAULT '[]',
    what_matters TEXT NOT NULL DEFAULT '{}', transcript_path TEXT);
INSERT INTO sessions (date, scenario_id, score, stages_reached, traps, what_matters, trainee)
    VALUES ('2026-01-05T09:30:00+00:00', 'school-mornings', 44, '[1, 2]', '["expert", "power"]',
            '{"surfaced": ["football"], "missed": ["sleep"]}', 'T-old');
INSERT INTO assessments (date, candidate, scenario_id, scenario_version, rubric_id, rubric_version,
    app_version, score, parts) VALUES ('2026-01-06T10:00:00+00:00', 'OLD-1', 'home-after-fall', '1',
    'default', '0.9', '0.0.9', 58, '[{"name": "Stage coverage", "points": 10, "max_points": 16}]');
"""


def test_v1_database_is_migrated_keeping_its_rows():
    path = progress_db_path()
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    conn.close()

    s = Store()
    [old] = s.sessions()
    assert (old.scenario_id, old.score, old.stages_reached, old.trainee) == ("school-mornings", 44, [1, 2], "T-old")
    assert [t.trap for t in old.traps] == ["expert", "power"]  # v1 stored bare trap names
    assert old.what_matters_surfaced == ["football"] and old.duration_seconds is None
    [a] = s.assessments()
    assert (a.candidate, a.score, a.rubric_version, a.values_evidence) == ("OLD-1", 58, "0.9", [])
    assert s.schema_version() == SCHEMA_VERSION == 3
    with sqlite3.connect(path) as raw:
        versions = [r[0] for r in raw.execute("SELECT version FROM schema_version ORDER BY version")]
        columns = {r[1] for r in raw.execute("PRAGMA table_info(sessions)")}
    assert versions == [1, 2, 3]
    assert {"scenario_version", "person_name", "duration_seconds", "ended_by"} <= columns
    # and the migrated file takes new rows with the new fields
    s.add_session(_session(70, person_name="Ryan", duration_seconds=300.0))
    assert [r.person_name for r in s.sessions()] == [None, "Ryan"]
    s.record_export(path.parent / "x.md", ["T-old"])
    assert s.exports_for("T-old")


def test_migration_folds_rows_logged_twice_for_one_transcript_and_keys_rows_by_it():
    """v3: one row per transcript path. An older file holding a visit logged twice keeps one row."""
    path = progress_db_path()
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    for score in (51, 52):
        conn.execute("INSERT INTO sessions (date, scenario_id, score, transcript_path) VALUES (?, ?, ?, ?)",
                     ("2026-01-07T09:00:00+00:00", "school-mornings", score, "/h/transcripts/a.json"))
        conn.execute("INSERT INTO assessments (date, candidate, scenario_id, score, transcript_path) "
                     "VALUES (?, ?, ?, ?, ?)", ("2026-01-07T10:00:00+00:00", "DUP-1", "home-after-fall",
                                                score, "/h/assessments/home-after-fall/DUP-1.json"))
    conn.commit()
    conn.close()

    s = Store()
    assert [(r.score, r.transcript_path) for r in s.sessions()] == [(44, None), (52, "/h/transcripts/a.json")]
    assert [r.score for r in s.assessments(candidate="DUP-1")] == [52]
    # the key holds from now on: logging the same file again updates its row, catching up never adds one
    assert s.add_session(_session(60, transcript_path="/h/transcripts/a.json"), replace=False) is None
    s.add_session(_session(61, transcript_path="/h/transcripts/a.json"))
    s.add_session(_session(62))  # no transcript (an import): never keyed
    s.add_session(_session(63))
    assert [r.score for r in s.sessions()] == [44, 61, 62, 63]
    assert s.logged_transcripts() == ({"/h/transcripts/a.json"}, {"/h/assessments/home-after-fall/DUP-1.json"})
    with sqlite3.connect(path) as raw, pytest.raises(sqlite3.IntegrityError):
        raw.execute("INSERT INTO assessments (date, candidate, scenario_id, score, transcript_path) "
                    "VALUES ('d', 'X', 'y', 1, '/h/assessments/home-after-fall/DUP-1.json')")
    raw.close()


def test_garbage_file_is_reported_with_its_path_and_left_untouched(capsys):
    path = progress_db_path()
    garbage = b"this is not a database, it is a shopping list\x00\xff" * 50
    path.write_bytes(garbage)
    with pytest.raises(StoreError) as info:
        Store().add_session(_session())
    assert str(path) in str(info.value) and "damaged" in str(info.value)
    assert path.read_bytes() == garbage

    # through the CLI: a message naming the file, non-zero, no traceback, file unchanged
    assert main(["progress"]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "Traceback" not in err
    assert path.read_bytes() == garbage


def test_damaged_pages_are_reported_and_left_untouched():
    s = Store()
    for i in range(30):
        s.add_session(_session(i, trainee="T" * 600))
    path = s.path
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    for i in range(page, len(data)):
        data[i] = 0xA5  # every page but the first (the schema) scribbled over
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        s.sessions()
    assert str(path) in str(info.value) and "damaged" in str(info.value)
    assert path.read_bytes() == before


def test_on_finished_never_raises_and_reports_once(capsys, monkeypatch):
    path = progress_db_path()
    path.write_bytes(b"\x00garbage" * 100)
    monkeypatch.setattr(lifecycle, "_reported", False)
    t = make_transcript(GOOD_REPLIES)
    a = make_assessment(t, score=60)
    first = lifecycle.on_finished(t, a, "/somewhere/t.json")
    second = lifecycle.on_finished(t, a, "/somewhere/t.json")
    assert first and second and str(path) in first
    err = capsys.readouterr().err
    assert err.count("could not be added to the progress log") == 1
    assert "/somewhere/t.json" in err


def test_newer_schema_is_refused_not_downgraded():
    path = progress_db_path()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied TEXT NOT NULL)")
        conn.execute("INSERT INTO schema_version VALUES (99, 'future')")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer version"):
        Store().add_session(_session())
    assert path.read_bytes() == before


def test_a_held_lock_is_waited_for_not_reported():
    s = Store()
    s.add_session(_session())
    holder = sqlite3.connect(s.path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")

    def release():
        time.sleep(1.0)
        holder.execute("COMMIT")

    thread = threading.Thread(target=release)
    thread.start()
    started = time.monotonic()
    s.add_session(_session(77))
    waited = time.monotonic() - started
    thread.join()
    holder.close()
    assert waited >= 0.8
    assert [r.score for r in s.sessions()] == [50, 77]


def test_a_lock_held_too_long_becomes_a_plain_message(monkeypatch):
    s = Store()
    s.add_session(_session())
    monkeypatch.setattr(store, "BUSY_TIMEOUT_SECONDS", 0.1)
    monkeypatch.setattr(store, "RETRY_DEADLINE_SECONDS", 0.3)
    holder = sqlite3.connect(s.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="busy"):
            s.add_session(_session())
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _writer(home: str, worker: int, count: int, start, errors) -> None:
    os.environ["CONVERSATION_COACH_HOME"] = home
    start.wait(10)
    try:
        s = Store()
        for i in range(count):
            s.add_session(_session(i, trainee=f"W{worker}"))
            s.add_assessment(AssessmentRecord(date=utc_now_iso(), candidate=f"W{worker}-{i}",
                                              scenario_id="home-after-fall", score=i))
    except Exception as exc:  # reported to the parent, which fails the test
        errors.put(f"{worker}: {exc!r}")


def test_processes_writing_at_once_all_land(coach_home):
    ctx = multiprocessing.get_context("spawn")
    start, errors = ctx.Event(), ctx.Queue()
    workers, count = 3, 15
    procs = [ctx.Process(target=_writer, args=(str(coach_home), w, count, start, errors)) for w in range(workers)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(60)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    assert all(p.exitcode == 0 for p in procs)
    sessions = Store().sessions()
    assert len(sessions) == workers * count
    for w in range(workers):
        assert sorted(r.score for r in sessions if r.trainee == f"W{w}") == list(range(count))
    assert len(Store().assessments()) == workers * count


def test_delete_subject_scrubs_the_bytes():
    s = Store()
    secret = "CANDIDATE-ZQ93XK"
    for i in range(5):
        s.add_assessment(AssessmentRecord(date=utc_now_iso(), candidate=secret, scenario_id="home-after-fall",
                                          score=i, transcript_path=f"/x/{secret}-{i}.json"))
        s.add_session(_session(trainee="someone-else"))
    removed = s.delete_subject(secret)
    assert removed["assessments"] == 5
    for suffix in ("", "-wal", "-shm"):
        side = f"{s.path}{suffix}"
        if os.path.exists(side):
            with open(side, "rb") as handle:
                assert secret.encode() not in handle.read(), suffix
    assert len(s.sessions()) == 5
