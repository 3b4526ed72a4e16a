"""The trap-rewrite drill: a trap statement in context; the trainee rewrites it; the coder judges.

The bank lives in the rubric (`drill_bank`), so an organisation that edits its
rubric edits its drills too. A rewrite passes when the coder finds no trap in it
and its moves include one the item accepts (an open question, a reflection, or
asking permission, as fits).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from conversation_coach.rubric.coder import code_utterance
from conversation_coach.rubric.coding import Coding
from conversation_coach.rubric.model import DrillItem, Rubric
from conversation_coach.transcript.model import Turn

MOVE_WORDS = {
    "open_question": "an open question",
    "closed_question": "a closed question",
    "simple_reflection": "a reflection",
    "complex_reflection": "a reflection that adds meaning",
    "summary": "a summary",
    "affirmation": "an affirmation",
    "permission": "asking permission",
    "information": "information",
    "advice": "advice",
    "other": "neither a question nor a reflection",
}


@dataclass
class RewriteJudgement:
    passed: bool
    coding: Coding
    explanation: list[str] = field(default_factory=list)


def drill_round(rubric: Rubric, count: int = 10) -> list[DrillItem]:
    """A round that covers every trap before repeating one; deterministic order (the bank's order)."""
    bank = list(rubric.drill_bank)
    if not bank:
        return []
    by_trap: dict[str, list[DrillItem]] = {}
    for item in bank:
        by_trap.setdefault(item.trap, []).append(item)
    ordered: list[DrillItem] = []
    depth = 0
    while len(ordered) < len(bank):
        for items in by_trap.values():
            if depth < len(items):
                ordered.append(items[depth])
        depth += 1
    return ordered[: max(1, count)]


def judge_rewrite(item: DrillItem, rewrite: str, rubric: Rubric) -> RewriteJudgement:
    history = [Turn(speaker="person", text=item.context)] if item.context else []
    coding = code_utterance(rewrite, history, rubric)
    notes: list[str] = []
    if not rewrite.strip():
        return RewriteJudgement(False, coding, ["Nothing was written: try a question or a reflection."])
    if coding.traps:
        for hit in coding.traps:
            trap = rubric.traps[hit.trap]
            notes.append(f"Still the {trap.name.lower()}: \"{hit.evidence}\" ({hit.rule}). {trap.why}")
        notes.append(f"Try: {rubric.traps[item.trap].rewrite}")
        return RewriteJudgement(False, coding, notes)
    moves = set(coding.moves)
    accepted = set(item.accept)
    if "simple_reflection" in accepted or "complex_reflection" in accepted:
        accepted |= {"simple_reflection", "complex_reflection", "summary"}
    found = MOVE_WORDS.get(coding.main or "other", "something else")
    if moves & accepted:
        notes.append(f"Good: no trap, and it is {found}.")
        return RewriteJudgement(True, coding, notes)
    wanted = " or ".join(sorted({MOVE_WORDS[m] for m in item.accept}))
    notes.append(f"No trap, but it reads as {found}; this one wants {wanted}.")
    if coding.main == "closed_question":
        notes.append("Open it up: start with 'what', 'how' or 'tell me about'.")
    return RewriteJudgement(False, coding, notes)


def run_plain_drill(*, rubric_path: str | None = None, count: int = 10, stream=None) -> int:
    """Line mode: print each item, read one rewrite per line from stdin, end with a tally."""
    from conversation_coach.rubric.load import load_rubric
    from conversation_coach.textsafe import clean_for_display
    from conversation_coach.yamlload import LoadError

    stream = stream or sys.stdin
    try:
        rubric = load_rubric(rubric_path)
    except LoadError as exc:
        print(exc, file=sys.stderr)
        return 2
    items = drill_round(rubric, count)
    if not items:
        print("This rubric has no drill bank.", file=sys.stderr)
        return 1
    print(f"Trap-rewrite drill: {len(items)} statements. Rewrite each one without the trap. /end stops.\n")
    passed = answered = 0
    for number, item in enumerate(items, 1):
        print(f"{number}. The person says: \"{item.context}\"" if item.context else f"{number}.")
        print(f"   A worker replied: \"{item.statement}\"")
        print("   Your rewrite: ", end="", flush=True)
        line = stream.readline()
        if line == "" or line.strip() == "/end":
            print()
            break
        answered += 1
        judgement = judge_rewrite(item, line.strip(), rubric)
        passed += judgement.passed
        for note in judgement.explanation:
            print(f"   {clean_for_display(note, keep_newlines=False)}")
        print(f"   (the original fell into the {rubric.traps[item.trap].name.lower()}: {rubric.traps[item.trap].meaning})\n")
    print(f"Tally: {passed} of {answered} rewrites free of traps and doing what was asked"
          + (f" ({len(items) - answered} not attempted)." if answered < len(items) else "."))
    return 0
