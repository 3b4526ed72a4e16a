"""`conversation-coach code`: the DESIGN.md contract, as a user (or another program) calls it."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from conversation_coach.cli import main

CONTRACT_KEYS = {"source", "turn", "speaker", "main", "moves", "stage", "traps"}


def run(capsys, *args: str) -> tuple[int, list[dict], str]:
    code = main(["code", *args])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


@pytest.fixture
def plain(tmp_path):
    path = tmp_path / "visit.txt"
    path.write_text(
        "Worker: Hello Mrs Ellis, how have things been since you came home?\n"
        "Person: I'm so tired. I can't do half of what I used to.\n"
        "Worker: You're worn out, and it's hard not being able to do what you used to.\n"
        "Person: It is.\n"
        "Worker: I think you should get a carer in.\n",
        encoding="utf-8",
    )
    return path


def test_plain_text_every_turn_in_order_with_the_contract_fields(capsys, plain):
    code, lines, err = run(capsys, str(plain))
    assert code == 0 and err == ""
    assert [line["turn"] for line in lines] == [0, 1, 2, 3, 4]
    assert all(set(line) == CONTRACT_KEYS for line in lines)
    assert all(line["source"] == str(plain) for line in lines)
    assert [line["speaker"] for line in lines] == ["worker", "person", "worker", "person", "worker"]
    assert lines[0]["main"] == "open_question" and lines[0]["stage"] == 1
    assert lines[2]["main"] in ("simple_reflection", "complex_reflection") and lines[2]["stage"] == 2
    # "get a carer in" is also read as jumping to a fix (problem solving): only the expert trap is this test's concern
    assert lines[4]["traps"][0] == {"trap": "expert", "rule": "expert.i-think-you-should", "evidence": "I think you should"}
    assert lines[4]["stage"] is None


def test_person_turns_are_empty(capsys, plain):
    _, lines, _ = run(capsys, str(plain))
    for line in lines[1::2]:
        assert (line["main"], line["moves"], line["stage"], line["traps"]) == (None, [], None, [])


def test_jsonl_and_json_and_aliases(capsys, tmp_path):
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text('{"speaker": "client", "text": "My knees are bad."}\n'
                     '{"speaker": "therapist", "text": "Your knees are giving you trouble."}\n', encoding="utf-8")
    single = tmp_path / "one.jsonl"
    single.write_text('{"speaker": "trainee", "text": "What matters most to you?"}\n', encoding="utf-8")
    listed = tmp_path / "b.json"
    listed.write_text(json.dumps([{"speaker": "practitioner", "text": "Do you live alone?"}]), encoding="utf-8")
    code, lines, _ = run(capsys, str(jsonl), str(single), str(listed))
    assert code == 0
    assert [(line["source"], line["turn"]) for line in lines] == [
        (str(jsonl), 0), (str(jsonl), 1), (str(single), 0), (str(listed), 0)]
    assert lines[1]["main"] == "simple_reflection"
    assert lines[2]["main"] == "open_question"
    assert lines[3]["main"] == "closed_question"


def test_the_question_answer_run_is_reported_on_the_turn_that_completes_it(capsys, tmp_path):
    path = tmp_path / "form.txt"
    questions = ["Do you live alone?", "Have you got stairs?", "Do you use a frame?", "Any falls this year?"]
    path.write_text("".join(f"Worker: {q}\nPerson: No.\n" for q in questions), encoding="utf-8")
    _, lines, _ = run(capsys, str(path))
    flagged = [line["turn"] for line in lines if any(t["trap"] == "question_answer" for t in line["traps"])]
    assert flagged == [4]  # the third answered question completes the run, and it is reported once


def test_unreadable_file_is_named_on_stderr_and_the_others_still_coded(capsys, tmp_path, plain):
    missing = tmp_path / "nope.txt"
    broken = tmp_path / "broken.json"
    broken.write_text('{"turns": [', encoding="utf-8")
    binary = tmp_path / "latin1.txt"
    binary.write_bytes("Worker: caf\xe9\n".encode("latin-1"))
    code, lines, err = run(capsys, str(missing), str(plain), str(broken), str(binary))
    assert code != 0
    assert {line["source"] for line in lines} == {str(plain)}
    err_lines = err.strip().splitlines()
    assert len(err_lines) == 3
    assert str(missing) in err_lines[0]
    assert str(broken) in err_lines[1] and "JSON" in err_lines[1]
    assert str(binary) in err_lines[2] and "UTF-8" in err_lines[2]


def test_unknown_speaker_is_reported(capsys, tmp_path):
    path = tmp_path / "who.txt"
    path.write_text("Narrator: Once upon a time.\n", encoding="utf-8")
    code, lines, err = run(capsys, str(path))
    assert code != 0 and lines == []
    assert str(path) in err and "Narrator" in err


def test_stdin_dash(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Worker: What would a good day look like?\n"))
    code, lines, _ = run(capsys, "-")
    assert code == 0
    assert lines == [{"source": "-", "turn": 0, "speaker": "worker", "main": "open_question",
                      "moves": ["open_question"], "stage": 3, "traps": []}]


def test_own_rubric_and_a_broken_rubric(capsys, tmp_path, plain):
    from conversation_coach.paths import default_rubric_path

    mine = tmp_path / "mine.yaml"
    mine.write_text(default_rubric_path().read_text(encoding="utf-8").replace("id: default", "id: mine", 1),
                    encoding="utf-8")
    code, lines, _ = run(capsys, "--rubric", str(mine), str(plain))
    assert code == 0 and len(lines) == 5
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nversion: 1\n", encoding="utf-8")
    code, lines, err = run(capsys, "--rubric", str(bad), str(plain))
    assert code != 0 and lines == []
    assert "bad.yaml:" in err


def test_control_characters_never_reach_stderr(capsys, tmp_path):
    path = tmp_path / "evil\x1b[2J.txt"
    code, _, err = run(capsys, str(path))
    assert code != 0
    assert "\x1b" not in err


def test_end_to_end_subprocess(tmp_path, plain):
    proc = subprocess.run([sys.executable, "-m", "conversation_coach", "code", str(plain)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(lines) == 5 and lines[4]["traps"][0]["trap"] == "expert"


def test_many_files_are_coded_in_parallel_with_the_same_output(tmp_path, capsys, monkeypatch):
    """Past a handful of files `code` splits them across cores; the output must not change."""
    from conversation_coach.commands import coding

    paths = []
    for k in range(10):
        path = tmp_path / f"t{k}.jsonl"
        path.write_text(
            '{"speaker": "person", "text": "The stairs are getting too much for me."}\n'
            f'{{"speaker": "worker", "text": "What would help most with the stairs, visit {k}?"}}\n'
            '{"speaker": "worker", "text": "I think you should move into a bungalow."}\n',
            encoding="utf-8",
        )
        paths.append(str(path))
    monkeypatch.setattr(coding.os, "cpu_count", lambda: 2)
    assert main(["code", *paths]) == 0
    parallel = capsys.readouterr().out
    monkeypatch.setattr(coding.os, "cpu_count", lambda: 1)
    assert main(["code", *paths]) == 0
    sequential = capsys.readouterr().out
    assert parallel == sequential
    assert [json.loads(line)["source"] for line in parallel.splitlines()][::3] == paths


def test_a_rubric_over_the_size_cap_is_refused_without_being_read(capsys, tmp_path, plain, monkeypatch):
    from conversation_coach import yamlload
    from conversation_coach.rubric import cache

    assert cache.MAX_RUBRIC_BYTES == yamlload.MAX_BYTES
    big = tmp_path / "big.yaml"
    big.write_text("id: big\n" + "#" * yamlload.MAX_BYTES + "\n", encoding="utf-8")
    read_whole = []
    monkeypatch.setattr(cache, "_fingerprint", lambda raw: read_whole.append(len(raw)) or "x")
    code, lines, err = run(capsys, "--rubric", str(big), str(plain))
    assert code != 0 and lines == [] and read_whole == []
    assert f"{big}:1:" in err and f"the limit is {yamlload.MAX_BYTES:,}" in err
