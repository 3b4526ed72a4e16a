"""The drills in the app, driven with Pilot as a trainee would: the trap-rewrite drill and the outcomes quiz.

What a verdict should say is taken from the headless judges (drills.traps, drills.quiz), which
have their own tests; these check that the screens ask, judge, move on, tally and quit as the
commands promise, and that the trainee's words are shown literally.
"""

from __future__ import annotations

import asyncio
import functools
import io
import sys

import pytest

from conversation_coach.drills.quiz import judge, load_quiz, parse_answer
from conversation_coach.drills.traps import drill_round, judge_rewrite
from conversation_coach.rubric.load import load_rubric
from conversation_coach.tui.app import CoachApp, run_app
from conversation_coach.tui.screens.drill import DrillScreen
from conversation_coach.tui.screens.picker import PickerScreen
from conversation_coach.tui.screens.quiz import QuizScreen

SIZE = (100, 32)
INJECTION = "[/] [@click=app.quit]x[/] [bold]What matters to you?"
# The answer key a trainee would press for each category (y would do for an outcome too).
KEY_FOR = {"personal_outcome": "1", "need_or_barrier": "2", "resource_or_service": "3", "output": "4"}


def pilot_test(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


def shown(screen, selector: str) -> str:
    return screen.query_one(selector).content.plain


async def rewrite(pilot, text: str) -> None:
    pilot.app.screen.query_one("#drill-rewrite").value = text
    await pilot.press("enter")
    await pilot.pause()


# ----- trap-rewrite drill ---------------------------------------------------------------------
@pilot_test
async def test_drill_judges_rewrites_moves_on_and_tallies(rubric):
    items = drill_round(rubric, 10)
    assert len(items) == 10 and len({i.trap for i in items}) == 7  # every trap in a round
    app = CoachApp(rubric=rubric, start="drill")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        assert app.focused is screen.query_one("#drill-rewrite")
        first = items[0]
        item_text = shown(screen, "#drill-item")
        assert first.context in item_text and first.statement in item_text
        assert "1 of 10" in shown(screen, "#drill-title")
        assert not screen.query_one("#drill-feedback").display

        # The trap statement itself is no rewrite: it fails, and the screen says why.
        await rewrite(pilot, first.statement)
        expected = judge_rewrite(first, first.statement, rubric)
        feedback = shown(screen, "#drill-feedback")
        assert not expected.passed and feedback.startswith("✗ Not yet")
        for note in expected.explanation:
            assert note in feedback
        assert rubric.traps[first.trap].name.lower() in feedback

        # A second try is judged but not counted; Enter on an empty box moves on.
        good = "What is it about the afternoons that wears you out?"
        await rewrite(pilot, good)
        assert judge_rewrite(first, good, rubric).passed
        feedback = shown(screen, "#drill-feedback")
        assert feedback.startswith("✓ Passed") and "not counted" in feedback
        assert "0 passed so far" in shown(screen, "#drill-title")
        await rewrite(pilot, "")
        assert "2 of 10" in shown(screen, "#drill-title")
        assert items[1].statement in shown(screen, "#drill-item")

        # Enter on an empty box before any rewrite asks for one and stays put.
        await rewrite(pilot, "")
        assert "2 of 10" in shown(screen, "#drill-title")

        passes = 0
        for item in items[1:]:
            text = f"What matters most to you about {item.id.split('-')[-1]}?"
            passes += judge_rewrite(item, text, rubric).passed
            await rewrite(pilot, text)
            await rewrite(pilot, "")
        tally = shown(screen, "#drill-item")
        assert f"Tally: {passes} of 10 rewrites free of traps and doing what was asked." in tally
        assert tally.count("✓") == passes and tally.count("✗") == 10 - passes
        assert "round complete" in shown(screen, "#drill-title")

        await rewrite(pilot, "")  # another round starts at the first statement
        assert "1 of 10 · 0 passed" in shown(screen, "#drill-title")
        await pilot.press("escape")  # opened on its own (`drill traps`): Esc closes the app
        await pilot.pause()
    assert not app.is_running and app.return_code == 0


@pilot_test
async def test_drill_end_early_and_user_text_is_literal(rubric):
    app = CoachApp(rubric=rubric, start="drill", drill_count=3)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "1 of 3" in shown(screen, "#drill-title")
        await rewrite(pilot, INJECTION)
        assert app.is_running
        assert f"“{INJECTION}”" in shown(screen, "#drill-feedback")
        await rewrite(pilot, "\x1b[2Jhow are things\x07 for you?")
        assert "\x1b" not in shown(screen, "#drill-feedback")
        await rewrite(pilot, "/end")
        tally = shown(screen, "#drill-item")
        assert "of 1 rewrites" in tally and "(2 not attempted)" in tally
        assert INJECTION in tally


@pilot_test
async def test_drill_and_quiz_from_the_picker_palette_return_to_it(rubric):
    from test_tui import run_palette_command

    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Drill: rewrite the traps" in titles and "Quiz: personal outcomes" in titles
        await run_palette_command(pilot, "Drill: rewrite the traps")
        assert isinstance(app.screen, DrillScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen) and app.is_running
        await run_palette_command(pilot, "Quiz: personal outcomes")
        assert isinstance(app.screen, QuizScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen) and app.is_running


def test_a_rubric_without_a_drill_bank_is_refused_before_opening(tmp_path, capsys, monkeypatch):
    from conversation_coach.rubric.load import load_rubric as real_load

    bare = real_load().model_copy(update={"drill_bank": []})
    monkeypatch.setattr("conversation_coach.rubric.load.load_rubric", lambda path=None: bare)
    opened = []
    monkeypatch.setattr(CoachApp, "run", lambda self, *a, **k: opened.append(self))
    assert run_app(start="drill") == 1
    assert "no drill bank" in capsys.readouterr().err and not opened
    assert run_app(start="somewhere") == 2 and not opened


# ----- personal-outcomes quiz -----------------------------------------------------------------
@pilot_test
async def test_quiz_all_25_with_keys_feedback_and_tally():
    quiz = load_quiz()
    assert len(quiz.items) == 25
    app = CoachApp(start="quiz")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        in_footer = {key for key, active in app.active_bindings.items() if active.binding.show and active.enabled}
        assert {"y", "n", "2", "3", "4", "escape"} <= in_footer and "enter" not in in_footer

        first = quiz.items[0]
        assert first.statement in shown(screen, "#quiz-statement")
        wrong = "n" if first.is_outcome else "y"
        await pilot.press(wrong)
        await pilot.pause()
        expected = judge(first, *parse_answer(wrong)).message()
        assert shown(screen, "#quiz-feedback") == "✗ " + expected + "\nEnter: next statement"
        await pilot.press("y", "n")  # no second answer to the same statement
        await pilot.pause()
        assert len(screen.answers) == 1
        in_footer = {key for key, active in app.active_bindings.items() if active.binding.show and active.enabled}
        assert "enter" in in_footer and "y" not in in_footer
        await pilot.press("enter")
        await pilot.pause()

        for number, item in enumerate(quiz.items[1:], 2):
            assert f"Statement {number} of 25" in shown(screen, "#quiz-statement")
            await pilot.press(KEY_FOR[item.category])
            await pilot.pause()
            assert shown(screen, "#quiz-feedback").startswith("✓ Right")
            await pilot.press("enter")
        await pilot.pause()
        tally = shown(screen, "#quiz-statement")
        assert tally.startswith("You got 24 of 25 right.")
        assert "Where you named the category: 24 of 24 right." in tally
        assert f"✗ 1. “{first.statement}”" in tally  # the one to look at again
        assert "finished" in shown(screen, "#quiz-title")
        await pilot.press("enter")  # take it again
        await pilot.pause()
        assert "Statement 1 of 25" in shown(screen, "#quiz-statement") and screen.answers == []


@pilot_test
async def test_quiz_can_finish_early():
    app = CoachApp(start="quiz")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await pilot.press("ctrl+g")
        await pilot.pause()
        tally = shown(app.screen, "#quiz-statement")
        assert "of 1 right (24 not answered)." in tally
        await pilot.press("escape")
        await pilot.pause()
    assert not app.is_running


# ----- the commands open the app on a terminal ------------------------------------------------
class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("argv", "start", "count"), [
    (["drill", "traps"], "drill", 10),
    (["drill", "traps", "--count", "4"], "drill", 4),
    (["quiz", "outcomes"], "quiz", 10),
])
def test_drill_commands_open_the_app_on_a_terminal(monkeypatch, argv, start, count):
    from conversation_coach.cli import main

    opened = []
    monkeypatch.setattr(CoachApp, "run", lambda self, *a, **k: opened.append(self))
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(sys, "stdout", Terminal())
    assert main(argv) == 0
    (app,) = opened
    assert app.start == start and app.scenario_id is None and not app.assessment_mode
    assert app.drill_count == count
