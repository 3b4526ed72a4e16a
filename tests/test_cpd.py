"""The CPD record: sessions, what was learned, and reflection prompts from the supervision questions."""

from __future__ import annotations

import stat

from conversation_coach.cli import main
from conversation_coach.lifecycle import on_finished
from recruit_data import GOOD_REPLIES, TRAP_REPLIES, make_assessment, make_transcript


def _practise(score, replies, *, when="2026-11-01", person="Mrs Ellis", trainee=None):
    t = make_transcript(replies, created=f"{when}T10:00:00+00:00", updated=f"{when}T10:20:00+00:00",
                        person_name=person, trainee=trainee)
    assert on_finished(t, make_assessment(t, score=score, surfaced=["garden"], missed=["church"]), None) is None


def test_cpd_record_holds_sessions_learning_and_reflection(tmp_path, capsys):
    _practise(38, TRAP_REPLIES, when="2026-10-02", person="Mr Hughes")
    _practise(66, GOOD_REPLIES[:3] + TRAP_REPLIES[1:2], when="2026-10-20")
    _practise(81, GOOD_REPLIES, when="2026-11-03", person="Nansi")
    out = tmp_path / "cpd.md"
    assert main(["cpd", "-o", str(out)]) == 0
    assert "3 session" in capsys.readouterr().out
    text = out.read_text()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    # sessions
    assert "| 2026-10-02 | Home after a fall | 38 |" in text and "| 2026-11-03 |" in text
    assert "Time spent in conversation: about 60 minutes" in text
    # what was learned: stages reached / missed, traps in the trainee's own words, with the rewrite
    assert "Stage 1, open engaging question: reached in 2 of 3 sessions" in text
    assert "Stage 5, summary and actions: reached in 1 of 3 sessions" in text
    assert "**expert trap** \u2014 in 2 sessions, 2 times." in text
    assert "What I said: \u201cGiven how tired you are I think you should stop going out to the garden.\u201d" in text
    assert "Instead: Ask instead (expert)." in text
    assert "conversation-coach drill traps" in text
    # reflection prompts: the seed's supervision questions, with the latest person's name
    assert "What might you do differently next time?" in text
    assert "What did you do to help Nansi have more control/choice in their life?" in text
    assert "_My reflection:_" in text


def test_cpd_since_filters_and_overwrite_needs_force(tmp_path, capsys):
    _practise(40, TRAP_REPLIES, when="2026-09-01")
    _practise(70, GOOD_REPLIES, when="2026-11-01")
    out = tmp_path / "cpd.md"
    assert main(["cpd", "--since", "2026-10-01", "-o", str(out)]) == 0
    text = out.read_text()
    assert "| 2026-11-01 |" in text and "2026-09-01" not in text
    assert "Practice sessions: 1" in text and "since 2026-10-01" in text
    assert main(["cpd", "-o", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["cpd", "-o", str(out), "--force"]) == 0
    assert "2026-09-01" in out.read_text()
    assert main(["cpd", "--since", "1 October", "-o", str(tmp_path / "x.md")]) == 2
    assert not (tmp_path / "x.md").exists()


def test_cpd_for_one_trainee_is_logged_for_forget(tmp_path, capsys):
    _practise(55, GOOD_REPLIES, trainee="TR-5513")
    _practise(20, TRAP_REPLIES, trainee="TR-OTHER")
    out = tmp_path / "mine.md"
    assert main(["cpd", "--trainee", "TR-5513", "-o", str(out)]) == 0
    text = out.read_text()
    assert "Practice sessions: 1" in text and "TR-5513" in text
    capsys.readouterr()
    assert main(["forget", "TR-5513", "--yes"]) == 0
    assert str(out) in capsys.readouterr().out
    assert not out.exists()


def test_cpd_escapes_markdown_in_what_was_said(tmp_path):
    _practise(30, [("I think you should | <script>x</script> # now", "advice", None,
                    [("expert", "I think you should")])])
    out = tmp_path / "cpd.md"
    assert main(["cpd", "-o", str(out)]) == 0
    text = out.read_text()
    assert "<script>" not in text and "\\<script\\>" in text


def test_cpd_with_no_sessions_still_writes_a_record(tmp_path):
    out = tmp_path / "empty.md"
    assert main(["cpd", "-o", str(out)]) == 0
    text = out.read_text()
    assert "Practice sessions: 0" in text and "No practice sessions in this period." in text
    assert "What might you do differently next time?" in text
