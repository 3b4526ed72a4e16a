"""The scorer: a whole conversation -> an Assessment (DESIGN.md "The Assessment").

Deterministic: the same transcript and rubric always give the same assessment,
which recruitment panels rely on. The score is a sum of parts that are shown to
the trainee, so every point can be explained:

    part                      without scenario   with scenario
    stage coverage (1,2,3,5)        20               16
    stage flow                      10                8
    traps avoided                   30               24
    listening (R:Q, complex)        20               16
    open questions                  20               16
    what matters found               -               20

Stage 4 (information exchange) is "if appropriate" in the seed, so it is shown
but neither rewarded nor required.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from conversation_coach.rubric.assessment import (
    Assessment,
    Discovery,
    Metric,
    ScorePart,
    StageCoverage,
    StageFlow,
    TrapFinding,
    TrustRange,
)
from conversation_coach.rubric.coding import Coding, TrapHit
from conversation_coach.rubric.model import Rubric
from conversation_coach.rubric.sequence import stage_flow
from conversation_coach.rubric.suggest import suggest, trap_rewrite
from conversation_coach.transcript.model import Transcript, Turn

SCORED_STAGES = (1, 2, 3, 5)
EXAMPLE_MAX_CHARS = 240
# How many opening/closing worker replies count as "opened with" / "closed with".
OPENING_WINDOW = 2
CLOSING_WINDOW = 2

# Part weights (without a scenario). With a scenario they are scaled by SCENARIO_SCALE
# and "what matters found" takes the remaining points.
W_COVERAGE = 20.0
W_FLOW = 10.0
W_TRAPS = 30.0
W_LISTENING = 20.0
W_OPEN = 20.0
W_DISCOVERY = 20.0
SCENARIO_SCALE = (100.0 - W_DISCOVERY) / 100.0
TRAP_COST = 10.0  # points of W_TRAPS lost per trap fallen into (before scaling)
# The question-and-answer trap is reported once per run of questions, whose closed questions
# already cost points under "open questions": it costs half.
TRAP_COSTS = {"question_answer": 5.0}
SEQUENCE_TRAPS = frozenset({"question_answer"})
ENOUGH = 3  # open questions / reflections needed before their quality earns full marks

# MITI bands. MITI 4.2.1: R:Q fair 1:1, good 2:1; % complex reflections fair 40 %, good 50 %.
# MITI 4.2.1 has no threshold for open questions; MITI 3.1.1's fair 50 %, good 70 % are used.
RQ_FAIR, RQ_GOOD = 1.0, 2.0
CR_FAIR, CR_GOOD = 40.0, 50.0
OQ_FAIR, OQ_GOOD = 50.0, 70.0
# Talk share has no MITI threshold: this tool's guidance is that the person should talk more.
TALK_FAIR, TALK_GOOD = 60.0, 50.0

REFLECTIONS = ("simple_reflection", "complex_reflection", "summary")
QUESTIONS = ("open_question", "closed_question")
# The move that best shows each stage, in order of preference (for the best example).
TYPICAL_MOVES = {
    1: ("open_question",),
    2: ("complex_reflection", "summary", "simple_reflection"),
    3: ("open_question",),
    4: ("permission", "information", "open_question", "closed_question"),
    5: ("summary", "complex_reflection", "open_question"),
}
_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class ScenarioOutcome:
    """What a played scenario adds to the assessment: discoveries, trust, how it ended."""

    scenario_id: str
    what_matters: Discovery
    strengths: Discovery
    trust: TrustRange
    ended_by: str | None = None


def word_count(text: str) -> int:
    return len(_WORD.findall(text or ""))


def assess(
    transcript: Transcript,
    rubric: Rubric,
    *,
    codings: list[Coding] | None = None,
    discovery: ScenarioOutcome | None = None,
    use_review: bool = False,
) -> Assessment:
    """Assess a whole conversation.

    `codings` (one per turn) default to the turns' stored codings when every worker
    turn has one and the transcript was coded with this rubric; otherwise the
    conversation is coded afresh. With `use_review`, a supervisor's override of a
    turn's move, stage or traps replaces the coder's verdict for that turn.
    With `discovery`, the score gains a "what matters found" part.
    """
    turns = transcript.turns
    codings = _resolve_codings(transcript, rubric, codings)
    if use_review:
        codings = [_apply_review(t, c) for t, c in zip(turns, codings, strict=True)]
    worker = [(i, t, c) for i, (t, c) in enumerate(zip(turns, codings, strict=True)) if t.speaker == "worker"]

    stages = _stage_coverage(worker, rubric)
    flow = _stage_flow(worker)
    traps = _trap_findings(worker, rubric, transcript)
    counts = _count_moves(worker)
    metrics = _metrics(counts, turns)
    parts = _score_parts(worker, stages, flow, traps, discovery)
    score = max(0, min(100, round(sum(p.points for p in parts))))

    assessment = Assessment(
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        stages=stages,
        stage_flow=flow,
        traps=traps,
        metrics=metrics,
        counts=dict(counts),
        score=score,
        score_parts=parts,
        suggestions=[],
        scenario_id=discovery.scenario_id if discovery else transcript.scenario_id,
        what_matters=discovery.what_matters if discovery else None,
        strengths=discovery.strengths if discovery else None,
        trust=discovery.trust if discovery else None,
        ended_by=(discovery.ended_by if discovery else None) or transcript.ended_by,
    )
    assessment.suggestions = suggest(assessment, transcript, rubric)
    return assessment


def assessment_json(assessment: Assessment) -> dict:
    """The `score --json` document (contract: schema_version, stages, traps, metrics, score,
    score_parts, suggestions — more fields may be added, none renamed)."""
    return assessment.model_dump(mode="json")


# --- codings -------------------------------------------------------------------------------


def _resolve_codings(transcript: Transcript, rubric: Rubric, codings: list[Coding] | None) -> list[Coding]:
    turns = transcript.turns
    if codings is not None:
        if len(codings) != len(turns):
            raise ValueError(f"codings has {len(codings)} entries for {len(turns)} turns")
        return list(codings)
    same_rubric = transcript.rubric_id in (None, rubric.id) and transcript.rubric_version in (None, rubric.version)
    stored = [t.coding for t in turns if t.speaker == "worker"]
    if same_rubric and all(c is not None for c in stored):
        return [t.coding if t.coding is not None else Coding() for t in turns]
    from conversation_coach.rubric.coder import code_turns

    return code_turns(turns, rubric)


def _apply_review(turn: Turn, coding: Coding) -> Coding:
    review = turn.review
    if review is None or turn.speaker != "worker":
        return coding
    update: dict = {}
    if review.main is not None:
        moves = [review.main] + [m for m in coding.moves if m != review.main]
        update.update(main=review.main, moves=moves)
    if getattr(review, "no_stage", False):
        update["stage"] = None
    elif review.stage is not None:
        update["stage"] = review.stage
    if review.traps is not None:
        kept = [h for h in coding.traps if h.trap in review.traps]
        added = [
            TrapHit(trap=t, rule="supervisor", evidence="", message="added by the supervisor")
            for t in review.traps
            if t not in {h.trap for h in kept}
        ]
        update["traps"] = kept + added
    return coding.model_copy(update=update) if update else coding


# --- stages --------------------------------------------------------------------------------


def _example_rank(text: str, coding: Coding, stage: int, index: int) -> tuple:
    """Lower is better: the typical move for the stage, no trap, a full but not rambling reply."""
    typical = TYPICAL_MOVES.get(stage, ())
    move_rank = typical.index(coding.main) if coding.main in typical else len(typical)
    words = word_count(text)
    # Prefer replies of 8-40 words; shorter ones say little, longer ones ramble.
    length_penalty = max(0, 8 - words) * 2 + max(0, words - 40)
    return (bool(coding.traps), move_rank, length_penalty, index)


def _shorten(text: str, limit: int = EXAMPLE_MAX_CHARS) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _stage_coverage(worker: Sequence[tuple[int, Turn, Coding]], rubric: Rubric) -> list[StageCoverage]:
    out = []
    for stage in rubric.stages:
        hits = [(i, t, c) for i, t, c in worker if c.stage == stage.number]
        best = min(hits, key=lambda h: _example_rank(h[1].text, h[2], stage.number, h[0])) if hits else None
        out.append(
            StageCoverage(
                stage=stage.number,
                name=stage.name,
                reached=bool(hits),
                count=len(hits),
                example=_shorten(best[1].text) if best else None,
                example_turn=best[0] if best else None,
            )
        )
    return out


def _stage_flow(worker: Sequence[tuple[int, Turn, Coding]]) -> StageFlow:
    """Opened with stage 1 / closed with stage 5, as the conversation-level rules define it
    (rubric/sequence.py: a stage-1 reply among the first two, a stage-5 reply among the last two)."""
    codings = [c for _, _, c in worker]
    flow = stage_flow(codings, opening_window=OPENING_WINDOW, closing_window=CLOSING_WINDOW)
    return StageFlow(
        opened_with_stage_1=flow.opened_with_stage_1,
        closed_with_stage_5=flow.closed_with_stage_5,
        sequence=[c.stage for c in codings if c.stage is not None],
    )


# --- traps ---------------------------------------------------------------------------------


def _trap_findings(worker, rubric: Rubric, transcript: Transcript) -> list[TrapFinding]:
    out = []
    for index, _turn, coding in worker:
        for hit in coding.traps:
            trap = rubric.traps.get(hit.trap)
            out.append(
                TrapFinding(
                    trap=hit.trap,
                    name=trap.name if trap else hit.trap,
                    turn=index,
                    evidence=hit.evidence,
                    rule=hit.rule,
                    meaning=trap.meaning if trap else "",
                    why=trap.why if trap else hit.message,
                    rewrite=trap_rewrite(hit.trap, rubric, transcript),
                )
            )
    return out


# --- metrics -------------------------------------------------------------------------------


def _count_moves(worker) -> Counter:
    """Each move once per reply (MITI counts every behaviour in an utterance, not only the main one)."""
    counts: Counter = Counter()
    for _, _, coding in worker:
        moves = set(coding.moves) | ({coding.main} if coding.main else set())
        counts.update(moves)
        counts.update("trap:" + hit.trap for hit in coding.traps)
    counts["worker_turns"] = len(worker)
    return Counter({k: v for k, v in sorted(counts.items()) if v})


def _band(value: float | None, fair: float, good: float, *, lower_is_better: bool = False) -> str:
    if value is None:
        return "n/a"
    if lower_is_better:
        return "good" if value <= good else "fair" if value <= fair else "below fair"
    return "good" if value >= good else "fair" if value >= fair else "below fair"


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _and(numbers: Sequence[int]) -> str:
    """[3] -> "3"; [1, 3, 5] -> "1, 3 and 5"."""
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def _metrics(counts: Counter, turns: Sequence[Turn]) -> dict[str, Metric]:
    reflections = sum(counts[m] for m in REFLECTIONS)
    questions = sum(counts[m] for m in QUESTIONS)
    complex_ = counts["complex_reflection"] + counts["summary"]

    rq = round(reflections / questions, 2) if questions else None
    counted = f"{_plural(reflections, 'reflection')}, {_plural(questions, 'question')}"
    if rq is not None:
        rq_display = f"{rq:.1f}:1 ({counted})"
    elif reflections:
        rq_display = f"no questions ({_plural(reflections, 'reflection')})"
    else:
        rq_display = "no reflections or questions"
    oq = _percent(counts["open_question"], questions)
    cr = _percent(complex_, reflections)
    worker_words = sum(word_count(t.text) for t in turns if t.speaker == "worker")
    all_words = sum(word_count(t.text) for t in turns)
    talk = _percent(worker_words, all_words)

    def pct(value: float | None, n: int, what: str) -> str:
        if value is None:
            return f"n/a (no {what}s)"
        return f"{value:.0f}% of {n} {what}{'s' if n != 1 else ''}"

    return {
        "reflection_to_question": Metric(
            name="Reflection-to-question ratio",
            value=rq,
            display=rq_display,
            band=_band(rq, RQ_FAIR, RQ_GOOD),
            fair="1:1",
            good="2:1",
            note="reflections (including summaries) per question; MITI 4.2.1 thresholds",
        ),
        "percent_open_questions": Metric(
            name="Open questions",
            value=oq,
            display=pct(oq, questions, "question"),
            band=_band(oq, OQ_FAIR, OQ_GOOD),
            fair="50%",
            good="70%",
            note="MITI 4.2.1 sets no threshold for open questions; these are MITI 3.1.1's",
        ),
        "percent_complex_reflections": Metric(
            name="Complex reflections",
            value=cr,
            display=pct(cr, reflections, "reflection"),
            band=_band(cr, CR_FAIR, CR_GOOD),
            fair="40%",
            good="50%",
            note="summaries count as complex reflections; MITI 4.2.1 thresholds",
        ),
        "worker_talk_share": Metric(
            name="Worker talk share",
            value=talk,
            display=f"{talk:.0f}% of the words" if talk is not None else "n/a (no words)",
            band=_band(talk, TALK_FAIR, TALK_GOOD, lower_is_better=True),
            fair="60% or less",
            good="50% or less",
            note="MITI has no threshold for talk share; this tool's guidance: let the person talk more",
        ),
    }


# --- score ---------------------------------------------------------------------------------


def _credited(worker) -> list:
    """Replies that earn credit: a trap undoes the good move in the same reply ("I can see you're
    upset, but you need a care home" is not listening). The question-and-answer trap belongs to a
    run of questions, not to one reply, so it does not cancel the reply's own moves."""
    return [w for w in worker if all(h.trap in SEQUENCE_TRAPS for h in w[2].traps)]


def _ratio_fraction(part: float, whole: float, target: float) -> float:
    return min(1.0, (part / whole) / target) if whole else 0.0


def _score_parts(worker, stages, flow, traps, discovery: ScenarioOutcome | None) -> list[ScorePart]:
    scale = SCENARIO_SCALE if discovery else 1.0
    parts: list[ScorePart] = []

    def add(name: str, fraction: float, weight: float, detail: str) -> None:
        fraction = max(0.0, min(1.0, fraction))
        parts.append(ScorePart(name=name, points=round(fraction * weight, 1), max_points=weight, detail=detail))

    credited = _credited(worker)
    discounted = len(worker) - len(credited)
    counts = _count_moves(credited)

    # Stage coverage: stages 1, 2, 3 and 5, reached by a reply without a trap.
    clean_stages = {c.stage for _, _, c in credited if c.stage is not None}
    reached = [s for s in SCORED_STAGES if s in clean_stages]
    missing = [s for s in SCORED_STAGES if s not in clean_stages]
    detail = f"missed stage{'s' if len(missing) > 1 else ''} {_and(missing)}" if missing else "reached stages 1, 2, 3 and 5"
    only_in_traps = [s.stage for s in stages if s.reached and s.stage in missing]
    if only_in_traps:
        detail += f" ({_and(only_in_traps)} only in replies with a trap)"
    add("Stage coverage", len(reached) / len(SCORED_STAGES), W_COVERAGE * scale, detail)

    # Flow is credited on replies without a trap: "What's the problem and how can I help?" opens
    # with a question but is the seed's example of how not to open.
    clean_flow = _stage_flow(credited)
    opened = flow.opened_with_stage_1 and clean_flow.opened_with_stage_1
    closed = flow.closed_with_stage_5 and clean_flow.closed_with_stage_5

    def flow_words(done: bool, shown: bool, yes: str, no: str) -> str:
        return yes if done else (no + " (that reply fell into a trap)" if shown else no)

    flow_detail = "; ".join([
        flow_words(opened, flow.opened_with_stage_1, "opened with stage 1", "did not open with stage 1"),
        flow_words(closed, flow.closed_with_stage_5, "closed with stage 5", "did not close with stage 5"),
    ])
    add("Stage flow", (opened + closed) / 2, W_FLOW * scale, flow_detail)

    lost = sum(TRAP_COSTS.get(t.trap, TRAP_COST) for t in traps)
    by_trap = Counter(t.trap for t in traps)
    trap_detail = "no traps" if not traps else (
        f"{_plural(len(traps), 'trap')}: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(by_trap.items()))
    )
    # Avoiding traps means little in a reply or two: full marks need a few replies.
    trap_volume = min(1.0, len(worker) / ENOUGH)
    if trap_volume < 1:
        trap_detail += f"; full marks need {ENOUGH}+ replies"
    add("Traps avoided", trap_volume * (W_TRAPS - lost) / W_TRAPS, W_TRAPS * scale, trap_detail)

    not_counted = f"; not counting {_plural(discounted, 'reply')} with a trap" if discounted else ""
    reflections = sum(counts[m] for m in REFLECTIONS)
    questions = sum(counts[m] for m in QUESTIONS)
    complex_ = counts["complex_reflection"] + counts["summary"]
    rq_fraction = 1.0 if (reflections and not questions) else _ratio_fraction(reflections, questions, RQ_GOOD)
    cr_fraction = _ratio_fraction(complex_, reflections, CR_GOOD / 100)
    volume = min(1.0, reflections / ENOUGH)
    if reflections or questions:
        listen_detail = f"{_plural(reflections, 'reflection')} ({complex_} complex) to {_plural(questions, 'question')}"
    else:
        listen_detail = "no reflections or questions"
    if reflections < ENOUGH:
        listen_detail += f"; full marks need {ENOUGH}+ reflections"
    add("Listening", (0.6 * rq_fraction + 0.4 * cr_fraction) * volume, W_LISTENING * scale,
        listen_detail + not_counted)

    opens = counts["open_question"]
    open_fraction = _ratio_fraction(opens, questions, OQ_GOOD / 100) * min(1.0, opens / ENOUGH)
    open_detail = f"{opens} open of {_plural(questions, 'question')}" if questions else "no questions"
    if opens < ENOUGH:
        open_detail += f"; full marks need {ENOUGH}+ open questions"
    add("Open questions", open_fraction, W_OPEN * scale, open_detail + not_counted)

    if discovery is not None:
        wm, st = discovery.what_matters, discovery.strengths
        wm_total = len(wm.surfaced) + len(wm.missed)
        st_total = len(st.surfaced) + len(st.missed)
        wm_fraction = len(wm.surfaced) / wm_total if wm_total else 1.0
        st_fraction = len(st.surfaced) / st_total if st_total else 1.0
        add(
            "What matters found",
            0.75 * wm_fraction + 0.25 * st_fraction,
            W_DISCOVERY,
            f"{len(wm.surfaced)} of {wm_total} things that matter, "
            f"{len(st.surfaced)} of {_plural(st_total, 'strength')}",
        )
    return parts
