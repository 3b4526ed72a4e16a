"""What the coder says about one utterance: moves, main move, stage, traps — each with evidence."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field

from conversation_coach.strict import StrictModel

Move = Literal[
    "open_question",
    "closed_question",
    "simple_reflection",
    "complex_reflection",
    "summary",
    "affirmation",
    "permission",
    "information",
    "advice",
    "other",
]
TrapName = Literal["expert", "power", "problem_solving", "question_answer", "yes_but", "labelling", "confrontational"]
MOVES: tuple[str, ...] = get_args(Move)
TRAPS: tuple[str, ...] = get_args(TrapName)


class RuleHit(StrictModel):
    """One rule that fired, on which words: the trace a supervisor can read."""

    rule: str
    target: str = Field(description="what the rule points at, e.g. 'move:open_question' or 'trap:expert'")
    evidence: str = ""
    start: int = 0
    end: int = 0
    message: str = ""


class TrapHit(StrictModel):
    trap: TrapName
    rule: str
    evidence: str
    start: int = 0
    end: int = 0
    message: str = ""


class Coding(StrictModel):
    """The coder's layer for one worker turn (person turns carry an empty Coding)."""

    main: Move | None = None
    moves: list[Move] = Field(default_factory=list)
    stage: int | None = Field(default=None, ge=1, le=5)
    traps: list[TrapHit] = Field(default_factory=list)
    trace: list[RuleHit] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="e.g. that a very long reply was capped")

    def contract_dict(self) -> dict:
        """The fields of the `code` command's JSON line (DESIGN.md contract)."""
        return {
            "main": self.main,
            "moves": list(self.moves),
            "stage": self.stage,
            "traps": [{"trap": t.trap, "rule": t.rule, "evidence": t.evidence} for t in self.traps],
        }
