"""The transcript: what was said, the coder's layer and the supervisor's layer, kept apart."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from conversation_coach.rubric.coding import Coding, Move, TrapName

SCHEMA_VERSION = 1
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
Speaker = Literal["worker", "person"]


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def encodable(value: object) -> object:
    """A string with undecodable input bytes (the surrogate escapes Python gives stdin and
    `sys.argv`) turned into U+FFFD, so it can always be saved as UTF-8; anything else as it is.

    Every text field of the saved models goes through this, on creation and on assignment.
    """
    if isinstance(value, str) and _LONE_SURROGATE.search(value):
        return _LONE_SURROGATE.sub("\N{REPLACEMENT CHARACTER}", value)
    return value


class SupervisorReview(BaseModel):
    """A supervisor's verdict on one turn: overrides the coder's view without altering it."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    main: Move | None = None
    stage: int | None = Field(default=None, ge=1, le=5)
    no_stage: bool = Field(default=False, description="the supervisor says the turn serves no stage")
    traps: list[TrapName] | None = None
    comment: str = ""
    reviewer: str = ""
    at: str = Field(default_factory=now_iso)

    @field_validator("*")
    @classmethod
    def _encodable(cls, value: object) -> object:
        return encodable(value)


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    speaker: Speaker
    text: str
    coding: Coding | None = None
    review: SupervisorReview | None = None
    at: str | None = None
    surfaced: list[str] = Field(default_factory=list, description="what-matters/strength ids this line revealed")
    trust: float | None = None

    @field_validator("text", "at")
    @classmethod
    def _encodable(cls, text: object) -> object:
        """Undecodable input bytes (stdin's surrogate escapes) become U+FFFD, so the turn can always be saved."""
        return encodable(text)


class Transcript(BaseModel):
    """A whole conversation. `mode` is practice or assessment (recruitment)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    schema_version: int = SCHEMA_VERSION
    id: str = ""
    created: str = Field(default_factory=now_iso)
    updated: str = Field(default_factory=now_iso)
    app_version: str = ""
    mode: Literal["practice", "assessment", "imported"] = "practice"
    candidate: str | None = None
    trainee: str | None = None
    scenario_id: str | None = None
    scenario_version: str | None = None
    scenario_title: str | None = None
    person_name: str | None = None
    rubric_id: str | None = None
    rubric_version: str | None = None
    finished: bool = False
    ended_by: Literal["trainee", "person", "max_turns", "time_limit"] | None = None
    reviewed_by: str = ""
    outcome_record: str | None = None
    time_limit_minutes: float | None = None
    turns: list[Turn] = Field(default_factory=list)

    @field_validator("*")
    @classmethod
    def _encodable(cls, value: object) -> object:
        """Ids and names can come from the command line (`--trainee`, `--reviewer`): keep them saveable."""
        return encodable(value)
