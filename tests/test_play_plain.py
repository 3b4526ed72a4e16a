"""`play --plain` as a user or a script meets it: the conversation, coaching, summary, --json, assessments."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from conversation_coach.cli import main
from conversation_coach.rubric.load import load_rubric
from conversation_coach.scenario.engine import Conversation
from conversation_coach.scenario.load import load_scenario
from conversation_coach.scenario.plain import THANK_YOU
from conversation_coach.transcript.io import load_transcript

SCENARIO = "home-after-fall"
TRAPS = [
    "If you carry on like this, the situation is only going to get worse.",
    "I think you should move to a care home.",
]


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIO)


def _run(*args: str, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conversation_coach", *args], input=stdin, capture_output=True,
                          text=True, timeout=120)


def _play(monkeypatch, capsys, args: list[str], lines: list[str]) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    code = main(["play", SCENARIO, "--plain", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_prints_only_the_final_assessment(scenario, coach_home):
    result = _run("play", SCENARIO, "--plain", "--json", stdin="\n".join(scenario.model_path) + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1  # one document, one line
    doc = json.loads(result.stdout)
    for key in ("schema_version", "stages", "traps", "metrics", "score", "score_parts", "suggestions"):
        assert key in doc
    assert sorted(doc["what_matters"]["surfaced"]) == sorted(w.id for w in scenario.what_matters)
    assert doc["what_matters"]["missed"] == []
    assert set(doc["strengths"]) >= {"surfaced", "missed"}
    assert doc["trust"]["start"] == scenario.trust.start and doc["trust"]["end"] > doc["trust"]["start"]
    assert doc["ended_by"] == "trainee" and doc["traps"] == []
    assert "Nansi Pritchard:" in result.stderr  # the conversation itself went to stderr
    saved = list((coach_home / "transcripts").glob(f"*-{SCENARIO}-*.json"))
    assert len(saved) == 1 and load_transcript(str(saved[0])).finished


def test_plain_shows_lines_coaching_and_summary(scenario, coach_home):
    replies = [scenario.model_path[0], TRAPS[0], scenario.model_path[1], "/end", "never read"]
    result = _run("play", SCENARIO, "--plain", stdin="\n".join(replies) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("Nansi Pritchard: ") == 5  # opening, three replies, closing
    closings = [scenario.closing, scenario.closings.warm, scenario.closings.cool]
    assert scenario.opening in out and any(f"Nansi Pritchard: {c}\n" in out for c in closings if c)
    assert out.count("Coach: ") == 3
    assert '"If you carry on like this' in out and "Why: " in out and "Try: " in out
    assert "Score " in out and "What you found out" in out and "Transcript saved to" in out
    assert "never read" not in out  # the line after /end is no reply: it is the summary's outcome record
    saved = list((coach_home / "transcripts").glob(f"*-{SCENARIO}-*.json"))
    assert len(saved) == 1 and load_transcript(str(saved[0])).outcome_record == "never read"


def test_no_coach_hides_coaching_but_keeps_the_summary(scenario):
    result = _run("play", SCENARIO, "--plain", "--no-coach", stdin=scenario.model_path[0] + "\n")
    assert result.returncode == 0 and "Coach:" not in result.stdout and "Score " in result.stdout


def test_assessment_mode_shows_only_the_conversation_and_a_thank_you(scenario, coach_home):
    rubric = load_rubric()
    replies = [scenario.model_path[0], TRAPS[1], scenario.model_path[1]]
    result = _run("play", SCENARIO, "--plain", "--assessment", "--candidate", "C42", stdin="\n".join(replies) + "\n")
    assert result.returncode == 0, result.stderr
    shown = result.stdout + result.stderr
    assert "Nansi Pritchard:" in shown and THANK_YOU in shown
    for hidden in ("Coach", "Score", "score", "Why:", "Try:", "What you found", "Stage", "trap", "Trap",
                   "more open", "more guarded", *(t.name for t in rubric.traps.values())):
        assert hidden not in shown, hidden
    files = list((coach_home / "assessments" / SCENARIO).glob("C42-*.json"))
    assert len(files) == 1
    record = load_transcript(str(files[0]))
    assert record.finished and record.mode == "assessment" and record.candidate == "C42"
    assert (record.scenario_id, record.scenario_version) == (SCENARIO, scenario.version)
    assert (record.rubric_id, record.rubric_version) == (rubric.id, rubric.version) and record.app_version
    assert not list((coach_home / "transcripts").glob("*.json")) if (coach_home / "transcripts").exists() else True


@pytest.mark.parametrize("args,words", [
    (["--assessment"], "needs --candidate"),
    (["--candidate", "C1"], "goes with --assessment"),
    (["--assessment", "--candidate", "C1", "--json"], "no score"),
    (["--assessment", "--candidate", "../x"], "candidate id"),
    (["--minutes", "0"], "more than 0"),
])
def test_bad_option_combinations(monkeypatch, capsys, args, words):
    code, _out, err = _play(monkeypatch, capsys, args, ["Hello?"])
    assert code == 2 and words in err


def test_on_finished_called_once_and_same_replies_same_output(monkeypatch, capsys, scenario):
    calls = []
    monkeypatch.setattr("conversation_coach.lifecycle.on_finished", lambda *a, **k: calls.append(a))
    replies = [*scenario.model_path[:3], TRAPS[0], *scenario.model_path[3:6]]
    code, first, _ = _play(monkeypatch, capsys, ["--json"], replies)
    assert code == 0 and len(calls) == 1
    transcript, assessment, path = calls[0]
    assert transcript.finished and path is not None and assessment.what_matters is not None
    code, second, _ = _play(monkeypatch, capsys, ["--json"], replies)
    assert json.loads(first) == json.loads(second)


def test_person_ending_the_visit_is_said_plainly(monkeypatch, capsys):
    code, out, _ = _play(monkeypatch, capsys, [], TRAPS * 3)
    assert code == 0 and "has ended the visit" in out and "visit ended by: person" in out


def test_resume_carries_on_the_same_file(monkeypatch, capsys, scenario):
    conv = Conversation(scenario, load_rubric())
    conv.respond(scenario.model_path[0])
    conv.respond(scenario.model_path[1])
    path = conv.path
    code, out, _ = _play(monkeypatch, capsys, ["--resume"], scenario.model_path[2:4])
    assert code == 0 and "Carrying on where you left off" in out
    saved = load_transcript(str(path))
    assert saved.finished and len([t for t in saved.turns if t.speaker == "worker"]) == 4
    code, _out, err = _play(monkeypatch, capsys, ["--resume"], [])
    assert code == 1 and "no unfinished conversation" in err


def test_time_limit_is_shown(monkeypatch, capsys, scenario):
    code, out, _ = _play(monkeypatch, capsys, ["--minutes", "10"], [scenario.model_path[0]])
    assert code == 0 and "minutes left" in out


def test_control_characters_never_reach_the_terminal(monkeypatch, capsys, coach_home):
    text = (load_scenario(SCENARIO).model_dump_json())
    data = json.loads(text)
    data.update(id="escape-test", opening="Hello\x1b[2J there\x07")
    import yaml

    (coach_home / "scenarios").mkdir(parents=True, exist_ok=True)
    (coach_home / "scenarios" / "escape-test.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO("I think you should\x1b]0;pwned\x07 rest.\n"))
    assert main(["play", "escape-test", "--plain"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "Hello\N{REPLACEMENT CHARACTER} there" in out


def test_resume_warns_on_stderr_when_the_scenario_changed(monkeypatch, capsys, scenario):
    conv = Conversation(scenario, load_rubric())
    conv.respond(scenario.model_path[0])
    saved = load_transcript(str(conv.path))
    saved.scenario_version, saved.rubric_version = "0-old", "0-old"
    from conversation_coach.transcript.io import save_transcript

    save_transcript(saved, conv.path)
    code, out, err = _play(monkeypatch, capsys, ["--resume", "--no-coach"], [scenario.model_path[1]])
    assert code == 0 and "Carrying on where you left off" in out
    assert "warning: the scenario 'home-after-fall' has changed" in err and "version 0-old then" in err
    assert "warning: the rubric has changed" in err
    assert "warning" not in out


def test_minutes_help_says_when_line_mode_checks_the_limit(capsys):
    with pytest.raises(SystemExit):
        main(["play", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--minutes N" in help_text and "checked when you send your next reply" in help_text


def test_trap_that_ends_the_visit_is_heard_before_the_goodbye(monkeypatch, capsys, scenario):
    code, out, _ = _play(monkeypatch, capsys, ["--no-coach"], TRAPS * 3)
    ending = [line for line in out.splitlines() if line.endswith(scenario.trust.end_line)]
    assert code == 0 and len(ending) == 1
    said = ending[0].removeprefix("Nansi Pritchard: ").removesuffix(" " + scenario.trust.end_line)
    assert said in {line for lines in scenario.reactions.traps.values() for line in lines}


class _TypedInput(io.StringIO):
    """Standard input that says it is a terminal, as when someone types."""

    def isatty(self) -> bool:
        return True


def test_json_implies_plain_even_on_a_terminal(monkeypatch, capsys, scenario):
    opened = []
    monkeypatch.setattr("conversation_coach.commands.scenarios._play_in_app", lambda *a: opened.append(a) or 0)
    monkeypatch.setattr(sys, "stdin", _TypedInput("".join(f"{line}\n" for line in scenario.model_path[:3])))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["play", SCENARIO, "--json", "--no-coach"]) == 0
    out, _err = capsys.readouterr()
    assert opened == [] and "stages" in json.loads(out)


def test_json_help_says_it_implies_plain(capsys):
    with pytest.raises(SystemExit):
        main(["play", "--help"])
    assert "implies --plain" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("args,words", [
    (["--trainee", "a/b"], "trainee id"),
    (["--assessment", "--candidate", "C1", "--trainee", "T1"], "--trainee is for practice"),
])
def test_bad_trainee_ids_are_refused(monkeypatch, capsys, args, words):
    code, _out, err = _play(monkeypatch, capsys, args, ["Hello?"])
    assert code == 2 and words in err


def test_trainee_sessions_are_found_by_progress_and_forgotten(monkeypatch, capsys, scenario, coach_home):
    code, _out, _err = _play(monkeypatch, capsys, ["--no-coach", "--trainee", "T1"], [*scenario.model_path, "/end", ""])
    assert code == 0
    saved = list((coach_home / "transcripts").rglob("*.json"))
    assert len(saved) == 1 and load_transcript(str(saved[0])).trainee == "T1"
    assert main(["progress", "--json", "--trainee", "T1"]) == 0
    sessions = json.loads(capsys.readouterr().out)["sessions"]
    assert [s["trainee"] for s in sessions] == ["T1"] and sessions[0]["scenario_id"] == SCENARIO
    assert main(["forget", "T1", "--yes"]) == 0
    capsys.readouterr()
    assert not list((coach_home / "transcripts").rglob("*.json"))
    assert main(["progress", "--json", "--trainee", "T1"]) == 0
    assert json.loads(capsys.readouterr().out)["sessions"] == []


def test_the_app_is_given_the_trainee(monkeypatch, capsys):
    import conversation_coach.tui.app as app

    calls = []
    monkeypatch.setattr(app, "run_app", lambda *a, **k: calls.append(k) or 0)
    monkeypatch.setattr(sys, "stdin", _TypedInput(""))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["play", SCENARIO, "--trainee", "T1"]) == 0
    assert len(calls) == 1 and calls[0]["trainee"] == "T1" and calls[0]["mode"] == "practice"
