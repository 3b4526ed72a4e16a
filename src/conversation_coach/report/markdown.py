"""The supervision record as Markdown: for a supervision file or a CPD log.

Every piece of user text is escaped, so a reply like `<script>` or `**` shows as
typed in any Markdown viewer and cannot turn into HTML or formatting.
"""

from __future__ import annotations

import re

from conversation_coach.report.record import (
    ExportRecord,
    details,
    move_name,
    override_changes,
    stage_name,
    supervisor_added_traps,
    title,
    trap_name,
)
from conversation_coach.review import format_kappa, format_percent
from conversation_coach.rubric.assessment import Assessment
from conversation_coach.textsafe import clean_for_display

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_BLOCK_START = re.compile(r"^(?:(?P<mark>[#>+=-])|(?P<num>\d+)(?P<dot>[.)]))")


def esc(text: object) -> str:
    """Markdown-escaped, control characters removed, on one line (for use inside a line)."""
    flat = " ".join(clean_for_display(str(text), keep_newlines=False).split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


def _escape_block_start(line: str) -> str:
    """'# x', '- x', '1. x' at the start of a line would become a heading or a list."""
    match = _BLOCK_START.match(line)
    if not match:
        return line
    if match["mark"]:
        return "\\" + line
    return f"{match['num']}\\{match['dot']}{line[match.end():]}"


def code(text: str) -> str:
    """An inline code span (rule ids): backticks cannot occur inside."""
    return "`" + clean_for_display(text, keep_newlines=False).replace("`", "'") + "`"


def quote(text: str) -> str:
    """A block quote of user text, line by line."""
    lines = clean_for_display(text).splitlines() or [""]
    return "\n".join(f"> {_escape_block_start(esc(line))}" if line.strip() else ">" for line in lines)


def render_markdown(record: ExportRecord) -> str:
    out: list[str] = [f"# {esc(title(record))}", ""]
    out += [f"- **{label}:** {esc(value)}" for label, value in details(record)]
    out.append("")
    out += _summary(record)
    out += _traps(record)
    out += _review(record)
    out += _transcript(record)
    out += _suggestions(record.assessment)
    out += _questions(record)
    return "\n".join(out).rstrip() + "\n"


def _summary(record: ExportRecord) -> list[str]:
    a = record.assessment
    out = ["## Summary", "", f"**Score: {a.score}/100** (the coder's verdicts)"]
    if record.reviewed_assessment is not None:
        out += ["", f"With the supervisor's verdicts: **{record.reviewed_assessment.score}/100**"]
    out += ["", "| Part | Points | How it was earned |", "| --- | ---: | --- |"]
    out += [f"| {esc(p.name)} | {p.points:g} / {p.max_points:g} | {esc(p.detail)} |" for p in a.score_parts]
    out += ["", "### Stages", "", "| Stage | Reached | Replies | Best example |", "| --- | --- | ---: | --- |"]
    for s in a.stages:
        example = f"{esc(s.example)} (turn {s.example_turn + 1})" if s.example and s.example_turn is not None else ""
        out.append(f"| {s.stage}. {esc(s.name)} | {'yes' if s.reached else 'no'} | {s.count} | {example} |")
    flow = a.stage_flow
    sequence = " → ".join(str(n) for n in flow.sequence) or "none"
    out += ["", f"Opened with stage 1: {'yes' if flow.opened_with_stage_1 else 'no'}. "
            f"Closed with stage 5: {'yes' if flow.closed_with_stage_5 else 'no'}. Stages in order: {sequence}.", ""]
    if a.metrics:
        out += ["### Listening and questions", "", "| Measure | Value | Band | Fair | Good |",
                "| --- | --- | --- | --- | --- |"]
        out += [f"| {esc(m.name)} | {esc(m.display)} | {m.band} | {esc(m.fair)} | {esc(m.good)} |"
                for m in a.metrics.values()]
        out.append("")
    for label, found in (("What matters", a.what_matters), ("Strengths", a.strengths)):
        if found is None:
            continue
        surfaced = ", ".join(esc(found.labels.get(i, i)) for i in found.surfaced) or "none"
        missed = ", ".join(esc(found.labels.get(i, i)) for i in found.missed) or "none"
        out += [f"**{label} found:** {surfaced}. **Missed:** {missed}.", ""]
    if a.trust is not None:
        out += [f"Trust went from {a.trust.start:g} to {a.trust.end:g}.", ""]
    return out


def _traps(record: ExportRecord) -> list[str]:
    a = record.assessment
    out = ["## Traps", ""]
    if not a.traps:
        out += ["The coder found no traps.", ""]
    for n, finding in enumerate(a.traps, 1):
        meaning = f" — “{esc(finding.meaning)}”" if finding.meaning else ""
        out += [f"### {n}. {esc(finding.name or finding.trap)}{meaning} (turn {finding.turn + 1})", ""]
        if finding.evidence:
            out += [quote(finding.evidence), ""]
        if finding.why:
            out += [f"**Why it matters:** {esc(finding.why)}", ""]
        if finding.rewrite:
            out += [f"**Try instead:** {esc(finding.rewrite)}", ""]
        out.append(f"Rule: {code(finding.rule)}")
        turn = record.transcript.turns[finding.turn] if finding.turn < len(record.transcript.turns) else None
        review = turn.review if turn else None
        if review is not None and review.traps is not None and finding.trap not in review.traps:
            out.append("")
            out.append("**The supervisor disagrees:** not this trap.")
        out.append("")
    for index, trap in supervisor_added_traps(record):
        info = record.rubric.traps.get(trap)
        meaning = f" — “{esc(info.meaning)}”" if info and info.meaning else ""
        out += [f"### {esc(trap_name(record.rubric, trap))}{meaning} (turn {index + 1}, added by the supervisor)", ""]
        out += [quote(record.transcript.turns[index].text), ""]
        if info:
            out += [f"**Why it matters:** {esc(info.why)}", "", f"**Try instead:** {esc(info.rewrite)}", ""]
    return out


def _review(record: ExportRecord) -> list[str]:
    out = ["## Supervisor's review", ""]
    report = record.agreement
    if report is None:
        return out + ["Not reviewed yet.", ""]
    overridden = record.overridden_turns
    out.append(f"The supervisor changed the coder's verdict on {len(overridden)} of {report.turns} coded replies.")
    out.append("")
    out += ["| Agreement with the coder | Percent | Cohen's kappa |", "| --- | ---: | ---: |"]
    for item in (report.overall_move, report.overall_stage, report.overall_traps):
        out.append(f"| {esc(item.label)} | {format_percent(item.percent)} | {format_kappa(item.kappa)} |")
    for trap, item in report.per_trap.items():
        if item.coder_count or item.supervisor_count:
            out.append(f"| trap: {esc(trap_name(record.rubric, trap))} | {format_percent(item.percent)} | "
                       f"{format_kappa(item.kappa)} |")
    out.append("")
    if any(i.kappa is None for i in report.per_trap.values()):
        out += ["Traps neither side saw anywhere are left out; kappa is n/a where neither side varied.", ""]
    return out


def _verdict_line(record: ExportRecord, index: int) -> list[str]:
    turn = record.transcript.turns[index]
    coding = turn.coding
    rubric = record.rubric
    lines: list[str] = []
    if coding is not None:
        traps = "; ".join(
            f"{esc(trap_name(rubric, h.trap))} on “{esc(h.evidence)}”" if h.evidence else esc(trap_name(rubric, h.trap))
            for h in coding.traps) or "no traps"
        lines.append(f"    - Coder: {esc(move_name(rubric, coding.main))} · {esc(stage_name(rubric, coding.stage))} · {traps}")
    review = turn.review
    if review is not None:
        changes = override_changes(rubric, turn)
        verdict = "; ".join(esc(c) for c in changes) if changes else "agrees with the coder"
        who = f" ({esc(review.reviewer)})" if review.reviewer else ""
        lines.append(f"    - Supervisor{who}: {verdict}")
        if review.comment:
            lines.append(f"    - Comment: {esc(review.comment)}")
    return lines


def _transcript(record: ExportRecord) -> list[str]:
    out = ["## Transcript", ""]
    for i, turn in enumerate(record.transcript.turns):
        out.append(f"{i + 1}. **{esc(record.speaker_label(turn))}:** {esc(turn.text)}")
        if turn.speaker == "worker":
            out += _verdict_line(record, i)
    out.append("")
    return out


def _suggestions(assessment: Assessment) -> list[str]:
    if not assessment.suggestions:
        return []
    out = ["## To try next time", ""]
    for s in assessment.suggestions:
        stage = f"(stage {s.stage}) " if s.stage else ""
        why = f" — {esc(s.why)}" if s.why else ""
        out.append(f"- {stage}{esc(s.question)}{why}")
    return out + [""]


def _questions(record: ExportRecord) -> list[str]:
    out = ["## Questions for supervision", ""]
    for heading, questions in record.questions:
        out += [f"### {esc(heading)}", ""]
        out += [f"- {esc(q)}" for q in questions]
        out.append("")
    return out
