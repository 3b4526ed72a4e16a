"""The supervisor's layer: overrides survive save and reload, the coder's layer is never touched,
and the review screen records a verdict with a comment."""

from __future__ import annotations

import asyncio
import functools
import shutil
from pathlib import Path

import pytest

from conversation_coach.review import (
    NO_STAGE,
    apply_override,
    clear_override,
    coder_verdict,
    set_verdict,
    supervisor_verdict,
)
from conversation_coach.rubric.load import load_rubric
from conversation_coach.supervision_questions import supervision_questions
from conversation_coach.transcript.io import load_transcript, save_transcript

GOLDEN = Path(__file__).parent / "golden"
RUBRIC = GOLDEN / "review-rubric.yaml"


@pytest.fixture
def transcript_path(tmp_path) -> Path:
    path = tmp_path / "visit.json"
    shutil.copy(GOLDEN / "review-input.json", path)
    return path


def pilot_test(fn):
    """Run an async Pilot test without an async pytest plugin (none is in the test extra)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


def _codings(transcript) -> list:
    return [t.coding.model_dump() if t.coding else None for t in transcript.turns]


def test_override_survives_save_and_reload_and_coder_layer_is_untouched(transcript_path):
    transcript = load_transcript(str(transcript_path))
    before = _codings(transcript)
    set_verdict(transcript, 3, main="summary", stage=NO_STAGE, traps=["labelling"],
                comment="Not a summary yet <b>[/]</b>", reviewer="Sam")
    save_transcript(transcript, transcript_path)

    again = load_transcript(str(transcript_path))
    review = again.turns[3].review
    assert review is not None
    assert (review.main, review.stage, review.no_stage, review.traps) == ("summary", None, True, ["labelling"])
    assert review.comment == "Not a summary yet <b>[/]</b>"
    assert review.reviewer == "Sam"
    assert _codings(again) == before
    assert coder_verdict(again.turns[3].coding).main == "complex_reflection"
    assert supervisor_verdict(again.turns[3]).main == "summary"
    assert supervisor_verdict(again.turns[3]).stage is None
    assert transcript_path.stat().st_mode & 0o777 == 0o600


def test_agreeing_with_the_coder_stores_no_override(transcript_path):
    transcript = load_transcript(str(transcript_path))
    coding = transcript.turns[1].coding
    set_verdict(transcript, 1, main=coding.main, stage=coding.stage, traps=[], comment="")
    assert transcript.turns[1].review is None
    set_verdict(transcript, 1, main=coding.main, stage=coding.stage, traps=[], comment="well opened")
    review = transcript.turns[1].review
    assert review is not None and review.comment == "well opened"
    assert (review.main, review.stage, review.traps, review.no_stage) == (None, None, None, False)


def test_apply_and_clear_single_fields(transcript_path):
    transcript = load_transcript(str(transcript_path))
    apply_override(transcript, 1, stage=3)
    apply_override(transcript, 1, traps=["power"], comment="  bossy  ")
    review = transcript.turns[1].review
    assert (review.stage, review.traps, review.comment) == (3, ["power"], "bossy")
    clear_override(transcript, 1, fields=["stage"])
    assert transcript.turns[1].review.stage is None
    assert supervisor_verdict(transcript.turns[1]).stage == 1  # back to the coder's
    clear_override(transcript, 1)
    assert transcript.turns[1].review is None


@pytest.mark.parametrize("bad", [{"main": "shouting"}, {"stage": 7}, {"traps": ["grumpy"]}])
def test_bad_override_values_are_refused(transcript_path, bad):
    transcript = load_transcript(str(transcript_path))
    with pytest.raises(ValueError):
        apply_override(transcript, 1, **bad)


def test_person_turns_cannot_be_overridden(transcript_path):
    transcript = load_transcript(str(transcript_path))
    with pytest.raises(ValueError, match="person"):
        set_verdict(transcript, 0, main="other", stage=None, traps=None)
    with pytest.raises(IndexError):
        set_verdict(transcript, 99, main="other", stage=None, traps=None)


def test_supervision_questions_use_the_persons_name():
    questions = supervision_questions("Megan Price")
    headings = [h for h, _ in questions]
    assert headings[0] == "Exploring the individual's story"
    assert len(headings) == 6
    assert sum(len(qs) for _, qs in questions) == 24
    flat = [q for _, qs in questions for q in qs]
    assert "How would you describe Megan Price? Tell me about Megan Price." in flat
    assert any("Megan Price's point of view" in q for q in flat)
    assert not any("individual/carer" in q or "{name" in q for q in flat)
    unnamed = [q for _, qs in supervision_questions(None) for q in qs]
    assert "How would you describe the person? Tell me about the person." in unnamed
    assert any("the person's environment" in q for q in unnamed)


# ----- the review screen, driven as a supervisor would ------------------------------------------


@pilot_test
async def test_review_screen_overrides_a_verdict_with_a_comment(transcript_path):
    from textual.widgets import Checkbox, DataTable, Input, Select, Static

    from conversation_coach.tui.review import OverrideScreen, ReviewApp

    rubric = load_rubric(RUBRIC)
    before = _codings(load_transcript(str(transcript_path)))
    app = ReviewApp(transcript_path, rubric=rubric, reviewer="Sam Supervisor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#review-turns", DataTable)
        assert table.row_count == 10
        assert table.cursor_row == 1  # the first worker turn
        detail = str(screen.query_one("#turn-detail", Static).render())
        assert "move.open-how" in detail and "How are things" in detail  # the rule trace
        await pilot.press("down", "down")  # turn 4, the worker's reflection
        await pilot.press("o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, OverrideScreen)
        dialog.query_one("#override-move", Select).value = "summary"
        dialog.query_one("#trap-labelling", Checkbox).value = True
        dialog.query_one("#override-comment", Input).focus()
        await pilot.press(*"Brackets [/] stay")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        agreement_line = str(screen.query_one("#review-agreement", Static).render())
        assert "move 80%" in agreement_line  # 4 of 5 worker turns now agree on the move
        assert "Turn 4: saved" in agreement_line

    saved = load_transcript(str(transcript_path))
    review = saved.turns[3].review
    assert review is not None
    assert review.main == "summary"
    assert review.traps == ["labelling"]
    assert review.comment == "Brackets [/] stay"
    assert review.reviewer == "Sam Supervisor"
    assert _codings(saved) == before  # the coder's layer is untouched


@pilot_test
async def test_review_screen_clears_an_override_and_shows_questions(transcript_path):
    from textual.widgets import Static, TabbedContent

    from conversation_coach.tui.review import ReviewApp

    app = ReviewApp(transcript_path, rubric=load_rubric(RUBRIC))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("down", "down", "down", "down")  # turn 6: stage overridden to 3
        assert "Stage → 3 Open exploratory question" in str(screen.query_one("#turn-detail", Static).render())
        await pilot.press("x")
        await pilot.pause()
        assert "No override" in str(screen.query_one("#turn-detail", Static).render())
        await pilot.press("s")
        await pilot.pause()
        assert screen.query_one("#review-tabs", TabbedContent).active == "tab-questions"
        questions = str(screen.query_one("#questions", Static).render())
        assert "How would you describe Megan Price?" in questions
    assert load_transcript(str(transcript_path)).turns[5].review is None


@pilot_test
async def test_review_screen_refuses_person_turns(transcript_path):
    from conversation_coach.tui.review import OverrideScreen, ReviewApp

    app = ReviewApp(transcript_path, rubric=load_rubric(RUBRIC))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("up")  # turn 1 is the person's
        await pilot.press("o")
        await pilot.pause()
        assert not isinstance(app.screen, OverrideScreen)


def test_review_command_needs_a_transcript_json(tmp_path, capsys):
    from conversation_coach.cli import main

    plain = tmp_path / "notes.txt"
    plain.write_text("Worker: Hello?\nClient: Hi.\n")
    assert main(["review", str(plain)]) == 1
    assert "import it first" in capsys.readouterr().err.lower()


@pilot_test
async def test_picker_lists_saved_transcripts_and_opens_one(coach_home, transcript_path):
    from textual.app import App
    from textual.widgets import OptionList

    from conversation_coach.tui.review import ReviewPickerScreen, ReviewScreen

    folder = coach_home / "transcripts"
    folder.mkdir(parents=True)
    shutil.copy(transcript_path, folder / "20260301-101500-visit-abc123.json")
    rubric = load_rubric(RUBRIC)

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(ReviewPickerScreen(rubric))

    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#picker-list", OptionList)
        assert options.option_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.transcript.person_name == "Megan Price"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewPickerScreen)


def test_missing_codings_are_filled_and_stored_ones_kept(transcript_path):
    from conversation_coach.review import fill_missing_codings

    transcript = load_transcript(str(transcript_path))
    stored = transcript.turns[3].coding.model_dump()
    transcript.turns[1].coding = None
    assert fill_missing_codings(transcript, load_rubric()) == 1
    assert transcript.turns[1].coding is not None
    assert transcript.turns[3].coding.model_dump() == stored
    assert transcript.turns[0].coding is None  # the person's turns stay uncoded
    assert fill_missing_codings(transcript, load_rubric()) == 0
