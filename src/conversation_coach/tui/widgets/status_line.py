"""One line under the title: the person's openness, what matters found (count only) and time left."""

from __future__ import annotations

from textual.widgets import Static

from conversation_coach.tui.text import line


def trust_bar(trust: float, width: int = 10) -> str:
    filled = max(0, min(width, round(trust)))
    return "■" * filled + "□" * (width - filled)


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.999))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class StatusLine(Static):
    """Practice shows openness and the count found; assessment shows only the time left."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)

    def show(
        self,
        *,
        trust: float | None = None,
        found: int | None = None,
        total: int | None = None,
        time_left: float | None = None,
    ) -> None:
        parts: list = []
        if trust is not None:
            parts += [("Openness ", "bold"), f"{trust_bar(trust)} {trust:.1f}/10"]
        if found is not None:
            if parts:
                parts.append("   ")
            parts += [("What matters found ", "bold"), f"{found}" + (f" of {total}" if total else "")]
        if time_left is not None:
            if parts:
                parts.append("   ")
            parts += [("Time left ", "bold"), clock(time_left)]
        self.update(line(*parts))
        self.set_class(time_left is not None and time_left <= 60, "-time-short")
