"""The recruitment panel's comparison: candidates who played the same scenario, side by side.

Built from the assessment records in the progress store. Scores are advice: every
form of the report (terminal, JSON, CSV) carries a "reviewed by" field and says
that a person decides. Candidates are ordered by score (highest first), then id.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from conversation_coach.store import AssessmentRecord, Store
from conversation_coach.textsafe import clean_for_display
from conversation_coach.values import VALUES, ValueEvidence, evidence_from_json

NOTICE = (
    "These scores are advice to the panel, not a decision. A person decides: read the evidence "
    "(the candidate's own words), weigh it with the rest of the process, and sign the review."
)
STAGE_NAMES = {1: "open engaging question", 2: "active listening", 3: "open exploratory question",
               4: "information exchange", 5: "summary and actions"}


@dataclass
class CandidateReport:
    record: AssessmentRecord
    attempts: int
    values: list[ValueEvidence] = field(default_factory=list)

    @property
    def candidate(self) -> str:
        return self.record.candidate

    def as_json(self) -> dict:
        r = self.record
        return {
            "candidate": r.candidate,
            "score": r.score,
            "parts": r.parts,
            "stages_reached": r.stages_reached,
            "stages_missed": r.stages_missed,
            "traps": [{"trap": t.trap, "evidence": t.evidence, "turn": t.turn} for t in r.traps],
            "what_matters": {"surfaced": r.what_matters_surfaced, "missed": r.what_matters_missed,
                             "labels": r.what_matters_labels},
            "values": [v.as_json() for v in self.values],
            "trust": r.trust,
            "ended_by": r.ended_by,
            "date": r.date,
            "attempts": self.attempts,
            "scenario_id": r.scenario_id,
            "scenario_version": r.scenario_version,
            "rubric_id": r.rubric_id,
            "rubric_version": r.rubric_version,
            "app_version": r.app_version,
            "transcript": r.transcript_path,
        }


@dataclass
class PanelReport:
    scenario_id: str
    candidates: list[CandidateReport]
    reviewed_by: str = ""

    @property
    def scored_alike(self) -> bool:
        """Every candidate met the same scenario version and was scored by the same rubric version."""
        keys = {(c.record.scenario_version, c.record.rubric_id, c.record.rubric_version) for c in self.candidates}
        return len(keys) <= 1

    def as_json(self) -> dict:
        return {
            "scenario": self.scenario_id,
            "reviewed_by": self.reviewed_by,
            "notice": NOTICE,
            "scored_alike": self.scored_alike,
            "candidates": [c.as_json() for c in self.candidates],
        }


def build_panel(scenario_id: str, *, store: Store | None = None, reviewed_by: str = "") -> PanelReport:
    """Each candidate's latest assessment on `scenario_id`, ordered by score descending, then id."""
    store = store or Store()
    latest: dict[str, AssessmentRecord] = {}
    attempts: dict[str, int] = {}
    for record in store.assessments(scenario_id=scenario_id):  # oldest first: later ones win
        latest[record.candidate] = record
        attempts[record.candidate] = attempts.get(record.candidate, 0) + 1
    reports = [CandidateReport(record=r, attempts=attempts[c], values=_values(r)) for c, r in latest.items()]
    reports.sort(key=lambda c: (-c.record.score, c.candidate))
    return PanelReport(scenario_id=scenario_id, candidates=reports, reviewed_by=reviewed_by)


def _values(record: AssessmentRecord) -> list[ValueEvidence]:
    stored = evidence_from_json(record.values_evidence)
    if stored:
        return stored
    return [ValueEvidence(value=v.id, name=v.name, code_text=v.code_text) for v in VALUES]


def trap_summary(record: AssessmentRecord) -> str:
    counts: dict[str, int] = {}
    for t in record.traps:
        counts[t.trap] = counts.get(t.trap, 0) + 1
    if not counts:
        return "none"
    return ", ".join(f"{name.replace('_', ' ')} x{n}" if n > 1 else name.replace("_", " ")
                     for name, n in sorted(counts.items()))


ENDED_BY = {"trainee": "the candidate", "person": "the person (they closed the visit)",
            "max_turns": "the turn limit", "time_limit": "the time limit"}


def _trust_text(record: AssessmentRecord) -> str:
    trust = record.trust or {}
    try:
        return f"{float(trust['start']):g} \u2192 {float(trust['end']):g}"
    except (KeyError, TypeError, ValueError):
        return "n/a"


def _safe(text: str) -> str:
    return clean_for_display(str(text), keep_newlines=False)


def _label(record: AssessmentRecord, item: str) -> str:
    return clean_for_display(record.what_matters_labels.get(item, item), keep_newlines=False)


def what_matters_summary(record: AssessmentRecord) -> str:
    total = len(record.what_matters_surfaced) + len(record.what_matters_missed)
    if total == 0:
        return "n/a"
    found = "; ".join(_label(record, i) for i in record.what_matters_surfaced)
    return f"{len(record.what_matters_surfaced)} of {total}" + (f": {found}" if found else "")


# --------------------------------------------------------------------------- CSV


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = clean_for_display("" if value is None else str(value), keep_newlines=False)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def panel_csv(report: PanelReport) -> str:
    part_names: list[str] = []
    for c in report.candidates:
        for part in c.record.parts:
            if part.get("name") not in part_names:
                part_names.append(part.get("name"))
    header = ["candidate", "score", *[f"part: {n}" for n in part_names], "stages reached", "stages missed",
              "traps", "what matters surfaced", *[f"{v.name}: shown" for v in VALUES],
              *[f"{v.name}: against" for v in VALUES], "openness start -> end", "visit ended by", "scenario version", "rubric", "app version", "date",
              "attempts", "reviewed by", "note"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for c in report.candidates:
        r = c.record
        points = {p.get("name"): f"{p.get('points', 0):g}/{p.get('max_points', 0):g}" for p in r.parts}
        by_value = {v.value: v for v in c.values}
        writer.writerow([_cell(x) for x in [
            r.candidate, r.score, *[points.get(n, "") for n in part_names],
            " ".join(map(str, r.stages_reached)), " ".join(map(str, r.stages_missed)), trap_summary(r),
            what_matters_summary(r),
            *[len(by_value[v.id].shown) if v.id in by_value else 0 for v in VALUES],
            *[len(by_value[v.id].against) if v.id in by_value else 0 for v in VALUES],
            _trust_text(r).replace("\u2192", "->"), ENDED_BY.get(r.ended_by or "", r.ended_by or ""),
            r.scenario_version or "", f"{r.rubric_id or ''} {r.rubric_version or ''}".strip(), r.app_version or "",
            r.date, c.attempts, report.reviewed_by, "advice to the panel; a person decides",
        ]])
    return out.getvalue()


# --------------------------------------------------------------------------- terminal


def render_panel(report: PanelReport, *, quotes_per_value: int = 3):
    """A rich renderable: the notice, the side-by-side table, then each candidate's quoted evidence."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    items: list = []
    title = Text("Panel comparison: ", style="bold")
    title.append(clean_for_display(report.scenario_id, keep_newlines=False))
    items.append(title)
    items.append(Text(NOTICE, style="italic"))
    reviewed = Text("Reviewed by: ", style="bold")
    reviewed.append(clean_for_display(report.reviewed_by, keep_newlines=False) or "________________________")
    items.append(reviewed)
    if not report.scored_alike:
        items.append(Text("Warning: these candidates did not all meet the same scenario version or were not all "
                          "scored with the same rubric version; compare with care.", style="bold"))
    items.append(Text(""))

    table = Table(show_lines=True, title_justify="left")
    table.add_column("")
    for c in report.candidates:
        table.add_column(Text(clean_for_display(c.candidate, keep_newlines=False)), overflow="fold")

    def row(label: str, cells: list) -> None:
        table.add_row(Text(label, style="bold"), *[Text(str(x)) for x in cells])

    row("Score (advice)", [f"{c.record.score}/100" for c in report.candidates])
    part_names: list[str] = []
    for c in report.candidates:
        for part in c.record.parts:
            if part.get("name") not in part_names:
                part_names.append(part.get("name"))
    for name in part_names:
        cells = []
        for c in report.candidates:
            match = next((p for p in c.record.parts if p.get("name") == name), None)
            cells.append(f"{match.get('points', 0):g} / {match.get('max_points', 0):g}" if match else "")
        row(f"  {clean_for_display(str(name), keep_newlines=False)}", cells)
    row("Stages reached", [", ".join(map(str, c.record.stages_reached)) or "none" for c in report.candidates])
    row("Stages missed", [", ".join(f"{s} {STAGE_NAMES[s]}" for s in c.record.stages_missed) or "none"
                          for c in report.candidates])
    row("Traps", [trap_summary(c.record) for c in report.candidates])
    row("What matters surfaced", [what_matters_summary(c.record) for c in report.candidates])
    for value in VALUES:
        cells = []
        for c in report.candidates:
            ev = next((v for v in c.values if v.value == value.id), None)
            cells.append(f"{len(ev.shown)} shown, {len(ev.against)} against" if ev else "no record")
        row(value.name, cells)
    row("Openness (trust), start \u2192 end", [_trust_text(c.record) for c in report.candidates])
    row("Visit ended by", [ENDED_BY.get(c.record.ended_by or "", c.record.ended_by or "?")
                           for c in report.candidates])
    row("Scored with", [f"scenario v{c.record.scenario_version or '?'}; {c.record.rubric_id or '?'} "
                        f"v{c.record.rubric_version or '?'}; app {c.record.app_version or '?'}"
                        for c in report.candidates])
    row("Attempts", [f"{c.attempts} (latest shown)" if c.attempts > 1 else "1" for c in report.candidates])
    items.append(table)

    for c in report.candidates:
        items.append(Text(""))
        head = Text("Evidence of values: ", style="bold underline")
        head.append(clean_for_display(c.candidate, keep_newlines=False))
        items.append(head)
        if c.record.transcript_path:
            items.append(Text(f"Transcript (for `conversation-coach export`): {_safe(c.record.transcript_path)}",
                              style="dim"))
        for ev in c.values:
            line = Text(f"{ev.name}", style="bold")
            line.append(f" (Code: \u201c{ev.code_text}\u201d)", style="dim")
            items.append(line)
            if not ev.shown and not ev.against:
                items.append(Text("    no coded evidence either way"))
            for e in ev.shown[:quotes_per_value]:
                items.append(Text(f"    + turn {e.turn + 1} ({_safe(e.behaviour)}): \u201c{_safe(e.words)}\u201d"))
            if len(ev.shown) > quotes_per_value:
                items.append(Text(f"    + and {len(ev.shown) - quotes_per_value} more"))
            for e in ev.against:
                items.append(Text(f"    - turn {e.turn + 1} ({_safe(e.behaviour)}): \u201c{_safe(e.words)}\u201d"))
    items.append(Text(""))
    items.append(Text("Decision (by the panel): ________________________    Signed: ____________    "
                      "Date: __________"))
    return Group(*items)
