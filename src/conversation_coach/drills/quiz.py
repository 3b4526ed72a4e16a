"""The personal-outcomes quiz: the seed's 25 statements, judged with the checker's reasons."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from conversation_coach.drills.outcome import CATEGORY_LABELS, Category, check_outcome
from conversation_coach.strict import StrictModel
from conversation_coach.yamlload import load_model

QUIZ_PATH = Path(__file__).with_name("outcomes_quiz.yaml")


class QuizItem(StrictModel):
    statement: str
    category: Literal["personal_outcome", "need_or_barrier", "resource_or_service", "output"]

    @property
    def is_outcome(self) -> bool:
        return self.category == "personal_outcome"


class Quiz(StrictModel):
    id: str
    source: str
    items: list[QuizItem]


def load_quiz() -> Quiz:
    return load_model(QUIZ_PATH, Quiz)


ANSWER_WORDS: dict[str, tuple[bool, Category | None]] = {
    "y": (True, "personal_outcome"), "yes": (True, "personal_outcome"), "o": (True, "personal_outcome"),
    "outcome": (True, "personal_outcome"), "1": (True, "personal_outcome"),
    "n": (False, None), "no": (False, None), "not": (False, None),
    "need": (False, "need_or_barrier"), "barrier": (False, "need_or_barrier"), "2": (False, "need_or_barrier"),
    "resource": (False, "resource_or_service"), "service": (False, "resource_or_service"),
    "3": (False, "resource_or_service"),
    "output": (False, "output"), "activity": (False, "output"), "4": (False, "output"),
}


def parse_answer(text: str) -> tuple[bool, Category | None] | None:
    """'yes'/'outcome', or 'no'/'need'/'resource'/'output' (or 1-4). None when not understood."""
    return ANSWER_WORDS.get(text.strip().lower())


@dataclass
class QuizFeedback:
    correct: bool
    category_correct: bool | None
    expected: Category
    reasons: list[str]

    def message(self) -> str:
        verdict = "Right" if self.correct else "Not quite"
        label = CATEGORY_LABELS[self.expected]
        text = f"{verdict}: this is {'a personal outcome' if self.expected == 'personal_outcome' else 'not a personal outcome'}"
        if self.expected != "personal_outcome":
            text += f" ({label})"
        if self.category_correct is False:
            text += "; the category was different"
        return text + ". " + "; ".join(self.reasons).capitalize() + "."


def judge(item: QuizItem, is_outcome: bool, category: Category | None) -> QuizFeedback:
    correct = is_outcome == item.is_outcome
    category_correct = None if category is None or not correct else category == item.category
    return QuizFeedback(correct, category_correct, item.category, check_outcome(item.statement).reasons)
