"""Everything a supervision record shows, gathered once for the Markdown, HTML and JSON exports.

The assessment is made from the coder's layer; when the supervisor overrode any
verdict, a second assessment with their verdicts is made too, so the record shows
both. Pseudonymising happens here, after assessing, on every string at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from conversation_coach.review import AgreementReport, agreement, has_override
from conversation_coach.rubric.assessment import Assessment
from conversation_coach.rubric.coding import Coding
from conversation_coach.rubric.model import Rubric
from conversation_coach.supervision_questions import supervision_questions
from conversation_coach.transcript.model import Transcript, Turn


@dataclass
class ExportRecord:
    transcript: Transcript  # every worker turn carries its coding
    assessment: Assessment
    reviewed_assessment: Assessment | None  # with the supervisor's verdicts, when there are overrides
    rubric: Rubric
    questions: list[tuple[str, list[str]]]
    agreement: AgreementReport | None  # None when nobody has reviewed it
    pseudonymised: bool = False

    def speaker_label(self, turn: Turn) -> str:
        return speaker_label(self.transcript, turn.speaker)

    @property
    def overridden_turns(self) -> list[int]:
        return [i for i, t in enumerate(self.transcript.turns) if has_override(t.review)]

    @property
    def commented_turns(self) -> list[int]:
        return [i for i, t in enumerate(self.transcript.turns) if t.review and (t.review.comment or has_override(t.review))]


def speaker_label(transcript: Transcript, speaker: str) -> str:
    if speaker == "person":
        return transcript.person_name or "Person"
    return transcript.trainee or transcript.candidate or "Worker"


def ensure_codings(transcript: Transcript, rubric: Rubric) -> Transcript:
    """A copy whose worker turns all carry a coding: the stored one when it came from this rubric."""
    from conversation_coach.rubric.coder import code_turns

    out = transcript.model_copy(deep=True)
    same_rubric = out.rubric_id in (None, rubric.id) and out.rubric_version in (None, rubric.version)
    stored = [t.coding for t in out.turns if t.speaker == "worker"]
    if same_rubric and all(c is not None for c in stored):
        return out
    for turn, coding in zip(out.turns, code_turns(out.turns, rubric), strict=True):
        if turn.speaker == "worker":
            turn.coding = coding
    out.rubric_id, out.rubric_version = rubric.id, rubric.version
    return out


def _codings(transcript: Transcript) -> list[Coding]:
    return [t.coding if t.coding is not None else Coding() for t in transcript.turns]


def build_record(transcript: Transcript, rubric: Rubric, *, pseudonymise: bool = False,
                 extra_names: Iterable[str] = ()) -> ExportRecord:
    from conversation_coach.rubric.score import assess

    coded = ensure_codings(transcript, rubric)
    codings = _codings(coded)
    assessment = assess(coded, rubric, codings=codings)
    reviewed = None
    if any(has_override(t.review) for t in coded.turns):
        reviewed = assess(coded, rubric, codings=codings, use_review=True)
    if pseudonymise:
        from conversation_coach.pseudonymise import Pseudonymiser

        hide = Pseudonymiser(coded, extra_names)
        coded = hide.transcript(coded)
        assessment = hide.model(assessment)
        reviewed = hide.model(reviewed) if reviewed is not None else None
    report = agreement([coded], labels=["this transcript"])
    return ExportRecord(
        transcript=coded,
        assessment=assessment,
        reviewed_assessment=reviewed,
        rubric=rubric,
        questions=supervision_questions(coded.person_name),
        agreement=report if report.files else None,
        pseudonymised=pseudonymise,
    )


def supervisor_added_traps(record: ExportRecord) -> list[tuple[int, str]]:
    """(turn, trap) the supervisor found where the coder did not."""
    out = []
    for index, turn in enumerate(record.transcript.turns):
        if turn.review is None or turn.review.traps is None:
            continue
        coder = {h.trap for h in turn.coding.traps} if turn.coding else set()
        out.extend((index, trap) for trap in turn.review.traps if trap not in coder)
    return out


def override_changes(rubric: Rubric, turn: Turn) -> list[str]:
    """What the supervisor changed on a turn, as plain text: "move: advice → summary"."""
    from conversation_coach.review import coder_verdict, supervisor_verdict

    if turn.review is None:
        return []
    coder, mine = coder_verdict(turn.coding), supervisor_verdict(turn)
    out = []
    if mine.main != coder.main:
        out.append(f"move: {move_name(rubric, coder.main)} → {move_name(rubric, mine.main)}")
    if mine.stage != coder.stage:
        out.append(f"stage: {stage_name(rubric, coder.stage)} → {stage_name(rubric, mine.stage)}")
    if mine.traps != coder.traps:
        def names(traps: tuple[str, ...]) -> str:
            return ", ".join(trap_name(rubric, t) for t in traps) or "no traps"

        out.append(f"traps: {names(coder.traps)} → {names(mine.traps)}")
    return out


def move_name(rubric: Rubric, move: str | None) -> str:
    if not move:
        return "none"
    info = rubric.moves.get(move)
    return info.name if info else move.replace("_", " ")


def stage_name(rubric: Rubric, stage: int | None) -> str:
    if stage is None:
        return "no stage"
    return f"stage {stage} ({rubric.stage(stage).name})"


def trap_name(rubric: Rubric, trap: str) -> str:
    info = rubric.traps.get(trap)
    return info.name if info else trap.replace("_", " ")


def title(record: ExportRecord) -> str:
    t = record.transcript
    what = t.scenario_title or ("Imported conversation" if t.mode == "imported" else "Conversation")
    return f"Supervision record: {what}"


def details(record: ExportRecord) -> list[tuple[str, str]]:
    """The header lines: label, value — only those the transcript knows."""
    t = record.transcript
    rows: list[tuple[str, str]] = []
    if t.person_name:
        rows.append(("Person", t.person_name))
    if t.trainee:
        rows.append(("Worker", t.trainee))
    if t.candidate:
        rows.append(("Candidate", t.candidate))
    if t.scenario_id:
        version = f" (version {t.scenario_version})" if t.scenario_version else ""
        rows.append(("Scenario", f"{t.scenario_id}{version}"))
    rows.append(("Mode", t.mode))
    rows.append(("Imported" if t.mode == "imported" else "Conversation started", t.created))
    rows.append(("Last saved", t.updated))
    rows.append(("Rubric", f"{record.rubric.id} {record.rubric.version}"))
    if t.reviewed_by:
        rows.append(("Reviewed by", t.reviewed_by))
    if record.pseudonymised:
        rows.append(("Names", "pseudonymised"))
    return rows
