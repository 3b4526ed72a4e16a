"""Recruitment panels and retention: assessment play, compare, forget, purge, progress, values evidence."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conversation_coach.cli import main
from conversation_coach.lifecycle import on_finished
from conversation_coach.paths import progress_db_path
from conversation_coach.store import AssessmentRecord, Store
from conversation_coach.values import values_evidence
from recruit_data import GOOD_REPLIES, TRAP_REPLIES, make_assessment, make_transcript

# Replies written for these tests: a listening start, a trap, an exploratory question.
PANEL_REPLIES = [
    "Hello, thanks for letting me in. How have things been for you lately?",
    "It sounds like the last few weeks have been a lot to cope with.",
    "I think you should let us sort out a care package for you.",
    "What would a good day look like for you?",
    "So what matters most is staying in your own home and keeping up with your friends.",
    "/end",
]
COACHING_MARKERS = ("Coach:", "Trap", "trap", "Why:", "Try:", "Score", "/100", "Stage", "stage ",
                    "reflection", "open question", "more open now", "more guarded now", "What matters found")


def _scenario_id() -> str:
    from conversation_coach.scenario.load import list_scenarios

    ids = [e.id for e in list_scenarios()]
    if "recruitment-first-visit" in ids:
        return "recruitment-first-visit"
    if not ids:
        pytest.skip("no scenarios shipped yet")
    return ids[0]


def _play(candidate: str, replies=PANEL_REPLIES, scenario: str | None = None) -> subprocess.CompletedProcess:
    scenario = scenario or _scenario_id()
    return subprocess.run(
        [sys.executable, "-m", "conversation_coach", "play", scenario, "--plain", "--assessment",
         "--candidate", candidate],
        input="\n".join(replies) + "\n", capture_output=True, text=True, timeout=120, env=os.environ.copy(),
    )


def _compare_json(capsys, scenario: str) -> dict:
    capsys.readouterr()
    assert main(["compare", scenario, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --------------------------------------------------------------------------- assessment play


def test_assessment_play_shows_no_coaching_and_scores_alike(coach_home, capsys):
    scenario = _scenario_id()
    first, second = _play("PANEL-A1"), _play("PANEL-B2")
    for run in (first, second):
        assert run.returncode == 0, run.stderr
        for marker in COACHING_MARKERS:
            assert marker not in run.stdout, marker
        assert "Thank you" in run.stdout
    # the person's lines are the same for both: same replies, same conversation
    assert first.stdout == second.stdout

    report = _compare_json(capsys, scenario)
    by_id = {c["candidate"]: c for c in report["candidates"]}
    a, b = by_id["PANEL-A1"], by_id["PANEL-B2"]
    for key in ("score", "parts", "stages_reached", "traps", "what_matters", "values", "rubric_version",
                "scenario_version"):
        assert a[key] == b[key], key
    assert a["traps"], "the trap reply should be on the record for the panel"
    assert "person decides" in report["notice"] and "reviewed_by" in report
    # the record keeps what is needed to reproduce the score, and files are private
    assert a["scenario_id"] == scenario and a["rubric_id"] and a["app_version"]
    transcript = Path(a["transcript"])
    assert transcript.is_file() and transcript.is_relative_to(coach_home / "assessments")
    assert _mode(transcript) == 0o600 and _mode(transcript.parent) == 0o700
    assert _mode(progress_db_path()) == 0o600 and _mode(coach_home) == 0o700
    # the candidate's own words are quoted as evidence of the values
    quoted = [e["words"] for v in a["values"] for e in v["shown"] + v["against"]]
    assert any("good day" in w for w in quoted)
    assert any("I think you should" in w for w in quoted)


def test_same_transcript_gives_the_same_record_for_two_candidates(capsys):
    for candidate in ("SAME-1", "SAME-2"):
        t = make_transcript(GOOD_REPLIES, mode="assessment", candidate=candidate)
        assert on_finished(t, make_assessment(t, score=77, surfaced=["garden"]), None) is None
    report = _compare_json(capsys, "home-after-fall")
    one, two = report["candidates"]
    assert [one["candidate"], two["candidate"]] == ["SAME-1", "SAME-2"]  # tie broken by id
    assert one["score"] == two["score"] == 77
    assert one["values"] == two["values"]


# --------------------------------------------------------------------------- compare


def _record(candidate: str, score: int, *, days_ago: float = 1, scenario: str = "home-after-fall", **kw):
    date = (datetime.now(UTC) - timedelta(days=days_ago)).replace(microsecond=0).isoformat()
    return AssessmentRecord(date=date, candidate=candidate, scenario_id=scenario, score=score,
                            scenario_version="2", rubric_id="default", rubric_version="1.0", **kw)


def test_compare_orders_by_score_then_id_and_uses_the_latest_attempt(capsys):
    store = Store()
    store.add_assessment(_record("C2", 70))
    store.add_assessment(_record("C1", 70))
    store.add_assessment(_record("C3", 35, days_ago=5))
    store.add_assessment(_record("C3", 90, days_ago=2))  # a later attempt
    store.add_assessment(_record("C0", 40))
    store.add_assessment(_record("X9", 99, scenario="school-mornings"))  # another scenario
    report = _compare_json(capsys, "home-after-fall")
    assert [(c["candidate"], c["score"]) for c in report["candidates"]] == [
        ("C3", 90), ("C1", 70), ("C2", 70), ("C0", 40)]
    assert report["candidates"][0]["attempts"] == 2

    assert main(["compare", "home-after-fall", "--reviewed-by", "A. Panellist"]) == 0
    out = capsys.readouterr().out
    assert "Reviewed by: A. Panellist" in out and "A person decides" in out
    assert out.index("C3") < out.index("C1") < out.index("C2") < out.index("C0")


def test_compare_unknown_scenario_says_which_exist(capsys):
    Store().add_assessment(_record("C1", 50))
    assert main(["compare", "no-such-visit"]) == 1
    err = capsys.readouterr().err
    assert "no-such-visit" in err and "home-after-fall" in err


def test_compare_csv_is_private_refuses_overwrite_and_defuses_formulas(coach_home, capsys):
    t = make_transcript([("=HYPERLINK(\"http://x\") what matters to you?", "open_question", 1, [])],
                        mode="assessment", candidate="CSV-1")
    on_finished(t, make_assessment(t, score=50), None)
    out = coach_home / "exports" / "panel.csv"
    assert main(["compare", "home-after-fall", "--csv", str(out)]) == 0
    assert _mode(out) == 0o600 and _mode(out.parent) == 0o700
    text = out.read_text()
    assert "reviewed by" in text and "a person decides" in text and "CSV-1" in text
    assert main(["compare", "home-after-fall", "--csv", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert Store().exports_for("CSV-1") == [str(out.resolve())]


def test_panel_report_shows_candidate_words_literally(capsys):
    words = "[bold]not markup[/] \x1b[2J and [@click=app.quit]x[/]"
    t = make_transcript([(words, "complex_reflection", 2, [])], mode="assessment", candidate="LIT-1")
    on_finished(t, make_assessment(t, score=50), None)
    assert main(["compare", "home-after-fall"]) == 0
    out = capsys.readouterr().out
    flat = " ".join(out.split())  # the report wraps at the terminal's width
    assert "[bold]not markup[/]" in flat and "[@click=app.quit]x[/]" in flat
    assert "\x1b" not in out


# --------------------------------------------------------------------------- values


def test_values_evidence_links_behaviour_to_the_code():
    t = make_transcript(GOOD_REPLIES + TRAP_REPLIES)
    evidence = {v.value: v for v in values_evidence(t.turns)}
    views, trust, voice = evidence["views_and_wishes"], evidence["trust"], evidence["voice_and_control"]
    assert any("garden has been on your mind" in e.words for e in views.shown)
    assert any("I think you should" in e.words for e in views.against)  # expert
    assert any("coming from but" in e.words for e in views.against)  # yes, but
    assert any("determination" in e.words for e in trust.shown)  # affirmation
    assert any("Would it be alright" in e.words for e in trust.shown)  # permission
    assert any("good week" in e.words for e in voice.shown)  # stage 3
    assert any("care home would be best" in e.words for e in voice.against)  # power
    # a reply with a trap is never also counted as showing the value that trap goes against
    shown_turns = {e.turn for e in views.shown}
    assert not shown_turns & {e.turn for e in views.against}


# --------------------------------------------------------------------------- forget


def _all_bytes_mention(home: Path, needle: str) -> list[Path]:
    hits = []
    for path in home.rglob("*"):
        if path.is_file() and needle.encode() in path.read_bytes():
            hits.append(path)
        elif needle in path.name:
            hits.append(path)
    return hits


def test_forget_leaves_no_trace_anywhere_in_the_home_dir(coach_home, capsys):
    scenario = _scenario_id()
    gone, kept = "FORGET-ZK42Q", "KEEP-PV77W"
    assert _play(gone).returncode == 0
    assert _play(kept).returncode == 0
    exports = coach_home / "exports"
    exports.mkdir(mode=0o700)
    assert main(["compare", scenario, "--csv", str(exports / "panel.csv")]) == 0
    (exports / "note-about-forget.md").write_text(f"Panel notes: {gone} was thoughtful.\n")
    practice = make_transcript(GOOD_REPLIES, trainee=gone)
    saved = coach_home / "transcripts" / "20261101-100000-home-after-fall-abc123.json"
    saved.parent.mkdir(mode=0o700)
    saved.write_text(practice.model_dump_json())
    on_finished(practice, make_assessment(practice, score=55), saved)
    assert _all_bytes_mention(coach_home, gone)

    capsys.readouterr()
    assert main(["forget", gone, "--yes"]) == 0
    out = capsys.readouterr().out
    assert "panel.csv" in out and "1 assessment record" in out and "1 practice session record" in out
    assert not saved.exists()
    assert _all_bytes_mention(coach_home, gone) == []
    # the other candidate's own record is still there
    assert [r.candidate for r in Store().assessments()] == [kept]
    assert list((coach_home / "assessments").rglob(f"{kept}-*.json"))


def test_forget_unknown_id_removes_nothing_and_fails(coach_home, capsys):
    t = make_transcript(GOOD_REPLIES, mode="assessment", candidate="C1")
    on_finished(t, make_assessment(t, score=50), None)
    before = {p: p.read_bytes() for p in coach_home.rglob("*") if p.is_file()}
    assert main(["forget", "C1X", "--yes"]) == 1
    assert "nothing is recorded about 'C1X'" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in coach_home.rglob("*") if p.is_file()} == before
    assert main(["forget", "C", "--yes"]) == 1  # a prefix of a real id is not that id


def test_forget_without_yes_refuses(coach_home, capsys):
    t = make_transcript(GOOD_REPLIES, mode="assessment", candidate="C7")
    on_finished(t, make_assessment(t, score=50), None)
    assert main(["forget", "C7"]) == 2
    captured = capsys.readouterr()
    assert "--yes" in captured.err and "1 assessment record" in captured.out
    assert len(Store().assessments(candidate="C7")) == 1


# --------------------------------------------------------------------------- purge


def _saved_assessment(home: Path, candidate: str, days_ago: float) -> Path:
    when = (datetime.now(UTC) - timedelta(days=days_ago)).replace(microsecond=0).isoformat()
    t = make_transcript(GOOD_REPLIES, mode="assessment", candidate=candidate, created=when, updated=when)
    folder = home / "assessments" / "home-after-fall"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{candidate}-20260101-100000.json"
    path.write_text(t.model_dump_json())
    on_finished(t, make_assessment(t, score=50), path)
    return path


def test_purge_removes_only_old_assessments_and_reports_them(coach_home, capsys):
    old = _saved_assessment(coach_home, "OLD-7", days_ago=400)
    new = _saved_assessment(coach_home, "NEW-8", days_ago=3)
    stray = coach_home / "assessments" / "home-after-fall" / "ABANDONED-1-20250101-090000.json"
    abandoned = make_transcript(GOOD_REPLIES[:1], mode="assessment", candidate="ABANDONED-1",
                                created="2025-01-01T09:00:00+00:00", updated="2025-01-01T09:00:00+00:00")
    abandoned.finished, abandoned.ended_by = False, None  # left mid-visit: never logged, only a file
    stray.write_text(abandoned.model_dump_json())
    practice = make_transcript(GOOD_REPLIES, created="2024-01-01T09:00:00+00:00",
                               updated="2024-01-01T09:10:00+00:00")
    on_finished(practice, make_assessment(practice, score=40), None)

    assert main(["purge", "--older-than", "365"]) == 2  # no --yes, no terminal: refuses
    assert old.exists() and len(Store().assessments()) == 2

    capsys.readouterr()
    assert main(["purge", "--older-than", "365", "--yes"]) == 0
    out = capsys.readouterr().out
    assert str(old) in out and str(stray) in out and "1 assessment record in the progress file" in out
    assert not old.exists() and not stray.exists() and new.exists()
    assert [r.candidate for r in Store().assessments()] == ["NEW-8"]
    assert len(Store().sessions()) == 1  # practice is not an assessment record
    assert b"OLD-7" not in progress_db_path().read_bytes()

    assert main(["purge", "--older-than", "365", "--yes"]) == 0
    assert "Nothing was removed" in capsys.readouterr().out


# --------------------------------------------------------------------------- progress


def test_progress_after_several_sessions(capsys):
    for score, replies in ((35, TRAP_REPLIES), (48, GOOD_REPLIES[:3] + TRAP_REPLIES[1:2]),
                           (60, GOOD_REPLIES[:3] + TRAP_REPLIES[1:2]), (74, GOOD_REPLIES)):
        t = make_transcript(replies, trainee="T1")
        assert on_finished(t, make_assessment(t, score=score), None) is None
    t = make_transcript(GOOD_REPLIES, mode="assessment", candidate="NOT-PRACTICE")
    on_finished(t, make_assessment(t, score=99), None)

    assert main(["progress", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [s["score"] for s in doc["sessions"]] == [35, 48, 60, 74]  # assessments are not practice
    assert doc["trend"]["first"] == 35 and doc["trend"]["latest"] == 74 and doc["trend"]["change"] > 0
    assert doc["recurring_traps"][0]["trap"] == "expert" and doc["recurring_traps"][0]["sessions"] == 3
    # stage 4 is "if appropriate": never used here, yet not counted as missed
    assert doc["stages_missed"][0] == {"stage": 5, "name": "summary and actions", "sessions": 3}
    assert 4 not in [m["stage"] for m in doc["stages_missed"]]
    assert any(step["command"] == "conversation-coach drill traps" and "expert" in step["text"]
               for step in doc["next"])

    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "\u2583" in out or "\u2584" in out  # the sparkline
    assert "Traps that recur most" in out and "What to practise next" in out


def test_progress_with_nothing_recorded(coach_home, capsys):
    assert main(["progress", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sessions"] == []
    assert not progress_db_path().exists()  # looking creates nothing


def test_two_plays_finishing_at_once_both_land(coach_home):
    scenario = _scenario_id()
    cmd = [sys.executable, "-m", "conversation_coach", "play", scenario, "--plain", "--no-coach"]
    procs = [subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=os.environ.copy()) for _ in range(3)]
    results = [p.communicate("\n".join(PANEL_REPLIES) + "\n", timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err and "progress log" not in err
    sessions = Store().sessions()
    assert len(sessions) == 3 and len({s.transcript_path for s in sessions}) == 3


def test_forget_an_unknown_id_never_sweeps_exports_that_merely_mention_it(coach_home, capsys):
    exports = coach_home / "exports"
    exports.mkdir(mode=0o700)
    note = exports / "cpd.md"
    note.write_text("Practised home-after-fall twice.\n")
    assert main(["forget", "home-after-fall", "--yes"]) == 1
    assert note.exists()


def test_compare_a_real_scenario_nobody_has_played_yet(capsys):
    scenario = _scenario_id()
    assert main(["compare", scenario, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["candidates"] == []
    assert main(["compare", scenario]) == 0
    assert "No candidate has been assessed" in capsys.readouterr().out


def test_forget_finds_exports_made_by_the_export_command_even_pseudonymised(coach_home, tmp_path, capsys):
    t = make_transcript(GOOD_REPLIES, mode="assessment", candidate="EXP-4411")
    saved = coach_home / "assessments" / "home-after-fall" / "EXP-4411-20261101-100000.json"
    saved.parent.mkdir(parents=True)
    saved.write_text(t.model_dump_json())
    on_finished(t, make_assessment(t, score=50), saved)
    plain, hidden = tmp_path / "plain.md", tmp_path / "hidden.html"
    assert main(["export", str(saved), "--format", "md", "-o", str(plain)]) == 0
    assert main(["export", str(saved), "--format", "html", "-o", str(hidden), "--pseudonymise"]) == 0
    capsys.readouterr()
    assert main(["forget", "EXP-4411", "--yes"]) == 0
    out = capsys.readouterr().out
    assert str(plain) in out and str(hidden) in out
    assert not plain.exists() and not hidden.exists() and not saved.exists()


@pytest.mark.parametrize("days", ["nan", "inf", "-inf", "1e300", "-1"])
def test_purge_refuses_days_that_are_not_a_sensible_number(days, capsys):
    assert main(["purge", f"--older-than={days}", "--yes"]) == 2
    err = capsys.readouterr().err
    assert "--older-than needs a number of days from 0 to" in err and "unexpected error" not in err
