"""The utterance coder (PLACEHOLDER while the real coder is built: question marks only).

API (stable): `code_utterance(text, history, rubric) -> Coding` codes one worker
utterance given the turns before it; `code_turns(turns, rubric) -> list[Coding]`
codes a whole conversation, including conversation-level traps (sequence.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from conversation_coach.rubric.coding import Coding
from conversation_coach.rubric.model import Rubric
from conversation_coach.transcript.model import Turn


def code_utterance(text: str, history: Sequence[Turn], rubric: Rubric) -> Coding:
    if "?" in text:
        return Coding(main="open_question", moves=["open_question"], stage=1)
    return Coding(main="other", moves=["other"])


def code_turns(turns: Sequence[Turn], rubric: Rubric) -> list[Coding]:
    out = []
    for i, turn in enumerate(turns):
        out.append(code_utterance(turn.text, turns[:i], rubric) if turn.speaker == "worker" else Coding())
    return out
