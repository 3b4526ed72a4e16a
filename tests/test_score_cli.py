"""`conversation-coach score`: one file (summary or --json), many files (table, --csv), bad input.

Transcripts here are the project's JSON with stored codings made under a small test
rubric (passed with --rubric), so the figures do not depend on the coder; the last
tests go through the real coder and the default rubric.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conversation_coach.cli import main
from conversation_coach.rubric.coding import MOVES, TRAPS, Coding, TrapHit
from conversation_coach.transcript.io import save_transcript
from conversation_coach.transcript.model import Transcript, Turn


def _rubric_yaml() -> dict:
    questions = {
        1: ["Can you tell me how things have been lately?"],
        2: ["It sounds as if {topic} means a lot to you."],
        3: ["What worries you most at the moment?", "Who else could help you with this?"],
        4: ["Would it help if I told you a bit about what's available?"],
        5: ["What have you decided to do first?"],
    }
    return {
        "id": "cli-test",
        "version": "1",
        "title": "Test rubric",
        "stages": [{"number": n, "name": f"Stage {n} name", "purpose": "p", "questions": questions[n]}
                   for n in range(1, 6)],
        "traps": {t: {"name": f"{t} trap", "meaning": "m", "why": f"why {t}", "rewrite": f"instead of {t}"}
                  for t in TRAPS},
        "moves": {m: {"name": m, "description": m} for m in MOVES},
    }


@pytest.fixture()
def rubric_path(tmp_path) -> Path:
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(_rubric_yaml(), sort_keys=False), encoding="utf-8")
    return path


def _coded(main, stage=None, traps=()):
    return Coding(main=main, moves=[main], stage=stage,
                  traps=[TrapHit(trap=t, rule=f"{t}.r", evidence=e) for t, e in traps])


def _write(path: Path, turns: list[tuple[str, str, Coding | None]], **fields) -> Path:
    transcript = Transcript(rubric_id="cli-test", rubric_version="1", **fields, turns=[
        Turn(speaker=s, text=text, coding=coding) for s, text, coding in turns])
    save_transcript(transcript, path)
    return path


@pytest.fixture()
def good_file(tmp_path) -> Path:
    return _write(tmp_path / "good.json", [
        ("person", "Come in. My garden is a mess these days.", None),
        ("worker", "Can you tell me how things have been lately?", _coded("open_question", 1)),
        ("person", "Not great since the hip. My garden was my life.", None),
        ("worker", "The garden kept you going, and the hip has taken it from you.", _coded("complex_reflection", 2)),
        ("person", "Yes.", None),
        ("worker", "So you'd like to get back out there, and you'll ask your nephew to help on Saturdays.",
         _coded("summary", 5)),
    ], person_name="Beryl")


@pytest.fixture()
def trap_file(tmp_path) -> Path:
    return _write(tmp_path / "traps.json", [
        ("person", "I keep falling.", None),
        ("worker", "I think you should move into a care home.", _coded("advice", None, [("power", "I think you should")])),
        ("person", "No.", None),
        ("worker", "You're just being stubborn.", _coded("other", None, [("labelling", "being stubborn")])),
    ])


def test_one_file_prints_a_readable_summary(rubric_path, good_file, capsys):
    assert main(["score", "--rubric", str(rubric_path), str(good_file)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    for expected in ("Score", "Stage coverage", "Stages", "The garden kept you going", "No traps",
                     "Reflection-to-question ratio", "Try next time", "What worries you most"):
        assert expected in out, expected


def test_one_file_json_document(rubric_path, trap_file, capsys):
    assert main(["score", "--rubric", str(rubric_path), "--json", str(trap_file)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["source"] == str(trap_file)
    assert doc["schema_version"] >= 1 and isinstance(doc["score"], int) and 0 <= doc["score"] <= 100
    assert [s["stage"] for s in doc["stages"]] == [1, 2, 3, 4, 5]
    assert set(doc["stages"][0]) >= {"stage", "name", "reached", "count", "example"}
    assert doc["traps"] == [
        {"trap": "power", "name": "power trap", "turn": 1, "evidence": "I think you should", "rule": "power.r",
         "meaning": "m", "why": "why power", "rewrite": "instead of power"},
        {"trap": "labelling", "name": "labelling trap", "turn": 3, "evidence": "being stubborn",
         "rule": "labelling.r", "meaning": "m", "why": "why labelling", "rewrite": "instead of labelling"},
    ]
    assert {"reflection_to_question", "percent_open_questions", "percent_complex_reflections",
            "worker_talk_share"} <= set(doc["metrics"])
    assert sum(p["max_points"] for p in doc["score_parts"]) == 100
    assert doc["suggestions"] and all({"stage", "question"} <= set(s) for s in doc["suggestions"])


def test_several_files_progress_table_and_csv(rubric_path, good_file, trap_file, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out_csv = tmp_path / "out" / "scores.csv"
    code = main(["score", "--rubric", str(rubric_path), "--csv", "out/scores.csv",
                 good_file.name, "nope.json", trap_file.name])
    out, err = capsys.readouterr()
    assert code == 1  # one file could not be read...
    assert "Scoring" in err and "3/3" in err  # the progress bar, on stderr
    error_lines = [line for line in err.splitlines() if "nope.json" in line]
    assert len(error_lines) == 1 and "cannot read" in error_lines[0]
    assert "good.json" in out and "traps.json" in out and "unreadable" in out  # ...the others still scored
    with out_csv.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["file"] for r in rows] == ["good.json", "nope.json", "traps.json"]
    good, bad, traps = rows
    assert good["stages_reached"] == "1 2 5" and good["traps"] == "0" and int(good["score"]) > int(traps["score"])
    assert traps["power"] == "1" and traps["labelling"] == "1" and traps["traps"] == "2" and traps["expert"] == "0"
    assert bad["score"] == "" and "cannot read" in bad["error"]
    assert oct(out_csv.stat().st_mode & 0o777) == "0o600"
    assert not [p for p in out_csv.parent.iterdir() if p.name != "scores.csv"]  # no temp file left


def test_batch_table_keeps_long_file_names_on_one_line(rubric_path, good_file, trap_file, tmp_path, capsys,
                                                      monkeypatch):
    deep = tmp_path / "visits" / "north-wales" / "autumn-2026" / "supervision-group-b"
    deep.mkdir(parents=True)
    long_name = deep / "a-rather-long-transcript-name-from-the-import.json"
    long_name.write_bytes(trap_file.read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["score", "--rubric", str(rubric_path), str(good_file), str(deep / "missing.json"),
                 str(long_name)]) == 1
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    cells = [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│")]
    files = [cell for cell in cells if cell]
    # One line per file: nothing folds inside the File column.
    assert len(files) == 3, out
    # Shown relative to the current directory, which is shorter than the absolute path given...
    assert files[0] == "good.json"
    # ...and cut from the left, whole directories at a time, when it still does not fit.
    assert files[1].startswith("…/") and files[1].endswith("/missing.json")
    assert files[2].startswith("…") and files[2].endswith("-from-the-import.json")


def test_fit_path_keeps_the_file_name():
    from conversation_coach.commands.scoring import fit_path

    assert fit_path("a/b.json", 20) == "a/b.json"
    assert fit_path("one/two/three/home-after-fall.json", 26) == "…/home-after-fall.json"
    assert fit_path("one/two/three/home-after-fall.json", 30) == "…/three/home-after-fall.json"
    long = fit_path("x/" + "n" * 50 + ".json", 20)
    assert len(long) == 20 and long.startswith("…") and long.endswith(".json")


def test_records_and_suggestions_count_turns_alike(rubric_path, trap_file, tmp_path, capsys):
    """The Markdown record numbers turns from 1; the suggestions' "why" must point at the same turns."""
    out = tmp_path / "record.md"
    assert main(["export", str(trap_file), "--format", "md", "--rubric", str(rubric_path), "-o", str(out)]) == 0
    record = out.read_text(encoding="utf-8")
    headed = re.findall(r"^### \d+\. power trap.*\(turn (\d+)\)", record, re.MULTILINE)
    pointed = re.findall(r"Instead of the power trap at turn (\d+)", record)
    assert headed == ["2"] and pointed == ["2"]
    assert re.search(r"^2\. \*\*Worker:\*\* I think you should", record, re.MULTILINE)


def test_several_files_json_lines(rubric_path, good_file, trap_file, capsys):
    assert main(["score", "--rubric", str(rubric_path), "--json", str(good_file), str(trap_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    docs = [json.loads(line) for line in lines]
    assert [Path(d["source"]).name for d in docs] == ["good.json", "traps.json"]


def test_unreadable_and_malformed_files(rubric_path, tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text('{"turns": [', encoding="utf-8")
    assert main(["score", "--rubric", str(rubric_path), str(broken)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert "broken.json" in err and "not valid JSON" in err


def test_bad_rubric_is_reported(tmp_path, good_file, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: '1'\ntitle: t\nstages: []\n", encoding="utf-8")
    assert main(["score", "--rubric", str(bad), str(good_file)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err


def test_csv_cells_cannot_run_as_formulas(rubric_path, tmp_path, capsys, monkeypatch):
    _write(tmp_path / "=HYPERLINK(x).json", [
        ("person", "Hello.", None), ("worker", "How are things?", _coded("open_question", 1))])
    monkeypatch.chdir(tmp_path)
    assert main(["score", "--rubric", str(rubric_path), "--csv", "s.csv", "=HYPERLINK(x).json"]) == 0
    with (tmp_path / "s.csv").open(encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    assert row["file"] == "'=HYPERLINK(x).json" and row["score"].isdigit()


def test_markup_and_escapes_in_a_transcript_are_shown_as_text(rubric_path, tmp_path, capsys):
    path = _write(tmp_path / "odd.json", [
        ("person", "[bold]hi[/]", None),
        ("worker", "[/] What [red]matters\x1b[31m to you?", _coded("open_question", 1, [("expert", "[/]\x1b]0;x\x07")])),
    ])
    assert main(["score", "--rubric", str(rubric_path), str(path)]) == 0
    out = capsys.readouterr().out
    assert "[/] What [red]matters" in out and "\x1b" not in out and "\x07" not in out


# --- through the real coder and the default rubric --------------------------------------------


def test_plain_text_transcript_through_the_real_coder(tmp_path, capsys):
    path = tmp_path / "visit.txt"
    path.write_text(
        "Client: My legs aren't what they were and the stairs are getting hard.\n"
        "Worker: I think you should move into a care home.\n"
        "Client: I'm not leaving my house.\n",
        encoding="utf-8",
    )
    assert main(["score", "--json", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    traps = [t for t in doc["traps"] if t["turn"] == 1]
    assert traps, doc["traps"]
    assert {t["trap"] for t in traps} & {"power", "expert"}
    assert all(t["evidence"] and t["evidence"].lower() in "i think you should move into a care home." for t in traps)
    assert all(t["why"] and t["rewrite"] for t in traps)
    assert doc["score"] < 50


def test_module_entry_point_scores_a_file(tmp_path):
    path = tmp_path / "visit.txt"
    path.write_text(
        "Person: It's been a hard year.\n"
        "Worker: Can you tell me a bit more about what's been happening?\n"
        "Person: Since my husband died I hardly go out.\n"
        "Worker: Since he died, the days have got smaller and quieter.\n",
        encoding="utf-8",
    )
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    result = subprocess.run([sys.executable, "-m", "conversation_coach", "score", str(path)],
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert "Score" in result.stdout and "Stages" in result.stdout


def test_csv_refuses_to_overwrite_without_force(rubric_path, good_file, trap_file, tmp_path, capsys):
    out_csv = tmp_path / "scores.csv"
    out_csv.write_text("my own notes\n", encoding="utf-8")
    args = ["score", "--rubric", str(rubric_path), "--csv", str(out_csv), str(good_file), str(trap_file)]
    assert main(args) == 1
    assert "exists; use --force" in capsys.readouterr().err
    assert out_csv.read_text(encoding="utf-8") == "my own notes\n"
    assert main([*args, "--force"]) == 0
    capsys.readouterr()
    assert out_csv.read_text(encoding="utf-8").startswith("file,score,")
    assert oct(out_csv.stat().st_mode & 0o777) == "0o600"


def test_an_unwritable_csv_path_is_one_line_naming_it(rubric_path, good_file, trap_file, tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be\n", encoding="utf-8")
    out_csv = blocker / "scores.csv"
    args = ["score", "--rubric", str(rubric_path), "--csv", str(out_csv), str(good_file), str(trap_file)]
    assert main(args) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("conversation-coach score: cannot write ")
    assert str(out_csv) in err[-1]
