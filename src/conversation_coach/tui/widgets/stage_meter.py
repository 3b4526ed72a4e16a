"""The five-stage meter: a cell per stage of a better conversation, lit once it has been reached."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from conversation_coach.tui.text import line

# Short labels that fit five across at 80 columns; the full names come from the rubric (tooltips, help).
STAGE_LABELS = {1: "Engage", 2: "Listen", 3: "Explore", 4: "Inform", 5: "Summarise"}


class StageCell(Static):
    def __init__(self, number: int, full_name: str) -> None:
        super().__init__(markup=False, classes="stage-cell", id=f"stage-{number}")
        self.number = number
        self.tooltip = f"Stage {number}: {full_name}"
        self.set_reached(False)

    def set_reached(self, reached: bool) -> None:
        mark = "●" if reached else "○"
        self.update(line(f"{mark} {self.number} {STAGE_LABELS[self.number]}"))
        self.set_class(reached, "-reached")


class StageMeter(Horizontal):
    """Lights stages 1-5 as the trainee reaches them (from the engine's `stages_reached`)."""

    def __init__(self, stage_names: dict[int, str], **kwargs) -> None:
        super().__init__(**kwargs)
        self._names = stage_names

    def compose(self) -> ComposeResult:
        for number in range(1, 6):
            yield StageCell(number, self._names.get(number, STAGE_LABELS[number]))

    def show(self, reached: set[int]) -> None:
        for cell in self.query(StageCell):
            cell.set_reached(cell.number in reached)

    @property
    def reached(self) -> set[int]:
        return {cell.number for cell in self.query(StageCell) if cell.has_class("-reached")}
