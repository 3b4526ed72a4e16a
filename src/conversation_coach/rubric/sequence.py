"""Conversation-level rules: the question-and-answer trap across turns, and the stage flow.

The question-and-answer trap ("I ask the questions, you answer") is a run of worker
questions, mostly closed, with no reflection, summary or affirmation between them. It is
reported once, on the worker turn that completes the run. (Three or more questions fired
in a single turn are caught by the coder itself, as rule `question_answer.rapid-fire`.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from conversation_coach.rubric.coding import Coding, RuleHit, TrapHit
from conversation_coach.rubric.model import Rubric
from conversation_coach.transcript.model import Turn

RUN_LENGTH = 3  # questions in a row (each answered) before it is a trap
CLOSED_SHARE = 0.5  # at least this share of the run is closed questions
_QUESTIONS = {"open_question", "closed_question"}
_LISTENING = {"simple_reflection", "complex_reflection", "summary", "affirmation"}


def _run_rule(rubric: Rubric):
    for rule in rubric.rules:
        if rule.kind == "structural" and rule.check == "question_run":
            return rule
    return None


def apply_sequence_traps(turns: Sequence[Turn], codings: list[Coding], rubric: Rubric) -> None:
    """Add the question-and-answer trap to the worker turn that completes a run (in place)."""
    rule = _run_rule(rubric)
    if rule is None:
        return
    run: list[int] = []
    reported = False
    for i, (turn, coding) in enumerate(zip(turns, codings, strict=True)):
        if turn.speaker != "worker":
            continue
        moves = set(coding.moves)
        asks = coding.main in _QUESTIONS or (moves & _QUESTIONS and not moves & _LISTENING)
        if not asks or moves & _LISTENING:
            run, reported = [], False
            continue
        run.append(i)
        if reported or len(run) < RUN_LENGTH:
            continue
        closed = sum(1 for j in run if codings[j].main == "closed_question" or
                     (codings[j].main != "open_question" and "closed_question" in codings[j].moves))
        if closed / len(run) < CLOSED_SHARE:
            continue
        reported = True
        if any(t.trap == "question_answer" for t in coding.traps):
            continue
        evidence = " / ".join(turns[j].text.strip()[:60] for j in run[-RUN_LENGTH:])
        coding.traps.append(TrapHit(trap="question_answer", rule=rule.id, evidence=evidence, message=rule.message))
        coding.trace.append(RuleHit(rule=rule.id, target=rule.target, evidence=evidence, message=rule.message))
        coding.stage = None


@dataclass
class StageFlow:
    """Did the conversation open with an engaging question and close with a summary and actions?"""

    opened_with_stage_1: bool
    closed_with_stage_5: bool
    first_stage: int | None
    last_stage: int | None
    order: list[int] = field(default_factory=list)  # stages in the order first reached


def stage_flow(codings: Sequence[Coding], *, opening_window: int = 2, closing_window: int = 2) -> StageFlow:
    """Stage flow over the worker turns' codings (person turns, with no main move, are skipped).

    "Opened with stage 1" allows a greeting first: a stage-1 move in the first
    `opening_window` worker turns. "Closed with stage 5" looks at the last `closing_window`.
    """
    worker = [c for c in codings if c.main is not None]
    staged = [c.stage for c in worker if c.stage is not None]
    order: list[int] = []
    for stage in staged:
        if stage not in order:
            order.append(stage)
    return StageFlow(
        opened_with_stage_1=any(c.stage == 1 for c in worker[:opening_window]),
        closed_with_stage_5=any(c.stage == 5 for c in worker[-closing_window:]) if worker else False,
        first_stage=staged[0] if staged else None,
        last_stage=staged[-1] if staged else None,
        order=order,
    )
