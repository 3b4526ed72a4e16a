"""The supervisor's layer: overrides on turns, and agreement between supervisor and coder.

The coder's verdict (`turn.coding`) is never altered. A supervisor's review sits
beside it (`turn.review`); a field left unset means "I agree with the coder".
In a reviewed transcript every coded worker turn counts for agreement: a turn
the supervisor left alone is a turn they accepted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from conversation_coach.rubric.coding import MOVES, TRAPS, Coding
from conversation_coach.transcript.model import SupervisorReview, Transcript, Turn, now_iso

_UNSET = object()


@dataclass(frozen=True)
class Verdict:
    """Main move, stage and traps of one worker turn, as one side sees it."""

    main: str | None
    stage: int | None
    traps: tuple[str, ...]


def coder_verdict(coding: Coding | None) -> Verdict:
    coding = coding or Coding()
    return Verdict(coding.main, coding.stage, tuple(sorted({t.trap for t in coding.traps})))


def supervisor_verdict(turn: Turn) -> Verdict:
    """The coder's verdict with the supervisor's overrides laid over it."""
    base = coder_verdict(turn.coding)
    review = turn.review
    if review is None:
        return base
    stage = None if review.no_stage else (review.stage if review.stage is not None else base.stage)
    return Verdict(
        main=review.main if review.main is not None else base.main,
        stage=stage,
        traps=tuple(sorted(set(review.traps))) if review.traps is not None else base.traps,
    )


def has_override(review: SupervisorReview | None) -> bool:
    """True when the review changes the verdict (a comment alone does not)."""
    return review is not None and (
        review.main is not None or review.stage is not None or review.no_stage or review.traps is not None
    )


def is_reviewed(transcript: Transcript) -> bool:
    return bool(transcript.reviewed_by) or any(t.review is not None for t in transcript.turns)


def apply_override(transcript: Transcript, index: int, *, main=_UNSET, stage=_UNSET, traps=_UNSET,
                   comment: str | None = None, reviewer: str | None = None) -> SupervisorReview:
    """Set the supervisor's view of turn `index`; unspecified fields keep their current override.

    `stage=None` records "serves no stage"; `traps=[]` records "no traps". To drop an
    override on one field use `clear_override(..., fields=...)`.
    """
    turn = _worker_turn(transcript, index)
    review = (turn.review or SupervisorReview()).model_copy(deep=True)
    if main is not _UNSET:
        if main is not None and main not in MOVES:
            raise ValueError(f"unknown move '{main}'; moves are: {', '.join(MOVES)}")
        review.main = main
    if stage is not _UNSET:
        if stage is not None and not 1 <= int(stage) <= 5:
            raise ValueError("stage must be 1 to 5, or None for no stage")
        review.stage = None if stage is None else int(stage)
        review.no_stage = stage is None
    if traps is not _UNSET:
        unknown = [t for t in traps if t not in TRAPS]
        if unknown:
            raise ValueError(f"unknown trap(s) {', '.join(unknown)}; traps are: {', '.join(TRAPS)}")
        review.traps = sorted(set(traps), key=TRAPS.index)
    if comment is not None:
        review.comment = comment.strip()
    if reviewer is not None:
        review.reviewer = reviewer
        if reviewer and not transcript.reviewed_by:
            transcript.reviewed_by = reviewer
    review.at = now_iso()
    turn.review = SupervisorReview.model_validate(review.model_dump())
    return turn.review


NO_STAGE = "none"


def set_verdict(transcript: Transcript, index: int, *, main: str | None, stage: int | str | None,
                traps: Sequence[str] | None, comment: str = "", reviewer: str = "") -> SupervisorReview | None:
    """Record the supervisor's whole verdict on a turn, replacing any earlier one (the review screen's save).

    `main`, `stage`, `traps` None mean "as the coder said"; `stage=NO_STAGE` means "serves no stage".
    Only what differs from the coder is stored as an override, so agreeing leaves no override behind;
    with no override and no comment the turn's review is removed.
    """
    turn = _worker_turn(transcript, index)
    coder = coder_verdict(turn.coding)
    review = SupervisorReview(comment=(comment or "").strip(), reviewer=reviewer)
    if main is not None:
        if main not in MOVES:
            raise ValueError(f"unknown move '{main}'; moves are: {', '.join(MOVES)}")
        review.main = main if main != coder.main else None
    if stage == NO_STAGE:
        review.no_stage = coder.stage is not None
    elif stage is not None:
        if not 1 <= int(stage) <= 5:
            raise ValueError("stage must be 1 to 5")
        review.stage = int(stage) if int(stage) != coder.stage else None
    if traps is not None:
        unknown = [t for t in traps if t not in TRAPS]
        if unknown:
            raise ValueError(f"unknown trap(s) {', '.join(unknown)}; traps are: {', '.join(TRAPS)}")
        chosen = sorted(set(traps), key=TRAPS.index)
        review.traps = chosen if tuple(sorted(chosen)) != coder.traps else None
    transcript.reviewed_by = transcript.reviewed_by or reviewer or "supervisor"
    turn.review = review if (has_override(review) or review.comment) else None
    return turn.review


def fill_missing_codings(transcript: Transcript, rubric) -> int:
    """Code the worker turns that have no coding yet (keeping every stored one); returns how many."""
    missing = [i for i, t in enumerate(transcript.turns) if t.speaker == "worker" and t.coding is None]
    if not missing:
        return 0
    from conversation_coach.rubric.coder import code_turns

    codings = code_turns(transcript.turns, rubric)
    for i in missing:
        transcript.turns[i].coding = codings[i]
    if transcript.rubric_id is None:
        transcript.rubric_id, transcript.rubric_version = rubric.id, rubric.version
    return len(missing)


def clear_override(transcript: Transcript, index: int, *, fields: Sequence[str] | None = None) -> None:
    """Remove the supervisor's review of a turn, or only some fields ("main", "stage", "traps", "comment")."""
    turn = _worker_turn(transcript, index)
    if turn.review is None:
        return
    if fields is None:
        turn.review = None
        return
    review = turn.review.model_copy(deep=True)
    for name in fields:
        if name == "main":
            review.main = None
        elif name == "stage":
            review.stage, review.no_stage = None, False
        elif name == "traps":
            review.traps = None
        elif name == "comment":
            review.comment = ""
        else:
            raise ValueError(f"unknown field '{name}'")
    turn.review = review if (has_override(review) or review.comment) else None


def _worker_turn(transcript: Transcript, index: int) -> Turn:
    if not 0 <= index < len(transcript.turns):
        raise IndexError(f"turn {index} does not exist (the transcript has {len(transcript.turns)} turns)")
    turn = transcript.turns[index]
    if turn.speaker != "worker":
        raise ValueError(f"turn {index} is the person's; only the worker's turns are coded")
    return turn


# ---------------------------------------------------------------- agreement


@dataclass
class Agreement:
    """Agreement on one category (or overall): n turns, how many agreed, percent and Cohen's kappa."""

    label: str
    n: int
    agreed: int
    coder_count: int = 0  # binary categories: turns the coder said yes
    supervisor_count: int = 0
    kappa: float | None = None  # None when undefined (no variation on either side)

    @property
    def percent(self) -> float | None:
        return 100.0 * self.agreed / self.n if self.n else None


@dataclass
class Disagreement:
    source: str
    turn: int
    text: str
    aspect: str  # "move", "stage" or "trap:<name>"
    coder: str
    supervisor: str
    comment: str = ""


@dataclass
class AgreementReport:
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not reviewed
    turns: int = 0
    overall_move: Agreement | None = None
    overall_stage: Agreement | None = None
    overall_traps: Agreement | None = None  # every (turn, trap) decision pooled
    per_move: dict[str, Agreement] = field(default_factory=dict)
    per_trap: dict[str, Agreement] = field(default_factory=dict)
    disagreements: list[Disagreement] = field(default_factory=list)


def cohen_kappa(pairs: Sequence[tuple[object, object]]) -> float | None:
    """Cohen's kappa for two raters over nominal labels; None when chance agreement is 1."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[k] * second.get(k, 0) for k in first) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def _summary(label: str, pairs: list[tuple[object, object]], *, binary: bool = False) -> Agreement:
    result = Agreement(label, len(pairs), sum(a == b for a, b in pairs), kappa=cohen_kappa(pairs))
    if binary:
        result.coder_count = sum(bool(a) for a, _ in pairs)
        result.supervisor_count = sum(bool(b) for _, b in pairs)
    return result


def _show(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none"
    return str(value)


def agreement(transcripts: Sequence[Transcript], *, labels: Sequence[str] | None = None,
              codings: Sequence[Sequence[Coding] | None] | None = None,
              include_unreviewed: bool = False) -> AgreementReport:
    """Compare the supervisor's verdicts with the coder's over every coded worker turn of reviewed transcripts.

    `codings` (one list per transcript, or None) compares the supervisor with a fresh coding — e.g. a
    revised rubric — instead of the coding stored in the transcript. The supervisor's view is always
    their override laid over the stored coding they were shown. `include_unreviewed` counts a
    transcript nobody has reviewed yet (the review screen, while the supervisor works through it).
    """
    labels = list(labels) if labels is not None else [t.id or f"transcript {i + 1}" for i, t in enumerate(transcripts)]
    report = AgreementReport()
    rows: list[tuple[str, int, Turn, Verdict, Verdict]] = []
    for i, transcript in enumerate(transcripts):
        if not include_unreviewed and not is_reviewed(transcript):
            report.skipped.append(labels[i])
            continue
        report.files.append(labels[i])
        fresh = codings[i] if codings is not None else None
        for index, turn in enumerate(transcript.turns):
            if turn.speaker != "worker" or turn.coding is None:
                continue
            coder = coder_verdict(fresh[index] if fresh is not None else turn.coding)
            rows.append((labels[i], index, turn, coder, supervisor_verdict(turn)))
    report.turns = len(rows)
    report.overall_move = _summary("main move", [(c.main, s.main) for *_, c, s in rows])
    report.overall_stage = _summary("stage", [(c.stage, s.stage) for *_, c, s in rows])
    report.overall_traps = _summary(
        "all traps, pooled", [(t in c.traps, t in s.traps) for *_, c, s in rows for t in TRAPS], binary=True)
    for move in MOVES:
        report.per_move[move] = _summary(move, [(c.main == move, s.main == move) for *_, c, s in rows], binary=True)
    for trap in TRAPS:
        report.per_trap[trap] = _summary(
            trap, [(trap in c.traps, trap in s.traps) for *_, c, s in rows], binary=True)
    for source, index, turn, coder, sup in rows:
        comment = turn.review.comment if turn.review else ""
        text = turn.text

        def add(aspect: str, a: object, b: object, source=source, index=index, text=text, comment=comment) -> None:
            report.disagreements.append(Disagreement(source, index, text, aspect, _show(a), _show(b), comment))

        if coder.main != sup.main:
            add("move", coder.main, sup.main)
        if coder.stage != sup.stage:
            add("stage", coder.stage, sup.stage)
        for trap in TRAPS:
            if (trap in coder.traps) != (trap in sup.traps):
                add(f"trap:{trap}", "yes" if trap in coder.traps else "no", "yes" if trap in sup.traps else "no")
    return report


def agreement_dict(report: AgreementReport) -> dict:
    """A JSON-ready form of the report (used by `agree --json` and the exports)."""

    def one(a: Agreement | None) -> dict | None:
        if a is None:
            return None
        out = {"n": a.n, "agreed": a.agreed,
               "percent": round(a.percent, 1) if a.percent is not None else None,
               "kappa": round(a.kappa, 3) if a.kappa is not None else None}
        return out

    def binary(a: Agreement) -> dict:
        return {**one(a), "coder": a.coder_count, "supervisor": a.supervisor_count}

    return {
        "files": report.files,
        "not_reviewed": report.skipped,
        "turns": report.turns,
        "main_move": one(report.overall_move),
        "stage": one(report.overall_stage),
        "traps": binary(report.overall_traps),
        "per_move": {k: binary(v) for k, v in report.per_move.items()},
        "per_trap": {k: binary(v) for k, v in report.per_trap.items()},
        "disagreements": [
            {"source": d.source, "turn": d.turn, "aspect": d.aspect, "coder": d.coder,
             "supervisor": d.supervisor, "text": d.text, "comment": d.comment}
            for d in report.disagreements
        ],
    }


def format_percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}%"


def format_kappa(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"
