"""`conversation-coach export`: Markdown, HTML and JSON records against golden files; escaping,
--force and --pseudonymise.

The input transcript carries its codings, reviews and fixed timestamps, and the rubric is a
fixed test rubric, so the records do not move when the shipped rubric or the coder change.
When the record's layout changes on purpose, regenerate the golden files with
    UPDATE_GOLDEN=1 pytest tests/test_export.py
and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from conversation_coach.cli import main

GOLDEN = Path(__file__).parent / "golden"
INPUT = GOLDEN / "review-input.json"
RUBRIC = GOLDEN / "review-rubric.yaml"
NAMES = ["Megan", "Price", "Tomos", "Hughes", "CAND-0042", "Ruth", "Ellis", "Dai"]


def export(tmp_path: Path, fmt: str, *extra: str, name: str | None = None) -> tuple[int, Path]:
    out = tmp_path / (name or f"record.{fmt}")
    code = main(["export", str(INPUT), "--format", fmt, "-o", str(out), "--rubric", str(RUBRIC), *extra])
    return code, out


def _normalise(fmt: str, text: str) -> str:
    if fmt == "json":  # the app version moves with every release
        data = json.loads(text)
        data["app_version"] = "X"
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return text


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_export_matches_golden(tmp_path, fmt):
    code, out = export(tmp_path, fmt)
    assert code == 0
    produced = _normalise(fmt, out.read_text(encoding="utf-8"))
    golden = GOLDEN / f"review.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8")


def test_export_is_deterministic(tmp_path):
    _, first = export(tmp_path, "html", name="a.html")
    _, second = export(tmp_path, "html", name="b.html")
    assert first.read_bytes() == second.read_bytes()


def test_html_is_self_contained_and_escapes_user_text(tmp_path):
    code, out = export(tmp_path, "html")
    assert code == 0
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&#x27;hi&#x27;)&lt;/script&gt;" in html  # the person's words, shown as typed
    assert "&lt;b&gt;Talked over&lt;/b&gt; her &amp; decided" in html  # the supervisor's comment
    assert "<b>" not in html
    for external in ("<link", "src=", "@import", "url(", "http://", "https://"):
        assert external not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert html.count("<svg") == 1 and "<rect" in html  # the stage-coverage chart, inline
    assert "@media print" in html


def test_html_shows_verdicts_comments_traps_and_questions(tmp_path):
    _, out = export(tmp_path, "html")
    html = out.read_text(encoding="utf-8")
    assert "Why it matters:" in html and "Try instead:" in html
    assert '<mark class="trap">What you should do is</mark>' in html
    assert "Three questions at once" in html  # a supervisor comment
    assert "traps: Expert trap, Yes-but trap → Expert trap, Power trap" in html  # an override
    assert "added by the supervisor" in html
    assert "How would you describe Megan Price?" in html
    assert "Cohen's kappa" in html


def test_markdown_escapes_user_text(tmp_path):
    _, out = export(tmp_path, "md")
    md = out.read_text(encoding="utf-8")
    assert "\\<script\\>alert('hi')\\</script\\>" in md
    assert re.search(r"(?<!\\)<script", md) is None


def test_json_is_versioned(tmp_path):
    _, out = export(tmp_path, "json")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "conversation-coach/supervision-record"
    assert data["export_version"] == 1
    assert data["transcript"]["schema_version"] == 1
    assert data["assessment"]["schema_version"] == 1
    assert data["supervisor_agreement"]["main_move"]["percent"] == 100.0


def test_existing_file_is_not_overwritten_without_force(tmp_path, capsys):
    target = tmp_path / "record.md"
    target.write_text("my notes")
    code, _ = export(tmp_path, "md")
    assert code == 1
    assert "--force" in capsys.readouterr().err
    assert target.read_text() == "my notes"
    code, _ = export(tmp_path, "md", "--force")
    assert code == 0
    assert target.read_text(encoding="utf-8").startswith("# Supervision record")


def test_without_output_the_record_is_printed(capsys):
    assert main(["export", str(INPUT), "--format", "md", "--rubric", str(RUBRIC)]) == 0
    assert capsys.readouterr().out.startswith("# Supervision record: A carer who used to sing")


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_pseudonymise_removes_names_and_candidate_ids_everywhere(tmp_path, fmt):
    code, out = export(tmp_path, fmt, "--pseudonymise", "--hide", "Dai")
    assert code == 0
    text = out.read_text(encoding="utf-8")
    for name in NAMES:
        assert re.search(rf"\b{re.escape(name)}\b", text) is None, name
    assert "the price of taxis" in text  # an ordinary word that happens to be a surname stays
    assert "person" in text and "candidate" in text


def test_unreadable_transcript_names_the_file(tmp_path, capsys):
    bad = tmp_path / "broken.json"
    bad.write_text('{"schema_version": 1, "turns": [')
    assert main(["export", str(bad), "--format", "md"]) == 1
    assert str(bad) in capsys.readouterr().err


def test_plain_text_can_be_exported_directly(tmp_path):
    source = tmp_path / "notes.txt"
    source.write_text("Worker: What would a good day look like?\nClient: A walk by the sea.\n")
    out = tmp_path / "notes.html"
    assert main(["export", str(source), "--format", "html", "-o", str(out)]) == 0
    assert "A walk by the sea." in out.read_text(encoding="utf-8")


def test_a_json_record_reads_back_as_its_transcript(tmp_path, capsys):
    code, out = export(tmp_path, "json")
    assert code == 0
    capsys.readouterr()
    assert main(["score", "--json", str(out), "--rubric", str(RUBRIC)]) == 0
    from_record = json.loads(capsys.readouterr().out)
    assert main(["score", "--json", str(INPUT), "--rubric", str(RUBRIC)]) == 0
    from_transcript = json.loads(capsys.readouterr().out)
    assert from_record["score"] == from_transcript["score"] and from_record["stages"] == from_transcript["stages"]
    assert main(["code", str(out), "--rubric", str(RUBRIC)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    turns = json.loads(INPUT.read_text(encoding="utf-8"))["turns"]
    assert [line["speaker"] for line in lines] == [t["speaker"] for t in turns]
