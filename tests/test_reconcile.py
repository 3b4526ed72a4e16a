"""Reconciliation: a visit saved as finished but never logged (the process died in between) is logged
later — once, scored as the front end would have — and nothing `forget` removed ever comes back."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from conversation_coach.cli import main
from conversation_coach.paths import progress_db_path
from conversation_coach.store import Store

TUI_DATA = Path(__file__).parent / "data" / "tui"
SCENARIO_ID = "tui-visit"
REPLIES = [
    "Hello, I'm from the support team. How have things been since your fall?",
    "It sounds like the last few weeks have been hard going.",
    "What does a good day look like for you?",
]


@pytest.fixture
def scenario(coach_home):
    from conversation_coach.scenario.load import load_scenario

    folder = coach_home / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(TUI_DATA / "scenarios" / f"{SCENARIO_ID}.yaml", folder / f"{SCENARIO_ID}.yaml")
    return load_scenario(SCENARIO_ID)


def _visit(scenario, *, finish: bool = True, replies=REPLIES, **kw):
    """A conversation saved the way the engine saves it, never handed to lifecycle.on_finished."""
    from conversation_coach.rubric.load import load_rubric
    from conversation_coach.scenario.engine import Conversation

    conversation = Conversation(scenario, load_rubric(), **kw)
    for reply in replies:
        if not conversation.finished:
            conversation.respond(reply)
    if finish:
        conversation.end("trainee")
    return conversation


def _json(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_an_unlogged_assessment_reaches_compare_once_and_an_unfinished_one_does_not(scenario, capsys):
    done = _visit(scenario, mode="assessment", candidate="CAND-1")
    _visit(scenario, finish=False, mode="assessment", candidate="CAND-2")  # still in the room
    candidates = _json(capsys, "compare", SCENARIO_ID, "--json")["candidates"]
    assert [c["candidate"] for c in candidates] == ["CAND-1"]
    assert candidates[0]["score"] == done.assessment().score
    [record] = Store().assessments()
    assert record.transcript_path == str(done.path.resolve())
    assert (record.scenario_version, record.rubric_id) == (scenario.version, done.rubric.id)
    assert len(_json(capsys, "compare", SCENARIO_ID, "--json")["candidates"]) == 1


def test_the_next_finished_visit_and_cpd_catch_up_unlogged_ones(scenario, capsys, tmp_path):
    from conversation_coach.lifecycle import on_finished

    lost = _visit(scenario, trainee="T9")
    later = _visit(scenario, replies=REPLIES[:1], trainee="T9")
    assert not progress_db_path().exists()
    assert on_finished(later.transcript, later.assessment(), later.path) is None
    paths = {s.transcript_path for s in Store().sessions()}
    assert paths == {str(lost.path.resolve()), str(later.path.resolve())}

    third = _visit(scenario, trainee="T9")
    out = tmp_path / "cpd.md"
    capsys.readouterr()
    assert main(["cpd", "-o", str(out), "--trainee", "T9"]) == 0
    assert "3 session(s)" in capsys.readouterr().out
    assert str(third.path.resolve()) in {s.transcript_path for s in Store().sessions()}


def test_a_logged_visit_is_not_scored_again(scenario, capsys, monkeypatch):
    from conversation_coach import reconcile

    _visit(scenario)
    assert len(_json(capsys, "progress", "--json")["sessions"]) == 1

    def must_not_score(transcript):
        raise AssertionError("a file with a row was scored again")

    monkeypatch.setattr(reconcile, "assess_saved", must_not_score)
    assert len(_json(capsys, "progress", "--json")["sessions"]) == 1


def test_a_moved_data_dir_does_not_log_its_visits_twice(scenario, coach_home):
    visit = _visit(scenario)
    Store().schema_version()
    with sqlite3.connect(progress_db_path()) as conn:  # as if logged when the data dir was elsewhere
        conn.execute("INSERT INTO sessions (date, scenario_id, score, transcript_path) VALUES (?, ?, ?, ?)",
                     ("2026-11-01T10:00:00+00:00", SCENARIO_ID, 40, f"/old/home/transcripts/{visit.path.name}"))
    conn.close()
    from conversation_coach.reconcile import reconcile

    assert reconcile() == []
    assert [s.score for s in Store().sessions()] == [40]


def test_two_processes_catching_up_at_once_log_each_visit_once(scenario):
    from conversation_coach.reconcile import reconcile

    visits = [_visit(scenario, replies=REPLIES[:n]) for n in (1, 2, 3)]
    Store().schema_version()  # the file exists before the race
    start = threading.Barrier(3)
    problems: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(10)
            reconcile()
        except BaseException as exc:  # reported below
            problems.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert problems == []
    assert sorted(s.transcript_path for s in Store().sessions()) == sorted(str(v.path.resolve()) for v in visits)


def test_a_visit_whose_scenario_was_removed_is_still_logged(scenario, coach_home, capsys):
    visit = _visit(scenario)
    (coach_home / "scenarios" / f"{SCENARIO_ID}.yaml").unlink()
    [session] = _json(capsys, "progress", "--json")["sessions"]
    assert session["transcript_path"] == str(visit.path.resolve())
    assert session["what_matters_surfaced"] == [] and 0 <= session["score"] <= 100


def test_forget_is_never_undone_by_catching_up(scenario, coach_home, capsys):
    gone, kept = "FORGET-RC71", "KEEP-RC72"
    _visit(scenario, mode="assessment", candidate=gone)
    _visit(scenario, trainee=gone)
    _visit(scenario, finish=False, trainee=gone)  # unfinished: never logged, but still about them
    _visit(scenario, mode="assessment", candidate=kept)
    assert {c["candidate"] for c in _json(capsys, "compare", SCENARIO_ID, "--json")["candidates"]} == {gone, kept}
    assert main(["forget", gone, "--yes"]) == 0
    # every command that catches up, and another visit finishing, bring nothing back
    assert [c["candidate"] for c in _json(capsys, "compare", SCENARIO_ID, "--json")["candidates"]] == [kept]
    assert _json(capsys, "progress", "--json")["sessions"] == []
    from conversation_coach.lifecycle import on_finished

    other = _visit(scenario, trainee="SOMEONE-ELSE")
    assert on_finished(other.transcript, other.assessment(), other.path) is None
    assert Store().subject_counts(gone) == {"assessments": 0, "sessions": 0, "exports": 0}
    for path in coach_home.rglob("*"):
        if path.is_file():
            assert gone.encode() not in path.read_bytes(), path


def test_imported_and_unfinished_files_are_not_logged(scenario, coach_home, capsys):
    from conversation_coach.transcript.io import save_transcript
    from conversation_coach.transcript.model import Transcript, Turn

    imported = Transcript(mode="imported", finished=True, scenario_id=SCENARIO_ID,
                          turns=[Turn(speaker="person", text="Hello."), Turn(speaker="worker", text="Hi.")])
    save_transcript(imported, coach_home / "transcripts" / "imported-visit.json")
    _visit(scenario, finish=False)
    (coach_home / "transcripts" / "notes.json").write_text('{"finished": true, "mode": "practice"}')
    assert _json(capsys, "progress", "--json")["sessions"] == []
