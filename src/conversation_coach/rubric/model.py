"""The rubric's format: stages, traps, moves and detection rules, as pydantic models.

Pydantic is the single source of truth for the YAML format (`conversation-coach
schema rubric` prints its JSON Schema). Every model forbids unknown fields.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import ConfigDict, Field, PrivateAttr, ValidationError, ValidationInfo, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from conversation_coach.rubric.coding import MOVES, TRAPS
from conversation_coach.rubric.macros import LIST_NAME, list_names
from conversation_coach.rubric.safe_pattern import pattern_problem
from conversation_coach.strict import StrictModel


class Stage(StrictModel):
    number: int = Field(ge=1, le=5)
    name: str
    purpose: str
    questions: list[str] = Field(min_length=1, description="the seed's example questions: the suggestion bank")


class Trap(StrictModel):
    name: str
    meaning: str = Field(description="the seed's gloss, e.g. 'I know best'")
    seed_example: str = ""
    why: str = Field(description="why it harms a what-matters conversation")
    rewrite: str = Field(description="what to say instead")


class MoveInfo(StrictModel):
    name: str
    description: str


class RuleExample(StrictModel):
    text: str = ""
    context: str | None = Field(default=None, description="the person's previous turn, for context-aware rules")
    conversation: list[str] = Field(
        default_factory=list,
        description="for conversation-level rules: lines 'worker: ...' / 'person: ...' in order")


class RuleExamples(StrictModel):
    fire: list[RuleExample | str] = Field(default_factory=list)
    pass_: list[RuleExample | str] = Field(default_factory=list, alias="pass")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


STRUCTURAL_CHECKS = (
    "open_question",  # a question that invites a wide answer
    "closed_question",  # a yes/no or one-fact question
    "reflection",  # a statement that mirrors the person's previous turn
    "complex_reflection",  # a reflection that adds meaning or feeling beyond the words said
    "summary",  # a long reflection gathering several things
    "rapid_fire",  # three or more questions fired in one turn
    "question_run",  # conversation level: a run of questions, mostly closed, with no reflection between
)


class Rule(StrictModel):
    """One detection rule (Vale-style): what it looks for, what it means, and proof by example.

    Kinds: `phrase` (whole-word phrases, case-insensitive), `pattern` (bounded regular
    expressions: no nested repeats, no back-references), `fuzzy` (phrases matched with
    rapidfuzz so that typos still hit) and `structural` (a named built-in check, see
    STRUCTURAL_CHECKS). `where: start` anchors phrases and patterns at the start of a
    sentence once preambles such as "Okay, so" are set aside. A hit is cancelled when an
    exception pattern matches the same sentence.
    """

    id: str = Field(pattern=r"^[a-z_]+(\.[a-z0-9_-]+)+$")
    kind: Literal["phrase", "pattern", "fuzzy", "structural"]
    target: str = Field(description="'trap:<name>', 'move:<name>' or 'signal:<name>'")
    message: str
    phrases: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    check: str | None = Field(default=None, description="structural rules: the built-in check to run")
    where: Literal["anywhere", "start"] = "anywhere"
    unless_echoed: bool = Field(
        default=False, description="cancel a hit when the person used these very words in their previous turn")
    threshold: float | None = Field(default=None, ge=50, le=100, description="fuzzy match score, 50-100")
    exceptions: list[str] = Field(default_factory=list, description="patterns that cancel a hit")
    examples: RuleExamples = Field(default_factory=RuleExamples)

    @model_validator(mode="after")
    def _kind_has_what_it_needs(self, info: ValidationInfo) -> Rule:
        if self.kind in ("phrase", "fuzzy") and not self.phrases:
            raise ValueError(f"rule '{self.id}': a {self.kind} rule needs 'phrases'")
        if self.kind == "pattern" and not self.patterns:
            raise ValueError(f"rule '{self.id}': a pattern rule needs 'patterns'")
        if self.kind == "structural" and self.check not in STRUCTURAL_CHECKS:
            raise ValueError(f"rule '{self.id}': 'check' must be one of {', '.join(STRUCTURAL_CHECKS)}")
        if info.context and info.context.get("patterns_checked"):
            return self  # loaded from the validated-rubric cache (rubric/cache.py): checked when cached
        for field, items in (("patterns", self.patterns), ("exceptions", self.exceptions)):
            for pattern in items:
                if list_names(pattern):
                    continue  # needs the rubric's lists: checked by Rubric._patterns_with_lists
                problem = pattern_problem(pattern)
                if problem:
                    raise ValueError(f"rule '{self.id}': {field}: {pattern!r}: {problem}")
        return self

    @model_validator(mode="after")
    def _target_known(self) -> Rule:
        kind, _, name = self.target.partition(":")
        if kind == "trap" and name not in TRAPS:
            raise ValueError(f"unknown trap '{name}' in target; traps are: {', '.join(TRAPS)}")
        if kind == "move" and name not in MOVES:
            raise ValueError(f"unknown move '{name}' in target; moves are: {', '.join(MOVES)}")
        if kind not in ("trap", "move", "signal"):
            raise ValueError("target must start with 'trap:', 'move:' or 'signal:'")
        return self


class DrillItem(StrictModel):
    """A trap statement in a short context, for the trap-rewrite drill (`conversation-coach drill traps`)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    trap: str
    context: str = Field(default="", description="what the person has just said")
    statement: str = Field(description="the worker's reply that falls into the trap")
    accept: list[str] = Field(
        min_length=1, description="moves a good rewrite may use: open_question, simple_reflection, permission, ..."
    )

    @model_validator(mode="after")
    def _known(self) -> DrillItem:
        if self.trap not in TRAPS:
            raise ValueError(f"unknown trap '{self.trap}'; traps are: {', '.join(TRAPS)}")
        unknown = [m for m in self.accept if m not in MOVES]
        if unknown:
            raise ValueError(f"unknown moves in accept: {unknown}; moves are: {', '.join(MOVES)}")
        return self


class Rubric(StrictModel):
    id: str
    version: str
    language: str = "en-GB"
    title: str
    description: str = ""
    stages: list[Stage] = Field(min_length=5, max_length=5)
    traps: dict[str, Trap]
    moves: dict[str, MoveInfo]
    lists: dict[str, list[str]] = Field(
        default_factory=dict,
        description="named lists of words or short pattern fragments; a pattern uses one as <list:NAME>")
    rules: list[Rule] = Field(default_factory=list)
    drill_bank: list[DrillItem] = Field(default_factory=list, description="items for the trap-rewrite drill")

    _compiled: object = PrivateAttr(default=None)  # the coder's precompiled rules, built once per rubric

    @model_validator(mode="after")
    def _complete(self) -> Rubric:
        if [s.number for s in self.stages] != [1, 2, 3, 4, 5]:
            raise ValueError("stages must be numbered 1 to 5 in order")
        missing = [t for t in TRAPS if t not in self.traps]
        unknown = [t for t in self.traps if t not in TRAPS]
        if missing or unknown:
            raise ValueError(f"traps must be exactly {', '.join(TRAPS)} (missing: {missing}, unknown: {unknown})")
        missing_moves = [m for m in MOVES if m not in self.moves]
        if missing_moves:
            raise ValueError(f"moves missing: {', '.join(missing_moves)}")
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"duplicate rule id '{rule.id}'")
            seen.add(rule.id)
        return self

    @model_validator(mode="after")
    def _patterns_with_lists(self, info: ValidationInfo) -> Rubric:
        """Check the lists, and every pattern that uses one, as expanded; each problem names its own line."""
        if info.context and info.context.get("patterns_checked"):
            return self
        errors: list[InitErrorDetails] = []

        def problem(loc: tuple, text: str, message: str) -> None:
            errors.append(InitErrorDetails(type=PydanticCustomError("unsafe_pattern", message), loc=loc, input=text))

        faulty: set[str] = set()  # lists with a problem: patterns using them are not reported again
        for name, items in self.lists.items():
            errors_before = len(errors)
            if not re.match(LIST_NAME, name):
                problem(("lists", name), name, f"list name '{name}' must be lower case letters, digits, - or _")
            if not items:
                problem(("lists", name), name, f"list '{name}' is empty")
            for k, item in enumerate(items):
                found = ("an item may not use another list" if list_names(item)
                         else "an item may not be empty" if not item.strip() else pattern_problem(item))
                if found:
                    problem(("lists", name, k), item, f"list '{name}': {item!r}: {found}")
            if len(errors) > errors_before:
                faulty.add(name)
        for i, rule in enumerate(self.rules):
            for field, patterns in (("patterns", rule.patterns), ("exceptions", rule.exceptions)):
                for j, pattern in enumerate(patterns):
                    names = list_names(pattern)
                    if names and faulty.isdisjoint(names):
                        found = pattern_problem(pattern, self.lists)
                        if found:
                            problem(("rules", i, field, j), pattern, f"rule '{rule.id}': {field}: {pattern!r}: {found}")
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self

    def stage(self, number: int) -> Stage:
        return self.stages[number - 1]
