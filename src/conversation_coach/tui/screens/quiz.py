"""The personal-outcomes quiz in the app: the seed's 25 statements, answered with single keys.

y = a personal outcome, n = not one; or name the category: 1 outcome, 2 need or barrier,
3 resource or service, 4 output. The answer keys go through `drills.quiz.parse_answer`
and the verdict through `judge`, exactly as in `quiz outcomes --plain`, so both modes
mark alike. Statements and reasons are shown as Content, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from conversation_coach.tui.text import line, literal

LEGEND = [
    ("y", "a personal outcome"),
    ("n", "not a personal outcome"),
    ("or say which it is:", ""),
    ("1", "personal outcome"),
    ("2", "need or barrier"),
    ("3", "resource or service"),
    ("4", "output (an activity or product)"),
]


@dataclass
class QuizAnswer:
    number: int
    item: Any
    feedback: Any


def legend_content() -> Content:
    rows = [literal("Is it a personal outcome? Press a key:", "bold")]
    for key, meaning in LEGEND:
        rows.append(line(("  " + key, "bold"), ("  " + meaning) if meaning else ""))
    return Content("\n").join(rows)


def statement_content(number: int, total: int, statement: str) -> Content:
    return Content("\n").join([literal(f"Statement {number} of {total}", "bold"), literal("“" + statement + "”")])


def feedback_content(feedback: Any) -> Content:
    """The checker's explanation, with the verdict in words first (colour is never the only signal)."""
    mark = "✓" if feedback.correct else "✗"
    rows = [line((f"{mark} {feedback.message()}", "bold" if feedback.correct else "")),
            literal("Enter: next statement", "dim")]
    return Content("\n").join(rows)


def tally_text(right: int, asked: int, total: int) -> str:
    """The same words as the line mode's tally."""
    return f"You got {right} of {asked} right" + (f" ({total - asked} not answered)." if asked < total else ".")


def tally_content(answers: list[QuizAnswer], total: int) -> Content:
    from conversation_coach.drills.outcome import CATEGORY_LABELS

    right = sum(1 for a in answers if a.feedback.correct)
    rows = [literal(tally_text(right, len(answers), total), "bold")]
    named = [a for a in answers if a.feedback.category_correct is not None]
    if named:
        good = sum(1 for a in named if a.feedback.category_correct)
        rows.append(literal(f"Where you named the category: {good} of {len(named)} right."))
    missed = [a for a in answers if not a.feedback.correct or a.feedback.category_correct is False]
    if missed:
        rows += [Content(""), literal("To look at again", "bold")]
        for answer in missed:
            rows.append(line((f"✗ {answer.number}. ", "bold"), "“" + answer.item.statement + "”",
                             ("  — " + CATEGORY_LABELS[answer.item.category], "italic")))
    rows += [Content(""), literal("Enter: take the quiz again · Esc: back", "dim")]
    return Content("\n").join(rows)


class QuizScreen(Screen[None]):
    """One statement at a time; a key answers, Enter moves on; a tally at the end."""

    CSS_PATH = "quiz.tcss"
    BINDINGS = [
        Binding("y", "answer('y')", "Outcome"),
        Binding("n", "answer('n')", "Not"),
        Binding("1", "answer('1')", "Outcome", show=False),
        Binding("2", "answer('2')", "Need"),
        Binding("3", "answer('3')", "Resource"),
        Binding("4", "answer('4')", "Output"),
        Binding("enter,space", "next", "Next"),
        Binding("ctrl+g", "finish", "Finish"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, quiz: Any | None = None) -> None:
        super().__init__()
        if quiz is None:
            from conversation_coach.drills.quiz import load_quiz

            quiz = load_quiz()
        self.quiz = quiz
        self.items = list(quiz.items)
        self.index = 0
        self.answers: list[QuizAnswer] = []
        self.state: Literal["answering", "feedback", "done"] = "answering"

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, id="quiz-title")
        with VerticalScroll(id="quiz-body"):
            yield Static(legend_content(), markup=False, id="quiz-legend")
            yield Static("", markup=False, id="quiz-statement")
            yield Static("", markup=False, id="quiz-feedback")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#quiz-body").focus()
        self._show_statement()

    @property
    def right(self) -> int:
        return sum(1 for a in self.answers if a.feedback.correct)

    def _set_state(self, state: Literal["answering", "feedback", "done"]) -> None:
        self.state = state
        self.refresh_bindings()  # the footer shows only the keys that do something now
        if state == "done":
            where = "finished"
        else:
            where = f"{self.index + 1} of {len(self.items)} · {self.right} right so far"
        self.query_one("#quiz-title", Static).update(line(("Personal-outcomes quiz", "bold"), " · ", where))

    def _show_statement(self) -> None:
        if not self.items:
            self._set_state("done")
            self.query_one("#quiz-statement", Static).update(literal("The quiz has no statements."))
            self.query_one("#quiz-feedback", Static).display = False
            return
        self._set_state("answering")
        item = self.items[self.index]
        self.query_one("#quiz-legend", Static).display = True
        self.query_one("#quiz-statement", Static).update(statement_content(self.index + 1, len(self.items),
                                                                            item.statement))
        feedback = self.query_one("#quiz-feedback", Static)
        feedback.update("")
        feedback.display = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer":
            return self.state == "answering"
        if action == "next":
            return self.state in ("feedback", "done")
        if action == "finish":
            return self.state != "done"
        return True

    def action_answer(self, key: str) -> None:
        from conversation_coach.drills.quiz import judge, parse_answer

        parsed = parse_answer(key)
        if self.state != "answering" or parsed is None:
            return
        item = self.items[self.index]
        feedback = judge(item, *parsed)
        self.answers.append(QuizAnswer(self.index + 1, item, feedback))
        shown = self.query_one("#quiz-feedback", Static)
        shown.update(feedback_content(feedback))
        shown.set_class(feedback.correct, "-right")
        shown.display = True
        self._set_state("feedback")
        self.call_after_refresh(shown.scroll_visible, animate=False)

    def action_next(self) -> None:
        if self.state == "done":
            self.restart()
        elif self.state == "feedback":
            if self.index + 1 >= len(self.items):
                self.action_finish()
            else:
                self.index += 1
                self._show_statement()

    def action_finish(self) -> None:
        self._set_state("done")
        self.query_one("#quiz-legend", Static).display = False
        self.query_one("#quiz-statement", Static).update(tally_content(self.answers, len(self.items)))
        self.query_one("#quiz-feedback", Static).display = False
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)

    def restart(self) -> None:
        self.index = 0
        self.answers = []
        self._show_statement()

    def action_close(self) -> None:
        """Back to where the quiz was opened from; opened on its own (`quiz outcomes`), quit."""
        if len(self.app.screen_stack) > 1:
            self.dismiss(None)
        else:
            self.app.exit()
