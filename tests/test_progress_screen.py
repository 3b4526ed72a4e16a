"""The progress screen the app pushes: sessions table, sparkline, recurring traps, what next."""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.widgets import DataTable, Sparkline, Static

from conversation_coach.lifecycle import on_finished
from conversation_coach.tui.progress import ProgressScreen
from recruit_data import GOOD_REPLIES, TRAP_REPLIES, make_assessment, make_transcript


class _Host(App[None]):
    def __init__(self, screen: ProgressScreen) -> None:
        super().__init__()
        self._screen = screen

    def on_mount(self) -> None:
        self.push_screen(self._screen)


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def test_progress_screen_shows_sessions_trend_and_next_steps():
    for score, replies in ((30, TRAP_REPLIES), (52, GOOD_REPLIES[:3] + TRAP_REPLIES[1:2]), (75, GOOD_REPLIES)):
        t = make_transcript(replies)
        t.scenario_title = "[bold]Home[/] after a fall"  # user-made titles are shown literally
        on_finished(t, make_assessment(t, score=score), None)

    async def run() -> None:
        screen = ProgressScreen()
        app = _Host(screen)
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            table = screen.query_one("#progress-sessions", DataTable)
            assert table.row_count == 3
            assert "[bold]Home[/]" in str(table.get_row_at(0)[2])
            assert list(screen.query_one("#progress-sparkline", Sparkline).data) == [30.0, 52.0, 75.0]
            assert "first 30, latest 75" in _text(screen, "#progress-trend-line")
            assert "expert trap: in 2 of 3 sessions" in _text(screen, "#progress-traps")
            assert "Stage 5" in _text(screen, "#progress-stages")
            assert "Stage 4" not in _text(screen, "#progress-stages")
            assert "conversation-coach drill traps" in _text(screen, "#progress-next")
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is not screen

    asyncio.run(run())


def test_progress_screen_with_a_damaged_store_says_so(coach_home):
    (coach_home / "progress.sqlite3").write_bytes(b"not a database at all" * 20)

    async def run() -> None:
        screen = ProgressScreen()
        async with _Host(screen).run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "damaged" in _text(screen, "#progress-problem")
            assert screen.query_one("#progress-sessions", DataTable).row_count == 0

    asyncio.run(run())
