"""Make the progress log agree with the transcripts on disk.

A front end calls `lifecycle.on_finished` after the final save; if the process dies in
between (a laptop switched off while the summary is being worked out) the transcript says
`finished: true` but the log has no row for it. `reconcile` finds such files — finished
practice visits under `<home>/transcripts/`, finished assessments under
`<home>/assessments/<scenario>/` — and records them, scored from what the file holds (the
stored codings, what the person revealed on each line, the trust on their first and last
lines). It is cheap when there is nothing to do: one query for the paths already logged,
then only files without a row are read (and only finished ones are scored). Rows are keyed
by the transcript's path (a unique index), so a file is never recorded twice, even when two
processes reconcile at once. Files `forget` or `purge` removed are gone, so nothing they
removed can come back.
"""

from __future__ import annotations

import re
from pathlib import Path

from conversation_coach.paths import user_home
from conversation_coach.store import Store

_FINISHED = re.compile(rb'"finished"\s*:\s*true')
_MODE = {mode: re.compile(rb'"mode"\s*:\s*"' + mode.encode() + rb'"') for mode in ("practice", "assessment")}
MAX_TRANSCRIPT_BYTES = 50_000_000


def _tail(path: str | Path, parts: int) -> tuple[str, ...]:
    """The last `parts` components of a path: a file's key if the data dir has moved since it was logged."""
    return tuple(Path(path).parts[-parts:])


def _candidates(home: Path) -> list[tuple[str, Path]]:
    """(mode, file) for every saved conversation the engine could have written."""
    found: list[tuple[str, Path]] = []
    practice, assessments = home / "transcripts", home / "assessments"
    if practice.is_dir():
        found += [("practice", p) for p in sorted(practice.glob("*.json"))]
    if assessments.is_dir():
        found += [("assessment", p) for p in sorted(assessments.glob("*/*.json"))]
    return [(mode, p) for mode, p in found if p.is_file() and not p.is_symlink()]


def _looks_finished(path: Path, mode: str) -> bool:
    """A quick look at the bytes before parsing (imports and unfinished visits are skipped unparsed).

    Inside a JSON string a quote is escaped, so `"finished": true` can only be a key and its value.
    """
    try:
        if path.stat().st_size > MAX_TRANSCRIPT_BYTES:
            return False
        data = path.read_bytes()
    except OSError:
        return False
    return bool(_FINISHED.search(data)) and bool(_MODE[mode].search(data))


def outcome_from_transcript(transcript, scenario):
    """The ScenarioOutcome the engine had at the end, rebuilt from the saved lines.

    Person lines keep what they revealed (`surfaced`) and the trust after them, so
    nothing needs replaying.
    """
    from conversation_coach.rubric.assessment import Discovery, TrustRange
    from conversation_coach.rubric.score import ScenarioOutcome

    person = [t for t in transcript.turns if t.speaker == "person"]
    surfaced = [i for t in person for i in t.surfaced]

    def discovery(items) -> Discovery:
        ids = [d.id for d in items]
        return Discovery(surfaced=[i for i in dict.fromkeys(surfaced) if i in ids],
                         missed=[i for i in ids if i not in surfaced], labels={d.id: d.label for d in items})

    trusts = [t.trust for t in person if t.trust is not None]
    start = trusts[0] if trusts else scenario.trust.start
    return ScenarioOutcome(scenario_id=scenario.id, what_matters=discovery(scenario.what_matters),
                           strengths=discovery(scenario.strengths),
                           trust=TrustRange(start=start, end=trusts[-1] if trusts else start),
                           ended_by=transcript.ended_by or "trainee")


def assess_saved(transcript):
    """Score a finished saved conversation as its front end would have (without the scenario if it is gone)."""
    from conversation_coach.rubric.load import load_rubric
    from conversation_coach.rubric.score import assess

    outcome = None
    if transcript.scenario_id:
        try:
            from conversation_coach.scenario.load import load_scenario

            outcome = outcome_from_transcript(transcript, load_scenario(transcript.scenario_id))
        except Exception:  # the scenario was removed or broken since: the score still stands without it
            outcome = None
    return assess(transcript, load_rubric(), discovery=outcome)


def unlogged(store: Store | None = None, home: Path | None = None) -> list[tuple[str, Path]]:
    """Finished conversations under the data dir that have no row in the progress log."""
    store = store or Store()
    files = _candidates(home or user_home())
    if not files:
        return []
    sessions, assessments = store.logged_transcripts() if store.path.exists() else (set(), set())
    known = {
        "practice": sessions | {_tail(p, 1) for p in sessions},
        "assessment": assessments | {_tail(p, 2) for p in assessments},
    }
    out = []
    for mode, path in files:
        keys = known[mode]
        if str(path.resolve()) in keys or _tail(path, 1 if mode == "practice" else 2) in keys:
            continue
        if _looks_finished(path, mode):
            out.append((mode, path))
    return out


def reconcile(store: Store | None = None, home: Path | None = None) -> list[Path]:
    """Record every finished conversation that has no row yet; returns the files recorded.

    A file that cannot be read or scored is left alone (it is reported by the commands
    that open it); a store problem raises StoreError like any other store call.
    """
    from conversation_coach.lifecycle import assessment_record, session_record
    from conversation_coach.transcript.io import load_transcript

    store = store or Store()
    recorded: list[Path] = []
    for mode, path in unlogged(store, home):
        try:
            transcript = load_transcript(str(path))
            if not transcript.finished or transcript.mode != mode:
                continue
            if mode == "assessment" and not transcript.candidate:
                continue
            assessment = assess_saved(transcript)
        except Exception:  # a damaged or foreign file is not ours to log
            continue
        if mode == "practice":
            added = store.add_session(session_record(transcript, assessment, path), replace=False)
        else:
            added = store.add_assessment(assessment_record(transcript, assessment, path), replace=False)
        if added:
            recorded.append(path)
    return recorded
