"""Progress over time, read from the practice sessions in the store.

Headless: the `progress` command, the CPD record and the TUI's progress screen
all use `summarise`, so the three never disagree about what recurs or what to
practise next.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from conversation_coach.store import SessionRecord

STAGE_NAMES = {1: "open engaging question", 2: "active listening", 3: "open exploratory question",
               4: "information exchange", 5: "summary and actions"}
SPARK_BARS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"


@dataclass
class RecurringTrap:
    trap: str
    name: str
    sessions: int  # in how many sessions it came up
    times: int  # how often in all
    rewrite: str = ""
    example: str = ""


@dataclass
class NextStep:
    kind: str  # "drill", "scenario", "stage", "start"
    text: str
    command: str = ""


@dataclass
class ProgressSummary:
    sessions: list[SessionRecord]
    recurring_traps: list[RecurringTrap] = field(default_factory=list)
    stages_missed: list[tuple[int, int]] = field(default_factory=list)  # (stage, sessions missing it)
    next_steps: list[NextStep] = field(default_factory=list)

    @property
    def scores(self) -> list[int]:
        return [s.score for s in self.sessions]

    @property
    def trend(self) -> dict:
        scores = self.scores
        if not scores:
            return {"first": None, "latest": None, "best": None, "mean": None, "change": None}
        window = max(1, min(3, len(scores) // 2))
        early = sum(scores[:window]) / window
        late = sum(scores[-window:]) / window
        return {"first": scores[0], "latest": scores[-1], "best": max(scores),
                "mean": round(sum(scores) / len(scores), 1), "change": round(late - early, 1)}

    def as_json(self) -> dict:
        return {
            "sessions": [s.as_json() for s in self.sessions],
            "trend": self.trend,
            "recurring_traps": [vars(t) for t in self.recurring_traps],
            "stages_missed": [{"stage": s, "name": STAGE_NAMES[s], "sessions": n} for s, n in self.stages_missed],
            "next": [vars(n) for n in self.next_steps],
        }


def trap_label(name: str, trap: str) -> str:
    """'Expert trap' whether the rubric calls it 'Expert' or 'Expert trap'."""
    name = (name or trap.replace("_", " ")).strip()
    return name if "trap" in name.lower() else f"{name} trap"


def sparkline(values: list[float]) -> str:
    """Scores as a row of bars on a fixed 0-100 scale, so two sparklines compare."""
    out = []
    for v in values:
        index = int(max(0.0, min(100.0, float(v))) / 100 * (len(SPARK_BARS) - 1) + 0.5)
        out.append(SPARK_BARS[index])
    return "".join(out)


def _stage_questions() -> dict[int, list[str]]:
    try:
        from conversation_coach.rubric.load import load_rubric

        rubric = load_rubric()
        return {s.number: list(s.questions) for s in rubric.stages}
    except Exception:  # advice still works without the rubric's question bank
        return {}


def summarise(sessions: list[SessionRecord], *, with_questions: bool = True) -> ProgressSummary:
    summary = ProgressSummary(sessions=list(sessions))
    if not sessions:
        summary.next_steps.append(NextStep("start", "No practice sessions yet: pick a scenario and have a go.",
                                           "conversation-coach"))
        return summary

    in_sessions: Counter[str] = Counter()
    times: Counter[str] = Counter()
    details: dict[str, tuple[str, str, str]] = {}
    for s in sessions:
        for note in s.traps:
            times[note.trap] += 1
            details.setdefault(note.trap, (note.name, note.rewrite, note.words or note.evidence))
        for trap in {n.trap for n in s.traps}:
            in_sessions[trap] += 1
    summary.recurring_traps = [
        RecurringTrap(trap=t, name=trap_label(details[t][0], t), sessions=n, times=times[t],
                      rewrite=details[t][1], example=details[t][2])
        for t, n in sorted(in_sessions.items(), key=lambda kv: (-kv[1], -times[kv[0]], kv[0]))
    ]
    missed: Counter[int] = Counter(stage for s in sessions for stage in s.stages_missed)
    summary.stages_missed = sorted(missed.items(), key=lambda kv: (-kv[1], kv[0]))
    summary.next_steps = _next_steps(summary, _stage_questions() if with_questions else {})
    return summary


def _next_steps(summary: ProgressSummary, questions: dict[int, list[str]]) -> list[NextStep]:
    steps: list[NextStep] = []
    sessions = summary.sessions
    total = len(sessions)
    if summary.recurring_traps:
        top = summary.recurring_traps[0]
        text = f"The {top.name} came up in {top.sessions} of {total} session{'s' if total != 1 else ''}."
        if top.rewrite:
            text += f" Instead: {top.rewrite}"
        steps.append(NextStep("drill", text + " Rewrite traps like it in the five-minute drill.",
                              "conversation-coach drill traps"))
        by_scenario: Counter[str] = Counter()
        for s in sessions:
            if s.scenario_id:
                by_scenario[s.scenario_id] += sum(1 for n in s.traps if n.trap == top.trap)
        if by_scenario and by_scenario.most_common(1)[0][1] > 0:
            scenario, n = by_scenario.most_common(1)[0]
            steps.append(NextStep(
                "scenario", f"Play {scenario} again and listen for the moment the {top.name} crept in "
                f"({n} time{'s' if n != 1 else ''} there so far).", f"conversation-coach play {scenario}"))
    if summary.stages_missed:
        stage, n = summary.stages_missed[0]
        text = f"Stage {stage} ({STAGE_NAMES[stage]}) was missed in {n} of {total} session{'s' if total != 1 else ''}."
        bank = questions.get(stage) or []
        if stage == 5:  # the seed's stage 5 prompts are for the worker to think about, not to say
            text += (" Before you leave, sum up in the person's words what matters to them and agree "
                     "together what happens next.")
        elif bank:
            text += f" Try, for example: \u201c{bank[0]}\u201d"
        steps.append(NextStep("stage", text))
    if not steps:
        latest = sessions[-1]
        steps.append(NextStep("scenario", "No traps and every stage reached: try a harder scenario next.",
                              "conversation-coach list"))
        if latest.scenario_id:
            steps[-1].text += f" (latest: {latest.scenario_id}, {latest.score}/100)"
    return steps


def render_progress(summary: ProgressSummary):
    """The `progress` command's terminal view: sessions, the sparkline, what recurs, what next."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from conversation_coach.textsafe import clean_for_display

    def safe(text: object) -> str:
        return clean_for_display(str(text), keep_newlines=False)

    items: list = [Text("Your practice", style="bold")]
    if not summary.sessions:
        items.append(Text("No practice sessions recorded yet."))
    else:
        table = Table(show_edge=False)
        for col in ("#", "date", "scenario", "score", "stages", "traps", "what matters"):
            table.add_column(col)
        for i, s in enumerate(summary.sessions, 1):
            traps = Counter(n.trap for n in s.traps)
            found = len(s.what_matters_surfaced)
            total = found + len(s.what_matters_missed)
            table.add_row(
                str(i), safe(s.date[:10]), Text(safe(s.scenario_id or "-")), str(s.score),
                " ".join(map(str, sorted(s.stages_reached))) or "-",
                Text(", ".join(f"{t.replace('_', ' ')}{f' x{c}' if c > 1 else ''}" for t, c in traps.items()) or "-"),
                f"{found}/{total}" if total else "-",
            )
        items.append(table)
        trend = summary.trend
        spark = Text("Score trend: ", style="bold")
        spark.append(sparkline(summary.scores))
        spark.append(f"  first {trend['first']}, latest {trend['latest']}, best {trend['best']}")
        if trend["change"] is not None and len(summary.scores) > 1:
            word = "up" if trend["change"] > 0 else "down" if trend["change"] < 0 else "level"
            spark.append(f" ({word} {abs(trend['change']):g} comparing your first and latest sessions)")
        items.append(spark)
        items.append(Text("Traps that recur most", style="bold"))
        if summary.recurring_traps:
            for t in summary.recurring_traps[:3]:
                items.append(Text(f"  {safe(t.name)}: in {t.sessions} of {len(summary.sessions)} sessions "
                                  f"({t.times} time{'s' if t.times != 1 else ''})"))
        else:
            items.append(Text("  none"))
        items.append(Text("Stages most often missed", style="bold"))
        if summary.stages_missed:
            for stage, n in summary.stages_missed[:3]:
                items.append(Text(f"  stage {stage}, {STAGE_NAMES[stage]}: missed in {n} of "
                                  f"{len(summary.sessions)} sessions"))
        else:
            items.append(Text("  none: every session reached all five stages"))
    items.append(Text("What to practise next", style="bold"))
    for step in summary.next_steps:
        line = Text(f"  - {safe(step.text)}")
        if step.command:
            line.append(f"\n      {safe(step.command)}", style="bold")
        items.append(line)
    return Group(*items)
