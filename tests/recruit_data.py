"""Hand-built transcripts and assessments for the recruitment / progress / CPD tests.

The words are written for these tests (not taken from any gold or data set).
"""

from __future__ import annotations

from conversation_coach.rubric.assessment import (
    Assessment,
    Discovery,
    ScorePart,
    StageCoverage,
    StageFlow,
    TrapFinding,
    TrustRange,
)
from conversation_coach.rubric.coding import Coding, TrapHit
from conversation_coach.transcript.model import Transcript, Turn

STAGES = {1: "open engaging question", 2: "active listening", 3: "open exploratory question",
          4: "information exchange", 5: "summary and actions"}

# (worker words, main move, stage, traps as (trap, evidence))
GOOD_REPLIES = [
    ("How have things been for you since you came home from the ward?", "open_question", 1, []),
    ("So the garden has been on your mind, and it sounds like you miss being out there.",
     "complex_reflection", 2, []),
    ("What would a good week look like for you, if things went your way?", "open_question", 3, []),
    ("You managed the stairs on your own last week, that took real determination.", "affirmation", None, []),
    ("Would it be alright if I told you about the walking group that meets near here?", "permission", 4, []),
    ("Let me check I have this right: the garden, your grandson's visits, and getting to church. "
     "What would you like to do first?", "summary", 5, []),
]
TRAP_REPLIES = [
    ("Right, tell me about your medication.", "other", None, []),
    ("Given how tired you are I think you should stop going out to the garden.", "advice", None,
     [("expert", "I think you should")]),
    ("I see where you are coming from but the stairs are a risk.", "information", None,
     [("yes_but", "I see where you are coming from but")]),
    ("I've decided a care home would be best for you.", "advice", None, [("power", "I've decided")]),
]


def person(text: str) -> Turn:
    return Turn(speaker="person", text=text, coding=Coding())


def worker(text: str, main: str, stage: int | None, traps) -> Turn:
    coding = Coding(main=main, moves=[main], stage=stage,
                    traps=[TrapHit(trap=t, rule=f"{t}.test", evidence=e) for t, e in traps])
    return Turn(speaker="worker", text=text, coding=coding)


def make_transcript(replies, *, mode="practice", candidate=None, trainee=None, scenario_id="home-after-fall",
                    created="2026-11-01T10:00:00+00:00", updated="2026-11-01T10:12:00+00:00",
                    person_name="Mrs Ellis") -> Transcript:
    turns = [person("Oh hello, come in, mind the boxes.")]
    for text, main, stage, traps in replies:
        turns.append(worker(text, main, stage, traps))
        turns.append(person("Well, I suppose so."))
    return Transcript(mode=mode, candidate=candidate, trainee=trainee, scenario_id=scenario_id,
                      scenario_version="3", scenario_title="Home after a fall", person_name=person_name,
                      rubric_id="default", rubric_version="1.0", app_version="0.1.0",
                      created=created, updated=updated, finished=True, ended_by="trainee", turns=turns)


def make_assessment(transcript: Transcript, *, score: int, surfaced=(), missed=()) -> Assessment:
    """An assessment consistent with the transcript's stored codings."""
    reached: dict[int, int] = {}
    traps = []
    sequence = []
    for index, turn in enumerate(transcript.turns):
        if turn.speaker != "worker" or turn.coding is None:
            continue
        if turn.coding.stage:
            reached.setdefault(turn.coding.stage, index)
            sequence.append(turn.coding.stage)
        for hit in turn.coding.traps:
            traps.append(TrapFinding(trap=hit.trap, name=f"{hit.trap.replace('_', ' ')} trap", turn=index,
                                     evidence=hit.evidence, rule=hit.rule, rewrite=f"Ask instead ({hit.trap})."))
    stages = [StageCoverage(stage=n, name=STAGES[n], reached=n in reached, count=int(n in reached))
              for n in range(1, 6)]
    return Assessment(
        rubric_id="default", rubric_version="1.0", stages=stages,
        stage_flow=StageFlow(opened_with_stage_1=bool(sequence) and sequence[0] == 1,
                             closed_with_stage_5=bool(sequence) and sequence[-1] == 5, sequence=sequence),
        traps=traps, metrics={}, score=score,
        score_parts=[ScorePart(name="stages reached", points=min(score, 40), max_points=40),
                     ScorePart(name="no traps", points=max(0, score - 40), max_points=60)],
        suggestions=[], scenario_id=transcript.scenario_id,
        what_matters=Discovery(surfaced=list(surfaced), missed=list(missed),
                               labels={i: f"label for {i}" for i in [*surfaced, *missed]}),
        trust=TrustRange(start=3.0, end=5.0), ended_by="trainee",
    )
