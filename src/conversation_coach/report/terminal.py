"""The assessment as a Rich renderable: readable in a minute, in the terminal or `play --plain`.

Order: score and its parts, stages with the best example, traps with the quoted
words, why and a rewrite, the MITI-style metrics against their bands, what
matters and strengths found, then what to try next. User and file text only ever
enters as `rich.text.Text` (never markup), cleaned by textsafe.clean_for_display.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from conversation_coach.rubric.assessment import Assessment, Discovery
from conversation_coach.rubric.model import Rubric
from conversation_coach.textsafe import clean_for_display

BAND_STYLE = {"good": "green", "fair": "yellow", "below fair": "red", "n/a": "dim"}
QUOTE_MAX = 200
EXAMPLE_MAX = 140
METRICS_FOOTNOTE = (
    "Bands from MITI 4.2.1 (summaries count as complex reflections); open questions from "
    "MITI 3.1.1; talk share is this tool's guidance."
)


def _clean(text: str | None, limit: int | None = None) -> str:
    cleaned = clean_for_display(text or "", keep_newlines=False)
    if limit and len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


def _heading(title: str) -> Text:
    return Text(title, style="bold underline")


def _score_section(assessment: Assessment) -> RenderableType:
    score = assessment.score
    style = "bold green" if score >= 75 else "bold yellow" if score >= 50 else "bold red"
    headline = Text.assemble(("Score ", "bold"), (f"{score}", style), ("/100", "bold"))
    parts = Table(box=None, show_header=False, pad_edge=False, expand=False, padding=(0, 2, 0, 0))
    parts.add_column("part", no_wrap=True)
    parts.add_column("points", justify="right", no_wrap=True)
    parts.add_column("detail", overflow="fold")
    for part in assessment.score_parts:
        parts.add_row(
            Text(part.name),
            Text(f"{part.points:g}/{part.max_points:g}"),
            Text(_clean(part.detail), style="dim"),
        )
    return Group(headline, parts)


def _replies(n: int) -> str:
    return f"{n} reply" if n == 1 else f"{n} replies"


def _order(sequence: list[int], limit: int = 24) -> str:
    """The stages in the order the replies went, repeats run together: "1 2 3 2 5"."""
    runs = [stage for i, stage in enumerate(sequence) if i == 0 or sequence[i - 1] != stage]
    shown = " ".join(map(str, runs[:limit]))
    return shown + (" …" if len(runs) > limit else "")


def _stages_section(assessment: Assessment) -> RenderableType:
    """One entry per stage: a mark, the stage, how often, and the best example on the line below."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for cover in assessment.stages:
        if cover.reached:
            mark, note = Text("✓", style="green"), Text(f"  {_replies(cover.count)}", style="dim")
        elif cover.stage == 4:  # "if appropriate" in the seed: neither required nor rewarded
            mark, note = Text("–", style="dim"), Text("  not used", style="dim")
        else:
            mark, note = Text("✗", style="red"), Text("  missed", style="red")
        body = Text(f"{cover.stage} {_clean(cover.name)}", style="bold" if cover.reached else "")
        body.append_text(note)
        if cover.example:
            body.append("\n")
            body.append(f"“{_clean(cover.example, EXAMPLE_MAX)}”", style="italic")
            if cover.example_turn is not None:
                body.append(f" (turn {cover.example_turn + 1})", style="dim")
        grid.add_row(mark, body)
    flow = assessment.stage_flow
    flow_line = Text("Flow: ", style="bold")
    flow_line.append("opened with stage 1" if flow.opened_with_stage_1 else "did not open with stage 1",
                     style="green" if flow.opened_with_stage_1 else "red")
    flow_line.append("; ")
    flow_line.append("closed with a stage 5 summary" if flow.closed_with_stage_5 else "no closing summary (stage 5)",
                     style="green" if flow.closed_with_stage_5 else "red")
    lines: list[RenderableType] = [_heading("Stages"), grid, flow_line]
    if flow.sequence:
        lines.append(Text(f"Order of stages: {_order(flow.sequence)}", style="dim"))
    return Group(*lines)


def _traps_section(assessment: Assessment, rubric: Rubric) -> RenderableType:
    """Each trap with the words that fell into it; why it matters and what to try are given the first
    time a kind of trap appears, and pointed back to after that."""
    if not assessment.traps:
        return Group(_heading("Traps"), Text("No traps fallen into.", style="green"))
    lines: list[RenderableType] = [_heading(f"Traps ({len(assessment.traps)})")]
    explained: dict[str, int] = {}
    for finding in assessment.traps:
        name = finding.name or (rubric.traps[finding.trap].name if finding.trap in rubric.traps else finding.trap)
        turn = finding.turn + 1  # counted from 1, as in the exported records
        head = Text.assemble((_clean(name), "bold red"))
        if finding.meaning:
            head.append(f" – {_clean(finding.meaning)}", style="dim")
        head.append(f"  (turn {turn})", style="dim")
        lines.append(head)
        body = Text()
        if finding.evidence:
            body.append("You said: ", style="bold")
            body.append(f"“{_clean(finding.evidence, QUOTE_MAX)}”", style="italic")
            body.append("\n")
        if finding.trap in explained:
            body.append(f"Why it matters and what to try: as at turn {explained[finding.trap]}.", style="dim")
        else:
            explained[finding.trap] = turn
            if finding.why:
                body.append("Why it matters: ", style="bold")
                body.append(_clean(finding.why))
                body.append("\n")
            if finding.rewrite:
                body.append("Try instead: ", style="bold green")
                body.append(_clean(finding.rewrite))
        body.rstrip()
        lines.append(Padding(body, (0, 0, 0, 2)))
    return Group(*lines)


def _threshold(text: str) -> str:
    """'60% or less' -> '≤60%', to keep the column narrow."""
    text = _clean(text)
    return "≤" + text.removesuffix(" or less") if text.endswith(" or less") else text


def _metrics_section(assessment: Assessment) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
    table.add_column("Listening habit", no_wrap=True)
    table.add_column("Yours", overflow="fold", min_width=20)
    table.add_column("Band", no_wrap=True)
    table.add_column("Fair/good", no_wrap=True)
    for metric in assessment.metrics.values():
        table.add_row(
            Text(_clean(metric.name)),
            Text(_clean(metric.display)),
            Text(metric.band, style=BAND_STYLE.get(metric.band, "")),
            Text(f"{_threshold(metric.fair)}/{_threshold(metric.good)}" if metric.fair or metric.good else ""),
        )
    return Group(_heading("Listening (MITI-style)"), table, Text(METRICS_FOOTNOTE, style="dim"))


def _discovery_lines(title: str, discovery: Discovery) -> RenderableType:
    found, missed = discovery.surfaced, discovery.missed
    head = Text(f"{title}: ", style="bold")
    head.append(f"{len(found)} of {len(found) + len(missed)} found")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for ident in found:
        grid.add_row(Text("  ✓", style="green"), Text(_clean(discovery.labels.get(ident, ident))))
    for ident in missed:
        grid.add_row(Text("  ✗", style="red"), Text(_clean(discovery.labels.get(ident, ident)), style="dim"))
    return Group(head, grid)


def _discovery_section(assessment: Assessment) -> RenderableType | None:
    blocks: list[RenderableType] = []
    if assessment.what_matters is not None:
        blocks.append(_discovery_lines("What matters", assessment.what_matters))
    if assessment.strengths is not None:
        blocks.append(_discovery_lines("Strengths", assessment.strengths))
    if assessment.trust is not None:
        trust = Text("Trust: ", style="bold")
        trust.append(f"{assessment.trust.start:g} → {assessment.trust.end:g} out of 10")
        if assessment.ended_by:
            trust.append(f"   (visit ended by: {_clean(assessment.ended_by).replace('_', ' ')})", style="dim")
        blocks.append(trust)
    if not blocks:
        return None
    return Group(_heading("What you found out"), *blocks)


def _suggestions_section(assessment: Assessment) -> RenderableType:
    if not assessment.suggestions:
        return Group(_heading("Try next time"), Text("Keep doing what you did: no gaps to aim at.", style="green"))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for n, suggestion in enumerate(assessment.suggestions, 1):
        body = Text(f"“{_clean(suggestion.question)}”")
        why = _clean(suggestion.why)
        if suggestion.stage and f"stage {suggestion.stage}" not in why.lower():
            why = f"Stage {suggestion.stage}: {why[:1].lower()}{why[1:]}" if why else f"Stage {suggestion.stage}."
        if why:
            body.append(f"\n{why}", style="dim")
        grid.add_row(Text(f"{n}.", style="bold"), body)
    return Group(_heading("Try next time"), grid)


def render_assessment(assessment: Assessment, rubric: Rubric) -> RenderableType:
    """The whole assessment as one Rich renderable (print it with a Console)."""
    sections: list[RenderableType | None] = [
        _score_section(assessment),
        _stages_section(assessment),
        _traps_section(assessment, rubric),
        _metrics_section(assessment),
        _discovery_section(assessment),
        _suggestions_section(assessment),
    ]
    out: list[RenderableType] = []
    for section in sections:
        if section is None:
            continue
        if out:
            out.append(Text(""))
        out.append(section)
    return Group(*out)
