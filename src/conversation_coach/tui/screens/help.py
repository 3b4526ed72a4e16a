"""F1: the stages and traps cheat-sheet, drawn from the rubric (itself built from the seed)."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from conversation_coach.tui.text import rich_line

KEYS = [
    ("Enter", "send your reply (picker: start the highlighted visit)"),
    ("/end or Ctrl+G", "end the visit and see the summary"),
    ("Ctrl+T", "show or hide the coach"),
    ("PgUp / PgDn", "scroll the conversation"),
    ("Ctrl+P", "command palette: themes, help, main actions"),
    ("F1 / Esc", "open / close this help"),
    ("Ctrl+Q", "quit"),
]


def _grid(label_width: int) -> Table:
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(no_wrap=True, width=label_width)
    table.add_column(ratio=1, overflow="fold")
    return table


def cheat_sheet(rubric: Any) -> RenderableType:
    """Stages, traps and keys, each entry with a hanging indent so it reads at 80 columns."""
    stages = _grid(2)
    for stage in rubric.stages:
        body = rich_line((stage.name, "bold"), " — ", stage.purpose)
        for question in stage.questions[:2]:
            body.append_text(rich_line("\n  e.g. ", (f"“{question}”", "italic")))
        stages.add_row(rich_line((f"{stage.number}.", "bold")), body)
    traps = _grid(1)
    for trap in rubric.traps.values():
        body = rich_line((trap.name, "bold"), " — ", (trap.meaning, "italic"))
        if trap.seed_example:
            body.append_text(rich_line("\n  sounds like ", f"“{trap.seed_example}”"))
        body.append_text(rich_line("\n  why it harms: ", trap.why, "\n  try instead: ", trap.rewrite))
        traps.add_row(rich_line(("⚠", "bold")), body)
    keys = _grid(16)
    for key, what in KEYS:
        keys.add_row(rich_line((key, "bold")), rich_line(what))
    return Group(
        rich_line(("The five stages of a better conversation", "bold underline")), stages, rich_line(""),
        rich_line(("The seven conversational traps", "bold underline")), traps, rich_line(""),
        rich_line(("Keys", "bold underline")), keys,
    )


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("f1", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def __init__(self, rubric: Any) -> None:
        super().__init__()
        self.rubric = rubric

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(cheat_sheet(self.rubric), markup=False, id="help-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_dismiss(self) -> None:
        self.dismiss(None)
