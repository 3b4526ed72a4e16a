"""The trap-rewrite drill in the app: a trap statement in context, the trainee's rewrite, the coder's verdict.

The same round and the same judging as `drill traps --plain` (drills/traps.py); this
screen only shows them. One Input does everything, so the trainee never leaves the
keyboard's home row: Enter submits a rewrite, Enter on an empty box moves on, and a
second rewrite of the same statement is judged too but not counted in the tally.
The bank's text and the trainee's words are shown as Content, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from conversation_coach.tui.text import humanise, line, literal

END_COMMAND = "/end"
ASK = "Your rewrite — Enter submits; /end finishes the round"
NEXT = "Enter: next statement · or retry with another rewrite (not counted)"
LAST = "Enter: see the tally · or retry with another rewrite (not counted)"
AGAIN = "Enter: another round · Esc: back"


@dataclass
class DrillResult:
    """The first rewrite of one statement and its verdict: what the tally counts."""

    item: Any
    rewrite: str
    judgement: Any


# What a rewrite may do, in the order a trainee would reach for them; reflections of any depth count alike
# (drills.traps.judge_rewrite accepts a summary or either reflection wherever one is accepted).
WANTED_WORDS = {
    "open_question": "an open question",
    "simple_reflection": "a reflection",
    "complex_reflection": "a reflection",
    "summary": "a summary",
    "permission": "asking permission",
    "affirmation": "an affirmation",
}


def wanted_moves(item: Any) -> str:
    """'an open question, a reflection or asking permission': what a rewrite of this item should do."""
    words: list[str] = []
    for move in item.accept:
        word = WANTED_WORDS.get(move, humanise(move))
        if word not in words:
            words.append(word)
    order = list(dict.fromkeys(WANTED_WORDS.values()))
    words.sort(key=lambda w: order.index(w) if w in order else len(order))
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def item_content(item: Any) -> Content:
    """The person's line, the reply that fell into a trap, and what a rewrite should do."""
    rows = []
    if item.context:
        rows += [literal("The person says", "bold"), literal("“" + item.context + "”", "italic"), Content("")]
    rows += [
        literal("A worker replied", "bold"),
        literal("“" + item.statement + "”"),
        Content(""),
        line("Rewrite the reply without the trap: ", (wanted_moves(item), "bold"), " as fits."),
    ]
    return Content("\n").join(rows)


def judgement_content(rubric: Any, item: Any, rewrite: str, judgement: Any, *, counted: bool = True) -> Content:
    """The verdict in words first (colour is never the only signal), then why, then the original trap."""
    from conversation_coach.tui.widgets.coach_panel import move_name, stage_name

    verdict = "✓ Passed" if judgement.passed else "✗ Not yet"
    rows = [line((verdict, "bold reverse" if judgement.passed else "bold"),
                 "" if counted else ("  another try, not counted in the tally", "dim"))]
    rows.append(line(("You wrote ", "bold"), ("“" + rewrite + "”", "italic")))
    coding = judgement.coding
    stage = "" if coding.stage is None else " · stage " + stage_name(rubric, coding.stage)
    rows.append(line(("Coded as ", "bold"), move_name(rubric, coding.main), stage))
    rows += [literal(note) for note in judgement.explanation]
    trap = rubric.traps.get(item.trap)
    if trap is not None:
        rows.append(line(("The original fell into the ", "dim"), (trap.name.lower(), "bold"), (": " + trap.meaning, "dim")))
    return Content("\n").join(rows)


def tally_line(passed: int, answered: int, total: int) -> str:
    """The same words as the line mode's tally."""
    text = f"Tally: {passed} of {answered} rewrites free of traps and doing what was asked"
    return text + (f" ({total - answered} not attempted)." if answered < total else ".")


def tally_content(rubric: Any, results: list[DrillResult], total: int) -> Content:
    passed = sum(1 for r in results if r.judgement.passed)
    rows = [literal(tally_line(passed, len(results), total), "bold"), Content("")]
    for number, result in enumerate(results, 1):
        trap = rubric.traps.get(result.item.trap)
        name = trap.name if trap is not None else humanise(result.item.trap)
        mark = "✓" if result.judgement.passed else "✗"
        rows.append(line((f"{mark} {number:>2}. {name}", "bold"), "  ", ("“" + result.rewrite + "”", "italic")))
    return Content("\n").join(rows)


class DrillScreen(Screen[None]):
    """A round of trap statements to rewrite (ten by default); a tally at the end."""

    CSS_PATH = "drill.tcss"
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("f1", "app.help", "Traps cheat-sheet"),
    ]

    def __init__(self, rubric: Any, *, count: int = 10, items: list[Any] | None = None) -> None:
        from conversation_coach.drills.traps import drill_round

        super().__init__()
        self.rubric = rubric
        self.count = count
        self.items = list(items) if items is not None else drill_round(rubric, count)
        self.index = 0
        self.results: list[DrillResult] = []
        self.state: Literal["answering", "judged", "done"] = "answering"

    # ----- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", markup=False, id="drill-title")
        with VerticalScroll(id="drill-body"):
            yield Static("", markup=False, id="drill-item")
            yield Static("", markup=False, id="drill-feedback")
        yield Input(placeholder=ASK, id="drill-rewrite", select_on_focus=False)
        yield Footer()

    def on_mount(self) -> None:
        if not self.items:
            self._show_empty()
            return
        self._show_item()

    # ----- what is shown ------------------------------------------------------------------------
    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.judgement.passed)

    def _title(self) -> None:
        if self.state == "done":
            where = "round complete"
        else:
            where = f"{self.index + 1} of {len(self.items)} · {self.passed} passed so far"
        self.query_one("#drill-title", Static).update(line(("Trap-rewrite drill", "bold"), " · ", where))

    def _show_empty(self) -> None:
        self.state = "done"
        self.query_one("#drill-title", Static).update(literal("Trap-rewrite drill", "bold"))
        self.query_one("#drill-item", Static).update(literal("This rubric has no drill bank (drill_bank)."))
        self.query_one("#drill-rewrite", Input).display = False

    def _show_item(self) -> None:
        self.state = "answering"
        item = self.items[self.index]
        self._title()
        self.query_one("#drill-item", Static).update(item_content(item))
        feedback = self.query_one("#drill-feedback", Static)
        feedback.update("")
        feedback.display = False
        box = self.query_one("#drill-rewrite", Input)
        box.value = ""
        box.placeholder = ASK
        box.focus()
        self.query_one("#drill-body", VerticalScroll).scroll_home(animate=False)

    def _show_judgement(self, rewrite: str, judgement: Any, *, counted: bool) -> None:
        item = self.items[self.index]
        feedback = self.query_one("#drill-feedback", Static)
        feedback.update(judgement_content(self.rubric, item, rewrite, judgement, counted=counted))
        feedback.set_class(judgement.passed, "-passed")
        feedback.display = True
        self.call_after_refresh(feedback.scroll_visible, animate=False)
        box = self.query_one("#drill-rewrite", Input)
        box.value = ""
        box.placeholder = LAST if self.index + 1 >= len(self.items) else NEXT
        self._title()

    def _finish(self) -> None:
        self.state = "done"
        self._title()
        self.query_one("#drill-item", Static).update(tally_content(self.rubric, self.results, len(self.items)))
        self.query_one("#drill-feedback", Static).display = False
        box = self.query_one("#drill-rewrite", Input)
        box.value = ""
        box.placeholder = AGAIN
        self.query_one("#drill-body", VerticalScroll).scroll_home(animate=False)

    # ----- input --------------------------------------------------------------------------------
    @on(Input.Submitted, "#drill-rewrite")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit(event.value)

    def submit(self, text: str) -> None:
        """What Enter does, by state: judge a rewrite, move on, or start another round."""
        text = " ".join(text.split())
        if self.state == "done":
            if self.items:
                self.new_round()
            return
        if text.lower() == END_COMMAND:
            self._finish()
            return
        if not text:
            if self.state == "judged":
                self.next_item()
            else:
                self.notify("Write your rewrite first (/end finishes the round).", severity="warning", timeout=3)
            return
        from conversation_coach.drills.traps import judge_rewrite

        item = self.items[self.index]
        judgement = judge_rewrite(item, text, self.rubric)
        counted = self.state == "answering"
        if counted:
            self.results.append(DrillResult(item, text, judgement))
        self.state = "judged"
        self._show_judgement(text, judgement, counted=counted)

    def next_item(self) -> None:
        if self.index + 1 >= len(self.items):
            self._finish()
            return
        self.index += 1
        self._show_item()

    def new_round(self) -> None:
        self.index = 0
        self.results = []
        self._show_item()

    def action_close(self) -> None:
        """Back to where the drill was opened from; opened on its own (`drill traps`), quit."""
        if len(self.app.screen_stack) > 1:
            self.dismiss(None)
        else:
            self.app.exit()
