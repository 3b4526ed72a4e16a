"""Assessment mode ends here: the person's last words and a thank-you; no score, no coaching."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from conversation_coach.tui.text import line, literal

THANK_YOU = (
    "Thank you for taking part. Your conversation has been saved for the panel, "
    "who will talk it through with you. You can close this window now."
)


class ThanksScreen(Screen):
    BINDINGS = [
        Binding("enter", "app.quit", "Close"),
        Binding("q", "app.quit", "Close", show=False),
    ]

    def __init__(self, person: str, closing: str | None) -> None:
        super().__init__()
        self.person = person
        self.closing = closing

    def compose(self) -> ComposeResult:
        rows = []
        if self.closing:
            rows += [line((f"{self.person}: ", "bold"), (f"“{self.closing}”", "italic")), Content("")]
        rows.append(literal(THANK_YOU))
        with Vertical(id="thanks-box"):
            yield Static(Content("\n").join(rows), markup=False, id="thanks-text")
        yield Footer()
