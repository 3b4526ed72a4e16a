"""The scenario format: a person with things that matter to them, strengths, worries and reactions.

See ../shared/SCENARIO-GUIDE.md for what makes the person believable. Trust runs
from 0 (ends the visit) to 10 (fully open).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from conversation_coach.rubric.coding import MOVES, TRAPS, Move
from conversation_coach.strict import StrictModel


class Person(StrictModel):
    name: str
    age: int | None = Field(default=None, ge=0, le=120)
    pronouns: str = ""
    about: str = Field(description="the author's portrait of the person (voice, history); never shown before the visit")


class Discoverable(StrictModel):
    """Something the trainee can find out by conversing well."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    label: str = Field(description="short, for the summary: 'Getting back to the allotment'")
    says: str = Field(description="what the person says when it surfaces, in their own words")
    cues: list[str] = Field(min_length=1, description="words the trainee can pick up from what the person said")
    moves: list[Move] = Field(min_length=1, description="moves that can surface it")
    trust: float = Field(default=5, ge=0, le=10, description="openness needed before it surfaces")
    hint: str = Field(default="", description="a breadcrumb the person drops before it surfaces")
    follow_up: str = Field(default="", description="what they add if the trainee reflects it back")
    short_answer: str = Field(
        default="",
        description="a short true answer to a closed question that touches it, without opening up",
    )

    @field_validator("cues")
    @classmethod
    def _cues_can_match(cls, cues: list[str]) -> list[str]:
        from conversation_coach.scenario.cues import useless_cue

        problems = [p for p in (useless_cue(c) for c in cues) if p]
        if problems:
            raise ValueError("; ".join(problems) + "; use a word the person actually says")
        return cues


class WhatMatters(Discoverable):
    pass


class Strength(Discoverable):
    kind: Literal["soft", "hard"]
    scope: Literal["individual", "community"]


class TrustSettings(StrictModel):
    start: float = Field(default=5, ge=0, le=10)
    low: float = Field(default=1, ge=0, le=10, description="at or below this the person ends the visit")
    end_line: str = Field(description="what the person says when they have had enough")
    effects: dict[str, float] = Field(
        default_factory=dict, description="optional per-move or per-trap changes overriding the engine's defaults"
    )

    @model_validator(mode="after")
    def _effects_known(self) -> TrustSettings:
        unknown = [k for k in self.effects if k not in MOVES and k not in TRAPS]
        if unknown:
            raise ValueError(f"unknown keys in trust.effects: {unknown}; use move or trap names")
        if self.low >= self.start:
            raise ValueError("trust.low must be below trust.start")
        return self


class Closings(StrictModel):
    """Goodbyes that fit how the visit went; `closing` is said when neither applies (or one is missing)."""

    warm: str = Field(default="", description="said when the visit leaves the person open: trust ends at 7 or more, above where it began")
    cool: str = Field(default="", description="said when the person ends the visit more guarded than they began")


class Reactions(StrictModel):
    """Lines for when nothing new surfaces: one list per move and one per trap (all required)."""

    moves: dict[Move, list[str]]
    traps: dict[str, list[str]]

    @field_validator("moves")
    @classmethod
    def _every_move(cls, moves: dict[str, list[str]]) -> dict[str, list[str]]:
        missing = [m for m in MOVES if not moves.get(m)]
        if missing:
            raise ValueError(f"needs at least one line for each move; missing: {', '.join(missing)}")
        return moves

    @field_validator("traps")
    @classmethod
    def _every_trap(cls, traps: dict[str, list[str]]) -> dict[str, list[str]]:
        missing = [t for t in TRAPS if not traps.get(t)]
        unknown = [t for t in traps if t not in TRAPS]
        if missing or unknown:
            parts = [f"missing: {', '.join(missing)}"] if missing else []
            parts += [f"unknown: {', '.join(unknown)}"] if unknown else []
            raise ValueError(f"needs lines for each of the seven traps ({', '.join(TRAPS)}); {'; '.join(parts)}")
        return traps


class Scenario(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    version: str = "1"
    language: str = "en-GB"
    title: str
    audience: Literal["induction", "recruitment", "supervision"]
    difficulty: Literal["gentle", "moderate", "challenging"]
    setting: str
    brief: str = Field(description="what the trainee is told before the visit")
    person: Person
    opening: str
    what_matters: list[WhatMatters] = Field(min_length=3)
    strengths: list[Strength] = Field(min_length=2)
    worries: list[str] = Field(min_length=1)
    reactions: Reactions
    trust: TrustSettings
    closing: str = Field(description="what the person says when the trainee ends the visit")
    closings: Closings = Field(default_factory=Closings,
                               description="optional warm and cool goodbyes, chosen by the person's trust at the end")
    max_turns: int = Field(default=20, ge=3, le=200)
    model_path: list[str] = Field(min_length=3, description="exemplary trainee replies (contract: list of strings)")

    @field_validator("id")
    @classmethod
    def _id_is_file_stem(cls, value: str, info: ValidationInfo) -> str:
        source = (info.context or {}).get("source", "")
        stem = PurePath(source).stem if source.endswith((".yaml", ".yml")) else None
        if stem is not None and stem != value:
            raise ValueError(f"id '{value}' must equal the file name '{stem}'")
        return value

    @model_validator(mode="after")
    def _unique_ids(self) -> Scenario:
        ids = [d.id for d in self.what_matters] + [s.id for s in self.strengths]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"what_matters and strengths ids must be unique; repeated: {dupes}")
        return self
