"""The Assessment: what the scorer makes of a whole conversation (DESIGN.md "The Assessment")."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from conversation_coach.strict import StrictModel

ASSESSMENT_SCHEMA_VERSION = 1
Band = Literal["below fair", "fair", "good", "n/a"]


class StageCoverage(StrictModel):
    stage: int = Field(ge=1, le=5)
    name: str
    reached: bool
    count: int = 0
    example: str | None = None
    example_turn: int | None = None


class StageFlow(StrictModel):
    opened_with_stage_1: bool
    closed_with_stage_5: bool
    sequence: list[int] = Field(default_factory=list, description="stages of worker turns, in order")


class TrapFinding(StrictModel):
    trap: str
    name: str = ""
    turn: int
    evidence: str
    rule: str
    meaning: str = ""
    why: str = ""
    rewrite: str = ""


class Metric(StrictModel):
    name: str
    value: float | None
    display: str
    band: Band = "n/a"
    fair: str = ""
    good: str = ""
    note: str = Field(default="", description="what is counted and whose thresholds the bands are")


class ScorePart(StrictModel):
    name: str
    points: float
    max_points: float
    detail: str = ""


class Suggestion(StrictModel):
    stage: int | None
    question: str
    why: str = ""


class Discovery(StrictModel):
    """What matters or strengths: ids surfaced and missed, with the person's words where surfaced."""

    surfaced: list[str] = Field(default_factory=list)
    missed: list[str] = Field(default_factory=list)
    labels: dict[str, str] = Field(default_factory=dict)


class TrustRange(StrictModel):
    start: float
    end: float


class Assessment(StrictModel):
    schema_version: int = ASSESSMENT_SCHEMA_VERSION
    rubric_id: str = ""
    rubric_version: str = ""
    stages: list[StageCoverage]
    stage_flow: StageFlow
    traps: list[TrapFinding]
    metrics: dict[str, Metric]
    counts: dict[str, int] = Field(default_factory=dict, description="worker moves counted over the conversation")
    score: int = Field(ge=0, le=100)
    score_parts: list[ScorePart]
    suggestions: list[Suggestion]
    # Filled when the conversation was played against a scenario.
    scenario_id: str | None = None
    what_matters: Discovery | None = None
    strengths: Discovery | None = None
    trust: TrustRange | None = None
    ended_by: str | None = None
