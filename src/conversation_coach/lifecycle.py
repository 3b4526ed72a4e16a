

"""What happens when a conversation finishes, whichever front end ran it.

Front ends (plain line mode, the TUI) call `on_finished` once, after the final
save: a practice session becomes a row in the progress store, an assessment a
record a recruitment panel can compare. Kept here so the TUI and `play --plain`
cannot drift apart. A store problem never breaks the end of a conversation: it
is said once on stderr (and returned, for a front end that wants to show it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from conversation_coach.rubric.assessment import Assessment
from conversation_coach.transcript.model import Transcript

_reported = False


def _app_version(transcript: Transcript) -> str:
    if transcript.app_version:
        return transcript.app_version
    from conversation_coach import __version__

    return __version__


def _traps(transcript: Transcript, assessment: Assessment):
    from conversation_coach.store import TrapNote
    from conversation_coach.values import quote

    def words(turn: int) -> str:
        ok = 0 <= turn < len(transcript.turns) and transcript.turns[turn].speaker == "worker"
        return quote(transcript.turns[turn].text) if ok else ""

    return [TrapNote(trap=t.trap, evidence=t.evidence, turn=t.turn, name=t.name, rewrite=t.rewrite,
                     words=words(t.turn)) for t in assessment.traps]


def _discovery(assessment: Assessment) -> tuple[list[str], list[str], dict[str, str]]:
    wm = assessment.what_matters
    if wm is None:
        return [], [], {}
    return list(wm.surfaced), list(wm.missed), dict(wm.labels)


def _duration(transcript: Transcript) -> float | None:
    from conversation_coach.store import parse_iso

    start, end = parse_iso(transcript.created), parse_iso(transcript.updated)
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds()


def _date(transcript: Transcript) -> str:
    from conversation_coach.store import parse_iso, utc_now_iso

    when = parse_iso(transcript.updated)
    return when.isoformat() if when else utc_now_iso()


def session_record(transcript: Transcript, assessment: Assessment, transcript_path=None):
    """The progress row for a finished practice conversation."""
    from conversation_coach.store import SessionRecord

    surfaced, missed, labels = _discovery(assessment)
    return SessionRecord(
        date=_date(transcript), scenario_id=transcript.scenario_id or assessment.scenario_id,
        score=assessment.score, stages_reached=[s.stage for s in assessment.stages if s.reached],
        traps=_traps(transcript, assessment), what_matters_surfaced=surfaced, what_matters_missed=missed,
        what_matters_labels=labels, trainee=transcript.trainee,
        transcript_path=str(Path(transcript_path).resolve()) if transcript_path else None,
        scenario_version=transcript.scenario_version, scenario_title=transcript.scenario_title,
        person_name=transcript.person_name, rubric_id=assessment.rubric_id or transcript.rubric_id,
        rubric_version=assessment.rubric_version or transcript.rubric_version,
        app_version=_app_version(transcript), ended_by=assessment.ended_by or transcript.ended_by,
        duration_seconds=_duration(transcript),
    )


def assessment_record(transcript: Transcript, assessment: Assessment, transcript_path=None):
    """The panel's record for a finished assessment: everything needed to reproduce the score."""
    from conversation_coach.store import AssessmentRecord
    from conversation_coach.values import values_evidence

    surfaced, missed, labels = _discovery(assessment)
    return AssessmentRecord(
        date=_date(transcript), candidate=transcript.candidate or "",
        scenario_id=transcript.scenario_id or assessment.scenario_id or "",
        score=assessment.score,
        parts=[{"name": p.name, "points": p.points, "max_points": p.max_points, "detail": p.detail}
               for p in assessment.score_parts],
        stages_reached=[s.stage for s in assessment.stages if s.reached], traps=_traps(transcript, assessment),
        what_matters_surfaced=surfaced, what_matters_missed=missed, what_matters_labels=labels,
        values_evidence=[v.as_json() for v in values_evidence(transcript.turns)],
        trust=assessment.trust.model_dump() if assessment.trust else None,
        ended_by=assessment.ended_by or transcript.ended_by,
        scenario_version=transcript.scenario_version, rubric_id=assessment.rubric_id or transcript.rubric_id,
        rubric_version=assessment.rubric_version or transcript.rubric_version,
        app_version=_app_version(transcript),
        transcript_path=str(Path(transcript_path).resolve()) if transcript_path else None,
    )


def on_finished(transcript: Transcript, assessment: Assessment, transcript_path=None) -> str | None:
    """Record a finished conversation (progress store for practice; assessment records for panels).

    Returns None when recorded (or nothing to record), else the problem in words; never raises.
    """
    global _reported
    try:
        from conversation_coach.store import Store

        if transcript.mode == "practice":
            Store().add_session(session_record(transcript, assessment, transcript_path))
        elif transcript.mode == "assessment":
            if not transcript.candidate:
                raise ValueError("an assessment needs a candidate id")
            Store().add_assessment(assessment_record(transcript, assessment, transcript_path))
    except Exception as exc:  # the end of a conversation must never crash on the log
        where = f" The transcript is saved at {transcript_path}." if transcript_path else ""
        message = f"conversation-coach: this conversation could not be added to the progress log: {exc}.{where}"
        if not _reported:
            _reported = True
            print(message, file=sys.stderr)
        return message
    catch_up()
    return None


def catch_up() -> list[Path]:
    """Log finished visits an earlier run saved but never logged (killed in between). Never raises."""
    try:
        from conversation_coach.reconcile import reconcile

        return reconcile()
    except Exception:  # this visit is logged; the others will be caught up next time
        return []


def note_export(path, transcript: Transcript) -> None:
    """Log that the app wrote `path` from `transcript`, so `forget` can find it later. Never raises."""
    subjects = [s for s in (transcript.candidate, transcript.trainee) if s]
    if not subjects:
        return
    try:
        from conversation_coach.store import Store

        Store().record_export(path, subjects)
    except Exception:  # the export itself succeeded; a log problem must not turn it into a failure
        pass
