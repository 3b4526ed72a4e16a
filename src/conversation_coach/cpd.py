"""A CPD record of practice, in Markdown, for a registered worker's CPD log.

What a worker can show: the sessions they practised (when, which scenario, how it
went), what they learned from the assessments (stages reached and missed, the
traps they fell into in their own words, with what to say instead), and
reflection prompts from the seed's "Questions for supervision" to write up.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from conversation_coach.progress_report import STAGE_NAMES, ProgressSummary, sparkline, summarise
from conversation_coach.store import SessionRecord

# The supervision questions most useful for reflecting on one's own practice, in this order.
REFLECTION_HEADINGS = ("Focusing on the supervisee's practice", "Communication and engagement",
                       "Outcomes and aspirations")


def _esc(text: object) -> str:
    from conversation_coach.report.markdown import esc

    return esc(text)


def _minutes(sessions: list[SessionRecord]) -> int | None:
    known = [s.duration_seconds for s in sessions if s.duration_seconds is not None]
    return round(sum(known) / 60) if known else None


def render_cpd(sessions: list[SessionRecord], *, since: datetime | None = None, trainee: str | None = None,
               app_version: str = "", now: datetime | None = None) -> str:
    summary: ProgressSummary = summarise(sessions)
    now = now or datetime.now(UTC)
    out: list[str] = ["# CPD record: practising \u201cwhat matters\u201d conversations", ""]
    period = f"since {since.date().isoformat()}" if since else "all recorded practice"
    out.append(f"- Period: {period}, to {now.date().isoformat()}")
    if trainee:
        out.append(f"- Practitioner: {_esc(trainee)}")
    out.append(f"- Tool: conversation-coach {_esc(app_version)}, scored against the outcomes approach's five "
               "conversation stages and seven conversational traps (Social Care Wales)")
    out.append(f"- Practice sessions: {len(sessions)}")
    minutes = _minutes(sessions)
    if minutes is not None:
        spent = f"about {minutes} minute{'s' if minutes != 1 else ''}" if minutes >= 1 else "under a minute"
        out.append(f"- Time spent in conversation: {spent}")
    if sessions:
        scenarios = sorted({s.scenario_title or s.scenario_id or "?" for s in sessions})
        out.append(f"- Scenarios: {', '.join(_esc(x) for x in scenarios)}")
        trend = summary.trend
        out.append(f"- Score (0-100, advice from the tool): first {trend['first']}, latest {trend['latest']}, "
                   f"best {trend['best']}; trend {sparkline(summary.scores)}")
    out.append("")

    out += ["## Sessions", ""]
    if not sessions:
        out += ["No practice sessions in this period.", ""]
    else:
        out += ["| Date | Scenario | Score | Stages reached | Traps | What matters found |",
                "| --- | --- | --- | --- | --- | --- |"]
        for s in sessions:
            traps = Counter(n.trap.replace("_", " ") for n in s.traps)
            trap_text = ", ".join(f"{t} x{c}" if c > 1 else t for t, c in sorted(traps.items())) or "none"
            found, total = len(s.what_matters_surfaced), len(s.what_matters_surfaced) + len(s.what_matters_missed)
            out.append(f"| {_esc(s.date[:10])} | {_esc(s.scenario_title or s.scenario_id or '?')} | {s.score} | "
                       f"{' '.join(map(str, sorted(s.stages_reached))) or 'none'} | {_esc(trap_text)} | "
                       f"{f'{found} of {total}' if total else 'n/a'} |")
        out.append("")

    out += ["## What I learned", ""]
    if sessions:
        out += _stages_learned(sessions) + _traps_learned(summary) + _next_learned(summary)
    else:
        out += ["Nothing recorded yet.", ""]

    out += _reflection(sessions)
    return "\n".join(out).rstrip() + "\n"


def _stages_learned(sessions: list[SessionRecord]) -> list[str]:
    out = ["### The five stages", ""]
    total = len(sessions)
    for stage in range(1, 6):
        reached = sum(1 for s in sessions if stage in s.stages_reached)
        name = STAGE_NAMES[stage] + (" (if appropriate)" if stage == 4 else "")
        out.append(f"- Stage {stage}, {name}: {'used' if stage == 4 else 'reached'} in {reached} of {total} "
                   f"session{'s' if total != 1 else ''}")
    out.append("")
    return out


def _traps_learned(summary: ProgressSummary) -> list[str]:
    out = ["### Conversational traps, in my own words, and what to say instead", ""]
    if not summary.recurring_traps:
        return out + ["No traps were coded in these sessions.", ""]
    for trap in summary.recurring_traps:
        out.append(f"- **{_esc(trap.name)}** \u2014 in {trap.sessions} session{'s' if trap.sessions != 1 else ''}, "
                   f"{trap.times} time{'s' if trap.times != 1 else ''}.")
        if trap.example:
            out.append(f"  - What I said: \u201c{_esc(trap.example)}\u201d")
        if trap.rewrite:
            out.append(f"  - Instead: {_esc(trap.rewrite)}")
    out.append("")
    return out


def _next_learned(summary: ProgressSummary) -> list[str]:
    out = ["### What I will practise next", ""]
    for step in summary.next_steps:
        line = f"- {_esc(step.text)}"
        if step.command:
            line += f" (`{step.command}`)"
        out.append(line)
    out.append("")
    return out


def _reflection(sessions: list[SessionRecord]) -> list[str]:
    from conversation_coach.supervision_questions import supervision_questions

    person = next((s.person_name for s in reversed(sessions) if s.person_name), None)
    out = ["## Reflection", "",
           "Prompts from the outcomes approach's questions for supervision"
           + (f", about {_esc(person)} (the person in my latest session)" if person else "")
           + ". Write a few lines under each; bring them to supervision.", ""]
    by_heading = dict(supervision_questions(person))
    for heading in REFLECTION_HEADINGS:
        questions = by_heading.get(heading)
        if not questions:
            continue
        out += [f"### {_esc(heading)}", ""]
        for q in questions:
            out += [f"- {_esc(q)}", "", "  _My reflection:_ ", ""]
    return out
