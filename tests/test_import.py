"""`conversation-coach import`: typed-up conversations become coded transcripts; nothing is dropped silently."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from conversation_coach.cli import main
from conversation_coach.transcript.io import load_transcript

GOLDEN = Path(__file__).parent / "golden"

TYPED_UP = """\
Visit to the allotment society, typed up afterwards

Support worker: Morning. How have things been since we last met?
Client: Not bad. My knee has kept me away from the plot.
Support worker: You miss being down there.
Client: I do. It's where my friends are,
and where I feel useful.
Support worker: What would help you get back?
"""


def run_import(tmp_path: Path, text: str, *args: str, name: str = "visit.txt") -> tuple[int, Path]:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out.json"
    code = main(["import", str(source), "-o", str(out), *args])
    return code, out


def test_plain_text_with_common_names_becomes_a_coded_transcript(tmp_path, capsys):
    code, out = run_import(tmp_path, TYPED_UP)
    assert code == 0
    transcript = load_transcript(str(out))
    assert [t.speaker for t in transcript.turns] == ["worker", "person", "worker", "person", "worker"]
    assert transcript.turns[3].text == "I do. It's where my friends are, and where I feel useful."
    assert transcript.mode == "imported"
    assert all(t.coding is not None and t.coding.main for t in transcript.turns if t.speaker == "worker")
    assert transcript.rubric_id and transcript.rubric_version
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    captured = capsys.readouterr()
    assert "Imported 5 turns" in captured.out and str(out) in captured.out


def test_unattributable_lines_are_reported_with_line_numbers(tmp_path, capsys):
    text = TYPED_UP + "\n(phone rings, nobody answers)\nClient: Sorry about that.\n"
    code, out = run_import(tmp_path, text)
    assert code == 0
    err = capsys.readouterr().err
    source = str(tmp_path / "visit.txt")
    assert f"{source}:1: not attributed to a speaker" in err
    assert "Visit to the allotment society" in err
    assert f"{source}:10: not attributed to a speaker" in err and "phone rings" in err
    transcript = load_transcript(str(out))
    assert transcript.turns[-1].text == "Sorry about that."


def test_left_out_count_is_in_the_summary(tmp_path, capsys):
    code, _ = run_import(tmp_path, "A heading line\n" + TYPED_UP)
    assert code == 0
    assert "2 lines left out" in capsys.readouterr().out


def test_unknown_speakers_are_reported_with_a_hint_and_nothing_is_saved(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: nobody to ask
    text = "Rhian: How are you today?\nMr Jones: Tired.\nRhian: Tired.\n"
    code, out = run_import(tmp_path, text)
    assert code == 2
    err = capsys.readouterr().err
    assert ":1: unknown speaker 'Rhian'" in err
    assert ":2: unknown speaker 'Mr Jones'" in err
    assert "--worker" in err and "--person" in err
    assert not out.exists()


def test_worker_and_person_names_map_speakers(tmp_path):
    text = "Rhian: How are you today?\nMr Jones: Tired.\nRhian: Tired, and fed up of it?\n"
    code, out = run_import(tmp_path, text, "--worker", "rhian", "--person", "MR JONES")
    assert code == 0
    transcript = load_transcript(str(out))
    assert [t.speaker for t in transcript.turns] == ["worker", "person", "worker"]
    assert transcript.person_name == "Mr Jones"  # as the file writes it
    assert transcript.trainee == "Rhian"


def test_ignored_speakers_are_reported_not_dropped_silently(tmp_path, capsys):
    text = "Worker: How are you?\nNote: she looked tired\nClient: Fine.\n"
    code, out = run_import(tmp_path, text, "--ignore", "note")
    assert code == 0
    assert ":2: ignored (--ignore): Note: she looked tired" in capsys.readouterr().err
    assert len(load_transcript(str(out)).turns) == 2


def test_unknown_speakers_are_asked_about_on_a_terminal(tmp_path, capsys, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal("w\nmaybe\np\n"))  # an unclear answer is asked again
    text = "Rhian: How are you today?\nMr Jones: Tired.\n"
    code, out = run_import(tmp_path, text)
    assert code == 0
    assert [t.speaker for t in load_transcript(str(out)).turns] == ["worker", "person"]
    err = capsys.readouterr().err
    assert "who is 'Rhian'" in err and "who is 'Mr Jones'" in err


def test_json_lines_import(tmp_path):
    lines = [{"speaker": "practitioner", "text": "What matters to you?"}, {"speaker": "service user", "text": "My dog."}]
    code, out = run_import(tmp_path, "\n".join(json.dumps(x) for x in lines) + "\n", name="visit.jsonl")
    assert code == 0
    assert [t.text for t in load_transcript(str(out)).turns] == ["What matters to you?", "My dog."]


def test_malformed_json_lines_name_file_and_line(tmp_path, capsys):
    code, out = run_import(tmp_path, '{"speaker": "worker", "text": "Hi"}\n{"speaker": oops}\n', name="bad.jsonl")
    assert code == 1
    assert f"{tmp_path / 'bad.jsonl'}:2:" in capsys.readouterr().err
    assert not out.exists()


def test_an_export_imports_back_with_the_supervisors_layer(tmp_path):
    exported = tmp_path / "record.json"
    rubric = str(GOLDEN / "review-rubric.yaml")
    assert main(["export", str(GOLDEN / "review-input.json"), "--format", "json", "-o", str(exported),
                 "--rubric", rubric]) == 0
    out = tmp_path / "back.json"
    assert main(["import", str(exported), "-o", str(out), "--rubric", rubric]) == 0
    back = load_transcript(str(out))
    original = load_transcript(str(GOLDEN / "review-input.json"))
    assert [t.review for t in back.turns] == [t.review for t in original.turns]
    assert [t.coding for t in back.turns] == [t.coding for t in original.turns]


def test_existing_output_is_not_overwritten_without_force(tmp_path, capsys):
    out = tmp_path / "out.json"
    out.write_text("keep me")
    code, _ = run_import(tmp_path, TYPED_UP)
    assert code == 1
    assert "--force" in capsys.readouterr().err
    assert out.read_text() == "keep me"
    code, _ = run_import(tmp_path, TYPED_UP, "--force")
    assert code == 0 and load_transcript(str(out)).turns


def test_default_output_goes_to_the_private_transcripts_folder(tmp_path, coach_home, capsys):
    source = tmp_path / "visit.txt"
    source.write_text(TYPED_UP)
    assert main(["import", str(source)]) == 0
    saved = list((coach_home / "transcripts").glob("*-imported-visit-*.json"))
    assert len(saved) == 1
    assert stat.S_IMODE((coach_home / "transcripts").stat().st_mode) == 0o700


def test_import_end_to_end_from_stdin(tmp_path):
    out = tmp_path / "stdin.json"
    done = subprocess.run([sys.executable, "-m", "conversation_coach", "import", "-", "-o", str(out)],
                          input="Trainee: What would a good week look like?\nCarer: One with a night off.\n",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert [t.speaker for t in load_transcript(str(out)).turns] == ["worker", "person"]


def test_new_folders_for_output_are_private_only_inside_the_data_dir(tmp_path, coach_home, capsys):
    source = tmp_path / "visit.txt"
    source.write_text(TYPED_UP, encoding="utf-8")
    old_umask = os.umask(0o022)
    try:
        inside = coach_home / "exports" / "team" / "visit.json"
        assert main(["import", str(source), "-o", str(inside)]) == 0
        mine = tmp_path / "my-folder" / "sub" / "visit.json"
        assert main(["import", str(source), "-o", str(mine)]) == 0
        record = coach_home / "records" / "2026" / "visit.md"
        assert main(["export", str(inside), "--format", "md", "-o", str(record)]) == 0
    finally:
        os.umask(old_umask)
    for folder in (coach_home / "exports", coach_home / "exports" / "team", coach_home / "records",
                   coach_home / "records" / "2026"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for folder in (tmp_path / "my-folder", tmp_path / "my-folder" / "sub"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755, folder
