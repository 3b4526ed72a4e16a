"""The review screen: a supervisor reads every verdict with its evidence and records their own.

`ReviewScreen` can be pushed by any app (the main app's menu does); `ReviewApp`
runs it alone for `conversation-coach review FILE`. Every save writes the whole
transcript atomically; the coder's layer is never touched (see review.py).
No user or file text goes through markup: rich Text and Content only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Input,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from conversation_coach.review import (
    NO_STAGE,
    agreement,
    coder_verdict,
    format_kappa,
    format_percent,
    has_override,
    set_verdict,
    supervisor_verdict,
)
from conversation_coach.rubric.coding import MOVES, TRAPS
from conversation_coach.supervision_questions import supervision_questions
from conversation_coach.textsafe import clean_for_display
from conversation_coach.transcript.model import Transcript, Turn

AGREE = "="  # a Select value: "as the coder said"
SAID_WIDTH = 22
SHORT_MOVES = {
    "open_question": "open Q", "closed_question": "closed Q", "simple_reflection": "simple refl.",
    "complex_reflection": "complex refl.", "summary": "summary", "affirmation": "affirmation",
    "permission": "permission", "information": "information", "advice": "advice", "other": "other",
}
SHORT_TRAPS = {
    "expert": "expert", "power": "power", "problem_solving": "problem", "question_answer": "Q&A",
    "yes_but": "yes-but", "labelling": "label", "confrontational": "confront",
}
OVERRIDDEN = "✎ "  # marks a cell where the supervisor's verdict replaces the coder's


def plain(text: str | None, style: str = "") -> Text:
    """User or file text as a literal rich Text (never markup), controls made visible."""
    return Text(clean_for_display(text or "", keep_newlines=True), style=style)


def _one_line(text: str, width: int) -> str:
    flat = " ".join(clean_for_display(text, keep_newlines=False).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _names(rubric: Any, kind: str, key: str | None) -> str:
    """A move's or trap's display name from the rubric, falling back to the id."""
    if key is None:
        return "none"
    table = getattr(rubric, kind, {}) if rubric is not None else {}
    info = table.get(key) if isinstance(table, dict) else None
    return info.name if info is not None else key.replace("_", " ")


def _stage_text(rubric: Any, stage: int | None, *, long: bool = False) -> str:
    if stage is None:
        return "no stage" if long else "–"
    if long and rubric is not None:
        return f"{stage} {rubric.stage(stage).name}"
    return str(stage)


class OverrideScreen(ModalScreen[dict | None]):
    """The supervisor's verdict on one worker turn: move, stage, traps and a comment."""

    CSS_PATH = "review.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, index: int, turn: Turn, rubric: Any, *, focus_comment: bool = False) -> None:
        super().__init__()
        self.index = index
        self.turn = turn
        self.rubric = rubric
        self.focus_comment = focus_comment

    def compose(self) -> ComposeResult:
        coder = coder_verdict(self.turn.coding)
        mine = supervisor_verdict(self.turn)
        review = self.turn.review
        rubric = self.rubric
        with VerticalScroll(id="override-dialog"):
            yield Static(Text.assemble((f"Turn {self.index + 1}: ", "bold"), plain(self.turn.text)), id="override-said")
            coder_traps = ", ".join(_names(rubric, "traps", t) for t in coder.traps) or "no traps"
            yield Static(Text(f"The coder said: {_names(rubric, 'moves', coder.main)} · "
                              f"{_stage_text(rubric, coder.stage, long=True)} · {coder_traps}"), id="override-coder")
            move_options = [(Text(f"As the coder said ({_names(rubric, 'moves', coder.main)})"), AGREE)]
            move_options += [(Text(_names(rubric, "moves", m)), m) for m in MOVES]
            yield Static("Move", classes="field-label")
            yield Select(move_options, value=review.main if review and review.main else AGREE,
                         allow_blank=False, id="override-move")
            stage_options = [(Text(f"As the coder said ({_stage_text(rubric, coder.stage, long=True)})"), AGREE)]
            stage_options += [(Text(_stage_text(rubric, n, long=True)), str(n)) for n in range(1, 6)]
            stage_options.append((Text("No stage"), NO_STAGE))
            if review and review.no_stage:
                stage_value = NO_STAGE
            elif review and review.stage is not None:
                stage_value = str(review.stage)
            else:
                stage_value = AGREE
            yield Static("Stage", classes="field-label")
            yield Select(stage_options, value=stage_value, allow_blank=False, id="override-stage")
            yield Static("Traps (ticked = the supervisor sees this trap)", classes="field-label")
            with Horizontal(id="override-traps"):
                for trap in TRAPS:
                    yield Checkbox(Text(_names(rubric, "traps", trap)), value=trap in mine.traps,
                                   id=f"trap-{trap}", classes="trap-box", compact=True)
            yield Static("Comment", classes="field-label")
            yield Input(value=review.comment if review else "", placeholder="Why you see it differently, or what went well",
                        id="override-comment")
            with Horizontal(id="override-buttons"):
                yield Button("Save", variant="primary", id="override-save")
                yield Button("Cancel", id="override-cancel")
        yield Footer()

    def on_mount(self) -> None:
        target = "#override-comment" if self.focus_comment else "#override-move"
        self.query_one(target).focus()

    def _result(self) -> dict:
        move = self.query_one("#override-move", Select).value
        stage = self.query_one("#override-stage", Select).value
        traps = [t for t in TRAPS if self.query_one(f"#trap-{t}", Checkbox).value]
        return {
            "main": None if move == AGREE else move,
            "stage": None if stage == AGREE else (NO_STAGE if stage == NO_STAGE else int(stage)),
            "traps": traps,
            "comment": self.query_one("#override-comment", Input).value,
        }

    def action_save(self) -> None:
        self.dismiss(self._result())

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#override-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#override-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted, "#override-comment")
    def _comment_submitted(self) -> None:
        self.action_save()


class ReviewScreen(Screen):
    """Every turn with the coder's move, stage and traps; the rule trace; the supervisor's overrides."""

    CSS_PATH = "review.tcss"
    BINDINGS = [
        Binding("o", "override", "Override"),
        Binding("c", "comment", "Comment"),
        Binding("x", "clear", "Clear override"),
        Binding("s", "questions", "Supervision questions"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, transcript: Transcript, path: Path | None, rubric: Any = None, *, reviewer: str = "") -> None:
        super().__init__()
        self.transcript = transcript
        self.path = Path(path) if path else None
        self.rubric = rubric
        self.reviewer = reviewer
        self.status = ""

    @classmethod
    def from_path(cls, path: Path | str, rubric: Any = None, *, reviewer: str = "") -> ReviewScreen:
        """Load a transcript file (raises transcript.io.TranscriptError with file and line)."""
        from conversation_coach.review import fill_missing_codings
        from conversation_coach.transcript.io import load_transcript

        transcript = load_transcript(str(path))
        if rubric is not None:
            fill_missing_codings(transcript, rubric)
        return cls(transcript, Path(path), rubric, reviewer=reviewer)

    # ----- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="review-title")
        with Horizontal(id="review-body"):
            yield DataTable(id="review-turns", cursor_type="row", zebra_stripes=True)
            with TabbedContent(id="review-tabs"):
                with TabPane("Turn", id="tab-turn"), VerticalScroll(id="turn-scroll"):
                    yield Static(id="turn-detail")
                with TabPane("Supervision questions", id="tab-questions"), VerticalScroll(id="questions-scroll"):
                    yield Static(self._questions(), id="questions")
        yield Static(id="review-agreement")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#review-turns", DataTable)
        for label, width in (("#", 3), ("Who", 3), ("Said", SAID_WIDTH), ("Move", 15), ("St", 3), ("Traps", 18)):
            table.add_column(label, width=width, key=label)
        self._fill_table()
        first_worker = next((i for i, t in enumerate(self.transcript.turns) if t.speaker == "worker"), 0)
        if self.transcript.turns:
            table.move_cursor(row=first_worker)
        self._show_detail(first_worker)
        self._show_agreement()
        table.focus()

    def _title(self) -> Text:
        t = self.transcript
        what = t.scenario_title or ("Imported conversation" if t.mode == "imported" else "Conversation")
        who = " · ".join(x for x in (t.person_name, t.trainee or t.candidate) if x)
        return Text.assemble(("Review: ", "bold"), plain(what, "bold"), plain(f"  {who}" if who else "", "dim"))

    def _questions(self) -> Text:
        out = Text()
        for heading, questions in supervision_questions(self.transcript.person_name):
            out.append(plain(heading, "bold"))
            out.append("\n")
            for q in questions:
                out.append("• ")
                out.append(plain(q))
                out.append("\n")
            out.append("\n")
        return out

    def _cells(self, index: int, turn: Turn) -> list[Text]:
        """The row: number (* = a comment), who, what was said, then move, stage and traps —
        the supervisor's where they differ from the coder's, marked ✎."""
        said = plain(_one_line(turn.text, SAID_WIDTH), "" if turn.speaker == "worker" else "italic")
        number = Text(str(index + 1) + ("*" if turn.review and turn.review.comment else ""))
        if turn.speaker != "worker":
            return [number, Text("P", "dim"), said, Text(""), Text(""), Text("")]
        coder = coder_verdict(turn.coding)
        mine = supervisor_verdict(turn)

        def cell(a: str, b: str) -> Text:
            return Text(a) if a == b else Text(OVERRIDDEN + b, style="bold")

        move = cell(SHORT_MOVES.get(coder.main or "", "–"), SHORT_MOVES.get(mine.main or "", "–"))
        stage = cell(_stage_text(self.rubric, coder.stage), _stage_text(self.rubric, mine.stage))
        traps = cell(", ".join(SHORT_TRAPS[t] for t in coder.traps) or "–",
                     ", ".join(SHORT_TRAPS[t] for t in mine.traps) or "–")
        return [number, Text("W", "bold"), said, move, stage, traps]

    def _fill_table(self) -> None:
        table = self.query_one("#review-turns", DataTable)
        table.clear()
        for i, turn in enumerate(self.transcript.turns):
            table.add_row(*self._cells(i, turn), key=str(i))

    def _refresh_row(self, index: int) -> None:
        table = self.query_one("#review-turns", DataTable)
        for label, value in zip(("#", "Who", "Said", "Move", "St", "Traps"),
                                self._cells(index, self.transcript.turns[index]), strict=True):
            table.update_cell(str(index), label, value, update_width=False)

    # ----- the selected turn -----------------------------------------------------------------------
    @property
    def selected(self) -> int | None:
        table = self.query_one("#review-turns", DataTable)
        if not self.transcript.turns:
            return None
        return max(0, min(table.cursor_row, len(self.transcript.turns) - 1))

    @on(DataTable.RowHighlighted, "#review-turns")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    @on(DataTable.RowSelected, "#review-turns")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_override()

    def detail_text(self, index: int) -> Text:
        """Everything about one turn: the words (evidence highlighted), the coder, the trace, the supervisor."""
        if not self.transcript.turns:
            return Text("This transcript has no turns.")
        turn = self.transcript.turns[index]
        rubric = self.rubric
        out = Text()
        who = "the worker" if turn.speaker == "worker" else "the person"
        out.append(f"Turn {index + 1} · {who}\n", style="bold")
        said = plain(turn.text)
        coding = turn.coding
        if coding is not None:
            lowered = said.plain.lower()
            for hit in coding.trace:
                evidence = clean_for_display(hit.evidence).strip().lower()
                start = lowered.find(evidence) if evidence else -1
                if start >= 0:
                    style = "bold reverse" if hit.target.startswith("trap:") else "underline"
                    said.stylize(style, start, start + len(evidence))
        out.append(said)
        out.append("\n\n")
        if turn.speaker != "worker":
            out.append("The person's turns are not coded.", style="dim")
            return out
        if coding is None:
            out.append("Not coded yet.", style="dim")
            return out
        out.append("The coder\n", style="bold underline")
        out.append(f"Move:  {_names(rubric, 'moves', coding.main)}")
        others = [m for m in coding.moves if m != coding.main]
        if others:
            out.append(f" (also {', '.join(_names(rubric, 'moves', m) for m in others)})", style="dim")
        out.append(f"\nStage: {_stage_text(rubric, coding.stage, long=True)}\n")
        if coding.traps:
            for hit in coding.traps:
                out.append(f"Trap:  {_names(rubric, 'traps', hit.trap)} on ")
                out.append(plain(f"“{hit.evidence}”", "bold"))
                out.append(plain(f"  {hit.rule}\n", "dim"))
        else:
            out.append("Traps: none\n")
        out.append("\nRule trace: which rule fired on which words\n", style="bold underline")
        if coding.trace:
            for hit in coding.trace:
                out.append("• ")
                out.append(plain(hit.rule, "bold"))
                out.append(plain(f" → {hit.target}"))
                if hit.evidence:
                    out.append(" on ")
                    out.append(plain(f"“{hit.evidence}”", "italic"))
                if hit.message:
                    out.append(plain(f" — {hit.message}", "dim"))
                out.append("\n")
        else:
            out.append("No rule fired (the move is the default).\n", style="dim")
        for note in coding.notes:
            out.append(plain(f"Note: {note}\n", "dim"))
        out.append("\nThe supervisor\n", style="bold underline")
        review = turn.review
        if review is None:
            out.append("No override: agrees with the coder.\n", style="dim")
        else:
            mine = supervisor_verdict(turn)
            coder = coder_verdict(coding)
            if not has_override(review):
                out.append("Agrees with the coder.\n")
            if mine.main != coder.main:
                out.append(f"Move → {_names(rubric, 'moves', mine.main)}\n")
            if mine.stage != coder.stage:
                out.append(f"Stage → {_stage_text(rubric, mine.stage, long=True)}\n")
            if mine.traps != coder.traps:
                out.append("Traps → " + (", ".join(_names(rubric, 'traps', t) for t in mine.traps) or "none") + "\n")
            if review.comment:
                out.append("Comment: ")
                out.append(plain(review.comment, "italic"))
                out.append("\n")
            if review.reviewer:
                out.append(plain(f"by {review.reviewer}, {review.at}\n", "dim"))
        out.append("\no override · c comment · x clear", style="dim")
        return out

    def _show_detail(self, index: int) -> None:
        self.query_one("#turn-detail", Static).update(self.detail_text(index))

    def agreement_text(self) -> Text:
        report = agreement([self.transcript], include_unreviewed=True)
        if not report.turns:
            return Text("No coded worker turns to compare.")
        parts = [("move", report.overall_move), ("stage", report.overall_stage), ("traps", report.overall_traps)]
        out = Text(f"Agreement with the coder over {report.turns} worker turns: ", style="bold")
        out.append(" · ".join(f"{name} {format_percent(a.percent)} κ {format_kappa(a.kappa)}" for name, a in parts))
        if self.status:
            out.append("   ")
            out.append(plain(self.status, "italic"))
        return out

    def _show_agreement(self) -> None:
        self.query_one("#review-agreement", Static).update(self.agreement_text())

    # ----- actions ---------------------------------------------------------------------------------
    def _worker_index(self) -> int | None:
        index = self.selected
        if index is None or self.transcript.turns[index].speaker != "worker":
            self.notify("Choose one of the worker's turns: only those are coded.", severity="warning")
            return None
        return index

    def action_override(self, focus_comment: bool = False) -> None:
        index = self._worker_index()
        if index is None:
            return
        turn = self.transcript.turns[index]

        def done(result: dict | None) -> None:
            if result is not None:
                self.apply(index, **result)

        self.app.push_screen(OverrideScreen(index, turn, self.rubric, focus_comment=focus_comment), done)

    def action_comment(self) -> None:
        self.action_override(focus_comment=True)

    def action_clear(self) -> None:
        index = self._worker_index()
        if index is None or self.transcript.turns[index].review is None:
            return
        self.transcript.turns[index].review = None
        self._after_change(index, "override cleared")

    def action_questions(self) -> None:
        tabs = self.query_one("#review-tabs", TabbedContent)
        tabs.active = "tab-turn" if tabs.active == "tab-questions" else "tab-questions"

    def action_close(self) -> None:
        self.dismiss(None)

    def apply(self, index: int, *, main: str | None, stage: int | str | None, traps: list[str] | None,
              comment: str = "") -> None:
        """Record a verdict (as the override dialog returns it) and save."""
        set_verdict(self.transcript, index, main=main, stage=stage, traps=traps, comment=comment,
                    reviewer=self.reviewer)
        self._after_change(index, "saved")

    def _after_change(self, index: int, what: str) -> None:
        saved = self._save()
        self.status = f"Turn {index + 1}: {what}" if saved else "NOT SAVED (see the message)"
        self._refresh_row(index)
        self._show_detail(index)
        self._show_agreement()

    def _save(self) -> bool:
        if self.path is None:
            return True
        from conversation_coach.transcript.io import save_transcript

        try:
            save_transcript(self.transcript, self.path)
        except OSError as exc:
            self.notify(clean_for_display(f"Could not save {self.path}: {exc.strerror or exc}"), markup=False,
                        severity="error", timeout=10)
            return False
        return True


def saved_transcripts(limit: int = 200) -> list[Path]:
    """The user's saved transcripts (practice, assessments, imports), newest first."""
    from conversation_coach.paths import user_dir_if_exists

    found: list[Path] = []
    for kind in ("transcripts", "assessments"):
        folder = user_dir_if_exists(kind)
        if folder is not None:
            found.extend(p for p in folder.rglob("*.json") if p.is_file() and not p.name.startswith("."))

    def mtime(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(found, key=mtime, reverse=True)[:limit]


class ReviewPickerScreen(Screen):
    """Choose a saved transcript to review (the main app's "Review a transcript")."""

    CSS_PATH = "review.tcss"
    BINDINGS = [Binding("escape", "close", "Back")]

    def __init__(self, rubric: Any = None, *, reviewer: str = "", paths: list[Path] | None = None) -> None:
        super().__init__()
        self.rubric = rubric
        self.reviewer = reviewer
        self.paths = paths if paths is not None else saved_transcripts()

    def compose(self) -> ComposeResult:
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option

        yield Static(Text("Review a transcript: choose one, or type a path and press Enter", style="bold"),
                     id="picker-title")
        yield Input(placeholder="Path to a transcript JSON file", id="picker-path")
        options = [Option(Text.assemble(plain(p.name), ("  " + p.parent.name, "dim")), id=str(i))
                   for i, p in enumerate(self.paths)]
        if not options:
            options = [Option(Text("No saved transcripts yet. Import one: conversation-coach import FILE",
                                   style="dim"), disabled=True)]
        yield OptionList(*options, id="picker-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#picker-list").focus()

    def _open(self, path: Path) -> None:
        from conversation_coach.transcript.io import TranscriptError

        try:
            screen = ReviewScreen.from_path(path, self.rubric, reviewer=self.reviewer)
        except TranscriptError as exc:
            self.notify(clean_for_display(str(exc)), markup=False, severity="error", timeout=10)
            return
        self.app.push_screen(screen)

    def on_option_list_option_selected(self, event) -> None:
        if event.option.id is not None:
            self._open(self.paths[int(event.option.id)])

    @on(Input.Submitted, "#picker-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        if not path.is_file():
            self.notify(clean_for_display(f"No file at {path}"), markup=False, severity="warning")
            return
        self._open(path)

    def action_close(self) -> None:
        self.dismiss(None)


class ReviewApp(App[int]):
    """`conversation-coach review FILE`: the review screen on its own."""

    TITLE = "Conversation coach: review"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit")]

    def __init__(self, path: Path, *, rubric: Any = None, reviewer: str = "",
                 transcript: Transcript | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.rubric = rubric
        self.reviewer = reviewer
        self.transcript = transcript

    def on_mount(self) -> None:
        if self.transcript is not None:
            screen = ReviewScreen(self.transcript, self.path, self.rubric, reviewer=self.reviewer)
        else:
            screen = ReviewScreen.from_path(self.path, self.rubric, reviewer=self.reviewer)
        self.push_screen(screen, lambda _: self.exit(0))
