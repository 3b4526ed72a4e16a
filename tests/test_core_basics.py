"""Core plumbing: headless imports, text safety, atomic private writes, transcript reading."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from conversation_coach.fsutil import atomic_write_text, write_new_file
from conversation_coach.textsafe import PLACEHOLDER, clean_for_display, normalise_for_coding
from conversation_coach.transcript.io import (
    TranscriptError,
    load_transcript,
    parse_transcript_text,
    save_transcript,
)
from conversation_coach.transcript.model import SCHEMA_VERSION, Transcript, Turn

CORE_MODULES = [
    "conversation_coach.rubric.coder",
    "conversation_coach.rubric.score",
    "conversation_coach.rubric.sequence",
    "conversation_coach.scenario.engine",
    "conversation_coach.scenario.load",
    "conversation_coach.transcript.io",
    "conversation_coach.report.terminal",
    "conversation_coach.store",
    "conversation_coach.cli",
]


def test_core_imports_without_textual():
    """The headless core must not pull in Textual (the TUI is a thin front end)."""
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize(
    "raw",
    ["\x1b[2J", "\x1b]52;c;aGVsbG8=\x07", "a\x00b", "\u202eevil", "zero\u200bwidth", "\x9b31m", "\x07bell"],
)
def test_clean_for_display_removes_terminal_controls(raw):
    shown = clean_for_display(raw)
    assert "\x1b" not in shown and "\x00" not in shown and "\u202e" not in shown and "\x9b" not in shown
    assert "\x07" not in shown and "\u200b" not in shown
    assert PLACEHOLDER in shown


def test_clean_for_display_keeps_markup_literally():
    text = "[/] [@click=app.quit]x[/] [bold]b"
    assert clean_for_display(text) == text


def test_normalise_for_coding_folds_width_and_caps():
    text, capped = normalise_for_coding("\uff37\uff48\uff41\uff54 matters?")
    assert text == "What matters?" and not capped
    text, capped = normalise_for_coding("x" * 10_000_000)
    assert capped and len(text) < 10_000


def test_atomic_write_is_private_and_replaces(tmp_path):
    target = tmp_path / "t.json"
    atomic_write_text(target, "one")
    atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]


def test_write_new_file_refuses_to_overwrite(tmp_path):
    target = tmp_path / "out.md"
    write_new_file(target, "a")
    with pytest.raises(FileExistsError):
        write_new_file(target, "b")
    write_new_file(target, "b", force=True)
    assert target.read_text() == "b"


def test_plain_text_transcript_with_aliases_and_continuation():
    text = "Trainee: Hello, how are things?\nClient: Not bad.\n  Bit tired.\nPractitioner: Tired?\n"
    turns = parse_transcript_text(text, "t.txt").transcript.turns
    assert [(t.speaker, t.text) for t in turns] == [
        ("worker", "Hello, how are things?"),
        ("person", "Not bad. Bit tired."),
        ("worker", "Tired?"),
    ]


def test_jsonl_and_json_list_transcripts():
    jsonl = '{"speaker": "therapist", "text": "Hi"}\n{"speaker": "service user", "text": "Hello"}\n'
    assert [t.speaker for t in parse_transcript_text(jsonl, "a.jsonl").transcript.turns] == ["worker", "person"]
    as_list = json.dumps([{"speaker": "interviewer", "text": "Hi"}, {"speaker": "carer", "text": "Yes"}])
    assert [t.speaker for t in parse_transcript_text(as_list, "a.json").transcript.turns] == ["worker", "person"]


def test_unknown_speaker_is_an_error_with_line():
    with pytest.raises(TranscriptError) as info:
        parse_transcript_text("Worker: hi\nBob: hello\n", "x.txt")
    assert str(info.value).startswith("x.txt:2:") and "Bob" in str(info.value)


def test_broken_jsonl_names_line():
    with pytest.raises(TranscriptError) as info:
        parse_transcript_text('{"speaker": "worker", "text": "a"}\n{"speaker": \n', "b.jsonl")
    assert str(info.value).startswith("b.jsonl:2:")


def test_transcript_roundtrip(tmp_path):
    transcript = Transcript(scenario_id="x", turns=[Turn(speaker="person", text="Hiya [/]\x1b[2J")])
    path = tmp_path / "t.json"
    save_transcript(transcript, path)
    again = load_transcript(str(path))
    assert again.turns == transcript.turns and again.scenario_id == "x"


def test_a_transcript_from_a_newer_version_is_refused_by_name(tmp_path):
    data = json.loads(Transcript(turns=[Turn(speaker="worker", text="Hello.")]).model_dump_json())
    data["schema_version"] = SCHEMA_VERSION + 1
    path = tmp_path / "future.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(TranscriptError) as caught:
        load_transcript(str(path))
    message = str(caught.value)
    assert str(path) in message
    assert (f"made by a newer version of conversation-coach (schema {SCHEMA_VERSION + 1}; "
            f"this version reads up to {SCHEMA_VERSION})") in message
    data["schema_version"] = SCHEMA_VERSION
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_transcript(str(path)).turns[0].text == "Hello."
