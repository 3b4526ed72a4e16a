"""The summary: the assessment laid out to be read in a minute, with the hidden answers now revealed.

Its last step asks the trainee to record what matters to the person as they would in the
person's record; the outcome checker judges it (and whether it keeps the person's own
words) and it is saved with the transcript. From here the conversation can also be reviewed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static

from conversation_coach.tui.opener import open_folder
from conversation_coach.tui.text import humanise, line, literal, rich_line, safe

ENDINGS = {
    "trainee": "You ended the visit.",
    "person": "{name} ended the visit.",
    "max_turns": "The visit reached its length limit.",
    "time_limit": "Time ran out and {name} closed the visit.",
}


def _join(rows: list[Content]) -> Content:
    return Content("\n").join(rows)


def _quote(text: str | None, limit: int = 140) -> str:
    text = " ".join((text or "").split())
    return "“" + (text if len(text) <= limit else text[: limit - 1] + "…") + "”"


def _grid(*widths: int | None) -> Table:
    """Two or three columns with a hanging indent: labels left, wrapped text right."""
    table = Table.grid(padding=(0, 1), expand=True)
    for width in widths:
        if width:
            table.add_column(no_wrap=True, width=width)
        else:
            table.add_column(ratio=1, overflow="fold")
    return table


def headline(assessment: Any, person: str, closing: str | None) -> Content:
    rows = [line(("Score ", "bold"), (f" {assessment.score} ", "bold reverse"), " / 100")]
    ending = ENDINGS.get(assessment.ended_by or "", "")
    if ending:
        rows.append(literal(ending.format(name=person)))
    if closing:
        rows.append(line(f"{person}: ", (_quote(closing, 200), "italic")))
    if assessment.trust is not None:
        rows.append(line(("Openness ", "bold"), f"{assessment.trust.start:.1f} → {assessment.trust.end:.1f} out of 10"))
    return _join(rows)


def score_parts(assessment: Any) -> RenderableType:
    if not assessment.score_parts:
        return rich_line("No parts recorded.")
    table = _grid(7, None)
    for part in assessment.score_parts:
        body = rich_line((part.name, "bold"))
        if part.detail:
            body.append("\n")
            body.append_text(rich_line((part.detail, "dim")))
        table.add_row(rich_line((f"{part.points:g}/{part.max_points:g}", "bold")), body)
    return table


def stage_coverage(assessment: Any) -> RenderableType:
    table = _grid(3, None)
    for stage in assessment.stages:
        mark = "●" if stage.reached else "○"
        body = rich_line((stage.name, "bold" if stage.reached else ""),
                     f" ×{stage.count}" if stage.reached else " — not reached")
        if stage.example:
            body.append_text(rich_line("\nbest: ", (_quote(stage.example), "italic")))
        table.add_row(rich_line(f"{mark} {stage.stage}"), body)
    flow = assessment.stage_flow
    opened = "opened with stage 1" if flow.opened_with_stage_1 else "did not open with stage 1"
    closed = "closed with a summary" if flow.closed_with_stage_5 else "did not close with a summary (stage 5)"
    table.add_row(rich_line(""), rich_line(("Flow: ", "bold"), f"{opened}; {closed}"))
    return table


def trap_findings(assessment: Any) -> RenderableType:
    if not assessment.traps:
        return rich_line("No traps — nothing to unpick.")
    table = _grid(2, None)
    for trap in assessment.traps:
        name = trap.name or humanise(trap.trap) + " trap"
        body = rich_line((name, "bold"), (f"  turn {trap.turn + 1}", "dim"), "\nyou said ", (_quote(trap.evidence), "bold"))
        if trap.why:
            body.append_text(rich_line("\nwhy it harms: ", trap.why))
        if trap.rewrite:
            body.append_text(rich_line("\ntry instead: ", (trap.rewrite, "italic")))
        table.add_row(rich_line(("⚠", "bold")), body)
    return table


def metrics(assessment: Any) -> RenderableType:
    if not assessment.metrics:
        return rich_line("No metrics (too few replies).")
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(ratio=3, overflow="fold")
    table.add_column(no_wrap=True, width=10)
    table.add_column(ratio=2, overflow="fold")
    for metric in assessment.metrics.values():
        bands = ", ".join(b for b in (f"fair {metric.fair}" if metric.fair else "",
                                      f"good {metric.good}" if metric.good else "") if b)
        band = "—" if metric.band == "n/a" else metric.band
        table.add_row(rich_line((metric.name, "bold"), "\n", (metric.display, "")), rich_line((band, "bold")),
                      rich_line((bands, "dim")))
    return table


def discovery(title: str, found: Any) -> RenderableType:
    if found is None:
        return rich_line(f"{title}: not tracked for this conversation.")
    total = len(found.surfaced) + len(found.missed)
    table = _grid(2, None)
    table.add_row(rich_line(""), rich_line((f"{title}: {len(found.surfaced)} of {total} surfaced", "bold")))
    for item in found.surfaced:
        table.add_row(rich_line("✓"), rich_line(found.labels.get(item, item)))
    for item in found.missed:
        table.add_row(rich_line("✗"), rich_line(found.labels.get(item, item), ("  (missed)", "dim")))
    return table


def first_name(person: str) -> str:
    return person.split()[0] if person.strip() else "the person"


def outcome_verdict(verdict: Any, person: str, saved_to: Path | None, *, saved: bool = True) -> Content:
    """The checker's verdict on the trainee's record, in sentences; the first says outcome or not."""
    from conversation_coach.drills.record import feedback_lines

    lines = feedback_lines(verdict, person)
    rows = [literal(lines[0], "bold")] + [literal(text) for text in lines[1:]]
    if not saved:
        rows.append(literal("Not saved: see the message.", "bold"))
    elif saved_to is not None:
        rows.append(literal("Kept with the transcript. Edit it and press Enter to judge it again.", "dim"))
    else:
        rows.append(literal("Not saved (autosave was off).", "dim"))
    return _join(rows)


def suggestions(assessment: Any) -> RenderableType:
    if not assessment.suggestions:
        return rich_line("No suggestions this time.")
    table = _grid(2, None)
    for suggestion in assessment.suggestions:
        body = rich_line(suggestion.question)
        if suggestion.stage:
            body.append_text(rich_line((f"  stage {suggestion.stage}", "dim")))
        if suggestion.why:
            body.append_text(rich_line("\n", (suggestion.why, "dim")))
        table.add_row(rich_line("•"), body)
    return table


class SummaryScreen(Screen):
    """What the conversation showed, and where to go next."""

    BINDINGS = [
        Binding("r", "try_again", "Try again"),
        Binding("b", "back", "Scenarios"),
        Binding("o", "open_location", "Open folder"),
        Binding("v", "review", "Review"),
        Binding("w", "record_outcome", "Record outcome"),
        Binding("escape", "leave_record", "Done"),
        Binding("q", "app.quit", "Quit", show=False),
        Binding("f1", "app.help", "Help"),
    ]

    def __init__(self, assessment: Any, *, scenario: Any, path: Path | None, closing: str | None,
                 transcript: Any | None = None, rubric: Any | None = None) -> None:
        super().__init__()
        self.assessment = assessment
        self.scenario = scenario
        self.path = path
        self.closing = closing
        self.transcript = transcript
        self.rubric = rubric
        self.outcome_verdict: Any | None = None

    @property
    def asks_for_outcome(self) -> bool:
        """Practice only: an assessment never reaches a summary, and nothing can be judged without a transcript."""
        return self.transcript is not None and getattr(self.transcript, "mode", "practice") == "practice"

    def compose(self) -> ComposeResult:
        a = self.assessment
        person = self.scenario.person.name
        yield Static(line(("Summary", "bold"), " · ", self.scenario.title), markup=False, id="summary-title")
        with VerticalScroll(id="summary-body"):
            yield Static(headline(a, person, self.closing), markup=False, id="summary-headline", classes="section")
            for key, title, content in (
                ("parts", "How the score is made", score_parts(a)),
                ("stages", "Stages of the conversation", stage_coverage(a)),
                ("traps", "Traps", trap_findings(a)),
                ("metrics", "Listening metrics (MITI-style bands)", metrics(a)),
                ("found", "What mattered to " + person, Group(discovery("What matters", a.what_matters),
                                                              discovery("Strengths", a.strengths))),
                ("next", "Questions to try next time", suggestions(a)),
                ("saved", "Transcript", self._saved_text()),
            ):
                yield Static(literal(title), markup=False, classes="section-title")
                yield Static(content, markup=False, id=f"summary-{key}", classes="section")
        if self.asks_for_outcome:
            with Vertical(id="summary-record"):
                ask = f"Record what matters to {first_name(person)} as you would write it in their record"
                yield Static(literal(ask, "bold"), markup=False, id="outcome-label")
                yield Input(safe(self.transcript.outcome_record, keep_newlines=False),
                            placeholder="w to write; in their words, what they want to achieve, not a service",
                            id="outcome-record", select_on_focus=False)
                yield Static("", markup=False, id="outcome-verdict")
        with Horizontal(id="summary-actions"):
            yield Button("Try again (r)", id="again", variant="primary")
            yield Button("Scenarios (b)", id="back")
            yield Button("Open folder (o)", id="open")
            yield Button("Quit (q)", id="quit")
        yield Footer()

    def _saved_text(self) -> Content:
        if self.path is None:
            return literal("Not saved (autosave was off).")
        return line("Saved to ", (str(self.path), "bold"))

    def on_mount(self) -> None:
        self.query_one("#summary-body").focus()
        if self.asks_for_outcome:
            self.query_one("#outcome-verdict", Static).display = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "record_outcome" and not self.asks_for_outcome:
            return False
        if action == "leave_record":  # shown in the footer only while the record box has focus
            return self.asks_for_outcome and self.query_one("#outcome-record", Input).has_focus
        if action == "review" and self.transcript is None:
            return False
        return True

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        actions = {"again": self.action_try_again, "back": self.action_back, "open": self.action_open_location}
        if event.button.id == "quit":
            self.app.exit()
        elif event.button.id in actions:
            actions[event.button.id]()

    def action_try_again(self) -> None:
        self.app.try_again(self.scenario.id)

    def action_back(self) -> None:
        self.app.back_to_scenarios()

    def action_review(self) -> None:
        """The supervisor's view of this conversation: every verdict with its evidence, overridable."""
        from conversation_coach.tui.review import ReviewScreen

        if self.transcript is None:
            self.notify("There is no transcript to review.", severity="warning")
            return
        self.app.push_screen(ReviewScreen(self.transcript, self.path, self.rubric))

    def action_record_outcome(self) -> None:
        if self.asks_for_outcome:
            box = self.query_one("#outcome-record", Input)
            box.focus()
            box.scroll_visible()

    def action_leave_record(self) -> None:
        if self.asks_for_outcome and self.query_one("#outcome-record", Input).has_focus:
            self.query_one("#summary-body").focus()

    @on(Input.Submitted, "#outcome-record")
    def _outcome_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.record_outcome(event.value)

    def record_outcome(self, text: str) -> None:
        """Judge the trainee's record of the outcome, show the verdict and keep it with the transcript."""
        from conversation_coach.drills.record import judge_recorded_outcome, store_outcome_record
        from conversation_coach.textsafe import clean_for_display

        text = " ".join(text.split())
        if not text:
            self.notify("Write what matters to the person first, then press Enter.", severity="warning")
            return
        ids = {item.id for item in getattr(self.scenario, "what_matters", [])} or None
        self.outcome_verdict = judge_recorded_outcome(text, self.transcript, what_matters_ids=ids)
        saved = True
        try:
            store_outcome_record(self.transcript, text, self.path)
        except OSError as exc:
            saved = False
            self.notify(clean_for_display(f"Could not save the outcome to {self.path}: {exc.strerror or exc}"),
                        markup=False, severity="error", timeout=10)
        verdict = self.query_one("#outcome-verdict", Static)
        verdict.update(outcome_verdict(self.outcome_verdict, self.scenario.person.name, self.path, saved=saved))
        verdict.display = True

    def action_open_location(self) -> None:
        if self.path is None:
            self.notify("This conversation was not saved.", severity="warning")
            return
        folder = self.path.parent
        opened = open_folder(folder)
        message = f"Transcript folder: {folder}" + ("" if opened else " (no file manager to open it with)")
        self.notify(message, markup=False, timeout=8)
