"""The Textual app, driven as a user would with Pilot: pick, converse, coach, end, summary, resume.

The scenario comes from tests/data/tui so that edits to the shipped ones do not change what
these tests see; it is installed as a user scenario (the real mechanism). The rubric is the
shipped default — the coder's behaviour is defined with it — and what the screens should say
about a trap is read from it rather than written here.
"""

from __future__ import annotations

import asyncio
import functools
import io
import json
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from conversation_coach.rubric.load import load_rubric
from conversation_coach.scenario.engine import Conversation
from conversation_coach.scenario.load import load_scenario
from conversation_coach.tui.app import CoachApp, run_app
from conversation_coach.tui.screens.conversation import ConversationScreen
from conversation_coach.tui.screens.help import HelpScreen
from conversation_coach.tui.screens.picker import PickerScreen
from conversation_coach.tui.screens.resume import ResumeScreen
from conversation_coach.tui.screens.summary import SummaryScreen
from conversation_coach.tui.screens.thanks import ThanksScreen
from conversation_coach.tui.widgets.chat_log import ChatLine, ChatLog
from conversation_coach.tui.widgets.coach_panel import CoachPanel
from conversation_coach.tui.widgets.stage_meter import StageMeter

DATA = Path(__file__).parent / "data" / "tui"
SCENARIO_ID = "tui-visit"
INJECTION = "[/] [@click=app.quit]x[/] [bold]b"
SIZE = (100, 32)


def pilot_test(fn):
    """Run an async Pilot test without an async pytest plugin (none is in the test extra)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


@pytest.fixture
def rubric():
    return load_rubric()


@pytest.fixture
def user_scenario(coach_home):
    """Install the test scenario in the user's own scenarios folder."""
    folder = coach_home / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "scenarios" / f"{SCENARIO_ID}.yaml", folder / f"{SCENARIO_ID}.yaml")
    return folder / f"{SCENARIO_ID}.yaml"


@pytest.fixture
def finished_calls(monkeypatch):
    """Record lifecycle.on_finished calls (the app imports it when a visit ends)."""
    import conversation_coach.lifecycle as lifecycle

    calls = []
    real = lifecycle.on_finished

    def spy(transcript, assessment, path=None):
        calls.append((transcript, assessment, path))
        return real(transcript, assessment, path)

    monkeypatch.setattr(lifecycle, "on_finished", spy)
    return calls


async def say(pilot, text: str) -> None:
    reply = pilot.app.screen.query_one("#reply")
    reply.value = text
    await pilot.press("enter")
    await pilot.pause()


async def pick_test_scenario(pilot) -> None:
    """Type to filter down to the test scenario, then Enter starts it."""
    await pilot.pause()
    assert isinstance(pilot.app.screen, PickerScreen)
    await pilot.press(*"pigeon")
    await pilot.press("enter")
    await pilot.pause()


def chat_texts(app) -> list[tuple[str, str]]:
    return [(line.kind, line.text) for line in app.screen.query(ChatLine)]


def screen_text(widget) -> str:
    """Everything a widget's Statics show, as plain text."""
    from textual.widgets import Static

    parts = []
    statics = [widget] if isinstance(widget, Static) else []
    for static in [*statics, *widget.query(Static)]:
        content = static.content
        if hasattr(content, "plain"):
            parts.append(content.plain)
        else:
            import io

            from rich.console import Console

            console = Console(width=2000, record=True, file=io.StringIO())
            console.print(content)
            parts.append(console.export_text())
    return "\n".join(parts)


# ----- picker ---------------------------------------------------------------------------------
@pilot_test
async def test_picker_lists_user_scenario_and_filters(user_scenario, rubric):
    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        ids = [e.id for e in picker.shown]
        assert SCENARIO_ID in ids
        await pilot.press(*"pigeon")
        await pilot.pause()
        assert [e.id for e in picker.shown] == [SCENARIO_ID]
        detail = screen_text(picker.query_one("#picker-detail"))
        assert "Mr Pryce and the pigeon loft" in detail and "gentle" in detail and "induction" in detail
        assert "second fall" in detail  # the brief
        await pilot.press(*" zzz-no-such")
        await pilot.pause()
        assert picker.shown == []
        assert "No scenario matches" in screen_text(picker.query_one("#picker-detail"))
        await pilot.press("enter")  # nothing highlighted: stays on the picker, no crash
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert len(picker.shown) == len(picker.entries)


# ----- the whole flow -------------------------------------------------------------------------
@pilot_test
async def test_whole_flow_pick_converse_trap_end_summary_try_again(user_scenario, rubric, finished_calls):
    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        await pick_test_scenario(pilot)
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        log = screen.query_one(ChatLog)
        # The brief comes before the first line, and the opening line is the person's.
        first = log.children[0]
        assert "Your visit" in first.content.plain and "second fall" in first.content.plain
        assert chat_texts(app) == [("person", screen.scenario.opening)]
        assert app.focused is screen.query_one("#reply")

        await say(pilot, "Can you tell me a bit about what's been happening with the yard?")
        coach = screen.query_one(CoachPanel)
        assert "yard" in coach.text and "Move" in coach.text
        await say(pilot, "I think you should move somewhere without steps.")
        text = coach.text
        assert "Expert trap" in text
        assert "“I think you should”" in text
        expert = rubric.traps["expert"]
        assert expert.why in text and expert.rewrite in text
        kinds = [k for k, _ in chat_texts(app)]
        assert kinds == ["person", "trainee", "person", "trainee", "person"]

        meter = screen.query_one(StageMeter)
        assert meter.reached == set(screen.conv.stages_reached)
        assert meter.reached, "the open question should light a stage"
        status = screen_text(screen.query_one("#conv-status"))
        assert "Openness" in status and f"{screen.conv.trust:.1f}/10" in status
        assert f"What matters found {screen.conv.what_matters_found} of 3" in status

        path = screen.conv.path
        saved = json.loads(path.read_text())
        assert [t["speaker"] for t in saved["turns"]] == ["person", "worker", "person", "worker", "person"]
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

        await say(pilot, "/end")
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        body = screen_text(summary)
        assert f"{summary.assessment.score}" in body and "/ 100" in body
        assert "How the score is made" in body
        assert "“I think you should”" in body and expert.rewrite in body
        # What matters is now revealed: every label, surfaced or missed.
        for label in ("Still seeing to his pigeons every morning", "Keeping his place at the Saturday club",
                      "Not being a bother to Carys", "Dai next door knows the birds"):
            assert label in body
        assert str(path) in body
        assert len(finished_calls) == 1
        transcript, assessment, recorded_path = finished_calls[0]
        assert transcript.finished and recorded_path == path
        assert assessment.score == summary.assessment.score
        assert json.loads(path.read_text())["finished"] is True

        await pilot.press("r")  # try again: the same visit from the start
        await pilot.pause()
        again = app.screen
        assert isinstance(again, ConversationScreen) and again is not screen
        assert chat_texts(app) == [("person", again.scenario.opening)]
        assert again.conv.path != path
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert len(finished_calls) == 2
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


@pilot_test
async def test_coach_panel_toggles_and_can_start_hidden(user_scenario, rubric):
    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        await pick_test_scenario(pilot)
        screen = app.screen
        assert screen.coach_visible
        await pilot.press("ctrl+t")
        assert not screen.coach_visible
        await say(pilot, "What matters most to you about the yard?")  # typing still works while hidden
        assert chat_texts(app)[-2] == ("trainee", "What matters most to you about the yard?")
        await pilot.press("ctrl+t")
        assert screen.coach_visible
        assert "What matters most to you" in screen.query_one(CoachPanel).text
        in_footer = {key for key, active in app.active_bindings.items() if active.binding.show and active.enabled}
        assert {"ctrl+t", "ctrl+g", "f1"} <= in_footer
    app = CoachApp(SCENARIO_ID, rubric=rubric, coach=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen) and not app.screen.coach_visible


@pilot_test
async def test_markup_injection_is_shown_literally_and_does_nothing(user_scenario, rubric):
    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        await pick_test_scenario(pilot)
        await pilot.press(*INJECTION)
        assert app.screen.query_one("#reply").value == INJECTION
        await pilot.press("enter")
        await pilot.pause()
        line = [w for w in app.screen.query(ChatLine) if w.kind == "trainee"][-1]
        assert line.content.plain == "You: " + INJECTION
        assert INJECTION.split()[0] in app.screen.query_one(CoachPanel).text
        await pilot.click(line)  # the fake @click must not quit
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ConversationScreen)
        saved = json.loads(app.screen.conv.path.read_text())
        assert saved["turns"][1]["text"] == INJECTION
        # Terminal control characters never reach the screen raw.
        await say(pilot, "Hello\x1b[2J there\x07")
        line = [w for w in app.screen.query(ChatLine) if w.kind == "trainee"][-1]
        assert "\x1b" not in line.content.plain and "\x07" not in line.content.plain
        assert "\N{REPLACEMENT CHARACTER}" in line.content.plain


# ----- resume -----------------------------------------------------------------------------------
def _crashed_conversation(rubric) -> Path:
    """A conversation autosaved after two replies and never finished: what a killed app leaves."""
    scenario = load_scenario(SCENARIO_ID)
    conv = Conversation(scenario, rubric)
    conv.respond("Can you tell me a bit about what's been happening?")
    conv.respond("It sounds like those steps matter because of the yard.")
    assert not json.loads(conv.path.read_text())["finished"]
    return conv.path


@pilot_test
async def test_resume_after_a_crash_is_offered_and_continues(user_scenario, rubric):
    path = _crashed_conversation(rubric)
    app = CoachApp(rubric=rubric)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        offer = app.screen
        assert isinstance(offer, ResumeScreen)
        described = screen_text(offer)
        assert "Idris Pryce" in described and "2 replies" in described
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        assert screen.conv.path == path
        assert [k for k, _ in chat_texts(app)] == ["person", "trainee", "person", "trainee", "person"]
        assert "those steps matter" in screen.query_one(CoachPanel).text
        await say(pilot, "What would you most like to keep doing?")
        saved = json.loads(path.read_text())
        assert len(saved["turns"]) == 7 and saved["turns"][5]["text"] == "What would you most like to keep doing?"


@pilot_test
async def test_resume_offer_can_be_declined(user_scenario, rubric):
    path = _crashed_conversation(rubric)
    app = CoachApp(rubric=rubric)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
    assert path.exists()  # declining never deletes the user's file


# ----- assessment mode ------------------------------------------------------------------------
@pilot_test
async def test_assessment_mode_has_no_coaching_and_ends_with_thanks(user_scenario, rubric, finished_calls):
    app = CoachApp(SCENARIO_ID, assessment=True, candidate="cand-7", minutes=10, rubric=rubric)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConversationScreen) and screen.assessment
        assert not screen.query(CoachPanel) and not screen.query(StageMeter)
        status = screen_text(screen.query_one("#conv-status"))
        assert "Time left 10:00" in status or "Time left 09:5" in status
        assert "Openness" not in status and "What matters" not in status
        in_footer = {key for key, active in app.active_bindings.items() if active.binding.show and active.enabled}
        assert "ctrl+t" not in in_footer and "f1" not in in_footer and "ctrl+g" in in_footer
        await say(pilot, "I think you should move somewhere without steps.")
        await pilot.press("ctrl+t", "f1")
        await pilot.pause()
        assert app.screen is screen
        visible = screen_text(screen)
        assert "trap" not in visible.lower() and "Expert" not in visible
        titles = [c.title for c in app.get_system_commands(screen)]
        assert "Coach panel" not in titles and "Help: stages and traps" not in titles
        await say(pilot, "/end")
        thanks = app.screen
        assert isinstance(thanks, ThanksScreen)
        shown = screen_text(thanks)
        assert "Thank you" in shown and "score" not in shown.lower()
    transcript, assessment, path = finished_calls[0]
    assert transcript.mode == "assessment" and transcript.candidate == "cand-7"
    assert path.parent.name == SCENARIO_ID and path.name.startswith("cand-7-")


@pilot_test
async def test_assessment_time_limit_closes_the_visit(user_scenario, rubric):
    app = CoachApp(SCENARIO_ID, assessment=True, candidate="cand-8", minutes=0.01, rubric=rubric)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(1.6)
        assert isinstance(app.screen, ThanksScreen)
        saved = json.loads(next((Path(os.environ["CONVERSATION_COACH_HOME"]) / "assessments").rglob("*.json")).read_text())
        assert saved["finished"] and saved["ended_by"] == "time_limit"


# ----- conventions ----------------------------------------------------------------------------
@pilot_test
async def test_theme_choice_is_remembered(user_scenario, rubric, coach_home):
    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        start_dark = app.current_theme.dark
        app.action_toggle_dark()
        await pilot.pause()
        chosen = app.theme
        assert app.current_theme.dark != start_dark
    settings = coach_home / "settings.json"
    assert json.loads(settings.read_text())["theme"] == chosen
    assert stat.S_IMODE(os.stat(settings).st_mode) == 0o600
    again = CoachApp(rubric=rubric, offer_resume=False)
    assert again.theme == chosen


@pilot_test
async def test_help_screen_shows_stages_and_traps(user_scenario, rubric):
    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app.screen)
        for stage in rubric.stages:
            assert stage.name in text
        for trap in rubric.traps.values():
            assert trap.name in text and trap.rewrite in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


@pilot_test
async def test_open_folder_without_a_file_manager_just_shows_the_path(user_scenario, rubric, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    app = CoachApp(SCENARIO_ID, rubric=rubric)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        path = app.screen.conv.path
        await say(pilot, "/end")
        await pilot.press("o")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(str(path.parent) in m and "no file manager" in m for m in messages)


@pilot_test
async def test_palette_offers_the_main_actions(user_scenario, rubric):
    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Start the highlighted scenario" in titles and "Light or dark" in titles
        await pick_test_scenario(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"End the visit", "Coach panel", "Help: stages and traps"} <= set(titles)


@pilot_test
async def test_works_at_80_by_24(user_scenario, rubric):
    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pick_test_scenario(pilot)
        screen = app.screen
        reply = screen.query_one("#reply")
        log = screen.query_one(ChatLog)
        assert reply.region.height >= 1 and reply.region.bottom <= 23
        assert log.region.height >= 8
        assert screen.query_one(CoachPanel).region.width >= 30


# ----- the entry point ------------------------------------------------------------------------
def test_run_app_rejects_bad_arguments_before_opening(user_scenario, capsys):
    assert run_app("no-such-scenario") == 2
    assert "no scenario called 'no-such-scenario'" in capsys.readouterr().err
    assert run_app(SCENARIO_ID, assessment=True) == 2
    assert "--candidate" in capsys.readouterr().err
    assert run_app(SCENARIO_ID, assessment=True, candidate="has space") == 2
    assert run_app(SCENARIO_ID, resume=True) == 1
    assert "no unfinished conversation" in capsys.readouterr().err


# ----- the picker's scenario index ------------------------------------------------------------
def test_scenario_index_agrees_with_the_loader_and_notices_changes(user_scenario, coach_home):
    from conversation_coach.scenario.load import list_scenarios, scenario_files
    from conversation_coach.tui.scenario_index import discover, picker_entries

    def summary(entries):
        return [(e.id, e.title, e.audience, e.difficulty, e.brief, e.source, Path(e.path)) for e in entries]

    assert discover() == [(Path(p), s) for p, s in scenario_files()]
    first, problems = picker_entries()
    assert summary(first) == summary(list_scenarios()) and problems == []
    assert (coach_home / "cache" / "scenario-index.json").is_file()
    again, _ = picker_entries()  # from the index
    assert summary(again) == summary(first)

    text = user_scenario.read_text(encoding="utf-8").replace("the pigeon loft", "the racing pigeons")
    user_scenario.write_text(text, encoding="utf-8")
    os.utime(user_scenario, ns=(1, 1))  # a different mtime even on a coarse-grained file system
    changed, _ = picker_entries()
    assert "Mr Pryce and the racing pigeons" in [e.title for e in changed]

    broken = user_scenario.with_name("broken-visit.yaml")
    broken.write_text("id: broken-visit\ntitle: [unclosed\n", encoding="utf-8")
    entries, problems = picker_entries()
    assert "broken-visit" not in [e.id for e in entries]
    assert any("broken-visit.yaml" in p for p in problems)


@pilot_test
async def test_crash_output_has_no_local_variables(user_scenario, rubric, monkeypatch, capsys):
    """A crash report must not print the trainee's words (Rich tracebacks show locals by default)."""

    def broken_respond(self, text):
        words = text
        raise RuntimeError(f"engine failed after {len(words)} characters")

    monkeypatch.setattr(Conversation, "respond", broken_respond)
    app = CoachApp(SCENARIO_ID, rubric=rubric)
    with pytest.raises(RuntimeError, match="engine failed"):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await say(pilot, "my private words about Carys")
    report = capsys.readouterr().err
    assert "RuntimeError" in report and "engine failed after 28 characters" in report
    assert "my private words" not in report


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["play", SCENARIO_ID], {"assessment_mode": False, "candidate": None, "minutes": None, "coach_on": True}),
        (["play", SCENARIO_ID, "--no-coach"], {"coach_on": False}),
        (["play", SCENARIO_ID, "--assessment", "--candidate", "c-9", "--minutes", "12"],
         {"assessment_mode": True, "candidate": "c-9", "minutes": 12.0}),
    ],
)
def test_play_without_plain_opens_the_app_as_asked(user_scenario, monkeypatch, argv, expected):
    """`play SCENARIO` (no --plain) reaches run_app with the visit, mode, candidate, limit and coach setting."""
    from conversation_coach.cli import main

    opened = []

    def fake_run(self, *args, **kwargs):
        opened.append(self)
        return None

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(CoachApp, "run", fake_run)
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(sys, "stdout", Terminal())
    assert main(argv) == 0
    (app,) = opened
    assert app.scenario_id == SCENARIO_ID
    for name, value in expected.items():
        assert getattr(app, name) == value


def test_no_command_opens_the_app_on_the_picker(monkeypatch):
    from conversation_coach.cli import main

    opened = []
    monkeypatch.setattr(CoachApp, "run", lambda self, *a, **k: opened.append(self))
    assert main([]) == 0
    (app,) = opened
    assert app.scenario_id is None and not app.assessment_mode and app.resume_path is None


# ----- from the app to the review, progress and the outcome record ------------------------------
async def finish_a_visit(pilot, replies=("Can you tell me a bit about what's been happening with the yard?",)):
    """Pick the test scenario, say the replies, /end; returns the summary screen."""
    await pick_test_scenario(pilot)
    for reply in replies:
        await say(pilot, reply)
    await say(pilot, "/end")
    assert isinstance(pilot.app.screen, SummaryScreen)
    return pilot.app.screen


async def run_palette_command(pilot, title: str) -> None:
    """Open the command palette, type the command's title and press Enter: what a user does."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*title)
    await pilot.pause(0.3)  # the palette searches in the background
    await pilot.press("enter")
    await pilot.pause()


@pilot_test
async def test_review_a_transcript_from_the_palette(user_scenario, rubric):
    from textual.widgets import DataTable, OptionList

    from conversation_coach.tui.review import ReviewPickerScreen, ReviewScreen

    saved = _crashed_conversation(rubric)  # a saved practice transcript with two replies
    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await run_palette_command(pilot, "Review a transcript")
        chooser = app.screen
        assert isinstance(chooser, ReviewPickerScreen)
        assert chooser.paths == [saved]
        assert chooser.query_one("#picker-list", OptionList).option_count == 1
        # The review picker's list is not squeezed by the scenario picker's styles.
        assert chooser.query_one("#picker-list").region.width >= SIZE[0] - 2
        await pilot.press("enter")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.path == saved
        assert review.query_one("#review-turns", DataTable).row_count == 5
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


@pilot_test
async def test_review_this_conversation_from_the_summary(user_scenario, rubric):
    from textual.widgets import DataTable

    from conversation_coach.tui.review import ReviewScreen

    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        summary = await finish_a_visit(pilot, ["I think you should move somewhere without steps."])
        path = summary.path
        in_footer = {key for key, active in app.active_bindings.items() if active.binding.show and active.enabled}
        assert {"v", "w"} <= in_footer
        await pilot.press("v")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.transcript is summary.transcript and review.path == path
        turns = review.query_one("#review-turns", DataTable)
        assert turns.row_count == len(summary.transcript.turns)
        assert "expert" in " ".join(str(cell) for cell in turns.get_row_at(1)).lower()
        review.apply(1, main="advice", stage=None, traps=["expert"], comment="told him what to do")
        saved = json.loads(path.read_text())
        assert saved["turns"][1]["review"]["comment"] == "told him what to do"
        assert saved["turns"][1]["coding"]["traps"]  # the coder's layer is still there
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is summary
        titles = [c.title for c in app.get_system_commands(summary)]
        assert "Review this conversation" in titles and "Record the outcome" in titles
        await run_palette_command(pilot, "Review this conversation")
        assert isinstance(app.screen, ReviewScreen)


@pilot_test
async def test_f3_opens_progress_with_the_finished_session(user_scenario, rubric):
    from textual.widgets import DataTable

    from conversation_coach.tui.progress import ProgressScreen

    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        in_footer = {key for key, active in app.active_bindings.items() if active.binding.show and active.enabled}
        assert "f3" in in_footer  # shown on the picker
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        assert app.screen.query_one("#progress-sessions", DataTable).row_count == 0
        await pilot.press("escape")
        await pilot.pause()
        summary = await finish_a_visit(pilot)
        await pilot.press("f3")
        await pilot.pause()
        progress = app.screen
        assert isinstance(progress, ProgressScreen)
        table = progress.query_one("#progress-sessions", DataTable)
        assert table.row_count == 1
        assert str(summary.assessment.score) in [str(cell) for cell in table.get_row_at(0)]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is summary
        await pilot.press("b")
        await pilot.pause()
        await run_palette_command(pilot, "Your progress")
        assert isinstance(app.screen, ProgressScreen)


@pilot_test
async def test_no_progress_drills_or_review_for_a_candidate(user_scenario, rubric):
    app = CoachApp(SCENARIO_ID, assessment=True, candidate="cand-9", rubric=rubric)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen is screen
        titles = {c.title for c in app.get_system_commands(screen)}
        assert not titles & {"Your progress", "Review a transcript", "Drill: rewrite the traps",
                             "Quiz: personal outcomes"}


@pilot_test
async def test_a_store_problem_is_shown_literally_and_the_summary_still_opens(user_scenario, rubric, coach_home):
    damaged = coach_home / "progress.sqlite3"
    damaged.write_bytes(b"[bold]not a database[/] " * 40)
    before = damaged.read_bytes()
    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        summary = await finish_a_visit(pilot)
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert len(warnings) == 1
        assert not warnings[0].markup
        assert "could not be added to the progress log" in warnings[0].message
        assert str(summary.path) in warnings[0].message  # where the transcript is, all the same
    assert damaged.read_bytes() == before  # reported, never replaced


# ----- the summary's last step: record the outcome ------------------------------------------------
OWN_WORDS_VISIT = [
    "Can you tell me a bit about what's been happening with the yard?",
    "What is it about the birds that matters so much?",
]


async def record(pilot, text: str) -> str:
    summary = pilot.app.screen
    await pilot.press("w")  # focuses the record box
    box = summary.query_one("#outcome-record")
    assert pilot.app.focused is box
    box.value = text
    await pilot.press("enter")
    await pilot.pause()
    return screen_text(summary.query_one("#outcome-verdict"))


@pilot_test
async def test_summary_asks_for_the_outcome_judges_it_and_saves_it(user_scenario, rubric):
    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        summary = await finish_a_visit(pilot, OWN_WORDS_VISIT)
        path = summary.path
        said = " ".join(t.text for t in summary.transcript.turns if t.speaker == "person")
        assert "birds" in said  # the person spoke of the birds: the record can use his words
        label = screen_text(summary.query_one("#outcome-label"))
        assert "Record what matters to Idris as you would write it in their record" in label
        assert not summary.query_one("#outcome-verdict").display  # nothing judged yet

        verdict = await record(pilot, "Carers to come in every morning")
        assert "not yet a personal outcome" in verdict
        assert "resource or service" in verdict
        assert json.loads(path.read_text())["outcome_record"] == "Carers to come in every morning"

        verdict = await record(pilot, "To keep seeing to the birds in the yard every morning myself")
        assert "That reads as a personal outcome." in verdict
        assert "own words" in verdict and "birds" in verdict
        saved = json.loads(path.read_text())
        assert saved["outcome_record"] == "To keep seeing to the birds in the yard every morning myself"
        assert saved["finished"] is True and len(saved["turns"]) == len(summary.transcript.turns)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert "Kept with the transcript" in verdict

        in_footer = {key for key, active in app.active_bindings.items() if active.binding.show and active.enabled}
        assert "escape" in in_footer  # "Done" leaves the box
        await pilot.press("escape")  # out of the box: the summary's keys work again
        await pilot.pause()
        in_footer = {key for key, active in app.active_bindings.items() if active.binding.show and active.enabled}
        assert "escape" not in in_footer and "r" in in_footer
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


@pilot_test
async def test_outcome_record_is_shown_literally_and_empty_is_not_judged(user_scenario, rubric):
    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        summary = await finish_a_visit(pilot)
        await record(pilot, "   ")
        assert not summary.query_one("#outcome-verdict").display
        assert json.loads(summary.path.read_text()).get("outcome_record") is None
        verdict = await record(pilot, INJECTION)
        assert app.is_running and app.screen is summary
        assert json.loads(summary.path.read_text())["outcome_record"] == INJECTION
        assert verdict.startswith("That ")  # judged like any other record
        assert summary.query_one("#outcome-record").value == INJECTION


def test_picker_puts_gentle_induction_visits_first():
    from types import SimpleNamespace

    from conversation_coach.tui.screens.picker import picker_order

    def entry(title, audience, difficulty, source="shipped"):
        return SimpleNamespace(title=title, audience=audience, difficulty=difficulty, source=source)

    entries = [
        entry("Panel visit", "recruitment", "moderate"),
        entry("Hard case", "supervision", "challenging"),
        entry("Busy carer", "induction", "moderate"),
        entry("First steps", "induction", "gentle"),
        entry("My own", "induction", "gentle", source="user"),
    ]
    assert [e.title for e in sorted(entries, key=picker_order)] == [
        "First steps", "My own", "Busy carer", "Hard case", "Panel visit",
    ]


# ----- reviewer fixes: markup in notifications, failed autosave, discard, end commands, trainee ----
@pilot_test
async def test_review_picker_shows_a_typed_path_with_markup_literally(user_scenario, rubric):
    from conversation_coach.tui.review import ReviewPickerScreen

    app = CoachApp(rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.push_screen(ReviewPickerScreen(rubric, paths=[]))
        await pilot.pause()
        typed = "/tmp/[/]x"
        app.screen.query_one("#picker-path").value = typed
        app.screen.query_one("#picker-path").focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ReviewPickerScreen)
        assert [n.message for n in app._notifications] == [f"No file at {typed}"]


@pilot_test
async def test_a_failed_autosave_keeps_the_visit_going_and_says_so(user_scenario, rubric, monkeypatch):
    import conversation_coach.transcript.io as transcript_io

    app = CoachApp(SCENARIO_ID, rubric=rubric, offer_resume=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        path = screen.conv.path
        saved_before = path.read_text()

        def disk_full(transcript, where):
            raise OSError(28, "No space left on device [/]")

        monkeypatch.setattr(transcript_io, "save_transcript", disk_full)
        await say(pilot, "Can you tell me a bit about what's been happening?")
        assert app.is_running and app.screen is screen
        assert [k for k, _ in chat_texts(app)] == ["person", "trainee", "person"]
        assert screen.query_one(CoachPanel).text  # the coach still shows its view of the reply
        messages = [n.message for n in app._notifications]
        assert messages == [f"Could not save to {path}: No space left on device [/]"]
        assert path.read_text() == saved_before
        monkeypatch.undo()  # the disk has room again: the next save writes everything
        await say(pilot, "What would you most like to keep doing?")
        saved = json.loads(path.read_text())
        assert [t["speaker"] for t in saved["turns"]] == ["person", "worker", "person", "worker", "person"]
        monkeypatch.setattr(transcript_io, "save_transcript", disk_full)
        await say(pilot, "/end")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, SummaryScreen)


@pilot_test
async def test_a_discarded_unfinished_visit_is_not_offered_again(user_scenario, rubric):
    path = _crashed_conversation(rubric)
    app = CoachApp(rubric=rubric)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)
        await pilot.click("#discard")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
    assert path.exists() and not json.loads(path.read_text())["finished"]  # not counted as a finished session
    again = CoachApp(rubric=rubric)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, PickerScreen)


@pytest.mark.parametrize("command", ["/quit", "/exit", "/bye", "/END"])
@pilot_test
async def test_every_plain_mode_end_command_ends_the_visit(user_scenario, rubric, command):
    from conversation_coach.scenario.plain import END_COMMANDS

    assert command.lower() in END_COMMANDS
    app = CoachApp(SCENARIO_ID, rubric=rubric, offer_resume=False, autosave=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await say(pilot, command)
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert not [n for n in app._notifications if "Unknown command" in n.message]


@pilot_test
async def test_a_visit_records_the_trainee_id(user_scenario, rubric):
    from conversation_coach.transcript.io import load_transcript

    app = CoachApp(SCENARIO_ID, rubric=rubric, offer_resume=False, trainee="T-7")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = app.screen.conv.path
        await say(pilot, "Can you tell me a bit about what's been happening?")
        await say(pilot, "/end")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        app.screen.action_try_again()
        await pilot.pause()
        second = app.screen.conv.path
    assert second != first
    assert load_transcript(first).trainee == "T-7" and load_transcript(second).trainee == "T-7"
