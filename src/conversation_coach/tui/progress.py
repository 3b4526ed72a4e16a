"""The progress screen: the trainee's practice over time, pushed from the main app.

Sessions in a table, the score trend as a sparkline, the traps that recur most, the
stages most often missed and what to practise next — the same `summarise` as the
`progress` command, so the two agree. All user text goes through Content/Text, never markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Sparkline, Static

from conversation_coach.progress_report import STAGE_NAMES, ProgressSummary, summarise
from conversation_coach.store import SessionRecord
from conversation_coach.tui.text import line, literal, safe


def _cell(text: object) -> Text:
    return Text(safe(str(text), keep_newlines=False))


class ProgressScreen(Screen[None]):
    """Push with `app.push_screen(ProgressScreen())`; Esc goes back."""

    CSS_PATH = "progress.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, sessions: list[SessionRecord] | None = None, *, trainee: str | None = None) -> None:
        super().__init__()
        self._given = sessions
        self.trainee = trainee
        self.problem: str | None = None
        self.summary = ProgressSummary(sessions=[])

    def _load(self) -> ProgressSummary:
        if self._given is not None:
            return summarise(self._given)
        from conversation_coach.reconcile import reconcile
        from conversation_coach.store import Store, StoreError

        store = Store()
        try:
            reconcile(store)  # visits saved finished but never logged (a run killed in between)
            sessions = store.sessions(trainee=self.trainee) if store.path.exists() else []
            self.problem = None
        except StoreError as exc:
            self.problem = str(exc)
            sessions = []
        return summarise(sessions)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="progress-body"):
            yield Static(literal("Your practice", "bold underline"), id="progress-title")
            yield Static("", id="progress-problem", markup=False)
            yield DataTable(id="progress-sessions", cursor_type="row", zebra_stripes=True)
            yield Static(literal("Score trend", ""), classes="progress-heading")
            yield Static("", id="progress-trend-line", markup=False)
            yield Sparkline([], id="progress-sparkline")
            yield Static(literal("Traps that recur most"), classes="progress-heading")
            yield Static("", id="progress-traps", markup=False)
            yield Static(literal("Stages most often missed"), classes="progress-heading")
            yield Static("", id="progress-stages", markup=False)
            yield Static(literal("What to practise next"), classes="progress-heading")
            yield Static("", id="progress-next", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#progress-sessions", DataTable)
        table.add_columns("#", "date", "scenario", "score", "stages", "traps", "what matters")
        self.refresh_data()

    def refresh_data(self) -> None:
        self.summary = summary = self._load()
        self.query_one("#progress-problem", Static).update(literal(self.problem or ""))
        self.query_one("#progress-problem", Static).display = bool(self.problem)
        table = self.query_one("#progress-sessions", DataTable)
        table.clear()
        for i, s in enumerate(summary.sessions, 1):
            found, total = len(s.what_matters_surfaced), len(s.what_matters_surfaced) + len(s.what_matters_missed)
            traps = ", ".join(sorted({n.trap.replace("_", " ") for n in s.traps})) or "-"
            table.add_row(_cell(i), _cell(s.date[:10]), _cell(s.scenario_title or s.scenario_id or "-"),
                          _cell(s.score), _cell(" ".join(map(str, sorted(s.stages_reached))) or "-"),
                          _cell(traps), _cell(f"{found}/{total}" if total else "-"))
        trend = summary.trend
        spark = self.query_one("#progress-sparkline", Sparkline)
        spark.data = [float(x) for x in summary.scores]
        spark.display = bool(summary.scores)  # an empty trend draws nothing rather than a full bar
        if summary.scores:
            text = f"{len(summary.scores)} sessions: first {trend['first']}, latest {trend['latest']}, best {trend['best']}"
            if len(summary.scores) > 1 and trend["change"]:
                text += f" ({'up' if trend['change'] > 0 else 'down'} {abs(trend['change']):g})"
        else:
            text = "No practice sessions yet."
        self.query_one("#progress-trend-line", Static).update(literal(text))
        n = len(summary.sessions)
        traps = [line((t.name, "bold"), f": in {t.sessions} of {n} sessions, {t.times} time{'s' if t.times != 1 else ''}")
                 for t in summary.recurring_traps[:3]] or [literal("none")]
        self.query_one("#progress-traps", Static).update(Content("\n").join(traps))
        stages = [line((f"Stage {st}", "bold"), f" {STAGE_NAMES[st]}: missed in {k} of {n} sessions")
                  for st, k in summary.stages_missed[:3]] or [literal("none" if n else "-")]
        self.query_one("#progress-stages", Static).update(Content("\n").join(stages))
        steps = []
        for step in summary.next_steps:
            steps.append(line("\u2022 ", step.text))
            if step.command:
                steps.append(line("    ", (step.command, "bold")))
        self.query_one("#progress-next", Static).update(Content("\n").join(steps))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.refresh_data()
