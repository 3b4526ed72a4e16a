"""Evidence of the Code of Professional Practice's values, read from the coded conversation.

The seed names the values an outcome-focused worker needs from the *Code of
Professional Practice for Social Care*; a role-play can show three of them in
behaviour. Each is linked to moves that show it and to the traps that go against
it (the trap glosses are the seed's):

- respecting views and wishes: reflections and summaries give the person's view
  back to them; against it, "I know best" (expert), "I know better" (yes, but),
  "we know you" (labelling);
- building trust and confidence: an open engaging start, affirming, asking
  permission; against it, "you are wrong" (confrontational) and an interrogation
  (question and answer);
- promoting voice and control: open exploratory questions (hopes, strengths,
  next steps) and agreeing actions together; against it, "I am the decision
  maker" (power) and "we can solve your problems" (problem solving).

The result quotes the candidate's own words for every item. It is evidence for
a panel to weigh, not a verdict: nothing here adds up to a pass or fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from conversation_coach.rubric.coding import Coding
from conversation_coach.textsafe import clean_for_display
from conversation_coach.transcript.model import Turn

QUOTE_LIMIT = 220


@dataclass(frozen=True)
class Value:
    id: str
    name: str
    code_text: str
    moves: frozenset[str]
    stages: frozenset[int]
    against: frozenset[str]


VALUES: tuple[Value, ...] = (
    Value(
        id="views_and_wishes",
        name="Respecting views and wishes",
        code_text="Respect the views and wishes, and promote the rights and interests, of individuals and carers",
        moves=frozenset({"simple_reflection", "complex_reflection", "summary"}),
        stages=frozenset({2}),
        against=frozenset({"expert", "yes_but", "labelling"}),
    ),
    Value(
        id="trust",
        name="Building trust and confidence",
        code_text="Strive to establish and maintain the trust and confidence of individuals and carers",
        moves=frozenset({"affirmation", "permission"}),
        stages=frozenset({1}),
        against=frozenset({"confrontational", "question_answer"}),
    ),
    Value(
        id="voice_and_control",
        name="Promoting voice and control",
        code_text="Promote the well-being, voice and control of individuals and carers while supporting them "
        "to stay safe",
        moves=frozenset(),
        stages=frozenset({3, 5}),
        against=frozenset({"power", "problem_solving"}),
    ),
)

_MOVE_WORDS = {
    "open_question": "open question", "closed_question": "closed question",
    "simple_reflection": "reflection", "complex_reflection": "complex reflection", "summary": "summary",
    "affirmation": "affirmation", "permission": "asking permission", "information": "information",
    "advice": "advice", "other": "other",
}
_STAGE_WORDS = {
    1: "stage 1, open engaging question", 2: "stage 2, active listening",
    3: "stage 3, open exploratory question", 4: "stage 4, information exchange", 5: "stage 5, summary and actions",
}


@dataclass
class EvidenceItem:
    turn: int
    words: str
    behaviour: str


@dataclass
class ValueEvidence:
    value: str
    name: str
    code_text: str
    shown: list[EvidenceItem] = field(default_factory=list)
    against: list[EvidenceItem] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The candidate's words, safe to show and bounded in length."""
    text = " ".join(clean_for_display(text, keep_newlines=False).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _why_shown(value: Value, coding: Coding) -> str | None:
    moves = [m for m in coding.moves if m in value.moves]
    if coding.main in value.moves and coding.main not in moves:
        moves.insert(0, coding.main)
    parts = [_MOVE_WORDS.get(m, m) for m in dict.fromkeys(moves)]
    if coding.stage in value.stages:
        parts.append(_STAGE_WORDS[coding.stage])
    return "; ".join(parts) if parts else None


def values_evidence(turns: Sequence[Turn], codings: Sequence[Coding] | None = None) -> list[ValueEvidence]:
    """For each value, the worker turns that show it and those that go against it, quoted.

    `codings` defaults to each turn's stored coding; a turn that carries a trap is
    not counted as showing a value that trap goes against.
    """
    if codings is None:
        codings = [turn.coding or Coding() for turn in turns]
    result = [ValueEvidence(value=v.id, name=v.name, code_text=v.code_text) for v in VALUES]
    for index, (turn, coding) in enumerate(zip(turns, codings, strict=False)):
        if turn.speaker != "worker" or coding is None:
            continue
        words = quote(turn.text)
        trap_names = {hit.trap for hit in coding.traps}
        for value, evidence in zip(VALUES, result, strict=True):
            hits = sorted(trap_names & value.against)
            if hits:
                for hit in coding.traps:
                    if hit.trap in hits:
                        evidence.against.append(EvidenceItem(
                            turn=index, words=words,
                            behaviour=f"{hit.trap.replace('_', ' ')} trap: \u201c{quote(hit.evidence, 80)}\u201d"))
                continue
            why = _why_shown(value, coding)
            if why:
                evidence.shown.append(EvidenceItem(turn=index, words=words, behaviour=why))
    return result


def evidence_from_json(items: Sequence[dict]) -> list[ValueEvidence]:
    """Rebuild stored evidence (as saved in the progress file)."""
    out = []
    for item in items:
        out.append(ValueEvidence(
            value=item.get("value", ""), name=item.get("name", ""), code_text=item.get("code_text", ""),
            shown=[EvidenceItem(**e) for e in item.get("shown", [])],
            against=[EvidenceItem(**e) for e in item.get("against", [])],
        ))
    return out
