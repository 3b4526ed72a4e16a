"""The coach panel: what the last reply did (move, stage) and any trap, quoted, with why and a rewrite."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from conversation_coach.rubric.coding import Coding
from conversation_coach.rubric.model import Rubric
from conversation_coach.tui.text import MAX_SHOWN_CHARS, humanise, rich_line

WAITING = "Reply to the person and the coach will say what your reply did."


def move_name(rubric: Rubric, move: str | None) -> str:
    if not move:
        return "none"
    info = rubric.moves.get(move)
    return info.name if info else humanise(move)


def stage_name(rubric: Rubric, stage: int | None) -> str:
    if stage is None:
        return "none"
    return f"{stage} · {rubric.stage(stage).name}"


def _text(*parts: tuple[str, str] | str) -> Text:
    """Rich Text from literal pieces, each clipped if huge (a pasted 1 MB reply)."""
    return rich_line(*parts, limit=MAX_SHOWN_CHARS)


def coaching_content(rubric: Rubric, coding: Coding, reply: str, trust_change: float | None = None) -> RenderableType:
    """The panel's view of one reply: a label column and wrapped text with a hanging indent."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True, width=5)
    grid.add_column(ratio=1, overflow="fold")
    grid.add_row(_text(("You", "bold")), _text(("“" + _clip(reply, 160) + "”", "italic")))
    grid.add_row(_text(("Move", "bold")), _text(move_name(rubric, coding.main)))
    others = [m for m in coding.moves if m != coding.main]
    if others:
        grid.add_row(_text("also"), _text(", ".join(move_name(rubric, m) for m in others)))
    grid.add_row(_text(("Stage", "bold")), _text(stage_name(rubric, coding.stage)))
    if trust_change:
        arrow = "▲ opening up" if trust_change > 0 else "▼ closing down"
        grid.add_row(_text(("Trust", "bold")), _text(f"{arrow} ({trust_change:+.1f})"))
    grid.add_row(_text(""), _text(""))
    if not coding.traps:
        grid.add_row(_text(("✓", "bold")), _text(("No trap in this reply.", "bold")))
    for hit in coding.traps:
        trap = rubric.traps.get(hit.trap)
        title = trap.name if trap else humanise(hit.trap) + " trap"
        grid.add_row(_text(("⚠", "bold")), _text((title, "bold reverse"), (f" {trap.meaning}" if trap else "", "italic")))
        if hit.evidence:
            grid.add_row(_text("said"), _text((f"“{hit.evidence}”", "bold")))
        if hit.message:
            grid.add_row(_text(""), _text(hit.message))
        if trap:
            grid.add_row(_text(("why", "bold")), _text(trap.why))
            grid.add_row(_text(("try", "bold")), _text((trap.rewrite, "italic")))
        grid.add_row(_text(""), _text(""))
    return grid


def _clip(text: str, limit: int) -> str:
    head = text[: limit * 8]  # enough to fill `limit` after folding whitespace; never split all of 1 MB
    folded = " ".join(head.split())
    return folded if len(folded) <= limit and len(head) == len(text) else folded[: limit - 1] + "…"


class CoachPanel(VerticalScroll):
    """Shown beside the chat log in practice mode; toggled with a key."""

    def compose(self):
        yield Static(_text(WAITING), markup=False, id="coach-body")

    def show_reply(self, rubric: Rubric, coding: Coding, reply: str, trust_change: float | None = None) -> None:
        self.query_one("#coach-body", Static).update(coaching_content(rubric, coding, reply, trust_change))
        self.scroll_home(animate=False)

    @property
    def text(self) -> str:
        """What the panel says, as plain text without wrapping (for tests and screen readers)."""
        import io

        from rich.console import Console

        content = self.query_one("#coach-body", Static).content
        if isinstance(content, str):
            return content
        console = Console(width=400, record=True, file=io.StringIO())
        console.print(content)
        return "\n".join(row.rstrip() for row in console.export_text().splitlines())
