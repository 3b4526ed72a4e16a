"""On launch: offer to carry on with a conversation that was interrupted (the app was killed)."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from conversation_coach.tui.text import line, literal


def describe_unfinished(path: Path) -> Content:
    """Who, which scenario, how far and when — read from the saved transcript, never trusted as markup."""
    from conversation_coach.transcript.io import load_transcript

    try:
        transcript = load_transcript(path)
    except Exception:  # a damaged file: still offer it, the resume attempt will say what is wrong
        return line("An unfinished conversation was found: ", str(path))
    replies = sum(1 for t in transcript.turns if t.speaker == "worker")
    who = transcript.person_name or "someone"
    what = transcript.scenario_title or transcript.scenario_id or "a scenario"
    return Content("\n").join(
        [
            line(("You did not finish your visit to ", "bold"), (who, "bold"), "."),
            line(what, f" · {replies} repl{'y' if replies == 1 else 'ies'} so far · last saved ", _when(transcript.updated)),
            literal(str(path), "dim"),
        ]
    )


def _when(iso: str) -> str:
    """'2026-11-25T20:02:08+00:00' -> '25 Nov 2026, 20:02' in local time."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%-d %b %Y, %H:%M")
    except (ValueError, TypeError):
        return iso or "at an unknown time"


RESUME, NOT_NOW, DISCARD = "resume", "not-now", "discard"


class ResumeScreen(ModalScreen[str]):
    """Returns RESUME, NOT_NOW (ask again next time) or DISCARD (never offer it again).

    The file is always left where it is: discarding only stops the offer (the app remembers it).
    """

    BINDINGS = [
        Binding("enter", "choose('resume')", "Resume"),
        Binding("escape,n", "choose('not-now')", "Not now"),
        Binding("d", "choose('discard')", "Discard"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-box"):
            yield Static(describe_unfinished(self.path), markup=False, id="resume-text")
            with Horizontal(id="resume-actions"):
                yield Button("Resume (Enter)", id="resume", variant="primary")
                yield Button("Not now (Esc)", id="not-now")
                yield Button("Discard (d)", id="discard", variant="error")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id or NOT_NOW)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
